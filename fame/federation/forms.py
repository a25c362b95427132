"""The form a practitioner fills in to ask an agency for more information."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import DataCategory, Purpose


class DetailRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Why do you need more information?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need more information"},
    )
    categories = forms.MultipleChoiceField(
        label="What do you need?",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what information you need"},
    )
    note = forms.CharField(
        label="What do you need to know, and why? (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
    )
    consent_reference = forms.CharField(
        label="Consent reference (if the family has agreed)", max_length=100, required=False
    )
    override_reason = forms.CharField(
        label="If there is no consent: why you must ask without it", max_length=500, required=False
    )
    override_authoriser = forms.CharField(
        label="Who authorised asking without consent", max_length=120, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = data.get("override_reason", "").strip()
        if reason and not data.get("override_authoriser", "").strip():
            self.add_error("override_authoriser", "Enter who authorised asking without consent")
        if data.get("override_authoriser", "").strip() and not reason:
            self.add_error("override_reason", "Enter why you must ask without consent")
        return data
