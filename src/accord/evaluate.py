"""Scoring the coder against gold data given by path: PLV sentences (TSV) and PLOVER JSON records.

Owns the metrics: accuracy, per-type precision/recall/F1, macro-F1
over the gold labels, the confusion matrix, and k-fold cross-validation of the event-type model.
The coder's answer for a text is its primary event: the rule candidates of the sentence rescored
by the model (`classify.rescore`), the most confident first; with PLV's <s>/<t> marks, the
candidate whose parties overlap them; when the rules find nothing, the model's own type.
End to end (`score_end_to_end`, `cross_validate_end_to_end`), the raw text goes through the
whole coder and its most confident event record is the answer; a text with none counts as wrong.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from spacy.tokens import Doc, Span

from accord import classify, training
from accord.events import Candidate
from accord.gold import GoldItem, GoldRoles
from accord.model import Article, EventRecord
from accord.nlp import parse
from accord.pipeline import article_candidates, code_document

NO_EVENT = "NONE"
# PLV's gold labels predate PLOVER 2.0: CONCEDE and RETREAT were one type, YIELD.
PLV_LABELS = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass
class Scores:
    gold: list[str]
    predicted: list[str]
    labels: list[str] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)  # the model's, when it spoke
    roles: list[RoleCheck] = field(default_factory=list)  # end to end, one per item

    def __post_init__(self) -> None:
        if not self.labels:
            self.labels = sorted(set(self.gold))

    @property
    def accuracy(self) -> float:
        hits = sum(g == p for g, p in zip(self.gold, self.predicted, strict=True))
        return hits / len(self.gold) if self.gold else 0.0

    def per_label(self) -> dict[str, tuple[float, float, float, int]]:
        """label -> (precision, recall, F1, support)."""
        pairs = list(zip(self.gold, self.predicted, strict=True))
        table = {}
        for label in self.labels:
            tp = sum(g == label and p == label for g, p in pairs)
            predicted = sum(p == label for _, p in pairs)
            support = sum(g == label for g, _ in pairs)
            precision = tp / predicted if predicted else 0.0
            recall = tp / support if support else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            table[label] = (precision, recall, f1, support)
        return table

    @property
    def no_event_rate(self) -> float:
        """The share of items the coder found no event in."""
        return self.predicted.count(NO_EVENT) / len(self.predicted) if self.predicted else 0.0

    @property
    def macro_f1(self) -> float:
        table = self.per_label()
        return sum(row[2] for row in table.values()) / len(table) if table else 0.0

    def calibration_error(self, bins: int = 10) -> float | None:
        """Expected calibration error: over equal-width confidence bins, the gap between mean
        confidence and accuracy, weighted by the bin's share of items."""
        if not self.confidences:
            return None
        hits = [g == p for g, p in zip(self.gold, self.predicted, strict=True)]
        binned: dict[int, list[tuple[float, bool]]] = {}
        for confidence, hit in zip(self.confidences, hits, strict=True):
            binned.setdefault(min(int(confidence * bins), bins - 1), []).append((confidence, hit))
        total = len(hits)
        return sum(len(rows) / total * abs(sum(c for c, _ in rows) / len(rows)
                                           - sum(h for _, h in rows) / len(rows))
                   for rows in binned.values())

    def confusion(self) -> dict[str, Counter]:
        matrix: dict[str, Counter] = {label: Counter() for label in self.labels}
        for gold, predicted in zip(self.gold, self.predicted, strict=True):
            matrix.setdefault(gold, Counter())[predicted] += 1
        return matrix


# ---------------------------------------------------------------- running the coder


@dataclass
class Coded:
    """A gold item after the one spaCy pass: its primary sentence, the rule candidates there,
    and the model features (which do not depend on any trained model)."""

    item: GoldItem
    sentence: Span
    candidates: list[Candidate]
    features: dict[str, float]
    # The accurate profile's sentence model on the sentence, when it is asked.
    sentence_probabilities: dict[str, float] | None = None


def code_items(items: Iterable[GoldItem], profile: str = classify.FAST,
               chunk: int = 64, sentences: classify.SentenceTyper | None = None
               ) -> Iterator[Coded]:
    """Parse each gold text once and keep what typing it needs (the features of `profile`, and
    the answers of the `sentences` model), streaming in chunks so the accurate profile's
    encoders see many sentences at once."""
    found = iter(_typed_sentences(items))
    while batch := list(islice(found, chunk)):
        features = classify.profile_features([sent for _, sent, _ in batch],
                                             [cands for _, _, cands in batch], profile)
        typed = classify.sentence_answers(sentences, [sent.text for _, sent, _ in batch])
        for (item, sentence, candidates), item_features, answers in zip(
                batch, features, typed, strict=True):
            yield Coded(item, sentence, candidates, item_features, answers)


def _typed_sentences(items: Iterable[GoldItem]) -> Iterator[tuple[GoldItem, Span, list]]:
    pending: dict[str, GoldItem] = {}

    def articles() -> Iterator[Article]:
        for position, item in enumerate(items):
            key = f"{position}"
            pending[key] = item
            yield Article(id=key, text=item.text)

    for article, doc in parse(articles(), batch_size=64):
        item = pending.pop(article.id)
        sentence, candidates = training.primary_sentence(article, doc)
        if item.source or item.target:
            sentence, candidates = _marked_sentence(article, doc, item) or (sentence, candidates)
        yield item, sentence, candidates


def _marked_sentence(article: Article, doc, item: GoldItem) -> tuple[Span, list] | None:
    """The sentence holding the marked source, with its candidates."""
    anchor = (item.source or item.target)[0]
    by_sentence: dict[int, tuple[Span, list]] = {}
    for sent, index, candidate in article_candidates(article, doc):
        by_sentence.setdefault(index, (sent, []))[1].append(candidate)
    for sent, candidates in by_sentence.values():
        if sent.start_char <= anchor < sent.end_char:
            return sent, candidates
    return None


def predicted_type(coded: Coded, model: classify.TypeModel | None,
                   use_model: bool = True) -> str:
    """The coder's primary type for one item: rule candidates rescored by the model, the marked
    candidate when the item has marks, the model's own type when the rules found nothing."""
    return predicted(coded, model, use_model)[0]


def predicted(coded: Coded, model: classify.TypeModel | None,
              use_model: bool = True) -> tuple[str, float | None]:
    """The primary type with the model's calibrated probability of it (None without a model)."""
    found = _predicted_type(coded, model, use_model)
    if not use_model or model is None:
        return found, None
    probabilities = _probabilities(coded, model)
    return found, probabilities.get(classify.model_label(found), 0.0)


def _probabilities(coded: Coded, model: classify.TypeModel) -> dict[str, float]:
    return classify.fused(model.probabilities(coded.features), coded.sentence_probabilities)


def _predicted_type(coded: Coded, model: classify.TypeModel | None, use_model: bool) -> str:
    candidates = [copy.copy(c) for c in coded.candidates]
    if use_model and model is not None:
        if not candidates:
            return classify.decide(_probabilities(coded, model), []).event_type
        marked = _marked_candidate(coded.item, candidates)
        candidates = classify.rescore(coded.sentence, candidates, model, primary=marked,
                                      features=coded.features,
                                      sentence_probabilities=coded.sentence_probabilities)
        return (marked or candidates[0]).event_type
    marked = _marked_candidate(coded.item, candidates)
    best = marked or max(candidates, key=lambda c: c.confidence, default=None)
    return best.event_type if best else NO_EVENT


def _marked_candidate(item: GoldItem, candidates: list[Candidate]) -> Candidate | None:
    """The candidate whose parties overlap the marked source and target (both beat one)."""
    if not (item.source or item.target) or not candidates:
        return None

    def overlap(candidate: Candidate) -> tuple[int, float]:
        doc = candidate.trigger.doc
        chars = [(doc[i].idx, doc[i].idx + len(doc[i])) for i in candidate.actor_tokens]
        hits = sum(any(start < span[1] and end > span[0] for start, end in chars)
                   for span in (item.source, item.target) if span)
        return hits, candidate.confidence

    best = max(candidates, key=overlap)
    return best if overlap(best)[0] else None


def evaluate(items: Iterable[GoldItem], label_map: dict[str, str] | None = None,
             model: classify.TypeModel | None = None, use_model: bool = True,
             profile: str = classify.FAST) -> Scores:
    """Score the coder (rules plus the shipped model of `profile`, or `model`) on gold items."""
    model = model or (classify.load_model(profile) if use_model else None)
    features_profile = profile if use_model else classify.FAST
    sentences = classify.load_models(profile).sentences if use_model else None
    return score_coded(list(code_items(items, features_profile, sentences=sentences)),
                       label_map, model, use_model)


def score_coded(coded: Sequence[Coded], label_map: dict[str, str] | None,
                model: classify.TypeModel | None, use_model: bool = True) -> Scores:
    label_map = label_map or {}
    gold = [label_map.get(c.item.label, c.item.label) for c in coded]
    found = [predicted(c, model, use_model) for c in coded]
    confidences = [k for _, k in found if k is not None]
    return Scores(gold, [label_map.get(p, p) for p, _ in found],
                  confidences=confidences if len(confidences) == len(found) else [])


# ---------------------------------------------------------------- cross-validation


@dataclass
class FoldResult:
    fold: int
    train_size: int
    scores: Scores
    # End to end: the share of the fold's held-out non-event sentences that produced an event.
    false_event_rate: float | None = None


def cross_validate(items: Iterable[GoldItem], folds: int = 5, seed: int = classify.DEFAULT_SEED,
                   label_map: dict[str, str] | None = None,
                   extra_training: Sequence[GoldItem] = (),
                   profile: str = classify.FAST) -> tuple[list[FoldResult], Scores]:
    """Train on all folds but one and score the one left out, for each fold (stratified by
    label, shuffled with `seed`). `extra_training` (accord's authored examples) joins every
    training set at `training.AUTHORED_WEIGHT` and is never scored. The model reads the
    features of `profile`. Returns the folds and the pooled scores."""
    from sklearn.model_selection import StratifiedKFold

    coded = list(code_items(items, profile))
    extra = list(code_items(extra_training, profile))
    labels = [c.item.label for c in coded]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results: list[FoldResult] = []
    pooled: list[tuple[int, str, str, float]] = []  # (item, gold, predicted, confidence)
    for number, (train, test) in enumerate(splitter.split(labels, labels), start=1):
        fold_training = [coded[i] for i in train] + extra
        model = training.calibrated_fit([c.features for c in fold_training],
                                        [c.item.label for c in fold_training], seed=seed,
                                        example_weights=training.training_weights(
                                            len(train), len(extra)))
        scores = score_coded([coded[i] for i in test], label_map, model)
        results.append(FoldResult(number, len(fold_training), scores))
        pooled += list(zip(test, scores.gold, scores.predicted, scores.confidences, strict=True))
    pooled.sort()
    return results, Scores([row[1] for row in pooled], [row[2] for row in pooled],
                           confidences=[row[3] for row in pooled])


def fold_report(results: Sequence[FoldResult]) -> str:
    lines = [f"{'fold':<6} {'train':>6} {'test':>6} {'accuracy':>9} {'macro-F1':>9} "
             f"{'no-event':>9} {'false-event':>11}"]
    for result in results:
        false_events = (f"{result.false_event_rate:11.3f}"
                        if result.false_event_rate is not None else f"{'-':>11}")
        lines.append(f"{result.fold:<6} {result.train_size:6d} {len(result.scores.gold):6d} "
                     f"{result.scores.accuracy:9.3f} {result.scores.macro_f1:9.3f} "
                     f"{result.scores.no_event_rate:9.3f} {false_events}")
    accuracy = sum(r.scores.accuracy for r in results) / len(results)
    macro = sum(r.scores.macro_f1 for r in results) / len(results)
    none = sum(r.scores.no_event_rate for r in results) / len(results)
    rates = [r.false_event_rate for r in results if r.false_event_rate is not None]
    false_mean = f"{sum(rates) / len(rates):11.3f}" if rates else f"{'-':>11}"
    lines.append(f"{'mean':<6} {'':>6} {'':>6} {accuracy:9.3f} {macro:9.3f} {none:9.3f} "
                 f"{false_mean}")
    return "\n".join(lines)


def report(scores: Scores, title: str) -> str:
    lines = [f"# {title}", f"items: {len(scores.gold)}",
             f"accuracy: {scores.accuracy:.3f}", f"macro-F1: {scores.macro_f1:.3f}",
             f"no-event rate: {scores.no_event_rate:.3f}"]
    error = scores.calibration_error()
    if error is not None:
        mean = sum(scores.confidences) / len(scores.confidences)
        lines.append(f"calibration: mean confidence {mean:.3f} against accuracy "
                     f"{scores.accuracy:.3f}; expected calibration error {error:.3f} (10 bins)")
    lines += role_report(scores)
    lines += ["", f"{'type':<11} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>7}"]
    for label, (precision, recall, f1, support) in scores.per_label().items():
        lines.append(f"{label:<11} {precision:6.3f} {recall:6.3f} {f1:6.3f} {support:7d}")
    lines += ["", "confusion (rows gold, columns predicted):"]
    columns = sorted(set(scores.labels) | set(scores.predicted))
    short = [c[:5] for c in columns]
    lines.append(" " * 11 + " ".join(f"{c:>5}" for c in short))
    for label, counts in scores.confusion().items():
        lines.append(f"{label:<11}" + " ".join(f"{counts.get(c, 0):5d}" for c in columns))
    return "\n".join(lines)


# ---------------------------------------------------------------- end to end


@dataclass
class Parsed:
    """A gold item parsed once: the document the whole coder runs on, and the features of its
    primary sentence that the models train on."""

    item: GoldItem
    article: Article
    doc: Doc
    features: dict[str, float]


def parse_items(items: Iterable[GoldItem], profile: str = classify.FAST) -> list[Parsed]:
    """One spaCy pass over the gold texts, keeping each document for end-to-end coding."""
    items = list(items)
    pairs = list(parse((Article(id=str(n), text=item.text) for n, item in enumerate(items)),
                       batch_size=64))
    primaries = [training.primary_sentence(article, doc) for article, doc in pairs]
    features = classify.profile_features([sent for sent, _ in primaries],
                                         [cands for _, cands in primaries], profile)
    return [Parsed(items[int(article.id)], article, doc, found)
            for (article, doc), found in zip(pairs, features, strict=True)]


def primary_record(records: Sequence[EventRecord]) -> EventRecord | None:
    """A text's most confident event record, the coder's answer for it."""
    return max(records, key=lambda record: record.confidence, default=None)


def primary_records(parsed: Sequence[Parsed], models: classify.Models,
                    profile: str = classify.FAST) -> list[EventRecord | None]:
    """Each parsed text through the whole coder with `models`: its primary record."""
    return [primary_record(code_document(p.article, p.doc, profile, models)) for p in parsed]


def code_parsed(parsed: Sequence[Parsed], models: classify.Models,
                profile: str = classify.FAST) -> list[str]:
    """Each parsed text's primary event type; NONE when the coder found no event."""
    return [record.event if record else NO_EVENT
            for record in primary_records(parsed, models, profile)]


def score_end_to_end(parsed: Sequence[Parsed], models: classify.Models,
                     label_map: dict[str, str] | None = None,
                     profile: str = classify.FAST) -> Scores:
    label_map = label_map or {}
    records = primary_records(parsed, models, profile)
    gold = [label_map.get(p.item.label, p.item.label) for p in parsed]
    predicted = [label_map.get(r.event, r.event) if r else NO_EVENT for r in records]
    return Scores(gold, predicted, roles=[check_roles(p.item.roles, r)
                                          for p, r in zip(parsed, records, strict=True)])


def cross_validate_end_to_end(
    items: Iterable[GoldItem], folds: int = 5, seed: int = classify.DEFAULT_SEED,
    label_map: dict[str, str] | None = None, extra_training: Sequence[GoldItem] = (),
    event_texts: Sequence[str] = (), non_event_texts: Sequence[str] = (),
    profile: str = classify.FAST,
    fold_sentence_typers: Sequence[classify.SentenceTyper | None] = (),
) -> tuple[list[FoldResult], Scores]:
    """K-fold CV of the whole coder: each fold's type model and detector head are trained on
    the other folds (plus `extra_training` for types, `event_texts` and `non_event_texts` for
    the detector), then the held-out raw texts are coded end to end; a text that yields no
    event counts as wrong. `fold_sentence_typers`, one per fold, are sentence models trained
    without that fold (see bench/encoder_cv.py). Returns the folds and the pooled scores."""
    from sklearn.model_selection import StratifiedKFold

    parsed = parse_items(list(items), profile)
    extra = [p.features for p in parse_items(list(extra_training), profile)]
    extra_labels = [item.label for item in extra_training]
    positives = training.featurize(event_texts, profile)
    negatives = parse_items([GoldItem(str(n), text, NO_EVENT)
                             for n, text in enumerate(non_event_texts)], profile)
    labels = [p.item.label for p in parsed]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    negative_folds = _plain_folds(len(negatives), folds, seed)
    results: list[FoldResult] = []
    pooled: list[tuple[int, str, str, RoleCheck]] = []
    for number, (train, test) in enumerate(splitter.split(labels, labels), start=1):
        fold_features = [parsed[i].features for i in train] + extra
        types = training.calibrated_fit(
            fold_features, [labels[i] for i in train] + extra_labels, seed=seed,
            example_weights=training.training_weights(len(train), len(extra)))
        negative_train, negative_test = negative_folds[number - 1]
        detector = (training.fit_detector(fold_features + positives,
                                          [negatives[i].features for i in negative_train],
                                          seed=seed) if negatives else None)
        typer = fold_sentence_typers[number - 1] if fold_sentence_typers else None
        models = classify.Models(types, detector, typer)
        scores = score_end_to_end([parsed[i] for i in test], models, label_map, profile)
        fired = code_parsed([negatives[i] for i in negative_test], models, profile)
        false_events = (sum(found != NO_EVENT for found in fired) / len(fired)
                        if fired else None)
        results.append(FoldResult(number, len(fold_features), scores, false_events))
        pooled += list(zip(test, scores.gold, scores.predicted, scores.roles, strict=True))
    pooled.sort(key=lambda row: row[0])
    return results, Scores([row[1] for row in pooled], [row[2] for row in pooled],
                           roles=[row[3] for row in pooled])


def _plain_folds(count: int, folds: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """Shuffled k-fold (train, test) index lists; k empty pairs when there is nothing to split."""
    if count < folds:
        return [(list(range(count)), [])] * folds
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    return [(list(train), list(test)) for train, test in splitter.split(range(count))]


def non_event_rate(texts: Sequence[str], profile: str = classify.FAST,
                   models: classify.Models | None = None) -> tuple[float, list[str]]:
    """The share of sentences reporting no event that the coder still codes an event in, and
    those sentences."""
    models = models or classify.load_models(profile)
    coded = code_parsed(parse_items([GoldItem(str(n), text, NO_EVENT)
                                     for n, text in enumerate(texts)], profile), models, profile)
    wrong = [text for text, found in zip(texts, coded, strict=True) if found != NO_EVENT]
    return (len(wrong) / len(texts) if texts else 0.0), wrong


# ---------------------------------------------------------------- who did it to whom

# Words two phrases may share without naming the same party.
_PHRASE_FILLER = {"the", "a", "an", "of", "and", "s", "in", "for", "to", "on", "its", "his",
                  "her", "their", "mr", "mrs", "ms", "by", "with", "from", "at"}


@dataclass(frozen=True)
class RoleCheck:
    """Whether the primary record's source and recipient agree with the gold's; None where the
    gold does not say."""

    source: bool | None = None
    recipient: bool | None = None


def check_roles(roles: GoldRoles | None, record: EventRecord | None) -> RoleCheck:
    """Phrases (PLV) agree when they share a word that is not filler; codes (PLOVER) when the
    record and the gold share one, or both have none. A text with no event gets both wrong. A
    gold target among the record's several actors is right: accord codes a meeting's parties
    all as actors ("The US and China signed")."""
    if roles is None:
        return RoleCheck()
    if record is None:
        return RoleCheck(False, False)
    if roles.source_codes is not None:
        return _check_codes(roles, record)
    actors = [actor.entity_text for actor in record.actor]
    recipients = [actor.entity_text for actor in record.recipient]
    source = _phrase_matches(roles.source_text, actors) if roles.source_text else None
    if not roles.target_text:
        return RoleCheck(source, None)
    recipient = (_phrase_matches(roles.target_text, recipients)
                 or (len(actors) > 1 and _phrase_matches(roles.target_text, actors)))
    return RoleCheck(source, recipient)


def _check_codes(roles: GoldRoles, record: EventRecord) -> RoleCheck:
    actors = {actor.code for actor in record.actor if actor.code}
    recipients = {actor.code for actor in record.recipient if actor.code}
    source = bool(actors & roles.source_codes) or not (actors or roles.source_codes)
    target = roles.target_codes or frozenset()
    recipient = (bool(recipients & target) or not (recipients or target)
                 or (len(actors) > 1 and bool(target) and target <= actors))
    return RoleCheck(source, recipient)


def _phrase_matches(gold: str, phrases: Sequence[str]) -> bool:
    wanted = _content_words(gold)
    return any(wanted & _content_words(phrase) for phrase in phrases)


def _content_words(phrase: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", phrase.lower())) - _PHRASE_FILLER


def role_report(scores: Scores) -> list[str]:
    """Lines giving the share of items whose source and recipient agree with the gold, over all
    items the gold gives parties for and over those whose type the coder got right."""
    lines: list[str] = []
    if not scores.roles:
        return lines
    for role in ("source", "recipient"):
        checked = [(getattr(check, role), gold == predicted) for check, gold, predicted
                   in zip(scores.roles, scores.gold, scores.predicted, strict=True)
                   if getattr(check, role) is not None]
        if not checked:
            continue
        typed = [right for right, type_right in checked if type_right]
        lines.append(f"{role} right: {_share(sum(r for r, _ in checked), len(checked))}; "
                     f"where the type is right: {_share(sum(typed), len(typed))}")
    return ([""] + lines) if lines else []


def _share(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits} of {total})" if total else "- (0 of 0)"
