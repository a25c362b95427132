"""The node's side of the CAF: the federation API an agency node serves, its writes and reads.

Runs at an agency node, where the CAF is kept: the holding node (the assessment,
its versions, its Team Around the Child) or the receiving node (a stepped-up
copy). Every request comes signed by the hub, with a user assertion, through
``api`` and ``referral_api``. May import the app's shared root (``structure``,
``presenting``, ``vocabulary``), its own rows (``fame.caf.models.node``) and other
apps' public names; never ``fame.caf.hub`` nor the hub's rows
(tests/test_boundaries.py checks).
"""
