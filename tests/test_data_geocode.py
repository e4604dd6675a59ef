"""Offline ZIP geocoding: known codes, plain messages for unknown or malformed ones, and rounding."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data.ctgov_query import round_coordinate
from data.geocode import UnknownZipError, geocode_zip

UNKNOWN_00000 = (
    "We could not find the ZIP code 00000. Check the five digits, "
    "or leave it empty to see trials anywhere."
)


def test_boston_zip() -> None:
    place = geocode_zip("02215")
    assert (place.zip_code, place.city, place.state) == ("02215", "Boston", "MA")
    assert place.lat == pytest.approx(42.35, abs=0.05)
    assert place.lon == pytest.approx(-71.10, abs=0.05)


def test_new_york_zip() -> None:
    place = geocode_zip("10001")
    assert (place.city, place.state) == ("New York", "NY")
    assert place.lat == pytest.approx(40.75, abs=0.05)
    assert place.lon == pytest.approx(-74.00, abs=0.05)


def test_zip_with_leading_zeros_and_spaces() -> None:
    assert geocode_zip(" 02215 ") == geocode_zip("02215")
    assert geocode_zip("00601").state == "PR"


def test_lookups_are_cached() -> None:
    assert geocode_zip("10001") is geocode_zip("10001")


def test_unknown_zip_has_a_plain_message() -> None:
    with pytest.raises(UnknownZipError) as caught:
        geocode_zip("00000")
    assert str(caught.value) == UNKNOWN_00000


def test_another_unknown_zip_names_itself() -> None:
    with pytest.raises(UnknownZipError, match="could not find the ZIP code 99999"):
        geocode_zip("99999")


@pytest.mark.parametrize("text", ["abcde", "123", "123456", "02215-1234", "", "   ", "0221 5"])
def test_malformed_zip_says_it_must_be_5_digits(text: str) -> None:
    with pytest.raises(UnknownZipError) as caught:
        geocode_zip(text)
    message = str(caught.value)
    assert "must be 5 digits" in message
    assert "could not find" not in message


def test_non_text_zip_is_refused_the_same_way() -> None:
    with pytest.raises(UnknownZipError, match="must be 5 digits"):
        geocode_zip(2215)  # type: ignore[arg-type]


def test_unknown_zip_error_is_a_value_error() -> None:
    assert issubclass(UnknownZipError, ValueError)


def test_the_coordinates_sent_are_rounded_to_about_a_kilometre() -> None:
    """The rounding the client applies before a location leaves the machine (``filter.geo``)."""
    place = geocode_zip("02215")
    assert (round_coordinate(place.lat), round_coordinate(place.lon)) == (42.35, -71.1)
    assert (place.lat, place.lon) == (42.3471, -71.1027)
    assert str(round_coordinate(-0.001)) == "0.0"


def test_place_is_frozen() -> None:
    place = geocode_zip("02215")
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.lat = 0.0  # type: ignore[misc]


def test_the_shipped_us_outline_is_the_zip_tables_own() -> None:
    """If this fails, the zipcodes package changed its table: run data.geocode.write_outline()."""
    from data.geocode import OUTLINE_STEP, outline_from_zip_table, us_outline_points

    us_outline_points.cache_clear()
    shipped = us_outline_points()
    assert shipped == outline_from_zip_table(OUTLINE_STEP)
    assert 4000 < len(shipped) < 6000


def test_the_outline_is_computed_when_its_file_is_missing_or_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data import geocode

    expected = geocode.outline_from_zip_table(geocode.OUTLINE_STEP)
    damaged = tmp_path / "us_outline.json"
    damaged.write_text("[[1, 2], [3", encoding="utf-8")
    for path in (tmp_path / "absent.json", damaged):
        monkeypatch.setattr(geocode, "OUTLINE_FILE", path)
        geocode.us_outline_points.cache_clear()
        assert geocode.us_outline_points() == expected
    geocode.us_outline_points.cache_clear()
    assert geocode.us_outline_points(1.0) == geocode.outline_from_zip_table(1.0)
    geocode.write_outline(tmp_path / "written.json")
    monkeypatch.setattr(geocode, "OUTLINE_FILE", tmp_path / "written.json")
    geocode.us_outline_points.cache_clear()
    assert geocode.us_outline_points() == expected
    geocode.us_outline_points.cache_clear()
