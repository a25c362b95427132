"""The one normal form shared by Splink's input and the runtime scorer."""

from __future__ import annotations

from datetime import date

from fame.linkage import LinkageRecord
from fame.linkage._normalise import name_aliases, normalise_address, normalise_name

from .conftest import OLIVIA, variant


def test_normalise_name_drops_case_accents_and_punctuation() -> None:
    assert normalise_name("  ZOË ") == "zoe"
    assert normalise_name("O'Neil") == "oneil"
    assert normalise_name("Smith - Jones") == "smith-jones"
    assert normalise_name("   ") is None


def test_normalise_address_shortens_street_words() -> None:
    assert normalise_address("12, Moor Road.") == normalise_address("12 moor rd") == "12 moor rd"


def test_name_aliases_bill_and_william_share_william() -> None:
    assert "william" in name_aliases("bill")
    assert "william" in name_aliases("william")


def test_name_aliases_include_british_forms_missing_from_the_package() -> None:
    assert "olivia" in name_aliases("livvy")
    assert "muhammad" in name_aliases("mo")


def test_linkage_record_from_agency_record_derives_every_field() -> None:
    record = variant(
        given_name=" BILL ",
        middle_names=("James", ""),
        family_name="Smith-Jones",
        previous_family_names=("Brown",),
        sex="U",
        date_of_birth=date(2019, 3, 4),
        postcode="qn12 3ab",
        address_line_1="Flat 2, 5 Fern Avenue",
    )

    linkage = LinkageRecord.from_agency_record(record)

    assert linkage.key == ("gp-001", "GP77")
    assert linkage.given_name == "bill"
    assert "william" in linkage.given_aliases
    assert linkage.middle_names == ("james",)
    assert linkage.family_parts == ("smith", "jones")
    assert linkage.previous_family_names == ("brown",)
    assert linkage.sex is None
    assert (linkage.dob_digits, linkage.dob_swapped) == ("20190304", "20190403")
    assert (linkage.postcode, linkage.postcode_sector, linkage.postcode_district) == (
        "QN12 3AB",
        "QN12 3",
        "QN12",
    )
    assert linkage.address == "flat 2 5 fern ave"


def test_linkage_record_blank_fields_are_none() -> None:
    record = variant(given_name="", family_name=" ", date_of_birth=None, postcode="")

    linkage = LinkageRecord.from_agency_record(record)

    assert linkage.given_name is linkage.family_name is linkage.date_of_birth is None
    assert linkage.given_aliases == linkage.family_parts == ()
    assert linkage.postcode is linkage.postcode_sector is None


def test_linkage_record_day_after_twelfth_has_no_swapped_date() -> None:
    assert (
        LinkageRecord.from_agency_record(variant(date_of_birth=date(2019, 3, 14))).dob_swapped
        is None
    )
    assert (
        LinkageRecord.from_agency_record(variant(date_of_birth=date(2019, 3, 3))).dob_swapped
        is None
    )


def test_linkage_record_foreign_postcode_keeps_only_the_code() -> None:
    linkage = LinkageRecord.from_agency_record(variant(postcode="2615"))

    assert (linkage.postcode, linkage.postcode_sector) == ("2615", None)


def test_linkage_record_of_olivia_is_unchanged_by_a_second_call() -> None:
    assert LinkageRecord.from_agency_record(OLIVIA) == LinkageRecord.from_agency_record(OLIVIA)
