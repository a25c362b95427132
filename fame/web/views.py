"""The home page, the health check and the error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.accounts.access import child_data_access
from fame.accounts.permissions import can
from fame.federation.queries import node_statuses
from fame.node.queries import node_health

from .pages import render_page


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer without sign-in: role and status; a hub lists its nodes, a node its agencies."""
    answer: dict[str, Any] = {"role": settings.FAME_ROLE, "status": "ok"}
    if settings.FAME_ROLE in {"hub", "both"}:
        answer["nodes"] = node_statuses()
    if settings.FAME_ROLE in {"node", "both"}:
        answer.update(node_health())
    return JsonResponse(answer)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render_page(
        request,
        "web/home.html",
        {
            "access": child_data_access(user),  # type: ignore[arg-type]
            "can_manage_users": can(user, "manage_users"),  # type: ignore[arg-type]
            "can_view_nodes": can(user, "view_nodes"),  # type: ignore[arg-type]
            "can_view_audit": can(user, "view_audit"),  # type: ignore[arg-type]
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
