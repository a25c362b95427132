"""Forms for the sharing registers: protocols (ISA officers) and consents (practitioners)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from fame.accounts.models import Organisation
from fame.web.forms import DatePartsField

from ._vocabulary import (
    ALL_ORGANISATIONS,
    ConsentDecision,
    DataCategory,
    Grantor,
    Purpose,
    RecordedHow,
)


def _organisation_choices() -> list[tuple[str, str]]:
    return [(o.agency_id, o.name) for o in Organisation.objects.order_by("name")]


class _RegisterForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label="Purposes",
        choices=[(p.value, p.label.capitalize()) for p in Purpose],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one purpose"},
    )
    data_categories = forms.MultipleChoiceField(
        label="Information covered",
        choices=[(c.value, c.label.capitalize()) for c in DataCategory],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the information it covers"},
    )
    in_force_from = DatePartsField(label_text="The start date", past_only=False)
    in_force_to = DatePartsField(label_text="The end date", past_only=False, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["in_force_from"].label = "In force from"
        self.fields["in_force_from"].error_messages["required"] = "Enter the date it starts"
        self.fields["in_force_to"].label = "In force until (leave blank if open-ended)"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("in_force_from"), data.get("in_force_to")
        if start and end and end < start:
            self.add_error("in_force_to", "The end date must be the same as or after the start")
        return data


class ProtocolForm(_RegisterForm):
    reference = forms.SlugField(
        label="Reference",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, for example northmoor-early-help",
        error_messages={
            "required": "Enter a reference",
            "invalid": "Use lower-case letters, digits and hyphens",
        },
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=[("regional", "Regional protocol"), ("team", "Team-to-team protocol")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the scope"},
    )
    parties = forms.MultipleChoiceField(
        label="Organisations that are party to it",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least two organisations"},
    )
    lawful_basis = forms.CharField(
        label="Lawful basis",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter the lawful basis for sharing"},
    )
    field_order = [
        "reference",
        "title",
        "scope",
        "parties",
        "purposes",
        "data_categories",
        "lawful_basis",
        "in_force_from",
        "in_force_to",
    ]

    def __init__(self, *args: Any, new_version_of: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["parties"]).choices = _organisation_choices()
        if new_version_of:
            for name in ("reference", "title", "scope"):
                self.fields[name].required = False
                self.fields[name].disabled = True

    def clean_parties(self) -> list[str]:
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise forms.ValidationError("Select at least two organisations")
        return parties


class ConsentForm(_RegisterForm):
    grantor = forms.ChoiceField(
        label="Who gave or refused consent?",
        choices=Grantor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave or refused consent"},
    )
    decision = forms.ChoiceField(
        label="What did they decide?",
        choices=[
            (ConsentDecision.PERMIT, "They agree to sharing"),
            (ConsentDecision.DENY, "They refuse sharing"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what they decided"},
    )
    which_organisations = forms.ChoiceField(
        label="Which organisations does it apply to?",
        choices=[("all", "All organisations"), ("some", "Only some organisations")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select all organisations, or only some"},
    )
    organisations = forms.MultipleChoiceField(
        label="Select the organisations",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select organisations from the list"},
    )
    recorded_how = forms.ChoiceField(
        label="How was it given?",
        choices=RecordedHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )
    field_order = [
        "grantor",
        "decision",
        "which_organisations",
        "organisations",
        "purposes",
        "data_categories",
        "in_force_from",
        "in_force_to",
        "recorded_how",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.MultipleChoiceField, self.fields["organisations"]
        ).choices = _organisation_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("which_organisations") == "all":
            data["organisations"] = [ALL_ORGANISATIONS]
        elif data.get("which_organisations") == "some" and not data.get("organisations"):
            self.add_error("organisations", "Select the organisations it applies to")
        return data

    def consent(self) -> dict[str, Any]:
        """The consent decision as ``record_consent`` takes it (once the form is valid)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "which_organisations"}
