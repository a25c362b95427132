"""The words both sides of a CAF use for its team and its closure: kept in the node's rows,
sent over the federation API, offered by the hub's forms.

Pure: choices only, no models. Shared at the app's root because the hub side
(``hub.team_forms``, ``hub.closing``) and the node side (``models.node``,
``node.api_schemas``) must mean the same by each value.
"""

from __future__ import annotations

from django.db import models

__all__ = ["ActionStatus", "Attendance", "ClosureReason"]


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", "The child's needs are met"
    STEPPED_UP = "stepped_up", "Stepped up to a social care referral"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"
