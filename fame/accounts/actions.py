"""Writes about accounts: each keyword-only, ``by=`` the actor (None: the system, at the command
line), audited in the same transaction."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from axes.utils import reset as reset_lockout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.audit import record_event

from .forms import OrganisationForm, UserForm
from .models import (
    Organisation,
    TrainingCourse,
    TrainingPlace,
    TrainingRecord,
    TrainingSession,
    User,
    UserSession,
)


def _changes(form: Any) -> dict[str, list[str]]:
    """What a form changed, as {field: [before, after]}, for the audit event."""
    changes = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        after = form.cleaned_data.get(name)
        changes[name] = [str(before) if before is not None else "", str(after or "")]
    return changes


def save_organisation(*, form: OrganisationForm, by: User | None) -> Organisation:
    with transaction.atomic():
        created = form.instance.pk is None
        organisation = form.save()
        record_event(
            "admin.organisation_created" if created else "admin.organisation_changed",
            actor=by,
            target=f"organisation:{organisation.agency_id}",
            details={"changes": _changes(form)},
        )
    return organisation


def save_user(*, form: UserForm, by: User | None) -> User:
    with transaction.atomic():
        created = form.instance.pk is None
        user = form.save(commit=False)
        if created:
            user.set_unusable_password()
        user.save()
        for course, completed_on in form.training_dates().items():
            if completed_on:
                TrainingRecord.objects.update_or_create(
                    user=user, course=course, defaults={"completed_on": completed_on}
                )
            else:
                TrainingRecord.objects.filter(user=user, course=course).delete()
        record_event(
            "admin.user_created" if created else "admin.user_changed",
            actor=by,
            target=f"user:{user.pk}",
            details={"changes": _changes(form)},
        )
    return user


def issue_temporary_password(*, user: User, by: User | None) -> str:
    """A one-time password for ``user`` to change at their next sign-in; shown once."""
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        end_user_sessions(user)
        record_event("admin.temporary_password_issued", actor=by, target=f"user:{user.pk}")
    return password


def change_own_password(request: HttpRequest, *, user: User, password: str) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record_event("auth.password_changed", actor=user, request=request)


def end_user_sessions(user: User) -> int:
    """Delete every session of ``user``; returns how many ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def set_active(*, user: User, active: bool, by: User) -> None:
    """Enable or disable an account; disabling ends every session it has."""
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        ended = 0 if active else end_user_sessions(user)
        record_event(
            "admin.user_enabled" if active else "admin.user_disabled",
            actor=by,
            target=f"user:{user.pk}",
            details={"sessions_ended": ended},
        )


def record_training_session(
    *,
    course: TrainingCourse,
    held_on: date,
    places: int,
    offered_by: Organisation | None,
    venue: str = "",
    taken: dict[User, bool],
    by: User | None,
) -> TrainingSession:
    """Keep a training session that was offered, who took a place on it and who came.

    ``taken`` maps each practitioner with a place to whether they attended; no
    more places are taken than offered. Audited in the same transaction.
    """
    if places < 1 or len(taken) > places:
        raise ValueError(f"{len(taken)} places taken of {places} offered.")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            course=course, held_on=held_on, places=places, offered_by=offered_by, venue=venue
        )
        TrainingPlace.objects.bulk_create(
            TrainingPlace(session=session, user=user, attended=attended)
            for user, attended in taken.items()
        )
        record_event(
            "admin.training_session_recorded",
            actor=by,
            organisation=offered_by,
            target=f"training_session:{session.pk}",
            details={
                "course": course.code,
                "held_on": held_on.isoformat(),
                "places": places,
                "taken": len(taken),
                "attended": sum(taken.values()),
            },
        )
    return session


def reset_two_factor(*, user: User, by: User) -> None:
    """Remove the user's authenticator so that they enrol a new one at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        ended = end_user_sessions(user)
        record_event(
            "admin.two_factor_reset",
            actor=by,
            target=f"user:{user.pk}",
            details={"sessions_ended": ended},
        )


def unlock(*, user: User, by: User) -> None:
    with transaction.atomic():
        reset_lockout(username=user.username)
        record_event("admin.user_unlocked", actor=by, target=f"user:{user.pk}")


# Signing in -------------------------------------------------------------------


def record_password_accepted(request: HttpRequest, *, user: User) -> None:
    with transaction.atomic():
        if request.session.session_key:
            UserSession.objects.update_or_create(
                session_key=request.session.session_key, defaults={"user": user}
            )
        record_event("auth.password_accepted", actor=user, request=request)


def record_sign_in_failed(request: HttpRequest, *, username: str, why: str) -> None:
    known = User.objects.filter(username=username).first()
    record_event(
        "auth.login_failed",
        actor=known,
        target=f"username:{username}" if known is None else f"user:{known.pk}",
        outcome="failure",
        details={"why": why},
        request=request,
    )


def start_enrolment(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for ``user`` (any earlier unconfirmed one goes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_enrolment(request: HttpRequest, *, device: TOTPDevice) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event("auth.otp_enrolled", actor=device.user, request=request)


def complete_sign_in(request: HttpRequest, *, device: TOTPDevice) -> None:
    """The second factor is given: the session gets a new key and the lockout count clears.

    The key issued at the password step is dropped (as Django's ``login`` cycles
    it), so a session key planted before sign-in is worth nothing afterwards.
    """
    user: User = device.user
    with transaction.atomic():
        password_step_key = request.session.session_key
        request.session.cycle_key()
        otp_login(request, device)
        UserSession.objects.filter(session_key=password_step_key).delete()
        UserSession.objects.update_or_create(
            session_key=request.session.session_key, defaults={"user": user}
        )
        reset_lockout(username=user.username)
        record_event("auth.login", actor=user, request=request)


def record_second_factor_failed(request: HttpRequest, *, user: User, why: str) -> None:
    record_event(
        "auth.otp_failed",
        actor=user,
        target=f"user:{user.pk}",
        outcome="failure",
        details={"why": why},
        request=request,
    )


def record_locked_out(request: HttpRequest, *, username: str) -> None:
    """One event for each request the lockout refuses, naming the username tried."""
    known = User.objects.filter(username=username).first() if username else None
    record_event(
        "auth.locked_out",
        actor=known,
        target=f"user:{known.pk}" if known else f"username:{username}",
        outcome="refused",
        request=request,
    )


def end_session(request: HttpRequest, *, reason: str) -> None:
    user = request.user
    if isinstance(user, User):
        with transaction.atomic():
            if request.session.session_key:
                UserSession.objects.filter(session_key=request.session.session_key).delete()
            record_event("auth.logout", actor=user, details={"reason": reason}, request=request)


def confirm_with_code(
    request: HttpRequest, *, user: User, code: str, for_what: str, by: User
) -> bool:
    """``user`` confirms ``for_what`` in someone else's session with their one-time code.

    Used when a manager or ISA officer authorises a safeguarding override at the
    practitioner's side: the code shows they were there and hold their second
    factor. Wrong codes count towards django-otp's throttling; both outcomes
    are audited, naming both people.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    allowed = device is not None and device.verify_is_allowed()[0]
    ok = bool(allowed and device is not None and device.verify_token(code))
    record_event(
        "auth.confirmed_by_code" if ok else "auth.confirmation_failed",
        actor=by,
        target=f"user:{user.pk}",
        outcome="success" if ok else "failure",
        details={
            "confirmed_by": user.username,
            "for": for_what,
            **({} if ok else {"why": "throttled" if device and not allowed else "wrong code"}),
        },
        request=request,
    )
    return ok
