"""Plain-language names for what the reader finds, for sentences a tired reader can follow."""

from __future__ import annotations

from matchers.findings import (
    ALL_CELLS,
    HER2_NEGATIVE_CELLS,
    HER2_POSITIVE_CELLS,
    HR_NEG_HER2_NEG,
    HR_NEG_HER2_POS,
    HR_NEGATIVE_CELLS,
    HR_POS_HER2_NEG,
    HR_POS_HER2_POS,
    HR_POSITIVE_CELLS,
)

THERAPY_WORDS: dict[str, str] = {
    "cdk4/6-inhibitor": "a CDK4/6 inhibitor (palbociclib, ribociclib or abemaciclib)",
    "endocrine": "hormone (endocrine) therapy",
    "aromatase-inhibitor": "an aromatase inhibitor (letrozole, anastrozole or exemestane)",
    "fulvestrant": "fulvestrant",
    "tamoxifen": "tamoxifen",
    "endocrine-other": "an oral SERD or another newer hormone pill",
    "pi3k-inhibitor": "a PI3K inhibitor (alpelisib or inavolisib)",
    "akt-inhibitor": "an AKT inhibitor (capivasertib)",
    "mtor-inhibitor": "an mTOR inhibitor (everolimus)",
    "systemic": "drug treatment for cancer (such as hormone therapy, targeted drugs or chemotherapy)",
    "chemotherapy": "chemotherapy",
    "taxane": "a taxane (paclitaxel or docetaxel)",
    "anthracycline": "an anthracycline (doxorubicin or epirubicin)",
    "capecitabine": "capecitabine",
    "platinum": "platinum chemotherapy (carboplatin or cisplatin)",
    "trastuzumab": "trastuzumab (Herceptin)",
    "pertuzumab": "pertuzumab (Perjeta)",
    "t-dm1": "T-DM1 (trastuzumab emtansine, Kadcyla)",
    "t-dxd": "T-DXd (trastuzumab deruxtecan, Enhertu)",
    "her2-tki": "a HER2 pill such as tucatinib, neratinib or lapatinib",
    "her2-directed": "HER2-targeted treatment",
    "sacituzumab-govitecan": "sacituzumab govitecan (Trodelvy) or a similar TROP2 drug",
    "topo1-adc": "an antibody-drug conjugate such as T-DXd (Enhertu) or sacituzumab (Trodelvy)",
    "adc": "an antibody-drug conjugate (such as T-DM1, T-DXd or sacituzumab)",
    "immunotherapy": "immunotherapy (such as pembrolizumab)",
    "parp-inhibitor": "a PARP inhibitor (olaparib or talazoparib)",
}

BIOMARKER_WORDS: dict[str, str] = {
    "pik3ca": "PIK3CA mutation",
    "esr1": "ESR1 mutation",
    "brca": "BRCA1 or BRCA2 mutation",
    "pd-l1": "PD-L1-positive result",
}

_CELL_SETS: tuple[tuple[frozenset[str], str], ...] = (
    (HER2_POSITIVE_CELLS, "HER2-positive"),
    (HER2_NEGATIVE_CELLS, "HER2-negative"),
    (HR_POSITIVE_CELLS, "hormone-receptor-positive"),
    (HR_NEGATIVE_CELLS, "hormone-receptor-negative"),
    (frozenset({HR_POS_HER2_NEG}), "hormone-receptor-positive, HER2-negative"),
    (frozenset({HR_NEG_HER2_NEG}), "triple-negative"),
    (frozenset({HR_POS_HER2_POS}), "hormone-receptor-positive, HER2-positive"),
    (frozenset({HR_NEG_HER2_POS}), "hormone-receptor-negative, HER2-positive"),
)
_CELL_WORDS = {
    HR_POS_HER2_NEG: "hormone-receptor-positive/HER2-negative",
    HR_POS_HER2_POS: "hormone-receptor-positive/HER2-positive",
    HR_NEG_HER2_POS: "hormone-receptor-negative/HER2-positive",
    HR_NEG_HER2_NEG: "triple-negative",
}


def therapy_words(factor_members: str) -> str:
    """ "a taxane or an anthracycline" for the members of an any-of therapy factor."""
    names = [THERAPY_WORDS.get(m, m) for m in factor_members.split("|") if m]
    if len(names) <= 1:
        return names[0] if names else "this treatment"
    return ", ".join(names[:-1]) + " or " + names[-1]


def subtype_words(cells: frozenset[str]) -> str:
    """A subtype name for a set of receptor cells ("HER2-positive", "triple-negative")."""
    for cell_set, words in _CELL_SETS:
        if cells == cell_set:
            return words
    if cells == ALL_CELLS:
        return "any subtype of"
    return " or ".join(_CELL_WORDS[c] for c in sorted(cells) if c in _CELL_WORDS)
