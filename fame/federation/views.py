"""Detail request pages: ask an agency for more information, see its answer, try again.

Thin: parse, check the door, call one action, render. A request's page is
shown only to the practitioner who made it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
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
from fame.web.pages import posted, render_page

from .detail import ask_for_detail, send_detail_request
from .forms import DetailRequestForm
from .models import DataCategory, DetailRequest


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
    form = DetailRequestForm(posted(request))
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
    return render_page(
        request,
        "federation/detail_request.html",
        {
            "detail": detail,
            "handle": handle_for(request, detail.person),
            "labels": dict(DataCategory.choices),
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
