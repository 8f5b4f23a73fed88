"""Where events happened, end to end: sentences written for this test, each with one event and
the place the clause names, ambiguous names included (Georgia, Tripoli, Hyderabad, Valencia,
Kingston...), with the expected country and place. The issue's bar: country right for at least
97% of sentences, the exact place for at least 90%.
"""

# ruff: noqa: E501  (one case per line reads best)
from __future__ import annotations

import pytest

from accord.model import Article
from accord.nlp import parse
from accord.pipeline import article_setting, build_record, candidates_of
from accord.where import normalize_name

CASES = [
    ("Kyrgyz and Chinese officials met in the Tajik capital of Dushanbe on Thursday.", "TJK", "Dushanbe"),
    ("Protesters rallied outside the parliament in Nairobi on Tuesday.", "KEN", "Nairobi"),
    ("Gunmen attacked a checkpoint near Kandahar, Afghan officials said.", "AFG", "Kandahar"),
    ("The two presidents held talks in Tashkent on Monday.", "UZB", "Tashkent"),
    ("Police arrested twelve activists in Minsk.", "BLR", "Minsk"),
    ("Israeli aircraft struck targets in Gaza City overnight.", "PSE", "Gaza"),
    ("Thousands of people marched in Santiago against the pension reform.", "CHL", "Santiago"),
    ("Militants bombed a market in Peshawar, killing nine people.", "PAK", "Peshawar"),
    ("The foreign ministers met in Geneva to discuss the crisis.", "CHE", "Geneva"),
    ("Russian forces shelled the city of Kharkiv on Friday.", "UKR", "Kharkiv"),
    ("Georgian police detained opposition supporters in Tbilisi.", "GEO", "Tbilisi"),
    ("Protesters gathered in Atlanta, Georgia, to denounce the new voting law.", "USA", "Atlanta"),
    ("Libyan militias clashed in Tripoli on Sunday.", "LBY", "Tripoli"),
    ("Lebanese troops deployed in Tripoli after clashes in the northern city.", "LBN", "Tripoli"),
    ("Indian police fired tear gas at protesters in Hyderabad.", "IND", "Hyderabad"),
    ("Pakistani rangers arrested suspects in Hyderabad, Sindh province.", "PAK", "Hyderabad"),
    ("Ukraine and Poland signed an agreement in Kyiv on Monday.", "UKR", "Kyiv"),
    ("Ukrainian officials met their Polish counterparts in Kiev.", "UKR", "Kyiv"),
    ("Sudanese soldiers fought rebels in Khartoum for a third day.", "SDN", "Khartoum"),
    ("The envoy held talks with Houthi leaders in Sanaa.", "YEM", "Sanaa"),
    ("Workers went on strike in Lagos over unpaid wages.", "NGA", "Lagos"),
    ("Nigerian troops attacked a militant camp near Maiduguri.", "NGA", "Maiduguri"),
    ("Colombian rebels kidnapped two soldiers near Cali.", "COL", "Cali"),
    ("Venezuelan police arrested students in Caracas.", "VEN", "Caracas"),
    ("Iranian and Iraqi officials met in Baghdad on Wednesday.", "IRQ", "Baghdad"),
    ("A suicide bomber struck a mosque in Kabul.", "AFG", "Kabul"),
    ("Ethiopian federal forces captured Mekele, the regional capital.", "ETH", "Mek'ele"),
    ("Syrian government forces shelled rebel positions in Idlib.", "SYR", "Idlib"),
    ("The two leaders met in Hanoi to discuss trade.", "VNM", "Hanoi"),
    ("Thai police dispersed demonstrators in Bangkok.", "THA", "Bangkok"),
    ("Protesters clashed with police in Hong Kong.", "HKG", "Hong Kong"),
    ("Demonstrators marched through Paris against the pension reform.", "FRA", "Paris"),
    ("Farmers blocked roads around Brussels with tractors.", "BEL", "Brussels"),
    ("Kenyan President William Ruto arrived in Jakarta for a state visit.", "IDN", "Jakarta"),
    ("The summit of African leaders opened in Addis Ababa.", "ETH", "Addis Ababa"),
    ("Security forces raided a hideout in Mombasa.", "KEN", "Mombasa"),
    ("Militants attacked a police station in Quetta.", "PAK", "Quetta"),
    ("The Turkish and Egyptian foreign ministers met in Ankara.", "TUR", "Ankara"),
    ("Egyptian police arrested dozens in Alexandria.", "EGY", "Alexandria"),
    ("Talks between the two sides were held in Doha on Saturday.", "QAT", "Doha"),
    ("Chinese coast guard ships blocked a supply mission near Manila, Philippine officials said.", "PHL", "Manila"),
    ("South Korean and Japanese diplomats met in Seoul.", "KOR", "Seoul"),
    ("The Japanese prime minister visited Canberra for talks.", "AUS", "Canberra"),
    ("Rescue teams delivered aid to Kathmandu after the earthquake.", "NPL", "Kathmandu"),
    ("Bangladeshi police fired rubber bullets at workers in Dhaka.", "BGD", "Dhaka"),
    ("The opposition staged a rally in Harare.", "ZWE", "Harare"),
    ("The army deployed tanks in Yangon after the coup.", "MMR", "Yangon"),
    ("The Mexican president met business leaders in Monterrey.", "MEX", "Monterrey"),
    ("Brazilian police raided offices in Sao Paulo.", "BRA", "São Paulo"),
    ("Argentine unions marched in Buenos Aires against austerity.", "ARG", "Buenos Aires"),
    ("Peruvian protesters blocked the airport in Cusco.", "PER", "Cusco"),
    ("Gunmen attacked a church in Ouagadougou.", "BFA", "Ouagadougou"),
    ("Malian soldiers clashed with rebels near Kidal.", "MLI", "Kidal"),
    ("French troops withdrew from Gao last year.", "MLI", "Gao"),
    ("Somali forces attacked al-Shabaab fighters near Mogadishu.", "SOM", "Mogadishu"),
    ("Police in Johannesburg arrested looters on Monday.", "ZAF", "Johannesburg"),
    ("The ministers signed the accord in Rabat.", "MAR", "Rabat"),
    ("Algerian students protested in Algiers.", "DZA", "Algiers"),
    ("Tunisian police dispersed a sit-in in Tunis.", "TUN", "Tunis"),
    ("The delegations met in Amman to discuss refugees.", "JOR", "Amman"),
    ("Saudi and Iranian envoys held talks in Beijing.", "CHN", "Beijing"),
    ("Azerbaijani and Armenian leaders met in Brussels.", "BEL", "Brussels"),
    ("Armenian protesters rallied in Yerevan.", "ARM", "Yerevan"),
    # GeoNames files Stepanakert (Khankendi) under Azerbaijan.
    ("Azerbaijani forces shelled positions near Stepanakert.", "AZE", "Stepanakert"),
    ("Kazakh police detained protesters in Almaty.", "KAZ", "Almaty"),
    ("The Uzbek president hosted his Turkmen counterpart in Samarkand.", "UZB", "Samarkand"),
    ("Mongolian protesters rallied in Ulaanbaatar.", "MNG", "Ulan Bator"),
    ("North Korea fired a missile from Pyongyang.", "PRK", "Pyongyang"),
    ("Taiwanese officials met US lawmakers in Taipei.", "TWN", "Taipei"),
    ("Chinese and Russian leaders met in Moscow.", "RUS", "Moscow"),
    ("The Belarusian opposition rallied in Vilnius.", "LTU", "Vilnius"),
    ("German police raided homes in Berlin and Hamburg.", "DEU", "Berlin"),
    ("Italian coast guards rescued migrants near Lampedusa.", None, None),
    ("Spanish police arrested separatist leaders in Barcelona.", "ESP", "Barcelona"),
    ("Protesters marched in Valencia, Spain, against rising rents.", "ESP", "Valencia"),
    ("Venezuelan troops deployed in Valencia, Carabobo state.", "VEN", "Valencia"),
    ("Jamaican police arrested gang members in Kingston.", "JAM", "Kingston"),
    ("Greek workers went on strike in Athens.", "GRC", "Athens"),
    ("Serbian protesters blocked a bridge in Novi Sad.", "SRB", "Novi Sad"),
    ("Kosovo police arrested three men in Pristina.", "KOS", "Pristina"),
    ("Hungarian and Polish leaders met in Budapest.", "HUN", "Budapest"),
    ("Israeli police arrested Palestinians in Jerusalem.", "ISR", "Jerusalem"),
    ("Iraqi protesters stormed a government building in Basra.", "IRQ", "Basrah"),
    ("Syrian Kurdish forces attacked Islamic State fighters near Raqqa.", "SYR", "Ar Raqqah"),
    ("The UN envoy met Libyan leaders in Benghazi.", "LBY", "Benghazi"),
    ("Sri Lankan protesters occupied offices in Colombo.", "LKA", "Colombo"),
    ("Afghan women protested in Herat.", "AFG", "Herat"),
    ("Pakistani and Indian officials met in Lahore.", "PAK", "Lahore"),
    ("Indian soldiers clashed with Chinese troops in Ladakh.", None, None),
    ("Haitian gangs attacked a police station in Port-au-Prince.", "HTI", "Port-au-Prince"),
    ("Cuban police detained dissidents in Havana.", "CUB", "Havana"),
    ("Nicaraguan students protested in Managua.", "NIC", "Managua"),
    ("The Canadian prime minister met Indigenous leaders in Ottawa.", "CAN", "Ottawa"),
    ("US and Chinese negotiators met in Washington on Tuesday.", "USA", "Washington"),
    ("Police in London arrested climate activists.", "GBR", "London"),
    ("Ontario police arrested protesters in London, Ontario.", "CAN", "London"),
    ("Sudanese refugees crossed into Chad near Adre.", None, None),
    ("The Rwandan and Congolese presidents met in Luanda.", "AGO", "Luanda"),
    ("Congolese troops fought M23 rebels near Goma.", "COD", "Goma"),
    ("Ugandan police arrested opposition supporters in Kampala.", "UGA", "Kampala"),
    ("The two sides signed a ceasefire in Jeddah.", "SAU", "Jeddah"),
    ("Yemeni forces clashed with Houthi rebels near Marib.", "YEM", "Ma'rib"),
    ("Cambodian police arrested activists in Phnom Penh.", "KHM", "Phnom Penh"),
]


@pytest.fixture(scope="module")
def located() -> dict[str, tuple[str | None, str | None]]:
    """The place of the sentence's primary event (emitted or not: "militants" without a state
    still attacked somewhere), with names compared without accents."""
    articles = [Article(id=str(i), text=text) for i, (text, _, _) in enumerate(CASES)]
    found = {}
    for article, doc in parse(articles):
        setting = article_setting(article, doc)
        placed = list(candidates_of(setting, doc))
        best = max(placed, key=lambda item: item[2].confidence, default=None)
        place = build_record(setting, *best).event_loc if best else None
        # A name kept unresolved ("Lampedusa", geonameid null) puts nothing on the map.
        resolved = normalize_name(place.resolved_place) if place and place.resolved_place else None
        found[article.text] = (place.country_code, resolved) if place else (None, None)
    return found


def test_the_place_set_has_at_least_100_sentences():
    assert len(CASES) >= 100


def test_country_right_for_97_percent_and_exact_place_for_90_percent(located):
    country_misses = [(t, c, located[t]) for t, c, _ in CASES if located[t][0] != c]
    # The exact place: the right name in the right country ("London, Ontario" is not London).
    place_misses = [(t, p, located[t]) for t, c, p in CASES
                    if located[t] != (c, normalize_name(p) if p else None)]
    country_rate = 1 - len(country_misses) / len(CASES)
    place_rate = 1 - len(place_misses) / len(CASES)
    report = "\n".join(map(str, country_misses + place_misses))
    assert country_rate >= 0.97 and place_rate >= 0.90, (
        f"country {country_rate:.3f}, place {place_rate:.3f}\n{report}")
