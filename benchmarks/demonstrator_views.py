"""Frames a second of the demonstrator's Technology view, in headless Chromium.

    PYTHONPATH=. .venv/bin/python benchmarks/demonstrator_views.py [--seconds 10] [--speed 86400]

Prints one JSON object and appends it to ``benchmarks/results/demonstrator-views-<date>.jsonl``.
The goal (the issue): a regional run animates at 30 frames a second or better with 2,000
moving items. The harness serves FAME from a throwaway SQLite database in a temporary
folder (Django's live server thread, as the browser tests use), signs in a made-up board
member with an authenticator, opens the Technology view of the regional
``index_caf_federated`` run, plays it at ``--speed`` (simulated seconds a second) and for
``--seconds`` counts ``requestAnimationFrame`` callbacks and, each frame, the messages
moving (``window.fameDemonstrator.technology.inFlight``). Beside it, in the same run, the
peer: the same view with ``?draw=svg``, where D3 joins one SVG circle per message (the
obvious alternative to the canvas). And the machine's reference loop (``_machine``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _machine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "correct-horse-battery-staple"  # noqa: S105  (a made-up user in a throwaway database)
MEASURE = """async (seconds) => {
  const hook = window.fameDemonstrator.technology
  const moving = []; const gaps = []
  const started = performance.now(); let last = started; let frames = 0
  await new Promise((done) => {
    function frame (now) {
      frames++; gaps.push(now - last); last = now; moving.push(hook.inFlight)
      if (now - started < seconds * 1000) requestAnimationFrame(frame); else done()
    }
    requestAnimationFrame(frame)
  })
  const elapsed = (performance.now() - started) / 1000
  moving.sort((a, b) => a - b); gaps.sort((a, b) => a - b)
  const at = (list, q) => list[Math.min(list.length - 1, Math.floor(q * list.length))]
  return {
    frames, seconds: elapsed, fps: frames / elapsed,
    frame_ms_median: at(gaps, 0.5), frame_ms_p95: at(gaps, 0.95),
    moving_min: moving[0], moving_median: at(moving, 0.5), moving_max: moving[moving.length - 1],
    sim_day_at_end: window.fameDemonstrator.player.state.t
  }
}"""


def _prepare(folder: Path) -> None:
    os.environ["FAME_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("FAME_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API beside the ORM
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _board_member() -> Any:
    """A made-up partnership board member with an authenticator; their TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fame.accounts.models import Organisation, OrganisationType, User

    organisation = Organisation.objects.create(
        agency_id="hlt-900", name="Benchmark Health", type=OrganisationType.HEALTH_TRUST
    )
    user = User.objects.create_user(
        "bench-board",
        password=PASSWORD,
        first_name="Bench",
        last_name="Board",
        organisation=organisation,
        job_title="Partnership board member",
        roles=["caf_coordinator"],
    )
    return TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)


def _code(device: Any) -> str:
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _serve() -> Any:
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", lambda app: app, port=0)  # WhiteNoise serves assets
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def _measure(page: Any, url: str, *, speed: int, seconds: float) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_selector("body[data-demonstrator-ready=true]", timeout=180_000)
    page.wait_for_function("() => window.fameDemonstrator.technology.frames > 0")
    page.select_option("#speed", str(speed))
    page.evaluate("() => window.fameDemonstrator.player.seek(30)")  # a month in: steady
    page.click("#play")
    page.wait_for_timeout(2000)  # warm up
    return page.evaluate(MEASURE, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--speed", type=int, default=86400, help="simulated seconds a second")
    parser.add_argument("--scenario", default="regional")
    parser.add_argument("--approach", default="index_caf_federated")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("This benchmark needs Chromium (the Debian package chromium).")
    machine = _machine.start()
    with tempfile.TemporaryDirectory(prefix="fame-views-bench-") as folder:
        _prepare(Path(folder))
        device = _board_member()
        server = _serve()
        base = f"http://127.0.0.1:{server.port}"
        query = f"scenario={args.scenario}&approach={args.approach}&seed=2026&replication=0"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{base}/sign-in")
            page.get_by_label("Username").fill("bench-board")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Continue").click()
            page.get_by_label("Security code").fill(_code(device))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state("load")
            view = f"{base}/demonstrator/technology?{query}"
            canvas = _measure(page, view, speed=args.speed, seconds=args.seconds)
            svg = _measure(page, f"{view}&draw=svg", speed=args.speed, seconds=args.seconds)
            browser.close()
        server.terminate()
    result = {
        "date": date.today().isoformat(),
        "scenario": args.scenario,
        "approach": args.approach,
        "speed": args.speed,
        "seconds": args.seconds,
        "goal": {"fps": 30, "moving": 2000},
        "canvas": {k: round(v, 2) if isinstance(v, float) else v for k, v in canvas.items()},
        "peer_svg_d3_join": {k: round(v, 2) if isinstance(v, float) else v for k, v in svg.items()},
        "chromium": chromium,
        "machine": _machine.finish(machine),
    }
    line = json.dumps(result)
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / f"demonstrator-views-{result['date']}.jsonl").open("a") as out:
        out.write(line + "\n")
    print(line)


if __name__ == "__main__":
    main()
