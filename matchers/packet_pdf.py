"""Render the appointment packet as a PDF a tired reader can print: large type, plain text, real links.

The text is written as plain text (fpdf2's markdown mode stays off), so nothing inside a trial record
can change the layout or hide a link. DejaVu Sans is used when the machine has it, because it covers
most alphabets; otherwise the built-in Helvetica is used and the text is folded to Latin-1, so the
packet can always be made, even on a machine without fonts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from matchers.citation import Citation
from matchers.currency import SINCE_TITLE, before_guide_line
from matchers.packet import (
    NEWER_INTRO,
    NO_TRIALS_HOW,
    NO_TRIALS_TEXT,
    NOTES_PROMPT,
    SECTION_ABOUT,
    SECTION_NEWER,
    SECTION_NOTES,
    SECTION_PROFILE,
    SECTION_QUESTIONS,
    SECTION_RESOURCES,
    SECTION_SOURCES,
    SECTION_SYMPTOMS,
    SECTION_TESTS,
    SECTION_THERAPY,
    SECTION_TRIALS,
    SECTION_TRIALS_EXPLAINED,
    SECTION_URGENCY,
    SHORT_DISCLAIMER,
    SITE_LABEL,
    Packet,
    PacketTrial,
    guide_source_label,
    guide_written_line,
    safe_url,
    trial_facts,
)
from matchers.public_sources import PublicCitation
from matchers.selection import GuidanceNote, TherapyCard

#: Where DejaVu Sans (regular, bold) is looked for, in order: Debian/Ubuntu, Fedora, Arch, BSD, macOS.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (
        "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/local/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/Library/Fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"),
)
PAGE_FORMATS: tuple[str, ...] = ("A4", "Letter")

#: Type sizes in points. Body text of 12 pt with 1.5 line spacing reads comfortably on paper.
BODY_PT = 12
SMALL_PT = 11
FOOTER_PT = 9.5
HEADING_PT = {1: 22, 2: 16, 3: 13.5}

_UNICODE_FAMILY = "dejavu"
_CORE_FAMILY = "helvetica"
_MARGIN_MM = 20
_LINE_SPACING = 1.5
_PT_TO_MM = 25.4 / 72
_BULLET_INDENT_MM = 4
_TEXT_INDENT_MM = 9
_PAGES_ALIAS = "{nb}"

_INK = (25, 25, 25)
_HEADING_INK = (20, 55, 110)
_QUIET_INK = (85, 85, 85)
_LINK_INK = (10, 70, 170)
_BOX_FILL = (255, 246, 214)

#: Typography a Latin-1 font lacks, written the way a typewriter would.
_LATIN1_SUBSTITUTES = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2022": "-",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2192": "->",
        "\u2260": "!=",
    }
)


def fold_to_latin1(text: str) -> str:
    """Text the core PDF fonts can show: accents kept where Latin-1 has them, stripped where not
    ('İ' becomes 'I'), and anything left over (Chinese, emoji) becomes '?', so nothing raises."""
    out: list[str] = []
    for ch in text.translate(_LATIN1_SUBSTITUTES):
        if ord(ch) < 256:
            out.append(ch)
            continue
        kept = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c)
        )
        out.append(kept or "?")
    return "".join(out)


def find_unicode_fonts(candidates: Sequence[tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """The first (regular, bold) DejaVu Sans pair present on this machine, or ``None``."""
    for regular, bold in FONT_CANDIDATES if candidates is None else candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


class _PacketPDF(FPDF):
    """FPDF with the packet's footer: the short disclaimer and the page number on every page."""

    footer_family: str = _CORE_FAMILY
    footer_text: str = SHORT_DISCLAIMER

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.footer_family, "", FOOTER_PT)
        self.set_text_color(*_QUIET_INK)
        self.cell(0, 5, f"{self.footer_text}   Page {self.page_no()} of {_PAGES_ALIAS}", align="C")


class _Writer:
    """Writes headings, paragraphs, bullet lists and links with the packet's spacing and fonts."""

    def __init__(self, page_format: str, title: str, created: datetime) -> None:
        pdf = _PacketPDF(orientation="portrait", unit="mm", format=page_format)
        pdf.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
        pdf.set_auto_page_break(auto=True, margin=_MARGIN_MM)
        pdf.alias_nb_pages(_PAGES_ALIAS)
        fonts = find_unicode_fonts()
        if fonts is not None:
            pdf.add_font(_UNICODE_FAMILY, "", fonts[0])
            pdf.add_font(_UNICODE_FAMILY, "B", fonts[1])
            self.family = _UNICODE_FAMILY
            self.bullet = "\u2022"
            covered = _codepoints(pdf, _UNICODE_FAMILY) & _codepoints(pdf, _UNICODE_FAMILY + "B")
            self._fold: Callable[[str], str] = lambda text: _keep_covered(text, covered)
        else:
            self.family = _CORE_FAMILY
            self.bullet = "-"
            self._fold = fold_to_latin1
        pdf.footer_family = self.family
        pdf.footer_text = self.fit(SHORT_DISCLAIMER)
        pdf.set_title(self.fit(title))
        pdf.set_subject(self.fit("Appointment packet: topics, symptoms, trials and help"))
        pdf.set_creator("MBC Navigator")
        pdf.set_lang("en")
        pdf.set_creation_date(created)
        pdf.add_page()
        self.pdf = pdf

    def fit(self, text: str) -> str:
        """Text the current font can show, with the page-count placeholder made harmless."""
        return self._fold(text).replace(_PAGES_ALIAS, "{ nb}")

    def _font(self, size: float, bold: bool = False, ink: tuple[int, int, int] = _INK) -> float:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*ink)
        return size * _PT_TO_MM * _LINE_SPACING

    def _keep(self, needed_mm: float) -> None:
        """Start a new page when less than ``needed_mm`` is left, so a heading never ends a page."""
        if self.pdf.get_y() + needed_mm > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def gap(self, mm: float = 2.5) -> None:
        self.pdf.ln(mm)

    def rule(self) -> None:
        """A thin grey line that separates one trial from the next."""
        self.gap(2)
        self.pdf.set_draw_color(190, 190, 190)
        self.pdf.set_line_width(0.3)
        y = self.pdf.get_y()
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.gap(3)

    def heading(self, text: str, level: int = 2) -> None:
        self._keep({1: 30.0, 2: 40.0, 3: 30.0}[level])
        if level <= 2 and self.pdf.get_y() > self.pdf.t_margin + 1:
            self.gap(4 if level == 2 else 2)
        h = self._font(HEADING_PT[level], bold=True, ink=_HEADING_INK)
        self.pdf.multi_cell(0, h * 0.85, self.fit(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.gap(1.5)

    def paragraph(
        self,
        text: str,
        *,
        label: str | None = None,
        size: float = BODY_PT,
        ink: tuple[int, int, int] = _INK,
    ) -> None:
        """A wrapped paragraph, optionally led by a bold label ('When to call:')."""
        h = self._font(size, ink=ink)
        if label:
            self._font(size, bold=True, ink=ink)
            self.pdf.write(h, self.fit(label + " "))
            self._font(size, ink=ink)
        self.pdf.write(h, self.fit(text))
        self.pdf.ln(h)
        self.gap(1.5)

    def source(self, section: str) -> None:
        self.paragraph(f"Source: {guide_source_label(section)}", size=SMALL_PT, ink=_QUIET_INK)

    def link(self, label: str, url: str) -> None:
        """'Label: https://…' with the address shown (for paper) and clickable (for screens)."""
        h = self._font(BODY_PT, bold=True)
        self.pdf.write(h, self.fit(label + " "))
        target = safe_url(url)
        if target is None:
            self._font(BODY_PT)
            self.pdf.write(h, self.fit(url))
        else:
            self.pdf.set_font(self.family, "U", BODY_PT)
            self.pdf.set_text_color(*_LINK_INK)
            self.pdf.write(h, self.fit(url), link=target)
        self.pdf.ln(h)
        self.gap(1)

    def bullets(self, items: Sequence[str], *, label: str | None = None) -> None:
        """A bullet list with hanging indent; ``label`` is a bold line above it."""
        if not items:
            return
        if label:
            self._keep(20)
            h = self._font(BODY_PT, bold=True)
            self.pdf.write(h, self.fit(label))
            self.pdf.ln(h)
        left = self.pdf.l_margin
        for item in items:
            h = self._font(BODY_PT)
            self._keep(h)
            self.pdf.set_x(left + _BULLET_INDENT_MM)
            self.pdf.write(h, self.bullet)
            self.pdf.set_left_margin(left + _TEXT_INDENT_MM)
            self.pdf.set_x(left + _TEXT_INDENT_MM)
            self.pdf.write(h, self.fit(item))
            self.pdf.ln(h)
            self.pdf.set_left_margin(left)
        self.gap(1.5)

    def numbered(self, number: int, text: str, note: str) -> None:
        """A numbered question with where it comes from underneath, both on the hanging indent."""
        left = self.pdf.l_margin
        h = self._font(BODY_PT, bold=True)
        self._keep(2 * h)
        self.pdf.write(h, f"{number}.")
        self.pdf.set_left_margin(left + _TEXT_INDENT_MM)
        self.pdf.set_x(left + _TEXT_INDENT_MM)
        self._font(BODY_PT)
        self.pdf.write(h, self.fit(text))
        self.pdf.ln(h)
        h = self._font(SMALL_PT, ink=_QUIET_INK)
        self.pdf.write(h, self.fit(note))
        self.pdf.ln(h)
        self.pdf.set_left_margin(left)
        self.gap(1.5)

    def boxed(self, text: str) -> None:
        """The disclaimer, framed and tinted so it is the first thing a reader sees."""
        h = self._font(BODY_PT, bold=True)
        self.pdf.set_fill_color(*_BOX_FILL)
        self.pdf.set_draw_color(200, 170, 80)
        self.pdf.multi_cell(
            0,
            h,
            self.fit(text),
            border=1,
            fill=True,
            align="L",
            padding=3,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.gap(3)

    def notes_page(self) -> None:
        """A page of its own with ruled lines, to write on during the appointment."""
        self.pdf.add_page()
        self.heading(SECTION_NOTES)
        self.paragraph(NOTES_PROMPT)
        self.gap(4)
        self.pdf.set_draw_color(170, 170, 170)
        self.pdf.set_line_width(0.25)
        left, right = self.pdf.l_margin, self.pdf.w - self.pdf.r_margin
        y = self.pdf.get_y() + 9
        while y < self.pdf.page_break_trigger - 2:
            self.pdf.line(left, y, right, y)
            y += 10

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _codepoints(pdf: FPDF, font_key: str) -> set[int]:
    font = pdf.fonts[font_key]
    return set(font.cmap) if isinstance(font, TTFFont) else set(range(256))


def _keep_covered(text: str, covered: set[int]) -> str:
    """Replace characters the font has no glyph for with '?', so a missing glyph shows as a mark
    instead of silently vanishing."""
    return "".join(ch if ord(ch) in covered or ch in "\n\t" else "?" for ch in text)


def _note(w: _Writer, note: GuidanceNote) -> None:
    w.paragraph(note.text, label=f"{note.title}:")
    w.bullets(note.items)
    w.source(note.source.section)


def _source(w: _Writer, source: Citation | PublicCitation) -> None:
    """A guide section, or a public page: its name and date, its address (a link) and check date."""
    if isinstance(source, Citation):
        w.source(source.section)
        return
    w.paragraph(f"Source: {source}. {source.checked_line}", size=SMALL_PT, ink=_QUIET_INK)
    w.link("Address:", source.url)


def _urgency(w: _Writer, p: Packet) -> None:
    w.heading(SECTION_URGENCY)
    for group in p.urgency:
        if not group.signs:
            continue
        w.heading(group.title, level=3)
        w.paragraph(group.text)
        for sign in group.signs:
            w.bullets([sign.text])
            _source(w, sign.source)


def _topic(w: _Writer, topic: TherapyCard, written: str) -> None:
    w.heading(topic.title, level=3)
    w.paragraph(written, size=SMALL_PT, ink=_QUIET_INK)
    w.paragraph(topic.summary)
    w.bullets(topic.why, label="Why this is shown")
    w.source(topic.source.section)
    for change in topic.since:
        w.paragraph(change.text, label=f"{SINCE_TITLE} ({change.date_label}):")
        for src in change.sources:
            _source(w, src)


def _newer(w: _Writer, p: Packet) -> None:
    if not p.newer_approvals and p.research_note is None:
        return
    w.heading(SECTION_NEWER)
    w.paragraph(NEWER_INTRO)
    for approval in p.newer_approvals:
        w.heading(approval.medicine, level=3)
        w.paragraph(approval.text)
        if approval.before_guide:
            w.paragraph(before_guide_line(approval))
        for step in approval.steps:
            w.paragraph(step.what, label=f"{step.date_label}:")
            _source(w, step.source)
        w.bullets(approval.why, label="Why this is shown")
        w.paragraph(approval.ask, label="Ask:")
    if p.research_note is not None:
        _note(w, p.research_note)


def _notes(w: _Writer, heading: str, notes: Sequence[GuidanceNote], level: int = 2) -> None:
    if notes:
        w.heading(heading, level=level)
        for note in notes:
            _note(w, note)


def _trials_explained(w: _Writer, p: Packet) -> None:
    _notes(w, SECTION_TRIALS_EXPLAINED, p.trials_explained, level=3)
    if p.trial_words:
        w.bullets(
            [f"{word.term}: {word.text} (Source: {word.source_text})" for word in p.trial_words],
            label="Words on trial pages",
        )


def _trial(w: _Writer, trial: PacketTrial) -> None:
    w.heading(f"{trial.nct_id}: {trial.title}", level=3)
    w.paragraph(trial.verdict_label, label="What we found:")
    if facts := trial_facts(trial):
        w.paragraph(facts, label="Status:")
    w.paragraph(trial.nearest_site or "not listed", label=SITE_LABEL)
    w.bullets(trial.reasons, label="Why it may fit")
    w.bullets(trial.concerns, label="Things to check")
    w.bullets(trial.contacts, label="Contacts")
    w.link("Trial page:", trial.url)
    if trial.record:
        w.paragraph(trial.record, label="Record:", size=SMALL_PT, ink=_QUIET_INK)


def _trials_section(w: _Writer, p: Packet) -> None:
    """The starred trials, each apart, after where their distances are measured from."""
    w.heading(SECTION_TRIALS)
    if p.distances_from and p.trials:
        w.paragraph(p.distances_from, size=SMALL_PT, ink=_QUIET_INK)
    if not p.trials:
        w.paragraph(NO_TRIALS_HOW, label=NO_TRIALS_TEXT)
    for number, trial in enumerate(p.trials):
        if number:
            w.rule()
        _trial(w, trial)


def packet_to_pdf(packet: Packet, *, page_format: str = "A4") -> bytes:
    """Render the packet as a PDF with selectable text, clickable links and numbered pages.

    Args:
        packet: from ``matchers.packet.build_packet``.
        page_format: ``"A4"`` or ``"Letter"``.

    Returns:
        The PDF file's bytes.

    Raises:
        ValueError: an unknown page format.
    """
    if page_format not in PAGE_FORMATS:
        raise ValueError(f"page_format {page_format!r}: expected one of " + ", ".join(PAGE_FORMATS))
    p = packet
    created = datetime.combine(p.created, time(), tzinfo=UTC)
    w = _Writer(page_format, p.title, created)

    w.heading(p.title, level=1)
    w.paragraph(f"Prepared on {p.created_label}")
    w.boxed(p.disclaimer)
    _urgency(w, p)

    w.heading(SECTION_PROFILE)
    for line in p.profile:
        w.paragraph(line.value, label=f"{line.label}:")

    w.heading(SECTION_THERAPY)
    if p.guide_dated:
        w.paragraph(p.guide_dated, size=SMALL_PT, ink=_QUIET_INK)
    for note in p.therapy_notes:
        _note(w, note)
    if p.brain_note is not None:
        _note(w, p.brain_note)
    for topic in p.therapy_topics:
        _topic(w, topic, guide_written_line(p))
    _newer(w, p)

    w.heading(SECTION_SYMPTOMS)
    for site in p.symptoms:
        w.heading(site.label, level=3)
        w.bullets(site.symptoms)
        if site.note:
            w.paragraph(site.note)
        w.source(site.source.section)
    _note(w, p.two_week_rule)
    _note(w, p.when_to_call)
    _notes(w, SECTION_TESTS, p.tests_and_scans)

    _trials_section(w, p)
    _trials_explained(w, p)

    w.heading(SECTION_QUESTIONS)
    for number, q in enumerate(p.questions, start=1):
        w.numbered(number, q.text, "From: " + ", ".join(q.sources))

    w.heading(SECTION_RESOURCES)
    for r in p.resources:
        w.heading(r.name, level=3)
        w.paragraph(r.offers)
        w.bullets(r.why, label="Why it is listed")
        if r.phone:
            w.paragraph(r.phone, label="Phone:")
        w.link("Web:", r.url)
        w.paragraph(r.check_note, size=SMALL_PT, ink=_QUIET_INK)
    _notes(w, SECTION_ABOUT, p.basics)

    w.heading(SECTION_SOURCES)
    w.bullets(p.source_lines)
    w.gap(2)
    w.boxed(p.disclaimer)
    w.notes_page()
    return w.output()
