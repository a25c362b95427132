"""The Jinja2 environment: FAME's own templates plus the GOV.UK Frontend macros."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from fame.web.forms import error_list
from fame.web.govuk_markup import govuk_markup


class FameJinja2(Jinja2):
    """Jinja2 that reads ``templates/`` of FAME's own apps only.

    Third-party apps keep Django templates in their ``templates/`` folders; the
    Django template backend renders those.
    """

    app_dirname = "templates"

    @cached_property
    def template_dirs(self) -> tuple[Path, ...]:  # type: ignore[override]
        own = [
            Path(app.path) / self.app_dirname
            for app in apps.get_app_configs()
            if app.name.startswith("fame.")
        ]
        return tuple(Path(d) for d in self.dirs) + tuple(d for d in own if d.is_dir())


def long_date(value: date | str | None, missing: str = "Not known") -> str:
    """A date as GOV.UK writes one ("4 March 2027"), from a date, a datetime or ISO text
    (dates that came over the federation API are text); text that is no date is shown
    as it is. A moment (an aware datetime) is dated where the service is (``TIME_ZONE``)."""
    day: date | None
    if isinstance(value, str):
        try:
            day = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value or missing
    else:
        day = value
    if day is None:
        return missing
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return f"{day.day} {day:%B %Y}"


def long_time(value: datetime | None, missing: str = "Not known") -> str:
    """A moment as GOV.UK writes one, where the service is: "4 March 2027 at 3:05pm",
    "5pm", "midday", "midnight"."""
    if value is None:
        return missing
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    if (moment.hour, moment.minute) == (12, 0):
        clock = "midday"
    elif (moment.hour, moment.minute) == (0, 0):
        clock = "midnight"
    else:
        hour = moment.hour % 12 or 12
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        clock = f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"
    return f"{long_date(moment)} at {clock}"


def weight(value: float, *, signed: bool = False) -> str:
    """A match weight to one decimal place ("+2.3" when ``signed``); one that rounds to zero
    is "0.0", never "-0.0"."""
    rounded = round(float(value), 1)
    if rounded == 0:
        return "0.0"
    return f"{rounded:+.1f}" if signed else f"{rounded:.1f}"


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    own_loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            own_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - autoescape comes from settings.TEMPLATES
    env.globals.update(
        {
            "static": static,
            "url": url,
            "form_error_list": error_list,
            "govuk_markup": govuk_markup,
        }
    )
    env.filters["long_date"] = long_date
    env.filters["long_time"] = long_time
    env.filters["weight"] = weight
    return env
