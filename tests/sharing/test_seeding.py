"""The demo region starts with one regional protocol, recorded by its ISA officer, once."""

from __future__ import annotations

import pytest

from fame.sharing.models import Protocol
from fame.sharing.seeding import DEMO_PROTOCOL, seed_demo_protocol

pytestmark = pytest.mark.django_db


def test_demo_protocol_names_every_accredited_organisation_once(
    isa_officer, school, health_trust, local_authority, pending_charity
):
    protocol = seed_demo_protocol(isa_officer_username="charlie")
    assert protocol is not None and protocol.reference == DEMO_PROTOCOL
    version = protocol.current_version()
    assert version.parties == sorted(o.agency_id for o in (school, health_trust, local_authority))
    assert pending_charity.agency_id not in version.parties
    assert version.recorded_by == isa_officer
    assert seed_demo_protocol(isa_officer_username="charlie") is None
    assert Protocol.objects.count() == 1


def test_no_demo_protocol_without_its_officer(school, health_trust):
    assert seed_demo_protocol(isa_officer_username="nobody") is None
    assert not Protocol.objects.exists()
