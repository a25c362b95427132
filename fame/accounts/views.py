"""Signing in with two factors, and the pages that manage organisations and practitioners."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup

from fame.web.pages import pagination, posted, render_page

from . import actions, facilitated, queries
from .decorators import acting_user, cleared_required, requires
from .forms import (
    CodeForm,
    ConfirmForm,
    FacilitatedForm,
    NewPasswordForm,
    OrganisationForm,
    SignInForm,
    UserForm,
)
from .models import Organisation, User

ENDED_MESSAGES = {
    "idle": "You were signed out because you had not done anything for a while.",
    "lifetime": "You were signed out because your session reached its time limit.",
    "signed_out": "You have signed out.",
}


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:second_factor")
    form = SignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials={"username": username})
        if user is None:
            actions.record_sign_in_failed(request, username=username, why="password")
            # One message in the summary, linked to the first field; both fields show it.
            for field in ("username", "password"):
                form.add_error(field, "Enter a correct username and password")
        else:
            login(request, user)
            actions.record_password_accepted(request, user=user)
            return redirect("accounts:second_factor")
    ended = ENDED_MESSAGES.get(request.GET.get("ended", ""))
    return render_page(request, "accounts/sign_in.html", {"form": form, "ended": ended})


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:home")


def _code_refused(
    request: HttpRequest, user: User, form: CodeForm, why: str
) -> HttpResponse | None:
    """Count a wrong code towards the lockout; the lockout page if this was one too many."""
    actions.record_second_factor_failed(request, user=user, why=why)
    credentials = {"username": user.username}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        return locked_out(request, credentials=credentials)
    form.add_error(
        "code",
        "The security code is not right, or it has been used. Wait for a new code and try again",
    )
    return None


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("web:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "code", "You have entered too many wrong codes. Wait a minute, then try again"
            )
            actions.record_second_factor_failed(request, user=user, why="throttled")
        elif device.verify_token(form.cleaned_data["code"]):
            actions.complete_sign_in(request, device=device)
            return _after_sign_in(request)
        elif refused := _code_refused(request, user, form, why="wrong code"):
            return refused
    return render_page(request, "accounts/security_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:second_factor")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = actions.start_enrolment(user=user)
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            actions.confirm_enrolment(request, device=device)
            actions.complete_sign_in(request, device=device)
            messages.success(request, "Your authenticator app is set up.")
            return _after_sign_in(request)
        if refused := _code_refused(request, user, form, why="wrong enrolment code"):
            return refused
    qr = Markup(segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code"))  # noqa: S704 - segno's own SVG markup
    secret = " ".join(queries.base32_secret(device)[i : i + 4] for i in range(0, 32, 4))
    return render_page(
        request, "accounts/enrol.html", {"form": form, "qr": qr, "secret": secret.strip()}
    )


@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Where a temporary password is replaced (the sign-in door sends people here)."""
    user: User = request.user  # type: ignore[assignment]
    form = NewPasswordForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        actions.change_own_password(request, user=user, password=form.cleaned_data["password"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is changed.")
        return redirect("web:home")
    return render_page(request, "accounts/change_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signing out is a posted form (CSRF-protected); a link here only asks to confirm."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if request.method == "POST":
        actions.end_session(request, reason="signed out")
        logout(request)
        return redirect("/sign-in?ended=signed_out")
    return render_page(request, "accounts/sign_out.html")


LOCKED_OUT_PAGE = "fame_locked_out_page"


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a request the lockout refuses, audited once, naming the username tried.

    django-axes' middleware calls this (AXES_LOCKOUT_CALLABLE) with the view's own
    response for every request it marks locked out; the sign-in views call it
    first, while they still know who was signing in, and axes' call then hands
    back the same page.
    """
    if (answered := getattr(request, LOCKED_OUT_PAGE, None)) is not None:
        return answered
    credentials = credentials or getattr(request, "axes_credentials", None) or {}
    username = str(credentials.get("username") or getattr(request.user, "username", ""))
    actions.record_locked_out(request, username=username)
    if request.user.is_authenticated:
        logout(request)
    page = render_page(request, "accounts/locked.html", status=429)
    setattr(request, LOCKED_OUT_PAGE, page)
    return page


# Managing organisations ------------------------------------------------------


@requires("manage_organisations")
def organisations(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "accounts/organisations.html",
        {"organisations": queries.organisations_with_counts(), "nav_active": "organisations"},
    )


@requires("manage_organisations")
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, agency_id: str | None = None) -> HttpResponse:
    instance = get_object_or_404(Organisation, agency_id=agency_id) if agency_id else None
    form = OrganisationForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        organisation = actions.save_organisation(form=form, by=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{organisation.name} saved.")
        return redirect("accounts:organisations")
    return render_page(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": instance, "nav_active": "organisations"},
    )


# Managing practitioners ------------------------------------------------------


USERS_PAGE_SIZE = 25


@requires("manage_users")
def users(request: HttpRequest) -> HttpResponse:
    """Everyone with an account, 25 a page, found by name, username or organisation."""
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(queries.find_users(query), USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "accounts/users.html",
        {
            "users": page,
            "total": page.paginator.count,
            "pagination": pagination(request, page),
            "q": query,
            "nav_active": "users",
        },
    )


@requires("manage_users")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    instance = get_object_or_404(User, pk=user_id) if user_id else None
    form = UserForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        user = actions.save_user(form=form, by=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{user.display_name} saved.")
        return redirect("accounts:user", user_id=user.pk)
    return render_page(
        request,
        "accounts/user_form.html",
        {"form": form, "person": instance, "nav_active": "users"},
    )


@requires("manage_users")
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("organisation"), pk=user_id)
    return render_page(
        request,
        "accounts/user_detail.html",
        {"person": person, **queries.user_status(person), "nav_active": "users"},
    )


USER_ACTIONS = {
    "disable": ("Disable this account", "The account is disabled and its sessions have ended."),
    "enable": ("Enable this account", "The account is enabled."),
    "reset-2fa": (
        "Reset two-factor authentication",
        "Two-factor authentication is reset. They will set up a new authenticator app "
        "when they next sign in.",
    ),
    "unlock": ("Unlock this account", "The account is unlocked."),
    "temporary-password": (
        "Give a temporary password",
        "",
    ),
}


@requires("manage_users")
@require_http_methods(["GET", "POST"])
def user_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if action not in USER_ACTIONS:
        return render_page(request, "web/not_found.html", status=404)
    title, done = USER_ACTIONS[action]
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        by: User = request.user  # type: ignore[assignment]
        if action in {"disable", "enable"}:
            actions.set_active(user=person, active=action == "enable", by=by)
        elif action == "reset-2fa":
            actions.reset_two_factor(user=person, by=by)
        elif action == "temporary-password":
            password = actions.issue_temporary_password(user=person, by=by)
            return render_page(
                request,
                "accounts/temporary_password.html",
                {"person": person, "password": password, "nav_active": "users"},
            )
        else:
            actions.unlock(user=person, by=by)
        messages.success(request, done)
        return redirect("accounts:user", user_id=person.pk)
    return render_page(
        request,
        "accounts/user_action.html",
        {"person": person, "title": title, "action": action, "nav_active": "users"},
    )


@requires("facilitate_access")
@cleared_required  # the officer must be cleared; the practitioner's standing is checked on the form
@require_http_methods(["GET", "POST"])
def facilitated_start(request: HttpRequest) -> HttpResponse:
    """An ISA officer (cleared themselves) starts acting for a practitioner who has no account;
    the practitioner's organisation, role, vetting and training are checked by rule 1."""
    form = FacilitatedForm(posted(request))
    if request.method == "POST" and form.is_valid():
        practitioner = form.practitioner()
        facilitated.start(request, practitioner=practitioner, by=acting_user(request))
        messages.success(
            request,
            f"You are now acting for {practitioner.name}. What you may see is what they may "
            "see. Searches, records opened and requests are recorded in both your names.",
        )
        return redirect("index:search")
    return render_page(
        request,
        "accounts/facilitated.html",
        {"form": form, "acting_for": facilitated.facilitated_for(request)},
    )


@requires("facilitate_access")
@require_http_methods(["POST"])
def facilitated_end(request: HttpRequest) -> HttpResponse:
    acting_for = facilitated.facilitated_for(request)
    facilitated.end(request, by=acting_user(request))
    if acting_for:
        messages.success(request, f"You are no longer acting for {acting_for['name']}.")
    return redirect("web:home")
