"""The form a practitioner fills in to ask an agency for more information."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms

from fame.accounts.models import User
from fame.sharing import Consent

from .models import DataCategory, Purpose

NO_CONSENT = "none"
"""The consent choice that says the request relies on no recorded consent."""

OVERRIDE_FIELDS = ("override_reason", "override_authoriser", "override_code")
"""The safeguarding override: revealed under Safeguarding, and only counted for it."""


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
    consent = forms.ChoiceField(
        label="Which consent does this request rely on?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Select a consent in force for this child, or No consent recorded"
        },
    )
    family_told = forms.TypedChoiceField(
        label="Has the family been told you are asking for this information?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family has been told"},
    )
    family_not_told_reason = forms.CharField(
        label="Why has the family not been told?", max_length=1000, required=False
    )
    override_reason = forms.CharField(
        label="If there is no consent: why you must ask without it", max_length=500, required=False
    )
    override_authoriser = forms.CharField(
        label="Username of the manager or information-sharing officer who authorised it",
        max_length=150,
        required=False,
    )
    override_code = forms.CharField(
        label="Their security code",
        max_length=6,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        consents: Sequence[Consent] = (),
        names: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``consents``: the child's agreements in force, offered by name; ``names``: agency
        ID to organisation name, to name them in words."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["consent"]).choices = [
            *((str(c.pk), c.in_words(names or {})) for c in consents),
            (NO_CONSENT, "No consent recorded"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("family_told") is False and not data.get("family_not_told_reason", "").strip():
            self.add_error("family_not_told_reason", "Enter why the family has not been told")
        if data.get("family_told") is not False:
            data["family_not_told_reason"] = ""
        chosen = data.get("consent") or NO_CONSENT
        data["consent_reference"] = "" if chosen == NO_CONSENT else chosen
        if data.get("purpose") != Purpose.SAFEGUARDING:
            # Revealed under Safeguarding only: what was typed there counts only for it.
            for name in OVERRIDE_FIELDS:
                data[name] = ""
        reason = data.get("override_reason", "").strip()
        authoriser = data.get("override_authoriser", "").strip()
        code = data.get("override_code", "").strip()
        if reason or authoriser or code:
            if not reason:
                self.add_error("override_reason", "Enter why you must ask without consent")
            if not authoriser:
                self.add_error(
                    "override_authoriser", "Enter the username of the person who authorised it"
                )
            elif not User.objects.filter(username=authoriser, is_active=True).exists():
                self.add_error("override_authoriser", "There is no active user with that username")
            if not (len(code) == 6 and code.isdigit()):
                self.add_error(
                    "override_code",
                    "Enter the 6-digit security code from the authoriser's authenticator app",
                )
        return data
