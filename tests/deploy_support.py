"""Read the deployment recipe in deploy/, and run its proxy and dashboard command on this machine.

Docker may not run where the tests do, so the recipe's parts are checked apart: the Dockerfile's
instructions and the compose file are read as data, and HAProxy runs deploy/haproxy.cfg in front
of dashboards started with the Dockerfile's own command. That configuration is the deployment's
own file with only its addresses changed: the port it listens on, and the two dashboard
containers (``dashboard-1:8501``, ``dashboard-2:8501``) become local ports. Everything else
(sticky cookie, health checks, websocket tunnel, log format) is what a clinic runs. It needs
Debian's ``haproxy``; :func:`proxy_problem` says why not when it is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.browser_support import ROOT, free_port, stop_process_group

DEPLOY = ROOT / "deploy"
HAPROXY_CONFIG = DEPLOY / "haproxy.cfg"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE_FILE = DEPLOY / "compose.yaml"
CONTAINER_PORT = 8501
PROXY_PORT = 8080
#: The dashboard services of deploy/compose.yaml, in the order the configuration lists them.
DASHBOARD_HOSTS = ("dashboard-1", "dashboard-2")
STARTUP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: its keyword (upper case) and the rest, continuations joined."""

    keyword: str
    value: str

    def exec_form(self) -> list[str]:
        """The JSON array of a CMD, ENTRYPOINT or HEALTHCHECK CMD (ValueError when not one)."""
        text = self.value.split("CMD", 1)[1] if self.keyword == "HEALTHCHECK" else self.value
        parsed = json.loads(text.strip())
        if not isinstance(parsed, list) or not all(isinstance(part, str) for part in parsed):
            raise ValueError(f"{self.keyword} is not a JSON array of strings: {self.value}")
        return parsed


def dockerfile_instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, comments dropped and backslash continuations joined."""
    instructions: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, value = whole.partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(value.split())))
    return instructions


def dashboard_command(port_placeholder: str = "{port}") -> list[str]:
    """deploy/Dockerfile's CMD as it can run here: this environment's ``mbc-navigator``, on
    127.0.0.1 and the port given (the container listens on every address of its own network)."""
    (cmd,) = [i for i in dockerfile_instructions(DOCKERFILE.read_text()) if i.keyword == "CMD"]
    program, *arguments = cmd.exec_form()
    local = str(Path(sys.executable).with_name(program))
    changed = {
        f"--server.port={CONTAINER_PORT}": f"--server.port={port_placeholder}",
        "--server.address=0.0.0.0": "--server.address=127.0.0.1",
    }
    return [local, *(changed.get(argument, argument) for argument in arguments)]


def compose_file() -> dict[str, Any]:
    """deploy/compose.yaml as data (YAML anchors and merge keys resolved)."""
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    if not isinstance(loaded, dict):
        raise ValueError("deploy/compose.yaml is not a mapping")
    return loaded


def haproxy_path() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )


def proxy_problem() -> str | None:
    """Why the deployment's proxy cannot run here, or None when it can."""
    if haproxy_path() is None:
        return "HAProxy is not installed (Debian package 'haproxy')"
    return None


def local_config(text: str, backend_ports: Sequence[int], port: int) -> str:
    """The deployment's configuration listening on 127.0.0.1:``port``, in front of local ports.

    Raises ValueError when an address to change is not found exactly once, so a change to the
    deployment's file cannot leave this copy quietly different from it.
    """
    if len(backend_ports) != len(DASHBOARD_HOSTS):
        raise ValueError(f"need {len(DASHBOARD_HOSTS)} dashboard ports, got {len(backend_ports)}")
    changes = [(rf"(?m)^(\s*bind\s+):{PROXY_PORT}\b", rf"\g<1>127.0.0.1:{port}")]
    for host, backend in zip(DASHBOARD_HOSTS, backend_ports, strict=True):
        changes.append((rf"\b{re.escape(host)}:{CONTAINER_PORT}\b", f"127.0.0.1:{backend}"))
    for pattern, replacement in changes:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise ValueError(f"{pattern!r} found {count} times in the proxy configuration, not once")
    return text


@dataclass(frozen=True)
class Proxy:
    """A running HAProxy and where to reach it."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_proxy(backend_ports: Sequence[int], work_dir: Path) -> Iterator[Proxy]:
    """HAProxy with the deployment's configuration in front of ``backend_ports``, until exit."""
    haproxy = haproxy_path()
    if haproxy is None:
        raise RuntimeError(proxy_problem())
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = work_dir / "haproxy.cfg"
    config.write_text(local_config(HAPROXY_CONFIG.read_text(), backend_ports, port))
    log_path = work_dir / "haproxy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    proxy = Proxy(process, port, log_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _answers(proxy.url + "/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("HAProxy did not start:\n" + "\n".join(proxy.log_lines()[-20:]))
            time.sleep(0.2)
        yield proxy
    finally:
        stop_process_group(process)
