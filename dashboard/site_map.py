"""Maps of trial sites that, by default, make no request to any outside service.

A street map's pictures come from a third-party tile service (CARTO), which then learns which area
someone looks at. So by default the map has no basemap at all (pydeck with ``map_provider=None``):
the sites are drawn over faint dots, one per area holding a US ZIP code (data shipped in the
``zipcodes`` package), which outline the country, its coasts and cities. The street map is an
opt-in, worded so the user knows what it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pydeck as pdk
import streamlit as st

from dashboard import state
from data.geocode import us_outline_points

STREET_MAP_LABEL = "Show streets and place names (loads map pictures from CARTO, an outside service)"
_OUTLINE_COLOR = [176, 190, 197, 120]


@dataclass(frozen=True)
class MapPoint:
    """One dot: where, how big (metres; 5 to 16 pixels on screen), what colour, and its label."""

    lat: float
    lon: float
    label: str
    color: tuple[int, int, int]
    radius_m: float = 6000


def street_map_toggle() -> None:
    """The opt-in, kept across pages like every other choice."""
    st.toggle(STREET_MAP_LABEL, key=state.STREET_MAP)


def _view(points: Sequence[MapPoint], zoom: float | None) -> pdk.ViewState:
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) / 2, 0.05)
    fitted = _zoom_for(span)
    return pdk.ViewState(
        latitude=(max(lats) + min(lats)) / 2,
        longitude=(max(lons) + min(lons)) / 2,
        zoom=zoom if zoom is not None else fitted,
    )


def _zoom_for(span_degrees: float) -> float:
    """A zoom that shows ``span_degrees`` of latitude with some margin (each level halves it)."""
    zoom = 8.0
    span = 1.2
    while span < span_degrees * 1.3 and zoom > 1:
        span *= 2
        zoom -= 1
    return zoom


def show(points: Sequence[MapPoint], *, zoom: float | None = None, height: int = 420) -> None:
    """Draw the points; over the ZIP outline by default, over a street map only when opted in."""
    if not points:
        return
    street = bool(st.session_state.get(state.STREET_MAP))
    layers: list[pdk.Layer] = []
    if not street:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=[{"lat": lat, "lon": lon} for lat, lon in us_outline_points()],
                get_position="[lon, lat]",
                get_fill_color=_OUTLINE_COLOR,
                get_radius=9000,
                radius_min_pixels=1,
                pickable=False,
            )
        )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            data=[
                {
                    "lat": p.lat,
                    "lon": p.lon,
                    "label": p.label,
                    "color": list(p.color),
                    "radius": p.radius_m,
                }
                for p in points
            ],
            get_position="[lon, lat]",
            get_fill_color="color",
            get_radius="radius",
            radius_min_pixels=5,
            radius_max_pixels=16,
            stroked=True,
            get_line_color=[255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
        )
    )
    # With no provider pydeck leaves the style unset, and Streamlit then draws no basemap at all
    # (``map_style=None`` would instead pick a CARTO style for the theme).
    basemap = {"map_provider": "carto", "map_style": "light"} if street else {"map_provider": None}
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=_view(points, zoom),
        tooltip={"text": "{label}"},  # plain text: registry names never render as HTML
        **basemap,
    )
    st.pydeck_chart(deck, height=height)
