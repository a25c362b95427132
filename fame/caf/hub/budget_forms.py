"""Forms for a CAF's budget: amounts in pounds as people type them, kept in pence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fame.web.forms import DatePartsField

MOST = Decimal("10000000")
"""No CAF's budget line reaches ten million pounds: a larger figure is a typing slip."""


class MoneyField(forms.DecimalField):
    """An amount in pounds, typed as ``250``, ``250.50``, ``£1,250`` or ``1,250.00``;
    cleaned to whole pence (an ``int``)."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        super().__init__(
            max_digits=10,
            decimal_places=2,
            min_value=Decimal("0"),
            max_value=MOST,
            error_messages={
                "required": f"Enter {what}",
                "invalid": f"{what.capitalize()} must be an amount in pounds, like 250 or 250.50",
                "max_decimal_places": f"{what.capitalize()} must be in pounds and pence, "
                "with no more than 2 numbers after the point",
                "max_digits": f"{what.capitalize()} must be less than £10,000,000",
                "max_whole_digits": f"{what.capitalize()} must be less than £10,000,000",
                "min_value": f"{what.capitalize()} cannot be less than £0",
                "max_value": f"{what.capitalize()} must be less than £10,000,000",
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("£").strip()
        return super().to_python(value)

    def clean(self, value: Any) -> int | None:
        pounds = super().clean(value)
        return None if pounds is None else int(pounds * 100)


class AllocateForm(forms.Form):
    amount = MoneyField(what="the budget for this CAF", label="Budget for this CAF")
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea
    )


class CommissionForm(forms.Form):
    service = forms.CharField(
        label="Service",
        max_length=64,
        error_messages={"required": "Select the service to commission"},
    )
    amount = MoneyField(what="the amount to commit", label="Amount to commit")
    note = forms.CharField(
        label="What the service will do for the family (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError("The amount to commit must be more than £0")
        return int(amount)


class SpendForm(forms.Form):
    amount = MoneyField(what="the amount spent", label="Amount spent")
    spent_on = DatePartsField(
        label="Date spent",
        label_text="Date spent",
        error_messages={"required": "Enter the date the money was spent"},
    )
    note = forms.CharField(
        label="What it paid for (optional)", required=False, max_length=2000, widget=forms.Textarea
    )

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError("The amount spent must be more than £0")
        return int(amount)
