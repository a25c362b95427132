"""Detail request pages: ask an agency for more information, see its answer, try again.

Thin: parse, check the door, call one action, render. A request's page is
shown only to the practitioner who made it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fame.accounts.actions import confirm_with_code
from fame.accounts.decorators import (
    acting_user,
    child_data_required,
    refuse,
    used_second_factor,
)
from fame.accounts.facilitated import facilitated_for
from fame.accounts.models import Organisation, User
from fame.index import handle_for, opened_person
from fame.index.models import Person
from fame.sharing import Consent, agreements_in_force
from fame.web.pages import posted, render_page

from .detail import ask_for_detail, send_detail_request
from .forms import DetailRequestForm
from .models import RELEASED_FIELDS, DataCategory, DetailRequest


def _involved_agency(person: Person, agency_id: str) -> Organisation:
    agency = get_object_or_404(Organisation, agency_id=agency_id)
    if not person.involvements.filter(organisation=agency).exists():
        raise Http404("That agency is not involved with this child.")
    return agency


@child_data_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, handle: str, agency_id: str) -> HttpResponse:
    person = opened_person(request, handle)
    agency = _involved_agency(person, agency_id)
    form = DetailRequestForm(
        posted(request),
        initial=_asked_for(request),
        consents=agreements_in_force(str(person.uid), on=timezone.localdate()),
        names=_organisation_names(),
    )
    user = acting_user(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authoriser = None
        if data["override_reason"].strip():
            authoriser = User.objects.get(username=data["override_authoriser"].strip())
            if not confirm_with_code(
                request,
                user=authoriser,
                code=data["override_code"],
                for_what=f"asking {agency.agency_id} without consent",
                by=user,
            ):
                form.add_error(
                    "override_code",
                    "The security code is not right, or it has been used. "
                    "Ask them for a new code and try again",
                )
        if authoriser is None or not form.errors:
            detail = ask_for_detail(
                person=person,
                agency=agency,
                by=user,
                mfa=used_second_factor(request.user),
                purpose=data["purpose"],
                categories=data["categories"],
                note=data["note"],
                consent_reference=data["consent_reference"],
                override_reason=data["override_reason"],
                override_authoriser=authoriser,
                override_confirmed=authoriser is not None,
                family_told=data["family_told"],
                family_not_told_reason=data["family_not_told_reason"],
                on_behalf_of=facilitated_for(request),
            )
            return redirect("federation:detail_request", uid=detail.uid)
    return render_page(
        request,
        "federation/ask.html",
        {"form": form, "agency": agency, "handle": handle, "nav_active": "search"},
    )


def _asked_for(request: HttpRequest) -> dict[str, Any]:
    """What a link may choose in advance (``?purpose=safeguarding&categories=case``):
    the form checks the choices as it checks anything posted."""
    return {
        "purpose": request.GET.get("purpose", ""),
        "categories": request.GET.getlist("categories"),
    }


def _consent_relied_on(detail: DetailRequest) -> Consent | None:
    """The consent the request named as its reference, if it still names one of the child's."""
    if not detail.consent_reference.isdigit():
        return None
    child = str(detail.person.uid)
    return Consent.objects.filter(pk=detail.consent_reference, child_ref=child).first()


def _organisation_names() -> dict[str, str]:
    return dict(Organisation.objects.values_list("agency_id", "name"))


def _override_link(detail: DetailRequest, handle: str | None, categories: list[str]) -> str | None:
    """The ask form again, for safeguarding, with ``categories`` chosen (the override part
    is revealed under Safeguarding); None when the record is not open here."""
    if handle is None or not categories:
        return None
    query = urlencode({"purpose": "safeguarding", "categories": categories}, doseq=True)
    return f"{reverse('federation:ask', args=[handle, detail.agency.agency_id])}?{query}"


def _own_request(request: HttpRequest, uid: str) -> DetailRequest | HttpResponse:
    detail = get_object_or_404(DetailRequest.objects.select_related("agency", "person"), uid=uid)
    user = acting_user(request)
    if detail.requested_by_id != user.pk:
        return refuse(
            request,
            action="see another practitioner's detail request",
            target=f"detail-request:{detail.uid}",
            why="Only the practitioner who asked can see a request for information and its answer.",
        )
    return detail


@child_data_required
def detail_request(request: HttpRequest, uid: str) -> HttpResponse:
    detail = _own_request(request, uid)
    if isinstance(detail, HttpResponse):
        return detail
    handle = handle_for(request, detail.person)
    steps, overridable = detail.next_steps()
    relied_on = _consent_relied_on(detail)
    return render_page(
        request,
        "federation/detail_request.html",
        {
            "detail": detail,
            "handle": handle,
            "labels": dict(DataCategory.choices),
            "fields_in_words": RELEASED_FIELDS,
            "steps": steps,
            "override_url": _override_link(detail, handle, overridable),
            "consent_words": relied_on.in_words(_organisation_names()) if relied_on else "",
            "nav_active": "search",
        },
    )


@child_data_required
@require_http_methods(["POST"])
def retry(request: HttpRequest, uid: str) -> HttpResponse:
    detail = _own_request(request, uid)
    if isinstance(detail, HttpResponse):
        return detail
    send_detail_request(
        detail=detail, by=acting_user(request), mfa=used_second_factor(request.user)
    )
    return redirect("federation:detail_request", uid=detail.uid)
