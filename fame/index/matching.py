"""Finding an incoming record's person: candidates by blocking key, scored by the model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jellyfish

from fame.linkage import LinkageRecord, RuntimeScorer, Score, blocking_keys, load_model
from fame.records import AgencyRecord

from .models import SourceRecord
from .source import from_row

MAX_CANDIDATES = 400


@cache
def scorer() -> RuntimeScorer:
    """The runtime scorer for the model in use (DATA_DIR's, else the shipped default)."""
    return RuntimeScorer(load_model())


def search_columns(record: AgencyRecord) -> dict[str, object]:
    """The normalised columns a source record is searched by, from linkage's normal form."""
    normal = LinkageRecord.from_agency_record(record)
    family = normal.family_name or ""
    return {
        "family_key": family,
        "given_key": normal.given_name or "",
        "family_sound": jellyfish.soundex(normal.family_parts[-1]) if family else "",
        "date_of_birth": record.date_of_birth,
        "postcode": record.postcode,
    }


@dataclass(frozen=True)
class Match:
    candidate: SourceRecord | None
    score: Score | None
    decision: str  # "link", "review" or "new person"


def candidates(record: AgencyRecord, *, exclude: int | None = None) -> list[SourceRecord]:
    keys = blocking_keys(record)
    found = SourceRecord.objects.filter(keys__key__in=keys)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    found = found.select_related("person").distinct()
    return list(found[:MAX_CANDIDATES])


def best_match(record: AgencyRecord, *, exclude: int | None = None) -> Match:
    """The best-scoring existing record for ``record`` and what the thresholds say to do."""
    model_scorer = scorer()
    incoming = LinkageRecord.from_agency_record(record)
    best: tuple[float, SourceRecord, Score] | None = None
    for candidate in candidates(record, exclude=exclude):
        score = model_scorer.score(incoming, from_row(candidate.data))
        if best is None or score.match_weight > best[0]:
            best = (score.match_weight, candidate, score)
    if best is None:
        return Match(None, None, "new person")
    return Match(best[1], best[2], model_scorer.decision(best[2]))
