"""A GOV.UK Frontend macro's markup, rendered once for each shape of its parameters.

The GOV.UK macros build their HTML through nested macros (label, hint, error message,
an attributes macro for each element), which costs far more than the page around them:
the search form's four fields were most of the search page's rendering time, and the
header most of the rest. What a component shows is fixed by the page except the values
a person typed, which only ever fill ``value`` attributes, and slots of markup the page
has made (the sign-out form, with its CSRF token), which are written as they are. So
the macro is called once for each shape of its parameters with a marker in place of
each such value, the result is kept, and each rendering puts the values (typed ones
escaped) where the markers are: the same HTML the macro gives, byte for byte, without
calling it again.

Only typed text without line breaks is put in (a date input indents each of its
inputs, which would change a value with a line break); anything else, and any parameter
that is not plain data, is rendered by the macro itself, as is a shape whose markers
do not come out once each, unchanged.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

KEPT_SHAPES = 512
"""How many shapes are kept; the store is emptied when full (error texts may vary)."""

_MARKER = f"fame{secrets.token_hex(12)}v"
_MARKERS = re.compile(re.escape(_MARKER) + r"(\d+)x")
_shapes: dict[tuple[Any, ...], str | None] = {}


class _NotPlain(Exception):
    """A parameter this module does not know how to key: the macro renders it."""


def _key(value: Any) -> Any:
    """A hashable key standing for ``value`` exactly, type included (text and markup differ)."""
    if value is None or type(value) in (bool, int, str):
        return (type(value).__name__, value)
    if type(value) is Markup:
        return ("markup", str(value))
    if isinstance(value, Mapping):
        return ("map", tuple((str(k), _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", tuple(_key(v) for v in value))
    raise _NotPlain


def _typed(value: Any) -> bool:
    """Whether ``value`` is text that can go in for a marker: escaped, it is what the macro
    would write, wherever it falls."""
    return type(value) is str and "".join(value.splitlines()) == value


def govuk_markup(macro: Callable[[dict[str, Any]], Any], params: dict[str, Any]) -> Markup:
    """What ``macro(params)`` renders, ``params``' ``value`` and that of each of its
    ``items`` being what a person typed (GOV.UK input and date input), and each of its
    ``slots`` markup written as it is (GOV.UK service navigation)."""
    values: list[str] = []

    def marked(value: str, *, typed: bool) -> str:
        values.append(str(escape(value)) if typed else str(value))
        return f"{_MARKER}{len(values) - 1}x"

    shaped = dict(params)
    if _typed(params.get("value")):
        shaped["value"] = marked(params["value"], typed=True)
    items = params.get("items")
    if isinstance(items, list):
        shaped["items"] = [
            {**item, "value": marked(item["value"], typed=True)}
            if isinstance(item, Mapping) and _typed(item.get("value"))
            else item
            for item in items
        ]
    slots = params.get("slots")
    if isinstance(slots, Mapping):
        shaped["slots"] = {  # written by the macro as they are, line breaks and all
            name: marked(slot, typed=False) if isinstance(slot, str) and slot else slot
            for name, slot in slots.items()
        }
    try:
        key = (macro, _key(shaped))
    except _NotPlain:
        return Markup(macro(params))  # noqa: S704 - the GOV.UK macro's own markup
    try:
        kept = _shapes[key]
    except KeyError:
        kept = str(macro(shaped))
        if sorted(int(i) for i in _MARKERS.findall(kept)) != list(range(len(values))):
            kept = None  # a value not written once as it was given: the macro renders these
        if len(_shapes) >= KEPT_SHAPES:
            _shapes.clear()
        _shapes[key] = kept
    if kept is None:
        return Markup(macro(params))  # noqa: S704 - the GOV.UK macro's own markup
    given = _MARKERS.sub(lambda found: values[int(found[1])], kept)
    return Markup(given)  # noqa: S704 - the macro's markup, typed values escaped
