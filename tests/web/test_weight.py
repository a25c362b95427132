"""Match weights on the review pages: one decimal place, never "-0.0"."""

from __future__ import annotations

import pytest

from fame.web.jinja import weight


@pytest.mark.parametrize(
    ("value", "signed", "shown"),
    [
        (-0.04, False, "0.0"),
        (-0.04, True, "0.0"),
        (0.04, True, "0.0"),
        (-0.0, False, "0.0"),
        (2.26, False, "2.3"),
        (2.26, True, "+2.3"),
        (-3.05, True, "-3.0"),
        (-0.05, False, "-0.1"),
    ],
)
def test_weight_to_one_place_never_minus_zero(value, signed, shown):
    assert weight(value, signed=signed) == shown
