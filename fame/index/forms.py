"""Forms of the Child Index pages."""

from __future__ import annotations

from typing import Any

from django import forms

from fame.records import normalise_postcode
from fame.web.forms import DatePartsField

PURPOSES = [
    ("service_coordination", "Co-ordinating services: I work with this child or am about to"),
    ("early_help", "Early help, including a Common Assessment Framework assessment or review"),
    ("safeguarding", "Safeguarding: I am concerned for this child's safety"),
    ("education_welfare", "Education welfare"),
    ("health_care", "Health care"),
]


class SearchForm(forms.Form):
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the child's family name"},
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    date_of_birth = DatePartsField(label_text="Date of birth", required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].label = "Date of birth"

    def clean_postcode(self) -> str:
        text = self.cleaned_data["postcode"].strip()
        if not text:
            return ""
        try:
            return normalise_postcode(text)
        except ValueError:
            raise forms.ValidationError("Enter a real postcode, like AB1 2CD") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_minimum = data.get("date_of_birth") or (data.get("given_name") and data.get("postcode"))
        if "family_name" in data and "date_of_birth" not in self.errors and not has_minimum:
            self.add_error(
                "date_of_birth",
                "Enter the child's date of birth, or their given name and postcode",
            )
        return data


class OpenRecordForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Why do you need to see this record?",
        choices=PURPOSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need to see this record"},
    )
    detail = forms.CharField(
        label="Tell us more (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea,
    )


class InvolvementForm(forms.Form):
    service = forms.CharField(
        label="Service", max_length=120, error_messages={"required": "Enter the service"}
    )
    role = forms.CharField(
        label="Your role with the child",
        max_length=120,
        error_messages={"required": "Enter your role"},
    )
    started_on = DatePartsField(label_text="Date you started", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].label = "Date you started working with the child"
        self.fields["started_on"].error_messages["required"] = "Enter the date you started"


class SplitForm(forms.Form):
    reason = forms.CharField(
        label="Why are these not the same child?",
        max_length=200,
        error_messages={"required": "Say why the records are not the same child"},
    )
