"""The synthetic region generator: organisations, practitioners and children with realistic errors.

``generate_region`` makes a region in memory and ``write_region`` writes it to
a folder; ``fame synth`` does both from the command line.
"""

from .generator import PROGRESS_STEPS_PER_CHILD, REFERENCE_DATE, Region, TruthRow, generate_region
from .writer import REGION_FILE, TRUTH_FILE, region_json, remove_region, write_region

__all__ = [
    "PROGRESS_STEPS_PER_CHILD",
    "REFERENCE_DATE",
    "REGION_FILE",
    "TRUTH_FILE",
    "Region",
    "TruthRow",
    "generate_region",
    "region_json",
    "remove_region",
    "write_region",
]
