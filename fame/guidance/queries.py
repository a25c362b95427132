"""Reads for the guidance pages: the framework, the statements that assess each part of
it, and case studies (published ones for the public, the queue for moderators)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from fame.readiness.bank import Bank, Statement, shipped_banks
from fame.readiness.framework import Framework, Part, framework

from .models import CaseStudy, CaseStudyTag

__all__ = [
    "BankStatements",
    "Group",
    "ShownStatement",
    "case_studies_tagged",
    "find_case_studies",
    "framework",
    "moderation_queue",
    "names",
    "needed_by",
    "part_or_none",
    "published_case_study",
    "recently_moderated",
    "statements_by",
]


@dataclass(frozen=True)
class ShownStatement:
    """A statement as a guidance page shows it, with the page anchor that links to it."""

    statement: Statement
    anchor: str


@dataclass(frozen=True)
class Group:
    """The statements of one bank in one dimension (on a block's page) or one block (on a
    dimension's page)."""

    part: Part
    statements: tuple[ShownStatement, ...]


@dataclass(frozen=True)
class BankStatements:
    bank: Bank
    groups: tuple[Group, ...]


def part_or_none(kind: str, key: str) -> Part | None:
    """The framework's block or dimension called ``key``, or None if there is none."""
    fw = framework()
    parts = fw.blocks if kind == CaseStudyTag.Kind.BLOCK else fw.dimensions
    return next((part for part in parts if part.key == key), None)


def needed_by(key: str) -> list[Part]:
    """The blocks whose work needs block ``key``'s first (directly)."""
    return [block for block in framework().blocks if key in block.needs]


def statements_by(kind: str, key: str) -> list[BankStatements]:
    """Every shipped bank's statements about block (or dimension) ``key``, grouped by
    dimension (or block), in the framework's order. A bank without any is left out.

    A statement's anchor is its id, so a page can link to ``…/identity#IM-T-1``; where a
    later bank uses an id an earlier one has used, its anchor is prefixed with the bank's
    key, so that no two elements on a page share an id."""
    fw = framework()
    by_block = kind == CaseStudyTag.Kind.BLOCK
    seen: set[str] = set()
    answer = []
    for bank in shipped_banks().values():
        groups = []
        for other in fw.dimensions if by_block else fw.blocks:
            cell = bank.in_cell(key, other.key) if by_block else bank.in_cell(other.key, key)
            if cell:
                shown = []
                for statement in cell:
                    anchor = (
                        statement.id if statement.id not in seen else f"{bank.key}-{statement.id}"
                    )
                    seen.add(anchor)
                    shown.append(ShownStatement(statement, anchor))
                groups.append(Group(other, tuple(shown)))
        if groups:
            answer.append(BankStatements(bank, tuple(groups)))
    return answer


def _with_tags(case_studies: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return case_studies.prefetch_related("tags")


def case_studies_tagged(kind: str, key: str) -> QuerySet[CaseStudy]:
    """Published case studies tagged with block, dimension or barrier ``key``."""
    return _with_tags(CaseStudy.objects.published().tagged(kind, key))


def find_case_studies(
    *, block: str = "", dimension: str = "", barrier: str = "", text: str = ""
) -> QuerySet[CaseStudy]:
    """Published case studies with every tag asked for and, if ``text`` is given, that
    text in their title, what was tried or what worked."""
    found = CaseStudy.objects.published()
    for kind, key in (
        (CaseStudyTag.Kind.BLOCK, block),
        (CaseStudyTag.Kind.DIMENSION, dimension),
        (CaseStudyTag.Kind.BARRIER, barrier),
    ):
        if key:
            found = found.tagged(kind, key)
    if text:
        found = found.mentioning(text)
    return _with_tags(found)


def published_case_study(case_id: int) -> CaseStudy | None:
    return _with_tags(CaseStudy.objects.published()).filter(pk=case_id).first()


def moderation_queue() -> QuerySet[CaseStudy]:
    """Case studies waiting to be checked, oldest first."""
    return _with_tags(
        CaseStudy.objects.filter(status=CaseStudy.Status.SUBMITTED)
        .select_related("submitted_by")
        .order_by("submitted_at", "id")
    )


def recently_moderated(limit: int = 10) -> QuerySet[CaseStudy]:
    return (
        CaseStudy.objects.exclude(status=CaseStudy.Status.SUBMITTED)
        .select_related("moderated_by")
        .order_by("-moderated_at", "-id")[:limit]
    )


def names(fw: Framework) -> dict[str, dict[str, str]]:
    """Each tag kind's keys to their names, for showing a case study's tags."""
    return {
        CaseStudyTag.Kind.BLOCK: {b.key: b.name for b in fw.blocks},
        CaseStudyTag.Kind.DIMENSION: {d.key: d.name for d in fw.dimensions},
        CaseStudyTag.Kind.BARRIER: {b.key: b.name for b in fw.barriers},
    }
