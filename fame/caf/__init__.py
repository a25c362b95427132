"""The Common Assessment Framework: kept at the assessor's agency node, reached from the hub.

- ``structure``: the national CAF as data (sections, questions, choices).
- node side: ``models`` (assessment, append-only drafts and versions),
  ``actions``, ``queries``, ``api`` and ``referral_api`` (/federation/v1/node/cafs/...,
  declared in ``api_schemas``), ``referral_receipt`` (keeping a stepped-up CAF's copy).
- hub side: ``client`` (signed calls to the holding node), ``pages`` (the door
  every CAF page passes), ``closing`` (closing a CAF, stepped up or not),
  ``views``, ``team_views`` and ``templates/caf/`` (checklist, task list,
  sections, check answers, versions, Team Around the Child, closure).
"""
