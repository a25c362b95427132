"""The demonstrator's scripts that read no page (the shared selection and the management
view's tally), tested under Node's own runner: ``node --test tests/demonstrator/js/``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

NODE = shutil.which("node")
SCRIPTS = Path(__file__).resolve().parent / "js"


def test_the_selection_scripts_pass_their_node_tests() -> None:
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail(
                "The demonstrator's script tests need Node.js (it installs the npm assets)."
            )
        pytest.skip("The demonstrator's script tests need Node.js.")
    tests = sorted(str(path) for path in SCRIPTS.glob("*.test.mjs"))
    assert tests, f"No *.test.mjs in {SCRIPTS}"
    finished = subprocess.run(
        [NODE, "--test", *tests], capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
