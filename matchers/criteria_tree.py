"""Reading criteria as a tree: each item with the context the lines above it give.

A criterion often means nothing alone: "estrogen receptor" under "Must be negative for all of the
following:", "known CNS metastases" under "Patients may not have:", "refused chemotherapy" under
"Patients who meet one of the following:". The header's words apply to every item below it, and an
"any of" header makes its items alternatives: she needs to meet one, not all. Sections (inclusion,
exclusion, the older DISEASE / PATIENT CHARACTERISTICS headings) come from the splitter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from matchers.criteria_parts import nest, prefix_parts, suffix_parts
from matchers.criteria_text import CANCER_ITSELF, CriteriaItem, names_another_cancer
from matchers.findings import Factor, Source, Unread
from matchers.reader.collector import Collector, ReceptorRule
from matchers.reader.concepts import CONCEPTS, unread_concepts
from matchers.reader.context import ALLOWING, LETS_IN
from matchers.reader.sentence import read_sentence
from matchers.reader.setting import BREAST, ORGAN
from matchers.reader.text import normalize, split_sentences, trim_quote
from matchers.reader.triggers import scan

#: The words that only announce a list ("all of the following criteria:"); what is left of the
#: header ("must be negative for") applies to each item.
_LIST_INTRO = re.compile(
    r"[\s,:-]*\b(?:(?:all|any|each|both|either|one|none|two|three|at\s+least\s+(?:one|1|two|2)|"
    r"one\s+or\s+more)\s+(?:\(\d\)\s+)?of\s+)?(?:the\s+)?(?:following|below)(?:\s+(?:criteria|"
    r"conditions|requirements|characteristics|features|items))?(?:\s+(?:apply|are\s+met))?\s*:?\s*$"
)
#: A header whose items are alternatives ("must meet one of the following", "either of").
_ANY_OF = re.compile(
    r"\b(?:any|either|one|at\s+least\s+(?:one|1)|one\s+or\s+more)\s+(?:\(\d\)\s+)?of\s+(?:the\s+)?"
    r"(?:following|below)\b"
)


@dataclass(frozen=True, slots=True)
class Header:
    """What a line that heads a list means for each item under it."""

    words: str
    any_of: bool


def read_header(parent: str, kind: Source) -> Header:
    """The header's own words, without the list announcement, and whether its items are
    alternatives (only in inclusions: "any of the following" among exclusions excludes each)."""
    text = normalize(split_sentences(parent)[-1])
    any_of = kind == "inclusion" and _ANY_OF.search(text) is not None
    return Header(_LIST_INTRO.sub("", text).strip(), any_of)


@dataclass(slots=True)
class ItemsRead:
    """What reading every item leaves for the trial-level decisions."""

    inclusion_texts: list[str] = field(default_factory=list)
    part_texts: dict[str, list[str]] = field(default_factory=dict)


#: The concept each kind of finding is about, so a criterion that spoke of two things and gave a
#: finding about one is still noted as unread about the other.
_FINDING_CONCEPTS: dict[str, str] = {
    **dict.fromkeys(
        ("subtype", "subtype_named", "her2_low", "her2_low_or_ultralow", "her2_expressing"),
        "receptors",
    ),
    **dict.fromkeys(
        ("brain_mets", "brain_mets_active", "leptomeningeal", "prior_brain_radiation"), "brain"
    ),
    **dict.fromkeys(("brain_mets_stable", "brain_mets_any"), "brain"),
    **dict.fromkeys(("biomarker", "gene-change", "genomic_test"), "biomarkers"),
    **dict.fromkeys(("postmenopausal", "premenopausal"), "menopause"),
    **dict.fromkeys(("women_only", "male"), "sex"),
    **dict.fromkeys(("prior_lines", "chemo_lines", "endocrine_lines"), "lines"),
    "ecog": "performance",
    "age": "age",
}


def _covered(out: Collector, sizes: tuple[int, ...]) -> set[str]:
    """The concepts the findings added since ``sizes`` were taken are about."""
    found = [str(x.factor) for x in out.requirements[sizes[0] :]]
    found += [str(x.factor) for x in out.limits[sizes[1] :]]
    found += [str(x.factor) for x in out.allowances[sizes[2] :]]
    covered = {_FINDING_CONCEPTS[f] for f in found if f in _FINDING_CONCEPTS}
    if "her2_low" in found or "her2_low_or_ultralow" in found:
        covered.add("biomarkers")  # HER2-low is a receptor result and a tumour test result
    if len(out.receptors) > sizes[3]:
        covered.add("receptors")
    if len(out.menopause) > sizes[4]:
        covered.add("menopause")
    return covered


def _sizes(out: Collector) -> tuple[int, ...]:
    return (
        len(out.requirements),
        len(out.limits),
        len(out.allowances),
        len(out.receptors),
        len(out.menopause),
    )


#: A line that only announces the list under it ("Have received the following anticancer
#: therapy:"): the treatments it bans or requires are in the items, not in its general words.
_ANNOUNCES_A_LIST = re.compile(r"\b(?:the\s+following|below)\b[^.;]*:$")


#: An item that bans something itself, whatever its header allows.
_OWN_BAN = re.compile(
    r"\bno\s+(?:prior|previous)\b|\bnot\s+(?:be\s+)?(?:permitted|allowed|eligible)\b|\bprohibited\b"
)
#: A header that lets some people in on conditions its items give.
_PERMITS = re.compile(
    r"\b(?:are|is)\s+(?:permitted|allowed|eligible)\b[^:]{0,40}?\b(?:provi\w*|if|conditions?|following)\b|"
    r"\bfollowing\b[^:]{0,60}\b(?:are|is)\s+(?:eligible|allowed|permitted|acceptable)\b"
)
#: A header among the exclusions that introduces the cases it does not exclude.
_EXCEPTIONS = re.compile(
    r"\b(?:the\s+following\s+exceptions?|exceptions?\s+(?:are|is)\b|except\s+(?:for\s+)?(?:the\s+)?following)"
)
_ANY_TREATMENT = re.compile(r"\bsystemic\b|anti-?cancer|anti-?neoplastic|anti-?tumou?r")


def _can_be_unread(item: CriteriaItem) -> bool:
    """Not a header ("Hormone receptor status:") or a bare label, which the lines under it say."""
    return not item.text.endswith(":") and item.text.count(" ") >= 3


_ALL_BUT_TREATMENT = frozenset(c.name for c in CONCEPTS) - {"treatment"}


def _note_unread(
    item: CriteriaItem, combined: str, sizes: tuple[int, ...], before: int, out: Collector
) -> None:
    """A criterion about the patient that gave nothing about it. Anything read from it (a setting
    cue, an allowance) counts for the concepts it is about; a criterion that gave nothing at all
    is unread about everything it names."""
    if ("contracept" in combined or "child" in combined) and _CHILDBEARING.search(combined):
        return  # who must avoid pregnancy, and how: never a rule about her cancer or treatment
    grew = out.size() > before
    covered = _covered(out, sizes) if grew else set()
    # A finding about none of the concepts covers every one but earlier treatment. The concepts
    # read are not searched for at all.
    skip = covered or (_ALL_BUT_TREATMENT if grew else frozenset())
    concepts = [c.name for c in unread_concepts(combined, skip)]
    if concepts and item.kind == "inclusion" and not item.parent and names_another_cancer(combined):
        # "All patients with relapsed/refractory lymphoma must ...": that cancer's rules (an
        # exclusion naming another cancer may still be about her past: "Prior allogeneic stem
        # cell transplant for leukemia")
        return
    if concepts:
        quote = trim_quote(f"{item.parent}: {item.text}" if item.parent else item.text)
        out.unread.append(Unread(quote, item.kind, tuple(concepts), item.parts))


_CANCER_NOUN = re.compile(
    r"\b(?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|malignan\w*)\b"
)
_COHORT_CONDITIONS = re.compile(
    r"[,:]\s*(?:\w+\s+){0,4}?(?:previously|prior|pre-?treated|treated|refractory|relapsed|after|following|must|who)\b"
)
#: "Patients with CRC who are 40 or younger": the cohort's own condition right after its cancer.
_COHORT_WHO = re.compile(r"(?:\s+(?:cancers?|carcinomas?|tumou?rs?))?\s+(?:who|whose)\b")
#: "NHL (intermediate- and high-grade): Resistant ...": a label naming the cancer a rule is for.
_LABEL_BEFORE_COLON = re.compile(r"^(?:[^:;.]{2,30}:\s*)?[^:;.]{2,60}:")  # "Phase 1a: Ovarian cancer:"


#: "Patients with stage III that has completed chemotherapy: ER-positive required if ...": rules
#: for the patients whose cancer has not spread, beside a group with stage IV disease.
_EARLIER_STAGE_GROUP = re.compile(
    r"^\W*(?:for\s+)?(?:patients|participants|subjects|those|women)\s+with\s+(?:early|operable|"
    r"non-?metastatic|stage\s+(?:i{1,3}|[0-3])[abc]?\b(?!\s*(?:-|to|or|and|,|/)\s*(?:stage\s*)?(?:iv|4)\b))"
    r"[^:]{0,80}:"
)


_OTHER_TUMOURS_ITEM = re.compile(
    r"^(?:[^:]{0,30}:\s*)?other\s+(?:solid\s+)?(?:tumou?rs?|cancers?|malignan\w*)\b"
)


_ANY_OR_EXCEPT_BEFORE = re.compile(
    r"\bsolid\b|\bany\b|\ball\b|\bexcept|\bexcluding\b|\bother\s+than\b|\bnon-?"
)
_COHORT_PROGRESSED = re.compile(r"\bwith\s+(?:disease\s+)?progress\w*\s+(?:following|after|on)\b")
_STAGE_WORDS = re.compile(
    r"[^\w(]*(?:\([^()]{0,40}\)\s*)?(?:(?:locally|advanced|unresectable|non-?resectable|metastatic|recurrent|"
    r"relapsed|refractory|inoperable|or|and|and/or)[\s,/]+)*"
)
_SUBJECT_WITH = re.compile(r"\W*(?:patients|participants|subjects)\s+with\b")
_WHO_HAVE = re.compile(r"\bwho\s+(?:have|has|had|is|are)\b")


def _names_a_cancer(text: str, organ: re.Match[str]) -> bool:
    """An organ named as a cancer: "NSCLC", or "ovarian" with "cancer" soon after it."""
    if CANCER_ITSELF.match(organ.group(0)):
        return True
    return _CANCER_NOUN.search(text, organ.end(), organ.end() + 30) is not None


def _another_cancers_cohort(text: str) -> bool:
    """A basket trial's bullet for one other cancer ("Renal cell carcinoma, clear cell histology,
    previously treated with ... a VEGF targeted therapy"): that cohort's rules, not hers."""
    if _OTHER_TUMOURS_ITEM.match(text) and BREAST.search(text) is None:
        return True  # "Other solid tumors that have recurred ...", beside a bullet for breast cancer
    label = _LABEL_BEFORE_COLON.match(text) if ":" in text[:95] else None
    if label is not None and names_another_cancer(label.group(0)):
        return True  # "Lymphoproliferative diseases*: ...", one disease's rules in a basket trial
    # "Participants with advanced platinum resistant epithelial ovarian cancer ... who have ..."
    subject = _SUBJECT_WITH.match(text)
    # "Locally advanced unresectable or metastatic PDAC with disease progression following ...":
    # the stage words before the cancer's name do not count against its place
    stage = _STAGE_WORDS.match(text)
    organ = ORGAN.search(text, 0, (90 if subject else 40) + (stage.end() if stage else 0))
    lead = 25 + (stage.end() if stage else 0)
    if organ is None or (organ.start() > lead and not subject) or BREAST.search(text) is not None:
        return False
    if _ANY_OR_EXCEPT_BEFORE.search(text, 0, organ.start()):
        return False  # "Advanced or metastatic solid tumor, except prostate cancer, with ..."
    cancer = _names_a_cancer(text, organ)
    # the cohort bullet's form: the cancer, then its own conditions after a comma or colon
    return (
        cancer
        and (
            _COHORT_CONDITIONS.search(text, organ.end(), organ.end() + 60) is not None
            or _COHORT_WHO.match(text, organ.end()) is not None
            # "... metastatic NSCLC without any actionable genomic alterations with disease
            # progression following ...": the cancer, then its own course
            or _COHORT_PROGRESSED.search(text, organ.end(), organ.end() + 90) is not None
            or (subject is not None and _WHO_HAVE.search(text, organ.end()) is not None)
            # "Patients with multiple myeloma must have received at least one line ..." (not "Patients
            # with solid tumors or lymphoma must ...")
            or (
                subject is not None
                and (must := _MUST_AFTER.match(text, organ.end())) is not None
                and names_another_cancer(text[: must.end()])
            )
        )
    )


#: A group's own rule after its cancer's name: "Patients with multiple myeloma must ...".
_MUST_AFTER = re.compile(r"[^.;:]{0,40}?\bmust\b")


#: "Excluding ..." opening an exclusion: the section's own word, said again.
_RESTATED_EXCLUSION = re.compile(
    r"^[\s*•-]*(?:excluding|exclude|exclusion\s+of)\s+(?=(?:patients|participants|subjects|those|"
    r"women|men|people|persons|individuals|anyone)\b)"
)


def _read_item(item: CriteriaItem, whole: str, header: Header | None, out: Collector) -> None:
    """Read one criterion sentence by sentence, each read together with its header's words; what
    it says about the patient that no reader took anything from is noted as not read."""
    if item.kind == "inclusion" and (
        item.for_another_cancer or _another_cancers_cohort(whole) or _EARLIER_STAGE_GROUP.match(whole)
    ):
        return
    if item.kind == "exclusion" and whole[:12].lstrip(" -*•").startswith("exclu"):
        # "Excluding patients ... who are less than 18 years of age": the word restates the
        # section; read twice, it would let them in
        whole = _RESTATED_EXCLUSION.sub("", whole, count=1)
    prefix = header.words if header is not None else ""
    if prefix and item.kind == "exclusion" and _EXCEPTIONS.search(prefix) and LETS_IN.search(whole):
        # "... CNS metastases are excluded, with the following exceptions: Patients with
        # asymptomatic untreated CNS disease may be enrolled": an exception is a way in
        item, prefix = replace(item, kind="inclusion"), ""
    if prefix and _OWN_BAN.search(whole) and ALLOWING.search(prefix):
        # "Previous therapies allowed: ... Chemotherapy: no prior chemotherapy for MBC is
        # permitted": the item's own ban, not the header's permission
        prefix = ""
    combined = f"{prefix} {whole}" if prefix else whole
    sizes, before = _sizes(out), out.size()
    _read_sentences(item, combined, prefix, out)
    if item.text.endswith(":") and len(item.text) <= 120 and _ANNOUNCES_A_LIST.search(whole):
        # "Have received the following anticancer therapy:": the drugs are in the items
        out.requirements[sizes[0] :] = [
            r for r in out.requirements[sizes[0] :] if r.factor != Factor.PRIOR_THERAPY
        ]
    elif header is not None and item.kind == "inclusion" and _PERMITS.search(header.words):
        # "Treated brain metastases are permitted, with the following provisions: corticosteroids
        # stopped 7 days before": the provisos bind those who use the permission, not everyone
        out.requirements[sizes[0] :] = [r for r in out.requirements[sizes[0] :] if not r.expects]
    elif prefix and "following" in prefix and not _ANY_TREATMENT.search(item.text.lower()):
        # ... and under it, "Previous therapy with CDK2i" bans that drug, not all of them
        out.requirements[sizes[0] :] = [
            r for r in out.requirements[sizes[0] :] if r.items != ("systemic",)
        ]
    if _can_be_unread(item):
        _note_unread(item, combined, sizes, before, out)


def _read_sentences(item: CriteriaItem, combined: str, prefix: str, out: Collector) -> None:
    found = scan(combined)
    if not found[0]:
        return
    sentences = split_sentences(item.text)
    single = len(sentences) == 1
    breast_item = not single and item.kind == "inclusion" and BREAST.search(combined) is not None
    for sentence in sentences:
        text = combined if single else normalize(sentence)
        if breast_item and _another_cancers_sentence(normalize(sentence)):
            # "1) Advanced ovarian cancer patients who had failed first-line platinum; Or 2)
            # metastatic breast cancer": the other cancer's way in sets no rule for her
            continue
        if prefix and not single:
            text = f"{prefix} {text}"
        quote = sentence
        if item.parent and len(item.parent) <= 90:
            quote = f"{item.parent}: {sentence}"
        # "... (Treatment Group 1). For subjects in Treatment Group 4, no prior chemotherapy":
        # a sentence that names its own part binds that part only
        own = () if single else prefix_parts(sentence) or suffix_parts(sentence)
        out.parts = nest(item.parts, own) if own else item.parts
        if own:
            out.part_sentences.extend((path, normalize(sentence)) for path in out.parts)
        try:
            read_sentence(text, quote, item.kind, out, found if single else None)
        except (re.error, ValueError, IndexError, KeyError):  # pragma: no cover - defensive
            continue  # one unreadable sentence never stops the trial from being read
        finally:
            out.parts = item.parts


#: "Subjects with ... proven: 1) ", "Or 2) ": the lead-in before one numbered way in.
_NUMBERED_LEAD = re.compile(r"^(?:[^;]{0,80}?\b)?(?:or\s+|and\s+)?\(?\d\)\s*")


def _another_cancers_sentence(text: str) -> bool:
    """One numbered way into a basket trial for another cancer ("1) Advanced ovarian cancer
    patients who had previously failed first-line platinum"), beside one for breast cancer."""
    if BREAST.search(text) is not None:
        return False
    lead = _NUMBERED_LEAD.match(text)
    if lead is None:
        return False
    rest = text[lead.end() :]
    organ = ORGAN.search(rest, 0, 40)
    if organ is None or organ.start() > 25:
        return False
    return (
        _names_a_cancer(rest, organ)
        and _WHO_HAVE.search(rest, organ.end(), organ.end() + 80) is not None
    )


def _another_cancer(quote: str) -> bool:
    """An option for another cancer ("squamous cell cancer of head and neck") is not hers."""
    text = normalize(quote)
    return ORGAN.search(text) is not None and BREAST.search(text) is None


def _alternative_cells(options: list[tuple[str, Collector]]) -> frozenset[str] | None:
    """The receptor cells an any-of list admits: those of any option open to breast cancer;
    none when such an option names no receptor status (it takes every subtype)."""
    cells: set[str] = set()
    for quote, option in options:
        if _another_cancer(quote):
            continue
        required = [r.cells for r in option.receptors if r.mode == "require"]
        if not required:
            return None
        narrowed = frozenset.intersection(*required)
        cells |= narrowed or frozenset().union(*required)
    return frozenset(cells) or None


#: An option that is about pregnancy, not about the cancer: its list defines who can bear children.
_CHILDBEARING = re.compile(r"steril|contracept|abstinen|child[\s-]?bearing|pregnan")


def _merge_alternatives(header: str, options: list[tuple[str, Collector]], out: Collector) -> None:
    """Fold a list of alternatives into the trial's findings: receptor rules as one rule that
    takes any option's cells; other rules as one group of options, of which she needs one."""
    if any(_CHILDBEARING.search(q.lower()) for q, _ in options):
        # "Female participants who: are postmenopausal, or surgically sterile, or use
        # contraception": who must avoid pregnancy, not who may join.
        return
    collectors = [c for _, c in options]
    cells = _alternative_cells(options)
    if cells is not None:
        first = next(r for c in collectors for r in c.receptors if r.mode == "require")
        out.receptors.append(ReceptorRule(cells, "require", first.quote, first.kind, out.parts))
    for option in collectors:
        out.setting.extend(option.setting)
        out.breast_mentions.extend(option.breast_mentions)
        out.menopause.extend(option.menopause)
        out.allowances.extend(option.allowances)
        out.receptors.extend(r for r in option.receptors if r.mode != "require")
    if any(c.requirements or c.limits for c in collectors):
        out.add_alternatives(trim_quote(header), [(trim_quote(q), c) for q, c in options])


#: An item that is a way out of a treatment ("Refused chemotherapy", "Not a candidate for ..."):
#: it cannot hold together with its siblings ("Received at least 1 regimen"), only instead of them.
_A_WAY_OUT = re.compile(
    r"^\W*(?:(?:has|have|had|who)\s+)?(?:refused|declined|ineligible\s+for|not\s+(?:a\s+)?candidates?\s+for|"
    r"unable\s+to\s+(?:receive|tolerate)|intoleran\w*)\b"
)


def _lists_offering_a_choice(items: list[tuple[CriteriaItem, str]]) -> set[tuple[str, Source]]:
    """Inclusion lists whose header does not say "one of" but whose items are alternatives: a list
    that names a way out of a treatment among its items ("Patients who: received 1-2 regimens;
    refused chemotherapy; progressed on hormonal therapy")."""
    counts: dict[tuple[str, Source], int] = {}
    choosing: set[tuple[str, Source]] = set()
    for item, whole in items:
        if item.parent and item.kind == "inclusion":
            key = (item.parent, item.kind)
            counts[key] = counts.get(key, 0) + 1
            if _A_WAY_OUT.search(whole):
                choosing.add(key)
    return {key for key in choosing if counts[key] >= 2}


#: An inclusion that ends by offering the next one instead ("ECOG 0-1 OR", "... progressed on a
#: CDK4/6 inhibitor OR"), or a line that is only that word.
_ENDS_WITH_OR = re.compile(r"(?:^|\s)(?:and/)?or\s*[.;,]?\s*$", re.IGNORECASE)
_STARTS_WITH_OR = re.compile(r"^\W*or\s", re.IGNORECASE)
_BARE_OR = re.compile(r"^\W*or\W*$", re.IGNORECASE)


def _bare_or(item: CriteriaItem) -> bool:
    return len(item.text) <= 8 and _BARE_OR.match(item.text) is not None


def _ends_with_or(text: str) -> bool:
    """Cheap test first: the last letters must spell "or"."""
    tail = text[-5:].rstrip(" .;,").lower()
    return tail.endswith("or") and _ENDS_WITH_OR.search(text) is not None


def _or_chains(items: list[tuple[CriteriaItem, str]]) -> dict[int, int]:
    """Inclusions joined by a trailing "or" into alternatives, as their position mapped to the
    position of the chain's first item: "Advanced solid tumor after standard care OR / HR+ HER2-
    breast cancer after a CDK4/6 inhibitor OR / ovarian cancer ..." asks for one of them. A line
    that is only "or" joins the lines on either side of it, whatever they hang under."""
    chains: dict[int, int] = {}

    def link(first: int, second: int) -> None:
        start = chains.get(first, first)
        chains[first] = chains[second] = start

    for i in range(len(items) - 1):
        item, following = items[i][0], items[i + 1][0]
        if item.kind != "inclusion" or following.kind != "inclusion":
            continue
        if _bare_or(following) and i + 2 < len(items) and items[i + 2][0].kind == "inclusion":
            link(i, i + 2)
        elif (
            (_ends_with_or(item.text) or following.text[:6].lower().lstrip(" -*•").startswith("or "))
            and not _bare_or(item)
            and (item.parent, item.parts) == (following.parent, following.parts)
            and (_ENDS_WITH_OR.search(item.text) or _STARTS_WITH_OR.search(following.text))
        ):
            link(i, i + 1)
    return chains


#: A line whose words hold for the flat list after it: "The following previous systemic treatment
#: are eligible:", "Prior treatment with any of the following:".
_PERMITTED_LIST = re.compile(
    r"\bfollowing\b[^:]{0,60}\b(?:are|is)\s+(?:eligible|allowed|permitted|acceptable)\s*:$|"
    r"^\W*(?:prior|previous)\s+(?:\w+\s+){0,3}?(?:with\s+)?any\s+of\s+the\s+following\s*:$"
)
#: An item that starts a new rule of its own, which ends such a list.
_NEW_RULE = re.compile(
    r"^\W*(?:patients?|participants?|subjects?|women|men|must|has|have|age|eastern|ecog|karnofsky|"
    r"adequate|life|signed|written|no|not)\b"
)


def _permitted_list(item: CriteriaItem, whole: str, current: Header | None) -> Header | None:
    """The permission a flat list of items is read under, opened by an announcing line and
    closed by a long or demanding item, another heading, or another section."""
    if item.parent is None and item.text.endswith(":"):
        return Header(whole.rstrip(": "), any_of=False) if _PERMITTED_LIST.search(whole) else None
    if current is None or item.parent is not None:
        return current
    return None if _NEW_RULE.match(whole) else current


def _group_key(
    index: int, item: CriteriaItem, header: Header | None, chains: dict[int, int]
) -> tuple[object, str] | None:
    """Which list of alternatives an item is one option of, and that list's words, if any."""
    if header is not None and header.any_of and item.parent:
        return (item.parent, item.kind), item.parent
    if index in chains:
        return ("or", chains[index]), item.parent or "one of the conditions listed together"
    return None


def read_items(
    items: Iterable[tuple[CriteriaItem, str]],
    out: Collector,
    *,
    open_lists: set[str],
    preferring: set[str],
    pan_tumor_part: bool,
) -> ItemsRead:
    """Read every criterion into ``out``, with its header's meaning; alternatives as a group."""
    read = ItemsRead()
    items = list(items)
    headers: dict[tuple[str, Source], Header] = {}
    offering_choices = _lists_offering_a_choice(items)
    chains = _or_chains(items)
    group: tuple[object, str, list[tuple[str, Collector]]] | None = None
    permitting: Header | None = None  # a flat list under "The following ... are eligible:"
    for index, (item, whole) in enumerate(items):
        if _bare_or(item):
            continue  # it only joins the items around it
        header = None
        permitting = _permitted_list(item, whole, permitting)
        if permitting is not None and item.parent is None and not item.text.endswith(":"):
            header = permitting
        if item.parent:
            header = headers.get((item.parent, item.kind)) or headers.setdefault(
                (item.parent, item.kind), read_header(item.parent, item.kind)
            )
            if not header.any_of and (item.parent, item.kind) in offering_choices:
                header = headers[(item.parent, item.kind)] = Header(header.words, any_of=True)
        keyed = _group_key(index, item, header, chains)
        if group is not None and (keyed is None or keyed[0] != group[0]):
            _merge_alternatives(group[1], group[2], out)
            group = None
        # a rule under "Patients with a glioma must:" is that cancer's, and says nothing about
        # which cancers the trial takes
        theirs = item.for_another_cancer and item.parent
        if item.kind == "inclusion" and not (item.parts and pan_tumor_part) and not theirs:
            read.inclusion_texts.append(whole)
        for path in item.parts:
            read.part_texts.setdefault(path, []).append(f"{header.words if header else ''} {whole}")
        target = out
        if keyed is not None:
            group = group or (keyed[0], keyed[1], [])
            target = Collector(parts=item.parts)
            group[2].append((item.text, target))
        target.parts = item.parts
        target.any_subtype = item.parent in open_lists
        target.soft_subtype = item.parent in preferring
        _read_item(item, whole, header, target)
    if group is not None:
        _merge_alternatives(group[1], group[2], out)
    for path, sentence in out.part_sentences:
        read.part_texts.setdefault(path, []).append(sentence)
    out.parts, out.any_subtype, out.soft_subtype = (), False, False
    return read
