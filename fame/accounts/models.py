"""Organisations (agencies), practitioners, their vetting and training."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models


class OrganisationType(models.TextChoices):
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years setting"
    GP_PRACTICE = "gp_practice", "GP practice"
    HEALTH_TRUST = "health_trust", "Health trust"
    SOCIAL_CARE = "social_care", "Local authority social care"
    POLICE = "police", "Police"
    YOUTH_OFFENDING = "youth_offending", "Youth offending service"
    YOUTH_SERVICE = "youth_service", "Youth and Connexions service"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    OTHER = "other", "Other"


class AccreditationStatus(models.TextChoices):
    ACCREDITED = "accredited", "Accredited"
    PENDING = "pending", "Awaiting accreditation"
    SUSPENDED = "suspended", "Accreditation suspended"
    WITHDRAWN = "withdrawn", "Accreditation withdrawn"


agency_id_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,39}$",
    "Use 2 to 40 lower-case letters, digits and hyphens, for example sch-001.",
)


class Organisation(models.Model):
    """An agency taking part in the region."""

    agency_id = models.CharField(
        "agency ID", max_length=40, unique=True, validators=[agency_id_validator]
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=OrganisationType.choices)
    local_authority = models.CharField(max_length=100)
    accreditation_status = models.CharField(
        max_length=20, choices=AccreditationStatus.choices, default=AccreditationStatus.PENDING
    )
    accreditation_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accredited(self) -> bool:
        return self.accreditation_status == AccreditationStatus.ACCREDITED


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    CAF_COORDINATOR = "caf_coordinator", "CAF co-ordinator"
    ISA_OFFICER = "isa_officer", "Information-sharing officer"
    SHIELDING_OFFICER = "shielding_officer", "Shielding officer"
    MANAGER = "manager", "Manager"
    # Those who run and oversee the children's services partnership (performance leads,
    # board officers): they watch the region's work, pseudonymised, and do none of it.
    PARTNERSHIP_OFFICER = "partnership_officer", "Partnership officer"
    # Keep the service directory current (a family information service officer).
    DIRECTORY_EDITOR = "directory_editor", "Directory editor"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


phone_validator = RegexValidator(
    r"^\+?[0-9 ]{10,16}$", "Enter a phone number, like 01632 960 001 or +44 7700 900 982."
)


class User(AbstractUser):
    """A practitioner (or member of staff) who signs in to FAME."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="practitioners", null=True
    )
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=20, blank=True, validators=[phone_validator])
    secure_email = models.EmailField("secure email", blank=True)
    roles = models.JSONField(default=list, blank=True)
    vetting_checked_on = models.DateField("enhanced vetting check", null=True, blank=True)
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class TrainingCourse(models.Model):
    """Training a practitioner must hold, and how long a completion stays valid."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    valid_for_months = models.PositiveSmallIntegerField(default=36)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT)
    completed_on = models.DateField()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_record_per_course")
        ]

    def expires_on(self) -> date:
        return add_months(self.completed_on, self.course.valid_for_months)


class TrainingSession(models.Model):
    """A session of a training course offered on a day, with so many places (seed 004 reports
    CAF training take-up this way). Who took a place is ``TrainingPlace``."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    places = models.PositiveSmallIntegerField()
    offered_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["held_on"], name="training_session_held_on")]


class TrainingPlace(models.Model):
    """A practitioner's place on a training session, and whether they came."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="taken")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_places")
    attended = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_place_per_session")
        ]


class UserSession(models.Model):
    """Which sessions belong to whom, so that disabling an account can end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
