"""Maps of trial sites that, by default, make no request to any outside service.

A street map's pictures come from a third-party tile service (CARTO), which then learns which area
someone looks at. So by default the map has no basemap at all (pydeck with ``map_provider=None``):
the sites are drawn over faint dots, one per area holding a US ZIP code (data shipped in the
``zipcodes`` package), which outline the country, its coasts and cities. The street map is an
opt-in, worded so the user knows what it sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from dashboard import state
from data.geocode import us_outline_points

STREET_MAP_LABEL = "Show streets and place names (loads map pictures from CARTO, an outside service)"
_OUTLINE_COLOR = [176, 190, 197, 120]


@dataclass(frozen=True)
class MapPoint:
    """One dot: where, what colour, and its label (a plain-text tooltip)."""

    lat: float
    lon: float
    label: str
    color: tuple[int, int, int]


#: Dot sizes in screen pixels, whatever the zoom: a site dot never grows over its neighbours, and
#: the ZIP code's pin stays a small ring under them (it once was a 12 km disc hiding every site).
SITE_PIXELS = 6
PIN_PIXELS = 7
_PIN_COLOR = [239, 108, 0]
_MIN_ZOOM, _MAX_ZOOM = 2.0, 10.0


def street_map_toggle() -> None:
    """The opt-in, kept across pages like every other choice."""
    st.toggle(STREET_MAP_LABEL, key=state.STREET_MAP)


def view_for(
    points: Sequence[tuple[float, float]], origin: tuple[float, float] | None = None
) -> tuple[float, float, float]:
    """Centre and zoom that show every point (and the ZIP code's pin) with a margin: never closer
    than a city (one site is not blown up to street level), never wider than the world."""
    places = [*points, *([origin] if origin is not None else [])]
    lats = [p[0] for p in places]
    lons = [p[1] for p in places]
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) / 2, 0.05)
    zoom = min(max(_zoom_for(span), _MIN_ZOOM), _MAX_ZOOM)
    return (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2, zoom


def _zoom_for(span_degrees: float) -> float:
    """A zoom that shows ``span_degrees`` of latitude with some margin (each level halves it)."""
    zoom = 8.0
    span = 1.2
    while span < span_degrees * 1.3 and zoom > 1:
        span *= 2
        zoom -= 1
    return zoom


def _dots(rows: list[dict[str, object]], pixels: int, line_pixels: int, **style: object) -> pdk.Layer:
    """Dots of exactly ``pixels`` radius at every zoom: a 1 m radius held to that size on screen
    (pydeck would read a units string such as "pixels" as an expression)."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=rows,
        get_position="[lon, lat]",
        get_radius=1,
        radius_min_pixels=pixels,
        radius_max_pixels=pixels,
        stroked=True,
        line_width_min_pixels=line_pixels,
        line_width_max_pixels=line_pixels,
        **style,
    )


class KeptDeck(pdk.Deck):  # type: ignore[misc]  # pydeck has no type hints
    """A map made once and drawn again on every rerun that shows the same trials.

    pydeck writes its JSON indented, with Python's slow encoder: with 1,000 trials that was a third
    of every rerun. Here it is written once, compactly, and the rows behind it are let go.
    """

    def freeze(self) -> KeptDeck:
        text = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        let_go: list[pdk.Layer] = []
        self.layers = let_go
        self.__dict__["_kept_json"] = text
        return self

    def to_json(self) -> str:
        return str(self.__dict__["_kept_json"])


def _deck(points: Sequence[MapPoint], origin: tuple[float, float] | None, *, street: bool) -> KeptDeck:
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
                radius_max_pixels=3,
                pickable=False,
            )
        )
    if origin is not None:
        pin = [{"lat": origin[0], "lon": origin[1], "label": "Your ZIP code's area (centre)"}]
        layers.append(
            _dots(
                pin,
                PIN_PIXELS,
                3,
                filled=True,
                get_fill_color=[255, 255, 255, 230],
                get_line_color=_PIN_COLOR,
                pickable=True,
            )
        )
    sites = [{"lat": p.lat, "lon": p.lon, "label": p.label, "color": list(p.color)} for p in points]
    layers.append(
        _dots(
            sites,
            SITE_PIXELS,
            1,
            get_fill_color="color",
            get_line_color=[255, 255, 255],
            pickable=True,
        )
    )
    lat, lon, zoom = view_for([(p.lat, p.lon) for p in points], origin)
    # With no provider pydeck leaves the style unset, and Streamlit then draws no basemap at all
    # (``map_style=None`` would instead pick a CARTO style for the theme).
    basemap = {"map_provider": "carto", "map_style": "light"} if street else {"map_provider": None}
    return KeptDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        tooltip={"text": "{label}"},  # plain text: registry names never render as HTML
        **basemap,
    ).freeze()


@st.cache_resource(max_entries=16, show_spinner=False)
def _kept(
    key: str,
    _points: Callable[[], Sequence[MapPoint]],
    origin: tuple[float, float] | None,
    street: bool,
) -> KeptDeck | None:
    points = _points()
    return _deck(points, origin, street=street) if points else None


def kept_map(
    key: str, points: Callable[[], Sequence[MapPoint]], *, origin: tuple[float, float] | None = None
) -> KeptDeck | None:
    """The map of ``points`` (made by calling it), kept for every session under ``key``, which must
    name what the points are drawn from (the trials and their record versions); ``None`` when
    there is nothing to draw. The street-map choice is part of the key."""
    return _kept(key, points, origin, bool(st.session_state.get(state.STREET_MAP)))


def draw(deck: KeptDeck, *, height: int = 420) -> None:
    """Draw a kept map: over the ZIP outline by default, over a street map only when opted in."""
    st.pydeck_chart(deck, height=height)
