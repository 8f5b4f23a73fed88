"""The word-piece tokenizer gives the ids an uncased BERT vocabulary expects."""

from accord.wordpiece import WordPiece

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "minister", "met", "in", "dush",
              "##an", "##be", ".", ",", "-", "cafe", "北", "京", "talks", "un", "##rest", "$"]


def ids_of(pieces: list[str]) -> list[int]:
    return [VOCABULARY.index(piece) for piece in pieces]


def test_words_are_lowercased_cut_into_known_pieces_and_framed():
    tokens = WordPiece(VOCABULARY).encode("The Minister met in Dushanbe.", 32)
    assert tokens == ids_of(["[CLS]", "the", "minister", "met", "in", "dush", "##an", "##be", ".",
                             "[SEP]"])


def test_punctuation_and_symbols_stand_apart_and_accents_are_dropped():
    tokens = WordPiece(VOCABULARY).encode("café-talks, $unrest", 32)
    assert tokens == ids_of(["[CLS]", "cafe", "-", "talks", ",", "$", "un", "##rest", "[SEP]"])


def test_a_word_the_vocabulary_cannot_cut_whole_is_unknown():
    tokens = WordPiece(VOCABULARY).encode("the xylophone", 32)
    assert tokens == ids_of(["[CLS]", "the", "[UNK]", "[SEP]"])


def test_chinese_characters_are_words_of_their_own_and_controls_vanish():
    tokens = WordPiece(VOCABULARY).encode("北京\u200b\x00talks", 32)
    assert tokens == ids_of(["[CLS]", "北", "京", "talks", "[SEP]"])


def test_long_text_is_cut_to_the_length_and_still_closed():
    tokens = WordPiece(VOCABULARY).encode("the minister met " * 20, 8)
    assert len(tokens) == 8 and tokens[-1] == VOCABULARY.index("[SEP]")


def test_a_batch_is_padded_to_its_longest_text_with_a_mask():
    ids, mask = WordPiece(VOCABULARY).batch(["the minister", "talks"], 16)
    assert ids.shape == mask.shape == (2, 4)
    assert mask.tolist() == [[1, 1, 1, 1], [1, 1, 1, 0]]
    assert ids[1, 3] == VOCABULARY.index("[PAD]")
