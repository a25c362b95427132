"""The directory's forms: searching (public) and keeping an entry current (editors)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Service, ServiceTerm, TaxonomyTerm
from .postcodes import locate, looks_like_postcode, normalise

DISTANCES = (1, 2, 5, 10, 20, 50)
DEFAULT_DISTANCE = 5
#: The link type the synthetic and our own entries give a referral route (not a need).
ROUTE_LINK = "referral_route"


def need_choices() -> list[tuple[str, str]]:
    """The needs services are filed under (not how they are reached), by name."""
    used = ServiceTerm.objects.exclude(link_type=ROUTE_LINK).values_list("term_id", flat=True)
    terms = TaxonomyTerm.objects.filter(id__in=used).order_by("name")
    return [(term.id, term.name) for term in terms]


class SearchForm(forms.Form):
    need = forms.ChoiceField(
        label="What do you need help with?",
        required=False,
        error_messages={"invalid_choice": "Select a need from the list"},
    )
    q = forms.CharField(
        label="Words to look for",
        max_length=100,
        required=False,
        error_messages={"max_length": "Words to look for must be 100 characters or fewer"},
    )
    age = forms.IntegerField(
        label="Age of the child or young person",
        required=False,
        min_value=0,
        max_value=25,
        error_messages={
            "invalid": "Enter the age in whole years, like 7",
            "min_value": "The age must be 0 or more",
            "max_value": "The age must be 25 or less",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": "Enter a postcode, like QN1 2AB"},
    )
    distance = forms.TypedChoiceField(
        label="Distance",
        coerce=int,
        required=False,
        choices=[(str(km), f"Within {km} km") for km in DISTANCES],
        error_messages={"invalid_choice": "Select a distance from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", "Any need"), *need_choices()]  # type: ignore[attr-defined]
        self.centre: tuple[float, float] | None = None

    def clean_postcode(self) -> str:
        given = (self.cleaned_data.get("postcode") or "").strip()
        if not given:
            return ""
        if not looks_like_postcode(given):
            raise forms.ValidationError("Enter a real postcode, like QN1 2AB")
        self.centre = locate(given)
        if self.centre is None:
            raise forms.ValidationError(
                f"We do not know where {normalise(given)} is. Check the postcode, or search "
                "without one"
            )
        return normalise(given)


class ServiceForm(forms.Form):
    """What an editor keeps current on an entry (the rest comes with the feed)."""

    name = forms.CharField(
        label="Name of the service",
        max_length=300,
        error_messages={
            "required": "Enter the name of the service",
            "max_length": "The name must be 300 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What the service offers",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter what the service offers",
            "max_length": "What the service offers must be 5,000 characters or fewer",
        },
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Service.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the service"},
    )
    needs = forms.MultipleChoiceField(
        label="Needs it helps with",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one need",
            "invalid_choice": "Select needs from the list",
        },
    )
    minimum_age = forms.IntegerField(
        label="Youngest age (years)",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the youngest age in whole years, like 5"},
    )
    maximum_age = forms.IntegerField(
        label="Oldest age (years)",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the oldest age in whole years, like 18"},
    )
    when = forms.CharField(
        label="When it runs",
        max_length=500,
        required=False,
        help_text="For example, Tuesdays, 10:00 to 12:00",
        error_messages={"max_length": "When it runs must be 500 characters or fewer"},
    )
    fees = forms.CharField(
        label="Cost",
        max_length=500,
        required=False,
        help_text="For example, Free, or £1.50 a session",
        error_messages={"max_length": "The cost must be 500 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address for referrals",
        required=False,
        max_length=300,
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )
    phone = forms.CharField(
        label="Phone number for referrals",
        max_length=50,
        required=False,
        error_messages={"max_length": "The phone number must be 50 characters or fewer"},
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_choices() or [  # type: ignore[attr-defined]
            (term.id, term.name) for term in TaxonomyTerm.objects.order_by("name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_age", "The oldest age must be the same as or more than the youngest"
            )
        return data
