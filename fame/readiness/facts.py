"""What the running system can evidence, told as it stands now (issue 15's live facts).

Interface (filled in by the facts part): ``live_fact(key) -> Fact`` and
``live_facts(keys) -> list[Fact]``, one for each key in ``bank.FACTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Fact:
    key: str
    text: str
    """One plain sentence, such as "14 of 15 organisations are accredited"."""
    as_of: datetime

    def attached(self) -> dict[str, str]:
        """As stored with an answer's evidence: the sentence and when it was true."""
        return {"key": self.key, "text": self.text, "as_of": self.as_of.isoformat()}
