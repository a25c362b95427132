"""The model file: Splink JSON with FAME's keys, found in DATA_DIR or shipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from fame.linkage import DEFAULT_MODEL, LinkageModel, ModelError, load_model, model_path, save_model


def test_load_model_without_a_trained_model_uses_the_shipped_default(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        model = load_model()

    assert model == load_model(DEFAULT_MODEL)
    assert model.term_frequencies["given_name"]
    assert model.upper_match_weight > model.lower_match_weight


def test_load_model_prefers_the_model_trained_in_data_dir(
    tmp_path: Path, default_model: LinkageModel
) -> None:
    with override_settings(DATA_DIR=tmp_path):
        save_model(default_model.with_thresholds(upper=20.0, lower=-5.0), model_path())
        model = load_model()

    assert model_path().parts[-2:] == ("linkage", "model.json")
    assert model.upper_match_weight == pytest.approx(20.0)
    assert model.lower_match_weight == pytest.approx(-5.0)


def test_saved_model_is_splink_json_with_fame_keys_beside(
    tmp_path: Path, default_model: LinkageModel
) -> None:
    path = save_model(default_model, tmp_path / "model.json")

    data = json.loads(path.read_text())

    assert data["link_type"] == "dedupe_only"
    assert {"link_probability", "review_probability", "term_frequencies"} <= set(data["fame"])
    assert LinkageModel.from_json(data) == default_model


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "cannot read"),
        ('{"comparisons": []}', "not a FAME linkage model"),
        ('{"comparisons": [], "fame": {"format": 99}}', "format 99"),
    ],
)
def test_load_model_bad_file_raises_model_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(text)

    with pytest.raises(ModelError, match=message):
        load_model(path)


def test_load_model_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model file at"):
        load_model(tmp_path / "absent.json")
