"""The Readiness Assessment Tool, the action plan and the Regional Roadmap.

- ``framework.py`` the FAME Generic Framework (``framework.toml``): blocks, dimensions,
  criteria, score levels, which blocks come before which.
- ``bank.py`` statement banks (``banks/*.toml``), one per context; ``scoring.py`` the
  pure arithmetic of results; ``models.py`` rounds, respondents, answers, agreements,
  plan actions; ``queries.py`` who sees what, and a round's results; ``facts.py`` what
  the running system can evidence.
- ``rounds/`` opening a round, inviting respondents, answering by task list;
  ``results/`` heat map, radar and bars, moderation, comparison; ``plan/`` the action
  plan, the roadmap and the round's report; ``workbook/`` the XLSX round trip.

It needs no child data: a partnership that has not joined the federation can use it.
"""
