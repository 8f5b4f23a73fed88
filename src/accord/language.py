"""Whether a text is English: the coder's patterns and model only read English.

Owns the language check readers apply to every article (or chunk) before it is coded. Two
signals, both cheap and offline: the script of the letters (Cyrillic, Arabic, Han, ... are not
English) and, for Latin-script text, which language's commonest function words it uses
(`data/function_words.tsv`). Short texts are never judged: a headline or a one-line report has
too few words to tell, and wrongly discarding an English story loses data, while coding a short
foreign one merely yields no events.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from accord.knowledge import read_table

ENGLISH = "en"
MIN_WORDS = 8  # below this, function-word counts are too small to decide
MIN_SCRIPT_LETTERS = 10
SAMPLE_CHARS = 5000  # the opening of a text says its language; reading more only costs time
# A text is foreign when another language's function words clearly outnumber English ones.
MIN_FOREIGN_SHARE = 0.12
FOREIGN_OVER_ENGLISH = 2.0
MAX_NON_LATIN_SHARE = 0.5

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


class FunctionWords(NamedTuple):
    name: str
    words: frozenset[str]


@lru_cache(maxsize=1)
def function_words() -> dict[str, FunctionWords]:
    return {
        row["language"]: FunctionWords(row["name"], frozenset(row["words"].split()))
        for row in read_table("function_words.tsv")
    }


def _script(char: str) -> str:
    """The first word of a letter's Unicode name: LATIN, CYRILLIC, ARABIC, CJK, HANGUL..."""
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return "UNKNOWN"


def _foreign_script(sample: str) -> str | None:
    letters = [char for char in sample if char.isalpha()]
    if len(letters) < MIN_SCRIPT_LETTERS:
        return None
    scripts = Counter(_script(char) for char in letters)
    non_latin = len(letters) - scripts["LATIN"]
    if non_latin / len(letters) <= MAX_NON_LATIN_SHARE:
        return None
    del scripts["LATIN"]
    return scripts.most_common(1)[0][0].title()


def _foreign_language(sample: str) -> str | None:
    words = [word.lower() for word in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    tables = function_words()
    hits = {code: sum(word in table.words for word in words) for code, table in tables.items()}
    english = hits.pop(ENGLISH, 0)
    if not hits:
        return None
    best = max(hits, key=hits.__getitem__)
    share = hits[best] / len(words)
    if share >= MIN_FOREIGN_SHARE and hits[best] >= FOREIGN_OVER_ENGLISH * max(english, 1):
        return tables[best].name
    return None


def non_english_reason(text: str) -> str | None:
    """Why `text` is not English ("not English: looks like French"), or None when it may be."""
    sample = text[:SAMPLE_CHARS]
    script = _foreign_script(sample)
    if script:
        return f"not English: mostly {script} script"
    language = _foreign_language(sample)
    if language:
        return f"not English: looks like {language}"
    return None
