"""The workshop's form: the score the partnership agreed for a statement, and why."""

from __future__ import annotations

from django import forms

from ..framework import framework


def _score_choices() -> list[tuple[str, str]]:
    return [(str(level.score), f"{level.score}: {level.name}") for level in framework().levels]


class AgreementForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Agreed score",
        coerce=int,
        choices=_score_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the score the workshop agreed",
            "invalid_choice": "Select a score from 0 to 4",
        },
    )
    reason = forms.CharField(
        label="Why the workshop agreed this score",
        max_length=2000,
        strip=True,
        error_messages={
            "required": "Enter why the workshop agreed this score",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )
