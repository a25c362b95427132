"""What the hub keeps about the federation: its nodes, what they delivered, and detail requests.

Also, in every process, the nonces and assertion ids already seen, so that no
signed request can be replayed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from fame.accounts.models import Organisation
from fame.index.models import Person
from fame.sharing import NextSteps, next_steps

node_name_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,39}$",
    "Use 2 to 40 lower-case letters, digits and hyphens, for example school-trust.",
)


class FederationNode(models.Model):
    """An agency node the hub knows: where it is, which agencies it hosts, its public key."""

    name = models.CharField(max_length=40, unique=True, validators=[node_name_validator])
    base_url = models.URLField()
    agencies = models.JSONField(default=list)
    public_key = models.TextField(help_text="Ed25519 public key, PEM")
    registered_at = models.DateTimeField(auto_now_add=True)
    # What the hub has seen of the node: the start of the technology view.
    last_contact = models.DateTimeField(null=True, blank=True)
    outbox_backlog = models.PositiveIntegerField(null=True, blank=True)
    errors = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def hosts(self, agency_id: str) -> bool:
        return agency_id in self.agencies


class HubReceipt(models.Model):
    """An index update the hub has applied, by its idempotency key: a redelivery changes nothing."""

    idempotency_key = models.CharField(max_length=64, unique=True)
    node = models.ForeignKey(FederationNode, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=24)
    outcome = models.CharField(max_length=24)
    received_at = models.DateTimeField(auto_now_add=True)


class SeenNonce(models.Model):
    """A signature nonce or assertion id already used, remembered until it could not be valid."""

    value = models.CharField(max_length=200, unique=True)
    expires_at = models.DateTimeField(db_index=True)


class Purpose(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    SERVICE_COORDINATION = "service_coordination", "Co-ordinating services"
    EDUCATION_WELFARE = "education_welfare", "Education welfare"
    HEALTH_CARE = "health_care", "Health care"


class DataCategory(models.TextChoices):
    """What a detail request may ask a node for: what the index does not show."""

    SENSITIVE = "sensitive", "Sensitive involvement"
    ASSESSMENT = "assessment", "Assessments"
    CASE = "case", "Case records"


NOTHING_HELD = {
    "sensitive": "no record of sensitive involvement",
    "assessment": "no assessment",
    "case": "no case records",
}
"""What an agency that holds nothing in a category holds, in words ("holds no assessment")."""

RELEASED_FIELDS = {
    "caf": "Assessment",
    "case_summary": "Case summary",
    "service": "Service",
    "role": "Role",
    "practitioner_email": "Practitioner's email",
    "started_on": "Started",
    "ended_on": "Ended",
}
"""The fields a node releases, in words."""


@dataclass(frozen=True)
class CategoryAnswer:
    """The holder's answer for one category asked for, as the requester reads it."""

    category: str
    name: str
    outcome: str
    """``shared``, ``nothing_held`` (permitted, but the agency holds nothing) or ``refused``."""
    reasons: list[str]
    information: dict[str, Any]
    nothing_held: str
    """The sentence saying the agency holds nothing of this kind."""


class DetailRequestStatus(models.TextChoices):
    SENT = "sent", "Waiting for an answer"
    RELEASED = "released", "Information released"
    PARTLY_RELEASED = "partly", "Some information released"
    REFUSED = "refused", "Refused"
    NO_RESPONSE = "no_response", "No response"


class DetailRequest(models.Model):
    """A practitioner's request to an agency for more information about a child, and its answer."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    categories = models.JSONField(default=list)
    note = models.TextField(blank=True)
    consent_reference = models.CharField(max_length=100, blank=True)
    override_reason = models.TextField(blank=True)
    override_authoriser = models.CharField(
        max_length=150, blank=True, help_text="Username of the manager or ISA officer"
    )
    override_confirmed = models.BooleanField(
        default=False, help_text="The authoriser confirmed with their one-time code"
    )
    family_told = models.BooleanField(null=True, blank=True)
    family_not_told_reason = models.TextField(blank=True)
    on_behalf_of = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=DetailRequestStatus.choices, default=DetailRequestStatus.SENT
    )
    reasons = models.JSONField(default=list)
    decisions = models.JSONField(default=list, blank=True)
    information = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"detail request {self.uid}"

    def answers(self) -> list[CategoryAnswer]:
        """The holder's answer for each category it decided, shared, held nothing or refused."""
        found = []
        for decided in self.decisions:
            category = decided["category"]
            shared = self.information.get(category) or {}
            held = any(str(value).strip() for value in shared.values())
            permitted = decided["decision"] == "permit"
            found.append(
                CategoryAnswer(
                    category=category,
                    name=dict(DataCategory.choices).get(category, category),
                    outcome="refused" if not permitted else "shared" if held else "nothing_held",
                    reasons=list(decided["reasons"]),
                    information=shared if held else {},
                    nothing_held=(
                        f"{self.agency.name} holds "
                        f"{NOTHING_HELD.get(category, 'nothing of this kind')} for this child."
                    ),
                )
            )
        return found

    def headline(self) -> str:
        """What the holder did, in words: the answer page's heading."""
        agency = self.agency.name
        if self.status == DetailRequestStatus.NO_RESPONSE:
            return f"{agency} did not respond"
        if self.status == DetailRequestStatus.SENT:
            return f"Waiting for {agency}"
        outcomes = {answer.outcome for answer in self.answers()}
        if "shared" in outcomes:
            if outcomes == {"shared"}:
                return f"{agency} shared information"
            return f"{agency} shared some information"
        if outcomes == {"nothing_held"}:
            return f"{agency} holds none of the information you asked for"
        if "nothing_held" in outcomes:
            return f"{agency} refused part of your request and holds nothing for the rest"
        return f"{agency} refused your request"

    def next_steps(self) -> tuple[NextSteps, list[str]]:
        """What the requester can do about the refused parts, and the categories a
        safeguarding override could release."""
        steps = NextSteps()
        if self.status == DetailRequestStatus.REFUSED and not self.decisions:
            steps = next_steps(self.reasons)
        overridable = []
        for answer in self.answers():
            if answer.outcome == "refused":
                found = next_steps(answer.reasons)
                steps |= found
                if found.safeguarding_override:
                    overridable.append(answer.category)
        return steps, overridable


class PeerKey(models.Model):
    """A peer's public key beside its register row's (``FederationNode`` on the hub,
    ``TrustedKey`` on a node): a replaced key still accepted until ``accepted_until``,
    or a revoked one (ADR 0046). Kept after it stops being accepted, with the times it
    was valid, so that what it signed can still be checked and a refusal can say why.
    """

    peer = models.CharField(max_length=40)
    key_id = models.CharField(max_length=16)
    public_key = models.TextField(help_text="Ed25519 public key, PEM")
    added_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    accepted_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["peer", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "key_id"], name="one_peer_key_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.peer} key {self.key_id}"
