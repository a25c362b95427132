"""What the demonstrator's verbs print for people (scripts take ``--json``)."""

from __future__ import annotations

import math
from typing import Any

KEY_MEASURES = (
    (
        "finding_hours_per_practitioner_month",
        "Hours a month each practitioner spends finding who is involved",
    ),
    ("share_finding_everyone", "Share of searches that find everyone involved"),
    ("days_concern_to_first_tac", "Days from concern to the first TAC meeting"),
    ("days_concern_to_services", "Days from concern to services starting"),
    ("times_family_tells_story", "Times a family tells its story"),
    ("practitioner_hours_per_caf", "Practitioner hours per CAF"),
    ("cafs_per_quarter", "CAFs completed per quarter"),
    ("requests_refused_share", "Share of requests for details refused"),
    ("isa_wait_hours", "Hours waiting for the ISA team (facilitated access)"),
    ("coordinator_wait_days", "Days waiting for a CAF co-ordinator"),
    ("tac_slot_wait_days", "Days waiting for a free TAC meeting slot"),
    ("node_availability_seen", "Share of requests that found the agency's node up"),
    ("request_seconds", "Seconds a federated request takes to answer"),
)


def figure(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "none"
    if abs(value) < 0.005:  # never "-0.00"
        return "0.00"
    return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"


def _span(cell: dict[str, float | None]) -> str:
    if cell["ci_low"] is None:
        return ""
    return f" ({figure(cell['ci_low'])} to {figure(cell['ci_high'])})"


def table(report: dict[str, Any]) -> str:
    """The key measures: every approach's mean and 95% interval, and each approach's paired
    difference from the first (common random numbers), with its interval."""
    approaches = report["approaches"]
    baseline = approaches[0]
    lines = [
        f"Scenario {report['scenario']}: {report['replications']} replications, seed "
        f"{report['seed']}. Mean (95% interval) of each measure; after it, the difference "
        f"from {baseline}.",
        "",
    ]
    for key, label in KEY_MEASURES:
        lines.append(label)
        for approach in approaches:
            cell = report["measures"][key][approach]
            row = f"  {approach:<22} {figure(cell['mean'])}{_span(cell)}"
            change = report["differences"][key].get(approach)
            if change and change["mean"] is not None:
                row += f"; difference {figure(change['mean'])}{_span(change)}"
            lines.append(row)
        lines.append("")
    lines.append("`--json` gives every measure, for scripts.")
    return "\n".join(lines)


def _pairs(transitions: list[dict[str, str]]) -> list[str]:
    return [f"  {t['from']} -> {t['to']}" for t in transitions] or ["  none"]


def conformance_table(report: dict[str, Any]) -> str:
    lines = [
        f"The real log against {report['scenario']} ({report['approach']}), traces of each "
        f"{report['object_type']}.",
        "",
        f"Activities in the model: {', '.join(report['model']['activities']) or 'none'}",
        f"Activities in reality:   {', '.join(report['real']['activities']) or 'none'}",
        "",
        "Transitions reality takes that the model lacks:",
        *(_pairs(report["only_in_real"])),
        "Transitions the model has that reality has not taken:",
        *(_pairs(report["only_in_model"])),
        "",
        "Days between steps both take (model against reality; KS test):",
    ]
    for p in report["parameters"]:
        if p["differ"] is None:
            verdict = "too few to test"
        elif p["differ"]:
            verdict = f"differ (p = {p['p_value']})"
        else:
            verdict = f"no evidence they differ (p = {p['p_value']})"
        lines.append(
            f"  {p['from']} -> {p['to']}: model {p['model_mean_days']} days (n = {p['model_n']}), "
            f"real {p['real_mean_days']} days (n = {p['real_n']}): {verdict}"
        )
    if not report["parameters"]:
        lines.append("  none in common")
    return "\n".join(lines)
