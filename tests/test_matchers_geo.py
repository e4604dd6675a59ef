"""Distances and the nearest site that can still enrol."""

import pytest

from data.models import Study
from matchers.geo import first_recruiting_site, haversine_miles, nearest_recruiting_site


def test_haversine_known_distance_boston_to_new_york() -> None:
    assert haversine_miles(42.3601, -71.0589, 40.7128, -74.0060) == pytest.approx(190.0, abs=3)


def test_haversine_zero_and_symmetry() -> None:
    assert haversine_miles(10, 20, 10, 20) == 0
    assert haversine_miles(1, 2, 3, 4) == pytest.approx(haversine_miles(3, 4, 1, 2))


def _study(*sites: dict) -> Study:
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000009"},
                "contactsLocationsModule": {"locations": list(sites)},
            }
        }
    )


BOSTON = (42.36, -71.06)


def test_nearest_site_skips_closed_sites_and_sites_without_coordinates() -> None:
    study = _study(
        {"facility": "Closed near", "status": "COMPLETED", "geoPoint": {"lat": 42.36, "lon": -71.06}},
        {"facility": "No coordinates", "status": "RECRUITING"},
        {"facility": "New York", "status": "RECRUITING", "geoPoint": {"lat": 40.71, "lon": -74.0}},
        {"facility": "Providence", "geoPoint": {"lat": 41.82, "lon": -71.41}},
        {
            "facility": "Chicago",
            "status": "NOT_YET_RECRUITING",
            "geoPoint": {"lat": 41.88, "lon": -87.63},
        },
    )
    site, miles = nearest_recruiting_site(study, BOSTON) or (None, 0.0)
    assert site is not None and site.facility == "Providence"
    assert 35 < miles < 50


def test_no_origin_or_no_open_site_gives_none() -> None:
    study = _study({"facility": "Closed", "status": "COMPLETED", "geoPoint": {"lat": 1, "lon": 1}})
    assert nearest_recruiting_site(study, None) is None
    assert nearest_recruiting_site(study, BOSTON) is None
    assert first_recruiting_site(study) is None
