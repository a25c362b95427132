"""The trained model on disk: Splink's settings JSON with FAME's own keys beside them.

``model.json`` is a Splink 5 model (load it with ``splink.Linker(df, settings)``
after dropping the ``fame`` key) plus one ``fame`` object holding the decision
thresholds and the term-frequency tables the runtime scorer needs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from django.conf import settings

FORMAT = 2
DEFAULT_MODEL = Path(__file__).with_name("default_model.json")

LINK_PROBABILITY = 0.95
"""At or above this match probability a record is linked to a person without review, and
bulk linkage joins two records (a match weight of about 4.2). Chosen on a calibration
region (synth seed 2) linked with a model trained on another (seed 11), never on a test
set (ADR 0042)."""

REVIEW_PROBABILITY = 0.2
"""Below this match probability a record is a new person; from it up to the link
probability it goes to the ISA team's review queue (a match weight of -2)."""


def weight_of(probability: float) -> float:
    """The match weight (log2 odds) of a match probability."""
    return math.log2(probability / (1.0 - probability))


def probability_of(weight: float) -> float:
    """The match probability of a match weight."""
    return 1.0 / (1.0 + 2.0 ** (-weight))


class ModelError(ValueError):
    """A model file is missing, unreadable or not a FAME linkage model."""


@dataclass(frozen=True)
class LinkageModel:
    """A trained Fellegi-Sunter model: Splink settings, thresholds and term frequencies."""

    splink_settings: dict[str, Any]
    link_probability: float = LINK_PROBABILITY
    review_probability: float = REVIEW_PROBABILITY
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)
    trained_on: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 < self.review_probability <= self.link_probability < 1.0:
            raise ModelError(
                "the review and link probabilities must satisfy 0 < review <= link < 1, not "
                f"{self.review_probability!r} and {self.link_probability!r}"
            )

    @property
    def upper_match_weight(self) -> float:
        """The link probability as a match weight (the prior included)."""
        return weight_of(self.link_probability)

    @property
    def lower_match_weight(self) -> float:
        """The review probability as a match weight."""
        return weight_of(self.review_probability)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.splink_settings,
            "fame": {
                "format": FORMAT,
                "link_probability": self.link_probability,
                "review_probability": self.review_probability,
                "trained_on": self.trained_on,
                "term_frequencies": self.term_frequencies,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkageModel:
        if not isinstance(data, dict) or "comparisons" not in data or "fame" not in data:
            raise ModelError("not a FAME linkage model (it needs Splink settings and a 'fame' key)")
        splink_settings = {key: value for key, value in data.items() if key != "fame"}
        fame = data["fame"]
        if fame.get("format") != FORMAT:
            raise ModelError(f"model format {fame.get('format')!r} is not {FORMAT}; retrain it")
        return cls(
            splink_settings=splink_settings,
            link_probability=float(fame["link_probability"]),
            review_probability=float(fame["review_probability"]),
            term_frequencies={
                column: {str(value): float(tf) for value, tf in table.items()}
                for column, table in fame.get("term_frequencies", {}).items()
            },
            trained_on=dict(fame.get("trained_on", {})),
        )

    def with_thresholds(self, *, upper: float, lower: float) -> LinkageModel:
        """This model deciding at other match weights (``upper`` to link, ``lower`` to review)."""
        return LinkageModel(
            self.splink_settings,
            probability_of(upper),
            probability_of(lower),
            self.term_frequencies,
            self.trained_on,
        )


def save_model(model: LinkageModel, path: str | PathLike[str]) -> Path:
    """Write ``model`` as JSON to ``path`` (folders made as needed); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model.as_json(), indent=1, sort_keys=False) + "\n")
    return target


def model_path() -> Path:
    """Where ``fame link train`` writes by default: ``DATA_DIR/linkage/model.json``."""
    return Path(settings.DATA_DIR) / "linkage" / "model.json"


def load_model(path: str | PathLike[str] | None = None) -> LinkageModel:
    """The model at ``path``; by default the trained one in DATA_DIR, else the shipped one."""
    if path is None:
        local = model_path()
        path = local if local.is_file() else DEFAULT_MODEL
    source = Path(path)
    try:
        data = json.loads(source.read_text())
    except FileNotFoundError:
        raise ModelError(f"there is no model file at {source}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"cannot read the model file {source}: {error}") from None
    try:
        return LinkageModel.from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(f"{source} is not a usable FAME linkage model: {error}") from None
