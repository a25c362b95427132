"""``fame sharing explain``: an ISA officer tries protocols out before adopting them."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fame.cli import main

# The example from the issue, as an ISA officer would write it.
ISSUE_EXAMPLE: dict[str, Any] = {
    "organisations": [{"id": "sch-1", "accredited": True}],
    "users": [
        {
            "id": "u1",
            "organisation": "sch-1",
            "roles": ["practitioner"],
            "mfa": True,
            "vetted": True,
            "trained": True,
        }
    ],
    "protocols": [
        {
            "id": "p1",
            "parties": ["sch-1", "hlt-1"],
            "purposes": ["early_help"],
            "data_categories": ["assessment"],
            "from": "2026-01-01",
            "to": "2027-12-31",
        }
    ],
    "children": [{"id": "c1", "holder": "hlt-1", "shielded": False}],
    "consents": [
        {
            "child": "c1",
            "decision": "permit",
            "organisations": ["sch-1"],
            "purposes": ["early_help"],
            "data_categories": ["assessment"],
            "from": "2026-01-01",
            "to": None,
            "withdrawn_on": None,
        }
    ],
    "requests": [
        {
            "id": "r1",
            "user": "u1",
            "child": "c1",
            "purpose": "early_help",
            "data_category": "assessment",
            "on": "2026-11-22",
            "override_reason": None,
            "override_authorised_by": None,
        }
    ],
}


def write(tmp_path: Path, scenario: Any) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(scenario if isinstance(scenario, str) else json.dumps(scenario))
    return path


def explain(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(["sharing", "explain", *args])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def with_request(**changes: Any) -> dict[str, Any]:
    scenario = copy.deepcopy(ISSUE_EXAMPLE)
    scenario["requests"].append({**scenario["requests"][0], **changes})
    return scenario


def test_explain_issue_example_permits_r1(tmp_path, capsys) -> None:
    code, out, err = explain(capsys, "--scenario", str(write(tmp_path, ISSUE_EXAMPLE)), "--json")

    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "request": "r1",
            "decision": "permit",
            "policies": ["rule5-permit-protocol-and-consent"],
            "reasons": [
                "Permitted: an information-sharing protocol in force covers both "
                "organisations, this purpose and assessment, and a consent in force permits it."
            ],
        }
    ]
    assert err == ""


def test_explain_prints_one_line_per_request_in_order(tmp_path, capsys) -> None:
    scenario = with_request(id="r2", data_category="case")
    scenario["requests"].append({**scenario["requests"][0], "id": "r3", "on": "2025-12-31"})

    code, out, _ = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(a["request"], a["decision"]) for a in answers] == [
        ("r1", "permit"),
        ("r2", "deny"),
        ("r3", "deny"),
    ]
    assert answers[1]["policies"] == []
    assert answers[1]["reasons"] == [
        "Refused: no information-sharing protocol in force covers both organisations, "
        "this purpose and case information."
    ]


def test_explain_consent_withdrawn_on_the_day_is_not_in_force(tmp_path, capsys) -> None:
    scenario = copy.deepcopy(ISSUE_EXAMPLE)
    scenario["consents"][0]["withdrawn_on"] = "2026-11-22"

    _, out, _ = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    assert json.loads(out)["decision"] == "deny"


def test_explain_without_json_prints_a_table(tmp_path, capsys) -> None:
    code, out, _ = explain(capsys, "--scenario", str(write(tmp_path, ISSUE_EXAMPLE)))

    assert code == 0
    assert out.splitlines()[0].split() == ["Request", "Decision", "Why"]
    assert out.splitlines()[2].startswith("r1       permit    Permitted: an information-sharing")
    assert "(policies: rule5-permit-protocol-and-consent)" in out


def test_explain_notes_a_person_whose_organisation_is_not_listed(tmp_path, capsys) -> None:
    scenario = copy.deepcopy(ISSUE_EXAMPLE)
    scenario["users"][0]["organisation"] = "sch-2"

    code, out, err = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    assert code == 0
    assert json.loads(out)["policies"] == ["rule1-refuse-organisation-not-accredited"]
    assert 'users[0].organisation: "sch-2" is not listed in organisations' in err


def change(path: str, value: Any) -> dict[str, Any]:
    """The issue's example with the field at ``path`` (like "requests.0.purpose") changed."""
    scenario = copy.deepcopy(ISSUE_EXAMPLE)
    *parents, last = path.split(".")
    target: Any = scenario
    for key in parents:
        target = target[int(key) if key.isdigit() else key]
    if value is DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return scenario


DELETE = object()
PURPOSES = "early_help, safeguarding, service_coordination, education_welfare, health_care"
CATEGORIES = "basic, contact, involvement, sensitive, assessment, case"


@pytest.mark.parametrize(
    ("scenario", "problem"),
    [
        (
            change("requests.0.purpose", "fun"),
            f'requests[0].purpose: "fun" is not a purpose (one of {PURPOSES})',
        ),
        (change("requests.0.user", "u9"), 'requests[0].user: "u9" is not a known user id'),
        (change("requests.0.child", "c9"), 'requests[0].child: "c9" is not a known child id'),
        (change("consents.0.child", "c9"), 'consents[0].child: "c9" is not a known child id'),
        (
            change("requests.0.override_authorised_by", "boss"),
            'requests[0].override_authorised_by: "boss" is not a known user id',
        ),
        (
            change("protocols.0.from", "2026-02-30"),
            'protocols[0].from: "2026-02-30" is not a date (YYYY-MM-DD)',
        ),
        (
            change("requests.0.on", "22/11/2026"),
            'requests[0].on: "22/11/2026" is not a date (YYYY-MM-DD)',
        ),
        (
            change("consents.0.to", "soon"),
            'consents[0].to: "soon" is not a date (YYYY-MM-DD) or null',
        ),
        (change("users.0.mfa", DELETE), "users[0].mfa: missing"),
        (change("consents", DELETE), "consents: missing"),
        (change("users.0.mfa", "yes"), 'users[0].mfa: expected true or false, not "yes"'),
        (change("requests", {}), "requests: expected a list, not {}"),
        (
            change("consents.0.data_categories", ["assessment", "medical"]),
            'consents[0].data_categories[1]: "medical" is not a data category '
            f"(one of {CATEGORIES})",
        ),
        (
            change("requests.0.data_category", "everything"),
            f'requests[0].data_category: "everything" is not a data category (one of {CATEGORIES})',
        ),
        (
            change("users.0.roles", ["teacher"]),
            'users[0].roles[0]: "teacher" is not a role (one of practitioner,',
        ),
        (
            change("consents.0.organisations", ["*", "sch-1"]),
            'consents[0].organisations: "*" (all organisations) stands alone',
        ),
        (
            change("protocols.0.to", "2025-12-31"),
            "protocols[0].to: 2025-12-31 is before from (2026-01-01)",
        ),
        (change("requests.0.overide_reason", "typo"), "requests[0].overide_reason: unknown key"),
        (with_request(), 'requests[1].id: "r1" is used twice'),
        ('{"organisations": [', "cannot be used: not valid JSON (line 1, column 20"),
        ("[]", "cannot be used: expected an object, not []"),
    ],
)
def test_explain_bad_scenario_names_the_field_and_exits_2(
    tmp_path, capsys, scenario, problem
) -> None:
    code, out, err = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    assert code == 2
    assert out == ""
    assert problem in err


def test_explain_reports_every_bad_field_at_once(tmp_path, capsys) -> None:
    scenario = change("requests.0.purpose", "fun")
    scenario["users"][0]["vetted"] = 1

    _, _, err = explain(capsys, "--scenario", str(write(tmp_path, scenario)))

    assert "users[0].vetted: expected true or false, not 1" in err
    assert 'requests[0].purpose: "fun" is not a purpose' in err


def test_explain_missing_file_exits_2(tmp_path, capsys) -> None:
    code, out, err = explain(capsys, "--scenario", str(tmp_path / "nowhere.json"))

    assert (code, out) == (2, "")
    assert "nowhere.json cannot be used: cannot be read (No such file or directory)" in err


@pytest.mark.parametrize("args", [[], ["--json"]])
def test_explain_without_scenario_exits_2(capsys, args) -> None:
    code, out, err = explain(capsys, *args)

    assert (code, out) == (2, "")
    assert "Give the scenario file" in err


def test_fame_sharing_explain_as_a_process(tmp_path) -> None:
    bad = write(tmp_path, change("requests.0.purpose", "fun"))
    env = {**os.environ, "FAME_ENV": "test", "FAME_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "fame.cli", "sharing", "explain", "--json", "--scenario"]

    refused = subprocess.run(
        [*command, str(bad)], capture_output=True, text=True, env=env, check=False
    )
    good = write(tmp_path, ISSUE_EXAMPLE)
    answered = subprocess.run(
        [*command, str(good)], capture_output=True, text=True, env=env, check=False
    )

    assert (refused.returncode, refused.stdout) == (2, "")
    assert 'requests[0].purpose: "fun" is not a purpose' in refused.stderr
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["decision"] == "permit"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            json.dumps(ISSUE_EXAMPLE, indent=1).replace("sch-1", "sch-\u00e9").encode("latin-1"),
            "scenario.json cannot be used: is not UTF-8 text (byte 0xe9 on line 4); save the file",
        ),
        (
            bytes(range(256)) * 4,
            "scenario.json cannot be used: is not UTF-8 text (byte 0x80 on line 2); save the file",
        ),
        (b"\x00\x01\x02{}", "cannot be used: not valid JSON (line 1, column 1"),
        (
            b"[" * 100_000,
            "cannot be used: nested too deeply (more than 8 levels of lists and objects)",
        ),
        (
            json.dumps({**ISSUE_EXAMPLE, "users": "DEEP"})
            .replace('"DEEP"', "[" * 900 + "]" * 900)
            .encode("utf-8"),
            "cannot be used: nested too deeply (more than 8 levels of lists and objects)",
        ),
    ],
    ids=["latin-1", "binary", "nul-bytes", "deep", "deep-but-readable"],
)
def test_explain_unreadable_file_says_so_in_one_line_and_exits_2(
    tmp_path, capsys, content, problem
) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(content)

    code, out, err = explain(capsys, "--scenario", str(path), "--json")

    assert (code, out) == (2, "")
    assert problem in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_explain_file_with_a_byte_order_mark_is_read(tmp_path, capsys) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(ISSUE_EXAMPLE).encode("utf-8"))

    code, out, _ = explain(capsys, "--scenario", str(path), "--json")

    assert code == 0
    assert json.loads(out)["decision"] == "permit"


@pytest.mark.parametrize("section", ["protocols", "consents"])
def test_explain_from_null_is_in_force_from_the_beginning(tmp_path, capsys, section) -> None:
    scenario = change(f"{section}.0.from", None)
    scenario["requests"][0]["on"] = "1999-06-01"
    scenario[section][0]["to"] = "2027-12-31"
    other = "consents" if section == "protocols" else "protocols"
    scenario[other][0]["from"] = "1999-01-01"

    code, out, err = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    assert (code, err) == (0, "")
    assert json.loads(out)["decision"] == "permit"


def test_explain_from_null_still_ends_on_to(tmp_path, capsys) -> None:
    scenario = change("protocols.0.from", None)
    scenario["requests"][0]["on"] = "2028-01-01"

    code, out, _ = explain(capsys, "--scenario", str(write(tmp_path, scenario)), "--json")

    assert code == 0
    assert json.loads(out)["decision"] == "deny"
