"""Disease setting cues (metastatic versus early) and mentions of breast cancer."""

from __future__ import annotations

import re

from matchers.findings import (
    Source,
)
from matchers.reader.collector import Collector, SettingCue
from matchers.reader.context import polarity
from matchers.reader.receptors import receptor_mentions
from matchers.reader.regex_tools import first_letter_pattern, last_match, word_start_pattern
from matchers.reader.text import trim_quote

#: A cancer of another organ ("non-small cell lung cancer", "glioma"): the reader's and the scope's.
ORGAN = re.compile(
    first_letter_pattern(
        r"\b(?:lung|nsclc|sclc|mcrpc|crpc|dlbcl|cll|aml|prostat\w*|pancrea\w*|pdac|colorectal|colon|rectal|crc|gastric|stomach|esophag\w*|"
        r"oesophag\w*|hepatocellular|hcc|liver\s+cancer|kidney|renal\s+cell|rcc|bladder|urothelial|ovar\w*|"
        r"cervical|cervix|endometri\w*|uterine|head\s+and\s+neck|hnscc|thyroid|melanoma|skin|glioma|"
        r"glioblastoma|brain\s+tumou?r|lymphoma|leukemi\w*|leukaemi\w*|myeloma|sarcoma|mesothelioma|biliary|"
        r"cholangio\w*|neuroendocrine|testicular|germ\s+cell|myelofibrosis|myelodysplastic|nasopharyn\w*|"
        r"gastro-?esophageal|gej|anal|penile|vulvar|merkel|carcinoid|periampullary|ampullary|duoden\w*|"
        r"giant\s+cell|bone\s+tumou?r|osteo\w*|ewing|wilms|neuroblastoma|retinoblastoma|hepatoblastoma|gist|"
        r"adrenal|thym\w*|appendi\w*|peritoneal|fallopian|bowel|gall\s?bladder|laryn\w*|uveal|"
        r"salivary|oropharyn\w*|hypopharyn\w*|tongue|vagina\w*|hodgkin\w*|abdominal|abdomen|pelvic|pelvis|"
        r"retroperitone\w*|gynecolog\w*|gynaecolog\w*|genitourinary|gastrointestinal|digestive|"
        r"hepatobiliary|cns\s+tumou?r|central\s+nervous\s+system\s+tumou?r|cerebellar|nerve\s+sheath|"
        r"neurofibroma\w*|schwannoma|ependymoma|medulloblastoma|meningioma|astrocytoma|oligodendroglioma|"
        r"dendritic\s+cell|plasmacytoid|mycosis\s+fungoides|nhl|lymphoproliferative|myeloproliferative)s?\b"
    )
)
_METASTATIC = re.compile(
    # Each word boundary is checked just after the first letter ("m(?<!\wm)bc" is "\bmbc"), so the
    # engine skips positions by first character; a leading "\b" would prevent that.
    r"o(?<!\wo)(?<!non-o)ligo-?metasta(?:tic|ses|sis|size\w*)\b|m(?<!\wm)(?:(?<!non-m)etasta(?:tic|"
    r"ses|sis|size\w*)\b|bc\b|1\b)|s(?<!\ws)tage\s*(?:iv|4)\b|u(?<!\wu)nresectable\b|"
    r"i(?<!\wi)noperable\b|a(?<!\wa)(?:(?<!locally\sa)dvanced|bc)\b|n(?<!\wn)ot\s+amenable\s+to\s+"
    r"(?:curative|local)|d(?<!\wd)(?:e\s+novo\s+stage|istant\s+(?:recurrence|relapse|disease))"
)
#: Words before "metastases" that make it regional spread (stage II-III), not distant disease.
_NODAL_BEFORE = re.compile(
    r"\b(?:axillary|axilla|nodal|lymph[\s-]?nodes?|nodes?|regional|sentinel|ipsilateral|"
    r"supraclavicular|infraclavicular|internal\s+mammary)\s+(?:lymph\s+)?(?:nodes?\s+)?(?:\w+\s+)?$"
)
_NODAL_AFTER = re.compile(
    r"\s*(?:(?:disease|spread|involvement|deposits?)\s+)?(?:to|in|of|within|involving)\s+(?:the\s+)?"
    r"(?:(?:\d+|one|two|three|four)(?:\s*(?:-|to|or)\s*\d+)?(?:\s+or\s+more)?\s+|"
    r"more\s+than\s+\d+\s+)?"
    r"(?:(?:ipsilateral|regional|axillary)\s+)*(?:axilla|axillary|lymph|nodes?|regional|"
    r"(?:supra|infra)clavicular|internal\s+mammary)\b|"
    r"\s+(?:(?:axillary|regional|ipsilateral)\s+)*(?:lymph[\s-]?)?nodes?\b|\s+axillary\b|"
    r"\s*(?:(?:greater|larger|smaller|less|more)\s+than|>|<|>=|<=)\s*\d+(?:\.\d+)?\s*mm\b"
)


def is_nodal(text: str, start: int, end: int) -> bool:
    """Whether the "metastases" at ``text[start:end]`` means spread to nearby lymph nodes.

    "Axillary metastases" or "metastatic lymph nodes" describe stage II-III cancer that can still
    be operated on, not cancer that has spread to distant organs.
    """
    return (
        _NODAL_BEFORE.search(text, max(0, start - 40), start) is not None
        or _NODAL_AFTER.match(text, end) is not None
    )


def distant_metastasis(text: str) -> re.Match[str] | None:
    """The first mention of advanced or metastatic disease that is not only nodal spread."""
    match = _METASTATIC.search(text)
    while match is not None:
        if not match.group(0).startswith(("metasta", "oligo")) or not is_nodal(
            text, match.start(), match.end()
        ):
            return match
        match = _METASTATIC.search(text, match.end())
    return None


_LOCALLY_ADVANCED = re.compile(
    word_start_pattern(r"\blocally[\s-]+advanced\b|\blocally[\s-]+recurrent\b|\brecurrent\b")
)
_EARLY = re.compile(
    r"\bnon-?metastatic\b|\bm0\b|\bearly[\s-]+stage\b|\bcurative(?:/radical)?\s+intent\b|\bearly\s+(?:her2\S*\s+|hr\S*\s+|triple\S*\s+)?"
    r"breast\s+cancer\b|\bebc\b|\boperable\b|\bresectable\b|\bductal\s+carcinoma\s+in\s+situ\b|\bdcis\b|"
    r"\bcandidates?\s+for\s+(?:breast\s+)?surgery|\b(?:scheduled|planned|undergo\w*)\s+(?:for\s+|to\s+)?"
    r"(?:(?:upfront|up-front|definitive|primary|curative)\s+)*(?:breast\s+)?(?:cancer\s+)?"
    r"(?:surgery|mastectomy|lumpectomy|resection)|\bneo-?adjuvant\b|\bhigh[\s-]risk\s+of\s+"
    r"developing|\bstage\s*(?:0|i{1,3}[abc]?|[123][abc]?)\b(?:\s*(?:-|to|or|,|and|/)\s*(?:stage\s*)?"
    r"(?:i{1,3}[abc]?|[123][abc]?)\b)*(?!\s*(?:-|to|or|,|and|/)\s*(?:stage\s*)?(?:iv|4))"
)
_TNM_EARLY = re.compile(
    r"\b[cpy]?t(?:is|[0-4])[a-d]?\b(?:\s*(?:-|to|or|,)\s*t?[0-4][a-d]?\b)*[^.;]{0,60}?\b[cpy]?n[0-3][a-c]?\b"
)
_IN_SITU = frozenset({"dcis", "ductal carcinoma in situ"})
_INVASIVE_OR_IN_SITU = re.compile(
    r"(?<!non-)(?<!non)\binvasive\b[^.;]{0,80}?(?:\bor|\band|,)\s+(?:[\w()-]+\s+){0,3}?(?:non-?invasive|"
    r"\(?dcis\b|(?:ductal\s+|lobular\s+)?carcinoma\s+in\s+situ|in\s+situ)|"
    r"\b(?:dcis|in\s+situ)\b[^.;]{0,40}?\b(?:or|and)\s+(?:\w+\s+){0,2}?invasive\b"
)


def invasive_or_in_situ(text: str) -> bool:
    """Whether carcinoma in situ is named beside invasive cancer as an alternative ("invasive
    breast cancer or DCIS"), which takes any breast cancer rather than only early disease."""
    return "invasive" in text and _INVASIVE_OR_IN_SITU.search(text) is not None


_HISTORY_CONTEXT = re.compile(
    r"\b(?:prior|previous\w*|history|relaps\w*|recurr\w*|progress\w*|completed|received|after|"
    r"following|diagnosed\s+with|initially|original|primary\s+diagnosis)\b"
)
_RECURRENT_BESIDE = re.compile(r"^(?:recurrent|relapsed)\s*(?:(?:or|and/or|and|/|,)\s*)?$")


def _in_history(text: str, start: int) -> bool:
    """Whether the advanced-disease word at ``start`` names past events ("history of metastatic
    disease"), not the disease she has now; "recurrent or metastatic" is the disease now."""
    pre = text[max(0, start - 40) : start]
    history = last_match(_HISTORY_CONTEXT, pre)
    if history is None:
        return False
    if _RECURRENT_BESIDE.match(pre[history.start() :]):
        return _HISTORY_CONTEXT.search(pre, 0, history.start()) is not None
    return True


_SITE_WORDS = re.compile(
    r"\b(?:brain|cns|central\s+nervous|leptomening\w*|liver|hepatic|bone|lung|visceral|spinal|meningeal|"
    r"symptomatic|uncontrolled|active|untreated|intracranial|cerebral|known|untreatable|"
    # "Only site of metastatic disease is unmeasurable": about her metastases, not their absence
    r"sites?\s+of|unmeasurable|non-?measurable|measurable)\b"
)
#: "Known distant metastasis": metastatic disease anywhere, whatever word stands before it.
_DISTANT_BEFORE = re.compile(r"\bdistant\s+$")
_THERAPY_CONTEXT = re.compile(
    r"therap|treatment|chemo|\bline|regimen|setting|received|prior|previous|malignan|another|"
    r"second\s+primary|other\s+(?:primary|cancer)|biopsy|lesion"
)
#: Breast cancer named in a text (also "mbc", "tnbc", "mtnbc").
BREAST = re.compile(word_start_pattern(r"\bbreast\b|\bmammary\b|\bm?tnbc\b|\bmbc\b"))
METASTATIC_HINTS = (
    "metasta",
    "stage",
    "resectable",
    "operable",
    "advanced",
    "mbc",
    "abc",
    "m1",
    "amenable",
    "de novo",
    "distant",
    "recurrent",
)
EARLY_HINTS = (
    "non-metasta",
    "nonmetasta",
    "non metasta",
    "m0",
    "early",
    "ebc",
    "operable",
    "resectable",
    "situ",
    "dcis",
    "surgery",
    "mastectomy",
    "lumpectomy",
    "resection",
    "adjuvant",
    "risk",
    "stage",
)
_ANY_STAGE = re.compile(
    r"\b(?:any|all|every)\s+(?:disease\s+)?stages?\b|\bregardless\s+of\s+(?:disease\s+)?stage\b|"
    r"\bstages?\s+(?:0|i|1)\s*(?:-|to|through|and)\s*(?:iv|4)\b"
)
_STAGE_ID = r"(?:0|i{1,3}[abc]?|iv|[1-4][abc]?)\b"
#: A whole list of stages, read greedily: "stage I, II, III or IV", "stage II, III, or IV",
#: "stages IIIB-IV".
_STAGE_LIST = re.compile(
    word_start_pattern(
        r"\bstages?\s*"
        + _STAGE_ID
        + r"(?:\s*(?:,\s*(?:and/or|or|and)?|-|to|through|or|and/or|and|/|&)\s*(?:stage\s*)?"
        + _STAGE_ID
        + r")+"
    )
)
_STAGE_TOKEN = re.compile(r"(?<=[\s,/&-])" + _STAGE_ID + r"|(?<=stage)" + _STAGE_ID)


def _stages_span_both(text: str) -> bool:
    """Whether a list of stages runs from operable stages (0-III) to stage IV."""
    for match in _STAGE_LIST.finditer(text):
        tokens = {t.group(0) for t in _STAGE_TOKEN.finditer(match.group(0))}
        if tokens & {"iv", "4"} and tokens - {"iv", "4"}:
            return True
    return False


def read_setting(
    text: str,
    quote: str,
    kind: Source,
    out: Collector,
    *,
    metastatic_words: bool = True,
    early_words: bool = True,
) -> None:
    """Cues for metastatic versus early (curative, pre-operative, screening) disease."""
    if kind == "inclusion" and "stage" in text and (_ANY_STAGE.search(text) or _stages_span_both(text)):
        # "Breast cancer of any stage": both settings, so the study is open to her.
        out.setting.append(SettingCue("metastatic", trim_quote(quote), kind))
        out.setting.append(SettingCue("early", trim_quote(quote), kind))
        out.setting.append(SettingCue("any_stage", trim_quote(quote), kind))
        return
    if kind == "inclusion":
        metastatic = distant_metastasis(text) if metastatic_words else None
        if metastatic is not None:
            mode = polarity(text, metastatic.start(), metastatic.end(), kind)
            lab = "uln" in text or "upper limit" in text  # "(or <= 5 x ULN with liver metastases)"
            if mode == "require" and not lab and not _in_history(text, metastatic.start()):
                out.setting.append(SettingCue("metastatic", trim_quote(quote), kind))
            elif (
                mode == "exclude"
                and not _SITE_WORDS.search(text[max(0, metastatic.start() - 40) : metastatic.end() + 15])
                and not _THERAPY_CONTEXT.search(text)
            ):
                out.setting.append(SettingCue("early_strong", trim_quote(quote), kind))
        elif _LOCALLY_ADVANCED.search(text) and not _HISTORY_CONTEXT.search(text):
            out.setting.append(SettingCue("locally_advanced", trim_quote(quote), kind))
        early = _EARLY.search(text) if early_words else None
        if early is not None and early.group(0) in _IN_SITU and invasive_or_in_situ(text):
            # "invasive breast cancer or DCIS" takes any breast cancer, not only early disease
            early = next((m for m in _EARLY.finditer(text) if m.group(0) not in _IN_SITU), None)
        if early is None and early_words and "m1" not in text:
            early = _TNM_EARLY.search(text)  # "T1-2 N0-1": tumour and node stages of operable cancer
        if (
            early is not None
            and not _HISTORY_CONTEXT.search(text)
            and polarity(text, early.start(), early.end(), kind) == "require"
        ):
            strong = early.group(0).startswith(("non", "m0"))
            out.setting.append(
                SettingCue("early_strong" if strong else "early", trim_quote(quote), kind)
            )
    elif kind == "exclusion":
        metastatic = distant_metastasis(text) if metastatic_words else None
        if metastatic is None or "locally" in text[max(0, metastatic.start() - 10) : metastatic.start()]:
            return
        window = text[max(0, metastatic.start() - 40) : metastatic.end() + 25]
        if (_SITE_WORDS.search(window) and not _DISTANT_BEFORE.search(text, 0, metastatic.start())) or (
            _THERAPY_CONTEXT.search(text)
        ):
            return
        if polarity(text, metastatic.start(), metastatic.end(), kind) == "exclude":
            out.setting.append(SettingCue("early_strong", trim_quote(quote), kind))


def read_breast_mention(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Whether the criteria name breast cancer positively (a pan-tumor trial that takes it)."""
    if kind not in ("inclusion", "exclusion") or ("breast" not in text and "mammary" not in text):
        return
    match = BREAST.search(text)
    if match is None or re.search(r"breast[\s-]?feeding|nursing", text):
        return
    mode = polarity(text, match.start(), match.end(), kind)
    if mode == "exclude" and receptor_mentions(text[max(0, match.start() - 40) : match.start()]):
        return  # "excluding HER2-positive breast cancer" turns one subtype away, read as a receptor rule
    if mode == "exclude" and _not_her_breast_cancer(text, match.start()):
        # breast named among another cancer's exceptions ("another malignancy ... except:
        # carcinoma in situ of either cervix or breast"), or a protein named after the cancer:
        # no rule against her cancer
        mode = "allow"
    out.breast_mentions.append((mode, trim_quote(quote)))


#: A rule about a second cancer, up to the words that start its exceptions: "Patients with
#: another malignancy in the past 3 years except: ...", "History of another malignancy ...; does
#: not apply to ... in situ breast cancer".
_SECOND_CANCER_EXCEPTIONS = re.compile(
    r"\b(?:another|other(?!\s+than)|prior|previous|second|secondary|concurrent|additional)\s+"
    r"(?:\w+\s+){0,2}?(?:malignan\w*|cancers?|primar(?:y|ies))\b[^;.]{0,200}?\b(?:except|excluding|other\s+"
    r"than|with\s+the\s+exception\s+of|apart\s+from|aside\s+from|besides|unless|does\s+not\s+apply)\b"
)


_IN_SITU_BREAST = re.compile(
    r"\bin[\s-]situ\b[^.;]{0,40}?\bbreast\b|\bbreast\b[^.;]{0,20}?\bin[\s-]situ\b"
)


#: The rest of an exception list: it opens with "or", or says what the rule does not cover.
_AN_EXCEPTION_LIST = re.compile(
    r"^\W*or\b|\bexcept|\bexcluding\b|\bother\s+than\b|\bdoes\s+not\s+apply\b|\bunless\b|"
    r"\bwith\s+the\s+exception\b"
)


def _not_her_breast_cancer(text: str, breast_at: int) -> bool:
    """Breast named after the exception words of a rule about another cancer, or in a protein's
    name ("breast cancer resistance protein"): not a rule about her breast cancer."""
    if "resistance protein" in text[breast_at : breast_at + 40]:
        return True
    if (
        "situ" in text
        and _IN_SITU_BREAST.search(text)
        and "invasive" not in text
        and _AN_EXCEPTION_LIST.search(text)
    ):
        # "or carcinoma in situ, of either cervix or breast, that does not require further
        # treatment", "does not apply to ... in situ breast cancer": what is left of another
        # cancer's exceptions once the sentence splitter has cut the rule off
        return True
    return _SECOND_CANCER_EXCEPTIONS.search(text, 0, breast_at) is not None
