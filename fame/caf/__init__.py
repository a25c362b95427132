"""The Common Assessment Framework: kept at the assessor's agency node, reached from the hub.

Two sides, one app (label ``caf``, one set of migrations), laid out by where each runs:

- ``node/``: what an agency node serves and does with the CAFs it keeps: the API
  (``api``, ``referral_api`` at /federation/v1/node/cafs/..., declared in
  ``api_schemas``), its writes (``actions``, ``team``, ``referral_receipt``) and
  reads (``queries``).
- ``hub/``: the pages (``views``, ``team_views``, ``referral_views``, their forms,
  ``urls`` and the door every CAF page passes, ``pages``), the hub's decisions
  (``permissions``, ``referral``, ``closing``, ``consent``), what the hub adds
  (``prefill``, ``involved``, ``family_copy``), the co-ordinator's facts
  (``coordination``), a practitioner's own CAF work from those facts (``own_work``)
  and ``client``, the one way the hub reaches a CAF: signed calls over the federation
  API to the holding node.
- ``models/``: the rows, by the side that keeps them (``models.node``: assessment,
  drafts, versions, closure, Team Around the Child, referral copies;
  ``models.hub``: the co-ordinator's overview and follow-ups).
- Shared and pure, at the root: ``structure`` (the national CAF as data),
  ``presenting`` (answers as people read them: the node's released copy and the
  hub's pages both use it), ``vocabulary`` (the choices both sides send and keep),
  and ``templates/caf/``.

Neither side imports the other (tests/test_boundaries.py checks). Other apps use
only what ``__all__`` names; names that need Django's models are imported
lazily, so importing this package never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["caf_count", "caf_work", "record_caf_facts", "released_copy"]

_LAZY = {
    "caf_count": "fame.caf.hub.coordination",
    "caf_work": "fame.caf.hub.own_work",
    "record_caf_facts": "fame.caf.hub.coordination",
    "released_copy": "fame.caf.node.queries",
}

if TYPE_CHECKING:
    from fame.caf.hub.coordination import caf_count, record_caf_facts
    from fame.caf.hub.own_work import caf_work
    from fame.caf.node.queries import released_copy


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
