"""Study records decoded straight from JSON bytes into typed records, then into :class:`Study`.

Why: ``json.loads`` builds a dict or list for every object of a record (a whole record holds
hundreds of fields the app never reads) and :meth:`Study.from_api` then walks that tree again. The
structs below name only what ``Study.from_api`` reads; msgspec skips everything else while parsing,
so no dict tree is built or held, and a page of studies costs a fraction of the time and memory.

Nothing changes in what comes out. The typed layout is strict (text is text, a list is a list, an
object is an object); a record that does not fit it exactly (a number where text belongs, a
``null``, ``locations: 1``) takes the old path instead: parsed as plain JSON, checked by
:func:`data.ctgov_checks.study_problem` and normalized by :meth:`Study.from_api`. So every record
gives the same :class:`Study`, or is left out and counted, exactly as before; and an answer or file
that is not plain UTF-8 JSON of the expected shape raises :class:`DecodeFailed`, for the caller's
old path to read or refuse in its usual words.

Repeated short values (statuses, places, roles, phases, sponsors) are interned: a thousand sites
in "United States" then share one string, which is most of a site record's memory.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import UNSET, Raw, UnsetType

from data.ctgov_checks import JsonProblem, parse_json, study_problem
from data.models import Contact, Intervention, Site, Study, age_in_years

__all__ = [
    "DecodeFailed",
    "Outcome",
    "PageRecords",
    "decode_document",
    "decode_page",
    "decode_study",
    "studies_in",
    "study_from_plain",
    "study_from_raw",
    "typed_readable",
]

_intern = sys.intern
_NOT_PLAIN = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
"""What msgspec raises for text that is not JSON, does not fit the layout, or nests too deeply."""
_JSON_SPACE = frozenset(b" \t\n\r")
_UTF8_PIECE = 64 * 1024
_utf8_decoder = codecs.getincrementaldecoder("utf-8")
_DIGIT_MASK = bytes(0x31 if 0x30 <= byte <= 0x39 else 0x30 for byte in range(256))
"""Maps each digit to "1" and every other byte to "0"."""


class _Struct(msgspec.Struct, rename="camel", frozen=True, gc=False):
    """The base of every typed record: JSON names in camelCase, never part of a reference cycle."""


class _Contact(_Struct, frozen=True):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None


class _GeoPoint(_Struct, frozen=True):
    lat: float | None = None
    lon: float | None = None


class _Location(_Struct, frozen=True):
    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    geo_point: _GeoPoint = _GeoPoint()
    contacts: list[_Contact] = []


class _Identification(_Struct, frozen=True):
    nct_id: str | None = None
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None


class _Date(_Struct, frozen=True):
    date: str | None = None


class _Status(_Struct, frozen=True):
    overall_status: str | None = None
    last_update_post_date_struct: _Date = _Date()
    study_first_post_date_struct: _Date = _Date()


class _Masking(_Struct, frozen=True):
    masking: str | None = None


class _DesignInfo(_Struct, frozen=True):
    primary_purpose: str | None = None
    allocation: str | None = None
    masking_info: _Masking = _Masking()
    observational_model: str | None = None
    time_perspective: str | None = None


class _Design(_Struct, frozen=True):
    phases: list[str | None] = []
    study_type: str | None = None
    design_info: _DesignInfo = _DesignInfo()
    patient_registry: bool | None = None


class _Conditions(_Struct, frozen=True):
    conditions: list[str | None] = []
    keywords: list[str | None] = []


class _Arm(_Struct, frozen=True):
    type: str | None = None


class _Intervention(_Struct, frozen=True):
    name: str | None = None
    type: str | None = None
    description: str | None = None
    other_names: list[str | None] = []


class _Arms(_Struct, frozen=True):
    arm_groups: list[_Arm] = []
    interventions: list[_Intervention] = []


class _Description(_Struct, frozen=True):
    brief_summary: str | None = None
    detailed_description: str | None = None


class _Eligibility(_Struct, frozen=True):
    eligibility_criteria: str | None = None
    healthy_volunteers: bool | None = None
    sex: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None


class _ContactsLocations(_Struct, frozen=True):
    central_contacts: list[_Contact] = []
    locations: list[_Location] = []


class _Sponsor(_Struct, frozen=True):
    name: str | None = None
    sponsor_class: str | None = msgspec.field(default=None, name="class")


class _Sponsors(_Struct, frozen=True):
    lead_sponsor: _Sponsor = _Sponsor()


class _Protocol(_Struct, frozen=True):
    identification_module: _Identification = _Identification()
    status_module: _Status = _Status()
    design_module: _Design = _Design()
    conditions_module: _Conditions = _Conditions()
    arms_interventions_module: _Arms = _Arms()
    description_module: _Description = _Description()
    eligibility_module: _Eligibility = _Eligibility()
    contacts_locations_module: _ContactsLocations = _ContactsLocations()
    sponsor_collaborators_module: _Sponsors = _Sponsors()


class _MiscInfo(_Struct, frozen=True):
    version_holder: str | None = None


class _Derived(_Struct, frozen=True):
    misc_info_module: _MiscInfo = _MiscInfo()


class _Record(_Struct, frozen=True):
    """One study object; ``studies`` is only there to tell a search page from a study."""

    protocol_section: _Protocol | UnsetType = UNSET
    derived_section: _Derived | UnsetType = UNSET
    studies: Raw = msgspec.field(default_factory=Raw)


class _Page(_Struct, frozen=True):
    """A search page whose every record fits the layout (the common case: one pass)."""

    studies: list[_Record]
    total_count: int | None = None
    next_page_token: str | None = None


class _RawPage(_Struct, frozen=True):
    """A search page whose records are kept as raw JSON, each read (or left out) on its own."""

    studies: list[Raw]
    total_count: int | None = None
    next_page_token: str | None = None


_RECORD = msgspec.json.Decoder(_Record)
_PAGE = msgspec.json.Decoder(_Page)
_RAW_PAGE = msgspec.json.Decoder(_RawPage)
_RAW_LIST = msgspec.json.Decoder(list[Raw])
_EMPTY_PROTOCOL = _Protocol()
_EMPTY_DERIVED = _Derived()


class DecodeFailed(Exception):
    """The typed path cannot decide about this text; the caller's plain-JSON path must."""


# -- building the app's records -----------------------------------------------------------------


def _text(value: str | None) -> str | None:
    """:func:`data.models._text` for the typed path, where a value is already text or None."""
    if value is None:
        return None
    return value.strip() or None


def _short(value: str | None) -> str | None:
    """A value that repeats across records (a status, a country): one shared string for all."""
    if value is None:
        return None
    value = value.strip()
    return _intern(value) if value else None


def _shorts(values: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(t for t in (_short(v) for v in values) if t)


def _contacts(raw: Sequence[_Contact]) -> tuple[Contact, ...]:
    if not raw:
        return ()
    found = []
    for c in raw:
        name, phone, email = _text(c.name), _text(c.phone), _text(c.email)
        if name or phone or email:
            found.append(Contact(name, _short(c.role), phone, _text(c.phone_ext), email))
    return tuple(found)


def _site(raw: _Location) -> Site:
    """A site, its short values shared (``_short`` written out: sites are most of the records)."""
    lat, lon = raw.geo_point.lat, raw.geo_point.lon
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    facility, status, city, state, zip_code, country = (
        raw.facility,
        raw.status,
        raw.city,
        raw.state,
        raw.zip,
        raw.country,
    )
    return Site(
        (facility and _intern(facility.strip())) or None,
        (status and _intern(status.strip())) or None,
        (city and _intern(city.strip())) or None,
        (state and _intern(state.strip())) or None,
        (zip_code and _intern(zip_code.strip())) or None,
        (country and _intern(country.strip())) or None,
        lat,
        lon,
        _contacts(raw.contacts) if raw.contacts else (),
    )


def _interventions(raw: Sequence[_Intervention]) -> tuple[Intervention, ...]:
    found = []
    for item in raw:
        name = _text(item.name)
        if name:
            found.append(
                Intervention(name, _short(item.type), _text(item.description), _shorts(item.other_names))
            )
    return tuple(found)


def _study(record: _Record) -> Study:
    """The same :class:`Study` as :meth:`Study.from_api` gives for this record's JSON."""
    protocol = record.protocol_section or _EMPTY_PROTOCOL
    derived = record.derived_section or _EMPTY_DERIVED
    ident = protocol.identification_module
    status = protocol.status_module
    design = protocol.design_module
    info = design.design_info
    arms = protocol.arms_interventions_module
    eligibility = protocol.eligibility_module
    places = protocol.contacts_locations_module
    sponsor = protocol.sponsor_collaborators_module.lead_sponsor
    minimum_age, maximum_age = _short(eligibility.minimum_age), _short(eligibility.maximum_age)
    return Study(
        nct_id=(_text(ident.nct_id) or "").upper(),
        brief_title=_text(ident.brief_title),
        official_title=_text(ident.official_title),
        acronym=_text(ident.acronym),
        overall_status=_short(status.overall_status),
        phases=_shorts(design.phases),
        study_type=_short(design.study_type),
        primary_purpose=_short(info.primary_purpose),
        allocation=_short(info.allocation),
        masking=_short(info.masking_info.masking),
        observational_model=_short(info.observational_model),
        time_perspective=_short(info.time_perspective),
        patient_registry=design.patient_registry,
        arm_types=_shorts([a.type for a in arms.arm_groups]),
        conditions=_shorts(protocol.conditions_module.conditions),
        keywords=_shorts(protocol.conditions_module.keywords),
        interventions=_interventions(arms.interventions),
        brief_summary=_text(protocol.description_module.brief_summary),
        detailed_description=_text(protocol.description_module.detailed_description),
        eligibility_criteria=_text(eligibility.eligibility_criteria),
        sex=_short(eligibility.sex),
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        min_age_years=age_in_years(minimum_age),
        max_age_years=age_in_years(maximum_age),
        healthy_volunteers=eligibility.healthy_volunteers,
        sites=tuple([_site(x) for x in places.locations]),
        central_contacts=_contacts(places.central_contacts),
        lead_sponsor=_short(sponsor.name),
        sponsor_class=_short(sponsor.sponsor_class),
        last_update=_short(status.last_update_post_date_struct.date),
        first_posted=_short(status.study_first_post_date_struct.date),
        version_holder=_short(derived.misc_info_module.version_holder),
    )


# -- one record, a page, a single study, a file's document --------------------------------------

Outcome = tuple[Study | None, str | None]
"""A record's :class:`Study`, or ``None`` and why it was left out (a JSON path, or "no NCT ID")."""


def _checked(study: Study) -> Outcome:
    return (study, None) if study.nct_id else (None, "no NCT ID")


def study_from_plain(data: Any) -> Outcome:
    """The old path, for one record already parsed as plain JSON: the checks, then ``from_api``."""
    problem = study_problem(data)
    if problem is not None:
        return None, problem
    return _checked(Study.from_api(data))


def study_from_raw(raw: Raw | bytes | memoryview) -> Outcome:
    """One record given as JSON bytes: the typed path, else the old one.

    Raises:
        data.ctgov_checks.JsonProblem: the record is not JSON that can be read (nested too deeply,
            a number too long), so the whole answer or file is refused, as before.
    """
    try:
        return _checked(_study(_RECORD.decode(raw)))
    except _NOT_PLAIN:
        return study_from_plain(parse_json(bytes(raw)))


def _typed_outcome(record: _Record) -> Outcome:
    return _checked(_study(record))


def _valid_utf8(body: bytes | memoryview) -> bool:
    """Whether the whole body is UTF-8, checked a piece at a time (nothing large is kept)."""
    if isinstance(body, bytes) and body.isascii():
        return True
    view = memoryview(body)
    decoder = _utf8_decoder()
    try:
        for start in range(0, len(view), _UTF8_PIECE):
            decoder.decode(view[start : start + _UTF8_PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _may_hold_a_huge_integer(body: bytes) -> bool:
    """Whether the body may hold an integer too long for plain JSON to convert (4,300 digits).

    Sampled every ``stride`` bytes, so it costs microseconds: a run of ``2 * stride + 1`` digits
    covers two neighbouring samples, and only those candidates are looked at in full. Any run of
    more than about half the limit counts (real records have none), and the old path decides.
    """
    limit = sys.get_int_max_str_digits()
    if not limit:
        return False
    stride = max(1, (limit - 1) // 2)
    sample = body[::stride].translate(_DIGIT_MASK)
    at = sample.find(b"11")
    while at >= 0:
        if body[at * stride : (at + 1) * stride + 1].isdigit():
            return True
        at = sample.find(b"11", at + 1)
    return False


def typed_readable(body: bytes) -> bool:
    """Whether the typed path may read these bytes: UTF-8 throughout, no integer too long.

    msgspec checks only the text and numbers it decodes; plain JSON refused bad bytes and overlong
    integers anywhere, so an answer or file holding them goes the old way and is refused as before.
    """
    return _valid_utf8(body) and not _may_hold_a_huge_integer(body)


@dataclass(frozen=True, slots=True)
class PageRecords:
    """A search page's records, not yet read, with the page's own count and token (unchecked).

    The records are read by :meth:`outcomes` once the caller has checked the page's shape, so an
    answer of 100,000 records is refused before any of them is built.
    """

    records: Sequence[Any]
    read: Callable[[Any], Outcome]
    total: Any = None
    token: Any = None

    def outcomes(self) -> list[Outcome]:
        """Each record's study or reason, in order.

        Raises:
            data.ctgov_checks.JsonProblem: as :func:`study_from_raw`.
        """
        read = self.read
        return [read(record) for record in self.records]


def decode_page(body: bytes) -> PageRecords:
    """A search page ``{"studies": [...], "totalCount": n, "nextPageToken": "..."}`` from bytes.

    Raises:
        DecodeFailed: the body is not such a page in plain UTF-8 JSON (the caller's old path then
            refuses it in its usual words, or reads what the typed path does not, such as UTF-16).
    """
    if not typed_readable(body):
        raise DecodeFailed("not for the typed path")
    try:
        page = _PAGE.decode(body)
        return PageRecords(page.studies, _typed_outcome, page.total_count, page.next_page_token)
    except msgspec.ValidationError:
        pass  # a record that does not fit, or a page of another shape: each record on its own
    except _NOT_PLAIN as exc:
        raise DecodeFailed from exc
    try:
        raw = _RAW_PAGE.decode(body)
    except _NOT_PLAIN as exc:
        raise DecodeFailed from exc
    return PageRecords(raw.studies, study_from_raw, raw.total_count, raw.next_page_token)


def decode_study(body: bytes) -> Outcome:
    """One study object (the answer to ``GET /studies/{id}``) from bytes.

    Raises:
        DecodeFailed: the body is not one study object in plain UTF-8 JSON.
        data.ctgov_checks.JsonProblem: as :func:`study_from_raw`.
    """
    if not typed_readable(body):
        raise DecodeFailed("not for the typed path")
    try:
        record = _RECORD.decode(body)
    except msgspec.ValidationError:
        if _first_byte(body) != b"{":
            raise DecodeFailed("not an object") from None
        return study_from_raw(body)  # an object with a field of another type: the old path
    except _NOT_PLAIN as exc:
        raise DecodeFailed from exc
    if record.studies or (record.protocol_section is UNSET and record.derived_section is UNSET):
        raise DecodeFailed("not a study object")
    return _checked(_study(record))


def studies_in(value: Any) -> list[dict[str, Any]] | None:
    """The study objects a parsed file document holds, or ``None`` when it is no known shape.

    A search page's items that are not objects are dropped; a list must hold only objects.
    """
    if isinstance(value, dict):
        studies = value.get("studies")
        if isinstance(studies, list):
            return [s for s in studies if isinstance(s, dict)]
        if "protocolSection" in value or "derivedSection" in value:
            return [value]
        return None
    if isinstance(value, list):
        if value and not all(isinstance(item, dict) for item in value):
            return None
        return list(value)
    return None


def _plain_document(body: bytes | memoryview) -> list[Outcome]:
    """The old path for one document of a file (the whole file, or one line of JSON Lines)."""
    try:
        found = studies_in(parse_json(bytes(body)))
    except JsonProblem as exc:
        raise DecodeFailed from exc
    if found is None:
        raise DecodeFailed("not study records")
    return [study_from_plain(record) for record in found]


def _raw_records(raw: Raw | bytes | memoryview, *, objects_only: bool) -> list[Outcome]:
    """The records of a JSON array: non-objects dropped (a page) or refused (a list of studies)."""
    items = _RAW_LIST.decode(raw)
    objects = [item for item in items if _first_byte(item) == b"{"]
    if objects_only and len(objects) != len(items):
        raise DecodeFailed("not every item is an object")
    try:
        return [study_from_raw(item) for item in objects]
    except JsonProblem as exc:
        raise DecodeFailed from exc


def decode_document(body: bytes | memoryview) -> list[Outcome]:
    """Every record of one document of a study file, read as :func:`studies_in` reads it.

    The document is a search page, one study, or a list of studies (the caller has checked them with
    :func:`typed_readable` and dropped a byte order mark).

    Raises:
        DecodeFailed: the document is not plain JSON of those shapes; the file's old path decides.
    """
    try:
        if _first_byte(body) == b"[":
            return _raw_records(body, objects_only=True)
        record = _RECORD.decode(body)
        if record.studies:
            return _raw_records(record.studies, objects_only=False)
    except msgspec.ValidationError:
        return _plain_document(body)  # a field of another type, or "studies" that is no list
    except _NOT_PLAIN as exc:
        raise DecodeFailed from exc
    if record.protocol_section is UNSET and record.derived_section is UNSET:
        raise DecodeFailed("not a study object")
    return [_checked(_study(record))]


def _first_byte(body: Raw | bytes | memoryview) -> bytes:
    view = memoryview(body)
    start = 0
    while start < len(view) and view[start] in _JSON_SPACE:
        start += 1
    return bytes(view[start : start + 1])
