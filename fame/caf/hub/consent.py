"""The CAF's consent section, recorded in the sharing register, so the sharing rules can use it.

When the family agrees to their assessment being shared with named
organisations, that agreement is a consent for the ``assessment`` category
for early help, given by whom the section says, from the day it says.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fame.accounts.models import User
from fame.index.models import Person
from fame.sharing import Consent, record_consent


def record_caf_consent(*, person: Person, content: dict[str, Any], by: User) -> Consent | None:
    """Record the consent section's agreement to share (None when it gives none)."""
    organisations = [o for o in content.get("share_with", []) if isinstance(o, str)]
    if content.get("sharing") != "yes" or not organisations:
        return None
    try:
        given_on = date.fromisoformat(str(content.get("given_on", "")))
    except ValueError:
        return None
    return record_consent(
        child_ref=str(person.uid),
        grantor=str(content.get("given_by") or "parent"),
        decision="permit",
        organisations=organisations,
        purposes=["early_help"],
        data_categories=["assessment"],
        in_force_from=given_on,
        recorded_how=str(content.get("how") or "verbal"),
        by=by,
    )
