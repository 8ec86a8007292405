"""Language identification: langdetect for whole papers, a script check for passages.

langdetect costs milliseconds per call, so passages inherit their paper's language unless
their alphabet disagrees with it (an English abstract inside a Russian paper, say).
"""

from __future__ import annotations

import functools
import re

_CYRILLIC_LANGS = {"ru", "uk", "be", "bg", "mk", "sr", "kk"}


_CYR = re.compile("[а-яёіїєґўА-ЯЁІЇЄҐЎ]")
_LAT = re.compile("[a-zA-Z]")


def script_of(text: str) -> str | None:
    text = text[:800]
    cyr, lat = len(_CYR.findall(text)), len(_LAT.findall(text))
    if cyr + lat < 10:
        return None
    return "cyrl" if cyr >= lat else "latn"


@functools.cache
def _detector_ready() -> bool:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0  # deterministic results
    return True


_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэъёЫЭЪЁ")
_EN_WORDS = {"the", "and", "of", "to", "in", "is", "for", "that", "with", "are", "on", "as", "by", "this"}


def _clear_case(sample: str, script: str) -> str | None:
    """Russian vs Ukrainian by their own letters, English by its function words: when the
    evidence is overwhelming, langdetect (tens of milliseconds a call) is not needed."""
    if script == "cyrl":
        uk = sum(map(sample.count, _UK_ONLY))
        ru = sum(map(sample.count, _RU_ONLY))
        if ru >= 8 and uk * 10 <= ru:
            return "ru"
        if uk >= 8 and ru * 10 <= uk:
            return "uk"
        return None
    words = sample.lower().split()
    if len(words) >= 40 and sum(w in _EN_WORDS for w in words) / len(words) > 0.12:
        return "en"
    return None


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's main language, or None when it cannot tell."""
    sample = text[:1500]
    script = script_of(sample)
    if script is None:
        return None
    clear = _clear_case(sample, script)
    if clear:
        return clear
    _detector_ready()
    from langdetect import LangDetectException, detect_langs

    try:
        candidates = detect_langs(sample)
    except LangDetectException:
        return None
    for cand in candidates:
        if (cand.lang in _CYRILLIC_LANGS) == (script == "cyrl"):
            return cand.lang
    return "ru" if script == "cyrl" else "en"


def passage_lang(text: str, paper_lang: str | None) -> str | None:
    script = script_of(text)
    if script is None:
        return paper_lang
    if paper_lang is not None and (paper_lang in _CYRILLIC_LANGS) == (script == "cyrl"):
        return paper_lang
    return detect(text)


def script_lang(text: str) -> str | None:
    """A query's language from its alphabet alone: queries are too short for langdetect."""
    script = script_of(text) if len(text) >= 10 else ("cyrl" if _CYR.search(text) else "latn" if _LAT.search(text) else None)
    if script is None:
        return None
    if script == "cyrl":
        return "uk" if any(ch in _UK_ONLY for ch in text) else "ru"
    return "en"
