"""The shipped framework and statement banks: every part explained, every cell filled."""

from __future__ import annotations

from fame.readiness.framework import FRAMEWORK_FILE, framework, read_framework

FW = framework()


def test_framework_file_reads_and_keeps_its_nine_blocks_and_three_dimensions():
    fw = read_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    assert len(fw.blocks) == 9
    assert [d.key for d in fw.dimensions] == ["practice", "ict", "governance"]
    assert len({b.code for b in fw.blocks}) == 9


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
