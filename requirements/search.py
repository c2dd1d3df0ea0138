"""Text for Chinese-and-English search and duplicate detection.

Chinese has no spaces, so runs of CJK characters become overlapping character bigrams (a single
character stays a unigram); other text becomes lower-case words. Both the stored search vector
and the queries use these tokens, so a two-character word such as 同步 is one exact token.
"""

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-zA-Z0-9]+")
_CJK_RE = re.compile(rf"[{_CJK}]")


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _TOKEN_RE.findall(text or ""):
        if _CJK_RE.match(run):
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run.lower())
    return out


def document(*texts: str) -> str:
    """The space-separated tokens stored in the search vector."""
    return " ".join(t for text in texts for t in tokens(text))


def query(text: str) -> str | None:
    """A tsquery (all tokens required), or None when the text has no searchable token."""
    found = dict.fromkeys(tokens(text))  # keeps order, drops repeats
    return " & ".join(f"'{t}'" for t in found) if found else None


def similarity(a: str, b: str) -> float:
    """0-1 likeness of two texts: the mean of the Dice and overlap coefficients of their tokens.

    Overlap rewards a short title contained in a longer one ("生产数据实时同步ERP" in
    "希望生产数据能实时同步到ERP系统"); Dice keeps unrelated long texts from scoring high.
    """
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    common = len(ta & tb)
    dice = 2 * common / (len(ta) + len(tb))
    overlap = common / min(len(ta), len(tb))
    return round((dice + overlap) / 2, 3)
