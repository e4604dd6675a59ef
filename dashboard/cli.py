"""The ``mbc-navigator`` command: starts the dashboard, or prints the same results in a terminal.

It only parses arguments, calls ``matchers`` and ``data`` exactly as the pages do, and prints.
Bad arguments give one line on standard error and exit status 2 (the usual Unix usage-error code).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from dashboard.cli_errors import PROFILE_OPTIONS, CommandFailed, UsageError
from matchers.profile import (
    BIOMARKERS,
    BRAIN_METS_STATUSES,
    ECOG_VALUES,
    HORMONE_RECEPTOR_VALUES,
    MENOPAUSAL_STATUSES,
    PRIOR_THERAPIES,
    SEXES,
    SITES,
    SUBTYPES,
)

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are a single line (no usage dump) so scripts and people read them."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _choices(values: Sequence[object]) -> str:
    return ", ".join(str(v) for v in values)


def _add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """The profile's options; their help lists the vocabulary's values, so it never falls behind."""
    parser.add_argument("--subtype", required=True, help=_choices(SUBTYPES))
    parser.add_argument(
        "--hormone-receptor", help=f"{' or '.join(HORMONE_RECEPTOR_VALUES)} (HER2-positive only)"
    )
    parser.add_argument("--sites", required=True, help=f"comma-separated: {_choices(SITES)}")
    parser.add_argument("--brain-mets", help=_choices(BRAIN_METS_STATUSES))
    parser.add_argument("--age")
    parser.add_argument("--sex", help=_choices(SEXES))
    parser.add_argument("--menopausal-status", help=_choices(MENOPAUSAL_STATUSES))
    parser.add_argument("--ecog", help=f"{min(ECOG_VALUES)}-{max(ECOG_VALUES)}")
    parser.add_argument("--biomarkers", help=f"comma-separated: {_choices(BIOMARKERS)}")
    parser.add_argument("--prior-therapies", help=f"comma-separated: {_choices(PRIOR_THERAPIES)}")
    parser.add_argument("--lines", help="number of prior lines for metastatic disease")
    parser.add_argument("--zip", help="5-digit US ZIP code")
    parser.add_argument("--miles", help="travel distance in miles (with --zip)")


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="mbc-navigator",
        description="MBC Navigator: with no command, starts the dashboard in your browser.",
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    therapies = commands.add_parser("therapies", help="standard therapies, symptoms and care path")
    _add_profile_arguments(therapies)
    therapies.add_argument("--json", action="store_true", help="print JSON instead of text")

    symptoms = commands.add_parser(
        "symptoms", help="when to get help (most urgent first) and the symptoms to watch"
    )
    _add_profile_arguments(symptoms)
    symptoms.add_argument("--json", action="store_true", help="print JSON instead of text")

    trials = commands.add_parser("trials", help="rank clinical trials for a patient")
    _add_profile_arguments(trials)
    trials.add_argument("--studies", type=Path, help="match studies from this file instead of the API")
    trials.add_argument("--all-statuses", action="store_true", help="keep studies of every status")
    trials.add_argument(
        "--not-yet-recruiting", action="store_true", help="also keep studies not yet recruiting"
    )
    trials.add_argument("--json", action="store_true", help="one JSON object per line, in rank order")

    packet = commands.add_parser("packet", help="write the appointment packet (PDF, or .md / .csv)")
    _add_profile_arguments(packet)
    packet.add_argument("--trials", help="comma-separated NCT IDs to include as the shortlist")
    packet.add_argument("--studies", type=Path, help="read the trials from this file instead of the API")
    packet.add_argument("--needs", help="comma-separated support needs for the resources section")
    packet.add_argument("--out", type=Path, required=True, help="output file: .pdf, .md or .csv")
    return parser


def _profile_values(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        field: getattr(args, option[2:].replace("-", "_")) for field, option in PROFILE_OPTIONS.items()
    }


def _start_dashboard(extra: Sequence[str]) -> int:
    # dashboard.server runs `streamlit run app.py` and loads what every first page needs beside it.
    command = [
        sys.executable,
        "-m",
        "dashboard.server",
        "--client.showErrorDetails=none",
        "--client.toolbarMode=viewer",
        "--browser.gatherUsageStats=false",
        "--runner.postScriptGC=false",  # see .streamlit/config.toml
        *extra,
    ]
    server = subprocess.Popen(command)
    # A supervisor (systemd, a process manager, `kill`) stops the command it started: pass the
    # signal on, or the server would live on without it, holding the port a restart needs.
    before = {
        stop: signal.signal(stop, lambda signum, _: server.send_signal(signum)) for stop in _STOP_SIGNALS
    }
    try:
        while True:
            try:
                return server.wait()
            except KeyboardInterrupt:  # Ctrl-C reached the server too (one process group)
                continue
    finally:
        for stop, handler in before.items():
            signal.signal(stop, handler)


#: The signals a supervisor stops a program with (SIGHUP: its terminal closed); not on Windows.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0].startswith("--server"):
        return _start_dashboard(arguments)
    from dashboard import cli_commands  # deferred: the dashboard start needs none of it

    try:
        args = _build_parser().parse_args(arguments)
        if args.command is None:
            raise UsageError("choose a command: therapies, symptoms, trials or packet")
        profile_values = _profile_values(args)
        return cli_commands.run(args, profile_values)
    except UsageError as error:
        print(f"mbc-navigator: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except CommandFailed as failure:
        print(f"mbc-navigator: {failure}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) closed the pipe; not an error
        sys.stderr.close()
        return 0


def run() -> None:
    """The console script: run the command, flush what it printed, and leave without the
    interpreter's teardown (freeing every object one by one took longer than matching 1,000
    trials; the operating system frees the memory at once)."""
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader closed the pipe, or stderr was closed
        pass
    os._exit(status)


if __name__ == "__main__":
    run()
