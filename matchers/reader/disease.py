"""States of her disease no profile records: de novo, stable, inflammatory, newly diagnosed, symptoms."""

from __future__ import annotations

import re

from matchers.findings import (
    Factor,
    LimitFactor,
    Qualifier,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import polarity
from matchers.reader.regex_tools import trie_pattern
from matchers.reader.setting import ORGAN
from matchers.reader.text import normalize

_IBC = re.compile(r"\binflammatory\s+(?:breast\s+)?(?:cancer|carcinoma|disease)\b|\bibc\b")
_ANY_IBC = re.compile(
    r"\bnon-?\s?(?:ibc|inflammatory)\b|\bwith\s+or\s+without\b|\bmay\s+(?:also\s+)?(?:have|include|be)\b|"
    r"\b(?:is|are)\s+(?:defined|determined|diagnosed|confirmed)\b"
)
_DE_NOVO = re.compile(
    r"\bde\s+novo\s+(?:[a-z]+\s+){0,2}?(?:stage\s+iv|metasta\w*|m1|advanced)|"
    r"\bprimary\s+(?:confirmed\s+)?(?:distant\s+)?metastatic\b|\bsynchronous(?:ly)?\s+metasta\w*|"
    r"\bmetasta\w*\s+(?:disease\s+)?(?:at|upon)\s+(?:the\s+time\s+of\s+)?(?:initial\s+|first\s+)?"
    r"(?:diagnosis|presentation)"
)
_STABLE_DISEASE = re.compile(
    r"\bwith\s+stable\s+disease\b|\b(?:stable|non-?progressive)\s+disease\s+(?:on|with|while|for|after|"
    r"following|during)\b|\b(?:partial\s+response|response)\s+or\s+stable\s+disease\b|"
    r"\bdisease\s+(?:must\s+be\s+|that\s+is\s+|is\s+)stable\b"
)
#: A population with no cancer left to see: "No measurable or evaluable disease after standard
#: treatment", "no evidence of disease (NED) after surgery", "rendered disease-free".
_NED = re.compile(
    r"^\W*(?:(?:patients|participants|subjects)\s+(?:must\s+)?(?:have\s+)?)?(?:either\s+)?no\s+(?:measurable\s+(?:and|or)\s+"
    r"evaluable|evaluable|(?:radiologic(?:al)?\s+|clinical\s+)?evidence\s+of)\s+(?:residual\s+|active\s+)?"
    r"(?:disease|cancer)\b|\bno\s+evidence\s+of\s+disease\s+\(?ned\b|\brendered\s+(?:disease[\s-]free|ned)\b|"
    r"^\W*(?:(?:patients|participants|subjects)\s+(?:who\s+are\s+|must\s+be\s+)?)?in\s+complete\s+"
    r"(?:radiolog\w*\s+|clinical\s+|radiographic\s+)?(?:remission|response)\b"
)
#: Brain lesions' own stability, "de novo or recurrent", "... is not eligible": not a state required.
_NOT_HER_DISEASE = re.compile(
    r"\bbrain\b|\bcns\b|intra-?cranial|\blesions?\b|\bor\s+(?:recurrent|relapsed)|\bnot\s+eligible|"
    r"\bineligible\b|\bexcluded\b"
)


#: A study that continues another: "Treatment Continuation Study", "roll-over study", "patients
#: who completed the parent study".
PARENT_STUDY = re.compile(
    r"\b(?:continuation|extension|roll-?over|follow-?on)\s+(?:study|trial|protocol)\b|"
    r"\bparent\s+(?:study|trial|protocol)\b|\bcontinuing\s+from\b|"
    r"\b(?:participated|co-?enrolled|enrolled)\s+in\s+(?:protocol|study|trial)\s+[a-z-]*\d[\w-]*|"
    # "Subjects who received an iPSC-derived NK cell in a Fate Therapeutics interventional study"
    r"\b(?:received|treated\s+with|participated\s+in)\b[^.;]{0,80}?\bin\s+(?:a|an|the|any)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:interventional|parent|prior|previous|sponsor\w*)\s+(?:study|studies|trial|protocol)\b"
)


#: Spread to only a few places: "up to five metastases", "1-3 metastatic lesions", "oligometastatic
#: disease" (brain-only counts are the brain reader's: "1-6 brain metastases").
_METASTASES_NOUN = (
    r"(?:\w+\s+)?(?:metasta(?:ses|tic\s+(?:lesions|sites|deposits))|sites\s+of\s+metasta\w*)\b"
    r"(?!\s+(?:to|in|of)\s+(?:the\s+)?(?:brain|cns))"
)
_FEW_METASTASES = re.compile(
    r"\boligo-?metasta\w*|\b(?:up\s+to|no\s+more\s+than|at\s+most|a\s+maximum\s+of|maximum\s+of|<=|"
    r"[1-5]\s*(?:-|to))\s*(?:[1-9]|one|two|three|four|five|six)\s+" + _METASTASES_NOUN + "|"
    r"\b(?:[1-9]|one|two|three|four|five|six)\s+or\s+fewer\s+" + _METASTASES_NOUN
)


#: Cancer in the chest wall or skin as the disease a study is for: "chest wall recurrence only",
#: "must have cutaneous metastases", "presence of skin lesions"; not a skin lesion's measurement
#: rule or one site among others ("metastatic disease and/or chest wall recurrence").
_CHEST_WALL = re.compile(
    r"\b(?:chest[\s-]wall|cutaneous|skin|dermal)\s+(?:recurrence|disease|lesions?|nodules?|tumou?rs?|"
    r"metasta\w*|involvement)\b(?=(?:(?!\bor\b)[^.;]){0,25}\bonly\b)|"
    r"^\W*(?:patients\s+)?(?:must\s+have|with|presence\s+of|having)\s+(?:\w+\s+){0,3}?(?:chest[\s-]wall|"
    r"cutaneous|skin|dermal)\s+(?:recurrence|disease|lesions?|nodules?|metasta\w*)\b(?![^.;]*\b(?:or|will|if)\b)|"
    # "Advanced breast cancer with locally recurrent chest wall disease"
    r"\b(?:cancer|carcinoma)\s+with\s+(?:\w+\s+){0,2}?(?:chest[\s-]wall|cutaneous|skin)\s+(?:recurrence|disease|"
    r"lesions?|metasta\w*|involvement)\b(?![^.;]*\b(?:or|will|if)\b)"
)


#: A study of a transplant complication, not of the cancer: "acute graft-versus-host disease".
GVHD = re.compile(r"\bgraft[\s-]+(?:vs\.?|versus)[\s-]+host\s+disease|\bgvhd\b")
#: Cancer not yet known to be back: "who have suspected recurrence on history or examination".
#: "Known or suspected metastatic disease", "prior GVHD <= grade 1", "mismatched in the GVHD
#: direction": the condition is one way in, a limit, or a word of another rule.
_NOT_THE_CONDITION = re.compile(
    r"\b(?:known|confirmed|proven|documented)\s+(?:or|and/or)\s+$|\bthe\s+$|"
    r"^\s*(?:\(gvhd\)\s*)?(?:direction|<=|≤|grade\s*(?:<=|≤|[0-4]))"
)
_EARLIER = re.compile(r"\bprior\b|\bhistory\b")
_SUSPECTED = re.compile(r"\bsuspected\s+(?:\w+\s+)?(?:recurren\w*|relapse|metasta\w*)")


#: "Worst pain, fatigue, or distress rated at >= 3 out of 10": a level of symptoms to have.
_SYMPTOM_SCORE = re.compile(
    r"\b(?:pain|fatigue|distress|symptoms?|dyspn\w*|breathless\w*|nausea|insomnia|anxiety|"
    r"depressi\w*|interference)\b[^.;]{0,80}?(?:>\s*/\s*=|>=|>|at\s+least|or\s+(?:more|greater|higher)|of)\s*"
    r"\d{1,2}\s*(?:out\s+of\s+10|/\s*10)\b|(?:>=|>|at\s+least)\s*\d{1,2}\s*(?:out\s+of\s+10|/\s*10)"
    r"[^.;]{0,40}?\b(?:pain|fatigue|distress|symptoms?)\b"
)


#: Taking part in another study at the centre: "under active treatment for cancer on a protocol
#: at NIH", "co-enrolled in a NIH CC protocol in which radiation will be administered", "on an
#: interventional research protocol at NIH".
_CO_ENROLLED = re.compile(
    r"\b(?:under\s+(?:active\s+)?treatment|being\s+treated|receiving\s+treatment)\b[^.;]{0,40}?\bon\s+"
    r"(?:a|an)\s+(?:[\w-]+\s+){0,4}?protocol\b|\bco-?enrolled\s+(?:on|in)\s+(?:a|an|the)\s+"
    r"(?:[\w-]+\s+){0,4}?protocol\s+in\s+which\b|\bon\s+an\s+interventional\s+(?:research\s+)?protocol\b"
)
#: ... unless being seen there is enough ("being evaluated for and/or treated on a protocol").
_ANY_VISIT = re.compile(r"\bevaluat\w*|\bscreen\w*|\bconsult\w*|\bconsider\w*|\bfollow[\s-]?up\b")
#: "The cancer diagnosis should have been made less than a year from the next appointment",
#: "Diagnosed within the past 8 weeks": a time since diagnosis, which no profile records.
_RECENT_DIAGNOSIS = re.compile(
    r"\bdiagnos(?:is|ed)\s+(?:of\s+(?:[a-z/+-]+\s+){1,4}?)?(?:(?:should|must|was|has|have)\s+(?:have\s+)?"
    r"(?:been\s+)?(?:made\s+)?)?"
    r"(?:less\s+than|within|in\s+the\s+(?:past|last|previous|preceding))\s+(?:the\s+(?:past|last)\s+)?"
    r"(?:a|one|two|three|six|twelve|\d+)\s*(?:years?|months?|weeks?)\b"
)
#: ... but not of another cancer ("other malignancies diagnosed within 5 years"), nor a way in.
_NOT_A_RECENT_DIAGNOSIS = re.compile(
    r"\bother\b|\bprior\s+malignan|\bsecond\b|\bsynchronous\b|\bin\s+situ\b|\bif\b|\beligible\b|\bexcept"
)
#: "... diagnosed within 12 months of concluding adjuvant chemotherapy": a relapse interval.
_TIMED_FROM_TREATMENT = re.compile(
    r"[^.;]{0,40}?\b(?:adjuvant|completion|completing|concluding|surgery|treatment|therapy)\b"
)


#: "Patients with a prescription for any oral anticancer agent": a treatment she must be on.
_PRESCRIBED = re.compile(
    r"\b(?:with|have|has|holding)\s+(?:a\s+|an\s+)?(?:current\s+|active\s+|valid\s+)?prescription\s+"
    r"(?:for|of)\b|\b(?:currently\s+)?prescribed\s+(?:an?\s+|any\s+)?(?:oral\s+)?(?:anti-?cancer|"
    r"chemotherap|endocrine|hormonal|targeted|oral)"
)


#: The breast tumour must still be there: "intact primary tumor", "primary tumor in place", or,
#: among the exclusions, "prior surgery of the primary tumor".
_PRIMARY_IN_PLACE = re.compile(
    r"\b(?:intact|unresected|unoperated|untreated)\s+primary\b|\bprimary\s+(?:breast\s+)?(?:tumou?rs?|"
    r"lesions?|cancer)\s+(?:still\s+)?(?:in\s+place|(?:is\s+|remains\s+)?intact|(?:that\s+)?(?:has|have)\s+not\s+"
    r"(?:yet\s+)?been\s+(?:resected|removed|excised|operated))"
)
_PRIMARY_REMOVED = re.compile(
    r"\b(?:prior|previous)\s+(?:surgery|surgical\s+resection|resection|excision|mastectomy)\s+(?:of|to)\s+"
    r"(?:the\s+)?primary\b"
)


def _primary_in_place(text: str, kind: Source) -> bool:
    """A rule that needs the breast tumour still in place, in either section: the tumour in place
    required, or its removal ruled out ("must not have had prior surgical resection of the primary
    lesion", "Prior surgery of the primary tumor" among the exclusions)."""
    in_place = _PRIMARY_IN_PLACE.search(text) if kind == "inclusion" else None
    if in_place is not None and polarity(text, in_place.start(), in_place.end(), kind) == "require":
        return True
    removed = _PRIMARY_REMOVED.search(text)
    return removed is not None and polarity(text, removed.start(), removed.end(), kind) == "exclude"


def read_disease_state(text: str, quote: str, kind: Source, out: Collector) -> None:
    """De novo metastatic disease ("primary confirmed distant metastatic breast cancer (M1)"),
    disease stable on treatment, a place in the study this one continues, or the breast tumour
    still in place, required: facts no profile records, so the verdict asks."""
    if kind == "exclusion" and "primary" in text and _primary_in_place(text, kind):
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.PRIMARY_IN_PLACE)
    if kind != "inclusion":
        return
    before = len(out.requirements)
    _read_inclusion_state(text, quote, kind, out)
    if len(out.requirements) == before and "primary" in text and _primary_in_place(text, kind):
        # one question per criterion: "De novo stage IV with an intact primary tumour" asks the first
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.PRIMARY_IN_PLACE)
    if len(out.requirements) == before and _recently_diagnosed(text, kind):
        # last, so "De novo stage IV ... diagnosed within the past 6 months" asks the first
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.RECENT_DIAGNOSIS)


def _recently_diagnosed(text: str, kind: Source) -> bool:
    recent = _RECENT_DIAGNOSIS.search(text) if "diagnos" in text else None
    return (
        recent is not None
        and not _NOT_A_RECENT_DIAGNOSIS.search(text)
        and not _TIMED_FROM_TREATMENT.match(text, recent.end())
        and polarity(text, recent.start(), recent.end(), kind) == "require"
    )


def _read_inclusion_state(text: str, quote: str, kind: Source, out: Collector) -> None:
    if ("stud" in text or "trial" in text or "protocol" in text) and PARENT_STUDY.search(text):
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.PARENT_STUDY)
        return
    for qualifier, pattern in (
        (Qualifier.TRANSPLANT_COMPLICATION, GVHD),
        (Qualifier.SUSPECTED_RECURRENCE, _SUSPECTED),
    ):
        mention = pattern.search(
            text, 0, 120 if qualifier == Qualifier.TRANSPLANT_COMPLICATION else len(text)
        )
        if (
            mention is not None
            and not (
                qualifier == Qualifier.TRANSPLANT_COMPLICATION
                and _EARLIER.search(text, 0, mention.start())
            )
            and not _NOT_THE_CONDITION.search(text, 0, mention.start())
            and not _NOT_THE_CONDITION.match(text, mention.end())
            and polarity(text, mention.start(), mention.end(), kind) == "require"
        ):
            out.require(Factor.DISEASE_STATE, True, quote, kind, qualifier)
            return
    prescribed = _PRESCRIBED.search(text) if "prescri" in text else None
    if (
        prescribed is not None
        and polarity(text, prescribed.start(), prescribed.end(), kind) == "require"
    ):
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.PLANNED_TREATMENT)
        return
    enrolled = _CO_ENROLLED.search(text) if "protocol" in text else None
    if (
        enrolled is not None
        and not _ANY_VISIT.search(text)
        and polarity(text, enrolled.start(), enrolled.end(), kind) == "require"
    ):
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.CO_ENROLLED)
        return
    burden = _SYMPTOM_SCORE.search(text) if "10" in text else None
    if burden is not None and polarity(text, burden.start(), burden.end(), kind) == "require":
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.SYMPTOM_BURDEN)
        return
    chest = _CHEST_WALL.search(text)
    if chest is not None and polarity(text, chest.start(), chest.end(), kind) == "require":
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.CHEST_WALL)
        return
    few = _FEW_METASTASES.search(text)
    if few is not None and polarity(text, few.start(), few.end(), kind) == "require":
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.FEW_METASTASES)
        return
    if _NOT_HER_DISEASE.search(text):
        return
    if ("no" in text or "complete" in text) and _NED.search(text):
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.NO_EVIDENCE_OF_DISEASE)
        return
    for detail, pattern in ((Qualifier.DE_NOVO, _DE_NOVO), (Qualifier.STABLE_DISEASE, _STABLE_DISEASE)):
        mention = pattern.search(text)
        if mention is not None and polarity(text, mention.start(), mention.end(), kind) == "require":
            out.require(Factor.DISEASE_STATE, True, quote, kind, detail)


def read_inflammatory(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Inflammatory breast cancer required ("stage III IBC or stage IV IBC"): a type no profile
    records, so the verdict asks. "IBC or non-IBC", "IBC is eligible" and exclusions are skipped
    (a fact not given never excludes)."""
    if kind != "inclusion":
        return
    mention = _IBC.search(text)
    if mention is None or _ANY_IBC.search(text):
        return
    if polarity(text, mention.start(), mention.end(), kind) == "require":
        out.require(Factor.INFLAMMATORY, True, quote, kind)


#: Symptom names as plain words in a prefix tree; word boundaries are checked on each match.
_SYMPTOM_NAMES = re.compile(
    trie_pattern(
        [
            "pain",
            "fatigue",
            "hot flash",
            "hot flashes",
            "hot flush",
            "hot flushes",
            "nausea",
            "vomiting",
            "neuropathy",
            "neuropathies",
            "lymphedema",
            "lymphoedema",
            "insomnia",
            "anxiety",
            "depression",
            "distress",
            "cachexia",
            "mucositis",
            "alopecia",
            "hair loss",
            "dyspnea",
            "dyspnoea",
            "constipation",
            "diarrhea",
            "diarrhoea",
            "hypercalcemia",
            "hypercalcaemia",
            "dermatitis",
            "arthralgia",
            "arthralgias",
            # complications of the cancer a study may be for, which no profile records
            "spinal cord compression",
            "cord compression",
            "epidural compression",
            "pleural effusion",
            "pleural effusions",
            "malignant effusion",
            "malignant effusions",
            "ascites",
            "pathologic fracture",
            "pathologic fractures",
            "pathological fracture",
            "pathological fractures",
            "bowel obstruction",
        ]
    )
)


#: Words before a symptom's name that say the people do not have it, or that it is an outcome.
_NOT_HAVING_IT = re.compile(r"\b(?:without|no|free\s+of|absence\s+of|time\s+to)\s+(?:\w+\s+)?$")


def _symptom_in(text: str) -> str | None:
    """The first whole-word symptom name in ``text`` (not "non-painful" or "painless")."""
    for match in _SYMPTOM_NAMES.finditer(text):
        start, end = match.span()
        before = text[start - 1 : start]
        if (before.isalnum() or text.endswith("non-", 0, start)) or text[end : end + 1].isalnum():
            continue
        if _NOT_HAVING_IT.search(text, max(0, start - 20), start):
            continue  # "Metastases Without Spinal Cord Compression", "Time to Pathologic Fracture"
        return match.group(0)
    return None


def read_symptom_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition naming a symptom or a complication ("Spousal Relationships and Pain in
    ...", "Hot Flashes", "Metastatic Epidural Spinal Cord Compression") makes having it (or being
    at risk of it) a condition no profile records."""
    symptom = _symptom_in(joined)
    if symptom is None:
        return
    quote = next((t for t in labels if _symptom_in(normalize(t))), labels[0])
    out.require(Factor.SYMPTOM, True, quote, kind, note=symptom)


_NEW_DIAGNOSIS = re.compile(
    r"\b(?:newly|recently)\s+diagnosed\s+(?:with\s+)?(?:an?\s+)?(?:[a-z/+-]+\s+){0,5}?"
    r"(?:breast|cancer|carcinoma|mbc|stage)\b|"
    r"\binitial\s+diagnosis\s+of\s+(?:[a-z/+,-]+\s+){0,6}?(?:breast|cancer|carcinoma|stage)\b|"
    # "Patients with new pathological diagnosis of invasive primary BC after the site activation"
    r"\bnew\s+(?:pathologic(?:al)?\s+|histologic(?:al)?\s+)?diagnosis\s+of\s+(?:[a-z/+,-]+\s+){0,6}?"
    r"(?:breast|cancer|carcinoma|stage|bc)\b"
)
#: "Newly diagnosed or recurrent", "newly diagnosed brain metastases": not a first diagnosis of it.
_NOT_A_FIRST_DIAGNOSIS = re.compile(
    r"\bbrain\b|\bcns\b|lepto|mening|\bor\s+(?:\w+\s+)?(?:recurrent|relapsed|progressive|previously|"
    r"pre-?treated|refractory)"
)


def read_new_diagnosis(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A study of newly diagnosed cancer ("newly diagnosed stage I-IV breast cancer") is not for
    someone already treated for metastatic disease: read as no prior line for advanced cancer."""
    if kind != "inclusion":
        return
    match = _NEW_DIAGNOSIS.search(text)
    if (
        match is None
        or _NOT_A_FIRST_DIAGNOSIS.search(text, match.start())
        or ORGAN.search(match.group(0))
    ):
        return
    if polarity(text, match.start(), match.end(), kind) == "require":
        out.limit(LimitFactor.PRIOR_LINES, None, 0, quote, kind)
