"""A comparison's figures to take away: its intervals as JSON, its measures as CSV, and a
short board paper as a PDF; and the management view, which draws and exports its charts.

A comparison is ``compare.run_all`` and ``compare.comparison`` on the shipped scenario,
exactly as ``fame demonstrator compare --approaches`` gives it, so each figure here can be
reproduced from the command the paper prints. The last few asked for are kept in memory:
each takes seconds.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from .compare import comparison, run_all
from .playback import shipped
from .reports import KEY_MEASURES, figure
from .scenario import SHIPPED
from .views import read_choice, watch, whole_number

REPLICATIONS_DEFAULT = 10
REPLICATIONS = (2, 30)
PDF_VARIANT = "pdf/ua-1"
"""Tagged, with a title and a language, so a screen reader can read the paper."""

LABELS = dict(KEY_MEASURES)
SHARE = 100  # shares are told as percentage points
PHRASES: dict[str, tuple[str, str, str, float]] = {
    "finding_hours_per_practitioner_month": (
        "practitioners spend {n} {word} hours a month finding who is involved",
        "more",
        "fewer",
        1,
    ),
    "share_finding_everyone": (
        "{n} percentage points {word} of searches find everyone involved",
        "more",
        "fewer",
        SHARE,
    ),
    "days_concern_to_first_tac": (
        "the first TAC meeting comes {n} days {word} after a concern",
        "later",
        "sooner",
        1,
    ),
    "days_concern_to_services": (
        "services start {n} days {word} after a concern",
        "later",
        "sooner",
        1,
    ),
    "times_family_tells_story": ("a family tells its story {n} {word} times", "more", "fewer", 1),
    "practitioner_hours_per_caf": (
        "a CAF takes {n} {word} practitioner hours",
        "more",
        "fewer",
        1,
    ),
    "cafs_per_quarter": ("{n} {word} CAFs are completed a quarter", "more", "fewer", 1),
    "requests_refused_share": (
        "{n} percentage points {word} of requests for details are refused",
        "more",
        "fewer",
        SHARE,
    ),
    "isa_wait_hours": ("people wait {n} hours {word} for the ISA team", "longer", "less", 1),
    "coordinator_wait_days": (
        "a CAF waits {n} days {word} for a co-ordinator",
        "longer",
        "less",
        1,
    ),
    "tac_slot_wait_days": (
        "a TAC meeting waits {n} days {word} for a free slot",
        "longer",
        "less",
        1,
    ),
    "node_availability_seen": (
        "{n} percentage points {word} of requests find the agency's node up",
        "more",
        "fewer",
        SHARE,
    ),
    "request_seconds": (
        "a federated request takes {n} seconds {word} to answer",
        "longer",
        "less",
        1,
    ),
}
"""How each key measure's difference reads: the sentence, the word when it is higher and
when lower, and the scale (shares as percentage points)."""


@dataclass(frozen=True)
class Asked:
    """A comparison to make, or the problems with what was asked for (each a sentence)."""

    scenario: str = ""
    approaches: tuple[str, ...] = ()
    seed: int = 0
    replications: int = REPLICATIONS_DEFAULT
    problems: tuple[str, ...] = ()

    def command(self) -> str:
        return (
            f"fame demonstrator compare --scenario {self.scenario} --approaches "
            f"{','.join(self.approaches)} --replications {self.replications} --seed {self.seed}"
        )

    def query(self) -> str:
        return (
            f"scenario={self.scenario}&approaches={','.join(self.approaches)}"
            f"&seed={self.seed}&replications={self.replications}"
        )

    def filename(self, suffix: str) -> str:
        return (
            f"fame-{self.scenario}-{'-vs-'.join(self.approaches)}-seed{self.seed}-"
            f"{self.replications}x.{suffix}"
        )


def read_comparison(params: QueryDict) -> Asked:
    """The comparison the query names, checked: ``approaches`` comma-separated or repeated,
    the first the baseline (default: the scenario's first and last; one alone has no
    differences), ``replications`` 2 to 30 (default 10)."""
    given = {k: params[k] for k in ("scenario", "seed") if params.get(k)}
    choice = read_choice(given)
    if choice.problems:
        return Asked(problems=choice.problems)
    known = list(shipped()[choice.scenario].approaches)
    names = [n.strip() for text in params.getlist("approaches") for n in text.split(",")]
    names = [n for n in names if n]
    names = names or [known[0], known[-1]]
    problems = [
        f"The scenario {choice.scenario} has no approach called “{name}”. "
        f"Choose from {', '.join(known)}."
        for name in names
        if name not in known
    ]
    if len(set(names)) != len(names):
        problems.append(
            "Name each approach once, separated by commas; the first is the one the others "
            "are compared with."
        )
    low, high = REPLICATIONS
    text = params.get("replications") or str(REPLICATIONS_DEFAULT)
    replications = whole_number(text, "number of replications", low, high, problems)
    if problems:
        return Asked(problems=tuple(problems))
    return Asked(choice.scenario, tuple(names), choice.seed, replications)


@lru_cache(maxsize=4)
def compared(scenario: str, approaches: tuple[str, ...], seed: int, replications: int) -> Any:
    """``compare.comparison`` of the shipped scenario, for the last few asked for. One
    process: a web worker does not fork (the command line uses every core)."""
    chosen = shipped()[scenario]
    results = run_all(chosen, list(approaches), replications=replications, seed=seed, jobs=1)
    return comparison(chosen, list(approaches), results, replications=replications, seed=seed)


def _report(asked: Asked) -> dict[str, Any]:
    report = compared(asked.scenario, asked.approaches, asked.seed, asked.replications)
    approaches = shipped()[asked.scenario].approaches
    return {
        **report,
        "labels": {a: approaches[a].label for a in asked.approaches},
        "key_measures": [list(pair) for pair in KEY_MEASURES],
        "command": asked.command(),
    }


def _number(value: float | None, scale: float = 1) -> str:
    return figure(None if value is None else value * scale)


def _span(cell: dict[str, float | None], scale: float = 1) -> str:
    if cell["ci_low"] is None or cell["ci_high"] is None:
        return "no interval: too few runs measured it"
    return f"{_number(cell['ci_low'], scale)} to {_number(cell['ci_high'], scale)}"


def difference_sentence(
    key: str, change: dict[str, float | None], *, versus: str, baseline: str
) -> str:
    """One key measure's paired difference in a plain sentence, with its 95% interval."""
    label = LABELS[key]
    mean, low, high = change["mean"], change["ci_low"], change["ci_high"]
    if mean is None:
        return f"{label}: not measured under both {baseline} and {versus}."
    phrase, up, down, scale = PHRASES[key]
    if mean == low == high == 0:
        return f"{label}: the same under {versus} as under {baseline} in every run."
    if low is not None and high is not None and low <= 0 <= high:
        return (
            f"{label}: no clear difference between {versus} and {baseline} (mean difference "
            f"{_number(mean, scale)}, 95% interval {_span(change, scale)})."
        )
    words = phrase.format(n=_number(abs(mean), scale), word=up if mean > 0 else down)
    if low is None or high is None:
        span = "no interval: too few runs measured it"
    elif mean > 0:
        span = f"95% interval {_number(low, scale)} to {_number(high, scale)}"
    else:
        span = f"95% interval {_number(-high, scale)} to {_number(-low, scale)}"
    return f"With {versus}, {words} than with {baseline} ({span})."


def short(label: str) -> str:
    """An approach's name without its explanation: "As is", not "As is: no index, …"."""
    return label.split(":")[0]


def _cell(cell: dict[str, float | None], scale: float) -> str:
    if cell["mean"] is None:
        return "none"
    return f"{_number(cell['mean'], scale)} ({_span(cell, scale)})"


def board_paper(report: dict[str, Any]) -> dict[str, Any]:
    """What the board paper says: its findings in sentences and its table of key measures."""
    approaches = report["approaches"]
    labels = {a: short(label) for a, label in report["labels"].items()}
    baseline = approaches[0]
    findings = [
        difference_sentence(
            key,
            report["differences"][key][a],
            versus=labels[a],
            baseline=labels[baseline],
        )
        for a in approaches[1:]
        for key, _ in KEY_MEASURES
    ]
    rows = []
    for key, label in KEY_MEASURES:
        scale = PHRASES[key][3]
        cells = [_cell(report["measures"][key][a], scale) for a in approaches]
        cells += [_cell(report["differences"][key][a], scale) for a in approaches[1:]]
        rows.append((label + (" (percentage)" if scale == SHARE else ""), cells))
    return {"findings": findings, "rows": rows}


def sources(scenario: str) -> list[str]:
    """The scenario files the figures come from (each value's source is written beside it)."""
    found, name = [], scenario
    while name and (SHIPPED / f"{name}.toml").is_file():
        found.append(f"fame/demonstrator/scenarios/{name}.toml")
        name = tomllib.loads((SHIPPED / f"{name}.toml").read_text("utf-8")).get("based_on", "")
    return found


def measure_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per measure per approach: its mean and interval, and its paired difference
    from the first approach (empty for the first)."""
    baseline = report["approaches"][0]
    rows: list[list[Any]] = []
    for key, by in report["measures"].items():
        for a in report["approaches"]:
            change = report["differences"][key].get(a) or {}
            rows.append(
                [
                    key,
                    LABELS.get(key, ""),
                    a,
                    *(by[a][k] for k in ("mean", "ci_low", "ci_high")),
                    baseline if a != baseline else "",
                    *(change.get(k) for k in ("mean", "ci_low", "ci_high")),
                ]
            )
    return rows


def _comparing(
    view: Callable[[HttpRequest, Asked], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A view of the comparison the query asks for; a bad one is refused with what to do."""

    @require_GET
    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        asked = read_comparison(request.GET)
        if asked.problems:
            return HttpResponse(
                " ".join(asked.problems), status=400, content_type="text/plain; charset=utf-8"
            )
        return view(request, asked)

    return checked


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@_comparing
def comparison_json(request: HttpRequest, asked: Asked) -> HttpResponse:
    report = _report(asked)
    report["downloads"] = {
        "csv": reverse("demonstrator:measures_csv") + "?" + asked.query(),
        "pdf": reverse("demonstrator:comparison_pdf") + "?" + asked.query(),
    }
    return JsonResponse(report)


@_comparing
def measures_csv(request: HttpRequest, asked: Asked) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "measure",
            "label",
            "approach",
            "mean",
            "low",
            "high",
            "difference_from",
            "difference",
            "difference_low",
            "difference_high",
        ]
    )
    for row in measure_rows(_report(asked)):
        writer.writerow(["" if v is None else v for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, asked.filename("csv"))


@_comparing
def comparison_pdf(request: HttpRequest, asked: Asked) -> HttpResponse:
    from weasyprint import HTML  # (loads Pango: only when a paper is asked for)

    report = _report(asked)
    scenario = shipped()[asked.scenario]
    html = render_to_string(
        "demonstrator/board_paper.html",
        {
            "report": report,
            "scenario": scenario,
            "labels": [short(report["labels"][a]) for a in asked.approaches],
            "described": [report["labels"][a] for a in asked.approaches],
            "paper": board_paper(report),
            "sources": sources(asked.scenario),
            "command": asked.command(),
        },
    )
    pdf = bytes(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), asked.filename("pdf"))


# The management view draws its charts as SVG and turns them into PNG in the browser: the
# SVG is drawn on a canvas through an <img> whose source is a blob: URL of the SVG, so this
# page alone lets images come from blob: (no other page needs it; data: is not allowed).
@csp_update({"img-src": ["blob:"]})
@require_GET
def watch_management(request: HttpRequest) -> HttpResponse:
    return watch(request, "management")
