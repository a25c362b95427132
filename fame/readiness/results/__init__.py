"""A round's results: the heat map, radar and bar charts with their tables, the
per-statement list, the workshop that agrees flagged statements, the comparison with
earlier rounds and between consenting partners, the CSV and the PDF report.

- ``summary.py`` arranges ``queries.round_results`` by block, dimension and criterion;
- ``drawn.py`` names each chart (``charts.py`` draws it) and keeps it while the round
  is unchanged; ``report.py`` makes the PDF; ``actions.py`` records agreements.
"""
