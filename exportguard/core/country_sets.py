"""Dated country memberships: a regime's country sets (Israel's eligible destinations, US
Country Groups, EU001 destinations), each a run of versions in time, and the memoised
look-ups decisions make on them (member on a date: True, False or None for unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Member:
    """One country's membership of a set version, with its own dates and facts."""

    code: str
    since: date | None = None
    until: date | None = None
    facts: tuple[str, ...] = ()

    def on(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


@dataclass(frozen=True, slots=True)
class SetVersion:
    """A country set as it stood between two dates."""

    name: str
    since: date
    until: date | None
    members: tuple[Member, ...]
    complete: bool
    facts: tuple[str, ...]
    count: int | None = None
    member_facts: tuple[str, ...] = ()

    def on(self, when: date) -> bool:
        return self.since <= when and (self.until is None or when <= self.until)


@dataclass(frozen=True, slots=True)
class CountrySet:
    id: str
    text: str
    versions: tuple[SetVersion, ...]
    _members: dict[date, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _facts: dict[tuple[str, date], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _memberships: dict[tuple[str, date], tuple[bool | None, SetVersion | None, Member | None]] = (
        field(default_factory=dict, compare=False, repr=False)
    )

    def version(self, when: date) -> SetVersion | None:
        for version in self.versions:
            if version.on(when):
                return version
        return None

    def membership(
        self, code: str, when: date
    ) -> tuple[bool | None, SetVersion | None, Member | None]:
        """(True/False/None for unknown, the version in force, the member record),
        memoised per country and date."""
        found = self._memberships.get((code, when))
        if found is None:
            found = self._membership(code, when)
            if len(self._memberships) > 100_000:
                self._memberships.clear()
            self._memberships[(code, when)] = found
        return found

    def _membership(
        self, code: str, when: date
    ) -> tuple[bool | None, SetVersion | None, Member | None]:
        version = self.version(when)
        if version is None:
            return None, None, None
        for member in version.members:
            if member.code == code and member.on(when):
                return True, version, member
        return (False if version.complete else None), version, None

    def facts_for(self, code: str, when: date) -> tuple[str, ...]:
        """The facts a conclusion about ``code``'s membership on ``when`` rests on
        (memoised: decisions ask the same few countries and dates often)."""
        found = self._facts.get((code, when))
        if found is None:
            member, version, record = self.membership(code, when)
            if version is None:
                found = ()
            elif member:
                found = (*version.facts, *version.member_facts, *(record.facts if record else ()))
            else:
                found = version.facts
            if len(self._facts) > 100_000:
                self._facts.clear()
            self._facts[(code, when)] = found
        return found

    def members_on(self, when: date) -> frozenset[str]:
        """Members on ``when`` (memoised per date: decisions ask the same dates often)."""
        found = self._members.get(when)
        if found is None:
            version = self.version(when)
            found = (
                frozenset()
                if version is None
                else frozenset(m.code for m in version.members if m.on(when))
            )
            if len(self._members) > 10_000:
                self._members.clear()
            self._members[when] = found
        return found
