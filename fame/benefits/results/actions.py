"""Taking figures from a Demonstrator comparison into a benefits model: a new version."""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction

from fame.audit import record_event

from ..figures import ComparisonFigures
from ..models import ModelVersion

NOTE_LENGTH = 200


def use_comparison_figures(
    *, version: ModelVersion, figures: ComparisonFigures, benefit: int, by: Any
) -> ModelVersion:
    """A new version of ``version``'s model with its ``benefit``-th (a ``time`` benefit)
    hours a month and share saved taken from ``figures``, each with its source kept beside
    it under ``sources``; the note says where they came from."""
    data = copy.deepcopy(version.data)
    target = data["benefits"][benefit]
    if target.get("kind") != "time":
        raise ValueError(f"benefits[{benefit}] is not a time benefit")
    target.update(figures.time_benefit())
    sources = dict(target.get("sources") or {})
    sources["hours_per_month"] = figures.hours_per_month.source
    sources["share_saved"] = figures.share_saved.source
    target["sources"] = sources
    note = f"Hours and share saved from {figures.share_saved.source}"
    with transaction.atomic():
        saved = version.benefits_model.save_version(data, by=by, note=note[:NOTE_LENGTH])
        record_event(
            "benefits.figures_taken",
            actor=by,
            target=f"benefits model {version.benefits_model.pk}",
            details={"from_version": version.number, "version": saved.number, "benefit": benefit},
        )
    return saved


def usage_rule_paths(data: dict[str, Any]) -> list[str]:
    """The JSON paths of the costs and benefits shared by usage."""
    return [
        f"{group}[{i}]"
        for group in ("costs", "benefits")
        for i, item in enumerate(data.get(group, []))
        if (item.get("shared") or {}).get("rule") == "usage"
    ]


def use_live_usage(
    *, version: ModelVersion, counts: dict[str, int], said: str, by: Any
) -> ModelVersion:
    """A new version of ``version``'s model whose costs and benefits shared by usage take
    ``counts`` (each partner's count from the live system), ``said`` naming what was counted
    and when; ModelError (nothing saved) if the counts cannot share anything (all 0)."""
    data = copy.deepcopy(version.data)
    for group in ("costs", "benefits"):
        for item in data.get(group, []):
            shared = item.get("shared") or {}
            if shared.get("rule") == "usage":
                shared["usage"] = dict(counts)
                shared["usage_source"] = said
    note = f"Usage counts from {said}"
    with transaction.atomic():
        saved = version.benefits_model.save_version(data, by=by, note=note[:NOTE_LENGTH])
        record_event(
            "benefits.usage_taken",
            actor=by,
            target=f"benefits model {version.benefits_model.pk}",
            details={"from_version": version.number, "version": saved.number},
        )
    return saved
