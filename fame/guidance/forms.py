"""The case study forms: contributing one, finding published ones, and moderating."""

from __future__ import annotations

from typing import Any

from django import forms

from . import queries
from .actions import Contribution


def _choices(kind: str) -> list[tuple[str, str]]:
    fw = queries.framework()
    parts = {"block": fw.blocks, "dimension": fw.dimensions, "barrier": fw.barriers}[kind]
    return [(part.key, part.name) for part in parts]


class ContributionForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Say in a few words what the partnership did.",
        error_messages={
            "max_length": "Title must be 200 characters or fewer",
            "required": "Enter a title",
        },
    )
    partnership = forms.CharField(
        label="Partnership",
        max_length=200,
        help_text="The partnership that did this, such as Northshire Children's Trust.",
        error_messages={
            "max_length": "Partnership must be 200 characters or fewer",
            "required": "Enter the partnership that did this",
        },
    )
    tried = forms.CharField(
        label="What did you try?",
        max_length=4000,
        widget=forms.Textarea,
        error_messages={
            "max_length": "What you tried must be 4,000 characters or fewer",
            "required": "Enter what you tried",
        },
    )
    barrier = forms.CharField(
        label="What barrier did you meet? (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The barrier must be 4,000 characters or fewer"},
    )
    worked = forms.CharField(
        label="What worked?",
        max_length=4000,
        widget=forms.Textarea,
        error_messages={
            "max_length": "What worked must be 4,000 characters or fewer",
            "required": "Enter what worked",
        },
    )
    cost = forms.CharField(
        label="What did it cost? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="Money, people's time, or both.",
        error_messages={"max_length": "What it cost must be 2,000 characters or fewer"},
    )
    blocks = forms.MultipleChoiceField(
        label="Which building blocks is it about?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one building block",
            "invalid_choice": "Select building blocks from the list",
        },
    )
    dimensions = forms.MultipleChoiceField(
        label="Which dimensions is it about? (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select dimensions from the list"},
    )
    barriers = forms.MultipleChoiceField(
        label="Which barriers did it help with? (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select barriers from the list"},
    )
    contact_name = forms.CharField(
        label="Contact name (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Contact name must be 200 characters or fewer"},
    )
    contact_email = forms.EmailField(
        label="Contact email address (optional)",
        max_length=254,
        required=False,
        error_messages={
            "max_length": "Contact email address must be 254 characters or fewer",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in (
            ("blocks", "block"),
            ("dimensions", "dimension"),
            ("barriers", "barrier"),
        ):
            self.fields[name].choices = _choices(kind)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact_email") and not data.get("contact_name"):
            self.add_error("contact_name", "Enter the name of the person to contact")
        return data

    def contribution(self) -> Contribution:
        data = self.cleaned_data
        return Contribution(
            title=data["title"].strip(),
            partnership=data["partnership"].strip(),
            tried=data["tried"].strip(),
            worked=data["worked"].strip(),
            barrier=data["barrier"].strip(),
            cost=data["cost"].strip(),
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"].strip(),
            blocks=tuple(data["blocks"]),
            dimensions=tuple(data["dimensions"]),
            barriers=tuple(data["barriers"]),
        )


class FindForm(forms.Form):
    """The public filters: a block, dimension and barrier, and words to look for."""

    block = forms.ChoiceField(
        label="Building block",
        required=False,
        error_messages={"invalid_choice": "Select a building block from the list"},
    )
    dimension = forms.ChoiceField(
        label="Dimension",
        required=False,
        error_messages={"invalid_choice": "Select a dimension from the list"},
    )
    barrier = forms.ChoiceField(
        label="Barrier",
        required=False,
        error_messages={"invalid_choice": "Select a barrier from the list"},
    )
    q = forms.CharField(
        label="Words to look for",
        max_length=100,
        required=False,
        error_messages={"max_length": "Words to look for must be 100 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, anything in (
            ("block", "Any building block"),
            ("dimension", "Any dimension"),
            ("barrier", "Any barrier"),
        ):
            self.fields[name].choices = [("", anything), *_choices(name)]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The filters that were given and are valid (a bad one is left out, and the form
        says what is wrong with it)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "block": data.get("block") or "",
            "dimension": data.get("dimension") or "",
            "barrier": data.get("barrier") or "",
            "text": (data.get("q") or "").strip(),
        }


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Should this case study be published?",
        choices=[("publish", "Yes, publish it"), ("reject", "No, do not publish it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to publish the case study"},
    )
    note = forms.CharField(
        label="Note",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="Why you decided this. You must give a reason if you do not publish it.",
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "Enter why the case study is not being published")
        return data

    @property
    def publish(self) -> bool:
        return bool(self.cleaned_data["decision"] == "publish")

    @property
    def note_text(self) -> str:
        return str(self.cleaned_data.get("note", "")).strip()
