"""Money as the calculator shows it: pounds to the penny, halves rounded up, with thousands
separators (1311390.835 → £1,311,390.84; -1575 → -£1,575.00). Figures are held exactly
(``Decimal``) and rounded only here, when shown (ADR 0033)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def pounds(value: Decimal | float | int) -> str:
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    pennies = exact.quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if pennies < 0 else ""
    return f"{sign}£{abs(pennies):,.2f}"
