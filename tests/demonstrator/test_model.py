"""One run of one approach: reproducible for a seed, and each approach changes only the
parts of the process it changes (common random numbers make that visible)."""

from __future__ import annotations

import pytest

from fame.demonstrator.model import Run
from fame.demonstrator.scenario import Scenario

from .conftest import CONTRACT_MEASURES


def _run(scenario: Scenario, approach: str, *, seed: int = 7, replication: int = 0) -> Run:
    run = Run(scenario, approach, replication=replication, seed=seed)
    run.run()
    return run


def test_same_seed_same_figures(small: Scenario):
    first = Run(small, "index_caf_federated", replication=0, seed=7).run()
    again = Run(small, "index_caf_federated", replication=0, seed=7).run()

    assert first == again


def test_another_seed_or_replication_other_figures(small: Scenario):
    first = Run(small, "as_is", replication=0, seed=7).run()

    assert Run(small, "as_is", replication=0, seed=8).run() != first
    assert Run(small, "as_is", replication=1, seed=7).run() != first


def test_approaches_meet_the_same_searches_and_concerns(small: Scenario):
    as_is, index = _run(small, "as_is"), _run(small, "index")

    assert as_is.tally.searches == index.tally.searches > 1000
    # The index changes how agencies are found, not which concerns become CAFs.
    assert as_is.tally.cafs_by_initiator == index.tally.cafs_by_initiator
    assert sum(as_is.tally.cafs_by_initiator.values()) > 20


def test_index_spends_less_time_finding_than_phoning_round(small: Scenario):
    as_is, index = _run(small, "as_is"), _run(small, "index")

    assert index.tally.finding_hours < as_is.tally.finding_hours / 5


def test_shared_record_means_the_family_tells_its_story_fewer_times(small: Scenario):
    paper, shared = _run(small, "index"), _run(small, "index_caf_federated")

    assert paper.tally.story_told and len(paper.tally.story_told) == len(shared.tally.story_told)
    assert all(s <= p for p, s in zip(paper.tally.story_told, shared.tally.story_told, strict=True))
    assert sum(shared.tally.story_told) < sum(paper.tally.story_told)


def test_only_federated_requests_meet_nodes(small: Scenario):
    phone, federated = _run(small, "index"), _run(small, "index_caf_federated")

    assert phone.tally.node_found_up + phone.tally.node_found_down == 0
    assert federated.tally.node_found_up > 0
    assert phone.tally.requests == federated.tally.requests


def test_isa_team_too_small_makes_a_queue(small: Scenario):
    overloaded = small.model_copy(
        update={"workforce": small.workforce.model_copy(update={"isa_hours_per_day": 0.2})}
    )

    quiet = Run(small, "index", replication=0, seed=7).run()
    queued = Run(overloaded, "index", replication=0, seed=7).run()

    assert queued["isa_wait_hours"] > 10 * (quiet["isa_wait_hours"] or 0.01)
    assert queued["isa_queue_length"] > quiet["isa_queue_length"]


@pytest.mark.parametrize("approach", ["as_is", "index", "index_caf_federated"])
def test_every_published_measure_is_a_number_or_none(small: Scenario, approach: str):
    figures = Run(small, approach, replication=0, seed=3).run()

    for name in CONTRACT_MEASURES:
        assert isinstance(figures[name], float), name
    assert 0 <= figures["share_finding_everyone"] <= 1
