"""The Child Index: persons, the records agencies supplied, the links between them, involvements.

Other apps' pages reach a child through a record opened in the practitioner's
session, by its handle::

    from fame.index import opened_person
    person = opened_person(request, handle)  # 404 unless opened with a reason

Names that need Django's models are imported lazily, so importing this package
never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "handle_for",
    "involved_children",
    "listed_children",
    "new_handle",
    "opened_handles",
    "opened_person",
    "remember_results",
]

_LAZY = {
    "handle_for": "fame.index.handles",
    "involved_children": "fame.index.caseload",
    "listed_children": "fame.index.caseload",
    "new_handle": "fame.index.handles",
    "opened_handles": "fame.index.handles",
    "opened_person": "fame.index.handles",
    "remember_results": "fame.index.handles",
}

if TYPE_CHECKING:
    from fame.index.caseload import involved_children, listed_children
    from fame.index.handles import (
        handle_for,
        new_handle,
        opened_handles,
        opened_person,
        remember_results,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
