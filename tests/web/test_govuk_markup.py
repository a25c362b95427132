"""Text and date inputs are rendered once for each shape and their typed values put in:
the HTML is the GOV.UK macro's own, byte for byte, whatever was typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import engines
from markupsafe import Markup

import fame.web.govuk_markup as kept
from fame.index.forms import InvolvementForm, SearchForm
from fame.web.govuk_markup import govuk_markup

from ..conftest import signed_in_client

# The fields of the search page and of a form with a required date, as their pages call them.
PAGE = """{% import "web/fields.html" as fields %}
{{ fields.error_summary(form) }}
{% if form.fields.family_name %}
{{ fields.input(form, "family_name", autocomplete="off", spellcheck=false,
                 classes="govuk-!-width-one-half") }}
{{ fields.input(form, "given_name", autocomplete="off", spellcheck=false,
                 classes="govuk-!-width-one-half") }}
{{ fields.date(form, "date_of_birth", hint="For example, 27 3 2019") }}
{{ fields.input(form, "postcode", autocomplete="off", spellcheck=false,
                 classes="govuk-input--width-10") }}
{% else %}
{{ fields.input(form, "service", hint="For example, Family support", label_size="govuk-label--s") }}
{{ fields.date(form, "started_on") }}
{% endif %}
"""

TYPED = [
    "Smith",
    "",
    "O'Brien",
    'Dr "Who" <b>bold</b> & co',
    "<script>alert(1)</script>",
    "  padded  ",
    "Zoë Łukasz 山田",
    "two\nlines",
    "carriage\rreturn",
    "{{ 7 * 7 }}",
    "%s {0} \\1 \\g<0>",
]


def both(form: Any) -> tuple[str, str]:
    """The fields rendered as the pages render them, and by calling the GOV.UK macros."""
    env = engines["jinja"].env  # type: ignore[attr-defined]
    old = env.overlay(cache_size=0)  # templates compiled afresh, with the direct calls
    old.globals = {**env.globals, "govuk_markup": lambda macro, params: macro(params)}
    context = {"form": form}
    return env.from_string(PAGE).render(context), old.from_string(PAGE).render(context)


@pytest.mark.parametrize("typed", TYPED)
def test_the_search_forms_fields_are_the_macros_html_whatever_was_typed(typed: str) -> None:
    for data in (
        {"family_name": typed, "date_of_birth-day": typed, "date_of_birth-month": "3"},
        {"family_name": typed, "given_name": typed, "postcode": typed, "date_of_birth-year": ""},
        {"family_name": "Ward", "date_of_birth-day": "27", "date_of_birth-month": "3",
         "date_of_birth-year": typed},
    ):  # fmt: skip
        form = SearchForm(data)
        form.is_valid()
        new, old = both(form)
        assert new == old
        if "".join(typed.splitlines()) == typed:  # a line break is indented by the date input
            assert str(Markup.escape(typed.strip())) in new


def test_empty_valid_and_refused_forms_give_the_same_html() -> None:
    forms: list[Any] = [SearchForm(), InvolvementForm()]
    valid = SearchForm(
        {
            "family_name": "Ward",
            "date_of_birth-day": "27",
            "date_of_birth-month": "3",
            "date_of_birth-year": "2019",
        }
    )
    assert valid.is_valid()
    refused = SearchForm({"family_name": "", "date_of_birth-day": "31", "date_of_birth-month": "2"})
    assert not refused.is_valid() and refused.errors
    involvement = InvolvementForm({"service": "<Family & support>", "started_on-day": "x"})
    assert not involvement.is_valid()
    for form in [*forms, valid, refused, involvement]:
        new, old = both(form)
        assert new == old
        assert "govuk-input" in new


def test_a_shape_is_rendered_once_and_each_value_goes_in_escaped() -> None:
    calls: list[dict[str, Any]] = []

    def macro(params: dict[str, Any]) -> Markup:
        calls.append(params)
        return Markup('<input class="{}" value="{}">').format(params["classes"], params["value"])

    first = govuk_markup(macro, {"classes": "govuk-input", "value": "Ward"})
    second = govuk_markup(macro, {"classes": "govuk-input", "value": 'a"<b>&'})
    assert first == '<input class="govuk-input" value="Ward">'
    assert second == '<input class="govuk-input" value="a&#34;&lt;b&gt;&amp;">'
    assert len(calls) == 1
    govuk_markup(macro, {"classes": "govuk-input govuk-input--error", "value": "Ward"})
    assert len(calls) == 2  # another shape


def test_a_value_the_macro_changes_or_repeats_is_left_to_the_macro() -> None:
    calls: list[dict[str, Any]] = []

    def shouting(params: dict[str, Any]) -> Markup:
        calls.append(params)
        return Markup("<p>{}</p>").format(params["value"].upper())

    assert govuk_markup(shouting, {"value": "ward"}) == "<p>WARD</p>"
    assert govuk_markup(shouting, {"value": "cole"}) == "<p>COLE</p>"
    assert [c["value"] for c in calls[-2:]] == ["ward", "cole"]  # each rendered by the macro


def test_values_that_are_not_plain_text_are_left_to_the_macro() -> None:
    def macro(params: dict[str, Any]) -> Markup:
        return Markup("<i>{}</i>").format(params["value"])

    assert govuk_markup(macro, {"value": Markup("<b>kept</b>")}) == "<i><b>kept</b></i>"
    assert govuk_markup(macro, {"value": 7}) == "<i>7</i>"
    assert govuk_markup(macro, {"value": None}) == "<i>None</i>"
    assert govuk_markup(macro, {"value": "x", "other": object()}) == "<i>x</i>"


def test_whole_pages_are_the_same_as_the_macros_make_them(school_teacher, monkeypatch) -> None:
    """The search page, empty, refused and answered, and the home page (header, service
    navigation with its sign-out form, phase banner), against the macros called directly."""

    def pages() -> list[str]:
        client = signed_in_client(school_teacher)
        answers = [
            client.get("/children"),
            client.post("/children", {"family_name": "<Ward>", "date_of_birth-day": "40"}),
            client.post(
                "/children",
                {"family_name": "Ward", "given_name": "Noah", "postcode": "NM4 2PL"},
            ),
            client.get("/"),
        ]
        assert all(answer.status_code == 200 for answer in answers)
        # Each rendering has its own CSRF token mask and script nonce.
        return [
            re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', r'\1="…"', answer.content.decode())
            for answer in answers
        ]

    new = pages()

    def macro_renders(value: Any) -> Any:
        raise kept._NotPlain

    monkeypatch.setattr(kept, "_key", macro_renders)
    old = pages()
    assert "&lt;Ward&gt;" in new[1] and "govuk-service-navigation" in new[3]
    for new_page, old_page in zip(new, old, strict=True):
        assert new_page == old_page
