"""Drive a running demo region from a scenario: the path from simulation to monitoring.

The scenario's model is run once; then its searches and its requests for
details are played, at ``speed`` simulated days a second, against the hub
through its real pages, as the demo region's practitioners: each signs in with
both factors, searches the Child Index for a child of the region by family name
and date of birth, and opens the first record found for early help; for a
request, they then ask the first other agency the record offers for its
assessment (no consent recorded), and that agency's node decides. The hub
audits all of it as it would a person's work, so the live feed and ``export``
show it.

Demo regions only: it refuses when this process runs in production mode, when
the hub is not on this machine (loopback), or when this data folder holds no
demo logins (only ``fame demo`` and ``fame run`` make them).
"""

from __future__ import annotations

import csv
import ipaddress
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.accounts.models import User

from .compare import run_all
from .events import SIMULATION_START
from .scenario import Scenario

PERSONA_FOR = {
    "school": "school_teacher",
    "health": "health_visitor",
    "gp": "health_visitor",
    "social_care": "social_worker",
    "police": "police_officer",
    "youth": "voluntary_worker",
    "voluntary": "voluntary_worker",
}
"""Whose login plays a practitioner of each agency type (the demo has one of each kind)."""


class DriveRefused(RuntimeError):
    """Driving this hub is not allowed or not possible; the message says why."""


@dataclass
class Played:
    searches: int = 0
    found: int = 0
    opened: int = 0
    asked: int = 0
    failed: list[str] = field(default_factory=list)


class _Links(HTMLParser):
    """The hrefs of a page's links that start with ``prefix``."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(self.prefix):
            self.found.append(href)


def links(html: str, prefix: str) -> list[str]:
    parser = _Links(prefix)
    parser.feed(html)
    return parser.found


def check_demo_hub(hub: str) -> None:
    if settings.PRODUCTION:
        raise DriveRefused(
            "This runs in production mode: drive plays made-up work on demo regions only."
        )
    host = urlsplit(hub).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise DriveRefused(
            f"The hub {hub} is not on this machine: drive plays made-up work on a demo region "
            "started here (`fame demo` or `make run`) only."
        )


class Practitioner:
    """One demo login, signed in to the hub with both factors."""

    def __init__(self, hub: str, user: User, password: str, *, transport: Any = None) -> None:
        self.client = httpx.Client(base_url=hub, timeout=30, transport=transport)
        self.user = user
        try:
            self._sign_in(password)
        except BaseException:
            self.client.close()
            raise

    def _post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        token = self.client.cookies.get("csrftoken") or ""
        return self.client.post(path, data={"csrfmiddlewaretoken": token, **data})

    def _sign_in(self, password: str) -> None:
        self.client.get("/sign-in")
        step = self._post("/sign-in", {"username": self.user.username, "password": password})
        if step.status_code != 302:
            raise DriveRefused(
                f"{self.user.username} could not sign in to the hub (HTTP {step.status_code})."
            )
        device = TOTPDevice.objects.filter(user=self.user, confirmed=True).first()
        if device is None:
            raise DriveRefused(
                f"{self.user.username} has no demo authenticator in this data folder."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        done = self._post("/sign-in/security-code", {"code": f"{totp.token():0{device.digits}d}"})
        if done.status_code != 302:
            raise DriveRefused(f"The hub refused {self.user.username}'s security code.")

    def search_and_open(self, child: dict[str, str], played: Played) -> str | None:
        """Search for ``child`` and open the first record found for early help; the record
        page's address, or None."""
        born = child["date_of_birth"].split("-")
        page = self._post(
            "/children",
            {
                "family_name": child["family_name"],
                "date_of_birth-day": born[2],
                "date_of_birth-month": born[1],
                "date_of_birth-year": born[0],
            },
        )
        played.searches += 1
        if page.status_code != 200:
            played.failed.append(f"search answered HTTP {page.status_code}")
            return None
        results = links(page.text, "/children/results/")
        if not results:
            return None
        played.found += 1
        opened = self._post(results[0], {"purpose": "early_help"})
        if opened.status_code != 302:
            played.failed.append(f"opening a record answered HTTP {opened.status_code}")
            return None
        played.opened += 1
        return opened.headers["location"]

    def ask_for_details(self, record: str, played: Played) -> None:
        """Ask the first other agency the record page offers for its assessment, for early
        help, the family told and no consent recorded: the agency's node decides."""
        asks = links(self.client.get(record).text, f"{record}/ask/")
        if not asks:
            return
        asked = self._post(
            asks[0],
            {"purpose": "early_help", "categories": "assessment", "family_told": "yes",
             "consent": "none"},
        )  # fmt: skip
        if asked.status_code == 302:
            played.asked += 1
        else:
            played.failed.append(f"asking an agency answered HTTP {asked.status_code}")


def region_children(region_dir: Path) -> list[dict[str, str]]:
    """The children the region's agencies hold (their records), to search for."""
    children: list[dict[str, str]] = []
    for path in sorted(region_dir.glob("*.csv")):
        if path.name == "truth.csv":
            continue
        with path.open(encoding="utf-8", newline="") as rows:
            children.extend(
                {"family_name": row["family_name"], "date_of_birth": row["date_of_birth"]}
                for row in csv.DictReader(rows)
                if row.get("family_name") and row.get("date_of_birth")
            )
    if not children:
        raise DriveRefused(f"{region_dir} holds no agency records to search for.")
    return children


@dataclass(frozen=True)
class Step:
    """One thing the model's practitioner does that drive plays: a search, or a request for
    another agency's details (a search and the record opened first, as a person would)."""

    day: float
    agency_type: str
    child: int
    asks: bool = False


def steps_to_play(scenario: Scenario, approach: str, days: float) -> Iterator[Step]:
    """The model's searches and requests for details in its first ``days``, in time order."""
    [(_, _, _, recorder)] = run_all(
        scenario, [approach], replications=1, seed=scenario.seed, jobs=1, keep_events=True
    )
    cafs: dict[str, tuple[str, int]] = {}  # a CAF's assessor's agency type and its child
    for activity, moment, objects, _ in recorder.timed():
        day = (moment - SIMULATION_START).total_seconds() / 86_400
        if day > days:
            return
        by_role = {qualifier: object_id for object_id, qualifier in objects.items()}
        if activity == "CAF started":
            kind = by_role["assessor"].split("-")[1]
            cafs[by_role["assessment"]] = (kind, int(by_role["child"].split("-")[1]))
        elif activity == "details requested" and by_role.get("assessment") in cafs:
            kind, child = cafs[by_role["assessment"]]
            yield Step(day, kind, child, asks=True)
        elif activity == "find who is involved" and "searcher" in by_role:
            yield Step(day, by_role["searcher"].split("-")[1], int(by_role["child"].split("-")[1]))


def drive(
    scenario: Scenario,
    *,
    approach: str,
    hub: str,
    region_dir: Path,
    logins: dict[str, str],
    password: str,
    days: float,
    speed: float,
    transport: Any = None,
    tick: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Played:
    """Play the scenario's searches against ``hub``; what was done."""
    check_demo_hub(hub)
    children = region_children(region_dir)
    users = {u.username: u for u in User.objects.filter(username__in=logins.values())}
    practitioners: dict[str, Practitioner] = {}
    try:
        return _play(
            scenario,
            approach,
            hub,
            children,
            users,
            logins,
            practitioners,
            password=password,
            days=days,
            speed=speed,
            transport=transport,
            tick=tick,
            sleep=sleep,
        )
    finally:
        for practitioner in practitioners.values():
            practitioner.client.close()


def _play(
    scenario: Scenario,
    approach: str,
    hub: str,
    children: list[dict[str, str]],
    users: dict[str, User],
    logins: dict[str, str],
    practitioners: dict[str, Practitioner],
    *,
    password: str,
    days: float,
    speed: float,
    transport: Any,
    tick: Callable[[], None] | None,
    sleep: Callable[[float], None],
) -> Played:
    played = Played()
    started = time.monotonic()
    for step in steps_to_play(scenario, approach, days):
        persona = PERSONA_FOR.get(step.agency_type, "school_teacher")
        username = logins.get(persona)
        if username not in users:
            raise DriveRefused(
                f"This data folder has no demo login for {persona.replace('_', ' ')}."
            )
        if persona not in practitioners:
            practitioners[persona] = Practitioner(
                hub, users[username], password, transport=transport
            )
        wait = step.day / speed - (time.monotonic() - started)
        if wait > 0:
            sleep(wait)
        practitioner = practitioners[persona]
        record = practitioner.search_and_open(children[step.child % len(children)], played)
        if record and step.asks:
            practitioner.ask_for_details(record, played)
        if tick:
            tick()
    return played
