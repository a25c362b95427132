"""A comparison's figures to take away: JSON, CSV and the board paper's PDF give compare's
figures for the same seed, and a bad request is refused with what to do."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command

from fame.demonstrator.compare import comparison, run_all
from fame.demonstrator.exports import difference_sentence

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

ASKED = "scenario=small&approaches=as_is,index_caf_federated&seed=11&replications=3"
APPROACHES = ["as_is", "index_caf_federated"]


@pytest.fixture(scope="module")
def expected(small):
    results = run_all(small, APPROACHES, replications=3, seed=11, jobs=1)
    return comparison(small, APPROACHES, results, replications=3, seed=11)


def test_the_intervals_are_compares_for_the_same_seed(school_teacher, expected):
    client = signed_in_client(school_teacher)

    response = client.get(f"/demonstrator/comparison.json?{ASKED}")

    assert response.status_code == 200
    report = response.json()
    assert report["measures"] == expected["measures"]
    assert report["differences"] == expected["differences"]
    assert report["approaches"] == APPROACHES
    assert report["command"] == (
        "fame demonstrator compare --scenario small --approaches as_is,index_caf_federated "
        "--replications 3 --seed 11"
    )
    assert report["downloads"]["csv"] == f"/demonstrator/measures.csv?{ASKED}"


def test_the_command_the_paper_prints_gives_the_same_figures(expected):
    out = StringIO()

    call_command(
        "demonstrator",
        "compare",
        "--scenario=small",
        "--approaches=as_is,index_caf_federated",
        "--replications=3",
        "--seed=11",
        "--jobs=1",
        "--json",
        stdout=out,
    )

    report = json.loads(out.getvalue())
    assert report["differences"] == expected["differences"]
    assert report["approaches"] == APPROACHES


def test_the_csv_has_a_row_per_measure_per_approach_with_the_difference(school_teacher, expected):
    client = signed_in_client(school_teacher)

    response = client.get(f"/demonstrator/measures.csv?{ASKED}")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2 * len(expected["measures"])
    fame = next(
        r
        for r in rows
        if r["measure"] == "finding_hours_per_practitioner_month"
        and r["approach"] == "index_caf_federated"
    )
    cell = expected["measures"]["finding_hours_per_practitioner_month"]["index_caf_federated"]
    change = expected["differences"]["finding_hours_per_practitioner_month"]["index_caf_federated"]
    assert float(fame["mean"]) == cell["mean"]
    assert float(fame["low"]) == cell["ci_low"]
    assert float(fame["difference_high"]) == change["ci_high"]
    assert fame["difference_from"] == "as_is"
    baseline = next(r for r in rows if r["approach"] == "as_is")
    assert baseline["difference"] == ""


def test_the_board_paper_is_a_pdf_in_plain_sentences(school_teacher, expected, monkeypatch):
    seen = {}
    import fame.demonstrator.exports as exports

    real = exports.render_to_string

    def keep(template, context):
        seen["html"] = real(template, context)
        return seen["html"]

    monkeypatch.setattr(exports, "render_to_string", keep)
    client = signed_in_client(school_teacher)

    response = client.get(f"/demonstrator/comparison.pdf?{ASKED}")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    html = seen["html"]
    change = expected["differences"]["finding_hours_per_practitioner_month"]["index_caf_federated"]
    assert (
        "With Index, shared CAF and federated requests (FAME), practitioners spend "
        f"{-change['mean']:,.2f} fewer hours a month finding who is involved than with As is "
        f"(95% interval {-change['ci_high']:,.2f} to {-change['ci_low']:,.2f})."
    ) in html
    assert "fame/demonstrator/scenarios/small.toml" in html
    assert "fame/demonstrator/scenarios/regional.toml" in html
    assert "--approaches as_is,index_caf_federated --replications 3 --seed 11" in html


def test_a_difference_whose_interval_spans_nothing_says_so():
    said = difference_sentence(
        "days_concern_to_first_tac",
        {"mean": -0.4, "ci_low": -1.2, "ci_high": 0.3},
        versus="The Child Index",
        baseline="As is",
    )

    assert said.startswith("Days from concern to the first TAC meeting: no clear difference")
    assert "-1.20 to 0.30" in said


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("scenario=atlantis", "There is no scenario called “atlantis”"),
        ("scenario=small&approaches=as_is,teleport", "has no approach called “teleport”"),
        ("scenario=small&approaches=index,index", "Name each approach once"),
        ("scenario=small&replications=1", "number of replications must be a whole number"),
        ("scenario=small&replications=31", "from 2 to 30"),
        ("scenario=small&seed=x", "The seed must be a whole number"),
    ],
)
@pytest.mark.parametrize("path", ["comparison.json", "measures.csv", "comparison.pdf"])
def test_a_bad_request_is_refused_with_what_to_do(school_teacher, query, says, path):
    client = signed_in_client(school_teacher)

    response = client.get(f"/demonstrator/{path}?{query}")

    assert response.status_code == 400
    assert says in response.content.decode()


def test_only_the_management_view_may_show_images_from_blob(school_teacher):
    client = signed_in_client(school_teacher)

    management = client.get("/demonstrator/management?scenario=small")
    client_view = client.get("/demonstrator/client?scenario=small")

    img = [p for p in management["Content-Security-Policy"].split(";") if "img-src" in p]
    assert img == [" img-src 'self' blob:"] or img == ["img-src 'self' blob:"]
    assert "blob:" not in client_view["Content-Security-Policy"]
