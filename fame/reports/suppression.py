"""Small numbers suppressed, as official statistics do (ADR 0037).

A count from 1 to 4 could point at a child or a family; outside the CAF co-ordinator's
team it is never shown as it is: pages say "fewer than 5" and downloaded files "<5".
Nought stays nought (nothing to point at). Figures worked out from a count (a median, a
rate) are not shown when the count they rest on is small.
"""

from __future__ import annotations

SMALLEST_SHOWN = 5
ON_PAGES = "fewer than 5"
IN_FILES = "<5"


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALLEST_SHOWN


def on_page(count: int | None, *, suppress: bool = True) -> str:
    """``count`` as a page shows it."""
    if count is None:
        return "\u2013"  # an en dash: nothing to show
    if suppress and is_small(count):
        return ON_PAGES
    return f"{count:,}"


def in_file(count: int | None) -> str | int:
    """``count`` as a downloaded file holds it: always suppressed."""
    if count is None:
        return ""
    return IN_FILES if is_small(count) else count
