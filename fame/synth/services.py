"""The services through which agencies know children, and who in the agency holds the case."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Service:
    """One kind of involvement: what the agency's record says, and who is on it.

    ``caseload`` children per practitioner sizes each agency's staff, up to ``max_staff``.
    """

    code: str
    name: str
    org_type: str
    job_title: str
    role: str
    id_prefix: str
    id_digits: int
    caseload: int
    max_staff: int
    sensitive: bool


# code | service | organisation type | job title | role with the child | local id prefix |
# digits | caseload | most staff | sensitive
_TABLE = """
primary | Primary education | school | Class teacher | Class teacher | UPN- | 0 | 60 | 3 | no
secondary | Secondary education | school | Form tutor | Form tutor | UPN- | 0 | 150 | 3 | no
gp | General practice | gp_practice | GP | Registered GP | GP | 7 | 800 | 6 | no
health_visiting | Health visiting | health_trust | Health visitor | Health visitor | HV | 7 | 250 | 30 | no
school_nursing | School nursing | health_trust | School nurse | School nurse | SN | 7 | 400 | 15 | no
camhs | Child and adolescent mental health | health_trust | Mental health practitioner | Care coordinator | CMH | 7 | 40 | 25 | yes
sexual_health | Sexual health | health_trust | Sexual health nurse | Clinician | SXH | 7 | 80 | 8 | yes
substance_misuse | Substance misuse | health_trust | Substance misuse worker | Key worker | SMS | 6 | 30 | 8 | yes
children_in_need | Children in need | social_care | Social worker | Allocated social worker | LCS | 6 | 20 | 60 | no
child_protection | Child protection | social_care | Social worker | Allocated social worker | LCS | 6 | 20 | 60 | no
looked_after | Looked after children | social_care | Social worker | Allocated social worker | LCS | 6 | 20 | 60 | no
early_help | Early help | social_care | Family support worker | Lead professional | LCS | 6 | 25 | 30 | no
public_protection | Public protection | police | Police constable | Officer in the case | PP | 8 | 40 | 20 | no
missing_children | Missing children | police | Police constable | Missing person coordinator | MP | 8 | 40 | 20 | no
youth_offending | Youth offending | youth_offending | Youth justice worker | Case manager | YJ | 6 | 15 | 30 | no
youth_work | Youth work | youth_service | Youth worker | Youth worker | YS | 6 | 80 | 10 | no
advice | Information, advice and guidance | youth_service | Personal adviser | Personal adviser | PA | 6 | 100 | 10 | no
early_years | Early years education | early_years | Early years practitioner | Key person | EY | 5 | 12 | 6 | no
housing | Housing support | other | Housing officer | Housing officer | HSG | 6 | 100 | 10 | no
family_support | Family support | voluntary | Family support worker | Key worker | FS | 6 | 30 | 10 | no
parenting | Parenting support | voluntary | Parenting practitioner | Key worker | PS | 6 | 30 | 10 | no
domestic_abuse | Domestic abuse support | voluntary | Children's domestic abuse worker | Key worker | DA | 6 | 20 | 10 | no
young_carers | Young carers | voluntary | Young carers worker | Support worker | YC | 6 | 40 | 10 | no
mentoring | Mentoring | voluntary | Mentor | Mentor | MN | 6 | 15 | 10 | no
bereavement | Bereavement support | voluntary | Bereavement counsellor | Counsellor | BV | 6 | 20 | 10 | no
"""  # noqa: E501 - a table reads best one row a line


def _parse(table: str) -> dict[str, Service]:
    services = {}
    for line in table.strip().splitlines():
        code, name, org_type, job, role, prefix, digits, caseload, most, sensitive = (
            cell.strip() for cell in line.split("|")
        )
        services[code] = Service(
            code, name, org_type, job, role, prefix, int(digits), int(caseload), int(most),
            sensitive == "yes",
        )  # fmt: skip
    return services


SERVICES = _parse(_TABLE)


def services(*codes: str) -> tuple[Service, ...]:
    """The services with these codes, in this order."""
    return tuple(SERVICES[code] for code in codes)


SOCIAL_CARE = services("children_in_need", "child_protection", "looked_after", "early_help")
SOCIAL_CARE_WEIGHTS = (45, 15, 10, 30)
FAMILY_VOLUNTARY = services("family_support", "parenting", "domestic_abuse")
CHILD_VOLUNTARY = services("young_carers", "mentoring", "bereavement")
VOLUNTARY = services(
    "family_support", "young_carers", "parenting", "mentoring", "domestic_abuse", "bereavement"
)
"""Each voluntary organisation offers one of these, in this order, round and round."""
