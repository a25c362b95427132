"""The runtime scorer: Splink's weight for one pair, in plain Python, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pyarrow as pa
import pytest

from fame.linkage import (
    COMPARISONS,
    LinkageModel,
    LinkageRecord,
    ModelError,
    RuntimeScorer,
    blocking_keys,
)
from fame.linkage._bulk import candidate_pairs
from fame.linkage._splink import (
    new_linker,
    predict_pairs,
    quiet_splink,
    records_table,
    register_term_frequencies,
)
from fame.synth import Region

from .conftest import OLIVIA, variant


def test_scorer_twins_score_below_the_lower_threshold(default_model: LinkageModel) -> None:
    amelia = variant(
        given_name="Amelia", middle_names=("Rose",), local_id="S1002", agency_id="sch-001"
    )
    scorer = RuntimeScorer(default_model)

    score = scorer.score(OLIVIA, amelia)

    assert score.match_weight < default_model.lower_match_weight
    assert score.field("given_name").label == "different given names"
    assert score.field("twins").label == "twins' pattern"
    assert score.field("twins").weight == default_model.trained_on["twins_correction"] < -5
    assert scorer.decision(score) == "new person"


def test_scorer_same_child_with_nickname_and_new_address_scores_above_upper(
    default_model: LinkageModel,
) -> None:
    moved = variant(given_name="Livvy", address_line_1="3 Fern Close", postcode="QN7 1XY")
    scorer = RuntimeScorer(default_model)

    score = scorer.score(OLIVIA, moved)

    assert score.match_weight >= default_model.upper_match_weight
    assert score.field("given_name").label == "nickname"
    assert scorer.decision(score) == "link"


def test_scorer_explains_each_comparison_with_level_and_weight(default_model: LinkageModel) -> None:
    swapped = variant(date_of_birth=date(2016, 4, 3))

    score = RuntimeScorer(default_model).score(OLIVIA, swapped)

    assert [field.name for field in score.fields] == [c.name for c in COMPARISONS]
    dob = score.field("date_of_birth")
    assert (dob.level, dob.label) == (2, "day/month swapped")
    assert dob.weight > 0
    assert score.match_weight == pytest.approx(
        RuntimeScorer(default_model).prior_weight + sum(field.weight for field in score.fields)
    )
    assert 0.0 < score.match_probability < 1.0


def test_scorer_accepts_agency_or_linkage_records(default_model: LinkageModel) -> None:
    scorer = RuntimeScorer(default_model)
    other = variant(given_name="Olivai")

    assert scorer.score(OLIVIA, other) == scorer.score(
        LinkageRecord.from_agency_record(OLIVIA), LinkageRecord.from_agency_record(other)
    )


def test_scorer_rejects_a_model_with_other_comparisons(default_model: LinkageModel) -> None:
    settings = dict(default_model.splink_settings)
    settings["comparisons"] = settings["comparisons"][:-1]

    with pytest.raises(ModelError, match="retrain"):
        RuntimeScorer(replace(default_model, splink_settings=settings))


def _with_gaps(region: Region) -> list[LinkageRecord]:
    """The region's records plus copies with blank fields, so every null level is reached."""
    records = list(region.records)
    blanks = [
        {"given_name": ""},
        {"family_name": ""},
        {"date_of_birth": None},
        {"postcode": ""},
        {"address_line_1": ""},
        {"sex": "U", "middle_names": ()},
    ]
    for index, record in enumerate(region.records[:600]):
        records.append(
            replace(record, local_id=f"GAP{index}", **blanks[index % len(blanks)])  # type: ignore[arg-type]
        )
        # The same address line with a slip, with no postcode and with the same one: the
        # 'similar line' levels; and a birthday a few days out.
        slip = record.address_line_1[:-1] + "x"
        records.append(replace(record, local_id=f"SLIP{index}", address_line_1=slip, postcode=""))
        records.append(replace(record, local_id=f"SLIPPC{index}", address_line_1=slip))
        if record.date_of_birth is not None and index % 3 == 0:
            later = record.date_of_birth + timedelta(days=5)
            records.append(replace(record, local_id=f"LATE{index}", date_of_birth=later))
        if index % 10 == 0:  # given and family names entered the wrong way round
            swapped = {"given_name": record.family_name, "family_name": record.given_name}
            records.append(replace(record, local_id=f"SWAP{index}", **swapped))
    return [LinkageRecord.from_agency_record(record) for record in records]


def test_scorer_agrees_with_splink_predict_on_thousands_of_pairs(
    small_region: Region, default_model: LinkageModel
) -> None:
    records = _with_gaps(small_region)
    pairs, _ = candidate_pairs(records)
    linker, db_api = new_linker(records_table(records), default_model.splink_settings)
    register_term_frequencies(linker, db_api, default_model.term_frequencies)
    with quiet_splink():
        predictions = predict_pairs(linker, db_api, pairs, threshold_match_weight=None)
        table: pa.Table = predictions.as_pyarrow_table()
    scorer = RuntimeScorer(default_model)
    levels_seen: set[tuple[str, int]] = set()
    worst = 0.0

    for left, right, splink_weight in zip(
        table.column("unique_id_l").to_pylist(),
        table.column("unique_id_r").to_pylist(),
        table.column("match_weight").to_pylist(),
        strict=True,
    ):
        score = scorer.score(records[left], records[right])
        levels_seen.update((field.name, field.level) for field in score.fields)
        worst = max(worst, abs(score.match_weight - splink_weight))

    assert table.num_rows == pairs.num_rows > 5000
    assert worst < 1e-6
    every_level = {(c.name, index) for c in COMPARISONS for index in range(len(c.levels))}
    assert levels_seen == every_level


def test_blocking_keys_of_a_record_are_what_the_scorer_is_given(
    default_model: LinkageModel,
) -> None:
    assert blocking_keys(OLIVIA) == blocking_keys(LinkageRecord.from_agency_record(OLIVIA))


def test_ranking_weights_are_the_scores_and_a_bound_gives_up_only_on_weaker_pairs(
    small_region: Region, default_model: LinkageModel
) -> None:
    records = _with_gaps(small_region)
    pairs, _ = candidate_pairs(records)
    scorer = RuntimeScorer(default_model)
    given_up = kept = 0
    for left, right in zip(
        pairs.column("left").to_pylist(), pairs.column("right").to_pylist(), strict=True
    ):
        a, b = records[left], records[right]
        weight = scorer.score(a, b).match_weight
        assert scorer.match_weight(a, b) == weight
        for above in (weight - 5.0, weight - 1e-3, weight + 1e-3, weight + 5.0):
            bounded = scorer.match_weight(a, b, above=above)
            if above < weight:
                assert bounded == weight  # a pair that beats the bound is scored to the end
            elif bounded is None:
                given_up += 1
            else:
                assert bounded == weight
                kept += 1
    assert pairs.num_rows > 5000
    assert given_up > kept  # most pairs well below a bound are given up early
