"""Postcodes: one written form, and the district and sector they belong to."""

from __future__ import annotations

import pytest

from fame.records import normalise_postcode, postcode_parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab1 2cd", "AB1 2CD"),
        ("AB12 3CD", "AB12 3CD"),
        ("  qn5   1ab ", "QN5 1AB"),
        ("QN51AB", "QN5 1AB"),
        ("w1a 1aa", "W1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_postcode_writes_one_form(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["QN5 1A", "12345", "QN5 1AB2", "Q 1AB", "AB1-2CD"])
def test_normalise_postcode_refuses_text_that_is_not_a_postcode(text: str) -> None:
    with pytest.raises(ValueError, match="is not a UK postcode"):
        normalise_postcode(text)


@pytest.mark.parametrize(
    ("postcode", "district", "sector"),
    [
        ("AB12 3CD", "AB12", "AB12 3"),
        ("qn5 1ab", "QN5", "QN5 1"),
        ("W1A1AA", "W1A", "W1A 1"),
    ],
)
def test_postcode_parts_gives_district_and_sector(
    postcode: str, district: str, sector: str
) -> None:
    assert postcode_parts(postcode) == (district, sector)


@pytest.mark.parametrize("text", ["", "not a postcode"])
def test_postcode_parts_refuses_blank_or_bad_postcodes(text: str) -> None:
    with pytest.raises(ValueError):
        postcode_parts(text)
