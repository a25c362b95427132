"""The directory's records, in the shape of Open Referral UK (the UK profile of HSDS 3.0).

Each table is one of the standard's objects and keeps the standard's string ids (UUIDs), so
that a council's feed imports by id and re-imports update in place, and our export reads back
in another directory unchanged. The fields FAME searches or shows are columns; the rest of an
object that the standard allows (languages, funding, phones, accessibility, organisation
identifiers...) is kept as it came in ``extra`` so that nothing is lost between import and
export (ADR 0035).

Eligibility is the standard's ``minimum_age``/``maximum_age`` on the service; a service's
needs are its taxonomy terms, linked as the standard links them (``attributes``).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

#: An entry not checked for longer than this goes to the editors' review list.
REVIEW_AFTER = timedelta(days=183)


def new_id() -> str:
    return str(uuid.uuid4())


class _OrukObject(models.Model):
    """What every ORUK object has here: its string id and the standard's other fields."""

    id = models.CharField(primary_key=True, max_length=64, default=new_id)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class _Part(_OrukObject):
    """An object that belongs to one service, kept in the order the feed or editor gave."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Organization(_OrukObject):
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    email = models.CharField(max_length=300, blank=True)
    website = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Taxonomy(_OrukObject):
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(_OrukObject):
    """A need or kind of service ("Parenting support"); ``code`` is the standard's ``term``."""

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    code = models.CharField(max_length=300, blank=True)
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    taxonomy_name = models.CharField(max_length=300, blank=True)
    parent_id = models.CharField(max_length=64, blank=True)
    term_uri = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(_OrukObject):
    if TYPE_CHECKING:
        schedules: RelatedManager[Schedule]
        service_areas: RelatedManager[ServiceArea]
        service_at_locations: RelatedManager[ServiceAtLocation]
        cost_options: RelatedManager[CostOption]
        contacts: RelatedManager[Contact]
        attributes: RelatedManager[ServiceTerm]
        changes: RelatedManager[ServiceChange]

    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"
        DEFUNCT = "defunct"
        TEMPORARILY_CLOSED = "temporarily closed"

    OFFERED = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)
    """Statuses of a service open for referral: active, or only closed for a while."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.ACTIVE)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.CharField(max_length=300, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    #: When an editor last confirmed the entry is right (shown on the service's page).
    last_checked_on = models.DateField(null=True, blank=True)
    terms: models.ManyToManyField[TaxonomyTerm, ServiceTerm] = models.ManyToManyField(
        TaxonomyTerm, through="ServiceTerm", related_name="services"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def needs_review(self, today: date | None = None) -> bool:
        """True when never checked, or checked longer ago than ``REVIEW_AFTER``."""
        today = today or timezone.localdate()
        return self.last_checked_on is None or today - self.last_checked_on > REVIEW_AFTER

    def who_for(self) -> str:
        """The ages the service is for, in words ("Ages 2 to 5"), or "" for any age."""
        low, high = self.minimum_age, self.maximum_age
        if low is None and high is None:
            return ""
        if low is None or low == 0:
            return f"Up to age {high:g}"
        if high is None:
            return f"Age {low:g} and over"
        return f"Ages {low:g} to {high:g}"

    def is_for_age(self, age: float) -> bool:
        low_ok = self.minimum_age is None or age >= self.minimum_age
        high_ok = self.maximum_age is None or age <= self.maximum_age
        return low_ok and high_ok


class ServiceTerm(_Part):
    """The standard's ``attribute``: a service carries a taxonomy term."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="+")
    link_type = models.CharField(max_length=100, blank=True)


class Location(_OrukObject):
    location_type = models.CharField(max_length=30, default="physical")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    #: The first address's postcode and one line, for search results; the addresses
    #: themselves are in ``extra["addresses"]`` as the feed gave them.
    postcode = models.CharField(max_length=20, blank=True)
    address_line = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.id

    @property
    def addresses(self) -> list[dict[str, object]]:
        found = self.extra.get("addresses") or []
        return [address for address in found if isinstance(address, dict)]


class ServiceAtLocation(_Part):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(blank=True)


class Contact(_Part):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=300, blank=True)

    @property
    def phone_numbers(self) -> list[str]:
        found = self.extra.get("phones") or []
        return [str(p["number"]) for p in found if isinstance(p, dict) and p.get("number")]


class Schedule(_Part):
    """When a service runs, in the standard's iCalendar-like fields; ``description`` in words."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=20, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    opens_at = models.CharField(max_length=20, blank=True)
    closes_at = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)


class CostOption(_Part):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=300, blank=True)


class ServiceArea(_Part):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=500, blank=True)


class Postcode(models.Model):
    """Where a postcode is, so that search can measure distance with no lookup at run time."""

    postcode = models.CharField(max_length=10, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.postcode


class ServiceChange(models.Model):
    """Who changed or checked an entry, and when: the directory's own history."""

    class Kind(models.TextChoices):
        CREATED = "created"
        CHANGED = "changed"
        CHECKED = "checked"
        IMPORTED = "imported"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
