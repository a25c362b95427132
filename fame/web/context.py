"""Values every page needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def page_context(request: HttpRequest) -> dict[str, Any]:
    from fame.accounts.facilitated import facilitated_for, may_search
    from fame.accounts.permissions import can

    user = request.user
    is_verified = getattr(user, "is_verified", None)
    signed_in = user.is_authenticated and callable(is_verified) and is_verified()
    return {
        # str() makes django-csp put the nonce in the header; every page needs it.
        "cspNonce": str(getattr(request, "csp_nonce", "")),
        "signed_in": signed_in,
        "can_manage": signed_in and can(user, "manage_users"),  # type: ignore[arg-type]
        "can_review": signed_in and can(user, "review_matches"),  # type: ignore[arg-type]
        "can_facilitate": signed_in and can(user, "facilitate_access"),  # type: ignore[arg-type]
        "can_coordinate_cafs": signed_in and can(user, "coordinate_cafs"),  # type: ignore[arg-type]
        "can_audit": signed_in and can(user, "view_audit"),  # type: ignore[arg-type]
        "can_view_nodes": signed_in and can(user, "view_nodes"),  # type: ignore[arg-type]
        "can_model_benefits": signed_in and can(user, "model_benefits"),  # type: ignore[arg-type]
        "can_view_reports": signed_in and can(user, "view_reports"),  # type: ignore[arg-type]
        "works_with_children": signed_in and may_search(request),
        "acting_for": facilitated_for(request) if signed_in else {},
        # A production region holds real children: the demo's "made-up children" notice
        # would mislead there.
        "demo_region": not settings.PRODUCTION,
    }
