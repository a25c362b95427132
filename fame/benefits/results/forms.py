"""The results pages' forms: a Monte Carlo run's ranges, a Demonstrator comparison to take
figures from, and the period realisation looks at."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from fame.web.forms import DatePartsField

from ..model import ModelError, assumption_paths
from ..montecarlo import DEFAULT_RUNS, DEFAULT_SEED, Range, read_ranges
from ..sensitivity import MOVE, value_at

MAX_RUNS = 20_000
ENDS = ("low", "likely", "high")


def _shown(value: Decimal) -> str:
    """A number as typed, without trailing zeros (24000.0 shows as 24000)."""
    text = format(value.normalize(), "f")
    return text


class MonteCarloForm(forms.Form):
    """A row of low, likely and high for each of the model's numeric assumptions, prefilled
    20% either side of its value; the number of runs and the seed."""

    runs = forms.IntegerField(
        label="Number of runs",
        min_value=1,
        max_value=MAX_RUNS,
        initial=DEFAULT_RUNS,
        help_text=f"More runs give steadier percentiles; at most {MAX_RUNS:,}.",
        error_messages={
            "required": "Enter the number of runs",
            "invalid": "Number of runs must be a whole number",
            "min_value": "Number of runs must be 1 or more",
            "max_value": f"Number of runs must be {MAX_RUNS:,} or fewer",
        },
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        initial=DEFAULT_SEED,
        help_text="The same seed gives the same answer.",
        error_messages={
            "required": "Enter the seed",
            "invalid": "Seed must be a whole number",
            "min_value": "Seed must be 0 or more",
        },
    )

    def __init__(self, data: Any, *, model_data: Mapping[str, Any]) -> None:
        self.model_data = model_data
        self.assumptions = assumption_paths(model_data)
        initial: dict[str, Any] = {}
        for i, (path, largest) in enumerate(self.assumptions):
            base = value_at(model_data, path)
            high = base * (1 + MOVE)
            if largest is not None:
                high = min(high, largest)
            initial |= {
                f"a{i}_low": _shown(base * (1 - MOVE)),
                f"a{i}_likely": _shown(base),
                f"a{i}_high": _shown(high),
            }
        super().__init__(data, initial=initial)
        for i, (path, _) in enumerate(self.assumptions):
            for end in ENDS:
                self.fields[f"a{i}_{end}"] = forms.DecimalField(
                    label=f"{end.capitalize()} value of {path}",
                    error_messages={
                        "required": f"Enter the {end} value of {path}",
                        "invalid": f"The {end} value of {path} must be a number",
                    },
                )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (path, [self[f"a{i}_{end}"] for end in ENDS])
            for i, (path, _) in enumerate(self.assumptions)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given: dict[str, dict[str, float]] = {}
        for i, (path, largest) in enumerate(self.assumptions):
            names = [f"a{i}_{end}" for end in ENDS]
            if any(name not in cleaned for name in names):
                continue
            low, likely, high = (cleaned[name] for name in names)
            if not low <= likely <= high:
                self.add_error(
                    names[0],
                    f"For {path}, low must be no more than likely, likely no more than high",
                )
            elif low < 0:
                self.add_error(names[0], f"For {path}, low must be 0 or more")
            elif largest is not None and high > largest:
                self.add_error(names[2], f"For {path}, high must be {largest} or less")
            elif not low == likely == high:
                given[path] = {"low": float(low), "likely": float(likely), "high": float(high)}
        if not self.errors:
            if not given:
                raise forms.ValidationError(
                    "Give at least one assumption a range: low and high the same hold it fixed"
                )
            try:
                cleaned["ranges"] = read_ranges(given, self.model_data)
            except ModelError as error:
                raise forms.ValidationError(error.problems) from None
        return cleaned

    @property
    def ranges(self) -> list[Range]:
        return list(self.cleaned_data["ranges"])


def _approach_choices() -> list[tuple[str, str]]:
    from .comparison import approaches_of, scenario_names

    seen: dict[str, str] = {}
    for name in scenario_names():
        for approach in approaches_of(name)[1:]:
            seen.setdefault(approach, approach.replace("_", " "))
    return list(seen.items())


def _scenario_choices() -> list[tuple[str, str]]:
    from .comparison import scenario_names

    return [(name, name.replace("_", " ")) for name in scenario_names()]


class RunComparisonForm(forms.Form):
    scenario = forms.ChoiceField(
        label="Scenario",
        choices=_scenario_choices,
        initial="small",
        error_messages={"required": "Select a scenario", "invalid_choice": "Select a scenario"},
    )
    approach = forms.ChoiceField(
        label="Approach to compare with the scenario's baseline (as things are)",
        choices=_approach_choices,
        initial="index_caf_federated",
        error_messages={"required": "Select an approach", "invalid_choice": "Select an approach"},
    )
    replications = forms.IntegerField(
        label="Replications",
        min_value=1,
        max_value=10,
        initial=3,
        help_text=(
            "Kept small so the page answers in a few seconds: up to 10 here. "
            "fame demonstrator compare runs more for a narrower interval."
        ),
        error_messages={
            "required": "Enter the number of replications",
            "invalid": "Replications must be a whole number",
            "min_value": "Replications must be 1 or more",
            "max_value": "Replications must be 10 or fewer here",
        },
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        initial=0,
        error_messages={
            "required": "Enter the seed",
            "invalid": "Seed must be a whole number",
            "min_value": "Seed must be 0 or more",
        },
    )


class UploadComparisonForm(forms.Form):
    comparison = forms.FileField(
        label="Comparison file (JSON)",
        help_text="What fame demonstrator compare --json prints, saved as a file.",
        error_messages={"required": "Choose a comparison file"},
    )
    approach = forms.CharField(
        label="Approach to take figures for",
        initial="index_caf_federated",
        max_length=80,
        error_messages={"required": "Enter the approach"},
    )


class UseFiguresForm(forms.Form):
    comparison = forms.CharField(widget=forms.HiddenInput)
    approach = forms.CharField(widget=forms.HiddenInput, max_length=80)
    benefit = forms.TypedChoiceField(
        label="Which time benefit takes these figures",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the time benefit to take the figures",
            "invalid_choice": "Select one of the model's time benefits",
        },
    )

    def __init__(self, data: Any, *, model_data: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        choices = [
            (str(i), str(b.get("name", f"Benefit {i + 1}")))
            for i, b in enumerate(model_data["benefits"])
            if b.get("kind") == "time"
        ]
        field = self.fields["benefit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices
        if len(choices) == 1:
            field.initial = choices[0][0]


MEASURE_LABELS = {
    "searches": "Searches of the index",
    "cafs_started": "CAFs started",
    "cafs_completed": "CAFs completed",
    "cafs_reviewed": "CAFs reviewed",
    "detail_requests": "Requests for details",
}


class RealisationForm(forms.Form):
    """When year 1 began, what to count, and each partner's planned count a year."""

    started = DatePartsField(label_text="The date year 1 began")
    measure = forms.ChoiceField(
        label="Activity to compare",
        choices=list(MEASURE_LABELS.items()),
        initial="searches",
        error_messages={"invalid_choice": "Select the activity to compare"},
    )

    def __init__(
        self, data: Any, *, model_data: Mapping[str, Any], plan: Mapping[str, Decimal]
    ) -> None:
        initial = {f"plan_{pid}": _shown(count) for pid, count in plan.items()}
        super().__init__(data, initial=initial)
        self.fields["started"].label = "Year 1 began on"
        self.partner_ids = [str(p["id"]) for p in model_data["partners"]]
        for pid in self.partner_ids:
            self.fields[f"plan_{pid}"] = forms.DecimalField(
                label=f"Planned a year at full use by {pid}",
                min_value=Decimal(0),
                error_messages={
                    "required": f"Enter the activity a year planned for {pid}",
                    "invalid": f"The activity planned for {pid} must be a number",
                    "min_value": f"The activity planned for {pid} must be 0 or more",
                },
            )

    def plan_fields(self) -> list[str]:
        return [f"plan_{pid}" for pid in self.partner_ids]

    @property
    def plan(self) -> dict[str, Decimal]:
        return {pid: self.cleaned_data[f"plan_{pid}"] for pid in self.partner_ids}
