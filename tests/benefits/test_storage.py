"""Benefits models are kept version by version; a bad model keeps nothing."""

from __future__ import annotations

import pytest

from fame.appendonly import AppendOnlyError
from fame.benefits.model import ModelError
from fame.benefits.models import BenefitsModel, ModelVersion

from .examples import example


@pytest.fixture
def benefits_model(partnership_officer) -> BenefitsModel:
    return BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=partnership_officer
    )


def test_each_save_adds_a_version_and_the_newest_is_current(benefits_model, partnership_officer):
    assert benefits_model.current() is None
    first = benefits_model.save_version(example(), by=partnership_officer, note="From the issue")
    changed = example() | {"years": 5, "discount_rate": 0.03}
    second = benefits_model.save_version(changed, by=partnership_officer)
    assert (first.number, second.number) == (1, 2)
    current = benefits_model.current()
    assert current is not None and current.pk == second.pk
    assert current.model.discount_rate != first.model.discount_rate
    assert ModelVersion.objects.get(pk=first.pk).data == example()


def test_a_bad_model_is_refused_and_keeps_nothing(benefits_model, partnership_officer):
    bad = example() | {"years": 0}
    with pytest.raises(ModelError):
        benefits_model.save_version(bad, by=partnership_officer)
    assert not ModelVersion.objects.exists()


def test_a_kept_version_is_never_changed(benefits_model, partnership_officer):
    version = benefits_model.save_version(example(), by=partnership_officer)
    version.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        version.save()
