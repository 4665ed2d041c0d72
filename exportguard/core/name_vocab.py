"""Name vocabularies read from ``core/vocab``, once: given names (the spellings of one
name grouped, in Latin, Russian, European and Arabic tables) and particles ("bin",
"von", "de") with their classes."""

from __future__ import annotations

from functools import cache, lru_cache

from exportguard.core import vocab
from exportguard.core.translit import (
    translit_canonical,
)

# --- given names -------------------------------------------------------------------------

#: The given-name tables (vocab/*.csv, each with its source in its header).
GIVEN_NAME_TABLES = ("given_names", "given_names_ru", "given_names_eu", "given_names_ar")


@cache
def _given_names() -> dict[str, frozenset[str]]:
    rows: list[tuple[str, str, str]] = []
    for table in GIVEN_NAME_TABLES:
        for row in vocab.load_rows(table):
            if len(row) != 3 or row[1] not in ("has_nickname", "has_variant"):
                raise ValueError(
                    f"{table}.csv: expected name1,has_nickname|has_variant,name2, got {row!r}"
                )
            # Keyed and grouped by the transliteration-canonical spelling: "Nikolai",
            # "Nikolay" and "Nikolaj" are one full name, "Aleksei" and "Alexey" too.
            full, other = translit_canonical(row[0].lower()), translit_canonical(row[2].lower())
            rows.append((full, row[1], other))
    full_names = {full for full, _, _ in rows}
    distinct = {
        frozenset(translit_canonical(n) for n in row)
        for row in vocab.load_rows("given_names_distinct")
    }
    groups: dict[str, set[str]] = {}
    for full, relation, other in rows:
        groups.setdefault(full, {full})
        if frozenset((full, other)) in distinct:
            continue
        if relation == "has_nickname" and other in full_names and len(other) >= len(full):
            # Not a short form but a full name of its own as long (the data set gives
            # John as a form of Ivan and of Ian, Michael of Miguel): another name.
            continue
        groups.setdefault(other, {other}).add(full)  # a name is itself, and its full name
    return {name: frozenset(found) for name, found in groups.items()}


@lru_cache(maxsize=131_072)
def given_name_groups(text: str) -> frozenset[str]:
    """The full given names a (lower-case Latin) token is, or is a short form or a
    spelling variant of, in their transliteration-canonical spelling: "bob" ->
    {"robert"}, "kolya" and "nikolai" -> {"nikolay"}, "mohamed" -> {"muhamad"}; empty
    for a word of fewer than three letters, a name particle, and any other word. Two
    tokens are one given name when their groups meet."""
    if len(text) < 3 or particle_class(text) is not None:
        return frozenset()
    return _given_names().get(translit_canonical(text), frozenset())


# --- particles ---------------------------------------------------------------------------


@cache
def _particles() -> dict[str, str]:
    data = vocab.load("particles")
    table: dict[str, str] = {}
    for cls, spellings in vocab.mapping(data["classes"], "particles.yaml: classes").items():
        for spelling in vocab.sequence(spellings, f"particles.yaml: classes.{cls}"):
            table[str(spelling)] = str(cls)
    return table


def particle_class(text: str) -> str | None:
    """The class of a name particle ("bin", "ibn" -> "son-of"), or ``None``."""
    return _particles().get(text)
