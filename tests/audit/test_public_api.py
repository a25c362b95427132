"""What other apps import from fame.audit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fame.audit
from fame.audit.signing import signing_key
from fame.federation.keys import process_key


def test_public_api_names_all_resolve() -> None:
    missing = [name for name in fame.audit.__all__ if getattr(fame.audit, name, None) is None]

    assert missing == []


def test_importing_fame_audit_does_not_load_models_before_django_is_ready() -> None:
    code = "import sys, fame.audit; assert 'fame.audit.models' not in sys.modules; print('ok')"

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_signing_key_named_federation_is_the_federations_process_key(data_dir: Path) -> None:
    key = signing_key("federation")

    assert key.path == data_dir / "keys" / "federation-ed25519.pem"
    assert process_key().key_id == key.key_id


def test_importing_the_key_store_imports_nothing_else_of_fame() -> None:
    code = (
        "import sys, fame.audit.signing; "
        "print(sorted(m for m in sys.modules if m.startswith('fame.') "
        "and m not in {'fame.audit', 'fame.audit.signing'}))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
