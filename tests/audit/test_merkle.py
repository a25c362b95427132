"""The Merkle tree against the published Certificate Transparency test vectors.

Vectors: transparency-dev/merkle, testonly/constants.go (the RFC 6962 reference
data that the certificate-transparency implementations share).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fame.audit._merkle import (
    EMPTY_ROOT,
    CompactTree,
    largest_power_of_two_below,
    leaf_hash,
    merkle_root,
    node_hash,
)

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

# Root hash for each tree size 0..8 built from LEAF_INPUTS.
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# Hashes of every perfect subtree, by level (0 = leaves) then position.
NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# The frontier (right-edge perfect subtrees) after each append: (level, position).
COMPACT_TREES = [
    [],
    [(0, 0)],
    [(1, 0)],
    [(1, 0), (0, 2)],
    [(2, 0)],
    [(2, 0), (0, 4)],
    [(2, 0), (1, 2)],
    [(2, 0), (1, 2), (0, 6)],
    [(3, 0)],
]

LEAF_HASHES = [leaf_hash(data) for data in LEAF_INPUTS]


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert merkle_root([]).hex() == ROOTS[0]
    assert CompactTree().root().hex() == ROOTS[0]


def test_leaf_hash_matches_ct_vectors_for_every_leaf() -> None:
    assert [h.hex() for h in LEAF_HASHES] == NODE_HASHES[0]


def test_node_hash_matches_ct_vectors_at_every_level() -> None:
    for level in range(1, len(NODE_HASHES)):
        below = [bytes.fromhex(h) for h in NODE_HASHES[level - 1]]
        combined = [node_hash(below[i], below[i + 1]).hex() for i in range(0, len(below), 2)]
        assert combined == NODE_HASHES[level], f"level {level}"


@pytest.mark.parametrize("size", range(len(ROOTS)))
def test_merkle_root_matches_ct_vector_for_size(size: int) -> None:
    assert merkle_root(LEAF_HASHES[:size]).hex() == ROOTS[size]


def test_compact_tree_matches_ct_roots_and_frontiers_after_each_append() -> None:
    tree = CompactTree()
    for size in range(len(ROOTS)):
        expected_frontier = [NODE_HASHES[level][pos] for level, pos in COMPACT_TREES[size]]
        assert tree.size == size
        assert tree.frontier_hex() == expected_frontier, f"size {size}"
        assert tree.root().hex() == ROOTS[size], f"size {size}"
        if size < len(LEAF_HASHES):
            tree.append(LEAF_HASHES[size])


def test_compact_tree_round_trips_through_hex() -> None:
    tree = CompactTree()
    for leaf in LEAF_HASHES[:7]:
        tree.append(leaf)

    restored = CompactTree.from_hex(tree.size, tree.frontier_hex())
    restored.append(LEAF_HASHES[7])

    assert restored.root().hex() == ROOTS[8]


def test_compact_tree_rejects_frontier_of_wrong_length() -> None:
    with pytest.raises(ValueError, match="3 leaves has 2 frontier hashes"):
        CompactTree(3, [EMPTY_ROOT])


@pytest.mark.parametrize(
    ("n", "split"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)]
)
def test_split_point_is_largest_power_of_two_below_n(n: int, split: int) -> None:
    assert largest_power_of_two_below(n) == split


@settings(deadline=None, max_examples=60)
@given(st.lists(st.binary(max_size=8), max_size=300))
def test_compact_tree_root_equals_recursive_root_for_any_leaves(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(data) for data in leaves]
    tree = CompactTree()

    for size, leaf in enumerate(hashes, start=1):
        tree.append(leaf)
        if size in {1, 2, 3, len(hashes)} or size % 37 == 0:
            assert tree.root() == merkle_root(hashes[:size])

    assert tree.root() == merkle_root(hashes)
