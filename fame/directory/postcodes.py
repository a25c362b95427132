"""Where postcodes are, and how far apart two places are.

FAME runs with no internet, so it cannot ask a postcode service where a postcode is: a file of
postcodes with their latitude and longitude is loaded once (``fame directory postcodes FILE``;
``fame synth`` writes one for the synthetic region) and search measures from there.
Distance is the great-circle (haversine) distance, which is what "within 5 km" means to a
family; it is not the travelling distance.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

from django.db import transaction

from .models import Postcode

EARTH_RADIUS_KM = 6371.0088
_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise(postcode: str) -> str:
    """A postcode as it is kept: capitals, one space before the last three characters."""
    squeezed = re.sub(r"\s+", "", postcode or "").upper()
    return f"{squeezed[:-3]} {squeezed[-3:]}" if len(squeezed) > 3 else squeezed


def looks_like_postcode(postcode: str) -> bool:
    return bool(_SHAPE.match(normalise(postcode)))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def locate(postcode: str) -> tuple[float, float] | None:
    """Where a postcode is, or None when it is not in the loaded file."""
    found = Postcode.objects.filter(postcode=normalise(postcode)).first()
    return None if found is None else (found.latitude, found.longitude)


@dataclass
class PostcodeLoad:
    loaded: int
    refused: list[str]


def load_postcodes(text: str) -> PostcodeLoad:
    """Keep the postcodes of a CSV with columns ``postcode,latitude,longitude``; each bad line
    is refused by its line number and the rest kept (a postcode already known is moved)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"postcode", "latitude", "longitude"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(
            "the file needs the columns postcode, latitude and longitude "
            f"(missing: {', '.join(sorted(missing))})"
        )
    rows: dict[str, Postcode] = {}
    refused: list[str] = []
    for row in reader:
        line = reader.line_num
        code = normalise(row["postcode"] or "")
        if not looks_like_postcode(code):
            refused.append(f"line {line}: postcode {row['postcode']!r} is not a UK postcode")
            continue
        try:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
        except (TypeError, ValueError):
            refused.append(f"line {line}: latitude and longitude must be numbers")
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            refused.append(f"line {line}: latitude or longitude out of range")
            continue
        rows[code] = Postcode(postcode=code, latitude=latitude, longitude=longitude)
    with transaction.atomic():
        Postcode.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude"],
        )
    return PostcodeLoad(loaded=len(rows), refused=refused)
