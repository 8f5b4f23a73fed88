"""The modality flags on events: negated, future, hypothetical.

Sixty-odd sentences written for this test, twenty for each flag plus plain controls. Each
sentence has one main event; the flags of the coder's primary event must match. The suite
passes at 90% accuracy per flag, as the issue asks, and lists every miss.
"""

from __future__ import annotations

import pytest

from accord.model import Article
from accord.nlp import parse
from accord.pipeline import article_candidates

NEGATED = [
    "Russia did not agree to the ceasefire proposal.",
    "The Kenyan government has not condemned the attack.",
    "China never recognized the annexation of the island.",
    "Turkey did not send troops to the border.",
    "The European Union has not imposed new sanctions on Iran.",
    "Police did not arrest any protesters on Sunday.",
    "The rebels have not released the hostages.",
    "Japan did not protest the missile launch.",
    "The president did not meet the opposition leader.",
    "India has not accused Pakistan of the bombing.",
    "The court did not convict the former minister.",
    "Egypt did not reject the mediation offer.",
    "The army did not deploy tanks in the capital.",
    "The two countries did not sign the trade agreement.",
    "Brazil has not provided aid to the flood victims.",
    "The ministry did not threaten to expel the diplomats.",
    "Protesters did not block the highway this time.",
    "The United States did not veto the resolution.",
    "Germany never apologized for the remarks.",
    "The militants did not attack the checkpoint.",
]
FUTURE = [
    "The Chinese president will visit France next month.",
    "Kazakhstan will host the summit of Central Asian leaders in June.",
    "The European Union will impose new sanctions on Belarus next week.",
    "Japan is going to send emergency aid to the Philippines.",
    "The two foreign ministers will meet in Geneva on Friday.",
    "Turkey plans to deploy more troops along the Syrian border.",
    "Indonesia will sign a defence agreement with Australia.",
    "The rebels said they will release the hostages on Monday.",
    "Egypt is expected to host talks between the two sides next week.",
    "The government will ban public gatherings in the capital from Monday.",
    "Kenya intends to expel the ambassador over the remarks.",
    "Police will arrest anyone who joins the unauthorised march.",
    "The World Bank will lend Pakistan two billion dollars.",
    "Unions are set to strike across the country next week.",
    "The Indian prime minister will travel to Tokyo for talks.",
    "Vietnam will cooperate with Laos on border security.",
    "Germany will provide air defence systems to Ukraine.",
    "The opposition will boycott the election.",
    "The president is scheduled to meet the Iraqi prime minister on Tuesday.",
    "Saudi Arabia will resume diplomatic relations with Iran.",
]
HYPOTHETICAL = [
    "The EU could impose sanctions on Iran.",
    "If talks fail, Israel may strike Iranian nuclear sites.",
    "The United States might send more troops to the region.",
    "China could retaliate against the new tariffs.",
    "Russia may expel Western diplomats if the measures stay.",
    "The army could deploy soldiers to the border.",
    "If the deal collapses, the rebels might attack the city again.",
    "The government may ban the opposition party.",
    "Japan could provide financial aid to the Pacific islands.",
    "The court might convict the journalists of espionage.",
    "India could accuse Pakistan of violating the ceasefire.",
    "Protesters may block the main highway to the port.",
    "Turkey could reject the proposal if its demands are not met.",
    "The president might meet his Russian counterpart in Minsk.",
    "If the talks succeed, the two sides could sign an agreement.",
    "Police may arrest the organisers of the march.",
    "Egypt could mediate between the two factions.",
    "The militants might release the hostages in exchange for prisoners.",
    "If provoked, North Korea could launch more missiles.",
    "Brazil may recall its ambassador from Caracas.",
]
PLAIN = [
    "Russia agreed to the ceasefire proposal on Monday.",
    "The Kenyan government condemned the attack.",
    "Turkey sent troops to the border.",
    "The European Union imposed new sanctions on Iran.",
    "Police arrested dozens of protesters on Sunday.",
    "The rebels released the hostages.",
    "The two foreign ministers met in Geneva on Friday.",
    "Japan sent emergency aid to the Philippines.",
    "Indonesia signed a defence agreement with Australia.",
    "The court convicted the former minister of corruption.",
]

CASES = ([(s, "negated") for s in NEGATED] + [(s, "future") for s in FUTURE]
         + [(s, "hypothetical") for s in HYPOTHETICAL] + [(s, None) for s in PLAIN])


@pytest.fixture(scope="module")
def primary_flags() -> dict[str, dict[str, bool] | None]:
    articles = [Article(id=str(i), text=text) for i, (text, _) in enumerate(CASES)]
    flags: dict[str, dict[str, bool] | None] = {}
    for article, doc in parse(articles):
        best = max((c for _, _, c in article_candidates(article, doc)),
                   key=lambda c: c.confidence, default=None)
        flags[article.text] = None if best is None else {
            "negated": best.negated, "future": best.future, "hypothetical": best.hypothetical}
    return flags


def test_the_flag_set_has_twenty_sentences_per_flag_and_controls():
    assert len(NEGATED) == len(FUTURE) == len(HYPOTHETICAL) == 20 and PLAIN


@pytest.mark.parametrize("flag", ["negated", "future", "hypothetical"])
def test_each_flag_is_right_for_at_least_90_percent_of_sentences(primary_flags, flag):
    misses = []
    for text, marked in CASES:
        found = primary_flags[text]
        if found is None or found[flag] != (marked == flag):
            misses.append((text, found))
    accuracy = 1 - len(misses) / len(CASES)
    assert accuracy >= 0.9, f"{flag}: {accuracy:.3f}\n" + "\n".join(map(str, misses))


def test_a_planned_visit_is_agree_without_the_visit_mode():
    article = Article(id="plan", text="The Chinese president will visit France next month.")
    (_, doc), = parse([article])
    best = max((c for _, _, c in article_candidates(article, doc)), key=lambda c: c.confidence)
    assert best.event_type == "AGREE" and best.future and best.mode is None
