"""An agency node: what the agency keeps (its records, CAF flags, disclosure log) and serves.

Other apps use only what ``__all__`` names. Names that need Django's models are
imported lazily, so importing this package never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["HUB", "CategoryDecision", "decide_on_facts", "hub_key", "trusted_key"]

_LAZY = {
    "HUB": "fame.node.keys",
    "CategoryDecision": "fame.node.disclosure",
    "decide_on_facts": "fame.node.disclosure",
    "hub_key": "fame.node.keys",
    "trusted_key": "fame.node.keys",
}

if TYPE_CHECKING:
    from fame.node.disclosure import CategoryDecision, decide_on_facts
    from fame.node.keys import HUB, hub_key, trusted_key


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
