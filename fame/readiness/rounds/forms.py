"""The forms of setting up a round and answering it; each says what is wrong in plain words."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q

from fame.accounts.models import User
from fame.web.forms import DatePartsField

from ..bank import Bank, Statement, shipped_banks
from ..models import Answer, BankVersion, EvidenceDocument, Lead, Partner, Round
from .answering import GivenAnswer
from .uploads import UploadRefused, checked_upload

DONT_KNOW = "dont_know"
SCORE_CHOICES = [(str(score), str(score)) for score in range(5)] + [(DONT_KNOW, "Don't know")]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def bank_choices() -> list[tuple[str, str]]:
    """The banks a round may use: every version already kept, then each shipped bank whose
    text is not kept yet (``v<id>`` or ``s<key>``)."""
    kept = list(BankVersion.objects.all())
    digests = {v.digest for v in kept}
    choices = [(f"v{v.pk}", f"{v.title}, version {v.version}") for v in kept]
    choices += [
        (f"s{key}", f"{bank.title}, version {bank.version}")
        for key, bank in shipped_banks().items()
        if bank.digest not in digests
    ]
    return choices


class OpenRoundForm(forms.Form):
    partnership = forms.CharField(
        label="Partnership",
        max_length=200,
        help_text="The partnership assessed, for example Northshire Children's Trust",
        error_messages={"required": "Enter the partnership assessed"},
    )
    title = forms.CharField(
        label="Title of the round",
        max_length=200,
        help_text="For example, Autumn 2026",
        error_messages={"required": "Enter a title for the round"},
    )
    bank = forms.ChoiceField(
        label="Statement bank",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the statement bank",
            "invalid_choice": "Select one of the statement banks listed",
        },
    )
    closes_on = DatePartsField(
        label="Closes on (optional)", label_text="The closing date", past_only=False, required=False
    )
    partners = forms.CharField(
        label="Partners",
        widget=forms.Textarea,
        help_text="One organisation a line; at least 2",
        error_messages={"required": "Enter the partners, one a line"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "bank", bank_choices())

    def clean_closes_on(self) -> date | None:
        closes_on: date | None = self.cleaned_data.get("closes_on")
        if closes_on is not None and closes_on < date.today():
            raise forms.ValidationError("The closing date must be today or in the future")
        return closes_on

    def clean_partners(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["partners"].splitlines()]
        names = [name for name in names if name]
        seen: dict[str, str] = {}
        for name in names:
            if len(name) > 200:
                raise forms.ValidationError(f"{name[:40]}… is too long: 200 characters at most")
            if name.casefold() in seen:
                first = seen[name.casefold()]
                raise forms.ValidationError(f"{first} is given twice: name each partner once")
            seen[name.casefold()] = name
        if len(names) < 2:
            raise forms.ValidationError("Enter at least 2 partners, one a line")
        return names

    def chosen_bank(self) -> Bank | BankVersion:
        """The kept version chosen, or the shipped bank to keep."""
        value: str = self.cleaned_data["bank"]
        if value.startswith("v"):
            return BankVersion.objects.get(pk=int(value[1:]))
        return shipped_banks()[value[1:]]


class InviteForm(forms.Form):
    person = forms.CharField(
        label="Username or email address",
        max_length=254,
        error_messages={"required": "Enter the username or email address of the person"},
    )
    partner = forms.ChoiceField(
        label="Answering for",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the partner they answer for",
            "invalid_choice": "Select one of the round's partners",
        },
    )
    lead = forms.ChoiceField(
        label="As",
        choices=Lead.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the lead they answer as",
            "invalid_choice": "Select one of the leads listed",
        },
    )

    def __init__(self, round_: Round, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        _choices(self, "partner", [(str(p.pk), p.name) for p in round_.partners.all()])

    def clean_person(self) -> User:
        given = self.cleaned_data["person"].strip()
        found = User.objects.filter(
            Q(username__iexact=given) | Q(email__iexact=given) | Q(secure_email__iexact=given)
        ).first()
        if found is None:
            raise forms.ValidationError(f"There is no one with the username or email {given}")
        if not found.is_active:
            raise forms.ValidationError(f"{given}'s account is switched off: they cannot answer")
        if self.round.respondents.filter(user=found).exists():
            raise forms.ValidationError(f"{given} is already invited to this round")
        return found

    def chosen_partner(self) -> Partner:
        return self.round.partners.get(pk=int(self.cleaned_data["partner"]))


class PartnersForm(forms.Form):
    comparing = forms.MultipleChoiceField(
        label="Partners that agree to compare",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the round's partners"},
    )

    def __init__(self, round_: Round, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = list(round_.partners.all())
        _choices(self, "comparing", [(str(p.pk), p.name) for p in partners])
        self.fields["comparing"].initial = [str(p.pk) for p in partners if p.agrees_to_compare]


class CloseRoundForm(forms.Form):
    """Closing needs only the button (and the CSRF token)."""


class BlockForm(forms.Form):
    """One building block's statements: a score or "don't know", evidence, documents.

    Every field is optional (the person may save and come back), but a score above 0 needs
    evidence: text, a link or a document. Field names start with the statement's id.
    """

    def __init__(
        self,
        statements: list[Statement],
        answers: dict[str, Answer],
        documents: dict[str, list[EvidenceDocument]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        for sid, answer in answers.items():
            initial[f"{sid}-score"] = (
                DONT_KNOW if answer.dont_know else "" if answer.score is None else str(answer.score)
            )
            initial[f"{sid}-evidence_text"] = answer.evidence_text
            initial[f"{sid}-evidence_link"] = answer.evidence_link
            initial[f"{sid}-attach_fact"] = bool(answer.fact)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.documents = documents
        for s in statements:
            self.fields[f"{s.id}-score"] = forms.ChoiceField(
                label=s.text,
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose a score from 0 to 4 for {s.id}, or Don't know"
                },
            )
            self.fields[f"{s.id}-evidence_text"] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=4000,
                widget=forms.Textarea,
                error_messages={
                    "max_length": f"The evidence for {s.id} must be 4,000 characters or fewer"
                },
            )
            self.fields[f"{s.id}-evidence_link"] = forms.URLField(
                label="Link to evidence (optional)",
                required=False,
                max_length=500,
                assume_scheme="https",
                error_messages={
                    "invalid": f"Enter the link for {s.id} as a web address, like https://example.org/report",
                    "max_length": f"The link for {s.id} must be 500 characters or fewer",
                },
            )
            self.fields[f"{s.id}-upload"] = forms.FileField(
                label="Upload a document (optional)", required=False
            )
            self.fields[f"{s.id}-remove"] = forms.MultipleChoiceField(
                label="Remove",
                required=False,
                choices=[(str(d.pk), d.name) for d in documents.get(s.id, [])],
                widget=forms.CheckboxSelectMultiple,
            )
            if s.facts:
                self.fields[f"{s.id}-attach_fact"] = forms.BooleanField(
                    label="Attach this fact to my evidence", required=False
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for s in self.statements:
            upload: UploadedFile | None = data.get(f"{s.id}-upload")
            if upload is not None:
                try:
                    checked_upload(upload)
                except UploadRefused as refused:
                    self.add_error(f"{s.id}-upload", f"{s.id}: {refused}")
                    continue
            score = data.get(f"{s.id}-score", "")
            if score in ("", DONT_KNOW, "0") or f"{s.id}-score" in self.errors:
                continue
            removed = set(data.get(f"{s.id}-remove") or [])
            kept_documents = [d for d in self.documents.get(s.id, []) if str(d.pk) not in removed]
            has_evidence = (
                (data.get(f"{s.id}-evidence_text") or "").strip()
                or data.get(f"{s.id}-evidence_link")
                or kept_documents
                or upload is not None
            )
            if not has_evidence and f"{s.id}-evidence_link" not in self.errors:
                self.add_error(
                    f"{s.id}-evidence_text",
                    f"{s.id} is scored {score}: give evidence for it (write it, link to it "
                    "or upload a document), or choose 0 or Don't know",
                )
        if self.errors and any(self.files.values()):
            self.add_error(None, "Nothing was saved: choose any files to upload again")
        return data

    def given(self) -> list[GivenAnswer]:
        """What the person gave for each statement: score or don't know, evidence, files."""
        data = self.cleaned_data or {}
        found = []
        for s in self.statements:
            score = data.get(f"{s.id}-score") or ""
            found.append(
                GivenAnswer(
                    statement_id=s.id,
                    score=int(score) if score not in ("", DONT_KNOW) else None,
                    dont_know=score == DONT_KNOW,
                    evidence_text=(data.get(f"{s.id}-evidence_text") or "").strip(),
                    evidence_link=data.get(f"{s.id}-evidence_link") or "",
                    upload=data.get(f"{s.id}-upload"),
                    remove=tuple(int(pk) for pk in data.get(f"{s.id}-remove") or []),
                    attach_fact=bool(data.get(f"{s.id}-attach_fact")),
                )
            )
        return found
