"""The context of a mention: required, excluded or allowed, and the clause words shared by readers."""

from __future__ import annotations

import re
from typing import Literal

from matchers.findings import (
    Source,
)
from matchers.reader.regex_tools import (
    first_class_pattern,
    hint_pattern,
    last_match,
    word_start_after_openings,
    word_start_pattern,
)
from matchers.reader.text import Polarity

BOUNDARY = re.compile(word_start_pattern(r";|,\s*(?:and|but)\b|\bbut\b|\bhowever\b|\bwhereas\b"))
_NOT_A_NEGATION = re.compile(
    r"\b(?:no|not)\s+(?:more|greater|less|fewer|later|earlier|longer|sooner)\s+than\b|"
    r"\bno\s+longer\b|\bnot\s+(?:only|limited\s+to|necessarily|otherwise)\b|\bnon-?small\b|"
    r"\bwhether\s+or\s+not\b|\bor\s+not\b|\bnot\s+applicable\b|\bif\s+not\b|"
    r"\bnot\s+amenable\b|\bnot\s+(?:an?\s+)?candidates?\b"
)
_NEGATOR = re.compile(
    r"\b(?:no|not|without|never|none|neither|nor|free\s+of|absence\s+of|negative\s+for|lack\s+of|"
    r"cannot|can't|won't|didn't|haven't|hasn't|don't|doesn't|must\s+not|should\s+not)\b"
)
EXCEPTION = re.compile(
    word_start_pattern(
        r"\b(?:except|unless|other\s+than|excluding|with\s+the\s+exception\s+of|apart\s+from|besides|"
        r"but\s+not|aside\s+from|with\s*(?:/|or|and/or)\s*without|no\s+(?:restriction|limit)\w*\s+(?:on|to|in|of)|"
        r"(?:may|can|could)\s+(?:also\s+)?(?:have\s+)?(?:received|had|been\s+treated|be\s+treated|"
        r"progressed\s+(?:on|after|following|during)))\b|"
        r"(?<!not\s)(?<!be\s)\b(?:permitted|allowed)\b"
    )
)
#: Words that let people in, and that keep them out, shared by the readers that look for them.
_MAY_JOIN = (
    r"may\s+(?:also\s+)?(?:be\s+)?(?:enroll\w*|includ\w*|eligible|particip\w*|enter\w*|allowed|permitted|"
    r"considered)"
)
_ALLOWED_WORDS = (
    r"allowed|permitted|eligible|acceptable|accepted|" + _MAY_JOIN + r"|(?:can|could)\s+(?:be\s+)?"
    r"(?:enroll\w*|includ\w*|particip\w*)"
)
#: "... are (also) eligible", "is allowed": a permission stated of what came before it.
IS_PERMITTED = r"\b(?:are|is)\s+(?:also\s+)?(?:allowed|permitted|eligible)\b"
#: A criterion that lets people in by its own words ("may be enrolled", "are eligible"), without
#: the conditions ("unless", "provided") that ``ALLOWING`` also counts.
LETS_IN = re.compile(IS_PERMITTED + r"|\b" + _MAY_JOIN + r"\b")
#: "... is not required": what a rule says it does not need.
NOT_REQUIRED = r"\bnot\s+(?:be\s+)?(?:required|necessary|mandatory|needed)\b"
#: "not eligible for any established conventional therapy" says she is no candidate for a
#: treatment, not that the people just named are turned away ("... not eligible for this study").
#: Only a treatment of her own care named after it makes it her candidacy: "not eligible for any
#: established conventional therapy", "ineligible to receive such therapy", "ineligible for
#: radiation therapy". "Not eligible for study therapy", "for protocol treatment", "for
#: randomization or treatment", "for Cohort A" or a window cut short still turn people away.
_NOT_ELIGIBLE_FOR_TREATMENT = (
    r"(?!\s+(?:for|to\s+receive)\s+(?:(?:(?:any|further|established|standard|conventional|curative|"
    r"approved|available|existing|other|such|systemic|local|intensive|high-?dose)\s+)+(?:[a-z/-]+\s+){0,2}?"
    r"(?:therap\w*|treatments?|chemo\w*|surgery|resection|radiation|radiotherap\w*|transplant\w*|"
    r"regimens?)|chemo\w*|surgery|surgical\s+resection|resection|radiation|radiotherap\w*|"
    r"transplant\w*)\b)"
)
_NOT_ALLOWED_WORDS = (
    r"not\s+(?:be\s+)?(?:allowed|permitted|accepted|acceptable|included|enrolled)|"
    r"(?:not\s+(?:be\s+)?eligible|ineligible)" + _NOT_ELIGIBLE_FOR_TREATMENT + r"|excluded|prohibited"
)
#: Words that open examples of what was just named ("e.g.", "such as", "including").
EXAMPLE_WORDS = r"e\.?\s?g\.?|such\s+as|including|for\s+example"
_POST_NOT_ALLOWED = re.compile(
    r"^[^;.]{0,60}?\b(?:(?:is|are|will\s+be|would\s+be)\s+)?(?:" + _NOT_ALLOWED_WORDS + r"|disallowed|"
    r"exclusionary|will\s+exclude)\b"
)
_POST_ALLOWED = re.compile(
    r"^[^;.]{0,60}?\b(?:" + _ALLOWED_WORDS + r"|is\s+acceptable|are\s+acceptable)\b"
)
#: "... or not" closing the clause: having it or not, either way she may join.
_OR_NOT = re.compile(r"^[^;.]{0,60}?\bor\s+not\b\s*(?:[;,.)]|$)")
_STATED_EXCLUSION = re.compile(
    r"\b(?:(?:is|are|will\s+be|be)\s+)?(?:not\s+(?:be\s+)?eligible|ineligible|excluded)\s+"
    r"(?:if|who|when|whose|that|with)\b"
)
_BOUNDARY_HINTS = (";", ", and", ",and", ", but", "but", "however", "whereas")
_NOT_A_NEGATION_HINTS = (
    "than",
    "longer",
    "only",
    "limited",
    "necessarily",
    "otherwise",
    "small",
    "whether",
    "or not",
    "applicable",
    "if not",
    "amenable",
    "candidate",
)
_NEGATOR_HINTS = ("no", "without", "never", "free of", "absence", "negative for", "lack", "n't")
_EXCEPTION_HINTS = (
    "except",
    "unless",
    "other than",
    "excluding",
    "apart",
    "besides",
    "but not",
    "aside",
    "without",
    "restriction",
    "limit",
    "may",
    "can be",
    "can have",
    "could",
    "permitted",
    "allowed",
)
_POST_HINTS = (
    "allow",
    "permit",
    "eligib",
    "accept",
    "includ",
    "enrol",
    "exclud",
    "prohibit",
    "may",
    "can",
    "consider",
)
BOUNDARY_HINT = hint_pattern(_BOUNDARY_HINTS)
_NOT_A_NEGATION_HINT = hint_pattern(_NOT_A_NEGATION_HINTS)
_NEGATOR_HINT = hint_pattern(_NEGATOR_HINTS)
_EXCEPTION_HINT = hint_pattern(_EXCEPTION_HINTS)
_POST_HINT = hint_pattern(_POST_HINTS)
#: A carve-out word a few words before the mention, not "except for patients with X, who ...".
LEFT_OUT = re.compile(
    r"(?:\bexclud\w*|\bother\s+than|\bexcept(?:\s+for)?|\bapart\s+from|\bnot\s+including|"
    r"\bwith\s+the\s+exception\s+of)\s+"
    r"(?:(?!(?:patients|participants|subjects|those|people|women|who|with|if|when)\b)[\w,/()-]+\s+){0,6}?$"
)


def pre_window(text: str, start: int, width: int = 110) -> str:
    """The clause before a mention: from the last boundary (or ``width`` chars) to the mention."""
    begin = max(0, start - width)
    pre = text[begin:start]
    if BOUNDARY_HINT.search(pre):
        last = last_match(BOUNDARY, pre)
        if last is not None:
            pre = pre[last.end() :]
    return pre


_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|must|should|shall|will|may|can|has|have|had|do|does)\b"
)


def _post_window(text: str, end: int) -> str:
    """The rest of a mention's clause: "(T-DM1) therapy is allowed" reads past the bracket, and
    ", and/or effusion-only disease are excluded" is one list sharing its verb, not a new clause."""
    post = text[end : end + 70]
    if ".g." in post or ".e." in post:
        # "(mTOR) therapy, e.g., everolimus, is allowed": an example's full stops end nothing
        post = post.replace("e.g.", "e g ").replace("i.e.", "i e ")
    if "(" in post:
        # a bracket does not use up the window: "chemotherapy ... (eBC; neoadjuvant or adjuvant
        # setting) is permitted" reads on to the verb, and "... central nervous system (CNS)
        # metastases are not eligible" to its last word
        post = BRACKETED.sub(" ", text[end : end + 160])[:80].split("(", 1)[0]
    if BOUNDARY_HINT.search(post):
        for boundary in BOUNDARY.finditer(post):
            joins_a_list = boundary.group(0)[0] == "," and "and" in boundary.group(0)
            if joins_a_list and not _VERB.search(post, 0, boundary.start()):
                continue  # a list: the verb after it applies to every member
            post = post[: boundary.start()]
            break
    return post


#: A modal that forbids ("must not", "may not", "cannot"): in either section it turns the mention
#: away, so it does not cancel an exclusion's own negation ("Exclusion: patients may not have X").
_PROHIBITION = re.compile(
    r"\b(?:must|may|should|shall|can|could)\s+not\b|\b(?:cannot|can't|mustn't|shouldn't)\b|"
    r"\bmust\s+have\s+no\b"  # "Patients must have no history of CNS metastasis", among exclusions
)
#: A relative clause describes the person ("patients who may not have had X"), not a rule.
_RELATIVE = re.compile(r"\b(?:who|whom|whose|that|which)\b")

Negation = Literal["prohibition", "negated"]


#: ", or have failed ...": an alternative with its own verb ends the negation before it.
_OR_NEW_CLAUSE = re.compile(
    r",\s*or\s+(?:who\s+)?(?:have|has|had|be|is|are|were|was)\s+\w+|"
    # "... not suitable for surgical treatment, or with metastatic disease": another way in
    r",\s*or\s+(?:those\s+|patients\s+)?with\b"
)


def negation(pre: str) -> Negation | None:
    """How the clause before a mention negates it, read as scope, not by counting words.

    The nearest negation trigger in the clause (its scope runs to the mention; the clause already
    ends at "but", "however", ";") decides: a prohibition ("must not have") turns the mention away,
    another trigger ("no", "without", "have not received") negates it. "... cannot enrol without X"
    is a double negative that requires X.
    """
    if _NEGATOR_HINT.search(pre) is None:
        return None
    triggers = list(_NEGATOR.finditer(pre))
    if not triggers:
        return None
    last = triggers[-1]
    if ", or" in pre and _OR_NEW_CLAUSE.search(pre, last.end()):
        return None  # "... measures do not exist, or have failed at least one line": a new clause
    if last.group(0) == "without" and len(triggers) > 1:
        return None  # "patients cannot be enrolled without prior X": X is required
    forbid = last_match(_PROHIBITION, pre)
    if (
        forbid is not None
        and forbid.end() == last.end()
        and not _RELATIVE.search(pre, 0, forbid.start())
    ):
        return "prohibition"
    return "negated"


_NO_RIGHT_BEFORE = re.compile(r"(?<!with\s)\bno\s+(?:prior\s+|previous\s+)?$")


def polarity(text: str, start: int, end: int, kind: Source) -> Polarity:
    """Whether the mention at ``text[start:end]`` is required, excluded or explicitly allowed.

    The section sets the default (inclusion requires, exclusion excludes); a negation whose scope
    reaches the mention flips it, and a prohibition excludes it in either section (see
    ``negation``); an exception word ("unless", "except", "other than") before it, or "is
    allowed" after it, makes it an allowance; "is not permitted" after it excludes.
    Cheap substring checks guard every pattern: most clauses contain none of these words.
    """
    if "(" in text and _in_exception_brackets(text, start):
        return "allow"  # "(with the exception of Gilbert's syndrome or liver metastases)"
    pre = pre_window(text, start)
    if _NOT_A_NEGATION_HINT.search(pre):
        pre = _NOT_A_NEGATION.sub(" ", pre)
    exception = EXCEPTION.search(pre) if _EXCEPTION_HINT.search(pre) else None
    if exception is not None and " but " in pre[exception.end() :]:
        exception = None  # "may have progressed on prior endocrine therapy but must not ..."
    if exception is not None:
        # An exception lets something back in where the clause shuts things out ("no prior hormonal
        # agent except tamoxifen", any exclusion); where an inclusion lets things in, a carve-out
        # right before the mention leaves it out ("any solid tumour other than breast").
        carve = LEFT_OUT.search(pre) if kind == "inclusion" else None
        if carve is not None:
            return "allow" if negation(pre[: carve.start()]) is not None else "exclude"
        return "allow"
    post = _post_window(text, end)
    if " or not" in post and _OR_NOT.search(post):
        return "allow"  # "may either have received prior anthracyclines and/or taxanes or not"
    if _POST_HINT.search(post):
        if _POST_NOT_ALLOWED.search(post):
            return "exclude"
        if _POST_ALLOWED.search(post):
            # "No prior chemotherapy for MBC is permitted": the permission is denied
            denied = _NO_RIGHT_BEFORE.search(pre) and "also" not in post[:24]
            return "exclude" if denied else "allow"
    positive = kind != "exclusion"
    if "eligib" in pre or "exclud" in pre:
        stated = last_match(_STATED_EXCLUSION, pre)
        if stated is not None:
            # "Patients are not eligible who have received X": excluded in either section.
            pre, positive = pre[stated.end() :], False
    # A closed bracket before the mention is an aside: "(not thyroid cancer)" negates nothing after it
    negated = negation(BRACKETED.sub(" ", pre) if ")" in pre else pre)
    if negated == "prohibition" or (
        negated == "negated" and kind == "exclusion" and _listed_as_no(text, start)
    ):
        return "exclude"
    if negated == "negated":
        positive = not positive
    return "require" if positive else "exclude"


#: "No documented progression on X", "No proven breast cancer": a missing qualification, which
#: excludes because it is missing (the literal double negative).
_NO_QUALIFYING = re.compile(
    r"no\s+(?:(?:documented|confirmed|prior|previous|radiological|objective)\s+)?"
    r"(?:progress\w*|response|relapse|recurrence|histolog\w*|cytolog\w*|confirm\w*|proven|measurable|"
    r"evaluable|evidence\s+of\s+(?:disease|progression)|written|informed|signed|consent)\b"
)


_EXCEPTION_OPENING = re.compile(
    r"\(\s*(?:with\s+(?:the\s+)?exceptions?\s+of|except(?:\s+for)?|excluding|other\s+than|apart\s+from|"
    r"unless|not\s+including|but\s+not)\b"
)


def _in_exception_brackets(text: str, start: int) -> bool:
    """Whether the mention sits inside brackets that open with an exception word."""
    opening = text.rfind("(", 0, start)
    if opening == -1 or text.find(")", opening, start) != -1:
        return False
    return _EXCEPTION_OPENING.match(text, opening) is not None


def _listed_as_no(text: str, start: int) -> bool:
    """An exclusion written "No brain metastases": the list's shorthand for "brain metastases
    exclude", not a double negative that requires them (its only negation opens the criterion).
    Qualifying features ("No measurable disease") are read by their own readers without this.
    """
    if not text.lstrip().startswith("no ") or _NO_QUALIFYING.match(text.lstrip()):
        return False
    return sum(1 for _ in _NEGATOR.finditer(text, 0, start)) == 1


CONDITIONAL = re.compile(
    word_start_after_openings(
        r"^(?:note\s*:\s*)?(?:it\s+is\s+(?:recommended|advised|expected)\s+that\s+)?(?:for\s+|in\s+)?"
        r"(?:(?:trial|study)\s+)?(?:patients|participants|subjects|those|women|people|cohort\s+\w+)?"
        # "Participants in Arm 3, Cohort 3 who have ...": one part's group
        r"(?:\s+(?:in|of|enrolled\s+(?:in|to))\s+(?:arm|cohort|part|group|stage)\s+\w+"
        r"(?:\s*,\s*(?:arm|cohort|part|group)\s+\w+)*)?,?\s*"
        # "Patients with breast cancer must ...": everyone using this app has it, so it binds her
        r"(?:with|who\s+have)\b(?!\s+(?:(?:metastatic|advanced|recurrent|unresectable)\s+)?breast\s+"
        r"(?:cancer|carcinoma)\s*,?\s+(?:must|should|need|have\s+to|are\s+required)\b)"
        r"[^;]{0,160}?\b(?:must|should|need|have\s+to|are\s+required|will\s+(?:be|receive)|"
        r"(?:may|can|could)\s+(?:also\s+)?(?:be|receive))\b|\bif\s+(?:her2|hr|er|(?:the\s+)?tumou?r|positive|"
        r"negative|(?:the\s+)?(?:patients?|participants?|subjects?)\s+(?:has|have|had|is|are|was|were|"
        r"received))\b|"
        r"\bin\s+case\s+of\b|\bfor\s+(?:patients|participants|subjects)\s+with\b|"
        r"\b(?:hr|er|pr|er/pr|hormone[\s-]receptor)\b[\w\s/+-]{0,30}?(?:positive|\+)[\w\s]{0,20}?"
        r"\b(?:patients|participants|subjects)\b[^;]{0,40}?\b(?:must|should|need)\b|"
        # "Triple negative breast cancer patients must have received ...", "ER+/PR+, ER-/PR+ and
        # ER+/PR- must have received ...": a rule for one group of patients
        r"\b(?:triple[\s-]negative|tnbc)\s+(?:breast\s+cancer\s+)?(?:patients|participants|subjects)\s+"
        r"(?:must|should|need|will)\b|\bher-?2\s+(?:over-?express\w*|positive|\+)\s+(?:breast\s+cancer|"
        r"disease|patients|participants)\s+(?:must|should)\s+have\s+(?:had|received)\b|^\W*(?:er|pr|hr)\s*[+-]\s*/\s*(?:er|pr|her-?2)\s*[+-][^;]{0,60}?"
        r"\b(?:must|should|need)\b|\b(?:patients|participants|subjects)\s+(?:are|is)\s+not\s+required\s+to\b"
    )
)
#: Words that make what follows in a title the thing a study measures, not whom it takes.
TITLE_TOPIC = re.compile(
    r"\b(?:prevalence|incidence|frequency|detection|detect|identify|identification|find|"
    r"determin\w*|testing|screening|assess\w*|"
    r"stud(?:y|ies)|analysis|characteri[sz]\w*|landscape|profil\w*|evaluation|monitoring|tracking|"
    r"quantification|measurement)\s+(?:of\s+|for\s+)?"
    r"(?:the\s+)?$"
)
ALLOWING = re.compile(
    r"\b(?:" + _ALLOWED_WORDS + r"|unless|except|provided|as\s+long\s+as|if\s+(?:they|the|all|patients|"
    r"participants|subjects|there|lesions|metastases)|are\s+included|will\s+be\s+included|qualif\w*|"
    r"with\s+or\s+without)\b"
)
NOT_ALLOWED = re.compile(r"\b(?:" + _NOT_ALLOWED_WORDS + r")\b")
BRAIN_CONDITIONAL = re.compile(
    r"\b(?:patients|participants|subjects|those)\s+with\b[^;]{0,80}?\b(?:must|should|need|have\s+to|"
    r"are\s+required|is\s+required)\b|\bif\s+(?:present|known|any)\b|\bif\s+(?:brain|cns)\b|"
    # "Corticosteroids for brain metastases must be stopped": a rule for those who have them
    r"\b(?:steroids?|corticosteroids?|dexamethasone|radiation|radiotherapy|irradiation|srs|wbrt|"
    r"radiosurgery|surgery|resection)\s+(?:use\s+)?(?:for|to|of)\s+(?:the\s+|any\s+|known\s+)?"
    r"(?:brain|cns|intracranial)\b|"
    r"\b(?:steroids?|corticosteroids?|dexamethasone)\s+(?:therapy\s+|treatment\s+)?(?:as\s+(?:therapy|treatment)\s+)?"
    r"(?:for|to|of)\s+(?:the\s+|any\s+|known\s+)?(?:(?:treatment|management|control)\s+of\s+"
    r"(?:the\s+|any\s+|their\s+)?)?(?:brain|cns|central\s+nervous|intracranial)\b|"
    # "... treatment of their CNS disease", "treatment indicated for brain metastasis"
    r"\b(?:of|for)\s+their\s+(?:brain|cns|intracranial)\b|\bindicated\s+for\s+(?:brain|cns)\b|"
    r"\bif\s+(?:central\s+nervous\s+system|intracranial|(?:a\s+)?history\s+of\s+(?:brain|cns))\b|"
    r"\bfor\s+(?:patients|participants|subjects|those)\s+(?:with|who\s+have)\s+(?:known\s+|a\s+history\s+of\s+|"
    r"previously\s+treated\s+|treated\s+)?(?:brain|cns|central\s+nervous)\b|"
    r"\b(?:brain|cns)\s+metasta\w*\s+(?:must|should)\s+not\s+be\s+the\s+(?:only|sole)\b|"
    # "Brain metastases must be controlled for 3 months", "... must not be the sole site of
    # disease": a rule for those who have them, opening the criterion
    r"^\W*(?:known\s+|any\s+|existing\s+)?(?:brain|cns|central\s+nervous\s+system)\s+(?:metasta\w*|mets|"
    r"lesions?|disease)\s+(?:\(if\s+present\)\s+)?(?:must|should|need\s+to|have\s+to)\s+"
    r"(?:be(?!\s+(?:present|measurable|documented|confirmed|visible))|not)\b|"
    # "At least 1 year since clinically significant CNS disease": a time since, for those who had it
    r"\bsince\s+(?:[\w-]+\s+){0,6}(?:brain|cns)\b|"
    # "For patients who have received previous local treatment (surgery, WBRT) for brain metastases"
    r"\bfor\s+(?:patients|participants|subjects|those)\s+who\s+(?:have|had|has)\s+(?:received|had|"
    r"undergone)\b[^.;]{0,160}?\b(?:for|of|to)\s+(?:the\s+|their\s+)?(?:brain|cns|intracranial)\b"
)
#: Each alternative starts with a plain character and checks the word boundary just after it
#: ("w(?<!\ww)ithin" is "\bwithin"): the regex engine can then skip, by first character, the
#: positions no alternative can start at, which a leading "\b" prevents (about 30% faster).
#: Grouped by first character in one class (one alternative starts with a digit, and an
#: alternation starting with groups or a digit gives the engine no first characters to skip by):
#: about twice as fast again.
WASHOUT = re.compile(
    first_class_pattern(
        r"w(?<!\ww)ithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?(?:\d+|one|two|three|four|"
        r"six)\b|(?:i(?<!\wi)n|d(?<!\wd)uring)\s+the\s+(?:last|past|previous|prior|preceding)\s+\d+\s*"
        r"(?:days?|weeks?|months?)\b|(?:<=|<|less\s+than|fewer\s+than)\s*\d+\s*(?:days?|weeks?|months?|"
        r"half[\s-]lives)|(?:>=|g(?<!\wg)reater\s+than\s+or\s+equal\s+to)\s*\d+\s*"
        r"(?:days?|weeks?|wks?|half[\s-]lives)\b(?=[^.;]{0,90}?\b(?:prior|before|since|beyond))|\d(?<!\w\d)\d*\s*(?:days?|weeks?|months?|half[\s-]lives)\s+(?:prior|before|since|of\s+"
        r"(?:the\s+)?(?:first|start|study|randomi|enrol|initiation|day))|s(?<!\ws)ince\s+(?:the\s+)?(?:last|"
        r"prior|previous|completion)|(?:a(?<!\wa)t\s+least|(?:a(?<!\wa)\s+)?m(?<!\wm)inimum\s+of)\s+\d+\s*"
        r"(?:days?|weeks?|wks?|months?)\b(?!\s+of\s+follow)|w(?<!\ww)ashout\b|(?:h(?<!\wh)as|h(?<!\wh)ave|"
        r"m(?<!\wm)ust\s+have)\s+(?:elapsed|passed)\b"
    )
)
LAB_CONTEXT = re.compile(
    r"\buln\b|upper\s+limit|bilirubin|\bast\b|\balt\b|\balp\b|transaminase|sgot|sgpt|alkaline|albumin|\binr\b|"
    r"\b(?:in\s+)?(?:the\s+)?absence\s+of\b|"
    r"child-?pugh|enzymes|function|%|>\s*\d|>=\s*\d|\bextensive\b|\bdiffuse\b|\bmajority\b|\breplac\w+|"
    r"\bmore\s+than\b|\bburden\b|\d\s*(?:mm|cm)\b|\bdiameter\b"
)
BRACKETED = re.compile(r"\([^()]*\)")
METASTATIC_SCOPE = re.compile(
    r"\b(?:for|in\s+the|in)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:metastatic|advanced|recurrent|unresectable|"
    r"inoperable|stage\s+iv|palliative)\b"
)
