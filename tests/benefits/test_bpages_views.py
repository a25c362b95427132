"""Building a model in pages: a new model's draft, each section kept in the draft, check
your answers saving a version (or refusing it with every problem), and who may come in."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fame.benefits.models import BenefitsModel, Draft, ModelVersion
from fame.benefits.pages.drafts import draft_for

from ..conftest import signed_in_client
from .examples import example

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership_officer):
    return signed_in_client(partnership_officer)


def _new_model(officer, years: int = 5) -> BenefitsModel:
    response = officer.post(
        reverse("benefits:new"),
        {"name": "Finding who is involved", "partnership": "Northshire", "years": str(years)},
    )
    model = BenefitsModel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("benefits:section", args=[model.pk, "partners"])
    return model


def _add_partner(officer, model, pid: str, population: str, practitioners: str):
    return officer.post(
        reverse("benefits:item", args=[model.pk, "partners", "new"]),
        {"id": pid, "name": pid.upper(), "population": population, "practitioners": practitioners},
    )


def test_a_new_model_starts_a_draft_from_the_defaults(officer, partnership_officer):
    model = _new_model(officer, years=3)
    draft = Draft.objects.get(benefits_model=model, user=partnership_officer)
    assert draft.data["years"] == 3
    assert draft.data["discount_rate"] == 0.035
    assert draft.data["partners"] == []
    # The defaults' ramp, 0.25, 0.75 then 1, over three years.
    assert draft.data["benefits"][0]["ramp"] == [0.25, 0.75, 1.0]
    assert ModelVersion.objects.count() == 0


def test_settings_are_typed_as_percentages_and_kept_as_shares(officer, partnership_officer):
    model = _new_model(officer)
    page = officer.get(reverse("benefits:section", args=[model.pk, "settings"]))
    assert "HM Treasury, The Green Book" in page.content.decode()  # the source beside the rate
    officer.post(
        reverse("benefits:section", args=[model.pk, "settings"]),
        {"years": "6", "discount_rate": "3.5", "costs_bias": "44", "benefits_bias": "15"},
    )
    data = Draft.objects.get(benefits_model=model).data
    assert data["discount_rate"] == 0.035
    assert data["optimism_bias"] == {"costs": 0.44, "benefits": 0.15}
    # Six years: the ramp 0.25, 0.75, 1, 1, 1 carried on at its last share.
    assert data["benefits"][0]["ramp"] == [0.25, 0.75, 1.0, 1.0, 1.0, 1.0]


def test_custom_shares_not_adding_to_one_are_refused_and_nothing_kept(officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    _add_partner(officer, model, "pct", "40000", "250")
    fields = {
        "name": "Integration",
        "kind": "one_off",
        "year": "1",
        "amount": "20000",
        "rule": "custom",
        "share_la": "0.7",
        "share_pct": "0.2",
    }
    url = reverse("benefits:item", args=[model.pk, "costs", "new"])
    refused = officer.post(url, fields)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "There is a problem" in text and "The shares add up to 0.9, not 1" in text
    assert "Error: " in text  # in the page title
    assert Draft.objects.get(benefits_model=model).data["costs"] == []

    officer.post(url, fields | {"share_pct": "0.3"})
    cost = Draft.objects.get(benefits_model=model).data["costs"][0]
    assert cost == {
        "name": "Integration",
        "kind": "one_off",
        "amount": 20000,
        "year": 1,
        "shared": {"rule": "custom", "shares": {"la": 0.7, "pct": 0.3}},
    }


def test_a_partner_id_may_not_be_taken_twice(officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    again = _add_partner(officer, model, "la", "1", "1")
    assert "la is already a partner" in again.content.decode()
    assert len(Draft.objects.get(benefits_model=model).data["partners"]) == 1


def test_a_time_benefit_needs_its_fields_and_keeps_its_ramp(officer):
    model = _new_model(officer, years=2)
    _add_partner(officer, model, "la", "40000", "600")
    url = reverse("benefits:item", args=[model.pk, "benefits", "new"])
    base = {"name": "Fewer calls", "kind": "time", "cashable": "no", "rule": "practitioners"}
    refused = officer.post(url, base | {"ramp_1": "0.5", "ramp_2": "1"})
    assert "Enter the hours saved a month per practitioner" in refused.content.decode()
    officer.post(
        url,
        base
        | {
            "hours_per_month": "1.5",
            "share_saved": "0.5",
            "hourly_cost": "40",
            "ramp_1": "0.5",
            "ramp_2": "1",
        },
    )
    benefit = Draft.objects.get(benefits_model=model).data["benefits"][1]
    assert benefit == {
        "name": "Fewer calls",
        "kind": "time",
        "cashable": False,
        "hours_per_month": 1.5,
        "share_saved": 0.5,
        "hourly_cost": 40,
        "ramp": [0.5, 1],
        "shared": {"rule": "practitioners"},
    }


def test_check_refuses_a_model_with_no_partners_linking_to_the_section(officer):
    model = _new_model(officer)
    refused = officer.post(reverse("benefits:check", args=[model.pk]), {"note": ""})
    text = refused.content.decode()
    assert "partners: name at least one partner" in text
    assert reverse("benefits:section", args=[model.pk, "partners"]) in text
    assert ModelVersion.objects.count() == 0


def test_check_saves_the_draft_as_a_new_version_and_lets_it_go(officer, partnership_officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    saved = officer.post(reverse("benefits:check", args=[model.pk]), {"note": "First cut"})
    assert saved["Location"] == reverse("benefits:versions", args=[model.pk])
    version = model.current()
    assert version is not None and (version.number, version.note) == (1, "First cut")
    assert version.data["partners"] == [
        {"id": "la", "name": "LA", "population": 40000, "practitioners": 600}
    ]
    assert not Draft.objects.filter(benefits_model=model).exists()
    # The next edit starts a draft from version 1.
    assert draft_for(model, partnership_officer).data == version.data


def test_removing_an_item_keeps_the_rest(officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "1", "1")
    _add_partner(officer, model, "pct", "1", "1")
    officer.post(reverse("benefits:remove", args=[model.pk, "partners", "0"]))
    assert [p["id"] for p in Draft.objects.get(benefits_model=model).data["partners"]] == ["pct"]


def test_the_json_download_is_the_version_exactly(officer, partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer, note="Issue")
    response = officer.get(reverse("benefits:version_json", args=[model.pk, 1]))
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content) == example()


def test_home_lists_models_and_the_nav_shows_benefits(officer, partnership_officer):
    model = BenefitsModel.objects.create(
        name="Mine", partnership="P", created_by=partnership_officer
    )
    model.save_version(example(), by=partnership_officer)
    text = officer.get(reverse("benefits:home")).content.decode()
    assert "Mine" in text and "Start a new model" in text
    assert f'href="{reverse("benefits:home")}"' in text


@pytest.mark.parametrize("name", ["home", "new", "import_model"])
def test_people_who_do_not_model_benefits_are_refused(school_teacher, name):
    client = signed_in_client(school_teacher)
    assert client.get(reverse(f"benefits:{name}")).status_code == 403
    page = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("benefits:home")}"' not in page


def test_model_pages_refuse_people_who_do_not_model_benefits(school_teacher, partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer)
    client = signed_in_client(school_teacher)
    for url in [
        reverse("benefits:model", args=[model.pk]),
        reverse("benefits:section", args=[model.pk, "costs"]),
        reverse("benefits:check", args=[model.pk]),
        reverse("benefits:versions", args=[model.pk]),
        reverse("benefits:version_json", args=[model.pk, 1]),
        reverse("benefits:version_xlsx", args=[model.pk, 1]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("benefits:remove", args=[model.pk, "costs", "0"])).status_code == 403


def test_every_page_of_a_saved_model_shows(officer, partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer, note="Issue")
    urls = [reverse("benefits:home"), reverse("benefits:new"), reverse("benefits:import_model")]
    urls += [reverse(f"benefits:{n}", args=[model.pk]) for n in ("model", "check", "versions")]
    urls += [reverse("benefits:section", args=[model.pk, s]) for s in ("settings", "partners")]
    urls += [reverse("benefits:section", args=[model.pk, s]) for s in ("costs", "benefits")]
    urls += [reverse("benefits:item", args=[model.pk, s, i]) for s in ("costs",) for i in "01"]
    urls += [reverse("benefits:item", args=[model.pk, "benefits", i]) for i in ("0", "2", "new")]
    urls += [reverse("benefits:item", args=[model.pk, "partners", "new"])]
    for url in urls:
        assert officer.get(url).status_code == 200, url
    check = officer.get(reverse("benefits:check", args=[model.pk])).content.decode()
    assert "Hub hosting" in check and "£30,000.00" in check and "By population" in check
    assert "In shares: la 0.7, pct 0.3" in check
    assert officer.get(reverse("benefits:item", args=[model.pk, "costs", "9"])).status_code == 404


def test_a_draft_outlasts_signing_out(officer, partnership_officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    officer.post(reverse("accounts:sign_out"))
    again = signed_in_client(partnership_officer)
    page = again.get(reverse("benefits:section", args=[model.pk, "partners"])).content.decode()
    assert "LA" in page and "40,000" in page
    assert (
        "changes not yet saved"
        in again.get(reverse("benefits:model", args=[model.pk])).content.decode()
    )


def test_each_person_edits_their_own_draft(officer, partnership_officer, auditor):
    from fame.accounts.models import Role

    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    auditor.roles = [Role.MANAGER]
    auditor.save()
    other = signed_in_client(auditor)
    page = other.get(reverse("benefits:section", args=[model.pk, "partners"])).content.decode()
    assert "There are none yet." in page  # the officer's partner is in the officer's draft only
    assert Draft.objects.filter(benefits_model=model).count() == 2


def test_a_problem_links_to_the_cost_that_has_it(officer, partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    model.save_version(example(), by=partnership_officer)
    draft = draft_for(model, partnership_officer)
    draft.data["costs"][1]["shared"]["shares"]["pct"] = 0.2
    draft.save()
    text = officer.post(reverse("benefits:check", args=[model.pk]), {"note": ""}).content.decode()
    assert "costs[1].shared.shares: the shares add up to 0.9, not 1" in text
    assert f'href="{reverse("benefits:item", args=[model.pk, "costs", 1])}"' in text
    assert model.versions.count() == 1


def test_unknown_sections_and_items_are_not_found(officer):
    model = _new_model(officer)
    assert officer.get(reverse("benefits:section", args=[model.pk, "years"])).status_code == 404
    assert officer.get(reverse("benefits:item", args=[model.pk, "years", "new"])).status_code == 404
    gone = officer.post(reverse("benefits:remove", args=[model.pk, "years", "0"]))
    assert gone.status_code == 404


def test_changing_a_partner_keeps_keys_the_page_does_not_set(officer, partnership_officer):
    model = BenefitsModel.objects.create(name="M", partnership="P", created_by=partnership_officer)
    data = example()
    data["partners"][0]["organisations"] = ["LA-001", "LA-002"]
    model.save_version(data, by=partnership_officer)
    officer.post(
        reverse("benefits:item", args=[model.pk, "partners", "0"]),
        {"id": "la", "name": "", "population": "41000", "practitioners": "600"},
    )
    changed = Draft.objects.get(benefits_model=model).data["partners"][0]
    assert changed == {
        "id": "la",
        "population": 41000,
        "practitioners": 600,
        "organisations": ["LA-001", "LA-002"],
    }


def test_usage_is_filled_in_from_the_live_system_and_kept_only_when_asked(
    officer, partnership_officer
):
    from fame.audit import record_event
    from tests.factories import OrganisationFactory, UserFactory

    model = _new_model(officer)
    _add_partner(officer, model, "lasc-1", "40000", "600")
    _add_partner(officer, model, "hlt-1", "40000", "250")
    social_worker = UserFactory(organisation=OrganisationFactory(agency_id="lasc-1"))
    visitor = UserFactory(organisation=OrganisationFactory(agency_id="hlt-1"))
    # In the last year: the social worker searched three times, the health visitor once.
    for _ in range(3):
        record_event("index.search", actor=social_worker, target="child-index")
    record_event("index.search", actor=visitor, target="child-index")
    record_event("caf.started", actor=visitor, target="person:a")
    url = reverse("benefits:item", args=[model.pk, "costs", "new"])
    typed = {"name": "Hub hosting", "kind": "running", "from_year": "1", "to_year": "5"}

    page = officer.post(url, typed | {"amount": "30000", "live_usage": "searches"})

    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" not in text
    assert 'name="usage_lasc-1" type="text" spellcheck="false" value="3"' in text
    assert 'name="usage_hlt-1" type="text" spellcheck="false" value="1"' in text
    assert 'name="rule" type="radio" value="usage" checked' in text
    assert "Usage filled in with each partner" in text
    assert 'value="Hub hosting"' in text  # what was typed stays
    assert Draft.objects.get(benefits_model=model).data["costs"] == []  # not kept until asked


def test_a_note_too_long_is_refused_and_nothing_saved(officer):
    model = _new_model(officer)
    _add_partner(officer, model, "la", "40000", "600")
    refused = officer.post(reverse("benefits:check", args=[model.pk]), {"note": "x" * 201})
    text = refused.content.decode()
    assert "<title>Error: Check your model" in text and "There is a problem" in text
    assert model.versions.count() == 0
