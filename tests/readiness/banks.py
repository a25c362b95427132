"""A small bank for tests: one statement in every cell, written out as TOML like a shipped
bank, so the tests do not change when the shipped banks' words do."""

from __future__ import annotations

from fame.readiness.bank import statement_code
from fame.readiness.framework import framework

CRITERIA = ("leadership", "people", "policy-strategy", "partnership-resources", "processes")


def small_bank_text(version: str = "test.1", key: str = "childrens-services") -> str:
    lines = [
        "[bank]",
        f'key = "{key}"',
        'title = "Test bank"',
        f'version = "{version}"',
        "",
    ]
    n = 0
    for block in framework().blocks:
        for dimension in framework().dimensions:
            sid = statement_code(block.code, dimension.key, 1)
            lines += [
                "[[statements]]",
                f'id = "{sid}"',
                f'block = "{block.key}"',
                f'dimension = "{dimension.key}"',
                f'criterion = "{CRITERIA[n % len(CRITERIA)]}"',
                f'text = "{block.name} is in place for {dimension.name.lower()} ({sid})."',
                "levels = [" + ", ".join(f'"{sid} at level {i}"' for i in range(5)) + "]",
            ]
            if block.key == "information-sharing" and dimension.key == "governance":
                lines.append('facts = ["protocols_in_force"]')
            for level, term in enumerate(("short", "short", "medium", "long")):
                lines += [
                    "[[statements.actions]]",
                    f"from = {level}",
                    f'text = "Move {sid} up from {level}."',
                    f'term = "{term}"',
                ]
            lines.append("")
            n += 1
    return "\n".join(lines)
