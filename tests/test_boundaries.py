"""Apps meet through public names: no app reaches into another's private modules or pages.

Read from the source, not by importing it: each ``import`` and ``from ... import``
in ``fame/`` (lazy ones inside functions included) is resolved to the module it
names, and checked against these rules: no app imports another app's private
modules or its pages, and no module takes a private name from another (ADR 0020);
the CAF app's two sides (``fame.caf.hub``, ``fame.caf.node``, each with its own
rows in ``fame.caf.models``) never import each other, and what the app keeps at
its root for both imports neither (ADR 0011).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fame"

CAF_SIDES = ("hub", "node")
# Package roots that gather both sides for Django and other apps (lazily, by name).
CAF_GATHERERS = {"fame.caf", "fame.caf.models"}


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
    return i.name is not None and _private(i.name) and bool(_app(i.module))


def _caf_side(module: str) -> str | None:
    """``hub`` or ``node`` for a module of that side of the CAF app (its rows included)."""
    parts = module.split(".")
    if parts[:2] != ["fame", "caf"]:
        return None
    rest = parts[3:] if parts[2:3] == ["models"] else parts[2:]
    return rest[0] if rest and rest[0] in CAF_SIDES else None


def _caf_target(i: Imported) -> str:
    """The module a name comes from, following ``fame.caf``'s public names to their home."""
    if i.module == "fame.caf" and i.name in CAF_PUBLIC:
        return CAF_PUBLIC[i.name]
    return i.module


def other_side_of_the_caf(i: Imported) -> bool:
    side = _caf_side(i.importer)
    if side is None:
        return False
    target = _caf_target(i)
    other = _caf_side(target)
    return target == "fame.caf.models" or (other is not None and other != side)


def shared_caf_module_takes_a_side(i: Imported) -> bool:
    return (
        _app(i.importer) == "fame.caf"
        and _caf_side(i.importer) is None
        and i.importer not in CAF_GATHERERS
        and _caf_side(_caf_target(i)) is not None
    )


ALL = list(imports())
CAF_PUBLIC = {i.name: i.module for i in ALL if i.importer == "fame.caf" and i.name}


def test_the_source_is_read() -> None:
    assert Imported("fame.caf.hub.views", "fame.caf.hub.client", None) in ALL
    assert Imported("fame.caf.hub.views", "fame.caf.hub.client", "CafProblem") in ALL
    assert CAF_PUBLIC["released_copy"] == "fame.caf.node.queries"


def test_the_caf_app_has_both_sides() -> None:
    assert {_caf_side(i.importer) for i in ALL} >= set(CAF_SIDES)


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
            Imported("fame.caf.hub.views", "fame.index.views", "opened_person"),
            Imported("fame.caf.hub.urls", "fame.caf.hub.team_views", None),
        ),
        (
            private_name,
            Imported("fame.caf.node.team", "fame.caf.node.actions", "_audit"),
            Imported("fame.sharing.models", "fame.sharing._vocabulary", "Purpose"),
        ),
        (
            other_side_of_the_caf,
            Imported("fame.caf.hub.closing", "fame.caf.models.node", "ClosureReason"),
            Imported("fame.caf.hub.closing", "fame.caf.vocabulary", "ClosureReason"),
        ),
        (
            other_side_of_the_caf,
            Imported("fame.caf.node.queries", "fame.caf.hub.client", "CafView"),
            Imported("fame.caf.node.queries", "fame.caf.presenting", None),
        ),
        (
            other_side_of_the_caf,
            Imported("fame.caf.hub.views", "fame.caf", "released_copy"),
            Imported("fame.node.disclosure", "fame.caf", "released_copy"),
        ),
        (
            other_side_of_the_caf,
            Imported("fame.caf.node.team", "fame.caf.models", "Assessment"),
            Imported("fame.caf.node.team", "fame.caf.models.node", "Assessment"),
        ),
        (
            shared_caf_module_takes_a_side,
            Imported("fame.caf.presenting", "fame.caf.hub.client", "CafView"),
            Imported("fame.caf.models", "fame.caf.models.hub", "CafOverview"),
        ),
    ],
)
def test_each_rule_tells_a_crossing_from_a_fine_import(rule, crossing, fine) -> None:
    assert rule(crossing)
    assert not rule(fine)


@pytest.mark.parametrize(
    "rule",
    [
        private_module_of_another_app,
        views_of_another_app,
        private_name,
        other_side_of_the_caf,
        shared_caf_module_takes_a_side,
    ],
)
def test_no_import_breaks_the_rule(rule) -> None:
    breaking = sorted(f"{i.importer} -> {i.module} {i.name or ''}" for i in ALL if rule(i))

    assert breaking == []
