"""UK postcodes: one written form, and the district and sector they belong to."""

from __future__ import annotations

import re

# Outward code: area (1-2 letters), district digit, then an optional digit or letter
# (A9, A99, A9A, AA9, AA99, AA9A); inward code: a sector digit and two unit letters.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})")
_SPACES = re.compile(r"\s+")


def normalise_postcode(text: str) -> str:
    """The postcode in upper case with one space before the inward code.

    ``"ab1 2cd"`` becomes ``"AB1 2CD"``; blank text becomes ``""``. Raises
    ``ValueError`` when the text is not shaped like a UK postcode.
    """
    compact = _SPACES.sub("", text).upper()
    if not compact:
        return ""
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a UK postcode (for example AB1 2CD)")
    return f"{match.group(1)} {match.group(2)}"


def postcode_parts(postcode: str) -> tuple[str, str]:
    """The district and sector of a postcode: ``"AB12 3CD"`` gives ``("AB12", "AB12 3")``.

    Raises ``ValueError`` for blank text or text that is not a UK postcode.
    """
    normal = normalise_postcode(postcode)
    if not normal:
        raise ValueError("a blank postcode has no district or sector")
    outward, inward = normal.split(" ")
    return outward, f"{outward} {inward[0]}"
