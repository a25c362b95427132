"""Latency of the live views: from an audited action's commit to the open page having it.

    .venv/bin/python benchmarks/demonstrator_live.py [--actions 20] [--gap 2.0]

Prints one JSON object. The goal (issue 13): a live event reaches the open views
within 2 seconds. A demo region (``fame synth``, its accounts and its records in
the Child Index) is loaded into a fresh SQLite database under var/bench/, and
the hub is served on loopback by Django's threaded live server, in this
process. Headless Chromium (Playwright, the system Chromium) signs in as the
region's partnership officer and opens the four perspectives live. Then the
region's school teacher searches for a child and opens the record ``--actions``
times, through the hub's pages, at random moments (``--gap`` seconds apart on
average); each search and each record opened is an audited action the feed
turns into an event. For each, the time from its audit record's commit (a
``transaction.on_commit`` hook, in this process) to the moment each page has it
(``arrivals`` on ``window.fameDemonstrator``: the page's source added it and
its views were told) is measured: median, 95th percentile and maximum.

Beside it, as peers on the same machine: the same events as a bare EventSource
on the feed receives them in a page with no views (what the views cost), and
the feed's poll interval (the hub looks at the audit log once a second, so
that sets most of the figure); and the machine's reference loop (``_machine``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _machine

ROOT = Path(__file__).resolve().parent.parent
PERSPECTIVES = ("management", "client", "practitioner", "technology")
BARE = """() => {
  window.bare = new Map()
  const source = new EventSource('/demonstrator/feed')
  source.addEventListener('activity', (m) => {
    window.bare.set(Number(m.lastEventId), performance.timeOrigin + performance.now())
  })
}"""


def _region(data: Path) -> Path:
    from django.core.management import call_command

    from fame.web.management.commands._region import hub_with_demo_region

    call_command("migrate", verbosity=0)
    return hub_with_demo_region(data, children=200, seed=11)


def _sign_in(page: Any, base: str, username: str) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fame.accounts.seeding import DEMO_PASSWORD

    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/security-code")
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Security code").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")


def _summary(latencies: list[float]) -> dict[str, float | int | None]:
    if not latencies:
        return {"events": 0, "median_s": None, "p95_s": None, "max_s": None}
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "events": len(ordered),
        "median_s": round(statistics.median(ordered), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=20)
    parser.add_argument("--gap", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    machine = _machine.start()
    data = ROOT / "var" / "bench" / "demonstrator-live"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ.update(FAME_ENV="development", FAME_DATA_DIR=str(data))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API beside the ORM
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from fame.accounts.models import User
    from fame.accounts.seeding import DEMO_PASSWORD
    from fame.audit.models import AuditEvent
    from fame.demonstrator.drive import Played, Practitioner, region_children
    from fame.demonstrator.feed import POLL_SECONDS
    from fame.demonstrator.live import ACTIVITIES

    settings.ALLOWED_HOSTS = ["*"]
    region = _region(data)
    logins = json.loads((region / "region.json").read_text())["demo_logins"]
    committed: dict[int, float] = {}

    def on_saved(sender: Any, instance: AuditEvent, created: bool, **_: Any) -> None:
        if created and instance.action in ACTIVITIES:
            seq = instance.seq
            transaction.on_commit(lambda: committed.__setitem__(seq, time.time() * 1000))

    post_save.connect(on_saved, sender=AuditEvent)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rng = random.Random(args.seed)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        first = context.new_page()
        _sign_in(first, base, logins["partnership_officer"])
        pages = [first] + [context.new_page() for _ in PERSPECTIVES[1:]]
        for page, perspective in zip(pages, PERSPECTIVES, strict=True):
            page.goto(f"{base}/demonstrator/{perspective}?live=1")
            page.wait_for_function("() => document.body.dataset.demonstratorReady === 'true'")
        bare = context.new_page()
        bare.goto(f"{base}/demonstrator/")
        bare.evaluate(BARE)
        time.sleep(2)  # every feed connected and caught up with the last hour
        before = set(committed)
        teacher = User.objects.get(username=logins["school_teacher"])
        searching = Practitioner(base, teacher, DEMO_PASSWORD)
        children = region_children(region)
        played = Played()
        for _ in range(args.actions):
            time.sleep(rng.uniform(0, 2 * args.gap))
            searching.search_and_open(rng.choice(children), played)
        time.sleep(2 * POLL_SECONDS + 2)  # the last ones arrive
        wanted = {seq: at for seq, at in committed.items() if seq not in before}
        views: list[float] = []
        shown = {}
        for page, perspective in zip(pages, PERSPECTIVES, strict=True):
            arrivals = dict(
                page.evaluate("() => [...window.fameDemonstrator.runs[0].arrivals.entries()]")
            )
            views += [(arrivals[seq] - at) / 1000 for seq, at in wanted.items() if seq in arrivals]
            status = page.locator("#demonstrator-status").text_content() or ""
            shown[perspective] = "could not be shown" not in status
        raw = dict(bare.evaluate("() => [...window.bare.entries()]"))
        peer = [(raw[seq] - at) / 1000 for seq, at in wanted.items() if seq in raw]
        missing = len(pages) * len(wanted) - len(views)
        searching.client.close()
        browser.close()
    server.terminate()
    print(
        json.dumps(
            {
                "actions": args.actions,
                "searches": played.searches,
                "records_opened": played.opened,
                "events": len(wanted),
                "pages": len(PERSPECTIVES),
                "views_shown": shown,
                "commit_to_page_s": _summary(views),
                "not_arrived": missing,
                "goal_s": 2,
                "peer_bare_eventsource_s": _summary(peer),
                "feed_poll_interval_s": POLL_SECONDS,
                "machine": _machine.finish(machine),
            }
        )
    )


if __name__ == "__main__":
    main()
