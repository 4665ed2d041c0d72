"""Tiny factories so tests read like the domain: ``party("NSO Group", country="IL")``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from exportguard.core.entities import Alias, AliasQuality, EntityType, Identifier, ListEntry


def party(
    name: str,
    *aliases: str,
    id: str | None = None,
    type: EntityType = EntityType.ORGANIZATION,
    country: str | None = None,
    weak: tuple[str, ...] = (),
    born: str | None = None,
    ids: tuple[str, ...] = (),
    listed_from: date | None = None,
    listed_until: date | None = None,
    source: str = "test",
) -> ListEntry:
    return ListEntry(
        id=f"{source}:{id or name.lower().replace(' ', '-')}",
        source=source,
        list_name="Test list",
        type=type,
        name=name,
        aliases=tuple(Alias(a) for a in aliases) + tuple(Alias(a, AliasQuality.WEAK) for a in weak),
        countries=(country,) if country else (),
        birth_dates=(born,) if born else (),
        identifiers=tuple(Identifier("Passport", i) for i in ids),
        listed_from=listed_from,
        listed_until=listed_until,
    )


def person(name: str, *aliases: str, **kw: object) -> ListEntry:
    return party(name, *aliases, type=EntityType.PERSON, **kw)  # type: ignore[arg-type]


def eu_regime_without_5e001a(folder: Path) -> Path:
    """The bundled EU dual-use regime with its control entry 5E001.a taken out, written
    to ``folder``: a regime that does not model an item the others do."""
    from exportguard.regimes import bundled_text

    edited = folder / "eu.yaml"
    edited.write_text(
        bundled_text("eu-dual-use")
        .replace('  - {code: 5E001.a, text: "Technology for 5A001.j"}\n', "")
        .replace(", 5E001.a]", "]")
        .replace(", 5D001.c,\n                  5E001.a]", ", 5D001.c]")
    )
    assert "{code: 5E001.a" not in edited.read_text(), "the bundled file's layout changed"
    return edited
