"""Consistency proofs against the Certificate Transparency vectors, and by property.

Vectors: transparency-dev/merkle, proof/verify_test.go ``consistencyProofs``
over the same eight leaves as test_merkle.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fame.audit._merkle import consistency_proof, leaf_hash, merkle_root, verify_consistency

from .test_merkle import LEAF_HASHES, ROOTS

CONSISTENCY_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def root(size: int) -> bytes:
    return bytes.fromhex(ROOTS[size])


@pytest.mark.parametrize(("first", "second", "expected"), CONSISTENCY_PROOFS)
def test_consistency_proof_matches_ct_vector(first: int, second: int, expected: list[str]) -> None:
    proof = consistency_proof(LEAF_HASHES[:second], first)

    assert [node.hex() for node in proof] == expected


@pytest.mark.parametrize(("first", "second", "expected"), CONSISTENCY_PROOFS)
def test_verify_consistency_accepts_ct_vector(first: int, second: int, expected: list[str]) -> None:
    proof = [bytes.fromhex(node) for node in expected]

    assert verify_consistency(first, second, root(first), root(second), proof)


@pytest.mark.parametrize(("first", "second", "expected"), CONSISTENCY_PROOFS[1:])
def test_verify_consistency_refuses_ct_vector_with_any_change(
    first: int, second: int, expected: list[str]
) -> None:
    proof = [bytes.fromhex(node) for node in expected]
    wrong_root = root(first - 1) if first > 1 else root(2)

    assert not verify_consistency(first, second, wrong_root, root(second), proof)
    assert not verify_consistency(first, second, root(first), root(second - 1), proof)
    assert not verify_consistency(first, second, root(first), root(second), proof[:-1])
    assert not verify_consistency(first, second, root(first), root(second), [*proof, proof[0]])
    assert not verify_consistency(first, second, root(first), root(second), proof[::-1])


def test_verify_consistency_refuses_impossible_sizes() -> None:
    assert not verify_consistency(0, 3, root(0), root(3), [])
    assert not verify_consistency(5, 3, root(5), root(3), [root(1)])
    assert not verify_consistency(3, 3, root(3), root(4), [])
    assert not verify_consistency(3, 5, root(3), root(5), [])


def test_consistency_proof_refuses_sizes_outside_the_tree() -> None:
    with pytest.raises(ValueError, match="1 <= first <= 8, not 9"):
        consistency_proof(LEAF_HASHES, 9)
    with pytest.raises(ValueError, match="not 0"):
        consistency_proof(LEAF_HASHES, 0)


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_generated_proof_verifies_against_the_reference_roots(sizes: tuple[int, int]) -> None:
    first, second = sizes
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(second)]

    proof = consistency_proof(leaves, first)

    assert verify_consistency(
        first, second, merkle_root(leaves[:first]), merkle_root(leaves), proof
    )


@given(
    st.integers(2, 40).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))),
    st.integers(0, 39),
)
def test_a_proof_does_not_vouch_for_a_rewritten_prefix(sizes: tuple[int, int], edit: int) -> None:
    first, second = sizes
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(second)]
    rewritten = list(leaves)
    rewritten[edit % first] = leaf_hash(b"rewritten")

    proof = consistency_proof(rewritten, first)

    assert not verify_consistency(
        first, second, merkle_root(leaves[:first]), merkle_root(rewritten), proof
    )
