"""Guided stories through a simulated run, pausing at questions for the room.

- ``story``: the TOML file of a story, checked against a declared schema
  (``read_story``, ``parse_story``, ``StoryError``).
- ``cases``: the cases of a run (a CAF and the concern that led to it), and the rules
  that choose one.
- ``answers``: each question's answer, computed from the sharing policy or the model.
- ``steps``: a step as the page shows it (``show``).
- ``views``: the page, ``/demonstrator/guided``.
"""

from .answers import rule_findings
from .steps import ShownStep, show, stories
from .story import Story, StoryError, parse_story, read_story

__all__ = [
    "ShownStep",
    "Story",
    "StoryError",
    "parse_story",
    "read_story",
    "rule_findings",
    "show",
    "stories",
]
