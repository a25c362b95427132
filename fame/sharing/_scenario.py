"""Self-contained what-if scenarios for ``fame sharing explain``.

A scenario file describes organisations, people, protocols, children,
consents and requests (see docs/adr/0007-sharing-policy-decision-point.md for
the shape). ``load_scenario`` checks every field and refuses a bad file with
the path of each bad field, such as ``requests[0].purpose: "fun" is not a
purpose (one of early_help, ...)``; it builds the same ``Facts`` the running
system builds, so the answers are those the running system would give.

A protocol's or consent's ``from`` or ``to`` may be null: open-ended at that
end. The file is UTF-8 JSON; one that is not, or that nests lists and objects
more than ``MAX_NESTING`` deep, is refused with one problem naming why.

Organisations named by protocols, children and consents need not be listed;
a listed organisation says whether it is accredited, and a person's
organisation that is not listed counts as not accredited (with a note).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from fame.accounts.models import Role

from ._facts import (
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    Facts,
    OrganisationFacts,
    ProtocolFacts,
    UserFacts,
)
from ._vocabulary import ALL_ORGANISATIONS, DATA_CATEGORIES, PURPOSES

T = TypeVar("T")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` names each bad field by its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Scenario:
    organisations: dict[str, OrganisationFacts] = field(default_factory=dict)
    users: dict[str, UserFacts] = field(default_factory=dict)
    protocols: list[ProtocolFacts] = field(default_factory=list)
    children: dict[str, ChildFacts] = field(default_factory=dict)
    consents: dict[str, list[ConsentFacts]] = field(default_factory=dict)
    requests: list[AccessRequest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not wrong

    def facts_for(self, request: AccessRequest) -> Facts:
        """What the running system would gather: the child's consents, protocols naming
        either organisation, the requester and whoever authorised an override."""
        child = self.children[request.child]
        people = {request.user: self.users[request.user]}
        if request.override_authorised_by is not None:
            people[request.override_authorised_by] = self.users[request.override_authorised_by]
        named = {people[request.user].organisation, child.holder}
        return Facts(
            child=child,
            organisations=self.organisations,
            users=people,
            protocols=[p for p in self.protocols if named & p.parties],
            consents=self.consents.get(child.id, []),
        )


OPEN_START = date.min
"""The start of a protocol or consent whose ``from`` is null: in force from the beginning."""

MAX_NESTING = 8
"""Lists and objects within each other a scenario may hold; it needs 4 (users, a user, roles)."""


def _period(starts: date, ends: date | None) -> dict[str, str | None]:
    return {
        "from": None if starts == OPEN_START else starts.isoformat(),
        "to": ends.isoformat() if ends else None,
    }


def scenario_document(
    facts: Facts,
    requests: Iterable[AccessRequest],
    *,
    child_id: str | None = None,
    user_ids: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``facts`` and ``requests`` as a scenario: what ``load_scenario`` reads back.

    The hub sends a detail request's facts to the holding node in this shape, so
    the node decides on exactly what an ISA officer can replay with
    ``fame sharing explain``. ``child_id`` and ``user_ids`` rename the child and
    the people (the node knows the child by its own record and people by
    username, not by the hub's identifiers).
    """
    child = child_id or facts.child.id
    names = dict(user_ids or {})

    def user(id_: str | None) -> str | None:
        return None if id_ is None else names.get(id_, id_)

    return {
        "organisations": [
            {"id": o.id, "accredited": o.accredited} for o in facts.organisations.values()
        ],
        "users": [
            {
                "id": user(u.id),
                "organisation": u.organisation,
                "roles": sorted(u.roles),
                "mfa": u.mfa,
                "vetted": u.vetted,
                "trained": u.trained,
            }
            for u in facts.users.values()
        ],
        "protocols": [
            {
                "id": p.id,
                "parties": sorted(p.parties),
                "purposes": sorted(p.purposes),
                "data_categories": sorted(p.categories),
                **_period(p.starts, p.ends),
            }
            for p in facts.protocols
        ],
        "children": [{"id": child, "holder": facts.child.holder, "shielded": facts.child.shielded}],
        "consents": [
            {
                "id": c.id,
                "child": child,
                "decision": c.decision,
                "organisations": sorted(c.organisations),
                "purposes": sorted(c.purposes),
                "data_categories": sorted(c.categories),
                **_period(c.starts, c.ends),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in facts.consents
        ],
        "requests": [
            {
                "id": r.id,
                "user": user(r.user),
                "child": child,
                "purpose": r.purpose,
                "data_category": r.category,
                "on": r.on.isoformat(),
                "override_reason": r.override_reason,
                "override_authorised_by": user(r.override_authorised_by),
            }
            for r in requests
        ],
    }


def read_scenario(path: Path) -> Scenario:
    """The scenario in the UTF-8 JSON file at ``path`` (a byte order mark is allowed)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScenarioError([f"scenario: cannot be read ({error.strerror or error})"]) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScenarioError(
            [
                f"scenario: is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
                "save the file as UTF-8"
            ]
        ) from None
    return load_scenario(text)


def load_scenario(text: str) -> Scenario:
    too_deep = (
        f"scenario: nested too deeply (more than {MAX_NESTING} levels of lists and objects); "
        "a scenario needs 4 at most"
    )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            [f"scenario: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"]
        ) from error
    except RecursionError:
        raise ScenarioError([too_deep]) from None
    if _nesting(document) > MAX_NESTING:
        raise ScenarioError([too_deep])
    reader = _Reader()
    scenario = reader.scenario(document)
    if reader.problems:
        raise ScenarioError(reader.problems)
    scenario.notes = reader.notes
    return scenario


def _nesting(document: Any) -> int:
    """How many lists and objects lie within each other (counted without recursion)."""
    deepest = 0
    waiting: list[tuple[Any, int]] = [(document, 1)]
    while waiting and deepest <= MAX_NESTING:
        value, level = waiting.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            waiting.extend((item, level + 1) for item in value)
    return deepest


def _show(value: Any, longest: int = 60) -> str:
    """The value as JSON, cut short so that a problem stays on one readable line."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= longest else f"{shown[: longest - 1]}…"


class _Bad(Exception):
    """One field is bad; the problem is already noted."""


class _Reader:
    TOP = ("organisations", "users", "protocols", "children", "consents", "requests")

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []
        # Every id that was well formed, even where the rest of its item was not,
        # so that one bad field is reported once rather than at each reference.
        self.ids: dict[str, set[str]] = {}

    def bad(self, path: str, message: str) -> _Bad:
        self.problems.append(f"{path}: {message}")
        return _Bad()

    # -- shapes ------------------------------------------------------------------

    def record(
        self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.bad(path, f"expected an object, not {_show(value)}")
        required, allowed = tuple(required), (*required, *optional)
        for key in value:
            if key not in allowed:
                self.bad(
                    f"{path}.{key}" if path else key, f"unknown key (expected {', '.join(allowed)})"
                )
        missing = [key for key in required if key not in value]
        for key in missing:
            self.bad(f"{path}.{key}" if path else key, "missing")
        if missing:
            raise _Bad()
        return value

    def items(self, value: Any, path: str, read: Callable[[Any, str], T]) -> list[T]:
        if not isinstance(value, list):
            raise self.bad(path, f"expected a list, not {_show(value)}")
        found = []
        for index, item in enumerate(value):
            try:
                found.append(read(item, f"{path}[{index}]"))
            except _Bad:
                continue
        return found

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.bad(path, f"expected some text, not {_show(value)}")
        return value

    def flag(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.bad(path, f"expected true or false, not {_show(value)}")
        return value

    def day(self, value: Any, path: str, *, nullable: bool = False) -> date | None:
        if value is None and nullable:
            return None
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        expected = "a date (YYYY-MM-DD) or null" if nullable else "a date (YYYY-MM-DD)"
        raise self.bad(path, f"{_show(value)} is not {expected}")

    def choice(self, value: Any, path: str, choices: Iterable[str], what: str) -> str:
        choices = tuple(choices)
        if not isinstance(value, str) or value not in choices:
            raise self.bad(path, f"{_show(value)} is not {what} (one of {', '.join(choices)})")
        return value

    def choices(self, value: Any, path: str, choices: Iterable[str], what: str) -> frozenset[str]:
        if not isinstance(value, list) or not value:
            raise self.bad(path, f"expected a list of at least one {what.split(' ', 1)[1]}")
        found = self.items(value, path, lambda item, at: self.choice(item, at, choices, what))
        if len(found) != len(value):
            raise _Bad()
        return frozenset(found)

    def new_id(self, value: Any, path: str, kind: str) -> str:
        id_ = self.text(value, path)
        taken = self.ids.setdefault(kind, set())
        if id_ in taken:
            raise self.bad(path, f"{_show(id_)} is used twice")
        taken.add(id_)
        return id_

    def reference(self, value: Any, path: str, kind: str) -> str:
        if not isinstance(value, str) or value not in self.ids.get(kind, ()):
            raise self.bad(path, f"{_show(value)} is not a known {kind} id")
        return value

    def period(self, item: dict[str, Any], path: str) -> tuple[date, date | None]:
        """From and to; a null ``from`` is open-ended (in force from the beginning), as is
        a null ``to`` (in force until further notice)."""
        if item["from"] is None:
            starts = OPEN_START
        else:
            starts = self.day(item["from"], f"{path}.from") or OPEN_START
        ends = self.day(item.get("to"), f"{path}.to", nullable=True)
        if ends is not None and ends < starts:
            raise self.bad(f"{path}.to", f"{ends} is before from ({starts})")
        return starts, ends

    # -- the scenario ----------------------------------------------------------------

    def scenario(self, document: Any) -> Scenario:
        scenario = Scenario()
        try:
            top = self.record(document, "", self.TOP)
        except _Bad:
            if not isinstance(document, dict):
                self.problems[-1] = f"scenario: expected an object, not {_show(document, 40)}"
            return scenario
        self.read_section(top, "organisations", lambda i, p: self.organisation(i, p, scenario))
        self.read_section(top, "users", lambda i, p: self.user(i, p, scenario))
        self.read_section(top, "protocols", lambda i, p: self.protocol(i, p, scenario))
        self.read_section(top, "children", lambda i, p: self.child(i, p, scenario))
        self.read_section(top, "consents", lambda i, p: self.consent(i, p, scenario))
        self.read_section(top, "requests", lambda i, p: self.request(i, p, scenario))
        return scenario

    def read_section(self, top: dict[str, Any], key: str, read: Callable[[Any, str], None]) -> None:
        with contextlib.suppress(_Bad):
            self.items(top[key], key, read)

    def organisation(self, item: Any, path: str, scenario: Scenario) -> None:
        item = self.record(item, path, ("id", "accredited"), ("name",))
        id_ = self.new_id(item["id"], f"{path}.id", "organisation")
        accredited = self.flag(item["accredited"], f"{path}.accredited")
        scenario.organisations[id_] = OrganisationFacts(id=id_, accredited=accredited)

    def user(self, item: Any, path: str, scenario: Scenario) -> None:
        keys = ("id", "organisation", "roles", "mfa", "vetted", "trained")
        item = self.record(item, path, keys, ("name",))
        id_ = self.new_id(item["id"], f"{path}.id", "user")
        organisation = self.text(item["organisation"], f"{path}.organisation")
        if organisation not in self.ids.get("organisation", ()):
            self.notes.append(
                f"{path}.organisation: {_show(organisation)} is not listed in organisations, "
                "so it counts as not accredited"
            )
        roles = item["roles"]
        if not isinstance(roles, list):
            raise self.bad(f"{path}.roles", f"expected a list of roles, not {_show(roles)}")
        found = self.items(
            roles, f"{path}.roles", lambda role, at: self.choice(role, at, Role.values, "a role")
        )
        flags = [self.flag(item[key], f"{path}.{key}") for key in ("mfa", "vetted", "trained")]
        if len(found) != len(roles):
            raise _Bad()
        scenario.users[id_] = UserFacts(
            id_, organisation, frozenset(found), mfa=flags[0], vetted=flags[1], trained=flags[2]
        )

    def organisation_ids(self, value: Any, path: str, *, wildcard: bool) -> frozenset[str]:
        if not isinstance(value, list) or not value:
            raise self.bad(
                path, f"expected a list of at least one organisation id, not {_show(value)}"
            )
        if wildcard and ALL_ORGANISATIONS in value:
            if len(value) > 1:
                raise self.bad(path, '"*" (all organisations) stands alone')
            return frozenset(value)
        found = self.items(
            value,
            path,
            self.text,
        )
        if len(found) != len(value):
            raise _Bad()
        return frozenset(found)

    def protocol(self, item: Any, path: str, scenario: Scenario) -> None:
        keys = ("id", "parties", "purposes", "data_categories", "from")
        item = self.record(item, path, keys, ("to", "title", "lawful_basis", "scope", "version"))
        id_ = self.new_id(item["id"], f"{path}.id", "protocol")
        parties = self.organisation_ids(item["parties"], f"{path}.parties", wildcard=False)
        purposes = self.choices(item["purposes"], f"{path}.purposes", PURPOSES, "a purpose")
        categories = self.choices(
            item["data_categories"], f"{path}.data_categories", DATA_CATEGORIES, "a data category"
        )
        starts, ends = self.period(item, path)
        scenario.protocols.append(ProtocolFacts(id_, parties, purposes, categories, starts, ends))

    def child(self, item: Any, path: str, scenario: Scenario) -> None:
        item = self.record(item, path, ("id", "holder", "shielded"), ("name",))
        id_ = self.new_id(item["id"], f"{path}.id", "child")
        holder = self.text(item["holder"], f"{path}.holder")
        shielded = self.flag(item["shielded"], f"{path}.shielded")
        scenario.children[id_] = ChildFacts(id=id_, holder=holder, shielded=shielded)

    def consent(self, item: Any, path: str, scenario: Scenario) -> None:
        keys = ("child", "decision", "organisations", "purposes", "data_categories", "from")
        optional = ("to", "withdrawn_on", "id", "grantor", "recorded_how")
        item = self.record(item, path, keys, optional)
        child = self.reference(item["child"], f"{path}.child", "child")
        decision = self.choice(
            item["decision"], f"{path}.decision", ("permit", "deny"), "a decision"
        )
        organisations = self.organisation_ids(
            item["organisations"], f"{path}.organisations", wildcard=True
        )
        purposes = self.choices(item["purposes"], f"{path}.purposes", PURPOSES, "a purpose")
        categories = self.choices(
            item["data_categories"], f"{path}.data_categories", DATA_CATEGORIES, "a data category"
        )
        starts, ends = self.period(item, path)
        withdrawn_on = self.day(item.get("withdrawn_on"), f"{path}.withdrawn_on", nullable=True)
        id_ = str(item.get("id") or path)
        scenario.consents.setdefault(child, []).append(
            ConsentFacts(
                id_,
                "permit" if decision == "permit" else "deny",
                organisations,
                purposes,
                categories,
                starts,
                ends,
                withdrawn_on,
            )
        )

    def request(self, item: Any, path: str, scenario: Scenario) -> None:
        keys = ("id", "user", "child", "purpose", "data_category", "on")
        item = self.record(item, path, keys, ("override_reason", "override_authorised_by"))
        id_ = self.new_id(item["id"], f"{path}.id", "request")
        user = self.reference(item["user"], f"{path}.user", "user")
        child = self.reference(item["child"], f"{path}.child", "child")
        purpose = self.choice(item["purpose"], f"{path}.purpose", PURPOSES, "a purpose")
        category = self.choice(
            item["data_category"], f"{path}.data_category", DATA_CATEGORIES, "a data category"
        )
        on = self.day(item["on"], f"{path}.on")
        reason = item.get("override_reason")
        if reason is not None and not isinstance(reason, str):
            raise self.bad(f"{path}.override_reason", f"expected text or null, not {_show(reason)}")
        authoriser = item.get("override_authorised_by")
        if authoriser is not None:
            authoriser = self.reference(authoriser, f"{path}.override_authorised_by", "user")
        if on is None:
            raise _Bad()
        scenario.requests.append(
            AccessRequest(user, child, purpose, category, on, reason, authoriser, id=id_)
        )
