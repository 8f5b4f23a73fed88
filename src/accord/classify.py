"""The trained event-type model and how it combines with the trigger patterns.

Owns the sentence features the model reads (the rule coder's candidate types and confidences,
the types of every trigger pattern matching a word of the sentence, trigger and root lemmas with
their objects and particles, character trigrams of the trigger lemma, negation and modality cues,
the dependency roles around the trigger, the words of the trigger's own clause, lemma n-grams,
the parser's own token vectors, and in the accurate profile a sentence embedding), the two
profiles' model weights shipped in `data/models/`, and `rescore`, which turns the patterns'
guesses and the model's probabilities into one type and one confidence. It sits below the
pipeline; fitting the weights is `accord.training`'s business, above it.

Each shipped model is a multinomial logistic regression stored as plain arrays with a softmax
temperature, so coding needs numpy only; scikit-learn is needed to train. PLV's gold labels
merge CONCEDE and RETREAT into YIELD, so the model does too, and the patterns say which of the
two a YIELD is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from spacy.tokens import Span, Token

from accord.events import match_trigger
from accord.knowledge import canonical_type, plover_types

if TYPE_CHECKING:
    from accord.place_pointer import PlacePointer

MODEL_DIR = Path(__file__).parent / "data" / "models"
FAST, ACCURATE = "fast", "accurate"
PROFILES = (FAST, ACCURATE)
MODEL_FILES = {FAST: "event_type.npz", ACCURATE: "event_type_accurate.npz"}
MODEL_PATH = MODEL_DIR / MODEL_FILES[FAST]
# The detector head's two classes: the sentence reports an event, or it does not.
EVENT, NO_EVENT = "EVENT", "NONE"
# Below this probability of an event the sentence codes nothing, unless a pattern is sure.
# A typed trigger pattern is a prior: it lowers the bar by PATTERN_PRIOR times its weight.
EVENT_THRESHOLD = 0.5
PATTERN_PRIOR = 0.25
YIELD = "YIELD"
YIELD_PARTS = ("CONCEDE", "RETREAT")
DEFAULT_SEED = 13
# Where the patterns are sure: a pattern confidence at least this high, with the model not
# strongly against it, keeps the pattern's type.
PATTERN_SURE = 0.9
MODEL_VETO = 0.1
SIDE_CLAUSE_DEPS = {"advcl", "relcl", "conj", "cc", "parataxis", "npadvmod"}
REASON_PREPOSITIONS = {"for", "over", "after", "amid", "following", "despite", "because", "since",
                       "due"}
CLAUSE_WORD_WEIGHT = 1.0
NEGATION_WORDS = {"not", "n't", "never", "no", "without", "nor"}
MODAL_WORDS = {"will", "would", "could", "might", "may", "shall", "should", "must", "'ll"}
# How loud each feature group speaks (chosen by 5-fold CV on PLV_train, two seeds): the
# lexicon's type evidence counts double, the rule coder's single verdict half, the tok2vec mean
# as much as the lemma n-grams.
NGRAM_WEIGHT = 1.0
VECTOR_WEIGHT = 1.0
PATTERN_EVIDENCE_WEIGHT = 2.0
RULE_VERDICT_WEIGHT = 0.5
# The accurate profile adds the sentence's E5 embedding; this weight (chosen by CV like the
# others) lets its 384 dimensions speak about as loudly as the sparse features.
EMBEDDING_WEIGHT = 8.0
# The accurate profile's sentence model speaks for this share of the combined log-probability
# (the geometric mean of the two; bench/encoder_cv.py compares it with each model alone).
SENTENCE_MODEL_SHARE = 0.5


# ---------------------------------------------------------------- labels


def model_label(event_type: str) -> str:
    """The label the model predicts for a PLOVER type or a legacy label."""
    label = event_type.strip().upper()
    if label == YIELD or canonical_type(label) in YIELD_PARTS:
        return YIELD
    return canonical_type(label)


# ---------------------------------------------------------------- features


def _lemma(token: Token) -> str:
    if token.like_num:
        return "#"
    return token.lemma_.lower()


def _content(sent: Span) -> list[Token]:
    return [t for t in sent if not (t.is_punct or t.is_space)]


def _ngrams(sent: Span) -> dict[str, float]:
    lemmas = [_lemma(t) for t in _content(sent)]
    grams = [f"w={w}" for w in lemmas]
    grams += [f"b={a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]
    counts: dict[str, float] = {}
    for gram in grams:
        counts[gram] = counts.get(gram, 0.0) + 1.0
    norm = sum(v * v for v in counts.values()) ** 0.5 or 1.0
    return {key: NGRAM_WEIGHT * value / norm for key, value in counts.items()}


def _clause_words(candidates: Sequence) -> dict[str, float]:
    """Lemmas of the clause that carries the primary trigger, without its reasons, other
    clauses and circumstances: in "sanctioned Belarus for its crackdown" the crackdown is why,
    not what, and must not speak as loudly as the trigger's own words."""
    if not candidates:
        return {}
    trigger = max(candidates, key=lambda c: c.confidence).trigger
    left_out: set[int] = set()
    for child in trigger.children:
        if child.dep_ in SIDE_CLAUSE_DEPS or (
                child.dep_ == "prep" and child.lower_ in REASON_PREPOSITIONS):
            left_out.update(t.i for t in child.subtree)
    words = sorted({_lemma(t) for t in trigger.subtree
                    if t.i not in left_out and not (t.is_punct or t.is_space or t.is_stop)})
    return {f"core={w}": CLAUSE_WORD_WEIGHT / len(words) ** 0.5 for w in words}


def _token_frame(prefix: str, token: Token) -> dict[str, float]:
    """A verb (or noun) with the lemmas of its object, particle and complement."""
    lemma = _lemma(token)
    found = {f"{prefix}={lemma}": 1.0}
    for child in token.children:
        dep = child.dep_
        if dep in {"dobj", "obj", "attr", "acomp", "oprd", "nsubjpass"}:
            found[f"{prefix}_obj={lemma}>{_lemma(child)}"] = 1.0
        elif dep in {"prt", "prep", "agent"}:
            found[f"{prefix}_prep={lemma}+{child.lower_}"] = 1.0
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                found[f"{prefix}_pobj={lemma}+{child.lower_}>{_lemma(pobj)}"] = 1.0
        elif dep in {"xcomp", "ccomp"}:
            found[f"{prefix}_comp={lemma}>{_lemma(child)}"] = 1.0
        elif dep == "neg":
            found[f"{prefix}_neg"] = 1.0
        found[f"{prefix}_dep={dep}"] = 1.0
    return found


def _cue_features(sent: Span) -> dict[str, float]:
    found: dict[str, float] = {}
    for token in sent:
        lower = token.lower_
        if lower in NEGATION_WORDS or token.dep_ == "neg":
            found["cue=negation"] = 1.0
        if lower in MODAL_WORDS:
            found[f"cue=modal_{lower}"] = 1.0
        if token.pos_ == "VERB":
            found[f"verb={_lemma(token)}"] = 1.0
    for ent in sent.ents:
        found[f"ent={ent.label_}"] = 1.0
    return found


def _candidate_features(candidates: Sequence) -> dict[str, float]:
    if not candidates:
        return {"rule=NONE": 1.0}
    found: dict[str, float] = {}
    primary = max(candidates, key=lambda c: c.confidence)
    label = model_label(primary.event_type)
    found[f"rule={label}"] = RULE_VERDICT_WEIGHT
    found[f"rule_conf={label}"] = RULE_VERDICT_WEIGHT * primary.confidence
    found[f"rule_weight={label}"] = RULE_VERDICT_WEIGHT * primary.pattern.weight
    for flag in ("negated", "future", "hypothetical", "reported"):
        if getattr(primary, flag):
            found[f"rule_{flag}"] = 1.0
            found[f"rule_{flag}={label}"] = RULE_VERDICT_WEIGHT
    found.update(_token_frame("trig", primary.trigger))
    found[f"trig_type={_lemma(primary.trigger)}|{label}"] = 1.0
    for candidate in candidates:
        key = f"cand={model_label(candidate.event_type)}"
        evidence = PATTERN_EVIDENCE_WEIGHT * candidate.confidence
        found[key] = max(found.get(key, 0.0), evidence)
        found[f"cand_trig={_lemma(candidate.trigger)}"] = PATTERN_EVIDENCE_WEIGHT
    return found


def _vector_features(sent: Span) -> dict[str, float]:
    """The mean of the parser's contextual token vectors (tok2vec), L2-normalised."""
    tensor = sent.doc.tensor
    if tensor is None or not len(tensor) or tensor.shape[0] < sent.end:
        return {}
    mean = tensor[sent.start:sent.end].mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    # In float64 as Python's floats would be: the same values, computed in one array step.
    values = (VECTOR_WEIGHT * mean.astype(np.float64)) / norm
    return dict(zip(_vector_names(len(values)), values.tolist(), strict=True))


@lru_cache(maxsize=2)
def _vector_names(size: int) -> tuple[str, ...]:
    return tuple(f"vec{i}" for i in range(size))


def _pattern_features(sent: Span) -> dict[str, float]:
    """The types of every trigger pattern that matches a word of the sentence, whether or not
    the coder could find its parties: evidence the candidates alone lose."""
    found: dict[str, float] = {}
    for token in sent:
        if token.pos_ not in {"VERB", "NOUN", "PROPN", "ADJ"}:
            continue
        pattern = match_trigger(token)
        if pattern is None:
            continue
        label = model_label(pattern.type)
        key = f"pat={label}"
        found[key] = max(found.get(key, 0.0), PATTERN_EVIDENCE_WEIGHT * pattern.weight)
        if token is sent.root:
            found[f"pat_root={label}"] = PATTERN_EVIDENCE_WEIGHT
    return found


def _trigger_chars(candidates: Sequence) -> dict[str, float]:
    """Character trigrams of the trigger lemma, so unseen inflections and kin words share
    weight (bomb/bombing, sanction/sanctioned)."""
    if not candidates:
        return {}
    lemma = f"<{_lemma(max(candidates, key=lambda c: c.confidence).trigger)}>"
    # A sorted list, not a set: feature order must not depend on the process's string hashing.
    grams = sorted({lemma[i:i + 3] for i in range(len(lemma) - 2)})
    return {f"trig_c3={g}": 1.0 / len(grams) ** 0.5 for g in grams}


def sentence_features(sent: Span, candidates: Sequence) -> dict[str, float]:
    """Everything the model reads about one sentence and the rule coder's candidates in it
    (statements kept only as fallback carriers are left out: the act they report speaks)."""
    candidates = [c for c in candidates if not c.statement]
    features = {"bias": 1.0}
    features.update(_ngrams(sent))
    features.update(_clause_words(candidates))
    features.update(_cue_features(sent))
    features.update(_token_frame("root", sent.root))
    features.update(_candidate_features(candidates))
    features.update(_vector_features(sent))
    features.update(_pattern_features(sent))
    features.update(_trigger_chars(candidates))
    return features


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class TypeModel:
    """A multinomial logistic regression over named features, stored as plain arrays."""

    classes: tuple[str, ...]
    feature_index: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    # Scores are divided by this before the softmax (fitted on held-out predictions), so a
    # probability of 0.8 is right about 80% of the time.
    temperature: float = 1.0

    def scores(self, features: dict[str, float]) -> np.ndarray:
        find = self.feature_index.get
        rows: list[int] = []
        values: list[float] = []
        for name, value in features.items():
            row = find(name)
            if row is not None:
                rows.append(row)
                values.append(value)
        terms = np.empty((len(rows) + 1, len(self.bias)))
        terms[0] = self.bias
        np.multiply(np.array(values)[:, None], self.weights[rows], out=terms[1:])
        # Added one term after another, in the features' order (an accumulate, not a pairwise
        # sum), so the scores are the same to the last bit as a plain loop's.
        return np.add.accumulate(terms, axis=0)[-1]

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        found = softmax(self.scores(features) / self.temperature)
        return dict(zip(self.classes, (float(p) for p in found), strict=True))

    def save(self, path: str | Path, trained_on: Sequence[str] = ()) -> None:
        """Write the model (see accord.weights: rounded, byte-reproducible); `trained_on`
        lists "sha256 name" of the gold files it learnt from."""
        from accord.weights import write_arrays

        names = sorted(self.feature_index, key=self.feature_index.get)
        write_arrays(path, {"classes": np.array(self.classes), "features": np.array(names),
                            "weights": self.weights, "bias": self.bias,
                            "temperature": np.array(self.temperature),
                            "trained_on": np.array(list(trained_on), dtype=str)})

    @classmethod
    def load(cls, path: str | Path) -> TypeModel:
        from accord.weights import read_arrays

        data = read_arrays(path)
        names = [str(n) for n in data["features"]]
        return cls(classes=tuple(str(c) for c in data["classes"]),
                   feature_index={name: i for i, name in enumerate(names)},
                   weights=data["weights"].astype(np.float64),
                   bias=data["bias"].astype(np.float64),
                   temperature=float(data["temperature"]) if "temperature" in data else 1.0)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of one score vector or a matrix of them."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def packaged_model_path(profile: str = FAST) -> Path:
    if profile not in MODEL_FILES:
        raise ValueError(f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})")
    return MODEL_DIR / MODEL_FILES[profile]


def model_path(profile: str = FAST) -> Path:
    """The model file in use: the one `--model` chose (accord.weights), else the packaged one."""
    from accord.weights import active_model_file

    return active_model_file() or packaged_model_path(profile)


def detector_beside(path: str | Path) -> Path:
    """Where the detector head trained with the type model at `path` is kept."""
    path = Path(path)
    return path.with_name(f"{path.stem}.detector.npz")


def detector_path(profile: str = FAST) -> Path:
    return detector_beside(model_path(profile))


def load_model(profile: str = FAST) -> TypeModel | None:
    """The active model of a profile, loaded once per process (None when there is none)."""
    path = model_path(profile)
    return _load_file(path) if path.exists() else None


@lru_cache(maxsize=4)
def _load_file(path: Path) -> TypeModel:
    return TypeModel.load(path)


def load_detector(profile: str = FAST) -> TypeModel | None:
    """The event-or-not head beside the active model, loaded once (None when there is none)."""
    path = detector_path(profile)
    return _load_file(path) if path.exists() else None


class SentenceTyper(Protocol):
    """Anything that gives event-type probabilities for whole sentences: the accurate profile's
    fine-tuned transformer, or a cross-validation's held-out answers of one."""

    def label_probabilities(self, texts: Sequence[str]) -> list[dict[str, float] | None]: ...


@dataclass(frozen=True)
class Models:
    """What decides a sentence: the event-type model, the event-or-not detector head, and in
    the accurate profile the fine-tuned sentence model whose probabilities join the type
    model's."""

    types: TypeModel | None
    detector: TypeModel | None = None
    sentences: SentenceTyper | None = None
    # The accurate profile's place pointer: where, not what, but loaded with the profile's
    # other models.
    places: PlacePointer | None = None

    def sentence_probabilities(self, texts: Sequence[str]) -> list[dict[str, float] | None]:
        return sentence_answers(self.sentences, texts)


def sentence_answers(typer: SentenceTyper | None,
                     texts: Sequence[str]) -> list[dict[str, float] | None]:
    """The sentence model's probabilities for each text (None for each without a model)."""
    if typer is None or not texts:
        return [None] * len(texts)
    return list(typer.label_probabilities(texts))


def load_models(profile: str = FAST) -> Models:
    sentences = places = None
    if profile == ACCURATE:
        from accord.place_pointer import load_place_pointer
        from accord.sentence_model import load_sentence_model

        sentences, places = load_sentence_model(), load_place_pointer()
    return Models(load_model(profile), load_detector(profile), sentences, places)


def fused(linear: dict[str, float], sentence: dict[str, float] | None) -> dict[str, float]:
    """The type model's and the sentence model's probabilities combined by a weighted geometric
    mean, renormalised: each vetoes what it finds unlikely, and the two err on different
    sentences (bench/encoder_cv.py). A type the sentence model does not know keeps the type
    model's word."""
    if not sentence:
        return linear
    combined = {label: (probability ** (1.0 - SENTENCE_MODEL_SHARE)
                        * max(sentence.get(label, probability), 1e-9) ** SENTENCE_MODEL_SHARE)
                for label, probability in linear.items()}
    total = sum(combined.values()) or 1.0
    return {label: value / total for label, value in combined.items()}


def event_probability(detector: TypeModel | None, features: dict[str, float]) -> float:
    """How likely the sentence reports an event at all (1.0 without a detector)."""
    if detector is None:
        return 1.0
    return detector.probabilities(features).get(EVENT, 0.0)


def embedding_features(vector: np.ndarray) -> dict[str, float]:
    return {f"emb{i}": EMBEDDING_WEIGHT * float(value) for i, value in enumerate(vector)}


def profile_features(sentences: Sequence[Span], candidate_lists: Sequence[Sequence],
                     profile: str = FAST) -> list[dict[str, float]]:
    """The model's features for each sentence of a batch; the accurate profile embeds them all
    in one encoder call."""
    features = [sentence_features(sent, candidates)
                for sent, candidates in zip(sentences, candidate_lists, strict=True)]
    if profile == ACCURATE:
        from accord.encoder import embed

        for found, vector in zip(features, embed([s.text for s in sentences]), strict=True):
            found.update(embedding_features(vector))
    return features


# ---------------------------------------------------------------- combining with the patterns


@dataclass(frozen=True)
class Decision:
    """The sentence's event type, its calibrated confidence, and where the type came from."""

    event_type: str
    confidence: float
    source: str  # "pattern", "model" or "agree"


def decide(probabilities: dict[str, float], candidates: Sequence, primary=None) -> Decision:
    """Patterns where they are sure, the model where they are not.

    `primary` is the candidate the sentence's type attaches to (by default the patterns' most
    confident). The model's probabilities already weigh the patterns' types and confidences;
    a pattern overrides them only when its own weight is high and the model does not rule it
    out.
    """
    primary = primary or max(candidates, key=lambda c: c.confidence, default=None)
    best_label = max(probabilities, key=probabilities.get)
    if primary is None:
        return Decision(_split_yield(best_label, candidates), probabilities[best_label], "model")
    rule_label = model_label(primary.event_type)
    rule_probability = probabilities.get(rule_label, 0.0)
    if rule_label == best_label:
        return Decision(primary.event_type, rule_probability, "agree")
    # When another clause of the sentence carries the model's type, both acts are real: the
    # model's one picks the sentence's main event, and the sure pattern's stays as a second one.
    carried_elsewhere = any(model_label(c.event_type) == best_label
                            for c in candidates if c is not primary)
    if (primary.pattern.weight >= PATTERN_SURE and rule_probability >= MODEL_VETO
            and not carried_elsewhere):
        return Decision(primary.event_type, rule_probability, "pattern")
    return Decision(_split_yield(best_label, candidates), probabilities[best_label], "model")


def _split_yield(label: str, candidates: Sequence) -> str:
    """A YIELD is CONCEDE or RETREAT as the patterns say (CONCEDE when they say neither)."""
    if label != YIELD:
        return label
    parts = [c for c in candidates if c.event_type in YIELD_PARTS]
    return max(parts, key=lambda c: c.confidence).event_type if parts else YIELD_PARTS[0]


def classify_sentence(sent: Span, candidates: Sequence, model: TypeModel | None = None,
                      profile: str = FAST) -> Decision | None:
    """The model-and-pattern decision for one sentence (None when no model is shipped)."""
    model = model or load_model(profile)
    if model is None:
        return None
    features = profile_features([sent], [candidates], profile)[0]
    return decide(model.probabilities(features), candidates)


def rescore(sent: Span, candidates: list, model: TypeModel | None = None,
            primary=None, features: dict[str, float] | None = None,
            detector: TypeModel | None = None,
            sentence_probabilities: dict[str, float] | None = None) -> list:
    """Retype and rescore the rule coder's candidates for one sentence, best first.

    The primary candidate (`primary`, else the patterns' most confident) takes the decided
    type; its confidence becomes the decided probability times how well its parties are known
    (the part of the pattern score that is not the pattern's own weight). When another candidate
    already has the decided type it becomes the primary instead. Other candidates keep their
    type and the patterns' confidence, ranked below the primary.
    Clauses no pattern typed (open candidates) only ever become the primary event; the rest are
    dropped. When the detector head says the sentence reports no event, only candidates of sure
    patterns with a known actor stay.
    `sentence_probabilities` (the accurate profile's sentence model) join the type model's.
    Confidences stay in [0, 1]. Without a shipped model the candidates come back unchanged.
    """
    if not candidates:
        return candidates
    model = model or load_model()
    if model is None:
        return candidates
    features = features if features is not None else sentence_features(sent, candidates)
    if event_probability(detector, features) < event_threshold(candidates):
        candidates = [c for c in candidates if _sure(c)]
        if not candidates:
            return []
    probabilities = fused(model.probabilities(features), sentence_probabilities)
    ordered = sorted(candidates, key=lambda c: c.confidence, reverse=True)
    if primary is None and not _has_parties(ordered[0]):
        # The sentence's event is told by a clause with parties ("X said militants were
        # responsible"), not by a bare noun such as "the attacks" that names no one.
        primary = next((c for c in ordered if _has_parties(c)), None)
    if primary is not None and primary in ordered:
        ordered.remove(primary)
        ordered.insert(0, primary)
    primary = ordered[0]
    decision = decide(probabilities, ordered, primary)
    # Another clause of the sentence already carries the decided type: it is the primary event,
    # rather than retyping a different clause into a duplicate of it; but a clause that names
    # no one ("..., returning home") does not take the event from one that does.
    carrier = next((c for c in ordered[1:] if c.event_type == decision.event_type
                    and (_names_someone(c) or not _names_someone(primary))), None)
    if carrier is not None and decision.event_type != primary.event_type:
        ordered.remove(carrier)
        ordered.insert(0, carrier)
        primary = carrier
    others = [c for c in ordered[1:] if not c.is_open]
    party_factor = _party_factor(primary)
    if decision.event_type != primary.event_type:
        _retype(primary, decision.event_type)
    primary.confidence = _clip(decision.confidence * party_factor)
    primary.primary = True
    # PLV has one label per sentence, so the model speaks for the primary event only; the other
    # clauses keep the patterns' confidence, ranked below it.
    for candidate in others:
        candidate.confidence = min(candidate.confidence, max(0.0, primary.confidence - 0.001))
    return [primary, *others]


def event_threshold(candidates: Sequence) -> float:
    """The detector's bar for this sentence: lower where a trigger pattern types a clause."""
    typed = [c.pattern.weight for c in candidates if not c.is_open]
    return EVENT_THRESHOLD - PATTERN_PRIOR * max(typed, default=0.0)


def _sure(candidate) -> bool:
    return (not candidate.is_open and candidate.pattern.weight >= PATTERN_SURE
            and any(actor.code for actor in candidate.actors))


def _has_parties(candidate) -> bool:
    return bool(candidate.actors or candidate.recipients)


def _names_someone(candidate) -> bool:
    """A party the tables know by code, name or sector; not "prison sentences"."""
    return any(party.code or party.name or party.sector
               for party in candidate.actors + candidate.recipients)


def _party_factor(candidate) -> float:
    weight = candidate.pattern.weight or 1.0
    return max(0.0, min(1.0, candidate.confidence / weight))


def _clip(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 3)


def _retype(candidate, event_type: str) -> None:
    """Give a candidate the model's type; mode and CAMEO code then come from the type table."""
    candidate.event_type = event_type
    candidate.cameo = ""
    if candidate.mode and candidate.mode not in plover_types()[event_type].modes:
        candidate.mode = None
    candidate.pattern = replace(candidate.pattern, type=event_type)
