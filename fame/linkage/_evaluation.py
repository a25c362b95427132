"""Measuring a linkage against the truth: pairwise precision, recall and F1.

A pair of records is predicted linked when they share a person, truly linked
when they share a child. Counting pairs by cluster sizes keeps this linear in
the number of records.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from os import PathLike
from pathlib import Path
from typing import Any

from fame.records import AgencyRecord

from ._bulk import link_records
from ._comparisons import GIVEN_NAME
from ._model import LinkageModel
from ._normalise import LinkageRecord
from ._scorer import RuntimeScorer

Key = tuple[str, str]
TRUTH_COLUMNS = ("agency_id", "local_id", "child_key")


@dataclass(frozen=True)
class PairwiseAccuracy:
    """Pair counts and the measures made from them."""

    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            **asdict(self),
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


def _pairs(counts: Counter[object]) -> int:
    return sum(count * (count - 1) // 2 for count in counts.values())


def pairwise_accuracy(predicted: Mapping[Key, str], truth: Mapping[Key, str]) -> PairwiseAccuracy:
    """Compare persons (``predicted[key]``) with children (``truth[key]``) over shared keys."""
    missing = [key for key in predicted if key not in truth]
    if missing:
        agency, local = missing[0]
        raise ValueError(
            f"{len(missing):,} linked records are not in the truth file, e.g. {agency} {local}"
        )
    keys = list(predicted)
    return PairwiseAccuracy(
        records=len(keys),
        true_pairs=_pairs(Counter(truth[key] for key in keys)),
        predicted_pairs=_pairs(Counter(predicted[key] for key in keys)),
        correct_pairs=_pairs(Counter((predicted[key], truth[key]) for key in keys)),
    )


def read_truth(path: str | PathLike[str]) -> dict[Key, str]:
    """``truth.csv`` as written by ``fame synth``: (agency_id, local_id) -> child_key."""
    source = Path(path)
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != TRUTH_COLUMNS:
            raise ValueError(f"{source.name} must have the header {','.join(TRUTH_COLUMNS)}")
        return {(row["agency_id"], row["local_id"]): row["child_key"] for row in reader}


def twin_like_links(
    records: Sequence[LinkageRecord], predicted: Mapping[Key, str], truth: Mapping[Key, str]
) -> dict[str, int]:
    """Pairs of different children sharing family name, birthday and postcode (twins, mostly),
    and how many of them the linkage wrongly made one person."""
    groups: dict[tuple[object, ...], list[LinkageRecord]] = defaultdict(list)
    for record in records:
        if record.family_name and record.date_of_birth and record.postcode:
            groups[(record.family_name, record.date_of_birth, record.postcode)].append(record)
    pairs = linked = 0
    for members in groups.values():
        for left, right in combinations(members, 2):
            if truth[left.key] != truth[right.key]:
                pairs += 1
                linked += predicted[left.key] == predicted[right.key]
    return {"twin_like_pairs": pairs, "twin_like_pairs_linked": linked}


def evaluate_linkage(
    records: Sequence[AgencyRecord],
    truth: Mapping[Key, str],
    model: LinkageModel,
    *,
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Link ``records`` with ``model`` and measure the result against ``truth``."""
    result = link_records(records, model, threshold=threshold, progress=progress)
    predicted = result.person_of()
    linkage_records = [LinkageRecord.from_agency_record(record) for record in records]
    given_else = RuntimeScorer(model).level_weights(GIVEN_NAME.name)[-1]
    return {
        "accuracy": pairwise_accuracy(predicted, truth).as_dict(),
        "run": result.stats,
        "model": {
            "link_probability": model.link_probability,
            "review_probability": model.review_probability,
            "upper_match_weight": round(model.upper_match_weight, 3),
            "lower_match_weight": round(model.lower_match_weight, 3),
            "given_name_different_weight": round(given_else, 2),
            "trained_on": model.trained_on,
        },
        "twins": twin_like_links(linkage_records, predicted, truth),
    }
