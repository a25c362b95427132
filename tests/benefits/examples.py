"""The issue's example benefits model, as a fresh dict each time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).with_name("example.json")


def example() -> dict[str, Any]:
    """The model given in the issue, word for word (two partners, five years)."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))
