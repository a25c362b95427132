"""The hub reaching a CAF at the assessor's agency node: every call signed, with a user assertion.

The CAF's content never rests at the hub: each page asks the node that holds
it, through the federation client (even when hub and node share a process).
Each call carries an assertion for the signed-in practitioner, about the
agency's own record of the child, and each call is audited here, at the hub:
what was read or written, by whom, about which child, and what the node said.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from fame.accounts.decorators import used_second_factor
from fame.accounts.facilitated import ActingAs
from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.federation import NoResponse, federation_client, issue_assertion
from fame.federation.actions import note_contact, note_failure
from fame.federation.facts import asserted, signed_facts
from fame.federation.keys import private_key
from fame.federation.models import FederationNode
from fame.federation.queries import node_for_agency
from fame.index.models import Person, SourceRecord

HUB_KEY_ID = "hub"
PURPOSE = "early_help"
BASE = "/federation/v1/node/cafs"


class CafProblem(Exception):
    """The CAF cannot be reached or changed now; ``reason`` says why, in plain English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CafUnavailable(CafProblem):
    """Not connected, no record at the agency, or the node did not answer."""


class CafRefused(CafProblem):
    """The node refused: not the holder, or not the assessor or Lead Professional."""


class CafNotReady(CafProblem):
    """Sections are not complete (``sections``), or the assessment is closed."""

    def __init__(self, reason: str, sections: list[str] | None = None) -> None:
        super().__init__(reason)
        self.sections = sections or []


@dataclass(frozen=True)
class CafPlace:
    """Where a child's CAF lives for one organisation: its node and its own record of the child."""

    person: Person
    agency: Organisation
    local_id: str
    node: FederationNode
    acting: ActingAs | None = None
    """Whose standing calls about the CAF are decided on, when the pages know (facilitated
    access); else the caller's own."""


@dataclass(frozen=True)
class CafView:
    """An assessment as the holding node describes it."""

    uid: str
    status: str
    assessor: str
    assessor_name: str
    lead_professional: str
    lead_professional_name: str
    created_at: str
    working_number: int
    versions: list[dict[str, Any]]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    closure: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CafView:
        return cls(
            uid=str(data["uid"]),
            status=str(data["status"]),
            assessor=str(data["assessor"]),
            assessor_name=str(data.get("assessor_name", "")),
            lead_professional=str(data.get("lead_professional", "")),
            lead_professional_name=str(data.get("lead_professional_name", "")),
            created_at=str(data.get("created_at", "")),
            working_number=int(data["working_number"]),
            versions=list(data.get("versions", [])),
            sections=dict(data.get("sections", {})),
            meetings=list(data.get("meetings", [])),
            closure=data.get("closure") or None,
        )

    @property
    def reviewing(self) -> bool:
        """Whether the drafts now being saved make a review (version 2 or later)."""
        return self.working_number > 1

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    def may_write(self, user: User) -> bool:
        """The assessor or the Lead Professional, while the CAF is not closed."""
        return not self.closed and user.username in {self.assessor, self.lead_professional}

    def meeting(self, uid: str) -> dict[str, Any] | None:
        return next((m for m in self.meetings if m["uid"] == uid), None)

    def state(self, section: str) -> str:
        return str(self.sections.get(section, {}).get("state", "not_started"))

    def content(self, section: str) -> dict[str, Any]:
        found = self.sections.get(section, {}).get("content", {})
        return found if isinstance(found, dict) else {}

    def unfinished(self) -> list[str]:
        return [k for k in self.sections if self.state(k) != "completed"]


def place_for(*, person: Person, organisation: Organisation | None) -> CafPlace:
    """Where ``organisation`` keeps (or would keep) the child's CAF; else ``CafUnavailable``."""
    if organisation is None:
        raise CafUnavailable("Your account does not belong to an organisation.")
    source = SourceRecord.objects.filter(person=person, organisation=organisation).first()
    if source is None:
        raise CafUnavailable(
            f"{organisation.name} has no record of this child in the index, so there is "
            "nowhere to keep a CAF yet. A CAF is kept with the assessor's agency's own records."
        )
    node = node_for_agency(organisation.agency_id)
    if node is None:
        raise CafUnavailable(f"{organisation.name} is not connected to FAME's federation yet.")
    return CafPlace(person=person, agency=organisation, local_id=source.local_id, node=node)


def _audit(
    action: str, place: CafPlace, by: User, *, outcome: str = "success", **details: Any
) -> None:
    record_event(
        action,
        actor=by,
        target=f"person:{place.person.uid}",
        outcome=outcome,
        details={"holder": place.agency.agency_id, "node": place.node.name, **details},
    )


def _call(
    place: CafPlace, by: User, path: str, payload: dict[str, Any], *, action: str, **details: Any
) -> dict[str, Any]:
    """Send one signed request for ``by`` to the holding node; its answer, audited here."""
    who = place.acting if place.acting is not None and place.acting.user == by else by
    assertion = issue_assertion(
        **asserted(who),
        purpose=PURPOSE,
        child=f"{place.agency.agency_id}:{place.local_id}",
        audience=place.node.name,
        private_key=private_key(),
    )
    facts = signed_facts(
        user=who,
        person=place.person,
        holder=place.agency.agency_id,
        child=f"{place.agency.agency_id}:{place.local_id}",
        purpose=PURPOSE,
        categories=["assessment"],
        mfa=used_second_factor(by),
    )
    try:
        response = federation_client().post(
            place.node.base_url,
            BASE + path,
            {**payload, "facts": facts},
            key_id=HUB_KEY_ID,
            peer=place.node.name,
            assertion=assertion,
        )
    except NoResponse as silent:
        note_failure(place.node, f"caf: {silent.reason}")
        _audit(action, place, by, outcome="failure", reason=silent.reason, **details)
        raise CafUnavailable(f"{place.agency.name} did not respond. Try again.") from None
    note_contact(place.node)
    data = response.data
    reason = str(data.get("reason", response.status))
    if response.ok:
        _audit(action, place, by, **details)
        return data
    _audit(action, place, by, outcome="refused", reason=reason, status=response.status, **details)
    if response.status in {401, 403}:
        raise CafRefused(f"{place.agency.name} refused: {reason}.")
    if response.status == 409:
        raise CafNotReady(reason, [str(s) for s in data.get("sections", [])])
    raise CafUnavailable(f"{place.agency.name} could not answer ({reason}).")


def _view(data: dict[str, Any]) -> CafView:
    return CafView.from_json(data["assessment"])


def find(place: CafPlace, *, by: User) -> CafView | None:
    """The child's open CAF held by ``place``'s agency, if there is one."""
    data = _call(
        place,
        by,
        "/find",
        {"agency_id": place.agency.agency_id, "local_id": place.local_id},
        action="caf.opened",
    )
    return _view(data) if data.get("assessment") else None


def start(place: CafPlace, *, by: User, checklist: dict[str, Any]) -> CafView:
    payload = {
        "agency_id": place.agency.agency_id,
        "local_id": place.local_id,
        "checklist": checklist,
    }
    return _view(_call(place, by, "/start", payload, action="caf.started"))


def save_section(
    place: CafPlace, *, by: User, uid: str, section: str, content: dict[str, Any], complete: bool
) -> CafView:
    data = _call(
        place,
        by,
        f"/{uid}/sections/{section}",
        {"content": content, "complete": complete},
        action="caf.section_saved",
        caf=uid,
        section=section,
        complete=complete,
    )
    return _view(data)


def complete(place: CafPlace, *, by: User, uid: str, note: str = "") -> dict[str, Any]:
    """Make the next version (1, or a review's N+1); the version made."""
    data = _call(place, by, f"/{uid}/complete", {"note": note}, action="caf.completed", caf=uid)
    return dict(data["version"])


def versions(place: CafPlace, *, by: User, uid: str) -> list[dict[str, Any]]:
    data = _call(place, by, f"/{uid}/versions", {}, action="caf.versions_listed", caf=uid)
    return list(data.get("versions", []))


def version(place: CafPlace, *, by: User, uid: str, number: int) -> dict[str, Any]:
    data = _call(
        place,
        by,
        f"/{uid}/versions/{number}",
        {},
        action="caf.version_opened",
        caf=uid,
        version=number,
    )
    return dict(data["version"])


def team_write(
    place: CafPlace, *, by: User, uid: str, path: str, payload: dict[str, Any], action: str
) -> CafView:
    """One Team Around the Child or closure write at the holding node (``path`` under the CAF)."""
    return _view(_call(place, by, f"/{uid}{path}", payload, action=action, caf=uid))


REFERRALS = "/referrals"


def _to_receiving(
    node: FederationNode,
    receiving: Organisation,
    *,
    by: User,
    path: str,
    payload: dict[str, Any],
    action: str,
    target: str,
    child: str = "",
    purpose: str = "safeguarding",
) -> dict[str, Any]:
    """One signed call to the node hosting ``receiving``, audited here; ``CafProblem`` if not."""
    assertion = issue_assertion(
        subject=by.username,
        name=by.display_name,
        organisation=by.organisation.agency_id if by.organisation else "",
        roles=list(by.roles),
        purpose=purpose,
        child=child or f"{receiving.agency_id}:referrals",
        audience=node.name,
        private_key=private_key(),
    )
    details: dict[str, Any] = {"receiving": receiving.agency_id, "node": node.name}
    try:
        response = federation_client().post(
            node.base_url,
            BASE + REFERRALS + path,
            payload,
            key_id=HUB_KEY_ID,
            peer=node.name,
            assertion=assertion,
        )
    except NoResponse as silent:
        note_failure(node, f"caf referral: {silent.reason}")
        record_event(
            action,
            actor=by,
            target=target,
            outcome="failure",
            details={**details, "why": silent.reason},
        )
        raise CafUnavailable(f"{receiving.name} did not respond. Try again.") from None
    note_contact(node)
    reason = str(response.data.get("reason", response.status))
    if response.ok:
        record_event(action, actor=by, target=target, details=details)
        return response.data
    record_event(
        action, actor=by, target=target, outcome="refused", details={**details, "why": reason}
    )
    if response.status in {401, 403}:
        raise CafRefused(f"{receiving.name} refused: {reason}.")
    raise CafUnavailable(f"{receiving.name} could not answer ({reason}).")


def _receiving_node(receiving: Organisation) -> FederationNode:
    node = node_for_agency(receiving.agency_id)
    if node is None:
        raise CafUnavailable(f"{receiving.name} is not connected to FAME's federation yet.")
    return node


def pass_on(
    place: CafPlace,
    *,
    by: User,
    caf: CafView,
    receiving: Organisation,
    reason: str,
    decision: dict[str, Any],
) -> dict[str, Any]:
    """Pass the CAF's current version from its holding node to ``receiving``'s node.

    The holding node gives the version; the hub forwards it, signed, with the
    decision point's permit; the receiving node keeps it read-only. Raises
    ``CafProblem`` (nothing kept) if either node does not answer.
    """
    node = _receiving_node(receiving)
    if not caf.versions:
        raise CafNotReady("There is no completed version of this CAF to pass on.")
    current = version(place, by=by, uid=caf.uid, number=int(caf.versions[-1]["number"]))
    payload = {
        # The same CAF version to the same organisation is the same referral: a retry
        # after the copy arrived but the closure failed changes nothing at the receiver.
        "uid": uuid.uuid5(
            uuid.NAMESPACE_URL, f"caf:{caf.uid}:{current['number']}:{receiving.agency_id}"
        ).hex,
        "received_by": receiving.agency_id,
        "child_ref": str(place.person.uid),
        "from_agency": place.agency.agency_id,
        "from_agency_name": place.agency.name,
        "reason": reason,
        "referred_on": timezone.localdate().isoformat(),
        "version_number": current["number"],
        "content": current["content"],
        "decision": decision,
    }
    data = _to_receiving(
        node,
        receiving,
        by=by,
        path="",
        payload=payload,
        action="caf.passed_on",
        target=f"person:{place.person.uid}",
        child=f"{place.agency.agency_id}:{place.local_id}",
    )
    return dict(data["referral"])


def referrals_received(*, by: User) -> list[dict[str, Any]]:
    """The referrals ``by``'s organisation has received, from its node; no content."""
    if by.organisation is None:
        raise CafUnavailable("Your account does not belong to an organisation.")
    node = _receiving_node(by.organisation)
    data = _to_receiving(
        node,
        by.organisation,
        by=by,
        path="/received",
        payload={"agency_id": by.organisation.agency_id},
        action="caf.referrals_listed",
        target=f"organisation:{by.organisation.agency_id}",
    )
    return list(data.get("referrals", []))


def referral_received(*, by: User, uid: str) -> dict[str, Any]:
    """One referral with its content, from ``by``'s organisation's node."""
    if by.organisation is None:
        raise CafUnavailable("Your account does not belong to an organisation.")
    node = _receiving_node(by.organisation)
    data = _to_receiving(
        node,
        by.organisation,
        by=by,
        path=f"/{uid}",
        payload={},
        action="caf.referral_opened",
        target=f"referral:{uid}",
    )
    return dict(data["referral"])
