"""Which benefits model and version a results page shows: ``?version=N``, or the current one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.http import Http404, HttpRequest

from ..calculate import Result, calculate
from ..models import BenefitsModel, ModelVersion


@dataclass
class Shown:
    benefits_model: BenefitsModel
    version: ModelVersion

    @cached_property
    def result(self) -> Result:
        return calculate(self.version.model)

    @property
    def is_current(self) -> bool:
        current = self.benefits_model.current()
        return current is not None and current.pk == self.version.pk


def shown(request: HttpRequest, model_id: int) -> Shown:
    """The model and the version asked for (404 for no such model, version, or a model never
    saved)."""
    try:
        benefits_model = BenefitsModel.objects.get(pk=model_id)
    except BenefitsModel.DoesNotExist:
        raise Http404("No such benefits model.") from None
    asked = request.GET.get("version", "")
    if asked:
        if not asked.isdigit():
            raise Http404("A version is a whole number.")
        version = benefits_model.versions.filter(number=int(asked)).first()
    else:
        version = benefits_model.current()
    if version is None:
        raise Http404("No such version of this model.")
    return Shown(benefits_model, version)
