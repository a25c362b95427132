"""The Regional Demonstrator: models of a region's service process, simulated (SimPy)
and compared across approaches, with one event log (OCEL 2.0) for what is simulated.

- ``scenario``: the TOML file that describes a region and its approaches, checked
  against a declared schema (``read_scenario``, ``ScenarioError``).
- ``model``: one run of one approach (``Run``) and the figures it gives (``measures``).
- ``compare``: every approach on common random numbers, with 95% intervals.
- ``events``: the OCEL 2.0 event log.

The verbs are ``fame demonstrator scenarios|simulate|compare`` (see its management
command). Nothing here touches the database.
"""
