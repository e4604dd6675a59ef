"""The appointment packet says the same things in Markdown, CSV and PDF, and no trial record can
inject markdown, HTML, a spreadsheet formula or a link into it."""

from __future__ import annotations

import csv
import io
import pickle
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from data.knowledge import load_knowledge
from data.resources import load_resources
from matchers import packet_pdf
from matchers.packet import (
    CSV_COLUMNS,
    DISCLAIMER,
    NO_TRIALS_HOW,
    NO_TRIALS_TEXT,
    Packet,
    PacketTrial,
    build_packet,
    clean_text,
    packet_to_markdown,
    packet_trials_csv,
    safe_url,
)
from matchers.packet_pdf import fold_to_latin1, packet_to_pdf
from matchers.profile import PatientProfile
from matchers.resources import ResourceMatch, match_resources
from matchers.selection import Guidance, select_guidance

KB = load_knowledge()
CREATED = date(2026, 11, 25)
DATA_NOTE = "Trial data from ClinicalTrials.gov, data version 2026-11-24, fetched 25 Nov 2026 10:02 UTC"
HOSTILE_TITLE = "![x](http://evil/x.png) <script>alert(1)</script>"
FORMULA_CONTACT = '=HYPERLINK("http://evil.example/x","Click")'
SHARED_QUESTION = "Ask which scans the study needs before you can start."
PROFILE = PatientProfile(
    "her2-positive",
    ("brain", "bone"),
    hormone_receptor="negative",
    age=52,
    sex="female",
    ecog=1,
    prior_therapies=("trastuzumab", "taxane"),
    prior_lines=1,
    brain_mets="stable",
    zip_code="02115",
    travel_miles=100,
)
HOSTILE = PacketTrial(
    nct_id="NCT01234567",
    title=HOSTILE_TITLE,
    url="https://clinicaltrials.gov/study/NCT01234567",
    verdict_label="Likely eligible",
    reasons=("Open to HER2-positive breast cancer", "Allows \\>= 1 prior line of treatment"),
    concerns=("Brain metastases must be *stable* for 4 weeks <b>before</b> the first dose",),
    questions=(SHARED_QUESTION, "Ask whether your last brain MRI is recent enough."),
    status="Recruiting",
    phase="Phase 2",
    last_update="2026-10-01",
    nearest_site="Dana-Farber Cancer Institute, Boston, Massachusetts, United States — 3 miles",
    contacts=(FORMULA_CONTACT, "Jane Doe (CONTACT) · 617-555-0100 · jane@example.org"),
)
PLAIN = PacketTrial(
    nct_id="NCT07654321",
    title="Tucatinib with trastuzumab for HER2-positive breast cancer in the brain",
    url="https://clinicaltrials.gov/study/NCT07654321",
    verdict_label="Possibly eligible",
    reasons=("Studies people whose cancer has spread to the brain",),
    concerns=("Age limit not given in your profile",),
    questions=(SHARED_QUESTION.lower().rstrip("."),),
    status="Not yet recruiting",
    phase="Phase 3",
    last_update=None,
    nearest_site=None,
    contacts=("Study desk · 800-555-0199",),
)


def flat(text: str) -> str:
    """Whitespace collapsed, so text wrapped across PDF lines compares with the source string."""
    return re.sub(r"\s+", " ", text)


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def pdf_uris(data: bytes) -> set[str]:
    uris: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


@pytest.fixture(scope="module")
def guidance() -> Guidance:
    return select_guidance(PROFILE, KB)


@pytest.fixture(scope="module")
def resources() -> list[ResourceMatch]:
    matches = match_resources(PROFILE, load_resources(), ["financial-help"])
    picked = [m for m in matches if m.resource.id in ("abta", "cancercare")]
    assert len(picked) == 2
    return picked


def make_packet(
    guidance: Guidance,
    resources: list[ResourceMatch],
    trials: tuple[PacketTrial, ...] = (HOSTILE, PLAIN),
    **options: Any,
) -> Packet:
    return build_packet(
        PROFILE, guidance, trials, resources, trial_data_note=DATA_NOTE, created=CREATED, **options
    )


@pytest.fixture(scope="module")
def packet(guidance: Guidance, resources: list[ResourceMatch]) -> Packet:
    return make_packet(guidance, resources)


@pytest.fixture(scope="module")
def markdown(packet: Packet) -> str:
    return packet_to_markdown(packet)


@pytest.fixture(scope="module")
def pdf(packet: Packet) -> bytes:
    return packet_to_pdf(packet)


def test_markdown_lists_the_profile_in_plain_words(markdown: str) -> None:
    for line in (
        "**Subtype:** HER2-positive",
        "**Hormone receptors:** Negative",
        "**Where the cancer has spread:** Bone, Brain",
        "**Cancer in the brain:** Treated and stable",
        "**Age:** 52",
        "**Sex:** Female",
        "**Daily activity (ECOG score):** 1: limited in hard physical activity",
        "**Past treatments:** Taxane (paclitaxel, docetaxel, nab-paclitaxel), Trastuzumab (Herceptin)",
        "**Lines of treatment so far:** 1",
        "**Willing to travel:** up to 100 miles",
        "**Test results (biomarkers):** None listed (not known, which is not the same as negative)",
    ):
        assert line in markdown


def test_zip_code_is_left_out_unless_asked_for(
    guidance: Guidance, resources: list[ResourceMatch], markdown: str, pdf: bytes
) -> None:
    assert "02115" not in markdown
    assert "02115" not in pdf_text(pdf)
    assert "ZIP" not in markdown
    with_zip = packet_to_markdown(make_packet(guidance, resources, include_zip=True))
    assert "**ZIP code:** 02115" in with_zip


def test_markdown_holds_therapy_topics_with_their_sources(markdown: str, guidance: Guidance) -> None:
    card = guidance.therapy_cards[0]
    assert "trastuzumab" in card.summary.lower() and "pertuzumab" in card.summary.lower()
    assert f"### {card.title}" in markdown
    assert card.summary in markdown
    assert "- Why this is shown: Your cancer is HER2-positive." in markdown
    assert f'*Source: patient guide, section "{card.source.section}"*' in markdown


def test_markdown_holds_the_brain_note_about_radiation(markdown: str, guidance: Guidance) -> None:
    assert guidance.brain_note is not None
    assert f"**{guidance.brain_note.title}:** {guidance.brain_note.text}" in markdown
    assert "radiation therapy is usually part of it" in markdown


def test_no_brain_note_without_brain_metastases(resources: list[ResourceMatch]) -> None:
    bone_only = PatientProfile("her2-positive", ("bone",))
    built = build_packet(
        bone_only, select_guidance(bone_only, KB), (), resources, trial_data_note=None, created=CREATED
    )
    assert built.brain_note is None
    assert "blood-brain barrier" not in packet_to_markdown(built)


def test_markdown_lists_symptoms_by_site_with_two_week_rule_and_when_to_call(
    markdown: str, guidance: Guidance
) -> None:
    bone = markdown.index("### Bone")
    brain = markdown.index("### Brain")
    assert bone < markdown.index("- Swelling") < brain < markdown.index("- Seizures")
    assert f"**The two-week rule:** {guidance.two_week_rule.text}" in markdown
    assert "more than two weeks" in markdown
    assert f"**When to call:** {guidance.when_to_call.text}" in markdown


def test_markdown_shows_each_trial_with_verdict_reasons_concerns_site_contacts_and_link(
    markdown: str,
) -> None:
    assert "### NCT01234567: " in markdown
    assert "### NCT07654321: Tucatinib with trastuzumab for HER2-positive" in markdown
    assert "- **What we found:** Likely eligible" in markdown
    assert "- Open to HER2-positive breast cancer" in markdown
    assert "- Allows \\>= 1 prior line of treatment" in markdown
    assert "- Age limit not given in your profile" in markdown
    assert "Dana-Farber Cancer Institute, Boston" in markdown
    assert "- **Where:** not listed" in markdown
    assert "617-555-0100" in markdown
    assert "last updated 2026-10-01" in markdown
    assert "- **Trial page:** <https://clinicaltrials.gov/study/NCT01234567>" in markdown


def test_hostile_trial_text_is_escaped_in_markdown(markdown: str) -> None:
    assert "![" not in markdown
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "](http://evil" not in markdown
    assert "!\\[x\\](http\u2060://evil/x.png) \\<script\\>alert(1)\\</script\\>" in markdown
    assert "\\*stable\\*" in markdown
    assert '- =HYPERLINK("http\u2060://evil.example/x","Click")' in markdown  # shown, never a link


def test_questions_join_guide_and_trials_each_once(markdown: str, packet: Packet) -> None:
    texts = [q.text for q in packet.questions]
    guide_texts = [q.text for q in select_guidance(PROFILE, KB).questions]
    assert texts[: len(guide_texts)] == guide_texts
    assert "Ask how the cancer in your brain will be treated" in " ".join(texts)
    shared = [q for q in packet.questions if q.text == SHARED_QUESTION]
    assert len(shared) == 1
    assert shared[0].sources == ("trial NCT01234567", "trial NCT07654321")
    assert len({t.casefold().rstrip(".") for t in texts}) == len(texts)
    assert "*From: trial NCT01234567, trial NCT07654321*" in markdown
    assert "Ask whether your last brain MRI is recent enough." in markdown


def test_a_trial_question_the_guide_already_asks_keeps_the_guides_wording(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    guide_question = guidance.questions[0]
    echo = replace(PLAIN, questions=(guide_question.text.upper(),))
    built = make_packet(guidance, resources, trials=(echo,))
    matching = [q for q in built.questions if q.text.casefold() == guide_question.text.casefold()]
    assert [q.text for q in matching] == [guide_question.text]
    assert matching[0].from_trial is False
    assert matching[0].sources[-1] == "trial NCT07654321"


def test_markdown_lists_resources_with_phone_web_and_check_date(markdown: str) -> None:
    assert "### American Brain Tumor Association (ABTA)" in markdown
    assert "- Phone: 800-886-2282" in markdown
    assert "- Web: <https://www.abta.org/metastatic-brain-tumor-initiative/>" in markdown
    assert "### CancerCare (Hopeline)" in markdown
    assert "- Why it is listed: Helps with costs of treatment" in markdown
    assert "- Not re-checked since 11 March 2020: call or visit to check" in markdown


def test_markdown_names_data_dates_guide_and_disclaimer(markdown: str) -> None:
    assert "Prepared on 25 November 2026" in markdown
    assert "data version 2026-11-24, fetched 25 Nov 2026 10:02 UTC" in markdown
    assert '"Metastatic Breast Cancer: What You Need to Know" (Dana-Farber Cancer Institute)' in markdown
    assert "medically reviewed by Sara Tolaney" in markdown
    assert markdown.count(DISCLAIMER) == 2
    assert DISCLAIMER.startswith("This is not medical advice")


def test_empty_shortlist_says_no_trials_were_starred_and_how_to_add_some(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    empty = make_packet(guidance, resources, trials=())
    markdown = packet_to_markdown(empty)
    assert f"**{NO_TRIALS_TEXT}** {NO_TRIALS_HOW}" in markdown
    assert "star" in NO_TRIALS_HOW.lower()
    assert "NCT" not in markdown
    assert packet_trials_csv(empty).strip() == ",".join(CSV_COLUMNS)
    text = pdf_text(packet_to_pdf(empty))
    assert NO_TRIALS_TEXT in text and flat(NO_TRIALS_HOW) in text


def test_csv_parses_back_with_one_row_per_trial(packet: Packet) -> None:
    rows = list(csv.DictReader(io.StringIO(packet_trials_csv(packet))))
    assert [r["nct_id"] for r in rows] == ["NCT01234567", "NCT07654321"]
    assert tuple(rows[0]) == CSV_COLUMNS
    first, second = rows
    assert first["title"] == HOSTILE_TITLE
    assert first["verdict"] == "Likely eligible"
    assert (
        first["reasons"] == "Open to HER2-positive breast cancer | Allows >= 1 prior line of treatment"
    )
    assert first["nearest_site"].endswith("United States — 3 miles")
    assert first["url"] == "https://clinicaltrials.gov/study/NCT01234567"
    assert first["last_update"] == "2026-10-01"
    assert second["nearest_site"] == "" and second["last_update"] == ""
    assert second["contacts"] == "Study desk · 800-555-0199"


def test_csv_neutralises_the_formula_contact(packet: Packet) -> None:
    rows = list(csv.DictReader(io.StringIO(packet_trials_csv(packet))))
    contacts = rows[0]["contacts"]
    assert contacts == "'" + FORMULA_CONTACT + " | Jane Doe (CONTACT) · 617-555-0100 · jane@example.org"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_prefixes_every_formula_start_with_a_quote(
    start: str, guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    trial = replace(PLAIN, title=start + "SUM(A1:A9)", verdict_label=start + "1")
    row = next(
        csv.DictReader(io.StringIO(packet_trials_csv(make_packet(guidance, resources, (trial,)))))
    )
    assert row["title"] == "'" + start + "SUM(A1:A9)"
    assert row["verdict"] == "'" + start + "1"
    assert row["nct_id"] == "NCT07654321"


def test_pdf_is_a_pdf_whose_text_holds_trials_disclaimer_and_two_week_rule(
    pdf: bytes, guidance: Guidance
) -> None:
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "NCT01234567",
        "NCT07654321",
        HOSTILE_TITLE,
        PLAIN.title,
        DISCLAIMER,
        guidance.two_week_rule.text,
        "Trastuzumab (Herceptin)",
        "Treated and stable",
        "Seizures",
        SHARED_QUESTION,
        "800-886-2282",
        "data version 2026-11-24",
        "Page 1 of",
    ):
        assert flat(expected) in text, expected


def test_pdf_links_trial_pages_and_resources(pdf: bytes) -> None:
    uris = pdf_uris(pdf)
    assert {
        "https://clinicaltrials.gov/study/NCT01234567",
        "https://clinicaltrials.gov/study/NCT07654321",
        "https://www.abta.org/metastatic-brain-tumor-initiative/",
        "https://www.cancercare.org",
    } <= uris
    assert not any("evil" in uri for uri in uris)


def test_pdf_numbers_every_page(pdf: bytes) -> None:
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()


def test_pdf_page_format_letter_and_a4(packet: Packet) -> None:
    letter = PdfReader(io.BytesIO(packet_to_pdf(packet, page_format="Letter"))).pages[0]
    a4 = PdfReader(io.BytesIO(packet_to_pdf(packet, page_format="A4"))).pages[0]
    assert round(float(letter.mediabox.width)) == 612
    assert round(float(a4.mediabox.width)) == 595
    with pytest.raises(ValueError, match="page_format"):
        packet_to_pdf(packet, page_format="A5")


def test_javascript_link_in_a_record_is_never_made_clickable(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    trial = replace(PLAIN, url="javascript:alert(1)")
    built = make_packet(guidance, resources, (trial,))
    assert "](<javascript" not in packet_to_markdown(built)
    assert "javascript:alert(1)" in packet_to_markdown(built)
    assert not any(u.startswith("javascript") for u in pdf_uris(packet_to_pdf(built)))


NON_LATIN = replace(
    PLAIN,
    title="İstanbul çalışması — 乳腺癌 HER2 研究 ≥ 18",
    contacts=("Dr. Ayşe Yılmaz · +90 212 555 0000",),
)


def test_pdf_falls_back_to_core_font_without_dejavu(
    monkeypatch: pytest.MonkeyPatch, guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    monkeypatch.setattr(packet_pdf, "FONT_CANDIDATES", ())
    assert packet_pdf.find_unicode_fonts() is None
    data = packet_to_pdf(make_packet(guidance, resources, (HOSTILE, NON_LATIN)))
    assert data.startswith(b"%PDF")
    assert b"/DejaVu" not in data and b"/Helvetica" in data
    text = pdf_text(data)
    assert "Istanbul çal?smas? - ??? HER2 ?? >= 18" in text
    assert "Dr. Ayse Y?lmaz" in text
    assert "NCT01234567" in text and DISCLAIMER in text


def test_pdf_with_dejavu_keeps_turkish_and_marks_missing_glyphs(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    if packet_pdf.find_unicode_fonts() is None:
        pytest.skip("DejaVu Sans is not installed at any of packet_pdf.FONT_CANDIDATES")
    data = packet_to_pdf(make_packet(guidance, resources, (NON_LATIN,)))
    assert b"DejaVu" in data
    text = pdf_text(data)
    assert "İstanbul çalışması — ??? HER2 ?? ≥ 18" in text
    assert "Ayşe Yılmaz" in text


def test_fold_to_latin1_keeps_latin1_strips_accents_and_marks_the_rest() -> None:
    assert fold_to_latin1("İstanbul é ß — “quoted” ≥ 乳 ﬁ") == 'Istanbul é ß - "quoted" >= ? fi'
    assert fold_to_latin1("Ayşe").encode("latin-1") == b"Ayse"


def test_clean_text_drops_invisible_controls_and_registry_escapes() -> None:
    assert clean_text("a\u202eb\u200b c\n\n d\\>= 2\x00") == "ab c d>= 2"
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://clinicaltrials.gov/study/NCT01234567", "https://clinicaltrials.gov/study/NCT01234567"),
        ("http://a.example/x(1)", "http://a.example/x%281%29"),
        ("javascript:alert(1)", None),
        ("/study/NCT01234567", None),
        ("https://a.example/x y", None),
        ("", None),
    ],
)
def test_safe_url_allows_only_plain_web_addresses(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_packet_pickles_and_renders_the_same_after(packet: Packet) -> None:
    """st.cache_data pickles what it caches; a copied packet must render identically."""
    copy = pickle.loads(pickle.dumps(packet))
    assert copy == packet
    assert packet_to_markdown(copy) == packet_to_markdown(packet)
    assert packet_to_pdf(copy) == packet_to_pdf(packet)


def test_markdown_reads_as_plain_text_no_backslash_before_dashes_no_entities(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    trial = replace(
        PLAIN,
        title="Standard-of-Care Chemo & Drug X (Phase 2) vs. Drug Y",
        contacts=("Study desk · 844-310-3900 · desk@example.org",),
    )
    markdown = packet_to_markdown(make_packet(guidance, resources, (trial,)))
    assert "### NCT07654321: Standard-of-Care Chemo & Drug X (Phase 2) vs. Drug Y" in markdown
    assert "- Study desk · 844-310-3900 · desk@example.org" in markdown
    assert "&amp;" not in markdown and "\\-" not in markdown and "\\." not in markdown
    trial_part = markdown[markdown.index("## Clinical trials") : markdown.index("## Questions")]
    assert "\u2060" not in trial_part  # no hidden character in a link or in our own text


def test_distances_say_where_they_are_measured_from(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    hidden = make_packet(guidance, resources, distance_place="Boston, MA")
    assert hidden.distances_from is not None
    assert "centre of the area entered (Boston, MA)" in hidden.distances_from
    assert "02115" not in packet_to_markdown(hidden)
    shown = make_packet(guidance, resources, include_zip=True, distance_place="Boston, MA")
    assert "centre of ZIP code 02115 (Boston, MA)" in packet_to_markdown(shown)
    assert "centre of ZIP code 02115 (Boston, MA)" in pdf_text(packet_to_pdf(shown))
    no_zip = build_packet(
        replace(PROFILE, zip_code=None, travel_miles=None),
        guidance,
        (PLAIN,),
        resources,
        trial_data_note=None,
        created=CREATED,
    )
    assert no_zip.distances_from is None and "Distances are" not in packet_to_markdown(no_zip)


def test_every_packet_ends_with_a_notes_page(packet: Packet) -> None:
    from matchers.packet import NOTES_PROMPT, SECTION_NOTES

    markdown = packet_to_markdown(packet)
    assert markdown.rstrip().endswith("_" * 60)
    assert markdown.index(f"## {SECTION_NOTES}") > markdown.index("## Where this information comes from")
    pages = PdfReader(io.BytesIO(packet_to_pdf(packet))).pages
    last = flat(pages[-1].extract_text())
    assert last.startswith(f"{SECTION_NOTES} {NOTES_PROMPT}")


def test_a_trial_shows_when_its_record_was_fetched(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    trial = replace(PLAIN, record="fetched 01 Dec 2026 09:00 UTC from ClinicalTrials.gov")
    built = make_packet(guidance, resources, (trial,))
    assert "- **Record:** fetched 01 Dec 2026 09:00 UTC from ClinicalTrials.gov" in packet_to_markdown(
        built
    )
    assert "Record: fetched 01 Dec 2026 09:00 UTC" in pdf_text(packet_to_pdf(built))


def test_a_missing_phase_is_left_out_not_called_not_given(
    guidance: Guidance, resources: list[ResourceMatch]
) -> None:
    from matchers.packet import trial_facts

    assert trial_facts(replace(PLAIN, phase="", last_update=None)) == "Not yet recruiting"
