"""A GOV.UK form field's markup, rendered by its GOV.UK Frontend macro once for each shape.

The GOV.UK macros build an input's HTML through nested macros (label, hint, error
message, an attributes macro for each element), which costs far more than the page
around them: the search form's four fields were most of the search page's rendering
time. What a field shows is fixed by the page (label, hint, classes, errors) except the
values a person typed, which only ever fill ``value`` attributes. So the macro is called
once for each shape of its parameters with a marker in place of each typed value, the
result is kept, and each rendering puts the escaped values where the markers are: the
same HTML the macro gives, byte for byte, without calling it again.

Only plain text values without line breaks are put in (a date input indents each of its
inputs, which would change a value with a line break); anything else, and any parameter
that is not plain data, is rendered by the macro itself.
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


def field_markup(macro: Callable[[dict[str, Any]], Any], params: dict[str, Any]) -> Markup:
    """What ``macro(params)`` renders, ``params``' ``value`` and that of each of its
    ``items`` being what a person typed (GOV.UK input and date input)."""
    values: list[str] = []
    shaped = dict(params)
    if _typed(params.get("value")):
        values.append(params["value"])
        shaped["value"] = f"{_MARKER}0x"
    items = params.get("items")
    if isinstance(items, list):
        shaped["items"] = []
        for item in items:
            if isinstance(item, Mapping) and _typed(item.get("value")):
                shaped["items"].append({**item, "value": f"{_MARKER}{len(values)}x"})
                values.append(item["value"])
            else:
                shaped["items"].append(item)
    try:
        key = (macro, _key(shaped))
    except _NotPlain:
        return Markup(macro(params))  # noqa: S704 - the GOV.UK macro's own markup
    try:
        kept = _shapes[key]
    except KeyError:
        kept = str(macro(shaped))
        if sorted(int(i) for i in _MARKERS.findall(kept)) != list(range(len(values))):
            kept = None  # a value not written once as it was typed: the macro renders these
        if len(_shapes) >= KEPT_SHAPES:
            _shapes.clear()
        _shapes[key] = kept
    if kept is None:
        return Markup(macro(params))  # noqa: S704 - the GOV.UK macro's own markup
    typed = _MARKERS.sub(lambda found: str(escape(values[int(found[1])])), kept)
    return Markup(typed)  # noqa: S704 - the macro's markup, each typed value escaped
