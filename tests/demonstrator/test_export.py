"""The real system's activity as an OCEL 2.0 log: a demo region, used through its pages,
exported; no personal identifier of a child leaves, and ``conform`` reads the log."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.accounts.models import User
from fame.audit.models import AuditEvent
from fame.demonstrator.live import Pseudonyms
from fame.index.models import Person, SourceRecord

from ..conftest import signed_in_client
from .conftest import demo_login

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _use_the_index(region: Path, searches: int = 6) -> None:
    """A health visitor searches for children by name and date of birth and opens records."""
    username = demo_login(region, "health_visitor")
    client = signed_in_client(User.objects.get(username=username))
    for source in SourceRecord.objects.order_by("pk")[:searches]:
        born = source.date_of_birth
        response = client.post(
            "/children",
            {
                "family_name": source.data["family_name"],
                "date_of_birth-day": born.day,
                "date_of_birth-month": born.month,
                "date_of_birth-year": born.year,
            },
        )
        assert response.status_code == 200
        handle = re.search(r'/children/results/([^"]+)"', response.content.decode())
        if handle:
            opened = client.post(f"/children/results/{handle.group(1)}", {"purpose": "early_help"})
            assert opened.status_code == 302


def test_export_is_ocel_and_holds_no_personal_identifier(demo_region: Path, tmp_path: Path):
    _use_the_index(demo_region)
    out = tmp_path / "real.ocel.json"

    call_command(
        "demonstrator", "export", "--since", "2000-01-01", "--out", str(out), stdout=StringIO()
    )

    text = out.read_text(encoding="utf-8")
    log = json.loads(text)
    activities = {event["type"] for event in log["events"]}
    assert {"find who is involved", "record opened"} <= activities
    assert any(o["type"] == "child case" for o in log["objects"])
    personal = (
        "local_id",
        "given_name",
        "middle_names",
        "family_name",
        "previous_family_names",
        "date_of_birth",
        "address_line_1",
        "address_line_2",
        "postcode",
        "practitioner_email",
    )
    secrets = {
        str(source.data[key])
        for source in SourceRecord.objects.all()
        for key in personal
        if source.data.get(key)
    }
    secrets |= {str(uid) for uid in Person.objects.values_list("uid", flat=True)}
    secrets |= set(User.objects.values_list("username", flat=True))
    leaked = sorted(s for s in secrets if len(s) >= 3 and s in text)
    assert leaked == []


def test_each_export_has_its_own_pseudonyms_and_is_audited(demo_region: Path, tmp_path: Path):
    _use_the_index(demo_region, searches=2)
    first, second = tmp_path / "a.json", tmp_path / "b.json"

    for out in (first, second):
        call_command(
            "demonstrator", "export", "--since", "2000-01-01", "--out", str(out), stdout=StringIO()
        )

    children = [
        {o["id"] for o in json.loads(p.read_text())["objects"] if o["type"] == "child case"}
        for p in (first, second)
    ]
    assert children[0] and children[1]
    assert children[0].isdisjoint(children[1])
    exports = AuditEvent.objects.filter(action="demonstrator.exported").order_by("seq")
    assert exports.count() == 2
    nonce = exports.first().details["nonce"]
    person = Person.objects.first()
    # With the hub's key and the export's nonce, a pseudonym can be traced; without, not.
    assert Pseudonyms(nonce).of("child", str(person.uid)) in children[0] | {
        Pseudonyms(nonce).of("child", str(p.uid)) for p in Person.objects.all()
    }


def test_conform_reads_the_real_log_against_the_model(demo_region: Path, tmp_path: Path):
    _use_the_index(demo_region)
    out = tmp_path / "real.ocel.json"
    call_command(
        "demonstrator", "export", "--since", "2000-01-01", "--out", str(out), stdout=StringIO()
    )
    printed = StringIO()

    call_command(
        "demonstrator",
        "conform",
        "--scenario",
        "small",
        "--log",
        str(out),
        "--json",
        stdout=printed,
        stderr=StringIO(),
    )

    report = json.loads(printed.getvalue())
    assert "find who is involved" in report["real"]["activities"]
    assert "CAF started" in report["model"]["activities"]
    opening = [
        p
        for p in report["parameters"]
        if (p["from"], p["to"]) == ("find who is involved", "record opened")
    ]
    assert opening and opening[0]["real_n"] >= 1 and opening[0]["model_n"] > 100


def test_export_keeps_an_existing_file(demo_region: Path, tmp_path: Path):
    out = tmp_path / "kept.json"
    out.write_text("mine", encoding="utf-8")

    with pytest.raises(CommandError, match="already exists"):
        call_command("demonstrator", "export", "--since", "2026-01-01", "--out", str(out))

    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("since", ["yesterday", "2026-02-30"])
def test_export_bad_date_is_refused(db, since: str, tmp_path: Path):
    with pytest.raises(CommandError, match="--since takes a date like 2026-09-01"):
        call_command("demonstrator", "export", "--since", since, "--out", str(tmp_path / "x"))
