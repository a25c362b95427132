"""The region's practitioners: who works where, their vetting and training, the demo logins."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .names import PRACTITIONER_NAMES, SURNAMES
from .organisations import ORGANISATION_TYPES, Organisation

COURSES = ("fame_induction", "information_sharing", "safeguarding")
VETTING_VALID_DAYS = 3 * 365
TRAINING_VALID_DAYS = 3 * 365  # 36 months

# Staff every organisation of a type has, whatever its caseload: job title and roles.
_FIXED_STAFF: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "school": (
        ("Designated safeguarding lead", ("practitioner",)),
        ("Head teacher", ("practitioner", "manager")),
    ),
    "early_years": (("Nursery manager", ("practitioner", "manager")),),
    "gp_practice": (("Practice manager", ("manager",)),),
    "health_trust": (
        ("Named nurse for safeguarding children", ("practitioner",)),
        ("Head of children's community services", ("manager",)),
    ),
    "social_care": (
        ("Team manager", ("practitioner", "manager")),
        ("CAF coordinator", ("practitioner", "caf_coordinator")),
        ("Information sharing and assessment officer", ("isa_officer",)),
        ("Shielding officer", ("shielding_officer",)),
        ("Information governance auditor", ("auditor",)),
        ("FAME system administrator", ("administrator",)),
        ("Partnership performance lead", ("partnership_officer",)),
    ),
    "police": (("Detective sergeant, public protection", ("practitioner", "manager")),),
    "youth_offending": (("Youth justice team manager", ("practitioner", "manager")),),
    "youth_service": (("Youth service manager", ("practitioner", "manager")),),
    "voluntary": (
        ("Project manager", ("practitioner", "manager")),
        ("Volunteer", ("practitioner",)),
    ),
    "other": (("Housing team leader", ("practitioner", "manager")),),
}

# Staff added after the region's first release: job, roles, and the organisation type whose
# first organisation employs them.
_LATER_STAFF: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Family information service officer", ("directory_editor",), "social_care"),
)

# Demo persona: organisation type, job title ("" for any). All are vetted and trained and work
# at accredited organisations, except the unvetted volunteer (never vetted) and the
# unaccredited worker (at an organisation awaiting accreditation).
DEMO_PERSONAS: dict[str, tuple[str, str]] = {
    "school_teacher": ("school", "Class teacher"),
    "health_visitor": ("health_trust", "Health visitor"),
    "social_worker": ("social_care", "Social worker"),
    "police_officer": ("police", "Police constable"),
    "voluntary_worker": ("voluntary", "Family support worker"),
    "caf_coordinator": ("social_care", "CAF coordinator"),
    "isa_officer": ("social_care", "Information sharing and assessment officer"),
    "shielding_officer": ("social_care", "Shielding officer"),
    "manager": ("social_care", "Team manager"),
    "auditor": ("social_care", "Information governance auditor"),
    "administrator": ("social_care", "FAME system administrator"),
    "partnership_officer": ("social_care", "Partnership performance lead"),
    "unvetted_volunteer": ("voluntary", "Volunteer"),
    "unaccredited_worker": ("voluntary", ""),
    "directory_editor": ("social_care", "Family information service officer"),
}


@dataclass(frozen=True, slots=True)
class Practitioner:
    username: str
    given_name: str
    family_name: str
    organisation: str
    job_title: str
    phone: str
    secure_email: str
    roles: tuple[str, ...]
    vetting_checked_on: date | None
    training: tuple[tuple[str, date], ...]

    def as_json(self) -> dict[str, Any]:
        vetted = self.vetting_checked_on
        return {
            "username": self.username,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "organisation": self.organisation,
            "job_title": self.job_title,
            "phone": self.phone,
            "secure_email": self.secure_email,
            "roles": list(self.roles),
            "vetting_checked_on": vetted.isoformat() if vetted else None,
            "training": [{"course": c, "completed_on": d.isoformat()} for c, d in self.training],
        }


def vetting_current(person: Practitioner, as_of: date) -> bool:
    checked = person.vetting_checked_on
    return checked is not None and (as_of - checked).days <= VETTING_VALID_DAYS


def training_current(person: Practitioner, as_of: date) -> bool:
    done = dict(person.training)
    return all(c in done and (as_of - done[c]).days <= TRAINING_VALID_DAYS for c in COURSES)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower()) or "x"


class _Hiring:
    """Makes practitioners with unique usernames and a mix of vetting and training."""

    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng, self.as_of = rng, as_of
        self.people: list[Practitioner] = []
        self._taken: set[str] = set()

    def _days_ago(self, low: int, high: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(low, high))

    def hire(
        self, org: Organisation, job: str, roles: tuple[str, ...], status: str
    ) -> Practitioner:
        """``status``: "good", "unvetted", or "mixed" (mostly good, some lapsed)."""
        rng = self.rng
        given, family = PRACTITIONER_NAMES.draw(rng), SURNAMES.draw(rng)
        stem, number = f"{_ascii(given)[0]}.{_ascii(family)}", 1
        while f"{stem}{number if number > 1 else ''}.{org.agency_id}" in self._taken:
            number += 1
        stem = f"{stem}{number if number > 1 else ''}"
        username = f"{stem}.{org.agency_id}"
        self._taken.add(username)
        if status == "mixed":
            status = rng.choices(("good", "lapsed", "untrained", "stale"), (86, 5, 5, 4))[0]
            if job == "Volunteer" and rng.random() < 0.3:
                status = "unvetted"
        vetted: date | None = self._days_ago(20, 1000)
        if status == "lapsed":
            vetted = self._days_ago(VETTING_VALID_DAYS + 5, 1900)
        elif status == "unvetted":
            vetted = None
        training = [(course, self._days_ago(10, 1000)) for course in COURSES]
        if status == "untrained":
            del training[rng.randrange(len(training))]
        elif status == "stale":
            k = rng.randrange(len(training))
            training[k] = (training[k][0], self._days_ago(TRAINING_VALID_DAYS + 5, 1600))
        if rng.random() < 0.6:
            phone = f"07700 900{rng.randrange(1000):03d}"
        else:
            phone = f"01632 960{rng.randrange(1000):03d}"
        person = Practitioner(
            username, given, family, org.agency_id, job, phone,
            f"{stem}@{org.agency_id}.fame.test", roles, vetted, tuple(training),
        )  # fmt: skip
        self.people.append(person)
        return person


def build_staff(
    rng: random.Random,
    organisations: list[Organisation],
    cases: Counter[tuple[str, str]],
    as_of: date,
) -> tuple[list[Practitioner], dict[tuple[str, str], list[str]]]:
    """Practitioners for every organisation, sized by ``cases`` per (agency id, job title).

    Returns them and, per (agency id, job title), the secure emails of those who
    hold cases. Most are vetted and trained, a few have lapsed vetting or
    training; the first person in each job at the first organisation of each
    type, and at organisations awaiting accreditation, is sure to be in date
    (the demo logins are chosen from them).
    """
    hiring = _Hiring(rng, as_of)
    caseworkers: dict[tuple[str, str], list[str]] = {}
    first_voluntary = next(org.agency_id for org in organisations if org.type == "voluntary")
    vouched = {org.agency_id for org in organisations if org.accreditation_status == "pending"}
    for kind in ORGANISATION_TYPES:
        vouched.add(next(org.agency_id for org in organisations if org.type == kind))
    for org in organisations:
        jobs: dict[str, int] = {}
        for service in org.services:
            count = cases[(org.agency_id, service.job_title)]
            wanted = min(service.max_staff, max(1, -(-count // service.caseload)))
            jobs[service.job_title] = max(jobs.get(service.job_title, 0), wanted)
        for job, wanted in jobs.items():
            emails = caseworkers.setdefault((org.agency_id, job), [])
            for k in range(wanted):
                status = "good" if k == 0 and org.agency_id in vouched else "mixed"
                emails.append(hiring.hire(org, job, ("practitioner",), status).secure_email)
        for job, roles in _FIXED_STAFF[org.type]:
            status = "good" if org.agency_id in vouched else "mixed"
            if job == "Volunteer" and org.agency_id == first_voluntary:
                status = "unvetted"
            hiring.hire(org, job, roles, status)
    # Hired last, so that adding them changed no one else in a region made from the same seed.
    for job, roles, org_type in _LATER_STAFF:
        org = next(org for org in organisations if org.type == org_type)
        hiring.hire(org, job, roles, "good")
    return hiring.people, caseworkers


def demo_logins(
    organisations: list[Organisation], practitioners: list[Practitioner], as_of: date
) -> dict[str, str]:
    """One username per demo persona, each with exactly the properties the persona shows."""
    orgs = {org.agency_id: org for org in organisations}
    logins: dict[str, str] = {}
    for persona, (org_type, job) in DEMO_PERSONAS.items():
        for person in practitioners:
            org = orgs[person.organisation]
            wanted_status = "pending" if persona == "unaccredited_worker" else "accredited"
            if (
                org.type == org_type
                and person.job_title == (job or person.job_title)
                and org.accreditation_status == wanted_status
                and training_current(person, as_of)
                and vetting_current(person, as_of) == (persona != "unvetted_volunteer")
                and (persona != "unvetted_volunteer" or person.vetting_checked_on is None)
            ):
                logins[persona] = person.username
                break
        else:  # pragma: no cover - the organisations and staff are built to have them
            raise RuntimeError(f"no practitioner fits the demo persona {persona}")
    return logins
