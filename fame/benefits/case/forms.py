"""The business case's forms: a section's text, and the readiness round to draw in."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from fame.readiness.models import Round

from .sections import MAX_LENGTH


class SectionForm(forms.Form):
    text = forms.CharField(
        label="Your text",
        required=False,
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"max_length": f"The section must be {MAX_LENGTH:,} characters or fewer"},
    )

    def clean_text(self) -> str:
        """The text with browsers' CRLF line endings kept as plain newlines."""
        return str(self.cleaned_data["text"]).replace("\r\n", "\n")


class RoundForm(forms.Form):
    round = forms.TypedChoiceField(
        label="Readiness round to draw in",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a readiness round from the list"},
    )

    def __init__(self, *args: Any, rounds: QuerySet[Round], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["round"])
        field.choices = [("", "None: leave the readiness summary out")] + [
            (r.pk, f"{r.title} ({r.partnership})") for r in rounds.order_by("-opened_at", "-id")
        ]
