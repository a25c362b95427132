"""Closing a CAF from the hub (``close_caf``): needs met, or stepped up under the sharing rules,
and what is left when a node fails part way.

One process plays hub and every node, as the other CAF tests: Alice (the school's class
teacher) has completed Olivia's CAF at the school's node; social care's node receives a
step up.
"""

from __future__ import annotations

import pytest

from fame.audit.models import AuditEvent
from fame.caf.hub import client as caf_client
from fame.caf.hub.closing import NOT_PASSED_ON, Closed, NotClosed, close_caf
from fame.caf.models import Assessment, ReferralCopy
from fame.federation import NoResponse
from fame.index.models import Person
from fame.node.outbox import deliver_once
from fame.sharing import Disclosure

from ..conftest import UserFactory, signed_in_client
from .conftest import caf_url, open_caf_record
from .test_referral import rules  # noqa: F401 - fixture
from .test_team import caf  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def closing(caf, school_teacher):  # noqa: F811
    """Where Olivia's CAF is kept, the CAF as its node describes it, and Alice, signed in."""
    school_teacher.is_verified = lambda: True  # as django-otp leaves a user with both factors
    place = caf_client.place_for(
        person=Person.objects.get(), organisation=school_teacher.organisation
    )
    return place, caf_client.find(place, by=school_teacher), school_teacher


def _holding_node_does_not_close(monkeypatch) -> None:
    real = caf_client.federation_client

    class SilentOnClose:
        def post(self, base_url, path, payload, **kwargs):
            if path.endswith("/close"):
                raise NoResponse("connection reset")
            return real().post(base_url, path, payload, **kwargs)

    monkeypatch.setattr(caf_client, "federation_client", SilentOnClose)


def test_close_caf_when_needs_are_met_closes_it_and_passes_nothing(closing) -> None:
    place, view, alice = closing

    closed = close_caf(place=place, caf=view, reason="needs_met", note="Settled.", by=alice)

    assert closed == Closed(passed_to=None)
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.closure.reason) == ("closed", "needs_met")
    assert not ReferralCopy.objects.exists()
    deliver_once()
    assert Person.objects.get().caf_status == "closed"


def test_close_caf_stepped_up_under_the_rules_passes_a_copy_then_closes(
    closing,
    rules,  # noqa: F811
    local_authority,
) -> None:
    place, view, alice = closing

    closed = close_caf(
        place=place,
        caf=view,
        reason="stepped_up",
        note="Neglect concerns.",
        receiving=local_authority,
        by=alice,
    )

    assert closed.passed_to == local_authority
    copy = ReferralCopy.objects.get()
    assert (copy.received_by, copy.reason) == ("lasc-001", "Neglect concerns.")
    assert Assessment.objects.get().closure.referred_to == "lasc-001"
    decision = Disclosure.objects.get(request_ref="caf.step_up", recorded_at_end="hub")
    assert decision.decision == "permit"


def test_close_caf_stepped_up_against_the_rules_leaves_it_open(closing, local_authority) -> None:
    place, view, alice = closing

    with pytest.raises(NotClosed) as refused:
        close_caf(place=place, caf=view, reason="stepped_up", receiving=local_authority, by=alice)

    assert refused.value.reasons
    assert refused.value.intro == ""
    assert Assessment.objects.get().status == "completed"
    assert not ReferralCopy.objects.exists()
    decision = Disclosure.objects.get(request_ref="caf.step_up", recorded_at_end="hub")
    assert decision.decision == "deny"


def test_close_caf_when_the_receiving_node_is_down_leaves_it_open(
    closing,
    rules,  # noqa: F811
    local_authority,
    monkeypatch,
) -> None:
    place, view, alice = closing
    real = caf_client.federation_client

    class DownForReferrals:
        def post(self, base_url, path, payload, **kwargs):
            if "/referrals" in path:
                raise NoResponse("connection refused")
            return real().post(base_url, path, payload, **kwargs)

    monkeypatch.setattr(caf_client, "federation_client", DownForReferrals)

    with pytest.raises(NotClosed) as not_passed:
        close_caf(place=place, caf=view, reason="stepped_up", receiving=local_authority, by=alice)

    assert not_passed.value.intro == NOT_PASSED_ON
    assert not_passed.value.reasons == ["Northmoor Children's Services did not respond. Try again."]
    assert Assessment.objects.get().status == "completed"
    assert not ReferralCopy.objects.exists()
    assert not AuditEvent.objects.filter(action="caf.closed").exists()


def test_close_caf_when_closing_fails_after_the_copy_passed_keeps_the_copy_and_leaves_it_open(
    closing,
    rules,  # noqa: F811
    local_authority,
    monkeypatch,
) -> None:
    place, view, alice = closing
    _holding_node_does_not_close(monkeypatch)

    with pytest.raises(caf_client.CafUnavailable, match="did not respond"):
        close_caf(place=place, caf=view, reason="stepped_up", receiving=local_authority, by=alice)

    assert ReferralCopy.objects.count() == 1
    assert Assessment.objects.get().status == "completed"
    outcomes = dict(
        AuditEvent.objects.filter(action__in=["caf.passed_on", "caf.closed"]).values_list(
            "action", "outcome"
        )
    )
    assert outcomes == {"caf.passed_on": "success", "caf.closed": "failure"}


def test_close_caf_tried_again_after_a_failed_closing_finishes_with_one_copy(
    closing,
    rules,  # noqa: F811
    local_authority,
    monkeypatch,
) -> None:
    place, view, alice = closing
    _holding_node_does_not_close(monkeypatch)
    with pytest.raises(caf_client.CafUnavailable):
        close_caf(place=place, caf=view, reason="stepped_up", receiving=local_authority, by=alice)
    monkeypatch.undo()

    close_caf(place=place, caf=view, reason="stepped_up", receiving=local_authority, by=alice)

    assert ReferralCopy.objects.count() == 1
    assert Assessment.objects.get().status == "closed"


@pytest.mark.parametrize(
    ("reason", "names_receiving"),
    [("finished", False), ("stepped_up", False), ("needs_met", True)],
)
def test_close_caf_with_a_reason_that_does_not_fit_changes_nothing(
    closing, local_authority, reason, names_receiving
) -> None:
    place, view, alice = closing
    receiving = local_authority if names_receiving else None

    with pytest.raises(ValueError, match=r"CAF closes|step up"):
        close_caf(place=place, caf=view, reason=reason, receiving=receiving, by=alice)

    assert Assessment.objects.get().status == "completed"
    assert not Disclosure.objects.filter(request_ref="caf.step_up").exists()
    assert not AuditEvent.objects.filter(action__in=["caf.passed_on", "caf.closed"]).exists()


def test_the_close_page_refuses_someone_who_is_not_the_assessor(caf, school) -> None:  # noqa: F811
    gina = signed_in_client(UserFactory(username="gina", organisation=school))
    handle = open_caf_record(gina)

    response = gina.post(caf_url(handle, "/close"), {"reason": "needs_met"})

    assert response.status_code == 403
    assert Assessment.objects.get().status == "completed"
