"""Telling English from other languages: foreign stories rejected, English ones never lost."""

from __future__ import annotations

import pytest

from accord.language import non_english_reason

# Written for these tests: news sentences, grouped by two or three as short reports.
ENGLISH = [
    "Kenyan police fired tear gas at protesters in Nairobi on Tuesday. The opposition said "
    "dozens were hurt.",
    "The European Union imposed sanctions on Belarus over the detention of activists, and "
    "Minsk threatened to retaliate.",
    "Shehbaz Sharif and Mohammed bin Salman discussed investment in Riyadh, Pakistani "
    "officials said.",
    "Xi Jinping and Vladimir Putin held talks in Moscow. Both sides praised the partnership.",
    "BEIJING, Jan. 3 (Xinhua) -- China and Laos agreed to expand railway links and trade "
    "along the border.",
    "Nguyen Phu Trong received the delegation at the Party headquarters in Hanoi on Monday.",
    "Erdogan warned Athens against militarising islands in the Aegean, calling it a threat.",
    "GDP grew 3.2% in Q2 (y/y), the statistics office said; exports rose 4.1%.",
    "Rebels seized Goma, the largest city in eastern Congo, after days of fighting with "
    "government troops.",
    "Lula da Silva, Alberto Fernandez and Luis Lacalle Pou met in Montevideo for the Mercosur "
    "summit.",
    "Kim Jong Un inspected a missile launch, KCNA reported, and vowed to strengthen the "
    "country's deterrent.",
    "The court in Dhaka sentenced the opposition leader to five years in prison for "
    "corruption.",
]
SHORT = ["Talks ended.", "Ministers met.", "Tokayev met Kamikawa in Tashkent.",
         "Acuerdo firmado.", "Abe, Kishida, Suga: Japan's LDP leaders since 2012.", "",
         "12345 67890", "Москва"]
FOREIGN = [
    ("French", "Le président a rencontré son homologue allemand à Paris pour discuter de la "
               "sécurité en Europe et de la guerre."),
    ("Spanish", "El gobierno anunció nuevas sanciones contra los funcionarios del régimen por "
                "la represión de las protestas."),
    ("Portuguese", "O presidente do Brasil visitou Lisboa e assinou um acordo comercial com o "
                   "governo de Portugal para os próximos anos."),
    ("Italian", "Il ministro degli esteri ha incontrato il suo omologo a Roma per discutere "
                "della crisi nella regione."),
    ("German", "Die Bundesregierung hat die Gespräche mit Warschau wieder aufgenommen, sagte "
               "ein Sprecher des Ministeriums am Montag."),
    ("Dutch", "De regering heeft besloten de ambassadeur terug te roepen na de uitspraken van "
              "de minister over het conflict."),
    ("Scandinavian", "Regeringen meddelade att den skickar fler soldater till Lettland för att "
                     "stärka försvaret av regionen."),
    ("Indonesian-Malay", "Presiden Indonesia bertemu dengan perdana menteri Malaysia di Jakarta "
                         "untuk membahas kerja sama yang telah disepakati."),
    ("Turkish", "Cumhurbaşkanı Ankara'da yabancı heyeti kabul etti ve iki ülke arasında daha "
                "fazla iş birliği için bir anlaşma imzalandı."),
    ("Polish", "Premier spotkał się z przywódcami związków zawodowych w Warszawie, ale "
               "rozmowy nie przyniosły porozumienia, które było oczekiwane."),
    ("Vietnamese", "Thủ tướng đã tiếp đoàn đại biểu tại Hà Nội và hai bên đã thảo luận về hợp "
                   "tác kinh tế trong những năm tới."),
    ("Cyrillic", "Президент России провёл переговоры с лидером Казахстана в Астане."),
    ("Arabic", "التقى وزير الخارجية بنظيره الأردني في عمان لبحث الأوضاع في المنطقة."),
    ("Cjk", "中国外交部发言人表示，双方同意加强合作。"),
    ("Hangul", "대통령은 서울에서 일본 총리와 회담했다."),
    ("Devanagari", "प्रधानमंत्री ने दिल्ली में विदेशी प्रतिनिधिमंडल से मुलाकात की।"),
]


@pytest.mark.parametrize("text", ENGLISH + SHORT)
def test_english_and_very_short_texts_are_never_rejected(text: str) -> None:
    assert non_english_reason(text) is None


@pytest.mark.parametrize(("language", "text"), FOREIGN, ids=[name for name, _ in FOREIGN])
def test_foreign_text_of_a_sentence_or_more_is_rejected_naming_the_language(
    language: str, text: str
) -> None:
    reason = non_english_reason(text)

    assert reason is not None and reason.startswith("not English") and language in reason


def test_english_article_quoting_a_foreign_phrase_stays_english() -> None:
    text = ("The crowd chanted 'liberté, égalité, fraternité' as the president arrived in the "
            "city, and police said the march was peaceful.")

    assert non_english_reason(text) is None
