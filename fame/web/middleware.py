"""Security middleware: session lifetimes and no caching of pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

SESSION_STARTED = "fame_session_started"
LAST_SEEN = "fame_last_seen"


class SessionLifetimeMiddleware:
    """End a signed-in session after an idle timeout or an absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            started = _read_time(request, SESSION_STARTED)
            last_seen = _read_time(request, LAST_SEEN)
            expired = None
            if started and now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                expired = "lifetime"
            elif last_seen and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                expired = "idle"
            if expired:
                from fame.accounts.actions import end_session

                end_session(request, reason=expired)
                logout(request)
                return redirect(reverse("accounts:sign_in") + f"?ended={expired}")
            if not started:
                request.session[SESSION_STARTED] = now.isoformat()
            request.session[LAST_SEEN] = now.isoformat()
        return self.get_response(request)


def _read_time(request: HttpRequest, key: str) -> datetime | None:
    value = request.session.get(key)
    return datetime.fromisoformat(value) if value else None


class NoStoreMiddleware:
    """Nothing FAME serves, other than static assets, may be kept in a cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
