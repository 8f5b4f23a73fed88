"""Merge two independent lists of organisations into data/organisations.tsv.

Usage: .venv/bin/python tools/merge_organisations.py WRITER_A_DIR WRITER_B_DIR [--apply]

Each directory holds one `<CODE>.tsv` per state with the columns of organisations.tsv (code,
sector, name, aliases, country, kind), written from the writer's own knowledge without seeing
the other's. The rule is the one docs/offices.md gives for every table built this way:

- an organisation is kept only where both writers list it for the same state, with the same kind
  and sector, and a name of two words or more (or the same one-word name) in common;
- it keeps the name with more letters outside ASCII (the accents one writer dropped), the other
  writer's name as an alias, and the aliases both writers gave; a one-word alias (an acronym or
  a short form) only when both gave it, it is not an ordinary English word, and no other
  organisation or place in accord's tables already answers to it;
- a name or alias that organisations of two states answer to ("Labour Party", "PPP") is
  dropped (the row takes another of its names, or is left out);
- an organisation whose name is one ordinary English word ("Renaissance") is left out;
- an organisation the table already holds (a shared name or alias in the same state), or whose
  name a state answers to, is left as it is.

Without --apply it prints what it would add, with counts; with --apply it appends the rows, under
a comment naming this merge, to the end of the table, and outlets (sector MED) to media.tsv,
where the coder reads news outlets from. The short names either table's header leaves out as
too ambiguous stay out.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "src/accord/data/organisations.tsv"
MEDIA = TABLE.with_name("media.tsv")
COLUMNS = ("code", "sector", "name", "aliases", "country", "kind")
# Outlets go to media.tsv: the coder takes state media as JRN actors and never mistakes an
# attribution ("told Reuters") for an act.
MEDIA_SECTOR = "MED"
SECTION = ("# Parties, security agencies and state media of every state, each written by two "
           "writers\n# independently and kept where both agree (tools/merge_organisations.py, "
           "docs/offices.md).")


@dataclass(frozen=True)
class Organisation:
    code: str
    sector: str
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: str

    def names(self) -> set[str]:
        return {plain(text) for text in (self.name, *self.aliases)}

    def line(self) -> str:
        return "\t".join((self.code, self.sector, self.name, "|".join(self.aliases),
                          self.country, self.kind))


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in ("\u2019", "'", ".", ",", "-", "(", ")"):
        kept = kept.replace(mark, " ")
    words = kept.casefold().split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def read(path: Path) -> list[Organisation]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.strip() or line.startswith("#") or cells[0] == "code" or len(cells) != 6:
            continue
        code, sector, name, aliases, country, kind = (cell.strip() for cell in cells)
        rows.append(Organisation(code, sector, name, tuple(a.strip() for a in aliases.split("|")
                                                           if a.strip()), country, kind))
    return rows


def read_media() -> list[Organisation]:
    """media.tsv's outlets in the organisation shape (sector JRN, as the coder gives them)."""
    rows = []
    for line in MEDIA.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if line.startswith("#") or len(cells) != 3:
            continue
        name, aliases, country = cells
        rows.append(Organisation(country, "JRN", name, tuple(a for a in aliases.split("|") if a),
                                 country, "media"))
    return rows


def left_out() -> set[str]:
    """The short names both tables' headers leave out on purpose as too ambiguous."""
    import re

    found = set()
    for path in (TABLE, MEDIA):
        header = [line for line in path.read_text(encoding="utf-8").splitlines()[:12]
                  if line.startswith("#")]
        found |= {plain(name) for name in re.findall(r'"([^"]+)"', " ".join(header))}
    return found


def same(a: Organisation, b: Organisation) -> bool:
    if (a.code, a.kind, a.sector) != (b.code, b.kind, b.sector):
        return False
    shared = a.names() & b.names()
    return any(len(name.split()) > 1 for name in shared) or plain(a.name) == plain(b.name)


def taken_words() -> set[str]:
    """Every one-word name the organisation table or a state already answers to."""
    from accord.knowledge import read_table

    words = left_out()
    for row in read(TABLE) + read_media():
        words |= {n for n in row.names() if len(n.split()) == 1}
    for row in read_table("countries.tsv"):
        words |= {plain(row["name"])}
    return words


def state_surfaces() -> set[str]:
    """Every name, alias, adjective, capital and seat a state answers to ("Bundeswehr" is
    Germany's armed forces as a seat of countries.tsv)."""
    from accord.knowledge import read_table, split_values

    found = set()
    for row in read_table("countries.tsv"):
        for column in ("name", "aliases", "adjectives", "capitals", "seats"):
            found |= {plain(value.partition(":")[0]) for value in split_values(row[column])}
    return found


def ordinary_words() -> set[str]:
    """Lower-case whole words of the sentence model's English vocabulary: a party called by one
    of these ("Renaissance", "Forward") cannot be told from the word in a headline."""
    vocabulary = TABLE.parent / "models" / "sentence_types.vocab.txt"
    return {word for word in vocabulary.read_text(encoding="utf-8").split()
            if word.isalpha() and word.islower()}


def is_ordinary(text: str, ordinary: set[str]) -> bool:
    return not text.isupper() and len(text.split()) == 1 and text.casefold() in ordinary


def agreed(a: Organisation, b: Organisation, taken: set[str], ordinary: set[str]) -> Organisation:
    name = max((a.name, b.name), key=lambda text: sum(not c.isascii() for c in text))
    other = b.name if name == a.name else a.name
    both = {plain(alias) for alias in b.aliases} | {plain(b.name)}
    aliases = []
    for alias in (other, *a.aliases):
        key = plain(alias)
        one_word = len(key.split()) == 1
        if (alias == name or alias in aliases
                or (one_word and (key not in both or key in taken or is_ordinary(alias, ordinary)))
                or (not one_word and key not in both and alias != other)):
            continue
        aliases.append(alias)
    return Organisation(a.code, a.sector, name, tuple(aliases), a.country, a.kind)


def merge(dir_a: Path, dir_b: Path) -> tuple[list[Organisation], int, int]:
    table = read(TABLE) + read_media()
    taken = taken_words()
    ordinary = ordinary_words()
    country_names = state_surfaces()
    added: list[Organisation] = []
    only_one = known = 0
    for path in sorted(dir_a.glob("*.tsv")):
        other = dir_b / path.name
        if not other.exists():
            continue
        rows_b = read(other)
        for a in read(path):
            partner = next((b for b in rows_b if same(a, b)), None)
            if partner is None:
                only_one += 1
                continue
            row = agreed(a, partner, taken, ordinary)
            if is_ordinary(row.name, ordinary):
                continue
            if row.names() & country_names or any(
                    t.country == row.country and t.names() & row.names() for t in table + added):
                known += 1
                continue
            added.append(row)
            taken |= {n for n in row.names() if len(n.split()) == 1}
    return unambiguous(added, table), only_one, known


def unambiguous(added: list[Organisation], table: list[Organisation]) -> list[Organisation]:
    """Drop every name or alias that organisations of two states answer to ("Labour Party",
    "PPP"): the coder could not tell which is meant. A row whose own name goes takes its first
    remaining alias of two words or more as its name, or is left out."""
    states: dict[str, set[str]] = {}
    for row in table + added:
        for name in row.names():
            states.setdefault(name, set()).add(row.country or row.code)
    kept = []
    for row in added:
        surfaces = [text for text in (row.name, *row.aliases) if len(states[plain(text)]) == 1]
        names = [text for text in surfaces if len(plain(text).split()) > 1 or text == row.name]
        if not names:
            continue
        kept.append(Organisation(row.code, row.sector, names[0],
                                 tuple(text for text in surfaces if text != names[0]),
                                 row.country, row.kind))
    return kept


def main(argv: list[str]) -> int:
    dirs = [Path(arg) for arg in argv if not arg.startswith("--")]
    if len(dirs) != 2:
        print(__doc__)
        return 2
    added, only_one, known = merge(*dirs)
    for row in added:
        print("  + " + row.line())
    print(f"{len(added)} organisations agreed and new; named by writer A only: {only_one}; "
          f"already in the table: {known}")
    if "--apply" in argv and added:
        media = [row for row in added if row.sector == MEDIA_SECTOR]
        _append(TABLE, [row.line() for row in added if row.sector != MEDIA_SECTOR])
        _append(MEDIA, ["\t".join((row.name, "|".join(row.aliases), row.country))
                        for row in media])
    return 0


def _append(path: Path, lines: list[str]) -> None:
    if lines:
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(text + "\n" + SECTION + "\n" + "\n".join(lines) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
