"""Forms for the Team Around the Child and closure: GOV.UK fields, checked here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from fame.caf.vocabulary import Attendance
from fame.web.forms import DatePartsField
from fame.web.jinja import long_date

from .directory_pick import PickedService, find_service

ATTENDANCE = [(a.value, a.label) for a in Attendance if a != Attendance.INVITED]


class MeetingForm(forms.Form):
    held_on = DatePartsField(
        label="Date of the meeting",
        label_text="Date of the meeting",
        past_only=False,
        error_messages={"required": "Enter the date of the meeting"},
    )
    invitees = forms.MultipleChoiceField(
        label="Who to invite",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the practitioners to invite"},
    )

    def __init__(self, *args: Any, invitees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = invitees  # type: ignore[attr-defined]


class RecordMeetingForm(forms.Form):
    """Attendance per invitee, the Lead Professional agreed with the family, the next review.

    Only once the meeting has taken place (on or after ``held_on``); a meeting already
    recorded starts from what was recorded, to correct it.
    """

    lead_professional = forms.ChoiceField(
        label="Lead Professional agreed with the family",
        error_messages={"required": "Select the Lead Professional agreed with the family"},
    )
    next_review_on = DatePartsField(
        label="Next review date",
        label_text="Next review date",
        past_only=False,
        error_messages={"required": "Enter the next review date"},
    )

    def __init__(
        self,
        *args: Any,
        invitations: list[dict[str, Any]],
        leads: list[tuple[str, str]],
        held_on: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        self.held_on = held_on
        for i in invitations:
            self.fields[f"attendance_{i['id']}"] = forms.ChoiceField(
                label=f"{i['name']}, {i['organisation_name']}",
                choices=ATTENDANCE,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select whether {i['name']} attended",
                    "invalid_choice": "Select one of the choices given",
                },
            )
        self.fields["lead_professional"].choices = [("", "Select one"), *leads]  # type: ignore[attr-defined]

    @classmethod
    def recorded(cls, meeting: dict[str, Any]) -> dict[str, Any]:
        """The initial answers of a meeting already recorded: what was recorded."""
        initial: dict[str, Any] = {
            f"attendance_{i['id']}": i["attendance"]
            for i in meeting["invitations"]
            if i["attendance"] != Attendance.INVITED
        }
        initial["lead_professional"] = meeting.get("lead_professional", "")
        if meeting.get("next_review_on"):
            initial["next_review_on"] = date.fromisoformat(meeting["next_review_on"])
        return initial

    @property
    def taken_place(self) -> bool:
        return self.held_on <= timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.taken_place:
            raise forms.ValidationError(
                "You cannot record a meeting that has not taken place yet: this meeting is on "
                f"{long_date(self.held_on)}"
            )
        return data

    def attendance(self) -> dict[str, str]:
        return {str(i["id"]): self.cleaned_data[f"attendance_{i['id']}"] for i in self.invitations}


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs to be done",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what needs to be done"},
    )
    owner = forms.CharField(
        label="Who will do it",
        max_length=200,
        error_messages={"required": "Enter who will do it"},
    )
    due_on = DatePartsField(
        label="Due by",
        label_text="Due date",
        past_only=False,
        error_messages={"required": "Enter the date it is due by"},
    )
    service = forms.CharField(label="Service from the directory", required=False, max_length=64)

    def clean_service(self) -> PickedService | None:
        """The directory's service the action names, looked up again (never the form's word)."""
        chosen = self.cleaned_data.get("service", "")
        if not chosen:
            return None
        found = find_service(chosen)
        if found is None:
            raise forms.ValidationError("That service is not in the directory: search again")
        return found

    def service_fields(self) -> dict[str, str]:
        """The service as the node keeps it with the action ("" for none)."""
        picked = self.cleaned_data.get("service")
        if picked is None:
            return {}
        return {"service_id": picked.id, "service_name": picked.name}


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the CAF closing?",
        choices=[
            ("needs_met", "The child's needs are met"),
            ("stepped_up", "Step up to a social care referral (child in need)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the CAF is closing"},
    )
    referred_to = forms.ChoiceField(
        label="Social care organisation",
        required=False,
        error_messages={"invalid_choice": "Select one of the choices given"},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, social_care: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].choices = [("", "Select one"), *social_care]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "stepped_up" and not data.get("referred_to"):
            self.add_error("referred_to", "Select the social care organisation to refer to")
        return data
