"""Reading the audit log for pages."""

from __future__ import annotations

import pytest

from fame.accounts.models import User
from fame.audit import events_for, latest_tree_head, record_event

pytestmark = pytest.mark.django_db


def test_events_for_target_lists_only_that_targets_events_oldest_first() -> None:
    record_event("access.refused", target="child:1", outcome="refused")
    record_event("auth.login", target="user:alice")
    record_event("admin.user_changed", target="child:1")

    events = events_for(target="child:1")

    assert [e.action for e in events] == ["access.refused", "admin.user_changed"]


def test_events_for_action_prefix_matches_whole_namespace_only(school_teacher: User) -> None:
    record_event("auth.login", actor=school_teacher)
    record_event("auth.login_failed", outcome="failure")
    record_event("authority.granted")
    record_event("access.refused", actor=school_teacher, outcome="refused")

    assert [e.action for e in events_for(action_prefix="auth")] == [
        "auth.login",
        "auth.login_failed",
    ]
    assert [e.action for e in events_for(actor_id=school_teacher.pk)] == [
        "auth.login",
        "access.refused",
    ]
    assert events_for(organisation="sch-001").count() == 2


def test_latest_tree_head_is_for_the_current_size() -> None:
    assert latest_tree_head() is None
    record_event("auth.login")
    record_event("auth.login")

    head = latest_tree_head()

    assert head is not None and head.tree_size == 2
