"""Sharing a cost or a benefit between partners by its rule.

- ``equal``: the same to each partner;
- ``population`` / ``practitioners``: in proportion to the partner's;
- ``usage``: in proportion to the counts entered (searches, CAFs or requests);
- ``custom``: the shares typed, which add up to 1 within a millionth (checked when
  the model is read), scaled by their total so the parts add up to the whole.

Each part is held to ``QUANTUM`` of a pound and the last partner with a part takes
what is left, so the parts always add up exactly to the amount shared.
"""

from __future__ import annotations

from decimal import Decimal

from .model import Partner, Sharing

QUANTUM = Decimal("1e-12")  # money is held to a hundred-millionth of a penny


def weights(sharing: Sharing, partners: tuple[Partner, ...]) -> dict[str, Decimal]:
    """Each partner's weight under the rule (not yet scaled to add up to 1)."""
    if sharing.rule == "equal":
        return {p.id: Decimal(1) for p in partners}
    if sharing.rule == "population":
        return {p.id: p.population for p in partners}
    if sharing.rule == "practitioners":
        return {p.id: p.practitioners for p in partners}
    if sharing.rule in ("usage", "custom"):
        given = dict(sharing.weights)
        return {p.id: given.get(p.id, Decimal(0)) for p in partners}
    raise ValueError(f"{sharing.rule!r} is not a sharing rule")


def split(amount: Decimal, sharing: Sharing, partners: tuple[Partner, ...]) -> dict[str, Decimal]:
    """``amount`` shared between the partners by the rule: parts that add up to it exactly."""
    weighed = weights(sharing, partners)
    total = sum(weighed.values(), Decimal(0))
    if total <= 0:
        raise ValueError(f"the {sharing.rule} weights add up to {total}; nothing to share by")
    parts = {pid: (amount * w / total).quantize(QUANTUM) for pid, w in weighed.items()}
    last = next(pid for pid in reversed(weighed) if weighed[pid] > 0)
    parts[last] += amount - sum(parts.values(), Decimal(0))
    return parts
