"""The node's API: an agency's own system updates records and CAF flags; the hub cannot."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fame.federation.keys import public_pem
from fame.node.actions import trust_key
from fame.node.models import NodeRecord, Outbox
from fame.records import write_records

from ..federation.conftest import signed_post
from ..index.conftest import record

pytestmark = pytest.mark.django_db

RECORDS = "/federation/v1/node/records"
CAF = "/federation/v1/node/caf"
MIS_KEY = Ed25519PrivateKey.generate()


def csv_of(*records) -> str:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "x.csv"
        write_records(file, records)
        return file.read_text()


@pytest.fixture
def school_system(embedded_node):
    trust_key(name="sch-mis", public_key=public_pem(MIS_KEY.public_key()))


def test_agency_system_updates_records(school_system):
    response = signed_post(RECORDS, {"csv": csv_of(record())}, key_id="sch-mis", key=MIS_KEY)
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["new"] == 1
    assert Outbox.objects.get().kind == "involvement_started"


def test_agency_system_sets_a_caf(school_system):
    signed_post(RECORDS, {"csv": csv_of(record())}, key_id="sch-mis", key=MIS_KEY)
    payload = {"agency_id": "sch-001", "local_id": "UPN-1001", "status": "exists"}
    response = signed_post(CAF, payload, key_id="sch-mis", key=MIS_KEY)
    assert response.status_code == 200
    assert NodeRecord.objects.get().caf_status == "open"


def test_bad_records_are_refused_with_the_problem(school_system):
    text = csv_of(record()).replace("2017-03-04", "4 March")
    response = signed_post(RECORDS, {"csv": text}, key_id="sch-mis", key=MIS_KEY)
    assert response.status_code == 400
    assert "not a date" in response.json()["reason"]
    assert not NodeRecord.objects.exists()


def test_records_of_an_agency_not_hosted_are_forbidden(school_system):
    text = csv_of(record(agency_id="pol-001"))
    response = signed_post(RECORDS, {"csv": text}, key_id="sch-mis", key=MIS_KEY)
    assert response.status_code == 403
    assert not NodeRecord.objects.exists()


def test_the_hub_may_not_change_records(embedded_node):
    response = signed_post(RECORDS, {"csv": csv_of(record())}, key_id="hub")
    assert response.status_code == 403
    assert not NodeRecord.objects.exists()


def test_node_serves_no_pages_in_the_node_role(settings, client):
    settings.FAME_ROLE = "node"
    assert client.get("/children").status_code == 404
    assert client.get("/healthz").status_code == 200
