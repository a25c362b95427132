"""Apps meet through public names: no app reaches into another's private modules or pages.

Read from the source, not by importing it: each ``import`` and ``from ... import``
in ``fame/`` (lazy ones inside functions included) is resolved to the module it
names, and checked against three rules: no app imports another app's private
modules or its pages, and no module takes a private name from another (ADR 0020).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fame"

# The node's CAF API shares its JSON helpers with the referral API until both are
# declared at one door; nothing else takes a private name from another module.
KNOWN_PRIVATE_NAMES = {
    ("fame.caf.referral_api", "fame.caf.api", name) for name in ("_bad", "_json", "_not_found")
}


@dataclass(frozen=True)
class Imported:
    importer: str
    module: str
    name: str | None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _absolute(importer: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports() -> Iterator[Imported]:
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Imported(importer, alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                module = _absolute(importer, path, node)
                for alias in node.names:
                    submodule = f"{module}.{alias.name}"
                    if _is_module(submodule):
                        yield Imported(importer, submodule, None)
                    else:
                        yield Imported(importer, module, alias.name)


def _app(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "fame" and len(parts) > 1 else ""


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def private_module_of_another_app(i: Imported) -> bool:
    return _app(i.module) not in {"", _app(i.importer)} and any(
        _private(part) for part in i.module.split(".")
    )


def views_of_another_app(i: Imported) -> bool:
    return _app(i.module) not in {"", _app(i.importer)} and i.module.endswith("views")


def private_name(i: Imported) -> bool:
    return (
        i.name is not None
        and _private(i.name)
        and bool(_app(i.module))
        and (i.importer, i.module, i.name) not in KNOWN_PRIVATE_NAMES
    )


ALL = list(imports())


def test_the_source_is_read() -> None:
    assert Imported("fame.caf.views", "fame.caf.client", None) in ALL
    assert Imported("fame.caf.views", "fame.caf.client", "CafProblem") in ALL


@pytest.mark.parametrize(
    ("rule", "crossing", "fine"),
    [
        (
            private_module_of_another_app,
            Imported("fame.federation.keys", "fame.audit._signing", "signing_key"),
            Imported("fame.audit.verify", "fame.audit._signing", "key_id_for"),
        ),
        (
            views_of_another_app,
            Imported("fame.caf.views", "fame.index.views", "opened_person"),
            Imported("fame.caf.urls", "fame.caf.team_views", None),
        ),
        (
            private_name,
            Imported("fame.caf.team", "fame.caf.actions", "_audit"),
            Imported("fame.sharing.models", "fame.sharing._vocabulary", "Purpose"),
        ),
    ],
)
def test_each_rule_tells_a_crossing_from_a_fine_import(rule, crossing, fine) -> None:
    assert rule(crossing)
    assert not rule(fine)


@pytest.mark.parametrize(
    "rule", [private_module_of_another_app, views_of_another_app, private_name]
)
def test_no_import_breaks_the_rule(rule) -> None:
    breaking = sorted(f"{i.importer} -> {i.module} {i.name or ''}" for i in ALL if rule(i))

    assert breaking == []
