"""Importing a workbook's answers: all of them or, if anything is wrong, none.

Every row is checked first (``reading``), then who it is for: a respondent of the round
who has not submitted, and, through the web, only the person importing. A score above 0
needs evidence (text, a link, or a document already uploaded for that answer). Only a
workbook with no problem at all is saved, in one transaction with its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from fame.accounts.models import User
from fame.audit import record_event

from ..models import Answer, Respondent, Round
from . import layout
from .reading import Problem, WorkbookAnswer, read_workbook


class ImportRefused(Exception):
    """The workbook changed nothing; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Imported:
    answers: int
    respondents: tuple[str, ...]


def import_workbook(
    round_: Round,
    data: bytes,
    *,
    by: User | None,
    own_only: User | None = None,
    respondent: str = "",
) -> Imported:
    """Save the answers in the workbook ``data`` to ``round_``, or raise ImportRefused.

    ``own_only``: the person importing through the web, who may import only their own
    answers (a row with no username is theirs). ``respondent``: the username a row with
    no username is for (the command line's ``--respondent``)."""
    reading = read_workbook(data, round_id=round_.pk, bank=round_.bank)
    problems = list(reading.problems)
    if not round_.is_open:
        problems.insert(0, Problem("the round is closed: its answers can no longer change"))
    default = own_only.get_username() if own_only is not None else respondent
    respondents = {
        r.user.get_username(): r for r in round_.respondents.select_related("user", "partner")
    }
    with_documents = set(
        Answer.objects.filter(respondent__round=round_, documents__isnull=False).values_list(
            "respondent_id", "statement_id"
        )
    )
    accepted: dict[tuple[int, str], WorkbookAnswer] = {}
    refused_submitted: set[str] = set()
    for answer in reading.answers:
        username = answer.username or default
        if not username:
            problems.append(
                answer.problem(
                    "no respondent is named: write their username here "
                    "(or name them with --respondent)",
                    layout.RESPONDENT,
                )
            )
            continue
        if own_only is not None and username != default:
            problems.append(
                answer.problem(
                    f"you may import only your own answers, and this row is for {username}",
                    layout.RESPONDENT,
                )
            )
            continue
        person = respondents.get(username)
        if person is None:
            problems.append(
                answer.problem(f"{username} is not a respondent in this round", layout.RESPONDENT)
            )
            continue
        if person.submitted_at is not None:
            if username not in refused_submitted:
                refused_submitted.add(username)
                problems.append(
                    answer.problem(
                        f"{username} has submitted their answers, which can no longer change",
                        layout.RESPONDENT,
                    )
                )
            continue
        key = (person.pk, answer.statement_id)
        if key in accepted:
            first = accepted[key]
            problems.append(
                answer.problem(
                    f"statement {answer.statement_id} for {username} is answered already on "
                    f"sheet '{first.sheet}', row {first.row}",
                    layout.STATEMENT_ID,
                )
            )
            continue
        if (
            answer.score
            and not (answer.evidence_text or answer.evidence_link)
            and key not in with_documents
        ):
            problems.append(
                answer.problem(
                    f"score {answer.score} needs evidence: say what shows it in column "
                    f"{layout.EVIDENCE.letter} or give a link in column {layout.LINK.letter}",
                    layout.SCORE,
                )
            )
            continue
        accepted[key] = answer
    if not problems and not accepted:
        problems.append(Problem("the workbook has no answers to import: fill in a Score"))
    if problems:
        raise ImportRefused(problems)
    return _save(round_, respondents, accepted, by=by)


def _save(
    round_: Round,
    respondents: dict[str, Respondent],
    accepted: dict[tuple[int, str], WorkbookAnswer],
    *,
    by: User | None,
) -> Imported:
    by_pk = {r.pk: r for r in respondents.values()}
    with transaction.atomic():
        locked = Respondent.objects.select_for_update().filter(pk__in={k[0] for k in accepted})
        late = [r for r in locked if r.submitted_at is not None]
        if late:
            who = ", ".join(by_pk[r.pk].user.get_username() for r in late)
            raise ImportRefused([Problem(f"{who} submitted their answers during the import")])
        for (respondent_pk, statement_id), answer in accepted.items():
            Answer.objects.update_or_create(
                respondent=by_pk[respondent_pk],
                statement_id=statement_id,
                defaults={
                    "score": answer.score,
                    "dont_know": answer.dont_know,
                    "evidence_text": answer.evidence_text,
                    "evidence_link": answer.evidence_link,
                },
            )
        names = tuple(sorted({by_pk[k[0]].user.get_username() for k in accepted}))
        record_event(
            "readiness.workbook_imported",
            actor=by,
            target=f"readiness-round:{round_.pk}",
            details={"answers": len(accepted), "respondents": list(names)},
        )
    return Imported(answers=len(accepted), respondents=names)
