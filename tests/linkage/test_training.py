"""Training: unsupervised, every level trained or floored, the twins' pattern corrected by
what the data show."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from fame.linkage import COMPARISONS, LinkageModel, RuntimeScorer, train_model
from fame.linkage._splink import EM_BLOCKING_RULES
from fame.linkage._training import M_FLOOR, SURE_PAIRS_NEEDED, twins_correction
from fame.synth import Region

from .conftest import OLIVIA


def test_train_model_trains_the_different_given_names_level(small_model: LinkageModel) -> None:
    given = next(
        comparison
        for comparison in small_model.splink_settings["comparisons"]
        if comparison["output_column_name"] == "given_name"
    )
    weights = RuntimeScorer(small_model).level_weights("given_name")

    assert not any(level.get("fix_m_probability") for level in given["comparison_levels"])
    assert small_model.trained_on["given_names_m_from_sure_pairs"] >= SURE_PAIRS_NEEDED
    assert weights[-1] < -5  # different given names: evidence against, trained
    assert weights[1] > 5  # an exact given name is strong evidence


def test_train_model_corrects_the_twins_pattern_where_the_data_show_twins(
    small_model: LinkageModel,
) -> None:
    # fame synth regions have twins: many more pairs share family name, birthday and
    # postcode with different given names than the matches among them explain.
    assert small_model.trained_on["twins_pattern_pairs"] > 10
    assert small_model.trained_on["twins_correction"] < -5
    assert RuntimeScorer(small_model).level_weights("twins") == [
        0.0,
        small_model.trained_on["twins_correction"],
        0.0,
    ]


def _settings_with(u_product_levels: float, m_differ: float) -> dict[str, object]:
    def comparison(name: str, levels: list[tuple[str, float, float]]) -> dict[str, object]:
        return {
            "output_column_name": name,
            "comparison_levels": [
                {"label_for_charts": label, "m_probability": m, "u_probability": u}
                for label, m, u in levels
            ],
        }

    return {
        "comparisons": [
            comparison("family_name", [("exact", 0.9, u_product_levels)]),
            comparison("date_of_birth", [("exact", 0.9, 1.0)]),
            comparison("address", [("same postcode and line", 0.9, 1.0)]),
            comparison(
                "given_name",
                [("exact", 1 - m_differ, 0.01), ("different given names", m_differ, 1.0)],
            ),
        ]
    }


def test_twins_correction_is_zero_when_matches_explain_the_pattern() -> None:
    # FEBRL4: 221 pairs show the pattern, and 2,126 one-household pairs at m(different)
    # 0.088 lead to expect about 205 among matches: no excess beyond chance.
    settings = _settings_with(1e-12, 0.088)

    correction = twins_correction(settings, pattern_pairs=221, household_pairs=2126, records=10_000)

    assert correction == 0.0


def test_twins_correction_takes_off_what_independence_overstates() -> None:
    settings = _settings_with(1e-12, 0.003)

    correction = twins_correction(
        settings, pattern_pairs=1369, household_pairs=28_862, records=45_541
    )

    expected_matches = 28_862 * 0.003 / 0.997
    measured = (1369 - expected_matches) / (45_541 * 45_540 / 2)
    assert correction == pytest.approx(math.log2(1e-12 / measured))
    assert correction < -15


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
