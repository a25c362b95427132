"""A record file the reader refuses is refused alike by every door that loads one."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from fame.federation.keys import public_pem
from fame.index.models import SourceRecord
from fame.node.actions import trust_key
from fame.node.models import NodeRecord
from fame.records import write_records

from ..federation.conftest import (  # noqa: F401 - fixtures
    agencies,
    embedded_node,
    federation_settings,
    signed_post,
)
from ..index.conftest import record

pytestmark = pytest.mark.django_db

MIS_KEY = Ed25519PrivateKey.generate()


def file_with_a_nul(folder: Path) -> Path:
    path = folder / "sch-001.csv"
    write_records(path, [record(), record(local_id="UPN-1002", given_name="Ame\x00lia")])
    return path


def test_index_load_field_with_a_nul_is_refused_and_nothing_is_loaded(
    agencies,  # noqa: F811
    tmp_path,
):
    path = file_with_a_nul(tmp_path)

    with pytest.raises(CommandError) as refused:
        call_command("index", "load", str(path))

    assert str(refused.value) == (
        "Nothing was loaded.\n"
        "sch-001.csv line 3, given_name: contains the control character U+0000 (NUL); "
        "remove it (tab is the only one allowed)"
    )
    assert SourceRecord.objects.count() == 0


def test_node_import_field_with_a_nul_is_refused_and_nothing_is_imported(
    embedded_node,  # noqa: F811
    tmp_path,
):
    path = file_with_a_nul(tmp_path)

    with pytest.raises(CommandError, match=r"sch-001.csv line 3, given_name: contains the control"):
        call_command("node", "import", str(path))

    assert NodeRecord.objects.count() == 0


def test_node_records_api_field_with_a_nul_is_refused(embedded_node, tmp_path):  # noqa: F811
    trust_key(name="sch-mis", public_key=public_pem(MIS_KEY.public_key()))
    text = file_with_a_nul(tmp_path).read_text(encoding="utf-8")

    response = signed_post(
        "/federation/v1/node/records", {"csv": text}, key_id="sch-mis", key=MIS_KEY
    )

    # (the API's door refuses NUL in any JSON text before the record reader sees it)
    assert response.status_code == 400
    assert response.json()["reason"].startswith("csv holds a NUL character")
    assert NodeRecord.objects.count() == 0
