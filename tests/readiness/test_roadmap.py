"""The roadmap: terms, blocks in dependency order, conflicts reported, balance flagged."""

from __future__ import annotations

from datetime import date
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from fame.readiness.framework import TERMS, framework
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


_cards = st.lists(
    st.builds(
        Card,
        id=st.integers(min_value=1, max_value=10_000),
        block=st.sampled_from([b.key for b in FW.blocks]),
        dimension=st.sampled_from([d.key for d in FW.dimensions]),
        text=st.just("An action"),
        term=st.sampled_from(TERMS),
        status=st.sampled_from(["planned", "started", "done", "dropped"]),
        due_on=st.none() | st.dates(date(2027, 1, 1), date(2030, 12, 31)),
    ),
    max_size=12,
    unique_by=lambda c: c.id,
)


@settings(deadline=None, max_examples=200)
@given(_cards)
def test_every_kept_card_shows_once_blocks_after_their_needs_and_conflicts_match_the_rule(cards):
    roadmap = lay_out(FW, cards)
    kept = [c for c in cards if c.status != "dropped"]
    assert sorted(c.id for c in roadmap.cards) == sorted(c.id for c in kept)
    for column in roadmap.columns:
        shown = [group.block.key for group in column.blocks]
        for i, key in enumerate(shown):
            assert not FW.blocks_before(key) & set(shown[i:])
        assert all(c.term == column.term for g in column.blocks for c in g.cards)
    # The rule, said directly: a pair still to do where the later block is planned earlier.
    to_do = [c for c in kept if c.status in ("planned", "started")]
    expected = {
        (a.id, b.id)
        for a in to_do
        for b in to_do
        if b.block in FW.blocks_before(a.block)
        and (
            TERMS.index(a.term) < TERMS.index(b.term)
            or (a.due_on is not None and b.due_on is not None and a.due_on < b.due_on)
        )
    }
    assert {(c.action.id, c.needs.id) for c in roadmap.conflicts} == expected
    for row in roadmap.balance:
        assert sum(n for _, n in row.counts) == sum(1 for c in kept if c.term == row.term)
