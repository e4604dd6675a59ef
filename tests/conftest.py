"""Shared fixtures: the API stand-in with small hand-written studies, and a dashboard AppTest."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
APP = ROOT / "dashboard" / "app.py"
HOSTILE_NCT = "NCT09990099"
HOSTILE_TITLE = "Trial <script>alert(1)</script> ![tracker](http://evil.example/x.png)"


def shared_dir() -> Path:
    """The shared folder of real registry records (``MBC_SHARED_DIR`` overrides)."""
    return Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))


def fixture_studies() -> list[dict[str, Any]]:
    studies = json.loads((FIXTURES / "ctgov_breast_studies.json").read_text())["studies"]
    hostile = copy.deepcopy(studies[0])
    protocol = hostile["protocolSection"]
    protocol["identificationModule"]["nctId"] = HOSTILE_NCT
    protocol["identificationModule"]["briefTitle"] = HOSTILE_TITLE
    protocol["descriptionModule"]["briefSummary"] = (
        "Read **this** <img src=x onerror=alert(1)> and [click](javascript:alert(1))."
    )
    return [*studies, hostile]


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's own cache folder (saved answers, stored readings)."""
    monkeypatch.setenv("MBC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    """streamlit/streamlit#9139: cached values outlive an AppTest within one pytest process."""
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def standin() -> Iterator[Any]:
    from data.ctgov_standin import StandinServer

    with StandinServer(fixture_studies()) as server:
        yield server


@pytest.fixture
def app_env(standin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the whole app at the stand-in, with a fresh cache folder."""
    monkeypatch.setenv("CTGOV_BASE_URL", standin.base_url)
    monkeypatch.setenv("MBC_CACHE_DIR", str(tmp_path / "cache"))
    return standin


@pytest.fixture
def app(app_env: Any) -> Any:
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=60)
