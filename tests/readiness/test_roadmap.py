"""The roadmap: terms, blocks in dependency order, conflicts reported, balance flagged."""

from __future__ import annotations

from datetime import date
from itertools import count

from fame.readiness.framework import framework
from fame.readiness.plan.roadmap import Card, block_order, lay_out

FW = framework()
_ids = count(1)


def _card(block, term="short", dimension="practice", due=None, status="planned", text=None):
    n = next(_ids)
    return Card(
        id=n,
        block=block,
        dimension=dimension,
        text=text or f"{block} action {n}",
        term=term,
        status=status,
        due_on=due,
    )


def test_block_order_puts_every_block_after_the_blocks_it_needs():
    order = [b.key for b in block_order(FW)]
    assert sorted(order) == sorted(b.key for b in FW.blocks)
    for i, key in enumerate(order):
        assert FW.blocks_before(key) <= set(order[:i]), key


def test_cards_go_in_their_terms_with_blocks_in_dependency_order():
    cards = [
        _card("federation", "short"),
        _card("scoping", "short"),
        _card("identity", "short"),
        _card("legal", "long"),
    ]
    roadmap = lay_out(FW, cards)
    short, medium, long_ = roadmap.columns
    assert [c.term for c in roadmap.columns] == ["short", "medium", "long"]
    assert [g.block.key for g in short.blocks] == ["scoping", "identity", "federation"]
    assert medium.blocks == ()
    assert [g.block.key for g in long_.blocks] == ["legal"]
    assert short.count == 3


def test_dropped_actions_are_left_out():
    roadmap = lay_out(FW, [_card("scoping", status="dropped"), _card("legal")])
    assert [c.block for c in roadmap.cards] == ["legal"]


def test_an_action_in_an_earlier_term_than_a_block_it_needs_is_a_conflict():
    federation = _card("federation", "short", text="Join the federation")
    identity = _card("identity", "medium", text="Issue identities")
    (conflict,) = lay_out(FW, [federation, identity]).conflicts
    assert (conflict.action, conflict.needs, conflict.why) == (federation, identity, "term")
    assert conflict.message.startswith("Federation action planned in the short term, before")
    assert "identity management's in the medium term" in conflict.message


def test_an_action_due_before_an_action_it_needs_is_a_conflict():
    federation = _card("federation", "medium", due=date(2027, 3, 1), text="Join")
    identity = _card("identity", "medium", due=date(2027, 6, 30), text="Issue identities")
    (conflict,) = lay_out(FW, [federation, identity]).conflicts
    assert conflict.why == "due"
    assert conflict.message.startswith("Federation action due before identity management's")
    assert "due 1 March 2027" in conflict.message
    assert "due 30 June 2027" in conflict.message


def test_needs_through_another_block_count():
    # Federation needs messaging, which needs infrastructure, which needs scoping.
    (conflict,) = lay_out(FW, [_card("federation", "short"), _card("scoping", "long")]).conflicts
    assert conflict.needs.block == "scoping"


def test_the_right_order_is_no_conflict():
    cards = [
        _card("identity", "short", due=date(2027, 1, 1)),
        _card("federation", "short", due=date(2027, 2, 1)),
        _card("identity", "short"),  # undated: only its term is checked
        _card("federation", "medium"),
        _card("federation", "long"),
    ]
    assert lay_out(FW, cards).conflicts == ()


def test_actions_done_or_dropped_are_not_checked_for_conflicts():
    cards = [_card("federation", "short", status="done"), _card("identity", "long")]
    assert lay_out(FW, cards).conflicts == ()
    cards = [_card("federation", "short"), _card("identity", "long", status="dropped")]
    assert lay_out(FW, cards).conflicts == ()


def test_balance_counts_each_dimension_in_each_term_and_flags_a_missing_one():
    cards = [
        _card("scoping", "short", "practice"),
        _card("legal", "short", "ict"),
        _card("governance", "short", "governance"),
        _card("governance", "short", "governance"),
        _card("identity", "medium", "ict"),
    ]
    short, medium, long_ = lay_out(FW, cards).balance
    assert [(d.key, n) for d, n in short.counts] == [("practice", 1), ("ict", 1), ("governance", 2)]
    assert short.missing == ()
    assert [d.key for d in medium.missing] == ["practice", "governance"]
    assert [d.key for d in long_.missing] == ["practice", "ict", "governance"]


def test_within_a_block_cards_come_by_due_date_undated_last():
    late = _card("scoping", due=date(2027, 5, 1))
    undated = _card("scoping")
    early = _card("scoping", due=date(2027, 2, 1))
    (group,) = lay_out(FW, [late, undated, early]).columns[0].blocks
    assert group.cards == (early, late, undated)


def test_cards_planned_too_early_are_named():
    federation, identity = _card("federation", "short"), _card("identity", "long")
    assert lay_out(FW, [federation, identity]).planned_too_early == {federation.id}


def test_an_action_of_a_retired_block_shows_last_and_conflicts_with_none():
    old = _card("retired-block", "short")
    roadmap = lay_out(FW, [_card("federation", "short"), old])
    assert [g.block.key for g in roadmap.columns[0].blocks] == ["federation", "retired-block"]
    assert roadmap.conflicts == ()
