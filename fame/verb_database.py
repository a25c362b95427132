"""What each ``fame`` verb needs of the database, and meeting one that is not set up.

A verb run against a data folder whose database has not been migrated would
stop with Django's ``no such table`` traceback (and, on SQLite, leave an
empty database file behind). Before a verb runs, ``database_refusal`` looks at
what the verb needs and the state of the database:

- ``MAKES``: the verb can start from nothing (``fame node host``, ``fame bench
  search``): the database is migrated first, as ``fame serve`` does.
- ``CHANGES``: the verb works on data that must already be there (``fame index
  load`` needs the region's organisations, ``fame node import`` hosted
  agencies): a database never set up is refused with what to run first; one
  that is only behind (after an upgrade) is migrated.
- ``READS``: the verb only looks (``fame audit verify``, ``fame totp``): a
  database never set up or behind is refused with what to run; a check does
  not change what it checks.

Verbs not listed need no database or prepare their own (``fame run``, ``fame
serve``, ``fame demo``, ``fame rehearse``, ``fame migrate``, and ``fame restore``,
which needs an empty database and must not migrate one first); ``fame benefits`` is
arithmetic on a model file and ``fame deploy`` renders text from values: they need none
(``PURE``).
See docs/adr/0018-verbs-meet-a-database-not-set-up.md.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


class Need(Enum):
    """What a verb does with the database (see the module's docstring)."""

    MAKES = "makes"
    CHANGES = "changes"
    READS = "reads"


SET_UP = "run `fame migrate` to set it up"
DEMO = "make a demo region with `fame run` or `fame demo`"
REGION = (
    "prepare it with the region's organisations first: "
    "`fame serve --role hub --region DIR --prepare-only` (DIR from `fame synth`)"
)
HOST = "host the agencies first: `fame node host --agencies A,B`"

# verb, or (verb, subcommand): what it needs, and what to run when there is no database.
VERBS: dict[str | tuple[str, str], tuple[Need, str]] = {
    ("index", "load"): (Need.CHANGES, REGION),
    ("index", "retention"): (Need.CHANGES, "there are no records to keep or purge; " + SET_UP),
    ("node", "host"): (Need.MAKES, ""),
    ("node", "import"): (Need.CHANGES, HOST),
    ("node", "trust"): (Need.MAKES, ""),
    ("node", "register"): (Need.MAKES, ""),
    ("node", "keys"): (Need.READS, "there are no keys to list yet; " + SET_UP),
    ("node", "revoke-key"): (Need.CHANGES, "there are no keys to revoke yet; " + SET_UP),
    ("bench", "search"): (Need.MAKES, ""),
    ("audit", "verify"): (Need.READS, "there is no audit log to check yet; " + SET_UP),
    ("audit", "publish"): (Need.READS, "there is no audit log to publish yet; " + SET_UP),
    ("audit", "trust"): (Need.MAKES, ""),
    ("audit", "reconcile"): (Need.CHANGES, "there is no audit log to reconcile; " + SET_UP),
    ("audit", "rotate-key"): (Need.CHANGES, "there is no audit log yet; " + SET_UP),
    ("audit", "revoke-key"): (Need.CHANGES, "there are no audit keys to revoke; " + SET_UP),
    ("demonstrator", "export"): (Need.READS, "there is no activity to export yet; " + SET_UP),
    ("demonstrator", "drive"): (Need.READS, "there are no demo logins here; " + DEMO),
    "worker": (Need.READS, "there is no outbox to deliver yet; " + HOST),
    ("accounts", "create-admin"): (Need.CHANGES, SET_UP),
    "totp": (Need.READS, "there are no demo accounts yet; " + DEMO),
    "runserver": (Need.READS, "use `fame run`, which prepares one, or " + SET_UP),
    "createsuperuser": (Need.MAKES, ""),
    "loaddata": (Need.MAKES, ""),
    "changepassword": (Need.READS, "there are no accounts yet; " + DEMO),
    "dumpdata": (Need.READS, "there is nothing to dump; " + SET_UP),
    "flush": (Need.CHANGES, "there is nothing to empty"),
    "clearsessions": (Need.CHANGES, "there are no sessions to clear"),
    "remove_stale_contenttypes": (Need.CHANGES, SET_UP),
    "axes_list_attempts": (Need.READS, "there are no sign-in attempts yet"),
    "axes_reset": (Need.CHANGES, "there are no lockouts to reset"),
    "axes_reset_failure_logs": (Need.CHANGES, "there are no lockouts to reset"),
    "axes_reset_ip": (Need.CHANGES, "there are no lockouts to reset"),
    "axes_reset_ip_username": (Need.CHANGES, "there are no lockouts to reset"),
    "axes_reset_logs": (Need.CHANGES, "there are no lockouts to reset"),
    "axes_reset_username": (Need.CHANGES, "there are no lockouts to reset"),
    ("readiness", "template"): (Need.READS, "there are no readiness rounds yet; " + SET_UP),
    ("readiness", "import"): (Need.CHANGES, "there are no readiness rounds to answer; " + SET_UP),
    ("readiness", "results"): (Need.READS, "there are no readiness rounds yet; " + SET_UP),
    ("readiness", "banks"): (Need.READS, "no bank versions are kept yet; " + SET_UP),
    ("readiness", "bank"): (Need.MAKES, ""),
    ("reports", "caf-quarterly"): (Need.READS, "there are no CAF facts to count yet; " + SET_UP),
    ("directory", "import"): (Need.MAKES, ""),
    ("directory", "export"): (Need.READS, "there is no directory to export yet; " + SET_UP),
    ("directory", "postcodes"): (Need.MAKES, ""),
    ("history", "hub"): (Need.CHANGES, "there are no CAF facts to play a past from; " + DEMO),
    "backup": (Need.READS, "there is nothing to back up yet; " + SET_UP),
}
# Verbs that need no database at all: never listed in VERBS, so never held up by one.
PURE: frozenset[str] = frozenset({"benefits", "deploy"})
_SUBCOMMANDS: dict[str, set[str]] = {}
for _key in VERBS:
    if isinstance(_key, tuple):
        _SUBCOMMANDS.setdefault(_key[0], set()).add(_key[1])


def verb_need(args: list[str]) -> tuple[str, Need, str] | None:
    """The verb as people say it, what it needs and the hint; None when it needs nothing."""
    if not args or {"-h", "--help"} & set(args) or args[0] in PURE:
        return None
    verb = args[0]
    if verb in _SUBCOMMANDS:
        sub = next((arg for arg in args[1:] if arg in _SUBCOMMANDS[verb]), None)
        if sub is None:  # the verb says itself what is missing
            return None
        need, hint = VERBS[(verb, sub)]
        return f"fame {verb} {sub}", need, hint
    if verb in VERBS:
        need, hint = VERBS[verb]
        return f"fame {verb}", need, hint
    return None


def _database() -> str:
    """This process's database as people know it: by its data folder, or by its name."""
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if Path(name).parent == settings.DATA_DIR:
        return f"the database in {settings.DATA_DIR} (FAME_DATA_DIR)"
    return f"the database {name}"


def _no_file_yet() -> bool:
    """True for a SQLite database whose file does not exist (connecting would create it)."""
    database = connections[DEFAULT_DB_ALIAS]
    name = str(database.settings_dict["NAME"])
    if database.vendor != "sqlite" or name == ":memory:" or name.startswith("file:"):
        return False
    return not Path(name).exists()


def _state() -> tuple[bool, int]:
    """Whether the database has never been set up, and how many migrations it lacks
    (-1 for all of them: a SQLite file not made yet is not opened, to count them)."""
    if _no_file_yet():
        return True, -1
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not executor.loader.applied_migrations, len(plan)


def database_refusal(args: list[str]) -> str | None:
    """Get the database ready for the verb in ``args``, or say in one line why it is not."""
    found = verb_need(args)
    if found is None:
        return None
    verb, need, hint = found
    try:
        never_set_up, missing = _state()
    except DatabaseError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"`{verb}` cannot reach {_database()} ({first or type(error).__name__})."
    if never_set_up and need is not Need.MAKES:
        return f"`{verb}` needs a database that is set up, and {_database()} is not: {hint}."
    if missing and need is Need.READS:
        database = _database()
        migrations = "migration" if missing == 1 else "migrations"
        return (
            f"{database[0].upper()}{database[1:]} is not up to date ({missing} {migrations} to "
            f"apply): run `fame migrate`, then `{verb}` again."
        )
    if missing:
        call_command("migrate", verbosity=0)
    return None
