"""Importing an agency's records into its node: checked, idempotent, one index update per change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.audit.models import AuditEvent
from fame.node.actions import NotHosted, save_records, set_caf
from fame.node.models import NodeRecord, Outbox
from fame.records import write_records

from ..index.conftest import record

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(Outbox.objects.order_by("id").values_list("kind", flat=True))


def test_import_stores_records_and_queues_an_update_each(embedded_node):
    summary = save_records(
        [record(), record(local_id="UPN-1002", ended_on=date(2024, 7, 1))], by="test", source="t"
    )
    assert summary.counts == {"new": 2, "changed": 0, "unchanged": 0}
    assert NodeRecord.objects.count() == 2
    assert kinds() == ["involvement_started", "involvement_ended"]
    assert AuditEvent.objects.filter(action="node.records_saved").exists()


def test_import_again_changes_nothing(embedded_node):
    save_records([record()], by="test", source="t")
    summary = save_records([record()], by="test", source="t")
    assert summary.counts == {"new": 0, "changed": 0, "unchanged": 1}
    assert Outbox.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({"postcode": "NM4 9ZZ"}, "demographics"),
        ({"ended_on": date(2026, 7, 20)}, "involvement_ended"),
        ({"service": "Secondary education"}, "involvement_started"),
    ],
)
def test_a_changed_record_queues_the_kind_of_change(embedded_node, change, kind):
    save_records([record()], by="test", source="t")
    save_records([record(**change)], by="test", source="t")
    assert kinds()[-1] == kind
    assert Outbox.objects.last().payload["record"]["local_id"] == "UPN-1001"


def test_import_refuses_an_agency_not_hosted(embedded_node):
    with pytest.raises(NotHosted, match="pol-001"):
        save_records([record(), record(agency_id="pol-001")], by="test", source="t")
    assert not NodeRecord.objects.exists()
    assert not Outbox.objects.exists()


def test_caf_flag_queues_an_update(embedded_node):
    save_records([record()], by="test", source="t")
    set_caf(agency_id="sch-001", local_id="UPN-1001", status="exists", by="test")
    assert kinds()[-1] == "caf_exists"
    assert NodeRecord.objects.get().caf_status == "open"


def test_import_command_reads_a_folder_of_the_hosted_agencies(embedded_node, tmp_path: Path):
    write_records(tmp_path / "sch-001.csv", [record(), record(local_id="UPN-1002")])
    write_records(tmp_path / "pol-001.csv", [record(agency_id="pol-001")])
    call_command("node", "import", str(tmp_path))
    assert NodeRecord.objects.count() == 2


def test_import_command_reports_problems_and_imports_nothing(embedded_node, tmp_path: Path):
    bad = tmp_path / "sch-001.csv"
    write_records(bad, [record()])
    bad.write_text(bad.read_text().replace("2017-03-04", "04/03/2017"))
    with pytest.raises(CommandError, match="not a date"):
        call_command("node", "import", str(bad))
    assert not NodeRecord.objects.exists()
