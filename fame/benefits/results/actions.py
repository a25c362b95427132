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
