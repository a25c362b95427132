"""A model exchanged as JSON or as a workbook: round trips, and refusals that name where."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fame.benefits.models import BenefitsModel, ModelVersion
from fame.benefits.pages.workbook import WorkbookError, model_workbook, read_workbook

from ..conftest import signed_in_client
from .examples import example


def _edited(content: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_issue_model_comes_back_from_its_workbook_unchanged():
    data = example()
    assert read_workbook(model_workbook(data)) == data


def test_a_model_with_usage_names_and_a_running_cost_round_trips():
    data = example()
    data["partners"][0]["name"] = "Northshire County Council"
    data["costs"][0]["shared"] = {"rule": "usage", "usage": {"la": 120, "pct": 80}}
    assert read_workbook(model_workbook(data)) == data


def test_the_workbook_has_the_four_sheets_with_a_row_an_item():
    book = load_workbook(io.BytesIO(model_workbook(example())))
    assert book.sheetnames == ["Settings", "Partners", "Costs", "Benefits"]
    costs = book["Costs"]
    assert [c.value for c in costs[1]][:3] == ["name", "kind", "amount"]
    assert costs["A3"].value == "Integration"
    assert costs["H3"].value == "la=0.7; pct=0.3"  # shares
    assert book["Benefits"]["K2"].value == "0.25; 0.75; 1; 1; 1"  # ramp


def test_every_problem_names_its_sheet_row_and_column():
    content = model_workbook(example())
    content = _edited(content, "Costs", "C2", "lots")  # Hub hosting's amount
    content = _edited(content, "Costs", "H3", "la=0.7; pct=0.2")  # Integration's shares
    content = _edited(content, "Benefits", "C4", "maybe")  # Licences retired: cashable
    with pytest.raises(WorkbookError) as refused:
        read_workbook(content)
    assert refused.value.problems == [
        "Benefits, row 4, column cashable: give yes or no, not 'maybe'"
    ]
    content = _edited(content, "Benefits", "C4", "yes")
    with pytest.raises(WorkbookError) as refused:
        read_workbook(content)
    assert refused.value.problems == [
        "Costs, row 2, column amount: give a number, not 'lots'",
        "Costs, row 3, column shares: the shares add up to 0.9, not 1",
    ]


def test_a_missing_sheet_and_a_bad_setting_are_named():
    book = load_workbook(io.BytesIO(model_workbook(example())))
    del book["Partners"]
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(WorkbookError, match="there is no sheet named Partners"):
        read_workbook(out.getvalue())
    bad_years = _edited(model_workbook(example()), "Settings", "B2", 0)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(bad_years)
    assert refused.value.problems[0].startswith("Settings, row 2, column value: give a whole")


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(WorkbookError, match="not an XLSX workbook"):
        read_workbook(b"hello")


needs_db = pytest.mark.django_db


@needs_db
def test_a_workbook_with_a_doctype_is_refused_before_it_is_parsed():
    # A workbook whose XML asks for entity expansion (Excel never writes a DOCTYPE).
    original = io.BytesIO(model_workbook(example()))
    hostile = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(hostile, "w") as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "a">]>' + content
            target.writestr(part, content)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(hostile.getvalue())
    assert refused.value.problems == [
        "Workbook: the workbook has XML parts Excel does not write (a DOCTYPE)"
    ]


def test_importing_json_makes_a_new_model_with_version_one(partnership_officer):
    client = signed_in_client(partnership_officer)
    upload = SimpleUploadedFile("model.json", json.dumps(example()).encode())
    response = client.post(
        reverse("benefits:import_model"),
        {"file": upload, "name": "Imported", "partnership": "Northshire", "note": ""},
    )
    model = BenefitsModel.objects.get()
    assert response["Location"] == reverse("benefits:versions", args=[model.pk])
    version = model.current()
    assert version is not None and version.data == example()
    assert version.note == "Imported from model.json"


@needs_db
def test_importing_a_workbook_adds_a_version_to_a_model(partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer)
    changed = _edited(model_workbook(example()), "Costs", "C2", 36000)
    client = signed_in_client(partnership_officer)
    client.post(
        reverse("benefits:import_model"),
        {"file": SimpleUploadedFile("m.xlsx", changed), "into": str(model.pk), "note": "Dearer"},
    )
    version = model.current()
    assert version is not None and version.number == 2 and version.note == "Dearer"
    assert version.data["costs"][0]["amount"] == 36000


@needs_db
def test_a_bad_import_keeps_nothing_and_lists_every_problem(partnership_officer):
    bad = example()
    bad["costs"][1]["shared"]["shares"]["pct"] = 0.2
    del bad["benefits"][0]["hourly_cost"]
    client = signed_in_client(partnership_officer)
    response = client.post(
        reverse("benefits:import_model"),
        {
            "file": SimpleUploadedFile("bad.json", json.dumps(bad).encode()),
            "name": "Imported",
            "partnership": "Northshire",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert "benefits[0].hourly_cost: missing" in text
    assert "costs[1].shared.shares: the shares add up to 0.9, not 1" in text
    assert not BenefitsModel.objects.exists() and not ModelVersion.objects.exists()


@needs_db
def test_a_new_model_import_needs_a_name(partnership_officer):
    client = signed_in_client(partnership_officer)
    response = client.post(
        reverse("benefits:import_model"),
        {"file": SimpleUploadedFile("m.json", json.dumps(example()).encode())},
    )
    assert "Enter a name for the new model" in response.content.decode()
    assert not BenefitsModel.objects.exists()


@needs_db
def test_the_xlsx_download_reads_back_as_the_version(partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer)
    client = signed_in_client(partnership_officer)
    response = client.get(reverse("benefits:version_xlsx", args=[model.pk, 1]))
    assert read_workbook(response.content) == example()


ids = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
# Numbers as people type them: whole, or with up to six decimal places.
amounts = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.builds(lambda n, k: n / 10**k, st.integers(0, 10**12), st.integers(1, 6)),
)
shares = st.builds(lambda n: n / 10**6, st.integers(0, 10**6))
names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1
).filter(lambda s: s.strip() == s and s.strip())


@st.composite
def models(draw: st.DrawFn) -> dict[str, object]:
    years = draw(st.integers(min_value=1, max_value=8))
    pids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    partners = [
        {"id": pid, "population": draw(amounts), "practitioners": draw(amounts)} for pid in pids
    ]
    rule = st.sampled_from([{"rule": "equal"}, {"rule": "usage", "usage": {pids[0]: 5}}])
    costs = [
        {
            "name": draw(names),
            "kind": "one_off",
            "amount": draw(amounts),
            "year": 1,
            "shared": draw(rule),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    benefits = [
        {
            "name": draw(names),
            "kind": "amount",
            "cashable": draw(st.booleans()),
            "amount": draw(amounts),
            "ramp": draw(st.lists(shares, min_size=years, max_size=years)),
            "shared": draw(rule),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "years": years,
        "discount_rate": draw(shares),
        "optimism_bias": {"costs": draw(shares), "benefits": draw(shares)},
        "partners": partners,
        "costs": costs,
        "benefits": benefits,
    }


@settings(max_examples=40, deadline=None)
@given(models())
def test_any_model_the_pages_can_make_comes_back_from_its_workbook(data):
    assert read_workbook(model_workbook(data)) == data
