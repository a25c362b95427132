"""Pages for the sharing registers: ISA officers keep protocols; practitioners record consent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import acting_user, child_data_required, requires
from fame.index import opened_person
from fame.web.pages import posted, render_page

from . import actions, queries
from .forms import ConsentForm, ProtocolForm
from .models import Consent, Protocol


def _form_errors(form: ProtocolForm | ConsentForm, error: ValidationError) -> None:
    """Put a register's own validation errors onto the form, field by field."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@requires("manage_protocols")
def protocols(request: HttpRequest) -> HttpResponse:
    found = Protocol.objects.prefetch_related("versions").order_by("title")
    return render_page(
        request, "sharing/protocols.html", {"protocols": found, "nav_active": "protocols"}
    )


@requires("manage_protocols")
def protocol(request: HttpRequest, reference: str) -> HttpResponse:
    found = get_object_or_404(Protocol, reference=reference)
    return render_page(
        request,
        "sharing/protocol.html",
        {
            "protocol": found,
            "versions": list(queries.protocol_versions(found)),
            "nav_active": "protocols",
        },
    )


@requires("manage_protocols")
@require_http_methods(["GET", "POST"])
def protocol_edit(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    """A new protocol, or (with ``reference``) a new version of one."""
    existing = get_object_or_404(Protocol, reference=reference) if reference else None
    initial = {}
    if existing is not None:
        current = existing.current_version()
        initial = {
            "reference": existing.reference,
            "title": existing.title,
            "scope": existing.scope,
            "parties": current.parties,
            "purposes": current.purposes,
            "data_categories": current.data_categories,
            "lawful_basis": current.lawful_basis,
            "in_force_from": current.in_force_from,
            "in_force_to": current.in_force_to,
        }
    form = ProtocolForm(posted(request), initial=initial, new_version_of=reference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            k: data[k]
            for k in (
                "parties",
                "purposes",
                "data_categories",
                "lawful_basis",
                "in_force_from",
                "in_force_to",
            )
        }
        try:
            if existing is None:
                made = actions.create_protocol(
                    reference=data["reference"],
                    title=data["title"],
                    scope=data["scope"],
                    by=acting_user(request),
                    **fields,
                )
            else:
                actions.new_protocol_version(protocol=existing, by=acting_user(request), **fields)
                made = existing
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{made.title} saved.")
            return redirect("sharing:protocol", reference=made.reference)
    return render_page(
        request,
        "sharing/protocol_form.html",
        {"form": form, "existing": existing, "nav_active": "protocols"},
    )


@child_data_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, handle: str) -> HttpResponse:
    person = opened_person(request, handle)
    form = ConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_consent(
                child_ref=str(person.uid), by=acting_user(request), **form.consent()
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The consent decision is recorded. It applies at once.")
            return redirect("index:record", handle=handle)
    return render_page(request, "sharing/consent_form.html", {"form": form, "handle": handle})


@child_data_required
@require_http_methods(["POST"])
def consent_withdraw(request: HttpRequest, handle: str, consent_id: int) -> HttpResponse:
    person = opened_person(request, handle)
    consent = get_object_or_404(Consent, pk=consent_id, child_ref=str(person.uid))
    if consent.withdrawn:
        messages.success(request, "That consent was already withdrawn.")
    else:
        actions.withdraw_consent(consent=consent, by=acting_user(request))
        messages.success(request, "The consent is withdrawn. Sharing under it stops at once.")
    return redirect("index:record", handle=handle)
