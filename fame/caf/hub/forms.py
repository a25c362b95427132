"""Forms built from the CAF structure: the pre-assessment checklist and each task list section.

"Save and continue" asks for every required answer; "Save as draft" keeps
what was typed (checking only that it is well formed), to finish later.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from fame.accounts.models import Organisation
from fame.caf.structure import CHECKLIST, Kind, Question, Section, is_complete
from fame.web.forms import DatePartsField

TEXT_MAX, LONG_TEXT_MAX = 200, 5000


def _field(question: Question) -> forms.Field:
    messages = {"required": question.missing_message}
    field: forms.Field
    if question.kind == Kind.TEXT:
        field = forms.CharField(max_length=TEXT_MAX, error_messages=messages)
        field.error_messages["max_length"] = (
            f"{question.label} must be {TEXT_MAX} characters or fewer"
        )
    elif question.kind == Kind.LONG_TEXT:
        field = forms.CharField(
            max_length=LONG_TEXT_MAX, widget=forms.Textarea, error_messages=messages
        )
        field.error_messages["max_length"] = (
            f"{question.label} must be {LONG_TEXT_MAX} characters or fewer"
        )
    elif question.kind == Kind.DATE:
        field = DatePartsField(
            label_text=question.label,
            past_only=not question.future_allowed,
            error_messages=messages,
        )
    elif question.kind == Kind.CHOICE:
        field = forms.ChoiceField(
            choices=question.choices, widget=forms.RadioSelect, error_messages=messages
        )
    elif question.kind == Kind.LIST:
        field = forms.ChoiceField(
            choices=[("", "Select one"), *question.choices], error_messages=messages
        )
    else:
        field = forms.MultipleChoiceField(
            choices=[(o.agency_id, o.name) for o in Organisation.objects.order_by("name")],
            widget=forms.CheckboxSelectMultiple,
            error_messages=messages,
        )
    field.error_messages["invalid_choice"] = "Select one of the choices given"
    field.label = question.label
    field.help_text = question.hint
    field.required = False
    return field


def initial_from(section: Section, content: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as a form's initial values (dates back to dates)."""
    initial: dict[str, Any] = {}
    for question in section.questions:
        value = content.get(question.key)
        if question.kind == Kind.DATE and isinstance(value, str) and value:
            try:
                initial[question.key] = date.fromisoformat(value)
            except ValueError:
                continue
        elif value:
            initial[question.key] = value
    return initial


class SectionForm(forms.Form):
    """One section's questions; ``finishing`` (Save and continue) requires the required answers."""

    def __init__(self, section: Section, *args: Any, finishing: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.section = section
        self.finishing = finishing
        for question in section.questions:
            field = _field(question)
            field.required = finishing and question.required
            self.fields[question.key] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.finishing:
            return data
        section = self.section
        errored = any(k in self.errors for k in section.needs_one_of)
        if (
            section.needs_one_of
            and not errored
            and not any(data.get(k) for k in section.needs_one_of)
        ):
            first, *_ = section.needs_one_of
            labels = [section.question(k).label.lower() for k in section.needs_one_of]
            self.add_error(first, f"Enter the {' or the '.join(labels)}")
        if section.key == "consent":
            if data.get("storage") == "no":
                self.add_error(
                    "storage",
                    "A CAF is kept only if the family agrees: if they do not, do not complete it",
                )
            if data.get("sharing") == "yes" and not data.get("share_with"):
                self.add_error("share_with", "Select the organisations the family agreed to")
        if section.key == "checklist" and data.get("family_agrees") == "no":
            self.add_error(
                "family_agrees",
                "A CAF needs the family's agreement: talk with them before you start",
            )
        return data

    def content(self) -> dict[str, Any]:
        """The answers as the node stores them: text, dates as YYYY-MM-DD, lists of agency IDs."""
        content: dict[str, Any] = {}
        for question in self.section.questions:
            value = self.cleaned_data.get(question.key)
            if isinstance(value, date):
                content[question.key] = value.isoformat()
            elif question.kind == Kind.ORGANISATIONS:
                content[question.key] = list(value or [])
            else:
                content[question.key] = (value or "").strip()
        return content

    def complete(self) -> bool:
        return self.finishing and is_complete(self.section.key, self.content())


def checklist_form(data: Any = None) -> SectionForm:
    return SectionForm(CHECKLIST, data, finishing=True)


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label="What changed at this review (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "What changed must be 2000 characters or fewer"},
    )


def _version_choice(label: str, missing: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        error_messages={"required": missing, "invalid_choice": "Select a version from the list"},
    )


class CompareForm(forms.Form):
    """Which two versions to compare: by default the last two."""

    a = _version_choice("Compare", "Select the version to compare")
    b = _version_choice("with", "Select the version to compare it with")

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        if numbers:
            kwargs.setdefault("initial", {"a": numbers[-2:][0], "b": numbers[-1]})
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]
