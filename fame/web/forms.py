"""Form pieces shaped for the GOV.UK Design System (date input, error summary)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class DatePartsWidget(forms.Widget):
    """Reads the three boxes of a GOV.UK date input: ``<name>-day``, ``-month``, ``-year``."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str] | None:
        parts = {part: data.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")}
        return parts if any(parts.values()) else None

    def format_value(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, dict):
            return value
        return {"day": "", "month": "", "year": ""}


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = DatePartsWidget

    def __init__(self, *, label_text: str, past_only: bool = True, **kwargs: Any) -> None:
        self.label_text = label_text
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if not value:
            return None
        missing = [part for part in ("day", "month", "year") if not value.get(part)]
        if missing:
            raise forms.ValidationError(f"{self.label_text} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(value[p]) for p in ("day", "month", "year"))
            result = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{self.label_text} must be a real date") from None
        if year < 1900:
            raise forms.ValidationError(f"{self.label_text} must include a 4-digit year")
        if self.past_only and result > date.today():
            raise forms.ValidationError(f"{self.label_text} must be today or in the past")
        return result


def error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """The items of a GOV.UK error summary, each linked to its field."""
    items: list[dict[str, str]] = []
    for name, errors in form.errors.items():
        if name == "__all__":
            anchor = "#main-content"
        else:
            field = form.fields[name]
            anchor = f"#{form[name].id_for_label}"
            if isinstance(field, DatePartsField):
                anchor = f"#{form[name].auto_id}-day"
            elif isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                anchor = f"#{form[name].auto_id}"
        items.extend({"text": str(error), "href": anchor} for error in errors)
    return items
