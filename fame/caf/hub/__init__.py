"""The hub's side of the CAF: the pages practitioners use, and what the hub decides and keeps.

Runs at the hub. The CAF itself is never here: every page reaches it through
``client``, signed calls over the federation API to the holding node (even when
hub and node share a process). May import the app's shared root (``structure``,
``presenting``, ``vocabulary``), its own rows (``fame.caf.models.hub``) and other
apps' public names; never ``fame.caf.node`` nor the node's rows
(tests/test_boundaries.py checks).
"""
