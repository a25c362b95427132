"""Practitioners and the demo logins."""

from __future__ import annotations

import re

from fame.synth import REFERENCE_DATE, Region
from fame.synth.staff import COURSES, DEMO_PERSONAS, training_current, vetting_current


def test_demo_logins_name_one_practitioner_for_every_persona(region: Region) -> None:
    usernames = {person.username for person in region.practitioners}

    assert set(region.demo_logins) == set(DEMO_PERSONAS)
    assert set(region.demo_logins.values()) <= usernames


def test_demo_logins_persona_has_the_properties_it_shows(region: Region) -> None:
    people = {person.username: person for person in region.practitioners}
    orgs = {org.agency_id: org for org in region.organisations}

    for persona, username in region.demo_logins.items():
        person = people[username]
        org = orgs[person.organisation]
        assert training_current(person, REFERENCE_DATE), persona
        if persona == "unvetted_volunteer":
            assert person.vetting_checked_on is None
            assert org.accreditation_status == "accredited"
        elif persona == "unaccredited_worker":
            assert vetting_current(person, REFERENCE_DATE)
            assert org.accreditation_status != "accredited"
        else:
            assert vetting_current(person, REFERENCE_DATE), persona
            assert org.accreditation_status == "accredited", persona


def test_demo_logins_special_roles_are_held_by_their_personas(region: Region) -> None:
    people = {person.username: person for person in region.practitioners}

    personas = ("caf_coordinator", "isa_officer", "shielding_officer", "manager", "auditor")
    for persona in (*personas, "partnership_officer"):
        assert persona in people[region.demo_logins[persona]].roles
    assert "administrator" in people[region.demo_logins["administrator"]].roles


def test_practitioners_usernames_are_unique_lower_case_ascii(region: Region) -> None:
    usernames = [person.username for person in region.practitioners]

    assert len(set(usernames)) == len(usernames)
    assert all(re.fullmatch(r"[a-z0-9.\-]+", name) for name in usernames)


def test_practitioners_are_mostly_vetted_and_trained_with_a_few_lapsed(region: Region) -> None:
    people = region.practitioners
    good = [
        p
        for p in people
        if vetting_current(p, REFERENCE_DATE) and training_current(p, REFERENCE_DATE)
    ]

    assert 0.8 < len(good) / len(people) < 1
    assert any(
        p.vetting_checked_on is not None and not vetting_current(p, REFERENCE_DATE) for p in people
    )
    assert any(len(p.training) < len(COURSES) for p in people)


def test_practitioners_phone_numbers_are_reserved_for_drama(region: Region) -> None:
    assert all(
        re.fullmatch(r"(01632 960|07700 900)\d{3}", person.phone) for person in region.practitioners
    )


def test_practitioners_every_organisation_has_staff(region: Region) -> None:
    staffed = {person.organisation for person in region.practitioners}

    assert staffed == {org.agency_id for org in region.organisations}
