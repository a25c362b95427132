"""Comparator areas' figures a manager enters, kept as evidence: never changed, never removed.

A board sets its own area beside others (seed 004: Medway's 65,500 children and one CAF
worker beside Kent's 327,000 and its 12 co-ordinators). Each entry is a row; entering an
area again adds a newer row, and the reports use the newest for each area, so what a
past report compared with can always be found.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from fame.appendonly import AppendOnlyModel


class ComparatorFigures(AppendOnlyModel):
    never_changed = "Comparator figures are never changed; enter the area again."
    never_removed = "Comparator figures are never removed."

    area = models.CharField("area", max_length=100)
    year = models.PositiveSmallIntegerField(
        "year the figures are for", validators=[MinValueValidator(2000)]
    )
    children = models.PositiveIntegerField(
        "children and young people in the area", validators=[MinValueValidator(1)]
    )
    caf_staff = models.DecimalField(
        "CAF staff (full-time equivalent)", max_digits=7, decimal_places=1
    )
    cafs_started = models.PositiveIntegerField("CAFs started in the year", null=True, blank=True)
    source = models.CharField("where the figures come from", max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-entered_at", "-id"]
        verbose_name_plural = "comparator figures"

    def __str__(self) -> str:
        return f"{self.area} {self.year}"
