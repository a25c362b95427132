"""The shipped framework and statement banks: every part explained, every cell filled."""

from __future__ import annotations

import pytest

from fame.readiness.bank import (
    BANKS_DIR,
    FACTS,
    BankError,
    read_bank,
    shipped_banks,
    statement_code,
)
from fame.readiness.framework import DIMENSION_LETTERS, FRAMEWORK_FILE, framework, read_framework

FW = framework()


def test_framework_file_reads_and_keeps_its_nine_blocks_and_three_dimensions():
    fw = read_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    assert len(fw.blocks) == 9
    assert [d.key for d in fw.dimensions] == ["practice", "ict", "governance"]
    assert len({b.code for b in fw.blocks}) == 9


def test_framework_keeps_the_order_blocks_must_be_built_in():
    needs = {block.key: set(block.needs) for block in FW.blocks}
    assert needs == {
        "scoping": set(),
        "legal": set(),
        "governance": {"scoping"},
        "information-sharing": {"legal", "governance"},
        "identity": {"governance"},
        "infrastructure": {"scoping"},
        "messaging": {"infrastructure", "identity"},
        "sustainability": {"scoping"},
        "federation": {"identity", "information-sharing", "infrastructure", "messaging"},
    }
    assert FW.blocks_before("messaging") == {"infrastructure", "identity", "governance", "scoping"}


def test_every_block_and_dimension_has_summary_guidance_and_steps():
    for part in FW.blocks + FW.dimensions:
        assert part.summary, part.key
        paragraphs = [p for p in part.guidance.split("\n\n") if p.strip()]
        assert 2 <= len(paragraphs) <= 4, part.key
        assert 4 <= len(part.steps) <= 6, part.key


def test_every_level_has_help():
    assert all(level.help for level in FW.levels)


def test_six_criteria_each_with_a_summary():
    assert len(FW.criteria) == 6
    assert all(criterion.summary for criterion in FW.criteria)


def test_every_barrier_has_a_name_and_summary():
    assert len(FW.barriers) >= 10
    for barrier in FW.barriers:
        assert barrier.name and barrier.summary, barrier.key


# ---------------------------------------------------------------- banks

MIN_PER_CELL = {"childrens-services": 3, "non-emergency-number": 1}


def test_every_shipped_bank_reads_with_children_s_services_first():
    banks = shipped_banks()
    assert next(iter(banks)) == "childrens-services"
    assert set(MIN_PER_CELL) <= set(banks)
    for key, bank in banks.items():
        assert bank.key == key
        assert bank.title and bank.version and bank.summary, key


def test_every_cell_has_enough_statements():
    for key, least in MIN_PER_CELL.items():
        bank = shipped_banks()[key]
        for block in FW.blocks:
            for dimension in FW.dimensions:
                cell = bank.in_cell(block.key, dimension.key)
                assert len(cell) >= least, f"{key}: {block.key} / {dimension.key}"


def test_every_criterion_is_used_in_every_bank():
    for key, bank in shipped_banks().items():
        used = {s.criterion for s in bank.statements}
        assert used == {c.key for c in FW.criteria}, key


def test_statement_ids_follow_statement_code_numbered_from_one_in_each_cell():
    for key, bank in shipped_banks().items():
        for block in FW.blocks:
            for dimension in FW.dimensions:
                ids = [s.id for s in bank.in_cell(block.key, dimension.key)]
                expected = [
                    statement_code(block.code, dimension.key, n) for n in range(1, len(ids) + 1)
                ]
                assert ids == expected, key


def test_every_statement_has_five_distinct_levels_and_a_sentence():
    for key, bank in shipped_banks().items():
        for s in bank.statements:
            assert len(set(s.levels)) == 5 and all(s.levels), f"{key} {s.id}"
            assert s.text.endswith("."), f"{key} {s.id}"


def test_facts_are_known_and_given_to_some_children_s_services_statements():
    cs = shipped_banks()["childrens-services"]
    with_facts = [s for s in cs.statements if s.facts]
    assert 15 <= len(with_facts) <= 25
    assert {f for s in with_facts for f in s.facts} == set(FACTS)
    for bank in shipped_banks().values():
        for s in bank.statements:
            assert set(s.facts) <= set(FACTS), s.id


def test_a_statement_id_names_its_own_block_and_dimension():
    codes = {b.key: b.code for b in FW.blocks}
    for bank in shipped_banks().values():
        for s in bank.statements:
            assert s.id.startswith(f"{codes[s.block]}-{DIMENSION_LETTERS[s.dimension]}-")


def test_a_broken_bank_is_refused_with_what_is_wrong():
    text = (BANKS_DIR / "childrens-services.toml").read_text(encoding="utf-8")
    broken = text.replace('criterion = "leadership"', 'criterion = "charisma"', 1)
    with pytest.raises(BankError, match="criterion 'charisma' is not one of"):
        read_bank(broken)
