"""A person's working draft of a model, and saving it as a new version.

Edits go to the draft (one per model and person), which keeps whatever was typed even when
the model does not read yet; ``save_as_version`` checks it whole with ``read_model`` and
keeps it as the next version, or returns every problem, each linked to its section.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from fame.accounts.models import User

from ..defaults import new_model_fragment
from ..model import ModelError, read_model
from ..models import BenefitsModel, Draft, ModelVersion

SECTIONS = {
    "settings": "Settings",
    "partners": "Partners",
    "costs": "Costs",
    "benefits": "Benefits",
}


@dataclass(frozen=True)
class Problem:
    """One reason a draft cannot be saved: the ``read_model`` message, and where to put it
    right (the section and, for one partner, cost or benefit, its place in the list)."""

    message: str
    section: str
    index: int | None = None


def json_number(value: Decimal | int | float) -> int | float:
    """A number as the model's JSON keeps it: whole numbers as integers."""
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def start_model(
    *, by: User, name: str, partnership: str, years: int
) -> tuple[BenefitsModel, Draft]:
    """A new model, with its creator's draft started from the defaults."""
    with transaction.atomic():
        model = BenefitsModel.objects.create(name=name, partnership=partnership, created_by=by)
        draft = Draft.objects.create(benefits_model=model, user=by, data=new_model_fragment(years))
    return model, draft


def draft_for(model: BenefitsModel, user: User) -> Draft:
    """This person's draft of ``model``: started from the current version (or the defaults,
    for a model never saved) the first time they edit it."""
    draft = Draft.objects.filter(benefits_model=model, user=user).first()
    if draft is not None:
        return draft
    current = model.current()
    data = copy.deepcopy(current.data) if current else new_model_fragment()
    draft, _ = Draft.objects.get_or_create(benefits_model=model, user=user, defaults={"data": data})
    return draft


def keep(draft: Draft, data: dict[str, Any]) -> None:
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])


def with_years(data: dict[str, Any], years: int) -> dict[str, Any]:
    """``data`` over ``years`` years: each benefit's ramp cut, or carried on at its last share."""
    changed = copy.deepcopy(data)
    changed["years"] = years
    for benefit in changed.get("benefits", []):
        ramp = benefit.get("ramp")
        if isinstance(ramp, list) and ramp:
            benefit["ramp"] = [ramp[min(t, len(ramp) - 1)] for t in range(years)]
    return changed


def _problem(message: str) -> Problem:
    path = message.split(":", 1)[0]
    for section in ("partners", "costs", "benefits"):
        if path.startswith(f"{section}["):
            index = path[len(section) + 1 : path.index("]")]
            return Problem(message, section, int(index))
        if path.startswith(section):
            return Problem(message, section)
    return Problem(message, "settings")


def problems_of(data: Any) -> list[Problem]:
    """Every reason ``data`` is not yet a model that can be saved (none: it can be)."""
    try:
        read_model(data)
    except ModelError as error:
        return [_problem(p) for p in error.problems]
    return []


def save_as_version(draft: Draft, *, by: User, note: str) -> ModelVersion | list[Problem]:
    """Keep the draft as the model's next version and let it go; or every problem, and
    nothing kept."""
    try:
        with transaction.atomic():
            version = draft.benefits_model.save_version(draft.data, by=by, note=note)
            draft.delete()
    except ModelError as error:
        return [_problem(p) for p in error.problems]
    return version
