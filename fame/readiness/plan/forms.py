"""Forms for the plan: a partnership's own action, and changing an action in the plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from fame.web.forms import DatePartsField

from ..framework import TERM_NAMES, framework
from ..models import PlanAction
from .actions import ActionDetails


class _ActionForm(forms.Form):
    text = forms.CharField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what the partnership will do",
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    term = forms.ChoiceField(
        label="Term",
        choices=list(TERM_NAMES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the term", "invalid_choice": "Select the term"},
    )
    owner = forms.CharField(
        label="Owner (optional)",
        max_length=200,
        required=False,
        help_text="The person or team who will see it done",
        error_messages={"max_length": "The owner must be 200 characters or fewer"},
    )
    due_on = DatePartsField(label_text="The due date", past_only=False, required=False)

    keeps_past_date: date | None = None
    """A due date already recorded, which may stay even once it has passed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].label = "Due date (optional)"

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter what the partnership will do")
        return text

    def clean_due_on(self) -> date | None:
        due = self.cleaned_data.get("due_on")
        if due is not None and due < timezone.localdate() and due != self.keeps_past_date:
            raise forms.ValidationError("The due date must be today or in the future")
        return due

    def details(self) -> ActionDetails:
        data = self.cleaned_data
        return ActionDetails(
            text=data["text"],
            term=data["term"],
            owner=data["owner"].strip(),
            due_on=data["due_on"],
        )


class AddActionForm(_ActionForm):
    block = forms.ChoiceField(
        label="Building block",
        error_messages={
            "required": "Select the building block",
            "invalid_choice": "Select the building block",
        },
    )
    dimension = forms.ChoiceField(
        label="Dimension",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the dimension",
            "invalid_choice": "Select the dimension",
        },
    )
    field_order = ["block", "dimension", "text", "term", "owner", "due_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fw = framework()
        self.fields["block"].choices = [("", "Select a building block")] + [  # type: ignore[attr-defined]
            (b.key, b.name) for b in fw.blocks
        ]
        self.fields["dimension"].choices = [(d.key, d.name) for d in fw.dimensions]  # type: ignore[attr-defined]


class EditActionForm(_ActionForm):
    status = forms.ChoiceField(
        label="Progress",
        choices=PlanAction.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the progress", "invalid_choice": "Select the progress"},
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    field_order = ["text", "term", "owner", "due_on", "status"]

    def __init__(self, *args: Any, action: PlanAction, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "text": action.text,
                "term": action.term,
                "owner": action.owner,
                "due_on": action.due_on,
                "status": action.status,
                "seen": action.updated_at.isoformat(),
            },
        )
        super().__init__(*args, **kwargs)
        self.keeps_past_date = action.due_on

    def clean_seen(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.cleaned_data.get("seen") or "")
        except ValueError:
            return None
