"""The run-time licence check: permissive licences pass, reviewed exceptions pass, GPL never."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.check_licences import (
    EXCEPTIONS,
    Package,
    Reviewed,
    choices,
    problems,
    runtime_packages,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("declared", "options"),
    [
        ("MIT", [{"MIT"}]),
        ("Apache-2.0 OR BSD-3-Clause", [{"Apache-2.0"}, {"BSD-3-Clause"}]),
        ("MPL-2.0 AND MIT", [{"MPL-2.0", "MIT"}]),
        ("Apache Software License; BSD License", [{"Apache-2.0"}, {"BSD"}]),
        ("Mozilla Public License 2.0 (MPL 2.0)", [{"MPL-2.0"}]),
        ("(MIT OR Apache-2.0) AND Zlib", [{"MIT"}, {"Apache-2.0", "Zlib"}]),
    ],
)
def test_choices_reads_expressions_and_classifiers(declared, options) -> None:
    assert choices(declared)[: len(options)] == [frozenset(option) for option in options]


@pytest.mark.parametrize(
    "declared",
    [
        "MIT",
        "BSD License",
        "Apache-2.0 OR BSD-3-Clause",
        "Zope Public License",
        "MIT-CMU",
    ],
)
def test_problems_none_for_a_permissive_licence(declared) -> None:
    assert problems([Package("somelib", "1.0", declared)], {}) == []


@pytest.mark.parametrize(
    "declared",
    [
        "AGPL-3.0-only",  # as pm4py declares
        "GPL-3.0-or-later",
        "GNU General Public License v3 (GPLv3)",
        "GNU Affero General Public License v3",
        "GPL-2.0-only OR AGPL-3.0-only",
    ],
)
def test_problems_gpl_or_agpl_can_never_be_run_time(declared) -> None:
    package = Package("pm4py", "2.7.11", declared)

    unreviewed = problems([package], {})
    excepted = problems([package], {"pm4py": Reviewed(declared, "we would like it")})

    for found in (unreviewed, excepted):
        assert found == [
            f"pm4py 2.7.11 ({declared}): GPL or AGPL code may never be a run-time dependency"
        ]


def test_problems_weak_copyleft_needs_a_reviewed_exception() -> None:
    package = Package("psycopg", "3.3.9", "LGPL-3.0-only")

    assert problems([package], {}) == [
        "psycopg 3.3.9 (LGPL-3.0-only): not a licence on the allow-list; review it"
    ]
    assert problems([package], EXCEPTIONS) == []


def test_problems_dual_licensed_package_is_taken_under_its_reviewed_choice() -> None:
    pyphen = Package(
        "pyphen",
        "0.18.1",
        "GNU General Public License v2 or later (GPLv2+); "
        "GNU Lesser General Public License v2 or later (LGPLv2+); "
        "Mozilla Public License 1.1 (MPL 1.1)",
    )

    assert problems([pyphen], EXCEPTIONS) == []
    assert problems([pyphen], {"pyphen": Reviewed("GPL-2.0-or-later", "")}) == [
        f"pyphen 0.18.1 ({pyphen.licence}): GPL or AGPL code may never be a run-time dependency"
    ]


def test_problems_exception_for_a_licence_the_package_does_not_offer_is_refused() -> None:
    package = Package("certifi", "2026.10.18", "GPL-3.0-only OR MPL-1.1")

    assert problems([package], {"certifi": Reviewed("MPL-2.0", "")}) == [
        "certifi 2026.10.18 (GPL-3.0-only OR MPL-1.1): is not offered under MPL-2.0; review it"
    ]


def test_problems_package_declaring_none_is_checked_against_its_licence_file() -> None:
    apache = Package("cedarpy", "4.12.2", "UNKNOWN", "Apache License\nVersion 2.0, January 2004")
    other = Package("cedarpy", "4.12.2", "UNKNOWN", "All rights reserved.")

    assert problems([apache], EXCEPTIONS) == []
    assert problems([other], EXCEPTIONS) == [
        "cedarpy 4.12.2 (UNKNOWN): its licence file is not Apache-2.0; review it"
    ]


def test_runtime_packages_follow_requirements_but_not_test_tools() -> None:
    names = runtime_packages(ROOT / "requirements.txt")

    assert {"django", "asgiref", "sqlparse", "psycopg", "psycopg-binary"} <= set(names)
    assert not {"pytest", "ruff", "mypy", "hypothesis", "pip-licenses"} & set(names)


@pytest.mark.slow
def test_check_licences_fails_when_an_agpl_package_is_a_run_time_dependency(tmp_path) -> None:
    site = tmp_path / "site"
    # A made-up package: the real pm4py (AGPL) is installed as a test tool, and the check of
    # the real requirements below must pass with it there.
    info = site / "agpl_example-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: agpl-example\nVersion: 1.0\n"
        "License-Expression: AGPL-3.0-only\n",
        encoding="utf-8",
    )
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==5.2.19\nagpl-example==1.0\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    command = [sys.executable, str(ROOT / "tools" / "check_licences.py")]

    refused = subprocess.run(
        [*command, "--requirements", str(requirements)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    passed = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )

    assert refused.returncode == 1
    assert refused.stderr == (
        "Licence check: agpl-example 1.0 (AGPL-3.0-only): "
        "GPL or AGPL code may never be a run-time dependency\n"
    )
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.startswith("Run-time Python licences: ")
