"""RFC 6962 Merkle tree hashing, as used by Certificate Transparency.

Leaf hash ``SHA-256(0x00 || data)``, node hash ``SHA-256(0x01 || left || right)``,
and the tree hash of ``n`` leaves splits at the largest power of two below ``n``
(no duplicated odd nodes). ``CompactTree`` keeps only the right-edge "frontier"
of perfect subtrees, so appending a leaf and taking the root are O(log n).
``consistency_proof`` and ``verify_consistency`` show that one tree is a prefix
of a later one (RFC 6962 section 2.1.2, verified as RFC 9162 section 2.1.4.2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The RFC 6962 hash of one leaf's data."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 6962 hash of an interior node from its two children's hashes."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """The split point k of RFC 6962: the largest power of two strictly less than n (n >= 2)."""
    if n < 2:
        raise ValueError(f"a tree of {n} leaves has no split point")
    return 1 << ((n - 1).bit_length() - 1)


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree hash of already-hashed leaves, computed from scratch (the reference)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = largest_power_of_two_below(n)
    return node_hash(merkle_root(leaf_hashes[:k]), merkle_root(leaf_hashes[k:]))


@dataclass
class CompactTree:
    """A Merkle tree held as its size and frontier, for incremental appends.

    ``frontier`` lists the hashes of the perfect subtrees along the right edge,
    largest (leftmost) first; their sizes are the set bits of ``size``.
    """

    size: int = 0
    frontier: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.frontier) != self.size.bit_count():
            raise ValueError(
                f"a tree of {self.size} leaves has {self.size.bit_count()} frontier hashes, "
                f"not {len(self.frontier)}"
            )

    @classmethod
    def from_hex(cls, size: int, frontier: Iterable[str]) -> CompactTree:
        return cls(size, [bytes.fromhex(h) for h in frontier])

    def frontier_hex(self) -> list[str]:
        return [h.hex() for h in self.frontier]

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash, merging equal-sized subtrees as a binary counter carries."""
        node, carry = leaf, self.size
        while carry & 1:
            node = node_hash(self.frontier.pop(), node)
            carry >>= 1
        self.frontier.append(node)
        self.size += 1

    def root(self) -> bytes:
        """The RFC 6962 tree hash of every leaf appended so far."""
        if not self.frontier:
            return EMPTY_ROOT
        root = self.frontier[-1]
        for subtree in reversed(self.frontier[:-1]):
            root = node_hash(subtree, root)
        return root


def consistency_proof(leaf_hashes: Sequence[bytes], first: int) -> list[bytes]:
    """RFC 6962 section 2.1.2: PROOF(first, D[n]) for the tree of ``leaf_hashes`` (n leaves).

    Proves that the tree of the first ``first`` leaves is a prefix of this one.
    Costs O(n) hashing: every leaf is hashed into exactly one proof node.
    """
    n = len(leaf_hashes)
    if not 1 <= first <= n:
        raise ValueError(f"a consistency proof needs 1 <= first <= {n}, not {first}")
    return _subproof(first, leaf_hashes, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [merkle_root(leaves)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), merkle_root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), merkle_root(leaves[:k])]


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: does ``proof`` show tree ``first`` is a prefix of ``second``?"""
    if first < 1 or second < first:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first_hash = second_hash = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first_hash = node_hash(node, first_hash)
            second_hash = node_hash(node, second_hash)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second_hash = node_hash(second_hash, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and first_hash == first_root and second_hash == second_root
