"""``fame accounts create-admin USERNAME ...``: the region's first administrator.

A new hub has no one who can sign in to add organisations and people. This verb
makes an administrator, and their organisation when it is not there yet, through
the same forms and actions as **Manage users** and **Manage organisations**, so the
same rules and error messages apply and the same audit events are recorded (with no
actor: the system, at the command line). It prints a one-time password, which the
administrator changes at their first sign-in, where they also set up an
authenticator app. Anything wrong is named by option and nothing is made.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fame.accounts.actions import issue_temporary_password, save_organisation, save_user
from fame.accounts.forms import OrganisationForm, UserForm
from fame.accounts.models import Organisation, OrganisationType, Role, User

USAGE = (
    "Usage: fame accounts create-admin USERNAME --first-name NAME --last-name NAME "
    "--job-title TITLE --email ADDRESS --organisation AGENCY_ID "
    "[--organisation-name NAME --organisation-type TYPE --local-authority AREA]"
)

# Each form field, as the option that fills it.
OPTION = {
    "username": "USERNAME",
    "first_name": "--first-name",
    "last_name": "--last-name",
    "job_title": "--job-title",
    "secure_email": "--email",
    "phone": "--phone",
    "organisation": "--organisation",
    "agency_id": "--organisation",
    "name": "--organisation-name",
    "type": "--organisation-type",
    "local_authority": "--local-authority",
}


class Command(BaseCommand):
    help = (
        "Work with accounts. `fame accounts create-admin USERNAME ...` makes an administrator "
        "(the first one of a new hub), and their organisation if it is new, and prints a "
        "one-time password to change at the first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help="create-admin")
        parser.add_argument("username", nargs="?", help="the administrator's username")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--job-title", default="")
        parser.add_argument("--email", default="", help="their secure email address")
        parser.add_argument("--phone", default="")
        parser.add_argument(
            "--organisation",
            metavar="AGENCY_ID",
            default="",
            help="their organisation's agency id (like la-001); made if it is not there yet",
        )
        parser.add_argument(
            "--organisation-name", default="", help="for a new organisation: its name"
        )
        parser.add_argument(
            "--organisation-type",
            default="",
            help="for a new organisation: one of " + ", ".join(OrganisationType.values),
        )
        parser.add_argument(
            "--local-authority", default="", help="for a new organisation: its local authority area"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand != "create-admin":
            what = "Say what to do" if subcommand is None else f"Unknown command {subcommand!r}"
            raise CommandError(f"{what}. {USAGE}", returncode=2)
        if not options["username"]:
            raise CommandError(f"Give the administrator's username. {USAGE}", returncode=2)
        if not options["organisation"]:
            raise CommandError(f"Give their organisation's agency id. {USAGE}", returncode=2)
        with transaction.atomic():
            organisation = self._organisation(options)
            form = UserForm(
                data={
                    "username": options["username"],
                    "first_name": options["first_name"],
                    "last_name": options["last_name"],
                    "job_title": options["job_title"],
                    "secure_email": options["email"],
                    "phone": options["phone"],
                    "organisation": str(organisation.pk),
                    "roles": [Role.ADMINISTRATOR],
                },
                instance=User(),
            )
            if not form.is_valid():
                raise CommandError(problems("The administrator cannot be made", form), returncode=2)
            user = save_user(form=form, by=None)
            password = issue_temporary_password(user=user, by=None)
        self.stdout.write(
            f"{user.username} is an administrator of {organisation.name} "
            f"({organisation.agency_id}).\n"
            f"One-time password: {password}\n"
            "It is shown once. At their first sign-in they choose their own password "
            "and set up an authenticator app."
        )

    def _organisation(self, options: dict[str, Any]) -> Organisation:
        """The administrator's organisation: the one with that agency id, or a new one made
        from the --organisation-* options (refused, with what is missing, if they are not given)."""
        agency_id = options["organisation"]
        existing = Organisation.objects.filter(agency_id=agency_id).first()
        if existing is not None:
            return existing
        form = OrganisationForm(
            data={
                "agency_id": agency_id,
                "name": options["organisation_name"],
                "type": options["organisation_type"],
                "local_authority": options["local_authority"],
                "accreditation_status": "pending",
            },
            instance=Organisation(),
        )
        if not form.is_valid():
            raise CommandError(
                problems(
                    f"There is no organisation {agency_id!r} yet, and it cannot be made", form
                ),
                returncode=2,
            )
        return save_organisation(form=form, by=None)


def problems(what: str, form: Any) -> str:
    """``what`` and a form's errors, each named by the option that fills its field: on one
    line when there is one, else a line each."""
    lines = [
        f"{OPTION.get(field, field)}: {message}"
        + (f" (one of: {', '.join(OrganisationType.values)})" if field == "type" else "")
        for field, messages in form.errors.items()
        for message in messages
    ]
    if len(lines) == 1:
        return f"{what}: {lines[0]}"
    return f"{what}:\n" + "\n".join(f"  {line}" for line in lines)
