"""Clustering: strong edges join records; the guard keeps conflicting records apart."""

from __future__ import annotations

from fame.linkage._clustering import cluster


def _no_groups(index: int) -> list[str]:
    return ["all"]


def test_cluster_joins_records_along_strong_edges() -> None:
    result = cluster(
        5, [(0, 1, 20.0), (1, 2, 15.0)], groups_of=_no_groups, conflict=lambda a, b: False
    )

    assert result.labels[0] == result.labels[1] == result.labels[2]
    assert len({result.labels[0], result.labels[3], result.labels[4]}) == 3
    assert (result.count, result.guarded_components) == (3, 0)


def test_cluster_guard_splits_a_chain_whose_ends_conflict() -> None:
    # 0 - 1 - 2 - 3: a chain of links; 0 and 3 must not be one person.
    edges = [(0, 1, 30.0), (1, 2, 8.0), (2, 3, 25.0)]

    result = cluster(4, edges, groups_of=_no_groups, conflict=lambda a, b: {a, b} == {0, 3})

    assert result.labels[0] == result.labels[1]
    assert result.labels[2] == result.labels[3]
    assert result.labels[0] != result.labels[3]
    assert (result.guarded_components, result.components_split) == (1, 1)


def test_cluster_guard_only_checks_records_sharing_a_group() -> None:
    checked: list[tuple[int, int]] = []

    def conflict(a: int, b: int) -> bool:
        checked.append((a, b))
        return False

    cluster(3, [(0, 1, 20.0), (1, 2, 20.0)], groups_of=lambda i: [f"g{i % 2}"], conflict=conflict)

    assert checked == [(0, 2)]
