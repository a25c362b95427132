"""What `fame run`, `fame serve` and `fame demo` share: seeding a demo region and its logins."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import Style

from fame.accounts.models import Organisation
from fame.accounts.seeding import (
    DEMO_PASSWORD,
    RegionFileError,
    demo_logins,
    load_region,
    read_region,
)
from fame.directory.seeding import seed_demo_directory
from fame.readiness import seeding as readiness_seeding
from fame.sharing.seeding import seed_demo_protocol


def make_region(region_dir: Path, *, children: int, seed: int, say: Any) -> None:
    """Write a synthetic region into ``region_dir`` unless one is already there."""
    if not (region_dir / "region.json").exists():
        say(f"Making a demo region of {children:,} children…")
        call_command("synth", children=children, seed=seed, out=str(region_dir))


def seed_accounts(region_dir: Path, *, again: bool = True) -> dict[str, Any]:
    """Load the region's organisations and practitioners (demo password, demo authenticators)
    and the demo's regional information-sharing protocol and readiness round.

    With ``again=False`` a register that already has organisations is left as it is.
    """
    try:
        region = read_region(region_dir / "region.json")
        if again or not Organisation.objects.exists():
            personas = frozenset(region.get("demo_logins", {}).values())
            load_region(region, demo_password=DEMO_PASSWORD, authenticators_for=personas)
        officer = region.get("demo_logins", {}).get("isa_officer")
        if officer:  # once; a protocol an ISA officer has since changed is theirs
            seed_demo_protocol(isa_officer_username=officer)
        # once; a round its people have since answered or moderated is theirs
        readiness_seeding.seed_demo_round(
            logins=region.get("demo_logins", {}), seed=int(region.get("seed", 0))
        )
        seed_demo_directory(region_dir)  # once; the editors' changes since are theirs
    except RegionFileError as error:
        raise CommandError(f"{error}. Delete {region_dir} to make a new region.") from None
    return region


def hub_with_demo_region(folder: Path, *, children: int, seed: int) -> Path:
    """A demo region made in ``folder/region`` and loaded into this hub as ``fame demo``
    would: its accounts (demo logins with authenticators) and its agencies' records in the
    Child Index (copied to ``folder/records``, without the linkage truth). For tests and
    benchmarks of a hub on its own."""
    region = folder / "region"
    call_command("synth", children=children, seed=seed, out=str(region), stdout=StringIO())
    seed_accounts(region)
    records = folder / "records"
    records.mkdir()
    for path in region.glob("*.csv"):
        if path.name != "truth.csv":
            (records / path.name).write_bytes(path.read_bytes())
    call_command("index", "load", str(records), stdout=StringIO())
    return region


def login_lines(region: dict[str, Any], url: str, style: Style) -> list[str]:
    """The lines that tell a person where FAME is and how to sign in to the demo."""
    lines = [
        "",
        style.SUCCESS(f"FAME is starting on {url}"),
        "",
        style.WARNING("DEMO ONLY: made-up people and shared secrets; never use for real."),
        f"Password for every demo login: {DEMO_PASSWORD}",
        "Security code: add the secret to an authenticator app, or run `fame totp USERNAME`.",
        "",
        f"{'who':<20} {'username':<32} {'authenticator secret':<34} organisation",
    ]
    for login in demo_logins(region):
        row = f"{login.persona:<20} {login.username:<32} {login.totp_secret:<34}"
        lines.append(f"{row} {login.organisation}")
    lines.append("")
    if "directory_editor" in region.get("demo_logins", {}):
        lines += [
            "Service directory: anyone searches it at /directory/; directory_editor keeps it "
            "current (/directory/review/).",
            "",
        ]
    readiness = readiness_seeding.login_lines(region.get("demo_logins", {}))
    if readiness:
        lines += [*readiness, ""]
    return lines
