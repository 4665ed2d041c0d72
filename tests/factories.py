"""Tiny factories so tests read like the domain: ``party("NSO Group", country="IL")``."""

from __future__ import annotations

from datetime import date

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
