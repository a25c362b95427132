"""What the hub keeps about CAFs for the CAF co-ordinator: facts, never content.

``CafOverview`` holds the latest facts each holding node sent through its
outbox; ``EscalationFollowUp`` the co-ordinator's note that an escalated
absence was followed up. The CAF itself, and the child's name, stay at the node.

A CAF's budget is co-ordinated here too, for a budget-holding Lead Professional:
``BudgetAllocation`` (what the co-ordinator allocates; a change is a new row),
``BudgetCommitment`` (a directory service commissioned against it) and
``BudgetSpend`` (money spent on a commitment). All three are evidence rows,
added and never changed (ADR 0036); the arithmetic is ``fame.caf.hub.budget``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fame.appendonly import AppendOnlyModel

__all__ = [
    "BudgetAllocation",
    "BudgetCommitment",
    "BudgetSpend",
    "CafOverview",
    "EscalationFollowUp",
]


class CafOverview(models.Model):
    """The hub's facts about one CAF, for the co-ordinator's queue: no content, no child's name.

    Sent by the holding node through its outbox (``caf_facts``); the CAF stays at the node.
    """

    caf = models.UUIDField(unique=True, help_text="The assessment's uid at its node")
    holder = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    local_id = models.CharField(max_length=64)
    person = models.ForeignKey(
        "index.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10)
    initiating_organisation = models.CharField(max_length=40)
    started_on = models.DateField(null=True)
    assessor = models.CharField(max_length=150, blank=True, help_text="Username at the hub")
    lead_professional = models.CharField(max_length=200, blank=True)
    lead_professional_username = models.CharField(max_length=150, blank=True)
    versions = models.PositiveIntegerField(default=0)
    review_due = models.DateField(null=True)
    action_due_dates = models.JSONField(default=list, help_text="Due dates of open actions")
    escalations = models.JSONField(default=list, help_text="Open escalations: agency, date, by")
    next_meeting_on = models.DateField(null=True, help_text="The next TAC meeting not yet held")
    next_meeting_invited = models.JSONField(
        default=list, help_text="Usernames of those invited to the next meeting"
    )
    closed_reason = models.CharField(max_length=12, blank=True)
    # What management information counts (fame/reports): dates and agencies, never content.
    completed_on = models.DateField(null=True, help_text="Version 1 made")
    closed_on = models.DateField(null=True)
    referred_to = models.CharField(max_length=40, blank=True, help_text="Stepped up to (agency)")
    first_meeting_on = models.DateField(null=True, help_text="The first TAC meeting held")
    reviews = models.JSONField(
        default=list, help_text='Reviews set at meetings: [{"due": date, "held": date or ""}]'
    )
    meetings = models.JSONField(
        default=list,
        help_text='Meetings held: [{"held_on": date, "attendance": {agency_id: attendance}}]',
    )
    escalations_raised = models.JSONField(
        default=list, help_text='Every escalation, open or resolved: [{"agency_id", "raised_on"}]'
    )
    as_of = models.DateTimeField()

    class Meta:
        # A practitioner's home page finds the CAFs they started or lead.
        indexes = [
            models.Index(fields=["assessor"], name="caf_overview_assessor"),
            models.Index(fields=["lead_professional_username"], name="caf_overview_lead"),
            models.Index(fields=["next_meeting_on"], name="caf_overview_next_meeting"),
            models.Index(fields=["started_on"], name="caf_overview_started"),
        ]


class EscalationFollowUp(models.Model):
    """The CAF co-ordinator's note that an escalated absence has been followed up.

    Kept at the hub, where the co-ordinator works; the escalation itself stays,
    as raised, at the holding node. One per escalation (agency and day raised).
    """

    overview = models.ForeignKey(CafOverview, on_delete=models.CASCADE, related_name="follow_ups")
    agency = models.CharField(max_length=200, help_text="The agency that did not attend")
    raised_on = models.DateField()
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["overview", "agency", "raised_on"], name="one_follow_up_per_escalation"
            )
        ]


class BudgetAllocation(AppendOnlyModel):
    """The budget the CAF co-ordinator allocates to one CAF; the latest row is in force.

    A changed allocation is a new row, so every earlier figure stays as evidence.
    """

    never_changed = "A budget allocation is never changed; allocate again to change it."
    never_removed = "A budget allocation is never removed."

    overview = models.ForeignKey(
        CafOverview, on_delete=models.PROTECT, related_name="budget_allocations"
    )
    amount_pence = models.PositiveBigIntegerField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["overview", "at", "id"]


class BudgetCommitment(AppendOnlyModel):
    """A service from the directory commissioned for the family against the CAF's budget."""

    never_changed = "A budget commitment is never changed."
    never_removed = "A budget commitment is never removed."

    overview = models.ForeignKey(
        CafOverview, on_delete=models.PROTECT, related_name="budget_commitments"
    )
    service_id = models.CharField(max_length=200, help_text="The directory service's id")
    service_name = models.CharField(max_length=300, help_text="Its name when commissioned")
    organisation_name = models.CharField(max_length=300, blank=True)
    amount_pence = models.PositiveBigIntegerField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["overview", "at", "id"]
        indexes = [models.Index(fields=["at"], name="caf_budget_commitment_at")]


class BudgetSpend(AppendOnlyModel):
    """Money spent on one commitment: how much, on which day, and what for."""

    never_changed = "A budget spend is never changed."
    never_removed = "A budget spend is never removed."

    commitment = models.ForeignKey(
        BudgetCommitment, on_delete=models.PROTECT, related_name="spends"
    )
    amount_pence = models.PositiveBigIntegerField()
    spent_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "spent_on", "id"]
        indexes = [models.Index(fields=["spent_on"], name="caf_budget_spend_on")]
