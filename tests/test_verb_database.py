"""What each `fame` verb needs of the database (the real processes: tests/test_cli.py)."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class

from fame.verb_database import VERBS, Need, verb_need


@pytest.mark.parametrize(
    ("args", "verb", "need"),
    [
        (["audit", "verify"], "fame audit verify", Need.READS),
        (["audit", "--json", "verify", "--witnesses"], "fame audit verify", Need.READS),
        (["audit", "trust", "--public-key-file", "hub.pem"], "fame audit trust", Need.MAKES),
        (["index", "load", "region/"], "fame index load", Need.CHANGES),
        (["node", "host", "--agencies", "sch-001"], "fame node host", Need.MAKES),
        (["totp", "alice"], "fame totp", Need.READS),
    ],
)
def test_verb_need_finds_the_verb_and_its_subcommand(args, verb, need) -> None:
    found = verb_need(args)

    assert found is not None
    assert found[:2] == (verb, need)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["synth", "--children", "10", "--out", "region"],
        ["sharing", "explain", "--scenario", "s.json"],
        ["keys"],
        ["audit", "key"],
        ["audit"],
        ["index", "--help"],
        ["totp", "-h"],
        ["serve", "--role", "hub"],
        ["rehearse", "--check"],
        ["migrate"],
    ],
)
def test_verb_need_is_none_for_verbs_that_need_no_database_or_prepare_their_own(args) -> None:
    assert verb_need(args) is None


def test_verb_need_names_only_real_verbs_and_subcommands() -> None:
    commands = get_commands()

    for key in VERBS:
        verb, sub = key if isinstance(key, tuple) else (key, None)
        assert verb in commands, verb
        if sub is not None:
            parser = load_command_class(commands[verb], verb).create_parser("fame", verb)
            assert sub in parser.format_help(), (verb, sub)
