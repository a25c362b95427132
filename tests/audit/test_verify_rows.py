"""``verify`` spells each stored row's canonical bytes out directly, for speed: they must be
exactly ``event_bytes`` of the same values, whatever the values are."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fame.audit._canonical import event_bytes
from fame.audit.verify import _details, _row_bytes

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
TIMES = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    moment=TIMES,
    actor_id=st.none() | st.integers(min_value=1, max_value=2**62),
    texts=st.lists(st.text(), min_size=5, max_size=5),
    details=st.dictionaries(st.text(max_size=10), JSON, max_size=5),
)
def test_row_bytes_are_event_bytes(
    seq: int,
    moment: datetime,
    actor_id: int | None,
    texts: list[str],
    details: dict[str, Any],
) -> None:
    username, organisation, action, target, outcome = texts
    stored_time = moment.replace(tzinfo=None).isoformat(" ")  # as Django stores it in SQLite
    row = (1, seq, "", seq, stored_time, actor_id, username, organisation, action, target)
    row += (outcome, json.dumps(details))

    assert _row_bytes(row) == event_bytes(
        seq=seq,
        time=moment,
        actor_id=actor_id,
        actor_username=username,
        organisation=organisation,
        action=action,
        target=target,
        outcome=outcome,
        details=details,
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"query": 0}',
        '{"a": [1, {"b": null}]}',
        ' {"a": 1}',
        '{"a": 1} ',
        '{"a": 1} x',
        '{"a": }',
        "",
    ],
)
def test_details_are_read_as_json_loads_reads_them(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except ValueError as error:
        expected = error

    try:
        found: Any = _details(text)
    except ValueError as error:
        found = error

    assert type(found) is type(expected)
    assert found == expected or str(found) == str(expected)
