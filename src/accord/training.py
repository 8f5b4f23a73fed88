"""Training the event-type model: fitting, calibrating, and the training examples as the coder
sees them.

Sits above the pipeline (it runs the coder over training texts to build each example's features)
and is never imported by it; scikit-learn is needed here only, coding needs numpy alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from spacy.tokens import Span

from accord.classify import (
    DEFAULT_SEED,
    EVENT,
    FAST,
    NO_EVENT,
    Models,
    TypeModel,
    model_label,
    profile_features,
    softmax,
)
from accord.gold import read_texts, read_training_file
from accord.pipeline import article_candidates

TRAINING_DIR = Path(__file__).parent / "data" / "training"
AUTHORED_PATH = TRAINING_DIR / "authored.tsv"
# Sentences written for accord that report no event: the detector head's negatives.
NON_EVENTS_PATH = TRAINING_DIR / "non_events.tsv"
# At most this many of the unlabelled event sentences (e.g. event_location's) join the
# detector's positives, the first ones of the file: enough to learn what events look like
# beyond PLV, few enough that training stays a few minutes on two cores.
EVENT_SENTENCE_LIMIT = 4000
DEFAULT_C = 8.0
DETECTOR_C = 1.0
# Authored examples are diplomatic news written for accord; they count half as much as gold
# sentences from annotated corpora, whose labelling conventions they should not override.
AUTHORED_WEIGHT = 0.5


def fit(features: Sequence[dict[str, float]], labels: Sequence[str],
        seed: int = DEFAULT_SEED, c: float = DEFAULT_C,
        example_weights: Sequence[float] | None = None) -> TypeModel:
    """Train the model; the same examples, weights and seed give the same weights.
    `example_weights` (default 1 each) say how much each example counts."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(features)
    targets = [model_label(label) for label in labels]
    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced",
                                    random_state=seed, tol=1e-4)
    classifier.fit(matrix, targets, sample_weight=example_weights)
    names = vectorizer.get_feature_names_out()
    weights, bias = classifier.coef_.T.copy(), classifier.intercept_.copy()
    if len(classifier.classes_) == 2:
        # A two-class regression scores the second class only; a zero column for the first
        # gives the same probabilities through the softmax.
        weights = np.hstack([np.zeros_like(weights), weights])
        bias = np.concatenate([np.zeros_like(bias), bias])
    return TypeModel(classes=tuple(str(c) for c in classifier.classes_),
                     feature_index={str(name): i for i, name in enumerate(names)},
                     weights=weights, bias=bias)


TEMPERATURES = np.round(np.arange(0.5, 4.001, 0.05), 2)
CALIBRATION_FOLDS = 3


def fit_temperature(scores: np.ndarray, labels: Sequence[str], classes: Sequence[str]) -> float:
    """The temperature (from a fixed grid, so the fit is deterministic) that minimises the
    negative log-likelihood of held-out score rows."""
    index = {label: i for i, label in enumerate(classes)}
    truth = np.array([index[model_label(label)] for label in labels])

    def loss(temperature: float) -> float:
        probabilities = softmax(scores / temperature)
        return float(-np.log(probabilities[np.arange(len(truth)), truth] + 1e-12).mean())

    return float(min(TEMPERATURES, key=loss))


def calibrated_fit(features: Sequence[dict[str, float]], labels: Sequence[str],
                   seed: int = DEFAULT_SEED,
                   example_weights: Sequence[float] | None = None) -> TypeModel:
    """`fit` on every example, with the temperature fitted on out-of-fold scores of a
    `CALIBRATION_FOLDS`-fold split of the same examples."""
    from sklearn.model_selection import StratifiedKFold

    targets = [model_label(label) for label in labels]
    weights = list(example_weights) if example_weights is not None else [1.0] * len(labels)
    model = fit(features, labels, seed=seed, example_weights=weights)
    if min(targets.count(label) for label in set(targets)) < CALIBRATION_FOLDS:
        return model  # too few examples of some type to hold any out
    splitter = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=seed)
    rows: list[np.ndarray] = []
    held_out: list[str] = []
    for train, test in splitter.split(targets, targets):
        inner = fit([features[i] for i in train], [targets[i] for i in train], seed=seed,
                    example_weights=[weights[i] for i in train])
        order = [inner.classes.index(label) for label in model.classes]
        rows += [inner.scores(features[i])[order] for i in test]
        held_out += [targets[i] for i in test]
    temperature = fit_temperature(np.array(rows), held_out, model.classes)
    return replace(model, temperature=temperature)



def primary_sentence(article, doc) -> tuple[Span, list]:
    """The sentence of a text that holds the rule coder's most confident candidate (the first
    sentence when there is none), with all of that sentence's candidates."""
    by_sentence: dict[int, tuple[Span, list]] = {}
    for sent, index, candidate in article_candidates(article, doc):
        by_sentence.setdefault(index, (sent, []))[1].append(candidate)
    if not by_sentence:
        return next(iter(doc.sents)), []
    return max(by_sentence.values(), key=lambda pair: max(c.confidence for c in pair[1]))


def parsed_texts(texts: Iterable[str]) -> Iterator[tuple[Span, list]]:
    """(primary sentence, its candidates) for each text: one spaCy pass, streaming."""
    from accord.model import Article
    from accord.nlp import parse

    articles = (Article(id=str(i), text=text) for i, text in enumerate(texts))
    for article, doc in parse(articles, batch_size=64):
        yield primary_sentence(article, doc)


def featurize(texts: Iterable[str], profile: str = FAST) -> list[dict[str, float]]:
    """The model's features for each text, as the rule coder sees it."""
    parsed = list(parsed_texts(texts))
    return profile_features([sent for sent, _ in parsed], [cands for _, cands in parsed],
                            profile)


def train(paths: Sequence[str | Path], seed: int = DEFAULT_SEED,
          include_authored: bool = True, profile: str = FAST,
          event_paths: Sequence[str | Path] = (),
          non_event_paths: Sequence[str | Path] | None = None) -> tuple[Models, int]:
    """Train the type model from gold files plus accord's authored examples, and the detector
    head from those, the unlabelled event sentences of `event_paths` and the non-event
    sentences (default: accord's own); returns the models and how many examples they saw."""
    gold = [e for path in paths for e in read_training_file(path)]
    authored = (list(read_training_file(AUTHORED_PATH))
                if include_authored and AUTHORED_PATH.exists() else [])
    examples = gold + authored
    features = featurize((e.text for e in examples), profile)
    types = calibrated_fit(features, [e.label for e in examples], seed=seed,
                           example_weights=training_weights(len(gold), len(authored)))
    events = [text for path in event_paths for text in read_texts(path)][:EVENT_SENTENCE_LIMIT]
    non_events = [text for path in _non_event_paths(non_event_paths) for text in read_texts(path)]
    if not non_events:
        return Models(types), len(examples)
    detector = fit_detector(features + featurize(events, profile),
                            featurize(non_events, profile), seed=seed)
    return Models(types, detector), len(examples) + len(events) + len(non_events)


def _non_event_paths(paths: Sequence[str | Path] | None) -> list[Path]:
    if paths is not None:
        return [Path(path) for path in paths]
    return [NON_EVENTS_PATH] if NON_EVENTS_PATH.exists() else []


def fit_detector(event_features: Sequence[dict[str, float]],
                 non_event_features: Sequence[dict[str, float]],
                 seed: int = DEFAULT_SEED) -> TypeModel:
    """The event-or-not head: the same features, two classes, each class weighing as much in
    total whatever the sizes of the two sets."""
    features = list(event_features) + list(non_event_features)
    labels = [EVENT] * len(event_features) + [NO_EVENT] * len(non_event_features)
    return fit(features, labels, seed=seed, c=DETECTOR_C)


def training_weights(gold_count: int, authored_count: int) -> list[float]:
    """How much each example counts: gold examples first, then the authored ones."""
    return [1.0] * gold_count + [AUTHORED_WEIGHT] * authored_count


