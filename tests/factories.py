"""factory_boy factories for the registers. `build` where no database is needed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from fame.accounts.models import (
    AccreditationStatus,
    Organisation,
    OrganisationType,
    TrainingCourse,
    TrainingRecord,
    User,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("agency_id",)

    agency_id = factory.Sequence(lambda n: f"org-{n:03d}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.SCHOOL
    local_authority = "Northmoor"
    accreditation_status = AccreditationStatus.ACCREDITED
    accreditation_date = date(2026, 1, 10)


def _recently() -> date:
    return timezone.localdate() - timedelta(days=200)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    job_title = "Practitioner"
    phone = "01632 960001"
    secure_email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    roles = factory.LazyFunction(lambda: ["practitioner"])
    vetting_checked_on = factory.LazyFunction(_recently)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def trained(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """All required training completed recently, unless ``trained=False``."""
        if create and extracted is not False:
            for course in TrainingCourse.objects.filter(required=True):
                TrainingRecord.objects.get_or_create(
                    user=self, course=course, defaults={"completed_on": _recently()}
                )
        if create:
            self.save()


class DetailRequestFactory(factory.django.DjangoModelFactory):
    """A request for more information about ``person``, as the hub keeps it after its answer:
    ``answered_at`` is set unless the request is still waiting (sent, or no response)."""

    class Meta:
        model = "federation.DetailRequest"

    purpose = "early_help"
    categories = factory.LazyFunction(lambda: ["case"])
    status = "sent"
    answered_at = factory.LazyAttribute(
        lambda r: None if r.status in ("sent", "no_response") else timezone.now()
    )
