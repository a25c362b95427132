"""Guidance tests read a framework with words of their own and the small test bank, so they
do not change when the shipped framework's or banks' words do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import factory
import pytest

from fame.guidance.models import CaseStudy, CaseStudyTag
from fame.readiness.bank import Bank, read_bank
from fame.readiness.framework import Framework, Part, framework
from tests.factories import UserFactory

from ..readiness.banks import small_bank_text


def worded_framework() -> Framework:
    """The shipped framework's keys and names, with test words and a second barrier."""
    fw = framework()

    def worded(part: Part) -> Part:
        return replace(
            part,
            summary=f"Summary of {part.name}.",
            guidance=f"First paragraph about {part.key}.\n\nSecond paragraph about {part.key}.",
            steps=(f"First step for {part.key}", f"Second step for {part.key}"),
        )

    return replace(
        fw,
        blocks=tuple(worded(b) for b in fw.blocks),
        dimensions=tuple(worded(d) for d in fw.dimensions),
        barriers=(
            Part(key="consent-worries", name="Worries about consent", summary=""),
            Part(key="data-quality", name="Poor data quality", summary=""),
        ),
    )


def two_banks() -> dict[str, Bank]:
    """Two banks using the same statement ids, as two shipped contexts may."""
    return {
        "childrens-services": read_bank(small_bank_text()),
        "single-number": read_bank(small_bank_text(key="single-number")),
    }


@pytest.fixture(autouse=True)
def guidance_words(monkeypatch) -> Framework:
    fw = worded_framework()
    monkeypatch.setattr("fame.guidance.queries.framework", lambda: fw)
    banks = two_banks()
    monkeypatch.setattr("fame.guidance.queries.shipped_banks", lambda: banks)
    return fw


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case study {n}")
    partnership = "Northshire Children's Trust"
    tried = "Weekly meetings of the agencies."
    worked = "Meeting weekly with every agency's lead."
    submitted_by = factory.SubFactory(UserFactory)
    status = CaseStudy.Status.PUBLISHED

    @factory.post_generation
    def tagged(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``tagged={"block": ["identity"], "dimension": ["ict"]}``."""
        if create and extracted:
            for kind, keys in extracted.items():
                for key in keys:
                    CaseStudyTag.objects.create(case_study=self, kind=kind, key=key)
