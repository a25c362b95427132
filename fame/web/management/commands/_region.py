"""What `fame run`, `fame serve` and `fame demo` share: seeding a demo region and its logins."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import Style
from django.utils import timezone

from fame.accounts.history import play_training_history
from fame.accounts.models import Organisation
from fame.accounts.seeding import (
    DEMO_PASSWORD,
    RegionFileError,
    demo_logins,
    load_region,
    read_region,
)
from fame.caf.hub.budget import pounds
from fame.caf.hub.budget_history import BudgetPlan, play_budget_history
from fame.caf.models.node import Assessment
from fame.caf.node.history import HistoryReport, play_history
from fame.directory.seeding import seed_demo_directory
from fame.federation.history import play_detail_requests
from fame.index.history import play_search_history
from fame.readiness import seeding as readiness_seeding
from fame.reports.seeding import seed_comparators
from fame.sharing.history import play_consent_history
from fame.sharing.seeding import seed_demo_protocol


def make_region(region_dir: Path, *, children: int, seed: int, say: Any) -> None:
    """Write a synthetic region into ``region_dir`` unless one is already there."""
    if not (region_dir / "region.json").exists():
        say(f"Making a demo region of {children:,} children…")
        call_command("synth", children=children, seed=seed, out=str(region_dir))


def seed_accounts(
    region_dir: Path, *, again: bool = True, password: str = DEMO_PASSWORD
) -> dict[str, Any]:
    """Load the region's organisations and practitioners (``password``, the demo's unless
    said, and demo authenticators) and the demo's regional information-sharing protocol
    and readiness round.

    With ``again=False`` a register that already has organisations is left as it is.
    """
    try:
        region = read_region(region_dir / "region.json")
        if again or not Organisation.objects.exists():
            personas = frozenset(region.get("demo_logins", {}).values())
            load_region(region, demo_password=password, authenticators_for=personas)
        officer = region.get("demo_logins", {}).get("isa_officer")
        if officer:  # once; a protocol an ISA officer has since changed is theirs
            seed_demo_protocol(isa_officer_username=officer)
        # once; a round its people have since answered or moderated is theirs
        readiness_seeding.seed_demo_round(
            logins=region.get("demo_logins", {}), seed=int(region.get("seed", 0))
        )
        seed_comparators(logins=region.get("demo_logins", {}))  # once, as seed 004 gives them
        seed_demo_directory(region_dir)  # once; the editors' changes since are theirs
    except RegionFileError as error:
        raise CommandError(f"{error}. Delete {region_dir} to make a new region.") from None
    return region


def play_demo_history(region_dir: Path, *, say: Any) -> HistoryReport | None:
    """Once, on a node with its agencies' records imported: play the region's last three years
    of CAFs through the node's own actions (not again on resume: a node with CAFs keeps them).
    """
    if settings.PRODUCTION or Assessment.objects.exists():
        return None
    if not (region_dir / "truth.csv").exists():
        say(f"No history played: {region_dir} has no truth.csv to say whose records are whose.")
        return None
    seed = int(read_region(region_dir / "region.json").get("seed", 0))
    report = play_history(region_dir=region_dir, seed=seed)
    say(
        f"Played three years of CAF history in {report.seconds:.1f} s: {report.cafs} CAFs, "
        f"{report.meetings} meetings, {report.reviews} reviews, {report.escalations} "
        f"escalations, {report.closed} closed ({report.stepped_up} stepped up)."
    )
    return report


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


def play_hub_history(region: dict[str, Any], *, say: Any) -> int:
    """Once, on the hub: three years of training sessions and who took their places."""
    if settings.PRODUCTION:
        return 0
    sessions = play_training_history(seed=int(region.get("seed", 0)), today=timezone.localdate())
    if sessions:
        say(f"Recorded three years of training: {sessions} sessions.")
    return sessions


def play_demo_budgets(region: dict[str, Any], *, say: Any) -> BudgetPlan | None:
    """Once, on a hub that holds the CAF facts of the region's history: the CAF budgets the
    co-ordinator allocated and the Lead Professionals spent (``fame.caf.hub.budget_history``)."""
    if settings.PRODUCTION:
        return None
    plan = play_budget_history(
        int(region.get("seed", 0)),
        today=timezone.localdate(),
        coordinator=region.get("demo_logins", {}).get("caf_coordinator"),
    )
    if plan is not None:
        say(
            f"Played {len(plan.stories)} CAF budgets: {pounds(plan.allocated)} allocated, "
            f"{pounds(plan.committed)} committed, {pounds(plan.spent)} spent."
        )
    return plan


def play_demo_hub_history(region: dict[str, Any], *, say: Any) -> None:
    """Once, on a hub that holds the CAF facts of the region's history: the consents families
    gave (and withdrew), practitioners' searches and records opened over the three years, the
    CAF budgets, then a handful of detail requests made now, shared and refused. Each part is
    played once: a hub that has any of its kind keeps them."""
    if settings.PRODUCTION:
        return
    seed = int(region.get("seed", 0))
    today = timezone.localdate()
    given, withdrawn = play_consent_history(seed=seed, today=today)
    if given:
        say(f"Recorded {given} consents ({withdrawn} withdrawn since).")
    searches, opened = play_search_history(seed=seed, today=today)
    if searches:
        say(f"Played {searches} searches of the Child Index ({opened} records opened).")
    play_demo_budgets(region, say=say)
    outcomes = play_detail_requests(seed=seed)
    if outcomes:
        said = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        say(f"Asked {sum(outcomes.values())} detail requests now: {said}.")


def region_with_history(folder: Path, *, children: int, seed: int) -> HistoryReport:
    """A demo region in ``folder/region`` on this process as hub and node (as ``fame run``
    makes it), its records delivered to the Child Index and three years of CAF history played
    at the node and delivered to the hub, the consents its families gave and withdrew
    recorded at the hub, three years of searches and records opened, the CAF budgets played
    at the hub and a handful of detail requests asked now (``play_demo_hub_history``). For
    tests and benchmarks; the federation client must reach this process (a test's in-process
    transport, or the URLs of a served one)."""
    from fame.federation.actions import register_node
    from fame.federation.keys import public_pem
    from fame.node.actions import host_agencies, trust_key
    from fame.node.outbox import backlog, deliver_once

    region_dir = folder / "region"
    call_command("synth", children=children, seed=seed, out=str(region_dir), stdout=StringIO())
    region = seed_accounts(region_dir)
    play_hub_history(region, say=lambda line: None)
    agencies = {org["agency_id"]: org["name"] for org in region["organisations"]}
    register_node(
        name=settings.FAME_NODE_NAME,
        base_url=settings.FAME_PUBLIC_URL,
        agencies=list(agencies),
        public_key=public_pem(),
        by="history",
    )
    trust_key(name="hub", public_key=public_pem(), base_url=settings.FAME_PUBLIC_URL)
    host_agencies(agencies=agencies, by="history")
    call_command("node", "import", str(region_dir), stdout=StringIO())
    report = play_demo_history(region_dir, say=lambda line: None)
    while backlog():
        delivered = deliver_once(batch=500)
        if delivered.error or delivered.rejected or not delivered.sent:
            raise CommandError(f"The hub did not take the region's history: {delivered}")
    assert report is not None
    play_demo_hub_history(region, say=lambda line: None)
    return report


def login_lines(
    region: dict[str, Any], url: str, style: Style, *, password: str = DEMO_PASSWORD
) -> list[str]:
    """The lines that tell a person where FAME is and how to sign in to the demo (or to a
    made-up region whose accounts were given ``password``)."""
    code = (
        "Security code: add the secret to an authenticator app."
        if settings.PRODUCTION
        else "Security code: add the secret to an authenticator app, or run `fame totp USERNAME`."
    )
    lines = [
        "",
        style.SUCCESS(f"FAME is starting on {url}"),
        "",
        style.WARNING("DEMO ONLY: made-up people and shared secrets; never use for real."),
        f"Password for every demo login: {password}",
        code,
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
