"""The words of information sharing: purposes, data categories and the shape of a consent."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Purpose(models.TextChoices):
    EARLY_HELP = "early_help", "early help"
    SAFEGUARDING = "safeguarding", "safeguarding"
    SERVICE_COORDINATION = "service_coordination", "service co-ordination"
    EDUCATION_WELFARE = "education_welfare", "education welfare"
    HEALTH_CARE = "health_care", "health care"


class DataCategory(models.TextChoices):
    BASIC = "basic", "basic details"
    CONTACT = "contact", "contact details"
    INVOLVEMENT = "involvement", "involvement"
    SENSITIVE = "sensitive", "sensitive involvement"
    ASSESSMENT = "assessment", "assessment"
    CASE = "case", "case information"


class ConsentDecision(models.TextChoices):
    PERMIT = "permit", "Permit"
    DENY = "deny", "Deny"


class Grantor(models.TextChoices):
    CHILD = "child", "The child or young person"
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer"


class RecordedHow(models.TextChoices):
    VERBAL = "verbal", "Verbally"
    WRITTEN = "written", "In writing"
    ELECTRONIC = "electronic", "Electronically"


class ProtocolScope(models.TextChoices):
    REGIONAL = "regional", "Regional"
    TEAM = "team", "Team to team"


PURPOSES: tuple[str, ...] = tuple(Purpose.values)
DATA_CATEGORIES: tuple[str, ...] = tuple(DataCategory.values)
# Categories that need a protocol and a consent (rule 5).
CONSENT_GOVERNED: frozenset[str] = frozenset(
    {DataCategory.ASSESSMENT, DataCategory.CASE, DataCategory.SENSITIVE}
)
# In a consent's organisations, this stands for every organisation.
ALL_ORGANISATIONS = "*"


def purpose_name(purpose: str) -> str:
    return str(Purpose(purpose).label)


def category_name(category: str) -> str:
    return str(DataCategory(category).label)


def in_words(items: Iterable[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


def purposes_in_words(purposes: Iterable[str]) -> str:
    """Purposes in words, in the order people know them ("early help and safeguarding")."""
    chosen = set(purposes)
    return in_words(str(p.label) for p in Purpose if p.value in chosen)


def categories_in_words(categories: Iterable[str]) -> str:
    """Data categories in words, in the order people know them."""
    chosen = set(categories)
    return in_words(str(c.label) for c in DataCategory if c.value in chosen)


class FamilyTold(models.TextChoices):
    """Golden rule 7: record whether the family was told of a share, and if not, why not."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


DISCLOSURE_RETENTION_YEARS = 6
"""Disclosure records are kept this long after the decision, then purged with the audit
trail's other personal data (the audit log itself keeps the event)."""
