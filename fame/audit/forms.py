"""Forms of the auditors' pages: filters (sent as GET) and finding a child (POST)."""

from __future__ import annotations

from typing import Any

from django import forms

from fame.audit.models import Outcome
from fame.audit.queries import EventFilter, Exceptions
from fame.web.forms import DatePartsField


class PeriodForm(forms.Form):
    """From and to: whole days, both optional, the first not after the second."""

    since = DatePartsField(label_text="The from date", required=False)
    until = DatePartsField(label_text="The to date", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["since"].label = "From"
        self.fields["until"].label = "To"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The to date must be the same as or after the from date")
        return data


class LogFilterForm(PeriodForm):
    username = forms.CharField(label="Who (username)", max_length=150, required=False)
    action = forms.CharField(
        label="What (action)",
        max_length=100,
        required=False,
        help_text="An action, or the start of one: index, or index.record_opened",
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Any outcome"), *Outcome.choices], required=False
    )
    target = forms.CharField(
        label="Target",
        max_length=200,
        required=False,
        help_text="A target, or the start of one: user:, node:police",
    )
    organisation = forms.CharField(label="Organisation (agency ID)", max_length=40, required=False)

    @staticmethod
    def chosen_from(data: dict[str, Any]) -> EventFilter:
        return EventFilter(
            username=data["username"].strip(),
            action=data["action"].strip(),
            outcome=data["outcome"],
            target=data["target"].strip(),
            organisation=data["organisation"].strip(),
            since=data.get("since"),
            until=data.get("until"),
        )


class PersonFilterForm(PeriodForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter the username of the person whose actions you want"},
    )


class ExceptionsFilterForm(PeriodForm):
    kind = forms.ChoiceField(
        label="Show", choices=Exceptions.CHOICES, required=False, widget=forms.RadioSelect
    )


class FindChildForm(forms.Form):
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the child's family name"},
    )
    given_name = forms.CharField(label="Given name (optional)", max_length=100, required=False)
    date_of_birth = DatePartsField(
        label_text="Date of birth",
        error_messages={"required": "Enter the child's date of birth"},
    )
    reason = forms.CharField(
        label="Complaint or investigation reference",
        max_length=200,
        help_text="Why you are looking: it is recorded with your search",
        error_messages={"required": "Enter the complaint or investigation reference"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].label = "Date of birth"
