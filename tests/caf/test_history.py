"""The demo region's history: planned reproducibly for a seed with seed 004's shape and mix,
and played at the node through its own CAF actions so that the hub's overview holds it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from fame.accounts.models import TrainingPlace, TrainingSession
from fame.audit.models import AuditEvent
from fame.caf.history_plan import AGENCY_MIX, MIX_TYPES, plan_history, read_truth
from fame.caf.models import Assessment, CafOverview
from fame.index.models import Person
from fame.sharing.models import Consent

TODAY = date(2026, 12, 5)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> tuple[dict, dict, Path]:
    folder = tmp_path_factory.mktemp("region")
    call_command("synth", children=6000, seed=3, out=str(folder), stdout=StringIO())
    return json.loads((folder / "region.json").read_text()), read_truth(folder), folder


def test_the_plan_is_the_same_for_a_seed_and_differs_for_another(region):
    data, truth, _ = region
    first = plan_history(data, truth, seed=5, today=TODAY)
    assert first == plan_history(data, truth, seed=5, today=TODAY)
    assert first != plan_history(data, truth, seed=6, today=TODAY)


def test_the_plan_has_150_cafs_a_year_per_10000_children_in_seed_004s_mix(region):
    data, truth, _ = region
    stories = plan_history(data, truth, seed=5, today=TODAY)
    assert 0.93 * 270 <= len(stories) <= 270  # 150 a year for 3 years at 0.6 of 10,000 children
    assert min(s.started_on for s in stories) >= date(2023, 10, 1)
    assert max(s.started_on for s in stories) < date(2026, 10, 1)
    types = {o["agency_id"]: o["type"] for o in data["organisations"]}
    group_of = {t: g for g, ts in MIX_TYPES.items() for t in ts}
    mix = Counter(group_of[types[s.agency_id]] for s in stories)
    assert mix.most_common(1)[0][0] == "school"
    for group, share in AGENCY_MIX.items():
        assert abs(mix[group] / len(stories) - share) < 0.07, (group, mix)
    by_year = Counter((s.started_on - date(2023, 10, 1)).days // 365 for s in stories)
    assert by_year[2] > 2 * by_year[0]  # growing, as seed 004's three years did
    summer = Counter(s.started_on.month in (7, 8, 9) for s in stories)
    assert summer[True] < len(stories) / 4


def test_the_played_history_reaches_the_hub(demo_history):
    report = demo_history
    overviews = CafOverview.objects.all()
    assert report.cafs == overviews.count() == Assessment.objects.count() >= 10
    assert overviews.exclude(completed_on=None).count() == report.completed
    assert overviews.filter(status="closed").count() == report.closed
    assert overviews.exclude(referred_to="").count() == report.stepped_up
    assert sum(len(o.meetings) for o in overviews) == report.meetings > 0
    assert sum(len(o.escalations_raised) for o in overviews) == report.escalations
    reviews = [r for o in overviews for r in o.reviews]
    assert sum(1 for r in reviews if r["held"]) == report.reviews
    three_years_ago = timezone.localdate() - timedelta(days=3 * 366 + 92)
    assert all(three_years_ago <= o.started_on < timezone.localdate() for o in overviews)
    for o in overviews.exclude(completed_on=None):
        assert o.started_on <= o.completed_on
        assert o.first_meeting_on is None or o.completed_on <= o.first_meeting_on
        assert o.closed_on is None or o.completed_on <= o.closed_on
    assert Person.objects.exclude(caf_status="").count() >= report.completed - report.closed
    started = AuditEvent.objects.filter(action="node.caf_started")
    assert started.count() == report.cafs
    assert started.order_by("time").first().time.date() < timezone.localdate() - timedelta(days=90)


def test_the_hub_has_three_years_of_training_sessions_with_places_taken(demo_history):
    sessions = TrainingSession.objects.all()
    assert 20 <= sessions.count() <= 60
    assert min(s.held_on for s in sessions) < timezone.localdate() - timedelta(days=900)
    for session in sessions:
        assert 0 < session.taken.count() <= session.places
    assert TrainingPlace.objects.filter(attended=False).exists()
    recorded = AuditEvent.objects.filter(action="admin.training_session_recorded")
    assert recorded.count() == sessions.count()
    assert recorded.order_by("time").first().time.date() == sessions.first().held_on


def test_a_node_with_cafs_does_not_play_its_history_again(demo_history, tmp_path):
    from fame.web.management.commands._region import play_demo_history, play_hub_history

    cafs = Assessment.objects.count()
    sessions = TrainingSession.objects.count()
    region_dir = tmp_path / "demo" / "region"
    region = json.loads((region_dir / "region.json").read_text())
    assert play_demo_history(region_dir, say=print) is None
    assert play_hub_history(region, say=print) == 0
    assert (Assessment.objects.count(), TrainingSession.objects.count()) == (cafs, sessions)


def test_the_hub_holds_the_plan_for_the_seed_as_it_was_played(demo_history, tmp_path):
    region_dir = tmp_path / "demo" / "region"
    region = json.loads((region_dir / "region.json").read_text())
    stories = plan_history(region, read_truth(region_dir), seed=11, today=timezone.localdate())
    kept = {(o.holder.agency_id, o.local_id): o for o in CafOverview.objects.select_related()}
    assert set(kept) == {(s.agency_id, s.local_id) for s in stories}
    for s in stories:
        o = kept[(s.agency_id, s.local_id)]
        assert (o.started_on, o.completed_on, o.closed_on) == (
            s.started_on,
            s.completed_on,
            s.closed_on,
        )
        assert o.referred_to == s.stepped_up_to
        assert [m["held_on"] for m in o.meetings] == [m.held_on.isoformat() for m in s.meetings]
        assert [r["due"] for r in o.reviews] == [m.next_review_on.isoformat() for m in s.meetings]
        assert len(o.escalations_raised) == sum(len(m.escalate) for m in s.meetings)


def test_families_consents_are_given_as_cafs_start_and_some_withdrawn(demo_history):
    consents = Consent.objects.all()
    assert consents.count() == CafOverview.objects.exclude(person=None).count() > 0
    for consent in consents:
        assert consent.in_force_from < timezone.localdate()
    given = AuditEvent.objects.filter(action="sharing.consent_recorded")
    assert given.count() == consents.count()
    assert {e.time.date() for e in given} == {c.in_force_from for c in consents}
    withdrawn = AuditEvent.objects.filter(action="sharing.consent_withdrawn")
    assert withdrawn.count() == consents.exclude(withdrawn_on=None).count()
