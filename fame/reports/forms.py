"""The reports' filters (sent as GET) and the comparator figures a manager enters."""

from __future__ import annotations

from typing import Any

from django import forms

from fame.accounts.models import OrganisationType
from fame.audit.forms import PeriodForm

from .models import ComparatorFigures


class FilterForm(PeriodForm):
    """Period, area and agency type. A manager's area is fixed to their own."""

    area = forms.ChoiceField(label="Area", required=False)
    agency_type = forms.ChoiceField(
        label="Agency type",
        choices=[("", "Every agency type"), *OrganisationType.choices],
        required=False,
    )

    def __init__(self, *args: Any, areas: list[str], fixed_area: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        if fixed_area:
            area.choices = [(fixed_area, fixed_area)]
            area.help_text = "Managers see their own area."
        else:
            area.choices = [("", "The whole region"), *((a, a) for a in areas)]


class ComparatorForm(forms.ModelForm):
    class Meta:
        model = ComparatorFigures
        fields = ["area", "year", "children", "caf_staff", "cafs_started", "source"]
        error_messages = {
            "area": {"required": "Enter the area's name"},
            "year": {
                "required": "Enter the year the figures are for",
                "invalid": "The year must be a whole number, like 2010",
                "min_value": "The year must be 2000 or later",
            },
            "children": {
                "required": "Enter how many children and young people live in the area",
                "invalid": "The number of children must be a whole number, like 327000",
                "min_value": "The number of children must be 1 or more",
            },
            "caf_staff": {
                "required": "Enter the CAF staff, full-time equivalent (0 if none)",
                "invalid": "CAF staff must be a number, like 12 or 7.5",
                "max_digits": "CAF staff must be fewer than 1,000,000",
                "max_decimal_places": "CAF staff must have at most one decimal place, like 7.5",
            },
            "cafs_started": {"invalid": "CAFs started must be a whole number, like 179"},
            "source": {"required": "Say where the figures come from"},
        }
        help_texts = {
            "caf_staff": "Co-ordinators and others working on CAF, full-time equivalent, "
            "like 12 or 7.5",
            "cafs_started": "Optional",
            "source": "For example, Kent CAF team, Children's Trust Board paper, March 2010",
        }

    def clean_caf_staff(self) -> Any:
        value = self.cleaned_data["caf_staff"]
        if value is not None and value < 0:
            raise forms.ValidationError("CAF staff must be 0 or more")
        return value
