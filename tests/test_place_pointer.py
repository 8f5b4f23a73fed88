"""The accurate profile's place pointer: it reads the trigger between marks, points at where the
marked event happened (not at any place of the sentence), and joins the logit only there."""

import numpy as np

from accord import classify
from accord.nlp import load_pipeline
from accord.place_choice import choose_mention, place_mentions
from accord.place_pointer import (
    TRIGGER_MARK,
    PointerInput,
    is_shipped,
    load_place_pointer,
    mention_scores,
)
from accord.sentence_model import MODEL_DIR, VOCABULARY_FILE
from accord.wordpiece import WordPiece

TWO_PLACES = ("Gunmen attacked a police post in Kandahar on Monday, two days after the governor "
              "visited Kabul.")


def test_the_package_ships_the_place_pointer():
    # Every test that codes with the pointer would fail on None; this one says why.
    assert is_shipped() and load_place_pointer() is not None


def test_the_trigger_sits_between_two_marks_and_each_word_knows_its_pieces():
    tokenizer = WordPiece.from_file(MODEL_DIR / VOCABULARY_FILE)
    words = ["Troops", "shelled", "Deir", "ez-Zor", "overnight"]
    read = PointerInput(tokenizer, words, trigger=1)
    mark = tokenizer.word_ids(TRIGGER_MARK)
    assert len(mark) == 1
    trigger = read.pieces_of(1, 2)
    assert read.ids[trigger[0] - 1] == mark[0] and read.ids[trigger[-1] + 1] == mark[0]
    assert [read.ids[p] for p in read.pieces_of(3, 4)] == tokenizer.word_ids("ez-Zor")
    assert read.ids[0] == tokenizer.start and read.ids[-1] == tokenizer.end


def test_a_mention_cut_off_by_the_length_limit_has_no_score():
    tokenizer = WordPiece.from_file(MODEL_DIR / VOCABULARY_FILE)
    words = ["word"] * 200 + ["Aleppo"]
    read = PointerInput(tokenizer, words, trigger=0, max_pieces=32)
    assert read.pieces_of(200, 201) == [] and len(read.ids) == 32
    scores, none = mention_scores(np.zeros(len(read.ids)), read, [(1, 2), (200, 201)])
    assert scores == [0.0, None] and none == 0.0


def test_the_pointer_follows_the_marked_event_to_its_own_place():
    doc = load_pipeline()(TWO_PLACES)
    sentence = next(iter(doc.sents))
    mentions = place_mentions(sentence)
    names = [m.text for m in mentions]
    assert "Kandahar" in names and "Kabul" in names
    pointer = load_place_pointer()
    words = [token.text for token in sentence]
    spans = [(m.span.start, m.span.end) for m in mentions]
    for verb, place in (("attacked", "Kandahar"), ("visited", "Kabul")):
        trigger = next(token.i for token in sentence if token.text == verb)
        scores, none = pointer.scores(words, trigger, spans)
        assert names[int(np.argmax(scores))] == place
        assert max(scores) > none


def test_the_accurate_profile_chooses_with_the_pointer_and_the_fast_one_without():
    assert classify.load_models("accurate").places is load_place_pointer()
    assert classify.load_models("fast").places is None
    doc = load_pipeline()(TWO_PLACES)
    sentence = next(iter(doc.sents))
    visited = next(token for token in sentence if token.text == "visited")
    chosen = choose_mention(sentence, visited, pointer=load_place_pointer())
    assert chosen is not None and chosen.text == "Kabul"


def test_one_sentence_and_trigger_run_the_pointer_once_and_the_vocabulary_is_read_once():
    from accord.sentence_model import load_sentence_model

    pointer = load_place_pointer()
    assert pointer.tokenizer is load_sentence_model().tokenizer
    words = TWO_PLACES.rstrip(".").split() + ["."]
    first = pointer.scores(words, 1, [(6, 7)])
    hits = pointer._read_and_run.cache_info().hits
    # locate() asks again without the parties excluded: other mentions, same model run.
    again = pointer.scores(words, 1, [(6, 7), (15, 16)])
    assert pointer._read_and_run.cache_info().hits == hits + 1
    assert again[0][0] == first[0][0] and again[1] == first[1]


def test_a_frames_qualifier_lends_its_pointer_mass_to_the_place_the_frame_names():
    from accord.place_choice import framed_places, pooled_frames

    doc = load_pipeline()("The two foreign ministers met on Thursday in the Tajik capital of "
                          "Dushanbe, on the sidelines of a regional summit.")
    sentence = doc[:]
    mentions = place_mentions(sentence)
    names = [m.text for m in mentions]
    assert framed_places(mentions) == {names.index("Tajik"): names.index("Dushanbe")}
    assert np.allclose(pooled_frames([np.log(0.4), np.log(0.1)], {0: 1}),
                       [np.log(0.4), np.log(0.5)])
    met = next(token for token in sentence if token.text == "met")
    assert choose_mention(sentence, met, pointer=load_place_pointer()).text == "Dushanbe"

    class FirstWordPointer:
        """Points at the phrase's first word, as the shipped pointer did in the sample article."""

        weight = 1.0

        def scores(self, words, trigger, spans):
            found = [np.log(0.6 if names[k] == "Tajik" else 0.001) for k in range(len(spans))]
            return found, float(np.log(0.05))

    assert choose_mention(sentence, met, pointer=FirstWordPointer()).text == "Dushanbe"
