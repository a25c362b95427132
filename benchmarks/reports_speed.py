"""Management information's speed: `python benchmarks/reports_speed.py [--postgres URL]`.

Builds a region of 100,000 children with 3 years of history in a fresh database
(var/bench/reports-N on SQLite; with --postgres, the empty database you name):
organisations in three areas, practitioners with vetting and training, training
sessions and places, CAF facts as nodes send them (reviews, meetings, escalations),
the audit log's searches, records opened, detail requests and consents, detail
requests and identity-match review items. Then times every report group for the whole
period, the best of a few runs, and beside two of them a naive peer in the same run: the
same figures by Python loops over every row. Prints JSON with the machine reference.

Rows are made in bulk, straight into the tables: the audit rows are not a signed Merkle
log (nothing here verifies it), only what the reports count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import _machine

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
YEARS = 3
BUILT = "built.json"
"""Written once the region is built: what it holds and how long it took."""


def _best(work: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _setup(args: argparse.Namespace) -> Path:
    """The data folder, made afresh unless ``--reuse`` finds a region built there."""
    os.environ.update(FAME_ENV="development", DJANGO_SETTINGS_MODULE="fame.settings")
    data = ROOT / "var" / "bench" / f"reports-{args.children}{'-pg' if args.postgres else ''}"
    reuse = args.reuse and (data / BUILT).exists()
    if not reuse:
        shutil.rmtree(data, ignore_errors=True)
    os.environ["FAME_DATA_DIR"] = str(data)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if args.postgres and not reuse:
        call_command("flush", interactive=False, verbosity=0)
    return data


def _region(children: int, seed: int) -> dict[str, int]:
    """The rows, made in bulk; returns how many of each."""
    from django.db.models import QuerySet
    from django.utils import timezone

    from fame.accounts.models import (
        AccreditationStatus,
        Organisation,
        OrganisationType,
        TrainingCourse,
        TrainingPlace,
        TrainingRecord,
        TrainingSession,
        User,
    )
    from fame.audit.models import AuditEvent
    from fame.caf.models.hub import CafOverview
    from fame.federation.models import DetailRequest, DetailRequestStatus, Purpose
    from fame.index.models import Person, ReviewItem, SourceRecord

    rng = random.Random(seed)
    today = timezone.localdate()
    first = today - timedelta(days=365 * YEARS)
    scale = children / 100_000

    def day() -> date:
        return first + timedelta(days=rng.randrange((today - first).days))

    def moment(on: date) -> datetime:
        naive = datetime(on.year, on.month, on.day, rng.randrange(8, 18), rng.randrange(60))
        return timezone.make_aware(naive)

    areas = ("Northmoor", "Southmoor", "Eastfield")
    kinds = {
        OrganisationType.SCHOOL: 90,
        OrganisationType.EARLY_YEARS: 30,
        OrganisationType.GP_PRACTICE: 40,
        OrganisationType.HEALTH_TRUST: 3,
        OrganisationType.SOCIAL_CARE: 3,
        OrganisationType.POLICE: 1,
        OrganisationType.YOUTH_SERVICE: 3,
        OrganisationType.VOLUNTARY: 30,
    }
    organisations = [
        Organisation(
            agency_id=f"{kind[:3]}-{i:03d}",
            name=f"{kind} {i}",
            type=kind,
            local_authority=areas[i % len(areas)],
            accreditation_status=rng.choice(
                [AccreditationStatus.ACCREDITED] * 8 + [AccreditationStatus.PENDING]
            ),
        )
        for kind, count in kinds.items()
        for i in range(max(1, int(count * scale)))
    ]
    Organisation.objects.bulk_create(organisations)
    organisations = list(Organisation.objects.all())
    agency_ids = [o.agency_id for o in organisations]

    practitioners = int(3000 * scale)
    User.objects.bulk_create(
        User(
            username=f"p{i}",
            organisation=rng.choice(organisations),
            roles=["caf_coordinator"] if i < 4 else ["practitioner"],
            vetting_checked_on=day() if rng.random() < 0.9 else None,
        )
        for i in range(practitioners)
    )
    users = list(User.objects.values_list("id", "username", "organisation__agency_id"))
    courses = [
        TrainingCourse.objects.create(code=c, name=c, valid_for_months=36)
        for c in ("isa", "index", "caf")
    ]
    TrainingRecord.objects.bulk_create(
        TrainingRecord(user_id=u, course=c, completed_on=day())
        for u, _, _ in users
        for c in courses
        if rng.random() < 0.85
    )
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(course=rng.choice(courses), held_on=day(), places=20)
        for _ in range(int(150 * scale) or 1)
    )
    TrainingPlace.objects.bulk_create(
        TrainingPlace(session=s, user_id=u, attended=rng.random() < 0.8)
        for s in sessions
        for u, _, _ in rng.sample(users, min(15, len(users)))
    )

    Person.objects.bulk_create((Person() for _ in range(children)), batch_size=5000)
    person_ids = list(Person.objects.values_list("id", flat=True)[:20_000])

    cafs = []
    for _ in range(int(2000 * scale * YEARS)):
        started = day()
        completed = started + timedelta(days=rng.randrange(5, 60))
        meeting = started + timedelta(days=rng.randrange(10, 50))
        closed = started + timedelta(days=rng.randrange(90, 400))
        done = closed <= today
        agencies = rng.sample(agency_ids, 4)
        cafs.append(
            CafOverview(
                caf=uuid.uuid4(),
                holder=rng.choice(organisations),
                local_id=uuid.uuid4().hex[:12],
                status="closed" if done else "completed",
                initiating_organisation=agencies[0],
                started_on=started,
                completed_on=completed if completed <= today else None,
                closed_on=closed if done else None,
                closed_reason="stepped_up" if done and rng.random() < 0.1 else "",
                referred_to="lasc-001" if done and rng.random() < 0.1 else "",
                first_meeting_on=meeting if meeting <= today else None,
                lead_professional_username=rng.choice(users)[1],
                review_due=meeting + timedelta(days=90),
                reviews=[
                    {
                        "due": (meeting + timedelta(days=90 * k)).isoformat(),
                        "held": (
                            meeting + timedelta(days=90 * k + rng.randrange(-5, 20))
                        ).isoformat(),
                    }
                    for k in range(1, 4)
                ],
                meetings=[
                    {
                        "held_on": (meeting + timedelta(days=90 * k)).isoformat(),
                        "attendance": {
                            a: rng.choice(["attended", "attended", "apologies", "absent"])
                            for a in agencies
                        },
                    }
                    for k in range(3)
                ],
                escalations_raised=[{"agency_id": agencies[1], "raised_on": meeting.isoformat()}]
                if rng.random() < 0.2
                else [],
                action_due_dates=[(meeting + timedelta(days=30)).isoformat()],
                as_of=timezone.now(),
            )
        )
    CafOverview.objects.bulk_create(cafs, batch_size=2000)

    # The audit log: about a search a practitioner a week, half of them opening a record.
    mix = (
        ("index.search", 1.0),
        ("index.record_opened", 0.5),
        ("federation.detail_requested", 0.05),
        ("sharing.consent_recorded", 0.03),
        ("sharing.consent_withdrawn", 0.003),
        ("access.facilitated_started", 0.002),
    )
    purposes = [p for p, _ in Purpose.choices]
    weeks = 52 * YEARS
    searches = practitioners * weeks
    happenings = sorted(
        (moment(day()), action) for action, share in mix for _ in range(int(searches * share))
    )  # the log is appended as things happen: its sequence follows time
    seq = 0
    batch: list[AuditEvent] = []
    plain = QuerySet(model=AuditEvent)  # straight in: not through the Merkle log
    for at, action in happenings:
        seq += 1
        user_id, username, agency = rng.choice(users)
        details: dict[str, Any] = {}
        if action == "index.record_opened":
            details = {"purpose": rng.choice(purposes), "reason": "", "query": {}}
        elif action == "federation.detail_requested":
            details = {
                "purpose": rng.choice(purposes),
                "override_reason": "Urgent" if rng.random() < 0.05 else "",
            }
        elif action == "sharing.consent_recorded":
            details = {"decision": "permit" if rng.random() < 0.9 else "deny"}
        elif action == "index.search":
            details = {"query": {"family_name": "x"}, "results": []}
        batch.append(
            AuditEvent(
                seq=seq,
                time=at,
                actor_id=user_id,
                actor_username=username,
                organisation=agency,
                action=action,
                target="child-index",
                outcome="success",
                details=details,
            )
        )
        if len(batch) == 5000:
            plain.bulk_create(batch)
            batch = []
    plain.bulk_create(batch)

    statuses = [s for s, _ in DetailRequestStatus.choices]
    organisation_by_id = {o.agency_id: o for o in organisations}
    requests = []
    for _ in range(int(searches * 0.05)):
        user_id, _, agency = rng.choice(users)
        requests.append(
            DetailRequest(
                person_id=rng.choice(person_ids),
                agency=organisation_by_id[rng.choice(agency_ids)],
                requested_by_id=user_id,
                purpose=rng.choice(purposes),
                status=rng.choice(statuses),
                override_reason="Urgent" if rng.random() < 0.05 else "",
            )
        )
    DetailRequest.objects.bulk_create(requests, batch_size=5000)
    DetailRequest.objects.filter(id__in=[r.id for r in requests[:1]]).exists()
    # created_at is set on insert; spread it over the years as the log is.
    _spread(DetailRequest, "created_at", rng, first, today)

    records = SourceRecord.objects.bulk_create(
        SourceRecord(
            organisation=rng.choice(organisations),
            local_id=f"r{i}",
            data={},
            content_hash="0" * 64,
            person_id=rng.choice(person_ids),
            link_method="auto",
        )
        for i in range(int(4000 * scale))
    )
    ReviewItem.objects.bulk_create(
        ReviewItem(
            record=records[2 * i],
            candidate=records[2 * i + 1],
            weight=10.0,
            status=rng.choice(["open", "linked", "linked", "rejected"]),
        )
        for i in range(len(records) // 2)
    )
    _spread(ReviewItem, "created_at", rng, first, today)
    for item in ReviewItem.objects.exclude(status="open"):
        item.decided_at = item.created_at + timedelta(hours=rng.randrange(1, 200))
        item.save(update_fields=["decided_at"])
    return {
        "organisations": len(organisations),
        "practitioners": practitioners,
        "children": children,
        "cafs": len(cafs),
        "audit_events": seq,
        "detail_requests": len(requests),
        "review_items": len(records) // 2,
    }


def _spread(model: Any, field: str, rng: random.Random, first: date, today: date) -> None:
    from django.db import transaction
    from django.utils import timezone

    span = (today - first).days * 86400
    with transaction.atomic():
        for pk in model.objects.values_list("pk", flat=True):
            at = timezone.make_aware(datetime.combine(first, datetime.min.time()))
            model.objects.filter(pk=pk).update(
                **{field: at + timedelta(seconds=rng.randrange(span))}
            )


def _naive_caf_quarterly(since: date, until: date) -> list[dict[str, Any]]:
    """The CAF table by a loop over every CAF row and every organisation."""
    from fame.accounts.models import Organisation, OrganisationType
    from fame.caf.models.hub import CafOverview

    names = dict(OrganisationType.choices)
    types = {o.agency_id: names[o.type] for o in Organisation.objects.all()}
    started: Counter[tuple[str, str]] = Counter()
    completed: Counter[tuple[str, str]] = Counter()
    for caf in CafOverview.objects.all():
        kind = types.get(caf.initiating_organisation, "Not known")
        for day, counted in ((caf.started_on, started), (caf.completed_on, completed)):
            if day is not None and since <= day <= until:
                counted[(f"{day.year}-Q{(day.month - 1) // 3 + 1}", kind)] += 1
    keys = sorted(set(started) | set(completed))
    return [
        {
            "quarter": q,
            "initiating_agency_type": k,
            "started": started[(q, k)],
            "completed": completed[(q, k)],
        }
        for q, k in keys
    ]


def _naive_activity(since: date, until: date) -> dict[str, Counter[str]]:
    """The use-of-the-index table by a loop over every audit event of the period."""
    from django.utils import timezone

    from fame.audit.models import AuditEvent

    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    for event in AuditEvent.objects.filter(time__gte=start, time__lt=end).iterator(2000):
        day = timezone.localtime(event.time).date()
        quarter = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        details = event.details
        if event.action == "index.search":
            counted[quarter]["searches"] += 1
        elif event.action == "index.record_opened":
            counted[quarter]["opened"] += 1
        elif event.action == "federation.detail_requested":
            counted[quarter]["requests"] += 1
            counted[quarter]["overrides"] += bool(details.get("override_reason"))
        elif event.action == "sharing.consent_recorded":
            counted[quarter][details.get("decision", "")] += 1
        elif event.action == "sharing.consent_withdrawn":
            counted[quarter]["withdrawn"] += 1
        elif event.action == "access.facilitated_started":
            counted[quarter]["facilitated"] += 1
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--postgres", help="a DATABASE_URL for an empty PostgreSQL database")
    parser.add_argument(
        "--reuse", action="store_true", help="time again a region this script built before"
    )
    args = parser.parse_args()
    machine = _machine.start()
    data = _setup(args)
    from django.db import connection

    if (data / BUILT).exists():
        built = json.loads((data / BUILT).read_text())
        made, build_s = built["rows"], built["build_s"]
    else:
        started = time.perf_counter()
        made = _region(args.children, args.seed)
        build_s = round(time.perf_counter() - started, 1)
        (data / BUILT).write_text(json.dumps({"rows": made, "build_s": build_s}))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    from fame.reports.caf import caf_quarterly
    from fame.reports.groups import GROUPS
    from fame.reports.scope import Scope, default_period
    from fame.reports.usage import activity

    since, until = default_period()
    scope = Scope(since, until)
    area = Scope(since, until, area="Northmoor", agency_type="school")
    assert sorted(
        (r["quarter"], r["initiating_agency_type"], r["started"], r["completed"])
        for r in caf_quarterly(scope)
    ) == sorted(
        (r["quarter"], r["initiating_agency_type"], r["started"], r["completed"])
        for r in _naive_caf_quarterly(since, until)
    ), "the naive peer counts differently"
    groups_ms = {slug: _best(lambda g=group: g.tables(scope)) for slug, group in GROUPS.items()}
    filtered_ms = {slug: _best(lambda g=group: g.tables(area)) for slug, group in GROUPS.items()}
    result = {
        "database": connection.vendor,
        "period": f"{since} to {until}",
        "rows": made,
        "build_s": build_s,
        "report_group_ms": groups_ms,
        "report_group_filtered_ms": filtered_ms,
        "caf_quarterly_ms": _best(lambda: caf_quarterly(scope)),
        "caf_quarterly_naive_ms": _best(lambda: _naive_caf_quarterly(since, until)),
        "activity_ms": _best(lambda: activity(scope)),
        "activity_naive_ms": _best(lambda: _naive_activity(since, until)),
        "machine": _machine.finish(machine),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
