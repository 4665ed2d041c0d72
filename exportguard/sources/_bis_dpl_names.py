"""The Denied Persons List's name rules, which the CSL applies to its untyped rows too:
whether a name is an organisation's (:data:`ORG_WORDS`, :data:`ORG_STEMS`), the names a
name spells out inside itself (``X A/K/A Y``, ``X (f.k.a. Y)``, ``X D/B/A Y``) and a
name's part of the entry id.

The DPL format and these rules are described in :mod:`~exportguard.sources.bis_dpl`.
"""

from __future__ import annotations

import re

from exportguard.core.entities import Alias
from exportguard.sources._common import clean

#: Words (compared after removing dots, upper case) that make a name an organisation.
ORG_WORDS = frozenset((
    "INC", "INCORPORATED", "LTD", "LTDA", "LIMITED", "LLC", "LLP", "LP", "PLC", "CORP",
    "CORPORATION", "CO", "COMPANY", "COMPANIES", "GMBH", "AG", "SA", "SL", "SAS", "SARL", "SRL",
    "SPA", "BV", "NV", "AB", "AS", "OY", "KG", "PTE", "PTY", "JSC", "PJSC", "OJSC", "CJSC",
    "OAO", "ZAO", "OOO", "PAO", "FZC", "FZE", "FZCO", "DMCC", "ANSTALT", "HOLDING", "HOLDINGS",
    "GROUP", "AIRLINES", "AIRLINE", "AIRWAYS", "AIR", "AVIATION", "TRADING", "TRADE", "TRADERS",
    "INTERNATIONAL", "SERVICE", "SERVICES", "TECHNOLOGY", "TECHNOLOGIES", "TECHNIK",
    "ELECTRONICS", "ELECTRONIC", "ENTERPRISE", "ENTERPRISES", "SYSTEMS", "INDUSTRIE",
    "INDUSTRIES", "INDUSTRIAL", "COMMUNICATIONS", "METALS", "COMPUTERS", "MACHINERY",
    "ASSOCIATES", "VERTRIEBS", "BAUELEMENTE", "COMMERCIO", "EMPRESA", "HANDEL", "SUPPLY",
    "SUPPLIES", "MICROWAVE", "NET", "WEB", "BANK", "SHIPPING", "LOGISTICS", "IMPORT", "EXPORT",
    "INSTITUTE", "UNIVERSITY", "FACTORY", "PLANT", "LABORATORY", "LABORATORIES", "MINISTRY",
    "AGENCY", "BUREAU", "ACADEMY", "CENTER", "CENTRE", "FOUNDATION", "ORGANIZATION",
    "ORGANISATION"
))  # fmt: skip
#: Stems no person name contains but many company names do.
ORG_STEMS = ("TECH", "ELECTR", "AVIA", "TRONIC", "SYSTEM", "INDUST", "AIRLINE", "TRADING")

_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*\.?")
_SLUG = re.compile(r"[^\W_]+")
_EMBED_MARK = re.compile(r"(?i)\b(?:([afn])[./] ?k[./] ?a|d[./] ?b[./] ?a)\b\.?,?")


def looks_like_organization(name: str) -> bool:
    """Whether a name carries a legal form, company word or company-like stem."""
    upper = name.upper()
    for word in _WORD.findall(upper):
        if word.replace(".", "") in ORG_WORDS:
            return True
    return any(stem in upper for stem in ORG_STEMS)


def embedded_aliases(name: str) -> list[Alias]:
    """Aliases a name spells out inside itself (``X A/K/A Y``, ``X (f.k.a. Y)``, ``X D/B/A Y``).

    Returns the name without the marker part (kind ``aka``) and the marked name(s) (kind
    ``aka``/``fka``/``nka``; a ``;`` inside the marked part separates several). Empty when
    the name holds no marker.
    """
    found = _EMBED_MARK.search(name)
    if found is None:
        return []
    letter = (found.group(1) or "a").lower()
    kind = {"f": "fka", "n": "nka"}.get(letter, "aka")
    before = name[: found.start()].rstrip()
    after = name[found.end() :]
    if before.endswith("("):
        close = after.find(")")
        inner = after[:close] if close >= 0 else after
        rest = after[close + 1 :] if close >= 0 else ""
        base = clean(before[:-1] + " " + rest)
    else:
        inner = after
        base = clean(before.rstrip(","))
    out: list[Alias] = []
    if base:
        out.append(Alias(base.strip(" ,"), kind="aka"))
    for part in inner.split(";"):
        text = clean(part)
        if text:
            out.append(Alias(text.strip(" ,"), kind=kind))
    return [a for a in out if a.name and a.name != name]


def name_slug(name: str) -> str:
    """Upper-case letter/digit runs of a name joined by ``-`` (its id part)."""
    return "-".join(_SLUG.findall(name.upper()))
