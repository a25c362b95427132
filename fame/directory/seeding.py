"""The demo hub's service directory: the synthetic region's feed and postcodes, loaded once."""

from __future__ import annotations

import json
from pathlib import Path

from .feed import ImportReport, import_feed
from .models import Postcode, Service
from .postcodes import load_postcodes

FEED = Path("directory") / "directory.json"
POSTCODES = Path("directory") / "postcodes.csv"


def seed_demo_directory(region_dir: Path) -> ImportReport | None:
    """Load ``fame synth``'s directory and postcodes into an empty directory; a directory that
    has services already (the editors' work since) is left as it is. None when there was
    nothing to do (or the region was made before the directory was)."""
    if not (region_dir / FEED).is_file():
        return None
    if not Postcode.objects.exists() and (region_dir / POSTCODES).is_file():
        load_postcodes((region_dir / POSTCODES).read_text(encoding="utf-8"))
    if Service.objects.exists():
        return None
    return import_feed(json.loads((region_dir / FEED).read_text(encoding="utf-8")))
