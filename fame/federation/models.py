"""What the hub keeps about the federation: its nodes, what they delivered, and detail requests.

Also, in every process, the nonces and assertion ids already seen, so that no
signed request can be replayed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from fame.accounts.models import Organisation
from fame.index.models import Person

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
