"""Records archive at 18 (25 with consent) and are purged after the retention period."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from fame.audit.models import AuditEvent
from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.index.retention import apply_retention

from .conftest import record

pytestmark = pytest.mark.django_db


def test_archive_on_18th_birthday(agencies):
    ingest_record(
        record(date_of_birth=date(2008, 11, 23)), organisation=agencies["sch-001"], by=None
    )
    assert apply_retention(today=date(2026, 11, 22)).archived == 0
    assert apply_retention(today=date(2026, 11, 23)).archived == 1
    assert Person.objects.get().archived_on == date(2026, 11, 23)


def test_consent_keeps_record_to_25(agencies):
    ingest_record(record(date_of_birth=date(2008, 1, 1)), organisation=agencies["sch-001"], by=None)
    Person.objects.update(retain_to_25=True)
    assert apply_retention(today=date(2026, 11, 23)).archived == 0


def test_archived_records_are_not_searched(agencies, school_teacher):
    from fame.index.queries import SearchQuery, search

    ingest_record(record(date_of_birth=date(2000, 1, 1)), organisation=agencies["sch-001"], by=None)
    apply_retention(today=date(2026, 11, 23))
    assert search(SearchQuery("Hartley", date_of_birth=date(2000, 1, 1))) == []


def test_purge_after_retention_period_is_audited(agencies, settings):
    settings.FAME_RETENTION_YEARS = 6
    ingest_record(record(date_of_birth=date(2000, 1, 1)), organisation=agencies["sch-001"], by=None)
    apply_retention(today=date(2018, 1, 1))
    result = apply_retention(today=date(2024, 1, 1))
    assert result.purged == 1
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action="index.retention_applied").count() == 2


def test_retention_command_reports(agencies, capsys):
    call_command("index", "retention", "--today", "2026-11-23")
    assert "Archived 0 records and purged 0" in capsys.readouterr().out
