"""Who may open a CAF through the hub's CAF pages: the holder organisation's practitioners.

Reaching child data at all is ``child_data_required``'s door (accreditation,
vetting, training); the record must be open in the session with a reason.
Past those, a CAF that the index says another organisation holds is theirs:
practitioners elsewhere ask that agency through a detail request. The node
checks the same again, and that only the assessor or Lead Professional writes.
"""

from __future__ import annotations

from fame.accounts.models import User
from fame.index.models import Person


def caf_refusal(user: User, person: Person) -> str:
    """Why ``user`` may not open ``person``'s CAF through these pages ("" when they may)."""
    if user.organisation_id is None:
        return "open a CAF without belonging to an organisation"
    held_elsewhere = (
        person.caf_holder_id is not None and person.caf_holder_id != user.organisation_id
    )
    if person.caf_status == "open" and held_elsewhere:
        return "open a CAF held by another organisation"
    return ""
