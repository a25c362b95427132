"""Grouping scored pairs into persons so that chains of weak links do not merge families.

1. Only edges at or above the upper threshold join records (connected components);
   weaker evidence never chains.
2. A guard then looks inside each component for records that must not be one
   person (``conflict``): in bulk linkage, two records with the same birthday
   whose given names disagree outright (twins). A rule keeping apart two records
   of one agency with a weak pairwise weight was tried and dropped: it never
   helped on the synthetic regions and cost recall where one file holds
   duplicates (FEBRL3; ADR 0006).
3. A component with such a pair is rebuilt: its edges are taken strongest first,
   and two groups are joined only if no record of one conflicts with a record of
   the other. The strongest evidence wins and the conflicting records stay apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

Edge = tuple[int, int, float]
Conflict = Callable[[int, int], bool]


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, left: int, right: int) -> None:
        a, b = self.find(left), self.find(right)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


@dataclass(frozen=True)
class Clusters:
    """Cluster number of each record (``labels[i]``) and what the guard did."""

    labels: list[int]
    guarded_components: int
    components_split: int

    @property
    def count(self) -> int:
        return len(set(self.labels))


def _conflicts(
    members: Sequence[int], groups_of: Callable[[int], Iterable[str]], conflict: Conflict
) -> set[tuple[int, int]]:
    """Pairs of members that must stay apart, checking only pairs that share a group."""
    by_group: dict[str, list[int]] = defaultdict(list)
    for member in members:
        for group in groups_of(member):
            by_group[group].append(member)
    found: set[tuple[int, int]] = set()
    checked: set[tuple[int, int]] = set()
    for group_members in by_group.values():
        for pair in combinations(sorted(group_members), 2):
            if pair not in checked:
                checked.add(pair)
                if conflict(*pair):
                    found.add(pair)
    return found


def _rebuild(
    members: Sequence[int], edges: Sequence[Edge], conflicts: set[tuple[int, int]]
) -> list[list[int]]:
    """Join the component's records strongest edge first, never across a conflict."""
    group = {member: member for member in members}
    content = {member: {member} for member in members}
    enemies: dict[int, set[int]] = {member: set() for member in members}
    for left, right in conflicts:
        enemies[left].add(right)
        enemies[right].add(left)
    for left, right, _ in sorted(edges, key=lambda edge: (-edge[2], edge[0], edge[1])):
        a, b = group[left], group[right]
        if a == b or enemies[a] & content[b]:
            continue
        if len(content[a]) < len(content[b]):
            a, b = b, a
        for member in content[b]:
            group[member] = a
        content[a] |= content.pop(b)
        enemies[a] |= enemies.pop(b)
    return [sorted(members_) for members_ in content.values()]


def cluster(
    size: int,
    edges: Iterable[Edge],
    *,
    groups_of: Callable[[int], Iterable[str]],
    conflict: Conflict,
) -> Clusters:
    """Cluster ``size`` records joined by ``edges`` (already at or above the upper threshold).

    ``groups_of(i)`` names the groups within which record i may conflict (its
    birthday); ``conflict(i, j)`` says whether i and j must stay apart.
    """
    edge_list = list(edges)
    components = _UnionFind(size)
    for left, right, _ in edge_list:
        components.union(left, right)
    members: dict[int, list[int]] = defaultdict(list)
    for node in range(size):
        members[components.find(node)].append(node)
    edges_of: dict[int, list[Edge]] = defaultdict(list)
    for edge in edge_list:
        edges_of[components.find(edge[0])].append(edge)

    labels = [components.find(node) for node in range(size)]
    guarded = split = 0
    for root, component in members.items():
        if len(component) < 2:
            continue
        conflicts = _conflicts(component, groups_of, conflict)
        if not conflicts:
            continue
        guarded += 1
        parts = _rebuild(component, edges_of[root], conflicts)
        split += len(parts) > 1
        for part in parts:
            for node in part:
                labels[node] = part[0]
    return Clusters(labels, guarded, split)
