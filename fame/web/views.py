"""The home page, the health check and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.accounts.access import child_data_access
from fame.accounts.decorators import NOT_YOUR_WORK
from fame.accounts.facilitated import facilitated_for
from fame.accounts.models import User
from fame.accounts.permissions import can

from .pages import render_page
from .practitioner import practitioner_home


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer without sign-in that this process is up, and nothing else: the hub's register of
    nodes is on its "Agency nodes" page, a node's status at /federation/v1/node/status (signed)."""
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    access = child_data_access(user)  # type: ignore[arg-type]
    own_work = (
        practitioner_home(request, user)
        if isinstance(user, User)
        and access.allowed
        and can(user, "work_with_children")
        and not facilitated_for(request)
        else None
    )
    return render_page(
        request,
        "web/home.html",
        {
            "access": access,
            "own_work": own_work,
            "can_manage_users": can(user, "manage_users"),  # type: ignore[arg-type]
            "can_view_nodes": can(user, "view_nodes"),  # type: ignore[arg-type]
            "can_view_audit": can(user, "view_audit"),  # type: ignore[arg-type]
            "can_authorise_override": can(user, "authorise_override"),  # type: ignore[arg-type]
            "not_your_work": NOT_YOUR_WORK,
            "nav_active": "home",
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render_page(request, "web/csrf.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_page(request, "web/not_found.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/server_error.html", status=500)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/privacy.html")
