"""The charts drawn on the server: valid SVG with a title and a description of the numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from fame.readiness.charts import BAND_COLOURS, band, bars, grouped_bars, heat_map, lines, radar

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode())  # noqa: S314 - SVG FAME itself drew
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def test_heat_map_is_svg_titled_and_described_with_every_cell():
    svg = heat_map(["Governance", "Legal"], ["Practice", "ICT"], [[1.0, None], [3.5, 0.25]], "Heat")

    root = parsed(svg)
    assert root.find(f"{SVG}title").text == "Heat"
    desc = root.find(f"{SVG}desc").text
    assert desc == "Governance: Practice 1.0, ICT no score; Legal: Practice 3.5, ICT 0.2"
    assert BAND_COLOURS[1] in svg and BAND_COLOURS[4] in svg  # 1.0 and 3.5's bands
    assert "<image" not in svg  # drawn as shapes, not a picture inside the picture


def test_radar_names_each_axis_and_its_score():
    names = [f"Block {i}" for i in range(9)]
    svg = radar(names, [0, 1, 2, 3, 4, None, 1.5, 2.5, 3.5], "Practice")

    desc = parsed(svg).find(f"{SVG}desc").text
    assert desc.startswith("Block 0 0.0, Block 1 1.0")
    assert "Block 5 no score" in desc


def test_bars_and_lines_are_valid_svg_with_their_numbers():
    bar_desc = parsed(bars(["Leadership", "People"], [2.25, None], "Criteria")).find(f"{SVG}desc")
    line_desc = parsed(lines(["Spring", "Autumn"], {"ICT": [None, 3.0]}, "Trend")).find(
        f"{SVG}desc"
    )
    assert bar_desc.text == "Leadership 2.2, People no score"
    assert line_desc.text == "ICT: Spring no score, Autumn 3.0"


def test_grouped_bars_describe_each_series_and_say_when_there_is_none():
    both = grouped_bars(["Practice", "ICT"], {"School": [1.0, None], "LA": [2.0, 3.0]}, "P")
    none = grouped_bars(["Practice", "ICT"], {}, "P")

    assert parsed(both).find(f"{SVG}desc").text == (
        "School: Practice 1.0, ICT no score; LA: Practice 2.0, ICT 3.0"
    )
    assert parsed(none).find(f"{SVG}desc").text == "No partner agreed to be compared."


def test_the_same_numbers_draw_the_same_svg():
    assert bars(["A"], [1.0], "T") == bars(["A"], [1.0], "T")


def test_a_title_is_escaped():
    root = parsed(bars(["A & B"], [1.0], "Scores <for> A & B"))
    assert root.find(f"{SVG}title").text == "Scores <for> A & B"


@pytest.mark.parametrize(
    ("score", "expected"),
    [(None, None), (0.0, 0), (0.49, 0), (0.5, 1), (2.5, 3), (3.99, 4), (4.0, 4)],
)
def test_band_is_the_nearest_whole_score(score, expected):
    assert band(score) == expected
