"""Figures from a Demonstrator comparison, run on the page or uploaded, saved as a new
version of the model."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fame.audit.models import AuditEvent
from fame.benefits.models import BenefitsModel
from tests.conftest import signed_in_client

from .examples import example

# A comparison as fame demonstrator compare --json prints it, cut to what the figures use.
# Baseline hours spent 4.0 a month; index_caf_federated changes them by -1.5 (interval
# -2.0 to -1.0), so it saves 1.5 hours of 4.0: share_saved = 1.5 / 4.0 = 0.375.
COMPARISON = {
    "scenario": "small",
    "replications": 3,
    "seed": 0,
    "approaches": ["as_is", "index_caf_federated"],
    "differences_from": "as_is",
    "measures": {
        "finding_hours_per_practitioner_month": {
            "as_is": {"mean": 4.0, "ci_low": 3.5, "ci_high": 4.5},
            "index_caf_federated": {"mean": 2.5, "ci_low": 2.0, "ci_high": 3.0},
        },
        "cafs_per_quarter": {
            "as_is": {"mean": 10.0, "ci_low": 8.0, "ci_high": 12.0},
            "index_caf_federated": {"mean": 12.0, "ci_low": 10.0, "ci_high": 14.0},
        },
    },
    "differences": {
        "finding_hours_per_practitioner_month": {
            "index_caf_federated": {"mean": -1.5, "ci_low": -2.0, "ci_high": -1.0}
        }
    },
}


@pytest.fixture
def benefits_model(partnership_officer) -> BenefitsModel:
    found = BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=partnership_officer
    )
    found.save_version(example(), by=partnership_officer)
    return found


def _upload(client, benefits_model, content: bytes, approach="index_caf_federated"):
    return client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {
            "action": "upload",
            "approach": approach,
            "comparison": SimpleUploadedFile("c.json", content, "application/json"),
        },
    )


def test_an_uploaded_comparison_shows_its_figures_and_sources(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    page = _upload(client, benefits_model, json.dumps(COMPARISON).encode()).content.decode()
    assert "0.3750" in page  # share saved 1.5 / 4.0
    assert "4.0000" in page and "1.5000" in page and "1.0000 to 2.0000" in page
    assert "48.0" in page  # CAFs a year: 12 a quarter x 4
    assert "Demonstrator comparison (fame demonstrator compare): small scenario" in page
    assert "Use these figures" in page


def test_using_the_figures_saves_a_new_version_with_its_source(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    response = client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {
            "action": "use",
            "comparison": json.dumps(COMPARISON),
            "approach": "index_caf_federated",
            "benefit": "0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/benefits/{benefits_model.pk}/results?version=2"
    current = benefits_model.current()
    assert current is not None and current.number == 2
    time = current.data["benefits"][0]
    assert (time["hours_per_month"], time["share_saved"]) == (4.0, 0.375)
    assert "small scenario" in time["sources"]["share_saved"]
    assert current.note.startswith("Hours and share saved from Demonstrator comparison")
    assert benefits_model.versions.get(number=1).data == example()  # the old version kept
    assert AuditEvent.objects.filter(action="benefits.figures_taken").exists()


def test_using_the_figures_without_choosing_a_benefit_is_a_govuk_error(
    benefits_model, partnership_officer
):
    client = signed_in_client(partnership_officer)
    data = example()
    data["benefits"].append(dict(data["benefits"][0], name="Second time benefit"))
    benefits_model.save_version(data, by=partnership_officer)
    page = client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {"action": "use", "comparison": json.dumps(COMPARISON), "approach": "index_caf_federated"},
    ).content.decode()
    assert "There is a problem" in page
    assert "Select the time benefit to take the figures" in page
    assert benefits_model.current().number == 2


def test_a_file_that_is_not_a_comparison_is_refused_with_why(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    page = _upload(client, benefits_model, b"not json").content.decode()
    assert "There is a problem" in page
    assert "The file cannot be used: the file is not JSON" in page
    page = _upload(client, benefits_model, b'{"approaches": []}').content.decode()
    assert "No figures can be taken from it: the comparison has no differences_from" in page


def test_a_comparison_runs_on_the_page_with_few_replications(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    page = client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {
            "action": "run",
            "scenario": "small",
            "approach": "index_caf_federated",
            "replications": "2",
            "seed": "1",
        },
    ).content.decode()
    assert "From small scenario, 2 replications, seed 1" in page
    assert "Use these figures" in page


def test_too_many_replications_are_refused(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    page = client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {
            "action": "run",
            "scenario": "small",
            "approach": "index",
            "replications": "50",
            "seed": "0",
        },
    ).content.decode()
    assert "Replications must be 10 or fewer here" in page


def test_someone_who_does_not_model_benefits_cannot_take_figures(benefits_model, health_visitor):
    client = signed_in_client(health_visitor)
    assert client.get(f"/benefits/{benefits_model.pk}/comparison").status_code == 403


def test_figures_that_would_spoil_the_model_save_nothing_and_say_why(
    benefits_model, partnership_officer
):
    # An approach that costs time: the change is +1.0 hour, so the "saving" is -1.0 / 4.0
    # = -0.25, which a share saved cannot be.
    worse = json.loads(json.dumps(COMPARISON))
    worse["differences"]["finding_hours_per_practitioner_month"]["index_caf_federated"] = {
        "mean": 1.0,
        "ci_low": 0.5,
        "ci_high": 1.5,
    }
    client = signed_in_client(partnership_officer)
    response = client.post(
        f"/benefits/{benefits_model.pk}/comparison",
        {
            "action": "use",
            "comparison": json.dumps(worse),
            "approach": "index_caf_federated",
            "benefit": "0",
        },
        follow=True,
    )
    assert "The figures would make the model unusable: benefits[0].share_saved" in (
        response.content.decode()
    )
    assert benefits_model.current().number == 1
