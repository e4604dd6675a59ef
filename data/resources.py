"""The support-resources list: organizations that help people with metastatic breast cancer.

The list lives in ``data/resources/resources.yaml`` and is checked once, when it is loaded, so that a
typo in the file (an unknown need, an ``http://`` link, a date in the future) stops the app with a
message naming the file and the entry instead of showing a wrong phone number to a frightened reader.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml

from data.knowledge import KNOWN_SUBTYPES
from data.vocabulary import load_vocabulary
from data.yaml_files import ID_PATTERN, load_strict

_VOCABULARY = load_vocabulary()

RESOURCES_PATH = Path(__file__).resolve().parent / "resources" / "resources.yaml"

RESOURCE_NEEDS: tuple[str, ...] = (
    "emotional-support",
    "financial-help",
    "trial-navigation",
    "caregiver-support",
    "information",
)
RESOURCE_KINDS: tuple[str, ...] = (
    "helpline",
    "support-group",
    "financial",
    "trial-search",
    "information",
)
ANY = "any"

_REQUIRED_KEYS = (
    "id",
    "name",
    "offers",
    "phone",
    "url",
    "serves",
    "needs",
    "kind",
    "last_checked",
    "checked_source",
)
_OPTIONAL_KEYS = ("named_in",)
_SERVES_REQUIRED = ("countries", "subtypes", "sites")
_SERVES_OPTIONAL = ("biomarkers", "max_age")
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
_PHONE_PATTERN = re.compile(r"^\+?[0-9A-Z][0-9A-Z ()\-]*$")


class ResourceError(ValueError):
    """The resources file is broken; the message names the file, the entry and what is wrong."""

    def __init__(self, path: Path | str, entry: str | None, problem: str) -> None:
        self.path = str(path)
        self.entry = entry
        self.problem = problem
        where = self.path if entry is None else f"{self.path}, {entry}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Resource:
    """One organization, as checked on ``last_checked`` against ``checked_source``.

    ``countries``, ``subtypes``, ``sites`` and ``biomarkers`` are ``None`` when the organization serves
    everyone in that respect ("any" in the file); otherwise they list who it is specifically for.
    ``named_in`` is set when the patient guide this app draws on names the organization.
    ``max_age`` is set for a group only for people diagnosed at that age or younger.
    """

    id: str
    name: str
    offers: str
    phone: str | None
    url: str
    countries: tuple[str, ...] | None
    subtypes: tuple[str, ...] | None
    sites: tuple[str, ...] | None
    biomarkers: tuple[str, ...] | None
    needs: tuple[str, ...]
    kind: str
    last_checked: date
    checked_source: str
    named_in: str | None = None
    max_age: int | None = None

    @property
    def is_general(self) -> bool:
        """True when the organization is not limited to one subtype, site or biomarker."""
        return self.subtypes is None and self.sites is None and self.biomarkers is None

    def serves_country(self, country: str) -> bool:
        return self.countries is None or country.upper() in self.countries


class _Entry:
    """Reads one entry of the file, turning every problem into a ``ResourceError`` that names it."""

    def __init__(self, path: Path, index: int, raw: object) -> None:
        self.path = path
        self.label = f"entry {index}"
        if not isinstance(raw, Mapping):
            self.fail(f"must be a mapping of keys to values, not {type(raw).__name__}")
        self.raw: Mapping[str, Any] = raw
        entry_id = raw.get("id")
        if isinstance(entry_id, str) and entry_id:
            self.label = f"entry {index} (id {entry_id!r})"

    def fail(self, problem: str) -> NoReturn:
        raise ResourceError(self.path, self.label, problem)

    def check_keys(
        self,
        mapping: Mapping[str, Any],
        required: tuple[str, ...],
        optional: tuple[str, ...],
        prefix: str,
    ) -> None:
        missing = [k for k in required if k not in mapping]
        if missing:
            self.fail("missing key " + ", ".join(prefix + k for k in missing))
        unknown = sorted(str(k) for k in mapping if k not in required and k not in optional)
        if unknown:
            self.fail("unknown key " + ", ".join(prefix + k for k in unknown))

    def text(self, key: str) -> str:
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be non-empty text")
        return " ".join(str(value).split())

    def phone(self) -> str | None:
        value = self.raw["phone"]
        if value is None:
            return None
        if not isinstance(value, str) or not _PHONE_PATTERN.match(value.strip()):
            self.fail(f"phone {value!r} must be null or a phone number such as 1-800-422-6237")
        digits = sum(ch.isdigit() for ch in str(value))
        if digits < 7:
            self.fail(f"phone {value!r} has too few digits")
        return str(value).strip()

    def url(self) -> str:
        value = self.text("url")
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or " " in value:
            self.fail(f"url {value!r} must be a full https:// address")
        return value

    def choices(
        self, mapping: Mapping[str, Any], key: str, allowed: tuple[str, ...], *, label: str
    ) -> tuple[str, ...] | None:
        """A list drawn from ``allowed`` or the word "any" (returned as ``None``)."""
        value = mapping.get(key, ANY)
        if value == ANY:
            return None
        if not isinstance(value, list) or not value:
            self.fail(f"{label} must be {ANY!r} or a non-empty list")
        values = [str(v) for v in value]
        for item in values:
            if item not in allowed:
                self.fail(f"{label} has unknown value {item!r}; expected one of " + ", ".join(allowed))
        if len(set(values)) != len(values):
            self.fail(f"{label} lists a value twice")
        return tuple(values)

    def countries(self, serves: Mapping[str, Any]) -> tuple[str, ...] | None:
        value = serves["countries"]
        if value == ANY:
            return None
        if not isinstance(value, list) or not value:
            self.fail(f"serves.countries must be {ANY!r} or a non-empty list of ISO codes")
        codes = [str(v) for v in value]
        for code in codes:
            if not _COUNTRY_PATTERN.match(code):
                self.fail(
                    f"serves.countries has {code!r}; expected two-letter ISO codes such as US, GB, CA"
                )
        return tuple(codes)

    def checked_date(self, today: date) -> date:
        value = self.raw["last_checked"]
        if isinstance(value, date) and not isinstance(value, datetime):
            checked = value
        elif isinstance(value, str):
            try:
                checked = date.fromisoformat(value.strip())
            except ValueError:
                self.fail(f"last_checked {value!r} must be an ISO date such as 2024-05-15")
        else:
            self.fail(f"last_checked {value!r} must be an ISO date such as 2024-05-15")
        if checked > today:
            self.fail(f"last_checked {checked.isoformat()} is in the future")
        return checked

    def build(self, today: date) -> Resource:
        self.check_keys(self.raw, _REQUIRED_KEYS, _OPTIONAL_KEYS, "")
        resource_id = self.raw["id"]
        if not isinstance(resource_id, str) or not ID_PATTERN.match(resource_id):
            self.fail(f"id {resource_id!r} must be lower-case words joined by hyphens")
        serves = self.raw["serves"]
        if not isinstance(serves, Mapping):
            self.fail("serves must be a mapping with countries, subtypes and sites")
        self.check_keys(serves, _SERVES_REQUIRED, _SERVES_OPTIONAL, "serves.")
        if serves["subtypes"] is None or serves["sites"] is None:
            self.fail(f"serves.subtypes and serves.sites must be {ANY!r} or a list")
        needs = self.choices(self.raw, "needs", RESOURCE_NEEDS, label="needs")
        if needs is None:
            self.fail("needs must list what the organization helps with, not 'any'")
        kind = self.raw["kind"]
        if kind not in RESOURCE_KINDS:
            self.fail(f"kind {kind!r} is unknown; expected one of " + ", ".join(RESOURCE_KINDS))
        max_age = serves.get("max_age")
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 18
        ):
            self.fail(f"serves.max_age {max_age!r} must be a whole number of years, 18 or more")
        named_in = self.raw.get("named_in")
        if named_in is not None and (not isinstance(named_in, str) or not named_in.strip()):
            self.fail("named_in must be text or absent")
        return Resource(
            id=resource_id,
            name=self.text("name"),
            offers=self.text("offers"),
            phone=self.phone(),
            url=self.url(),
            countries=self.countries(serves),
            subtypes=self.choices(serves, "subtypes", KNOWN_SUBTYPES, label="serves.subtypes"),
            sites=self.choices(serves, "sites", _VOCABULARY.site_ids, label="serves.sites"),
            biomarkers=self.choices(
                serves, "biomarkers", _VOCABULARY.biomarker_ids, label="serves.biomarkers"
            ),
            needs=needs or (),
            kind=str(kind),
            last_checked=self.checked_date(today),
            checked_source=self.text("checked_source"),
            named_in=None if named_in is None else " ".join(named_in.split()),
            max_age=max_age,
        )


def load_resources(path: Path | str | None = None, *, today: date | None = None) -> tuple[Resource, ...]:
    """Load and validate the resources file, in file order.

    Args:
        path: the YAML file; the shipped ``data/resources/resources.yaml`` when omitted.
        today: the date a ``last_checked`` may not exceed; the real date when omitted (a parameter
            so that tests do not depend on the clock).

    Returns:
        The resources as frozen records.

    Raises:
        ResourceError: the file is missing, is not YAML, or an entry is wrong; the message names the
            file and the entry.
    """
    if path is None and today is None:
        return _load_shipped(date.today())
    return _load(Path(path) if path is not None else RESOURCES_PATH, today or date.today())


@functools.lru_cache(maxsize=1)
def _load_shipped(today: date) -> tuple[Resource, ...]:
    """The shipped file, read and checked once a day rather than on every page rerun."""
    return _load(RESOURCES_PATH, today)


def _load(file: Path, limit: date) -> tuple[Resource, ...]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(file, None, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        document = load_strict(text)
    except yaml.YAMLError as exc:
        raise ResourceError(file, None, f"is not valid YAML ({exc})") from exc
    if not isinstance(document, Mapping) or not isinstance(document.get("resources"), list):
        raise ResourceError(file, None, "must have a top-level 'resources:' list")
    resources: list[Resource] = []
    seen: set[str] = set()
    for index, raw in enumerate(document["resources"], start=1):
        entry = _Entry(file, index, raw)
        resource = entry.build(limit)
        if resource.id in seen:
            entry.fail(f"id {resource.id!r} is used by an earlier entry")
        seen.add(resource.id)
        resources.append(resource)
    if not resources:
        raise ResourceError(file, None, "lists no resources")
    return tuple(resources)
