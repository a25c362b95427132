"""View decorators: the doors in front of administration and child data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from fame.audit import record_event
from fame.web.pages import render_page

from .access import child_data_access, request_standing, required_courses
from .models import User
from .permissions import can, known_actions, who_may

View = Callable[..., HttpResponse]


NOT_YOUR_WORK = "Your roles do not include searching for children or seeing their records."


def refuse(
    request: HttpRequest,
    *,
    action: str,
    target: str = "",
    why: str = "",
    heading: str = "You cannot use this page",
) -> HttpResponse:
    """The 403 page for a refusal, recorded in the audit log.

    For one of the permissions door's actions the page names the people it is for
    (``who_may``); a refusal by a rule about this one thing (only the assessor
    changes a CAF) says the rule in ``why``.
    """
    record_event(
        "access.refused",
        actor=request.user,
        target=target or request.path,
        outcome="refused",
        details={"action": action},
        request=request,
    )
    who = who_may(action) if action in known_actions() else ""
    return render_page(
        request,
        "accounts/refused.html",
        {"action": action, "who": who, "why": why, "heading": heading},
        status=403,
    )


def requires(action: str) -> Callable[[View], View]:
    """Refuse (403, audited) anyone for whom ``can(user, action)`` is false."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):  # type: ignore[arg-type]
                return refuse(request, action=action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _not_cleared(request: HttpRequest) -> HttpResponse | None:
    """The refusal (403, audited) for a person rule 1 keeps from child data, saying what to
    put right; None for one who is cleared."""
    access = child_data_access(request_standing(request), required=required_courses(request))
    if access.allowed:
        return None
    record_event(
        "access.refused",
        actor=request.user,
        target=request.path,
        outcome="refused",
        details={"problems": list(access.problems)},
        request=request,
    )
    return render_page(request, "accounts/no_child_data.html", {"access": access}, status=403)


def cleared_required(view: View) -> View:
    """Refuse (403, audited) a person rule 1 keeps from child data (organisation not
    accredited, vetting or training missing or expired), saying what to put right."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _not_cleared(request) or view(request, *args, **kwargs)

    return wrapped


def child_data_required(view: View) -> View:
    """Refuse (403, audited) a user who may not reach child data: one whose roles are not
    work with children (auditors, administrators, a manager who is not a practitioner) and
    who is not acting for a practitioner, saying who it is for; one who is not cleared,
    saying what to put right."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from .facilitated import may_search  # facilitated builds on this module

        if not may_search(request):
            return refuse(
                request,
                action="work_with_children",
                why=NOT_YOUR_WORK,
                heading="You cannot search for children",
            )
        return _not_cleared(request) or view(request, *args, **kwargs)

    return wrapped


def acting_user(request: HttpRequest) -> User:
    """The signed-in practitioner behind a request that has passed the sign-in door."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("This page needs a signed-in practitioner.")
    return user


def used_second_factor(user: object) -> bool:
    """Whether the signed-in ``user`` (as django-otp's middleware leaves ``request.user``)
    used their second factor in this session."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())
