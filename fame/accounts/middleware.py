"""Sign-in is required everywhere except a short public list; both factors before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Exact paths: the second-factor pages under /sign-in/ are not public.
PUBLIC_PATHS = frozenset({"/sign-in", "/sign-out", "/favicon.ico"})
# The framework's guidance and the published case studies are for anyone (issue 15), and so
# are the service directory and its API; keeping the directory current is not.
PUBLIC_PREFIXES = ("/healthz", "/accessibility", "/framework", "/directory", settings.STATIC_URL)
SIGNED_IN_WITHIN_PUBLIC = ("/directory/edit", "/directory/review")
SECOND_FACTOR_PREFIXES = ("/sign-in/security-code", "/sign-in/set-up-authenticator", "/sign-out")


class SignInRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        user = request.user
        if not user.is_authenticated:
            public = path in PUBLIC_PATHS or (
                path.startswith(PUBLIC_PREFIXES) and not path.startswith(SIGNED_IN_WITHIN_PUBLIC)
            )
            if not public:
                return redirect(reverse("accounts:sign_in"))
        elif not user.is_verified():  # type: ignore[attr-defined]
            if not path.startswith((*SECOND_FACTOR_PREFIXES, "/healthz", settings.STATIC_URL)):
                return redirect(reverse("accounts:second_factor"))
        elif getattr(user, "must_change_password", False) and not path.startswith(
            ("/account/password", "/sign-out", "/healthz", settings.STATIC_URL)
        ):
            return redirect(reverse("accounts:change_password"))
        return self.get_response(request)
