"""The CAF app's rows, by the side that keeps them: ``node`` (at an agency node) and ``hub``.

One app, one label (``caf``), one set of migrations: Django finds every model
here. Code of each side imports its own rows from its own module
(``fame.caf.models.node`` or ``fame.caf.models.hub``); this package gathers
them, with the shared choices of ``fame.caf.vocabulary``, for Django,
migrations and tests.
"""

from __future__ import annotations

from fame.caf.models.hub import (
    BudgetAllocation,
    BudgetCommitment,
    BudgetSpend,
    CafOverview,
    EscalationFollowUp,
)
from fame.caf.models.node import (
    Assessment,
    AssessmentStatus,
    AssessmentVersion,
    Closure,
    Escalation,
    Invitation,
    KeptQuerySet,
    Meeting,
    ReferralCopy,
    SectionDraft,
    TeamAction,
    VersionReason,
)
from fame.caf.vocabulary import ActionStatus, Attendance, ClosureReason

__all__ = [
    "ActionStatus",
    "Assessment",
    "AssessmentStatus",
    "AssessmentVersion",
    "Attendance",
    "BudgetAllocation",
    "BudgetCommitment",
    "BudgetSpend",
    "CafOverview",
    "Closure",
    "ClosureReason",
    "Escalation",
    "EscalationFollowUp",
    "Invitation",
    "KeptQuerySet",
    "Meeting",
    "ReferralCopy",
    "SectionDraft",
    "TeamAction",
    "VersionReason",
]
