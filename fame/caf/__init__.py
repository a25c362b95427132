"""The Common Assessment Framework: kept at the assessor's agency node, reached from the hub.

- ``structure``: the national CAF as data (sections, questions, choices).
- node side: ``models`` (assessment, append-only drafts and versions),
  ``actions``, ``queries``, ``api`` (/federation/v1/node/cafs/...).
- hub side: ``client`` (signed calls to the holding node), ``views`` and
  ``templates/caf/`` (checklist, task list, sections, check answers, versions).
"""
