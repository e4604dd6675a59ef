"""The clinic deployment in deploy/: its files agree with each other and with the app, and the
proxy really keeps each browser on one dashboard process, websocket included.

Docker need not run here: the Dockerfile and compose file are read as data, HAProxy (when
installed) checks and runs deploy/haproxy.cfg, and the live test starts two dashboards with the
Dockerfile's own command behind it and drives them with headless Chromium.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from data import settings
from tests.browser_support import (
    ROOT,
    browser_problem,
    browser_required,
    running_dashboard,
    wait_for_app_idle,
)
from tests.conftest import fixture_studies
from tests.deploy_support import (
    CONTAINER_PORT,
    DASHBOARD_HOSTS,
    DEPLOY,
    DOCKERFILE,
    HAPROXY_CONFIG,
    PROXY_PORT,
    Instruction,
    compose_file,
    dashboard_command,
    dockerfile_instructions,
    haproxy_path,
    local_config,
    proxy_problem,
    running_proxy,
)

HEALTH_PATH = "/_stcore/health"
CACHE_URL = "redis://redis:6379/0"
PACKAGES = ("dashboard", "data", "matchers")
DEFAULT = re.compile(r"^\$\{(?P<name>\w+):-(?P<default>[^}]*)\}$")


def instructions(keyword: str) -> list[Instruction]:
    return [i for i in dockerfile_instructions(DOCKERFILE.read_text()) if i.keyword == keyword]


def services() -> dict[str, Any]:
    found = compose_file()["services"]
    assert isinstance(found, dict)
    return found


def haproxy_lines() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in HAPROXY_CONFIG.read_text().splitlines())
    return [line for line in lines if line]


# --- the install: what `pip install .` in the Dockerfile ships ---------------------------------


def test_a_regular_install_ships_every_data_file_the_app_reads() -> None:
    """`pip install .` (not -e) copies only listed data files; vocabulary.yaml was once left out."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    missing = []
    for package in PACKAGES:
        patterns = package_data.get(package, [])
        for path in sorted((ROOT / package).rglob("*")):
            relative = PurePosixPath(path.relative_to(ROOT / package).as_posix())
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in relative.parts:
                continue
            if not any(fnmatch.fnmatch(str(relative), pattern) for pattern in patterns):
                missing.append(f"{package}/{relative}")
    assert missing == [], f"add these to [tool.setuptools.package-data] in pyproject.toml: {missing}"


# --- the Dockerfile ---------------------------------------------------------------------------


def test_the_image_runs_as_a_user_without_privileges() -> None:
    keywords = [i.keyword for i in dockerfile_instructions(DOCKERFILE.read_text())]
    users = instructions("USER")
    assert users, "the Dockerfile sets no USER: the app would run as root"
    assert users[-1].value.split(":")[0] not in ("root", "0")
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert "RUN" not in keywords[last_user:], "nothing may run as root after the USER line"


def test_the_image_installs_the_project_from_pyproject_and_copies_what_exists() -> None:
    (base,) = instructions("FROM")
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    image = re.fullmatch(r"python:3\.(\d+)-slim\S*", base.value)
    oldest = re.fullmatch(r">=3\.(\d+)", wanted)
    assert image and oldest and int(image[1]) >= int(oldest[1]), (base.value, wanted)
    assert any(re.search(r"\bpip install \.(\s|$)", i.value) for i in instructions("RUN"))
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for copy in instructions("COPY"):
        *sources, _target = copy.value.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert f"!{source.rstrip('/')}" in [line.rstrip("/") for line in ignore], (
                f"{source} is left out of the build by Dockerfile.dockerignore"
            )
    assert (ROOT / ".streamlit" / "config.toml").is_file()


def test_the_health_check_asks_streamlit_on_the_port_the_app_listens_on() -> None:
    (check,) = instructions("HEALTHCHECK")
    (expose,) = instructions("EXPOSE")
    command = " ".join(check.exec_form())
    assert f"127.0.0.1:{CONTAINER_PORT}{HEALTH_PATH}" in command
    assert expose.value == str(CONTAINER_PORT)
    assert f"--server.port={CONTAINER_PORT}" in instructions("CMD")[0].exec_form()


def test_the_image_starts_the_dashboard_as_mbc_navigator_does() -> None:
    """`mbc-navigator --server...` starts Streamlit with the app's privacy flags (dashboard/cli.py)."""
    from dashboard import cli

    (cmd,) = instructions("CMD")
    program, *arguments = cmd.exec_form()
    assert program == "mbc-navigator"
    assert arguments and all(a.startswith("--server") for a in arguments), arguments
    assert "--server.address=0.0.0.0" in arguments  # reachable from the proxy's container
    assert "--server.headless=true" in arguments
    started = Path(cli.__file__).read_text()
    for flag in ("--client.showErrorDetails=none", "--browser.gatherUsageStats=false"):
        assert flag in started, f"dashboard/cli.py no longer passes {flag}"


# --- compose.yaml -----------------------------------------------------------------------------


def test_compose_runs_two_dashboards_redis_and_a_proxy() -> None:
    found = services()
    assert set(found) == {*DASHBOARD_HOSTS, "redis", "proxy"}
    for name in DASHBOARD_HOSTS:
        service = found[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (
            DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]
        ).resolve() == DOCKERFILE
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "ports" not in service, f"{name} must be reached through the proxy only"
        assert str(CONTAINER_PORT) in [str(p) for p in service["expose"]]
    assert "healthcheck" in found["redis"]
    assert "ports" not in found["redis"], "the cache must not be reachable from outside"
    proxy = found["proxy"]
    assert [p.rsplit(":", 1)[1] for p in proxy["ports"]] == [str(PROXY_PORT)]
    assert {"./haproxy.cfg"} == {v.split(":")[0] for v in proxy["volumes"]}
    assert all(proxy["depends_on"][n]["condition"] == "service_healthy" for n in DASHBOARD_HOSTS)


def test_every_dashboard_gets_the_settings_with_the_apps_own_defaults() -> None:
    expected = {
        "MBC_CACHE_URL": CACHE_URL,
        settings.BASE_URL_ENV: settings.DEFAULT_BASE_URL,
        settings.CACHE_HOURS_ENV: f"{settings.CACHE_EXPIRY.total_seconds() / 3600:g}",
        settings.SEARCH_SECONDS_ENV: f"{settings.SEARCH_DEADLINE_S:g}",
    }
    volumes = set()
    for name in DASHBOARD_HOSTS:
        environment = services()[name]["environment"]
        for key, default in expected.items():
            match = DEFAULT.match(str(environment[key]))
            assert match, f"{name}: {key} should read ${{{key}:-default}}, not {environment[key]!r}"
            assert (match["name"], match["default"]) == (key, default)
        cache_dir = environment[settings.CACHE_DIR_ENV]
        (volume,) = services()[name]["volumes"]
        source, target = volume.split(":")[:2]
        assert target == cache_dir, f"{name}: its cache volume is not mounted on MBC_CACHE_DIR"
        volumes.add(source)
    assert len(volumes) == len(DASHBOARD_HOSTS), "each dashboard keeps its own cache folder"
    assert ["ENV", f"MBC_CACHE_DIR={cache_dir}"] in [[i.keyword, i.value] for i in instructions("ENV")]


def test_compose_validates_when_docker_compose_is_present() -> None:
    """`docker compose config` checks the file against the Compose specification (no daemon needed)."""
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed here; the YAML checks above still ran")
    checked = subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


# --- haproxy.cfg ------------------------------------------------------------------------------


def test_the_proxy_keeps_each_browser_on_one_dashboard_and_checks_their_health() -> None:
    lines = haproxy_lines()
    assert "mode http" in lines  # HTTP mode: HAProxy passes the websocket's Upgrade through
    assert any(re.fullmatch(r"timeout tunnel \d+[smhd]", line) for line in lines)
    cookie = next(line for line in lines if line.startswith("cookie "))
    assert re.match(r"cookie \w+ insert indirect nocache\b", cookie), cookie
    servers = [line.split() for line in lines if line.startswith("server ")]
    assert [s[2] for s in servers] == [f"{host}:{CONTAINER_PORT}" for host in DASHBOARD_HOSTS]
    assert all("cookie" in s for s in servers) and len({s[s.index("cookie") + 1] for s in servers}) == 2
    assert f"http-check send meth GET uri {HEALTH_PATH}" in lines
    assert any(line.startswith("default-server check") for line in lines)
    assert f"bind :{PROXY_PORT}" in lines


def test_the_proxy_logs_no_query_string_where_a_patients_choices_travel() -> None:
    lines = haproxy_lines()
    assert "option httplog" not in lines  # its format logs the whole address, choices and all
    (log_format,) = [line for line in lines if line.startswith("log-format ")]
    # %HU: the full address, %HQ: the query string, %r: the request line (address included).
    assert not re.search(r"%(\{[^}]*\})?(HU|HQ|r)\b", log_format), log_format


def test_the_local_copy_of_the_proxy_config_changes_only_addresses() -> None:
    text = HAPROXY_CONFIG.read_text()
    local = local_config(text, [9101, 9102], 9100)
    assert "bind 127.0.0.1:9100" in local
    assert "server d1 127.0.0.1:9101" in local and "server d2 127.0.0.1:9102" in local
    assert len(local.splitlines()) == len(text.splitlines())
    with pytest.raises(ValueError, match="found 0 times"):
        local_config(text.replace("dashboard-2:8501", "dashboard-two:8501"), [9101, 9102], 9100)


def test_haproxy_accepts_the_configuration() -> None:
    haproxy = haproxy_path()
    if haproxy is None:
        pytest.skip(f"cannot run `haproxy -c`: {proxy_problem()}")
    checked = subprocess.run([haproxy, "-c", "-f", str(HAPROXY_CONFIG)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr


# --- the proxy for real: two dashboards behind HAProxy, two browsers --------------------------


@dataclass
class Clinic:
    """Two dashboards started with the Dockerfile's command, and HAProxy in front of them."""

    url: str
    log_lines: Callable[[], list[str]]
    stop_first: Callable[[], None]


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    if problem := proxy_problem():
        pytest.skip(f"live proxy test skipped: {problem}")
    if problem := browser_problem():
        if browser_required():
            pytest.fail(f"browser test required (MBC_REQUIRE_BROWSER=1) but {problem}")
        pytest.skip(f"live proxy test skipped: {problem}")
    from contextlib import ExitStack

    from data.ctgov_standin import StandinServer

    with ExitStack() as stack:
        standin = stack.enter_context(StandinServer(fixture_studies()))
        first, second = (
            stack.enter_context(
                running_dashboard(standin.base_url, tmp_path / name, command=dashboard_command())
            )
            for name in DASHBOARD_HOSTS
        )
        proxy = stack.enter_context(running_proxy([first.port, second.port], tmp_path / "proxy"))

        def stop_first() -> None:
            first.process.terminate()
            first.process.wait(timeout=20)

        yield Clinic(proxy.url, proxy.log_lines, stop_first)


def sticky_server(page: Any) -> list[str]:
    return [c["value"] for c in page.context.cookies() if c["name"] == "MBC_SERVER"]


def upgraded_websockets(log: list[str]) -> set[str]:
    """The dashboards whose /_stcore/stream was upgraded (status 101) through the proxy."""
    found = (re.search(r"dashboards/(d\d) .* 101 \d+ GET /_stcore/stream$", line) for line in log)
    return {match[1] for match in found if match}


@pytest.mark.browser
def test_two_browsers_through_the_proxy_each_stay_on_their_own_dashboard(clinic: Clinic) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    link = "/trials?subtype=hr-positive&sites=bone,liver&age=62"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            chosen = []
            pages = []
            for _ in range(2):
                page = browser.new_context().new_page()
                page.set_default_timeout(60_000)
                page.goto(clinic.url + link)
                expect(
                    page.get_by_text(re.compile(r"Checked \d+ trials? against your answers"))
                ).to_be_visible(timeout=90_000)
                wait_for_app_idle(page)
                (server,) = sticky_server(page)
                chosen.append(server)
                pages.append(page)
            assert sorted(chosen) == ["d1", "d2"], "the two browsers should be spread over both"

            # A reload keeps each browser on its dashboard (and closes the first websockets,
            # which HAProxy logs when they end).
            for page, server in zip(pages, chosen, strict=True):
                page.reload()
                wait_for_app_idle(page)
                assert sticky_server(page) == [server]
            assert upgraded_websockets(clinic.log_lines()) == {"d1", "d2"}, clinic.log_lines()[-40:]
            assert not any("age=62" in line or "subtype=" in line for line in clinic.log_lines())

            # The dashboard of the first browser stops: its next visit lands on the other one.
            pinned_to_first = pages[chosen.index("d1")]
            clinic.stop_first()
            pinned_to_first.reload()
            expect(pinned_to_first.get_by_text(re.compile(r"Checked \d+ trials?"))).to_be_visible(
                timeout=90_000
            )
            wait_for_app_idle(pinned_to_first)
            # HAProxy tried d1, found it closed and sent the request to d2 (option redispatch).
            recent = clinic.log_lines()[-40:]
            assert any(re.search(r"dashboards/d2 .* GET /trials$", line) for line in recent), recent
        finally:
            browser.close()
