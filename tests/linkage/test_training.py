"""Training: unsupervised, every level trained or floored, twins' level fixed strongly negative."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fame.linkage import COMPARISONS, LinkageModel, RuntimeScorer, train_model
from fame.linkage._splink import EM_BLOCKING_RULES
from fame.linkage._training import M_FLOOR
from fame.synth import Region

from .conftest import OLIVIA


def test_train_model_gives_different_given_names_a_strongly_negative_weight(
    small_model: LinkageModel,
) -> None:
    weights = RuntimeScorer(small_model).level_weights("given_name")

    assert weights[-1] < -35
    assert weights[1] > 5  # an exact given name is strong evidence


def test_train_model_sets_m_and_u_on_every_level_and_keeps_tf_tables(
    small_model: LinkageModel,
) -> None:
    trained = small_model.splink_settings["comparisons"]

    assert [comparison["output_column_name"] for comparison in trained] == [
        comparison.name for comparison in COMPARISONS
    ]
    for comparison in trained:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["u_probability"] > 0
                assert level["m_probability"] >= M_FLOOR or level.get("fix_m_probability")
    assert len(small_model.term_frequencies["family_name"]) > 100
    assert small_model.trained_on["em_blocking_rules"] == list(EM_BLOCKING_RULES)


def test_train_model_skips_an_em_rule_that_finds_no_pairs(small_region: Region) -> None:
    # Records from abroad: postcodes without UK sectors, as in FEBRL.
    records = [replace(record, postcode="2615") for record in small_region.records[:800]]

    model = train_model(records, max_pairs=2e5)

    assert len(model.splink_settings["comparisons"]) == len(COMPARISONS)
    assert not any("postcode_sector" in rule for rule in model.trained_on["em_blocking_rules"])


def test_train_model_needs_two_records() -> None:
    with pytest.raises(ValueError, match="at least two records"):
        train_model([OLIVIA])
