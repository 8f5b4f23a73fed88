"""A generated corpus of wire-style articles for benchmarks, written from templates for accord.

Usage: .venv/bin/python bench/corpus.py OUT_DIR [N_ARTICLES] [SEED]

Each article has a dateline, 6-9 sentences of diplomatic, protest, conflict and sanctions news
built from the templates below (invented wording, real state names), so timing runs see the
sentence lengths and constructions that real wire copy has.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

STATES = [
    ("China", "Chinese", "Beijing"), ("Kyrgyzstan", "Kyrgyz", "Bishkek"),
    ("Kazakhstan", "Kazakh", "Astana"), ("Japan", "Japanese", "Tokyo"),
    ("Turkey", "Turkish", "Ankara"), ("Egypt", "Egyptian", "Cairo"),
    ("Kenya", "Kenyan", "Nairobi"), ("Indonesia", "Indonesian", "Jakarta"),
    ("Brazil", "Brazilian", "Brasilia"), ("Argentina", "Argentine", "Buenos Aires"),
    ("Germany", "German", "Berlin"), ("France", "French", "Paris"),
    ("India", "Indian", "New Delhi"), ("Pakistan", "Pakistani", "Islamabad"),
    ("Nigeria", "Nigerian", "Abuja"), ("Ghana", "Ghanaian", "Accra"),
    ("Vietnam", "Vietnamese", "Hanoi"), ("Mexico", "Mexican", "Mexico City"),
    ("Russia", "Russian", "Moscow"), ("Iran", "Iranian", "Tehran"),
]
OFFICES = ["President", "Prime Minister", "Foreign Minister", "Defense Minister"]
SURNAMES = ["Amani", "Berov", "Castillo", "Dumas", "Eriksen", "Farouk", "Gonzaga", "Hayashi",
            "Ibrahim", "Jansen", "Karimov", "Lindqvist", "Moreau", "Nakamura", "Okafor",
            "Petrov", "Quintero", "Rahman", "Sato", "Tembo"]
GIVEN = ["Amir", "Bella", "Carlos", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TOPICS = ["trade", "energy", "transport", "agriculture", "climate", "security", "health"]

OPENERS = [
    "{o1} of {s1} {p1} and {a2} {o2} {p2} on {day} met in the {a3} capital of {c3}, agreeing "
    "to strengthen cooperation in {topic} and {topic2}.",
    "{a1} {o1} {p1} held a phone call with his {a2} counterpart {p2} on {day}, and the two "
    "sides agreed to keep in close contact.",
    "{a1} {o1} {p1} arrived in {c2} on {day} for a two-day official visit, the first by a "
    "{a1} leader in a decade.",
    "Thousands of protesters marched through {c1} on {day} against rising fuel prices, and "
    "police fired tear gas to disperse them.",
    "Gunmen attacked a police station on the outskirts of {c1} on {day}, killing three "
    "officers, a police spokesman said.",
    "The European Union on {day} imposed sanctions on {n} {a1} officials over a crackdown "
    "on opposition activists.",
]
FOLLOWERS = [
    "{p1} said that {s1} appreciates {s2}'s support and regards it as a trusted partner.",
    "{s2} is willing to continue to provide support for {s1}'s efforts in {topic}, {p2} said.",
    "{s1} firmly supports {s2} on issues concerning its sovereignty, he added.",
    "The two countries signed agreements on {topic} and {topic2} after the talks.",
    "{p2} congratulated {s1} on the anniversary of its independence.",
    "{s1} strongly condemned the decision and accused {s2} of interfering in its affairs.",
    "The {a1} Foreign Ministry said {s1} would take countermeasures if the restrictions "
    "were not lifted.",
    "Police said officers arrested {n} people for blocking a highway near the parliament.",
    "The opposition urged the government to reverse the price increase within two weeks.",
    "{s2} sent {n} tonnes of food and medicine to {s1} to help families affected by floods.",
    "The government rejected calls to declare a state of emergency, saying the situation "
    "was under control.",
    "Troops were deployed to the area and launched a search for the attackers.",
    "The two sides also exchanged views on regional issues of common concern.",
    "{p1} said {s1} is ready to work with {s2} to raise bilateral trade to {n} billion "
    "dollars by 2030.",
    "Officials from both countries will meet again next month to review progress.",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def article(rng: random.Random, number: int) -> str:
    first, second, third = rng.sample(STATES, 3)
    pub = date(2021, 1, 1) + timedelta(days=rng.randrange(1500))
    event_day = pub - timedelta(days=1)
    topic, topic2 = rng.sample(TOPICS, 2)
    values = {
        "s1": first[0], "a1": first[1], "c1": first[2], "s2": second[0], "a2": second[1],
        "c2": second[2], "a3": third[1], "c3": third[2], "o1": rng.choice(OFFICES),
        "o2": rng.choice(OFFICES), "p1": person(rng), "p2": person(rng),
        "day": WEEKDAYS[event_day.weekday()], "topic": topic, "topic2": topic2,
        "n": rng.randrange(3, 90),
    }
    sentences = [rng.choice(OPENERS)] + rng.sample(FOLLOWERS, rng.randrange(5, 9))
    body = " ".join(sentence.format(**values) for sentence in sentences)
    dateline = f"{first[2].upper()}, {event_day.strftime('%b')}. {event_day.day} (Xinhua) -- "
    title = f"{first[0]}, {second[0]} discuss {topic}"
    return (f" date {pub.isoformat()} {title}\n\nXinhua) 09:{number % 60:02d}, "
            f"{pub.strftime('%B')} {pub.day}, {pub.year}\n\n{dateline}{body}\n")


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"gen_{number:06d}.txt"
        path.write_text(article(rng, number), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1])
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    write_corpus(out, total, int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    print(f"wrote {total} articles to {out}")
