"""The forms of a model's sections; each says what is wrong in plain words and turns what
was typed into the model's JSON (issue 16's shape)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from ..model import MAX_YEARS, SHARE_TOLERANCE
from ..models import BenefitsModel
from .drafts import json_number

RULE_CHOICES = [
    ("equal", "Equally"),
    ("population", "By the population each partner serves"),
    ("practitioners", "By each partner's practitioners"),
    ("usage", "By usage (searches, CAFs or requests)"),
    ("custom", "In shares you give"),
]
COST_KINDS = [("one_off", "One-off, in one year"), ("running", "Running, each year in a range")]
BENEFIT_KINDS = [
    ("time", "Practitioners' time saved"),
    ("avoided_cost", "Costs avoided"),
    ("amount", "A sum a year"),
]
BENEFIT_FIELDS = {
    "time": ("hours_per_month", "share_saved", "hourly_cost"),
    "avoided_cost": ("cases_per_year", "share_averted", "cost_per_case"),
    "amount": ("amount_a_year",),
}
PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _number(label: str, *, largest: Decimal | None = None, **kwargs: Any) -> forms.DecimalField:
    messages = {
        "required": f"Enter {label.lower()}",
        "invalid": f"{label} must be a number",
        "min_value": f"{label} cannot be negative",
        "max_value": f"{label} must be {largest} or less",
    }
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_value=largest, error_messages=messages, **kwargs
    )


def _year(label: str, years: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=years,
        error_messages={
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be between 1 and {years}",
            "max_value": f"{label} must be between 1 and {years}",
        },
    )


class SettingsForm(forms.Form):
    years = forms.IntegerField(
        label="Years the model covers",
        min_value=1,
        max_value=MAX_YEARS,
        error_messages={
            "required": "Enter the years the model covers",
            "invalid": "Years must be a whole number",
            "min_value": f"Years must be between 1 and {MAX_YEARS}",
            "max_value": f"Years must be between 1 and {MAX_YEARS}",
        },
    )
    discount_rate = _number("Discount rate, % a year", largest=Decimal(100))
    costs_bias = _number("Optimism bias added to costs, %", largest=Decimal(200))
    benefits_bias = _number("Optimism bias taken from benefits, %", largest=Decimal(100))

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        bias = data.get("optimism_bias") or {}
        return {
            "years": data.get("years"),
            "discount_rate": _percent(data.get("discount_rate", 0.035)),
            "costs_bias": _percent(bias.get("costs")),
            "benefits_bias": _percent(bias.get("benefits")),
        }

    def applied(self, data: dict[str, Any]) -> dict[str, Any]:
        got = self.cleaned_data
        changed = dict(data)
        changed["discount_rate"] = json_number(got["discount_rate"] / 100)
        changed["optimism_bias"] = {
            "costs": json_number(got["costs_bias"] / 100),
            "benefits": json_number(got["benefits_bias"] / 100),
        }
        return changed


def _percent(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json_number(Decimal(str(value)) * 100)
    return value


class PartnerForm(forms.Form):
    id = forms.CharField(
        label="Short id",
        max_length=30,
        help_text="Lower-case letters, numbers, - and _, for example la or health",
        error_messages={"required": "Enter a short id for the partner"},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="For example, Northshire County Council",
    )
    population = _number("Population served")
    practitioners = _number("Practitioners")

    def __init__(self, *args: Any, taken: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_id(self) -> str:
        value = self.cleaned_data["id"].strip()
        if not PARTNER_ID.match(value):
            raise forms.ValidationError(
                "The short id must be lower-case letters, numbers, - and _, starting with a "
                "letter or number"
            )
        if value in self.taken:
            raise forms.ValidationError(f"{value} is already a partner's id: choose another")
        return value

    def as_partner(self) -> dict[str, Any]:
        got = self.cleaned_data
        partner: dict[str, Any] = {"id": got["id"]}
        if got["name"].strip():
            partner["name"] = got["name"].strip()
        partner["population"] = json_number(got["population"])
        partner["practitioners"] = json_number(got["practitioners"])
        return partner

    @staticmethod
    def initial_from(partner: dict[str, Any]) -> dict[str, Any]:
        return {k: partner.get(k) for k in ("id", "name", "population", "practitioners")}


class SharingForm(forms.Form):
    """A form with a sharing rule, and a share and a usage count for each partner."""

    rule = forms.ChoiceField(
        label="How is it shared between partners?",
        choices=RULE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is shared between partners"},
    )

    def __init__(self, *args: Any, partners: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner_ids = [str(p.get("id")) for p in partners]
        for p in partners:
            who = p.get("name") or p.get("id")
            self.fields[f"share_{p.get('id')}"] = _number(
                f"Share of {who}", largest=Decimal(1), required=False
            )
            self.fields[f"usage_{p.get('id')}"] = _number(f"Usage by {who}", required=False)

    def clean_sharing(self) -> None:
        rule = self.cleaned_data.get("rule")
        if rule not in ("custom", "usage"):
            return
        prefix = "share" if rule == "custom" else "usage"
        names = [f"{prefix}_{pid}" for pid in self.partner_ids]
        if not names:
            self.add_error("rule", "Add the partners before sharing by shares or usage")
            return
        if any(n in self.errors for n in names):
            return
        given = [self.cleaned_data.get(n) for n in names]
        if any(v is None for v in given):
            first = names[[v is None for v in given].index(True)]
            kind = "a share" if rule == "custom" else "a usage count"
            self.add_error(first, f"Enter {kind} for every partner (0 for none)")
            return
        total = sum((v for v in given if v is not None), Decimal(0))
        if rule == "custom" and abs(total - 1) > SHARE_TOLERANCE:
            self.add_error(names[0], f"The shares add up to {total.normalize():f}, not 1")
        if rule == "usage" and total <= 0:
            self.add_error(names[0], "Give some usage: the counts add up to 0")

    def sharing(self) -> dict[str, Any]:
        rule = self.cleaned_data["rule"]
        shared: dict[str, Any] = {"rule": rule}
        if rule in ("custom", "usage"):
            prefix, key = ("share", "shares") if rule == "custom" else ("usage", "usage")
            shared[key] = {
                pid: json_number(self.cleaned_data[f"{prefix}_{pid}"]) for pid in self.partner_ids
            }
        return shared

    @staticmethod
    def sharing_initial(shared: Any) -> dict[str, Any]:
        if not isinstance(shared, dict):
            return {}
        initial: dict[str, Any] = {"rule": shared.get("rule")}
        for key, prefix in (("shares", "share"), ("usage", "usage")):
            for pid, value in (shared.get(key) or {}).items():
                initial[f"{prefix}_{pid}"] = value
        return initial


class CostForm(SharingForm):
    name = forms.CharField(
        label="Name of the cost",
        max_length=200,
        help_text="For example, Hub hosting",
        error_messages={"required": "Enter a name for the cost"},
    )
    kind = forms.ChoiceField(
        label="When is it paid?",
        choices=COST_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the cost is one-off or running"},
    )
    amount = _number("Amount, £ (a year, for a running cost)")
    field_order = ["name", "kind", "year", "from_year", "to_year", "amount", "rule"]

    def __init__(self, *args: Any, years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year("Year", years)
        self.fields["from_year"] = _year("From year", years)
        self.fields["to_year"] = _year("To year", years)
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        got = super().clean() or {}
        kind = got.get("kind")
        needed = {"one_off": ["year"], "running": ["from_year", "to_year"]}.get(str(kind), [])
        for name in needed:
            if got.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the {str(self.fields[name].label).lower()}")
        start, end = got.get("from_year"), got.get("to_year")
        if kind == "running" and start and end and start > end:
            self.add_error("to_year", "The last year must be the same as or after the first")
        self.clean_sharing()
        return got

    def as_cost(self) -> dict[str, Any]:
        got = self.cleaned_data
        cost: dict[str, Any] = {"name": got["name"].strip(), "kind": got["kind"]}
        cost["amount"] = json_number(got["amount"])
        if got["kind"] == "one_off":
            cost["year"] = got["year"]
        else:
            cost["from_year"], cost["to_year"] = got["from_year"], got["to_year"]
        cost["shared"] = self.sharing()
        return cost

    @staticmethod
    def initial_from(cost: dict[str, Any]) -> dict[str, Any]:
        keys = ("name", "kind", "amount", "year", "from_year", "to_year")
        return {k: cost.get(k) for k in keys} | SharingForm.sharing_initial(cost.get("shared"))


class BenefitForm(SharingForm):
    name = forms.CharField(
        label="Name of the benefit",
        max_length=200,
        help_text="For example, Finding who is involved",
        error_messages={"required": "Enter a name for the benefit"},
    )
    kind = forms.ChoiceField(
        label="Kind of benefit",
        choices=BENEFIT_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of benefit"},
    )
    hours_per_month = _number("Hours saved a month per practitioner", required=False)
    share_saved = _number("Share of that time saved, 0 to 1", largest=Decimal(1), required=False)
    hourly_cost = _number("Hourly cost of a practitioner, £", required=False)
    cases_per_year = _number("Cases a year", required=False)
    share_averted = _number("Share averted, 0 to 1", largest=Decimal(1), required=False)
    cost_per_case = _number("Cost avoided per case, £", required=False)
    amount_a_year = _number("Amount a year, £", required=False)
    cashable = forms.ChoiceField(
        label="Is it cashable?",
        choices=[("yes", "Yes, money that can be taken out of a budget"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the benefit is cashable"},
    )

    def __init__(self, *args: Any, years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for t in range(1, years + 1):
            self.fields[f"ramp_{t}"] = _number(f"Year {t}", largest=Decimal(1))
            self.fields[f"ramp_{t}"].error_messages["required"] = (
                f"Enter the share of the full benefit in year {t}, 0 to 1"
            )

    def clean(self) -> dict[str, Any]:
        got = super().clean() or {}
        for name in BENEFIT_FIELDS.get(str(got.get("kind")), ()):
            if got.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the {str(self.fields[name].label).lower()}")
        self.clean_sharing()
        return got

    def as_benefit(self) -> dict[str, Any]:
        got = self.cleaned_data
        kind = got["kind"]
        benefit: dict[str, Any] = {"name": got["name"].strip(), "kind": kind}
        benefit["cashable"] = got["cashable"] == "yes"
        for name in BENEFIT_FIELDS[kind]:
            key = "amount" if name == "amount_a_year" else name
            benefit[key] = json_number(got[name])
        benefit["ramp"] = [json_number(got[f"ramp_{t}"]) for t in range(1, self.years + 1)]
        benefit["shared"] = self.sharing()
        return benefit

    @staticmethod
    def initial_from(benefit: dict[str, Any]) -> dict[str, Any]:
        initial = {k: benefit.get(k) for k in ("name", "kind") + BENEFIT_FIELDS["time"]}
        initial |= {k: benefit.get(k) for k in BENEFIT_FIELDS["avoided_cost"]}
        initial["amount_a_year"] = benefit.get("amount")
        if isinstance(benefit.get("cashable"), bool):
            initial["cashable"] = "yes" if benefit["cashable"] else "no"
        for t, share in enumerate(benefit.get("ramp") or [], start=1):
            initial[f"ramp_{t}"] = share
        return initial | SharingForm.sharing_initial(benefit.get("shared"))


class SaveVersionForm(forms.Form):
    note = forms.CharField(
        label="Note for this version (optional)",
        max_length=200,
        required=False,
        help_text="What changed, for example Costs agreed at the March board",
    )


class NewModelForm(forms.Form):
    name = forms.CharField(
        label="Name of the model",
        max_length=200,
        help_text="For example, Finding who is involved in Northshire",
        error_messages={"required": "Enter a name for the model"},
    )
    partnership = forms.CharField(
        label="Partnership",
        max_length=200,
        help_text="For example, Northshire Children's Trust",
        error_messages={"required": "Enter the partnership"},
    )
    years = SettingsForm.base_fields["years"]


class _ModelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"A new version of {obj}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a model (JSON or XLSX)",
        error_messages={
            "required": "Choose a JSON or XLSX file of a model",
            "empty": "The file you chose is empty",
        },
    )
    into = _ModelChoice(
        label="Import it as",
        queryset=BenefitsModel.objects.all(),
        required=False,
        empty_label="A new model",
        error_messages={"invalid_choice": "Choose a model from the list"},
    )
    name = forms.CharField(label="Name of the new model", max_length=200, required=False)
    partnership = forms.CharField(label="Partnership", max_length=200, required=False)
    note = forms.CharField(label="Note for the version (optional)", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        got = super().clean() or {}
        if not got.get("into") and "into" not in self.errors:
            if not (got.get("name") or "").strip():
                self.add_error("name", "Enter a name for the new model")
            if not (got.get("partnership") or "").strip():
                self.add_error("partnership", "Enter the new model's partnership")
        return got
