"""The sharing registers: information-sharing protocols (every version kept) and consents.

Parties and consent organisations are lists of agency IDs, not links to
Organisation rows: a protocol version is a snapshot that never changes, and the
agency ID is the name the federation, the policies and scenario files use.
Actions check that each agency ID names a registered organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from fame.appendonly import AppendOnlyModel
from fame.web.jinja import long_date

from ._vocabulary import (
    ALL_ORGANISATIONS,
    DATA_CATEGORIES,
    PURPOSES,
    ConsentDecision,
    DataCategory,
    FamilyTold,
    Grantor,
    ProtocolScope,
    Purpose,
    RecordedHow,
    categories_in_words,
    in_words,
    purposes_in_words,
)


def _check_list(value: Any, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if not isinstance(value, list) or not value:
        raise ValidationError(f"Choose at least one {what}.")
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise ValidationError(
            f"{', '.join(map(str, unknown))} is not a {what} (one of {', '.join(allowed)})."
        )
    if len(set(value)) != len(value):
        raise ValidationError(f"Each {what} should appear once.")


def validate_purposes(value: Any) -> None:
    _check_list(value, PURPOSES, "purpose")


def validate_data_categories(value: Any) -> None:
    _check_list(value, DATA_CATEGORIES, "data category")


def validate_agency_ids(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Name at least one organisation.")
    if not all(isinstance(item, str) and item for item in value):
        raise ValidationError("Organisations are given by their agency IDs, like sch-001.")
    if len(set(value)) != len(value):
        raise ValidationError("Each organisation should appear once.")
    if ALL_ORGANISATIONS in value and len(value) > 1:
        raise ValidationError('"*" (all organisations) stands alone.')


def _check_dates(starts: date | None, ends: date | None) -> None:
    if starts is not None and ends is not None and ends < starts:
        raise ValidationError({"in_force_to": "The end date must be on or after the start date."})


NAME_ONE = {"blank": "Name at least one organisation.", "null": "Name at least one organisation."}
CHOOSE_ONE = {"blank": "Choose at least one.", "null": "Choose at least one."}


class Protocol(models.Model):
    """An information-sharing protocol; what it says lives in its versions."""

    reference = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    scope = models.CharField(max_length=10, choices=ProtocolScope.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    def current_version(self) -> ProtocolVersion:
        """The latest version: the one in use."""
        return self.versions.order_by("-number")[0]


class ProtocolVersion(AppendOnlyModel):
    """One version of a protocol, kept for ever. The latest version is the current one."""

    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    parties = models.JSONField(validators=[validate_agency_ids], error_messages=NAME_ONE)
    purposes = models.JSONField(validators=[validate_purposes], error_messages=CHOOSE_ONE)
    data_categories = models.JSONField(
        validators=[validate_data_categories], error_messages=CHOOSE_ONE
    )
    lawful_basis = models.TextField()
    in_force_from = models.DateField()
    in_force_to = models.DateField(null=True, blank=True)
    change_note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    never_changed = "A protocol version is never changed; add a new version."
    never_removed = "A protocol version is never removed."

    class Meta:
        ordering = ["protocol", "number"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "number"], name="one_protocol_version"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol.reference} version {self.number}"

    def clean(self) -> None:
        if ALL_ORGANISATIONS in (self.parties or []):
            raise ValidationError({"parties": "Name each party; a protocol has no wildcard."})
        _check_dates(self.in_force_from, self.in_force_to)


class Consent(models.Model):
    """A consent decision about one child, in the shape of a FHIR Consent.

    ``child_ref`` is the Child Index person identifier. Withdrawal is recorded,
    never deleted: a consent withdrawn on a day is not in force that day or after.
    """

    child_ref = models.CharField("child", max_length=64, db_index=True)
    grantor = models.CharField("given by", max_length=10, choices=Grantor.choices)
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    organisations = models.JSONField(validators=[validate_agency_ids], error_messages=NAME_ONE)
    purposes = models.JSONField(validators=[validate_purposes], error_messages=CHOOSE_ONE)
    data_categories = models.JSONField(
        validators=[validate_data_categories], error_messages=CHOOSE_ONE
    )
    in_force_from = models.DateField()
    in_force_to = models.DateField(null=True, blank=True)
    recorded_how = models.CharField(max_length=12, choices=RecordedHow.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["child_ref", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} consent for {self.child_ref}"

    def clean(self) -> None:
        _check_dates(self.in_force_from, self.in_force_to)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    def in_force_on(self, day: date) -> bool:
        """In force on ``day``: started, not ended, and not withdrawn on or before it."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)

    def organisations_in_words(self, names: Mapping[str, str]) -> str:
        """The organisations it names, by their names (``names``: agency ID to name)."""
        if ALL_ORGANISATIONS in self.organisations:
            return "all organisations"
        return in_words(names.get(agency, agency) for agency in self.organisations)

    def covers_in_words(self) -> str:
        """What it covers: "assessment and case information, for early help"."""
        return (
            f"{categories_in_words(self.data_categories)}, for {purposes_in_words(self.purposes)}"
        )

    def in_words(self, names: Mapping[str, str]) -> str:
        """Who gave it, covering what, with whom, from when: one sentence."""
        permits = self.decision == ConsentDecision.PERMIT
        decided = "agreed to share" if permits else "refused sharing"
        until = f" until {long_date(self.in_force_to)}" if self.in_force_to else ""
        return (
            f"{self.get_grantor_display()} {decided} "
            f"{categories_in_words(self.data_categories)} "
            f"with {self.organisations_in_words(names)}, "
            f"for {purposes_in_words(self.purposes)}, "
            f"from {long_date(self.in_force_from)}{until}."
        )


class Disclosure(AppendOnlyModel):
    """One sharing decision, share or refuse, recorded at one end (golden rule 7).

    The hub records the decisions it makes on its own pages and, for a detail
    request, the holding node's decision; the node records the same decision
    (the same ``decision_id``) in its own database. ``recorded_at_end`` says
    which end a row belongs to: ``hub`` or the node's name. Kept, never changed.
    """

    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recorded_at_end = models.CharField(max_length=40)
    decision_id = models.CharField(max_length=64, db_index=True)
    request_ref = models.CharField(
        max_length=64, blank=True, help_text="The detail request or record view it answered"
    )
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    policies = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    child_ref = models.CharField(
        max_length=140, db_index=True, help_text="Child Index person, or agency:local id"
    )
    category = models.CharField(max_length=20, choices=DataCategory.choices)
    data_items = models.JSONField(default=list, help_text="What was released, by field name")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    lawful_basis = models.TextField(blank=True)
    protocol = models.CharField(max_length=80, blank=True, help_text="reference@version")
    consent_references = models.JSONField(default=list)
    override_reason = models.TextField(blank=True)
    override_authoriser = models.CharField(max_length=150, blank=True)
    requester = models.CharField(max_length=150)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_organisation = models.CharField(max_length=40)
    on_behalf_of = models.JSONField(
        default=dict,
        blank=True,
        help_text="Facilitated access: the practitioner without an account",
    )
    holder_organisation = models.CharField(max_length=40)
    holding_practitioner = models.CharField(max_length=200, blank=True)
    family_told = models.CharField(max_length=16, choices=FamilyTold.choices)
    family_not_told_reason = models.TextField(blank=True)
    retain_until = models.DateField()

    never_changed = "A disclosure record is never changed."
    never_removed = "A disclosure record is removed only by the retention purge."

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision} {self.category} of {self.child_ref} to {self.requester}"

    @property
    def permitted(self) -> bool:
        return self.decision == ConsentDecision.PERMIT
