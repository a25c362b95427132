"""Auditors' pages: the log, one child's accesses, one person's actions, overrides and
refusals, the check, and their downloads. Each is audited; nobody else may open them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from fame.audit import record_event
from fame.audit import views as audit_views
from fame.audit.models import AuditEvent
from fame.audit.sequencer import integrate
from fame.index.actions import ingest_record
from fame.index.models import Person

from ..conftest import signed_in_client
from ..index.conftest import OLIVIA
from .conftest import sql

pytestmark = pytest.mark.django_db

PAGES = (
    "/audit",
    "/audit/find-a-child",
    "/audit/people",
    "/audit/overrides-and-refusals",
    "/audit/check",
)


@pytest.fixture
def olivia(school) -> Person:
    ingest_record(OLIVIA, organisation=school, by=None)
    return Person.objects.get()


@pytest.fixture
def oscar(school, olivia) -> Person:
    """Another child, with another name and date of birth."""
    ingest_record(
        replace(
            OLIVIA,
            local_id="UPN-2002",
            given_name="Oscar",
            family_name="Pennington",
            date_of_birth=date(2015, 11, 20),
            sex="M",
            postcode="NM1 1AA",
        ),
        organisation=school,
        by=None,
    )
    return Person.objects.exclude(pk=olivia.pk).get()


def opened(person: Person, by, **details) -> AuditEvent:
    return record_event(
        "index.record_opened", actor=by, target=f"person:{person.uid}", details=details
    )


def child_links(page: str) -> list[str]:
    return re.findall(r'href="(/audit/children/[^"]+)"', page)


def targets(page: str) -> list[str]:
    """The Target column of a page of events."""
    return re.findall(r'fame-audit-target">\s*(.*?)\s*</td>', page, re.S)


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


# The log ---------------------------------------------------------------------------------


def test_log_shows_who_what_target_and_outcome_newest_first(auditor, school_teacher):
    record_event("admin.user_added", actor=school_teacher, target="user:99")
    record_event("access.refused", actor=school_teacher, target="/manage/users", outcome="refused")

    page = signed_in_client(auditor).get("/audit").content.decode()

    assert "2 events, newest first" in page
    assert page.index("/manage/users") < page.index("user:99")
    refused_row = page[page.rindex("<tr", 0, page.index("/manage/users")) :]
    assert "alice" in refused_row[:2000] and "Refused" in refused_row[:2000]
    assert "Hollins Lane Primary School" in refused_row[:2000]


def test_log_filters_by_who_what_outcome_and_target(auditor, school_teacher, health_visitor):
    record_event("index.search", actor=school_teacher, target="child-index")
    record_event("index.search", actor=health_visitor, target="child-index")
    record_event("index.record_opened", actor=school_teacher, target="person:x", outcome="refused")
    record_event("auth.login", actor=school_teacher, target="user:1")

    client = signed_in_client(auditor)
    page = client.get("/audit", {"username": "alice", "action": "index"}).content.decode()
    refused = client.get("/audit", {"outcome": "refused", "target": "person:"}).content.decode()

    assert "2 events" in page and "auth.login" not in page and ">bob<" not in page
    assert "1 event," in refused and "index.record_opened" in refused


def test_log_pages_fifty_at_a_time_keeping_the_filters(auditor, school_teacher):
    for n in range(audit_views.PAGE_SIZE + 5):
        record_event("node.record_published", actor=school_teacher, target=f"record:{n}")

    client = signed_in_client(auditor)
    first = client.get("/audit", {"action": "node"}).content.decode()
    second = client.get("/audit", {"action": "node", "page": "2"}).content.decode()

    assert "page 1 of 2" in first
    assert 'href="/audit?action=node&amp;page=2"' in first
    assert targets(first) == [f"record:{n}" for n in range(54, 4, -1)]
    assert targets(second) == [f"record:{n}" for n in range(4, -1, -1)]


def test_log_view_is_audited_with_its_filters(auditor):
    signed_in_client(auditor).get("/audit", {"username": "alice", "outcome": "refused"})

    event = last("audit.log_viewed")
    assert (event.actor_username, event.target) == ("judy", "audit-log")
    assert event.details["filters"] == {"username": "alice", "outcome": "refused"}
    assert event.details["page"] == 1


def test_log_with_a_date_that_is_no_date_says_so_and_lists_nothing(auditor, school_teacher):
    record_event("auth.login", actor=school_teacher, target="user:1")

    response = signed_in_client(auditor).get(
        "/audit", {"since-day": "31", "since-month": "2", "since-year": "2026"}
    )

    page = response.content.decode()
    assert "<title>Error: Audit log" in page
    assert "There is a problem" in page and "The from date must be a real date" in page
    assert "auth.login" not in page
    assert last("audit.log_viewed").details["typed"]["since-day"] == "31"


def test_log_never_shows_a_childs_identifier(auditor, school_teacher, olivia):
    opened(olivia, school_teacher)
    record_event(
        "index.search",
        actor=school_teacher,
        target="child-index",
        details={"results": [{"person": str(olivia.uid)}], "decisions": {str(olivia.uid): {}}},
    )

    page = signed_in_client(auditor).get("/audit").content.decode()

    assert str(olivia.uid) not in page
    assert str(olivia.uid).replace("-", "") not in page
    assert len(child_links(page)) == 1


# One child's accesses ----------------------------------------------------------------------


def test_child_page_from_an_event_lists_every_access_to_that_child(
    auditor, school_teacher, health_visitor, olivia, oscar
):
    opened(olivia, school_teacher, purpose="early_help")
    opened(oscar, school_teacher)
    record_event(
        "index.search",
        actor=health_visitor,
        target="child-index",
        details={"results": [{"person": str(olivia.uid), "weight": "20.1"}]},
    )
    record_event("federation.detail_requested", actor=health_visitor, target=f"person:{olivia.uid}")
    client = signed_in_client(auditor)
    log = client.get("/audit", {"action": "index.record_opened", "username": "alice"})
    link = child_links(log.content.decode())[-1]  # the oldest: Olivia's

    page = client.get(link).content.decode()

    assert "Every access to Olivia Hartley" in page and "4 March 2017" in page
    assert "3 events" in page
    assert "index.search" in page and "federation.detail_requested" in page
    assert str(olivia.uid) not in page and str(olivia.uid) not in link
    viewed = last("audit.child_accesses_viewed")
    assert viewed.target == f"person:{olivia.uid}" and viewed.actor_username == "judy"


def test_child_page_never_shows_case_details(auditor, school_teacher, olivia):
    opened(olivia, school_teacher)
    client = signed_in_client(auditor)
    link = child_links(client.get("/audit").content.decode())[0]

    page = client.get(link).content.decode()

    for case_detail in ("12 Mill Lane", "NM4 2PL", "Primary education"):
        assert case_detail not in page


def test_child_reference_not_shown_in_this_session_is_not_found(auditor, school_teacher, olivia):
    opened(olivia, school_teacher)
    link = child_links(signed_in_client(auditor).get("/audit").content.decode())[0]

    assert signed_in_client(auditor).get(link).status_code == 404


# Finding a child by name and date of birth ----------------------------------------------------

FIND = {
    "family_name": "Hartley",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2017",
    "reason": "Complaint C-2026-014",
}


def test_find_child_needs_a_reason_and_a_date_of_birth(auditor, olivia):
    response = signed_in_client(auditor).post("/audit/find-a-child", {"family_name": "Hartley"})

    page = response.content.decode()
    assert "<title>Error: Find a child" in page
    assert "Enter the child&#39;s date of birth" in page
    assert "Enter the complaint or investigation reference" in page
    assert 'value="Hartley"' in page
    assert "Olivia" not in page and not AuditEvent.objects.filter(action="audit.child_found")


def test_find_child_shows_the_match_by_name_and_birth_and_records_why(
    auditor, school_teacher, olivia, oscar
):
    opened(olivia, school_teacher)
    opened(olivia, school_teacher)
    client = signed_in_client(auditor)

    page = client.post("/audit/find-a-child", FIND).content.decode()

    assert "1 child matches" in page
    assert "Olivia Hartley" in page and "4 March 2017" in page and "Oscar" not in page
    assert str(olivia.uid) not in page
    found = last("audit.child_found")
    assert found.details["reason"] == "Complaint C-2026-014"
    assert found.details["query"]["family_name"] == "Hartley"
    assert found.details["found"] == [str(olivia.uid)]
    accesses = client.get(child_links(page)[0]).content.decode()
    assert "Every access to Olivia Hartley" in accesses and "2 events" in accesses


def test_find_child_shows_no_one_for_another_date_of_birth(auditor, olivia):
    page = (
        signed_in_client(auditor)
        .post("/audit/find-a-child", {**FIND, "date_of_birth-year": "2012"})
        .content.decode()
    )

    assert "No child matches" in page and "Olivia" not in page
    assert last("audit.child_found").details["found"] == []


# One person's actions -------------------------------------------------------------------------


def test_person_page_shows_what_one_person_did_in_a_period(
    auditor, school_teacher, health_visitor, monkeypatch
):
    march = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    with monkeypatch.context() as moment:
        moment.setattr(timezone, "now", lambda: march)
        record_event("index.search", actor=school_teacher, target="child-index")
    record_event("auth.login", actor=school_teacher, target=f"user:{school_teacher.pk}")
    record_event("auth.login", actor=health_visitor, target=f"user:{health_visitor.pk}")
    today = timezone.localdate()

    client = signed_in_client(auditor)
    since_today = client.get(
        "/audit/people",
        {
            "username": "alice",
            "since-day": today.day,
            "since-month": today.month,
            "since-year": today.year,
        },
    ).content.decode()
    in_march = client.get(
        "/audit/people",
        {
            "username": "alice",
            "since-day": "1",
            "since-month": "3",
            "since-year": "2026",
            "until-day": "31",
            "until-month": "3",
            "until-year": "2026",
        },
    ).content.decode()

    assert (
        "What Alice" in since_today and "Class teacher, Hollins Lane Primary School" in since_today
    )
    assert "1 event," in since_today and "auth.login" in since_today
    assert "index.search" not in since_today and ">bob<" not in since_today
    assert "1 event," in in_march and "10 March 2026 at 2:30pm" in in_march
    viewed = last("audit.person_viewed")
    assert viewed.target == f"user:{school_teacher.pk}"
    assert viewed.details["filters"] == {
        "username": "alice",
        "since": "2026-03-01",
        "until": "2026-03-31",
    }


def test_person_page_wants_the_from_date_before_the_to_date(auditor):
    page = (
        signed_in_client(auditor)
        .get(
            "/audit/people",
            {
                "username": "alice",
                "since-day": "2",
                "since-month": "3",
                "since-year": "2026",
                "until-day": "1",
                "until-month": "3",
                "until-year": "2026",
            },
        )
        .content.decode()
    )

    assert "The to date must be the same as or after the from date" in page


# Overrides and refusals -----------------------------------------------------------------------


def test_exceptions_page_shows_overrides_with_their_reason_and_refusals(
    auditor, school_teacher, health_visitor, olivia
):
    record_event(
        "federation.detail_requested",
        actor=health_visitor,
        target=f"person:{olivia.uid}",
        details={"override_reason": "Child at risk of harm tonight", "override_authoriser": "dana"},
    )
    record_event(
        "federation.detail_requested",
        actor=health_visitor,
        target=f"person:{olivia.uid}",
        details={"override_reason": "", "consent_reference": "C-1"},
    )
    record_event(
        "access.refused",
        actor=school_teacher,
        target="/manage/users",
        outcome="refused",
        details={"action": "manage_users"},
    )
    record_event("auth.login", actor=school_teacher, target="user:1")
    client = signed_in_client(auditor)

    both = client.get("/audit/overrides-and-refusals").content.decode()
    overrides = client.get("/audit/overrides-and-refusals", {"kind": "overrides"}).content.decode()

    assert "2 events" in both
    assert "Child at risk of harm tonight" in both and "(authorised by dana)" in both
    assert "Refused:</strong> manage_users" in both and "auth.login" not in both
    assert "1 event," in overrides and "/manage/users" not in overrides
    assert last("audit.exceptions_viewed").details["filters"] == {"kind": "overrides"}


# Checking the log ----------------------------------------------------------------------------


def test_check_page_runs_the_check_and_records_it(auditor, school_teacher):
    record_event("auth.login", actor=school_teacher, target="user:1")
    client = signed_in_client(auditor)

    page = client.post("/audit/check").content.decode()

    assert "The log is intact" in page
    assert "No agency nodes are registered to witness the log yet" in page
    checked = last("audit.log_checked")
    assert checked.outcome == "success" and checked.details["log"]["intact"] is True
    assert f"recorded in the log as event {checked.seq}" in page


def test_check_page_shows_an_altered_log_and_records_the_failure(auditor, school_teacher):
    event = record_event("auth.login", actor=school_teacher, target="user:1")
    integrate()  # the sequencer's next round
    client = signed_in_client(auditor)
    client.get("/audit/check")
    sql("UPDATE {events} SET target = %s WHERE seq = %s", ["user:2", event.seq])

    page = client.post("/audit/check").content.decode()

    assert "The log check failed" in page
    assert f"The first event that does not agree is event {event.seq}" in page
    assert last("audit.log_checked").outcome == "failure"


# Downloads ---------------------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_download_holds_exactly_what_the_filters_select_and_is_audited(
    auditor, school_teacher, health_visitor, olivia
):
    opened(olivia, school_teacher, note='=HYPERLINK("http://bad.example")')
    record_event("auth.login", actor=school_teacher, target="user:1")
    record_event("index.record_opened", actor=health_visitor, target="record:1")

    response = signed_in_client(auditor).get(
        "/audit", {"username": "alice", "action": "index", "download": "csv"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header == [
        "sequence",
        "time",
        "username",
        "organisation",
        "action",
        "target",
        "outcome",
        "details",
    ]
    assert len(rows) == 1
    (row,) = rows
    assert row[2:5] == ["alice", "sch-001", "index.record_opened"]
    assert row[5].startswith("child ") and str(olivia.uid) not in response.content.decode()
    assert row[7].startswith("{") and "HYPERLINK" in row[7]
    exported = last("audit.exported")
    assert exported.details == {
        "page": "audit.log_viewed",
        "filters": {"username": "alice", "action": "index"},
        "rows": 1,
        "ip": "127.0.0.1",
    }


def test_download_cells_never_start_a_formula(auditor):
    record_event("auth.login_failed", target="username:=1+1")

    response = signed_in_client(auditor).get("/audit", {"action": "auth", "download": "csv"})

    _, row = rows_of(response)
    assert row[5] == "username:=1+1"  # starts with a letter: left alone
    record_event("auth.login_failed", target="=1+1")
    response = signed_in_client(auditor).get("/audit", {"action": "auth", "download": "csv"})
    assert rows_of(response)[1][5] == "'=1+1"


def test_download_over_the_limit_is_refused_with_a_message(auditor, school_teacher, monkeypatch):
    monkeypatch.setattr(audit_views, "CSV_LIMIT", 2)
    for n in range(3):
        record_event("auth.login", actor=school_teacher, target=f"user:{n}")

    response = signed_in_client(auditor).get("/audit", {"action": "auth", "download": "csv"})

    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "These filters select 3 events; a download holds at most 2" in page
    refused = last("audit.exported")
    assert refused.outcome == "refused" and refused.details["rows"] == 3


def test_child_accesses_download_as_csv(auditor, school_teacher, olivia):
    opened(olivia, school_teacher)
    client = signed_in_client(auditor)
    link = child_links(client.get("/audit").content.decode())[0]

    _header, *rows = rows_of(client.get(link, {"download": "csv"}))

    assert [row[4] for row in rows] == ["index.record_opened"]
    assert last("audit.exported").target == f"person:{olivia.uid}"


# Who may see them --------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_an_administrator_may_open_every_audit_page(administrator, path):
    assert signed_in_client(administrator).get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "wrong_person"),
    [
        ("/audit", "school_teacher"),
        ("/audit/find-a-child", "isa_officer"),
        ("/audit/people", "health_visitor"),
        ("/audit/overrides-and-refusals", "isa_officer"),
        ("/audit/check", "school_teacher"),
        ("/audit/children/0123456789abcdef", "isa_officer"),
    ],
)
def test_audit_pages_refuse_anyone_else_naming_who_they_are_for(path, wrong_person, request):
    user = request.getfixturevalue(wrong_person)

    response = signed_in_client(user).get(path)

    assert response.status_code == 403
    assert "This page is for auditors and administrators only" in response.content.decode()
    refused = AuditEvent.objects.get(action="access.refused")
    assert (refused.actor_username, refused.target) == (user.username, path)


def test_checking_the_log_is_refused_to_a_practitioner_by_post(school_teacher):
    response = signed_in_client(school_teacher).post("/audit/check")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.log_checked").exists()


def test_every_audit_page_view_is_itself_audited(auditor):
    client = signed_in_client(auditor)
    for path in PAGES:
        client.get(path)

    assert list(
        AuditEvent.objects.filter(action__startswith="audit.", actor_username="judy")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "audit.log_viewed",
        "audit.child_search_opened",
        "audit.person_viewed",
        "audit.exceptions_viewed",
        "audit.check_opened",
    ]


def test_times_are_written_as_the_other_pages_write_them(auditor, monkeypatch):
    moment = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    with monkeypatch.context() as frozen:
        frozen.setattr(timezone, "now", lambda: moment)
        record_event("auth.login", target="user:1")

    page = signed_in_client(auditor).get("/audit").content.decode()

    assert "4 March 2026 at midday" in page
