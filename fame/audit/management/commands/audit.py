"""``fame audit``: check the audit log, and have the nodes witness it.

fame audit verify [--json] [--witnesses]   check the log (and, on the hub, against the nodes)
fame audit sequence [--once] [--every S]   add recorded events to the log, a signed head a batch
fame audit publish [--json]                on the hub: send the latest signed tree head to nodes
fame audit key [--public-key-file F]       print the audit log's public key (the hub's, for nodes)
fame audit trust --public-key-file F       on a node: witness the log signed by that key
fame audit reconcile [--json]              on a restored hub: record what the nodes witnessed
                                           that the log lost, and let them witness on (ADR 0045)
fame audit rotate-key [--json]             on the hub: a new audit key, handed over by the old;
                                           --replace --reason R: no hand-over (key lost or stolen)
fame audit revoke-key --key-id K --reason R  on a node: witness nothing more that key K signs
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.audit.verify import VerificationResult, verify_audit_log
from fame.web.server import default_processes

if TYPE_CHECKING:
    from fame.audit.reconcile import ReconcileReport
    from fame.audit.witness_check import WitnessReport

USAGE = (
    "Usage: fame audit verify [--json] [--witnesses] | sequence [--once] [--every S] [--json] "
    "| publish [--json] "
    "| key [--public-key-file F] [--json] | trust --public-key-file F [--name hub] "
    "| reconcile [--json] | rotate-key [--replace --reason R [--old-public-key-file F]] [--json] "
    "| revoke-key --key-id K --reason R"
)
SUBCOMMANDS = (
    "verify",
    "sequence",
    "publish",
    "key",
    "trust",
    "reconcile",
    "rotate-key",
    "revoke-key",
)
PROGRESS_FROM = 10_000  # events; smaller logs verify too quickly to need a bar
INCOMPLETE = 3
"""Exit code of `verify --witnesses` when all that answered agree but not every node answered."""


class Command(BaseCommand):
    help = (
        "Work with the audit log. `fame audit verify` checks it has not been altered; with "
        "--witnesses (on the hub) also against the tree heads the nodes keep: exit 1 when "
        "anything disagrees, 3 when a node did not answer. `sequence` adds the events "
        "recorded since to the log's Merkle tree and signs a tree head per batch (every "
        "--every seconds until stopped, or --once; a served process does this itself). "
        "`publish` sends the latest signed "
        "tree head to every node; `key` prints the audit public key; `trust` (on a node) "
        "witnesses the hub's log signed by the given key. `reconcile` (on a hub restored from "
        "a backup) records in the log, as an audited event, the heads the nodes witnessed "
        "that the log lost, and sends each node a signed restore statement so that it "
        "witnesses the log again; `verify --witnesses` then reports the loss as acknowledged. "
        "`rotate-key` (on the hub) signs "
        "from now on with a new key, the old one's hand-over to it recorded in the log; "
        "nodes trusting the old key trust the new one from the next published head; "
        "`rotate-key --replace --reason R` replaces a key lost or that may be stolen, with no "
        "hand-over. `revoke-key --key-id K --reason R` (on a node) witnesses nothing more that "
        "key K signs, nor any key K handed over to."
    )
    # A forensic check needs only the database and the key: let it run even when
    # an unrelated part of the site fails Django's system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help=", ".join(SUBCOMMANDS))
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--witnesses",
            action="store_true",
            help="verify: also check the log against the tree heads each node witnessed (hub)",
        )
        parser.add_argument(
            "--public-key-file", help="key: also write the public key here; trust: read it here"
        )
        parser.add_argument("--name", default="hub", help="trust: whose log it is (hub)")
        parser.add_argument(
            "--once", action="store_true", help="sequence: integrate what waits, then stop"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="rotate-key: the old key is lost or may be stolen: no hand-over",
        )
        parser.add_argument("--reason", default="", help="rotate-key --replace, revoke-key: why")
        parser.add_argument(
            "--old-public-key-file",
            help="rotate-key --replace, when the old key is lost: its public half (the file "
            "the nodes were given to trust it), so the heads it signed still verify",
        )
        parser.add_argument("--key-id", default="", help="revoke-key: the key to revoke")
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="sequence: seconds between rounds (FAME_AUDIT_SEQUENCE_SECONDS, 0.5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand is None:
            raise CommandError(f"Say what to do with the audit log. {USAGE}", returncode=2)
        if subcommand not in SUBCOMMANDS:
            raise CommandError(f"Unknown audit command {subcommand!r}. {USAGE}", returncode=2)
        if options["witnesses"] and subcommand != "verify":
            raise CommandError(f"--witnesses goes with verify. {USAGE}", returncode=2)
        if (options["once"] or options["every"] is not None) and subcommand != "sequence":
            raise CommandError(f"--once and --every go with sequence. {USAGE}", returncode=2)
        if options["every"] is not None and not 0.01 <= options["every"] <= 3600:
            raise CommandError("--every takes seconds from 0.01 to 3600.", returncode=2)
        key_options = options["replace"] or options["old_public_key_file"] or options["reason"]
        if key_options and subcommand not in ("rotate-key", "revoke-key"):
            raise CommandError(
                "--replace and --old-public-key-file go with rotate-key, --reason with "
                f"rotate-key --replace or revoke-key. {USAGE}",
                returncode=2,
            )
        options["as_json"] = options.pop("json")
        getattr(self, f"_{subcommand.replace('-', '_')}")(**options)

    def _verify(self, *, as_json: bool, witnesses: bool, **_: Any) -> None:
        if witnesses and settings.FAME_ROLE == "node":
            raise CommandError(
                "--witnesses runs on the hub, which knows the nodes that witness its log; "
                "this process is a node.",
                returncode=2,
            )
        # Leaves are recomputed in as many processes as this one may use cores (ADR 0041).
        result = verify_audit_log(progress=self._progress_bar, workers=default_processes())
        report = None
        if witnesses:
            from fame.audit.witness_check import check_witnesses

            report = check_witnesses()
        if as_json:
            answer = result.as_dict()
            if report is not None:
                answer["witnesses"] = report.as_dict()
            self.stdout.write(json.dumps(answer))
        else:
            if result.intact:
                self.stdout.write(summary(result))
            if report is not None:
                for line in witness_lines(report):
                    self.stdout.write(line)
        failed = not result.intact
        if not result.intact:
            self.stderr.write(f"Audit log check failed: {result.problem}.")
        if report is not None:
            for disagreement in report.disagreements:
                self.stderr.write(f"Witness check failed: {disagreement.problem}.")
            failed = failed or not report.agree
            if not report.nodes:
                self.stderr.write(
                    "Witness check incomplete: this hub has no registered nodes to witness its "
                    "log (`fame node register`)."
                )
            for node in report.nodes:
                if node.status == "no answer":
                    self.stderr.write(f"Witness check incomplete: {node.node} {node.problem}.")
            if not failed and not report.complete:
                raise SystemExit(INCOMPLETE)
        if failed:
            raise SystemExit(1)

    def _reconcile(self, *, as_json: bool, **_: Any) -> None:
        if settings.FAME_ROLE == "node":
            raise CommandError("reconcile runs on the hub; this process is a node.", returncode=2)
        from fame.audit.reconcile import ReconcileRefused, reconcile

        try:
            report = reconcile()
        except ReconcileRefused as refused:
            raise CommandError(f"Nothing was reconciled: {refused}.") from None
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            for line in reconcile_lines(report):
                self.stdout.write(line)
        if not report.complete:
            for node in report.nodes:
                if node.status in {"refused", "no answer"}:
                    self.stderr.write(
                        f"Reconcile incomplete: {node.node} {node.status}"
                        + (f": {node.reason}" if node.reason else "")
                        + "; run `fame audit reconcile` again once it can record the restore."
                    )
            raise SystemExit(1)

    def _sequence(self, *, as_json: bool, once: bool, every: float | None, **_: Any) -> None:
        from fame.audit.sequencer import Sequencer, integrate

        if once:
            heads = integrate()
            events = sum(h.tree_size - h.previous_size for h in heads)
            if as_json:
                sizes = [h.tree_size for h in heads]
                self.stdout.write(json.dumps({"events": events, "tree_heads": sizes}))
            elif heads:
                self.stdout.write(
                    f"Added {events:,} events to the audit log under {len(heads)} signed tree "
                    f"head(s), up to size {heads[-1].tree_size:,}."
                )
            else:
                self.stdout.write("No events were waiting for the audit log.")
            return
        sequencer = Sequencer(every=every or settings.FAME_AUDIT_SEQUENCE_SECONDS)
        self.stdout.write(
            f"Adding recorded events to the audit log every {sequencer.every:g} s (Ctrl-C stops)."
        )
        sequencer.start()
        try:
            while sequencer.is_alive():
                sequencer.join(1.0)
        except KeyboardInterrupt:
            sequencer.stop()

    def _publish(self, *, as_json: bool, **_: Any) -> None:
        if settings.FAME_ROLE == "node":
            raise CommandError("publish runs on the hub; this process is a node.", returncode=2)
        from fame.audit.publish import current_head, publish_tree_head

        head = current_head()
        results = publish_tree_head()
        if as_json:
            answer = {
                "tree_size": head.tree_size if head else None,
                "nodes": [r.as_dict() for r in results],
            }
            self.stdout.write(json.dumps(answer))
        elif head is None:
            self.stdout.write("The audit log is empty: there is no tree head to publish yet.")
        elif not results:
            self.stdout.write("No nodes are registered to witness the log (`fame node register`).")
        else:
            for r in results:
                why = f": {r.reason}" if r.reason else ""
                self.stdout.write(f"{r.node}: {r.status} (tree head {r.tree_size}){why}")
        if any(not r.kept for r in results):
            raise SystemExit(1)

    def _key(self, *, as_json: bool, public_key_file: str | None, **_: Any) -> None:
        from fame.audit.signing import signing_key
        from fame.federation.keys import public_pem

        key = signing_key("audit")
        pem = public_pem(key.public_key)
        if public_key_file:
            Path(public_key_file).write_text(pem, encoding="ascii")
        if as_json:
            self.stdout.write(json.dumps({"key_id": key.key_id, "public_key": pem}))
            return
        self.stdout.write(f"Audit log key {key.key_id} in {key.path}")
        self.stdout.write(pem.rstrip())

    def _trust(self, *, public_key_file: str | None, name: str, **_: Any) -> None:
        from fame.audit.witness import RevokedKeyError, trust_log_key
        from fame.federation.keys import PublicKeyError

        if not public_key_file:
            raise CommandError(
                "Say which key to trust: fame audit trust --public-key-file FILE (the hub's "
                "audit public key, from `fame audit key` on the hub).",
                returncode=2,
            )
        try:
            text = Path(public_key_file).read_text(encoding="ascii")
            entry = trust_log_key(public_key=text, name=name)
        except RevokedKeyError as error:
            raise CommandError(str(error), returncode=2) from None
        except (OSError, UnicodeDecodeError, PublicKeyError) as error:
            raise CommandError(
                f"{public_key_file}: not an Ed25519 public key file ({error})"
            ) from None
        self.stdout.write(f"This node now witnesses the audit log of {name} (key {entry.key_id}).")

    def _rotate_key(
        self,
        *,
        as_json: bool,
        replace: bool,
        reason: str,
        old_public_key_file: str | None,
        **_: Any,
    ) -> None:
        if settings.FAME_ROLE == "node":
            raise CommandError("rotate-key runs on the hub; this process is a node.", returncode=2)
        if replace:
            self._replace_key(as_json=as_json, reason=reason, old_file=old_public_key_file)
            return
        if reason or old_public_key_file:
            raise CommandError(
                "--reason and --old-public-key-file go with --replace: an ordinary rotation "
                "is handed over by the old key.",
                returncode=2,
            )
        from fame.audit.rotation import rotate_audit_key
        from fame.audit.signing import key_path

        if not key_path("audit").exists():
            raise CommandError(
                f"The audit key is not at {key_path('audit')}: restore it from the latest "
                "backup (`fame restore`), or, if it is lost for good, replace it with "
                "`fame audit rotate-key --replace --reason ... --old-public-key-file F`.",
                returncode=2,
            )
        rotated = rotate_audit_key(by="cli")
        if as_json:
            self.stdout.write(json.dumps(rotated.__dict__))
            return
        self.stdout.write(
            f"The audit log is now signed with key {rotated.new_key_id}; key "
            f"{rotated.old_key_id} handed over to it in event {rotated.handover_seq} and its "
            "public half is kept under keys/retired, so the heads it signed still verify."
        )

    def _replace_key(self, *, as_json: bool, reason: str, old_file: str | None) -> None:
        from fame.audit.rotation import replace_audit_key
        from fame.audit.signing import key_path
        from fame.federation.keys import PublicKeyError, load_public_pem

        if not reason.strip():
            raise CommandError(
                "Say why the audit key is replaced: --reason TEXT (it goes in the audit log).",
                returncode=2,
            )
        old_public = None
        if old_file:
            try:
                old_public = load_public_pem(Path(old_file).read_text(encoding="ascii"))
            except (OSError, UnicodeDecodeError, PublicKeyError) as error:
                raise CommandError(
                    f"{old_file}: not an Ed25519 public key file ({error})", returncode=2
                ) from None
        elif not key_path("audit").exists():
            raise CommandError(
                f"The audit key is not at {key_path('audit')}: give its public half with "
                "--old-public-key-file F (the file each node was given to trust it), or the "
                "heads it signed can no longer be checked here.",
                returncode=2,
            )
        replaced = replace_audit_key(reason=reason, old_public_key=old_public, by="cli")
        if as_json:
            self.stdout.write(json.dumps(replaced.__dict__))
            return
        self.stdout.write(
            f"The audit log is now signed with key {replaced.new_key_id}, which replaced key "
            f"{replaced.old_key_id} with no hand-over (event {replaced.handover_seq}).\n"
            "On every node: revoke the old key and trust the new one by hand:\n"
            f'  fame audit revoke-key --key-id {replaced.old_key_id} --reason "..."\n'
            "  fame audit trust --public-key-file FILE   "
            "(FILE from `fame audit key --public-key-file FILE` here)"
        )

    def _revoke_key(self, *, as_json: bool, key_id: str, reason: str, **_: Any) -> None:
        from fame.audit.witness import RevokedKeyError, revoke_log_key

        if settings.FAME_ROLE == "hub":
            raise CommandError(
                "revoke-key runs on a node (it stops witnessing the hub's key); on the hub, "
                "replace the key with `fame audit rotate-key --replace`.",
                returncode=2,
            )
        if not key_id:
            raise CommandError(f"Say which key: --key-id K. {USAGE}", returncode=2)
        try:
            revoked = revoke_log_key(key_id=key_id, reason=reason, by="cli")
        except RevokedKeyError as error:
            raise CommandError(str(error), returncode=2) from None
        if as_json:
            self.stdout.write(json.dumps([entry.key_id for entry in revoked]))
            return
        if not revoked:
            self.stdout.write(f"Key {key_id} was already revoked.")
        for entry in revoked:
            self.stdout.write(
                f"Key {entry.key_id} of {entry.name} is revoked: nothing it signs is witnessed "
                f"from now on ({entry.revoked_reason})."
            )

    def _progress_bar(self, events: Iterable[Any], total: int) -> Iterable[Any]:
        return tqdm(
            events,
            total=total,
            desc="Checking audit events",
            unit=" events",
            file=self.stderr._out,
            disable=total < PROGRESS_FROM or not self.stderr.isatty(),
        )


def summary(result: VerificationResult) -> str:
    """One plain-English line: how much was checked and the root it adds up to."""
    events = "event" if result.events == 1 else "events"
    heads = "signed tree head" if result.tree_heads == 1 else "signed tree heads"
    return (
        f"Audit log intact: {result.events:,} {events}, {result.tree_heads:,} {heads}, "
        f"root {result.root[:16]}…"
    )


def reconcile_lines(report: ReconcileReport) -> list[str]:
    """What `fame audit reconcile` recorded and what each node did, in plain words."""
    if report.event is None:
        silent = [n.node for n in report.nodes if n.status == "no answer"]
        lines = ["Nothing to reconcile: every node that answered agrees with the audit log."]
        lines += [f"{name} did not answer." for name in silent]
        return lines
    lines = [
        f"Recorded in the audit log as event {report.event}: the history the nodes witnessed "
        f"that the log lost in a restore. The log goes on from size {report.restored_size:,} "
        f"(root {report.restored_root[:16]}…)."
    ]
    for node in report.nodes:
        if node.status in {"recorded", "already recorded"}:
            lines.append(
                f"{node.node}: {node.status} the restore (epoch {node.epoch}): events "
                f"{node.kept_size + 1:,} to {node.lost_size:,} it witnessed (head signed "
                f"{node.lost_signed}) are lost; it keeps those heads as evidence"
            )
        elif node.status == "nothing lost":
            lines.append(f"{node.node}: nothing lost")
        else:
            why = f": {node.reason}" if node.reason else ""
            lines.append(f"{node.node}: {node.status}{why}")
    for published in report.published:
        lines.append(
            f"{published.node}: {published.status} (tree head {published.tree_size})"
            + (f": {published.reason}" if published.reason else "")
        )
    return lines


def witness_lines(report: WitnessReport) -> list[str]:
    """One line per node: whether the heads it witnessed agree with the log, and each head
    whose loss in a restore is acknowledged."""
    lines = []
    acknowledged = {a.node for a in report.acknowledged}
    for node in report.nodes:
        if node.status == "agrees" and node.node in acknowledged:
            lost = [a for a in report.acknowledged if a.node == node.node]
            lines.append(
                f"Witness {node.node} agrees since the restore it recorded: {node.heads:,} "
                f"heads, up to size {node.latest_size:,}; {len(lost):,} heads it holds belong "
                "to history lost in a restore (acknowledged)"
            )
        elif node.status == "agrees" and node.heads:
            heads = "head" if node.heads == 1 else "heads"
            lines.append(
                f"Witness {node.node} agrees: {node.heads:,} {heads}, up to size "
                f"{node.latest_size:,}"
            )
        elif node.status == "agrees":
            lines.append(f"Witness {node.node} holds no tree heads yet")
        elif node.status == "disagrees":
            lines.append(f"Witness {node.node} DISAGREES with the log")
        else:
            lines.append(f"Witness {node.node} did not answer")
    seen = set()
    for item in report.acknowledged:
        if (item.node, item.event) not in seen and "lost in a restore" in item.problem:
            seen.add((item.node, item.event))
            lines.append(f"Acknowledged: {item.problem}")
    return lines
