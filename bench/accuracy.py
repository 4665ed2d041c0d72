"""Accuracy evaluation built from the lists themselves, against two baselines.

Run: ``make bench-accuracy`` (it creates bench/.venv with nomenklatura for the baseline).

Kinds of positive query (each expects its entry among the hits):

alias           a listed alias held out of the index, queried for its entry: aliases every
                word (3+ letters) of which is in the entry's other names, exactly or nearly
                (rapidfuzz ratio >= 80): reorderings, shortenings and respellings of names
                the index still has
alias-other     the other held-out aliases: different names ("DF Associates" for Candiru),
                which no name matcher can be expected to find; reported, no target
typo            one random edit (insert, delete, substitute, swap) in one token of 4+
reorder         a person's name tokens rotated ("Putin Vladimir")
drop-middle     a middle name or patronymic dropped from a person's 3+ token name
short-name      what an officer types for "GUZMAN LOERA, Joaquin" or "MUGABE, Robert
                Gabriel": the given name and the first surname (review of issues 11, 15)
legal-form      an organisation's legal form respelt (LLC <-> Limited Liability Company,
                Ltd <-> Limited, JSC <-> Joint Stock Company ...) or added
punct-case      case changed and punctuation removed or added
cyrillic        Russian names rendered in Cyrillic (persons and organisations connected
                with Russia), plus the Cyrillic aliases OpenSanctions publishes, held out
arabic-script   the UN list's own Arabic-script names and the EU's Arabic/Persian aliases,
                held out of the index
other-script    the UN list's other original-script names (CJK, ...), held out
title           a person's name with a title added ("Dr.", "Haji", "Sheikh" ...) or, for a
                listed name that starts with one, without it
abbreviation    an organisation's company word abbreviated (International -> Intl,
                Company -> Comp, Technologies -> Tech, Trading -> Trdg ...)
romanisation    a Korean or Chinese person's name with one syllable romanised another way
                (Su/Soo, Yo/Yeo, Ri/Lee, Jong/Jeong ...)
drop-chain      a person's lineage chain link left out ("Usama bin Laden" for "Usama bin
                Muhammad bin Awad BIN LADIN"; ould, abu, bint alike)
brand-script    an organisation's company word (Group, Technologies, International, Bank)
                written in Hebrew, Arabic or Russian before the Latin name ("קבוצת NSO"
                for "NSO Group")
identifier      an entry's identifier alone (passport, IMO, registration ...), no name
number-words    a number in a name written in English words ("Twenty-One" for "21")
legal-equiv     an organisation's legal form replaced by an equivalent of its family in
                another language (OAO <-> JSC <-> PAO, OOO <-> LLC, GmbH <-> mbH ...)
given-name      a person's given name replaced by one of its short forms (Robert -> Bob,
                Aleksandr -> Sasha), from the nicknames data set the package ships
script-full-name  a Russian person's Latin given name and surname, patronymic left out
                ("Sergey Shoygu"), against the entry's Cyrillic names only (its Latin
                names held out of the index: "Сергей Кужугетович Шойгу")

Wrong-answer kinds (each query must NOT hit its entry; the rate of hits is reported):

generic-only    the generic company words of a listed organisation's name without its
                distinctive word ("General Trading LLC" from ADOON GENERAL TRADING L.L.C.)
number-changed  a listed name with one number changed ("11421 Corp" from 11420 CORP.)

Negatives: names from Faker in 20 locales (persons and companies), minus any whose words
(legal forms aside, in any order) are those of a listed name; a negative "raises a hit"
when any hit scores at the threshold.

Methods, on the same index contents and queries:

exportguard     this package (index retrieval + feature scoring)
rapidfuzz       brute force: ``rapidfuzz.process.cdist`` with WRatio over every name,
                both sides transliterated with anyascii (off-the-shelf transliteration)
logic-v2        nomenklatura's LogicV2 re-scoring the rapidfuzz top 20 candidates' entries

Thresholds: each method is reported at the threshold where at most 1% of negatives raise
a hit (calibrated on the negatives), and exportguard also at its default.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from anyascii import anyascii
from common import OUT, ROOT, load_all, machine
from rapidfuzz import fuzz, process, utils

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.index import NameIndex, screen
from exportguard.core.names import analyse, normalise
from exportguard.core.queries import make_query
from exportguard.core.thresholds import DEFAULT_THRESHOLD

KINDS = ("alias", "alias-other", "typo", "reorder", "drop-middle", "short-name", "legal-form",
         "punct-case", "cyrillic", "arabic-script", "other-script", "title", "abbreviation",
         "romanisation", "drop-chain", "brand-script", "identifier", "number-words",
         "legal-equiv", "given-name", "script-full-name")  # fmt: skip
#: Kinds whose queries must not hit their entry: reported as the share that does.
WRONG_KINDS = ("generic-only", "number-changed")
LATIN_KINDS = ("alias", "typo", "reorder", "drop-middle", "short-name", "legal-form",
               "punct-case", "title", "abbreviation", "romanisation", "drop-chain",
               "number-words", "legal-equiv", "given-name")  # fmt: skip
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR", "pl_PL",
           "nl_NL", "tr_TR", "ru_RU", "uk_UA", "ar_AA", "fa_IR", "he_IL", "zh_CN", "ja_JP",
           "hi_IN", "ko_KR")  # fmt: skip


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    expected: str  # entry id
    type: EntityType | None = None
    identifiers: tuple[str, ...] = ()


def is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def script_of(text: str) -> str:
    for c in text:
        o = ord(c)
        if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F:
            return "arabic"
        if 0x0400 <= o <= 0x04FF:
            return "cyrillic"
        if 0x0590 <= o <= 0x05FF:
            return "hebrew"
        if c.isalpha() and o >= 0x250:
            return "other"
    return "latin"


# --- perturbations --------------------------------------------------------------------------


def typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.choice(("insert", "delete", "substitute", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == "insert":
        w = w[:j] + rng.choice(letters) + w[j:]
    elif op == "delete":
        w = w[:j] + w[j + 1 :]
    elif op == "substitute":
        w = w[:j] + rng.choice(letters.replace(w[j].lower(), "")) + w[j + 1 :]
    else:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    words[i] = w
    return " ".join(words)


_LEGAL_SWAPS = [
    ("LLC", "Limited Liability Company"), ("Ltd", "Limited"), ("Ltd.", "Limited"),
    ("JSC", "Joint Stock Company"), ("OOO", "LLC"), ("Co.", "Company"), ("Corp.", "Corporation"),
    ("Inc.", "Incorporated"), ("LIMITED", "LTD"), ("COMPANY", "CO"), ("CO.", "COMPANY"),
    ("CORPORATION", "CORP"), ("L.L.C.", "LLC"), ("S.A.", "SA"), ("GmbH", "G.m.b.H."),
    ("PJSC", "Public Joint Stock Company"), ("OJSC", "Open Joint Stock Company"),
]  # fmt: skip


def legal_form(name: str, rng: random.Random) -> str | None:
    for a, b in _LEGAL_SWAPS:
        for x, y in ((a, b), (b, a)):
            pattern = r"(?<![\w.])" + re.escape(x) + r"(?![\w])"
            if re.search(pattern, name):
                return re.sub(pattern, y, name, count=1)
    if len(name.split()) >= 2:
        return name + rng.choice([" LLC", " Ltd", " Limited", " JSC", " Co."])
    return None


def punct_case(name: str, rng: random.Random) -> str:
    text = re.sub(r"[.,'\"()-]", rng.choice(["", " "]), name)
    if rng.random() < 0.5:
        text = text.replace(" ", rng.choice([", ", " - ", ". "]), 1)
    return rng.choice([str.lower, str.upper, str.title])(text)


_TO_CYRILLIC = [
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iy", "ий"), ("yy", "ый"), ("ey", "ей"),
    ("ay", "ай"), ("oy", "ой"), ("uy", "уй"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
    ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("'", "ь"), ("w", "в"), ("h", "х"), ("c", "к"), ("x", "кс"),
    ("j", "дж"), ("q", "к"),
]  # fmt: skip


def to_cyrillic(name: str) -> str:
    words = []
    for word in name.lower().split():
        out, i = "", 0
        while i < len(word):
            for lat, cyr in _TO_CYRILLIC:
                if word.startswith(lat, i):
                    out += cyr
                    i += len(lat)
                    break
            else:
                out += word[i]
                i += 1
        words.append(out.capitalize())
    return " ".join(words)


def russian(entry: ListEntry) -> bool:
    return "RU" in entry.countries or any("RUSSIA" in p.upper() for p in entry.programs)


_TITLES = ("Dr.", "Haji", "Sheikh", "Mullah", "Mr.", "Gen.", "Sayyid", "Maulawi", "Col.")
_TITLED = re.compile(
    r"^(?:dr\.?|haji|hajji|sheikh|shaikh|mullah|mawlawi|maulawi|sayyid|sayed|gen\.?|col\.?)\s+",
    re.I,
)


def titled(name: str, rng: random.Random) -> str | None:
    if len(name.split()) < 2:
        return None
    if _TITLED.match(name):
        return _TITLED.sub("", name)
    return f"{rng.choice(_TITLES)} {name}"


_ABBREVIATIONS = [
    ("International", "Intl"), ("Company", "Comp"), ("Technologies", "Tech"),
    ("Technology", "Tech"), ("Trading", "Trdg"), ("Industries", "Ind"),
    ("Manufacturing", "Mfg"), ("Engineering", "Engg"), ("Services", "Svcs"),
    ("Holdings", "Hldgs"), ("Holding", "Hldg"), ("National", "Natl"),
    ("Development", "Dev"), ("Establishment", "Est"), ("Group", "Grp"),
    ("Association", "Assn"), ("Corporation", "Corpn"),
]  # fmt: skip


def abbreviated(name: str) -> str | None:
    for full, short in _ABBREVIATIONS:
        pattern = r"(?i)\b" + full + r"\b"
        if re.search(pattern, name):
            return re.sub(pattern, short, name, count=1)
    return None


_VARIANT_SYLLABLES = [
    ("Su", "Soo"), ("Yo", "Yeo"), ("Ri", "Lee"), ("Jong", "Jeong"), ("Chol", "Cheol"),
    ("Song", "Seong"), ("Yong", "Young"), ("Hyon", "Hyun"), ("Kyong", "Kyung"),
    ("Myong", "Myung"), ("Pak", "Park"), ("Choe", "Choi"), ("Kwang", "Gwang"),
    ("Zhang", "Chang"), ("Zhou", "Chou"), ("Hyok", "Hyuk"), ("Sok", "Seok"),
]  # fmt: skip


def romanised_variant(name: str, rng: random.Random) -> str | None:
    words = re.split(r"([\s,-]+)", name)
    spots = []
    for i, w in enumerate(words):
        for a, b in _VARIANT_SYLLABLES:
            for x, y in ((a, b), (b, a)):
                if w.lower() == x.lower():
                    spots.append((i, y.upper() if w.isupper() else y))
    if not spots:
        return None
    i, y = rng.choice(spots)
    words[i] = y
    return "".join(words)


_CHAIN = re.compile(r"(?i)\b(bin|ibn|bint|ould|abu)\s+[\w'-]+\s+(?=\S)")


def drop_chain(name: str, rng: random.Random) -> str | None:
    """Leave out one chain link that is not the last word's particle."""
    text = name.replace(",", " ")
    spots = [m for m in _CHAIN.finditer(text) if m.start() > 0]
    if len(text.split()) < 4 or not spots:
        return None
    m = rng.choice(spots)
    return " ".join((text[: m.start()] + text[m.end() :]).split())


_BRAND_WORDS = {
    "group": ["קבוצת", "مجموعة", "группа"],
    "technologies": ["טכנולוגיות", "تكنولوجيا", "технологии"],
    "international": ["בינלאומי", "الدولية", "международный"], "bank": ["בנק", "بنك", "банк"],
}  # fmt: skip


def brand_script(name: str, rng: random.Random) -> str | None:
    words = name.split()
    for i, w in enumerate(words):
        found = _BRAND_WORDS.get(w.lower().strip(",."))
        if found and len(words) >= 2:
            rest = words[:i] + words[i + 1 :]
            return " ".join([rng.choice(found), *rest])
    return None


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                 "seventeen", "eighteen", "nineteen")  # fmt: skip
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int) -> str:
    if n < 20:
        return _NUMBER_WORDS[n]
    tens, unit = divmod(n, 10)
    return _TENS_WORDS[tens - 2] + ("-" + _NUMBER_WORDS[unit] if unit else "")


def number_words(name: str) -> str | None:
    m = re.search(r"(?<![\w.])(\d{1,2})(?![\w.])", name)
    if not m:
        return None
    return name[: m.start()] + in_words(int(m.group(1))).title() + name[m.end() :]


def number_changed(name: str, rng: random.Random) -> str | None:
    m = re.search(r"\d+", name)
    if not m:
        return None
    digits = m.group()
    i = rng.randrange(len(digits))
    new = str((int(digits[i]) + rng.randrange(1, 10)) % 10)
    return name[: m.start() + i] + new + name[m.start() + i + 1 :]


# Longest forms first, so "Public Joint Stock Company" is replaced whole (not leaving
# "Public" behind, which no officer would write).
_LEGAL_EQUIV = [
    ("Public Joint Stock Company", "PAO"), ("Open Joint Stock Company", "OAO"),
    ("Closed Joint Stock Company", "ZAO"), ("Non-Public Joint Stock Company", "AO"),
    ("Joint Stock Company", "AO"), ("Limited Liability Company", "OOO"),
    ("OAO", "JSC"), ("OJSC", "PAO"), ("PJSC", "OAO"), ("ZAO", "JSC"), ("CJSC", "AO"),
    ("AO", "JSC"), ("OOO", "LLC"), ("LLC", "OOO"), ("TOV", "LLC"), ("GmbH", "mbH"),
]  # fmt: skip


_PATRONYMIC = re.compile(r"(?:vich|vna|ich|ovna|evna)$", re.I)
_PATRONYMIC_END = re.compile(r"(?:[oe]vich|[oe]vna|ichna|ovych|ivna)$", re.I)


def _hold_out(entry: ListEntry, names: set[str]) -> ListEntry:
    """The entry without ``names``; a held-out primary name gives way to the first alias
    left (script-full-name holds out every Latin name)."""
    aliases = tuple(a for a in entry.aliases if a.name not in names)
    if entry.name not in names or not aliases:
        return dataclasses.replace(entry, aliases=aliases)
    return dataclasses.replace(entry, name=aliases[0].name, aliases=aliases[1:])


def legal_equivalent(name: str) -> str | None:
    for a, b in _LEGAL_EQUIV:
        pattern = r"(?<![\w.])" + re.escape(a) + r"(?![\w])"
        if re.search(pattern, name, re.I):
            return re.sub(pattern, b, name, count=1, flags=re.I)
    return None


_VOCAB = ROOT.parent / "exportguard" / "core" / "vocab"


@functools.cache
def _nicknames() -> dict[str, list[str]]:
    """Full given name -> its short forms, read from the files the package ships (read
    here as files, so a run against another version of the package uses the same data)."""
    rows = []
    for name in ("given_names.csv", "given_names_ru.csv"):
        for line in (_VOCAB / name).read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split(",")
            if len(parts) == 3 and parts[1] == "has_nickname" and len(parts[2]) >= 3:
                rows.append((parts[0], parts[2]))
    # Not short forms: a "nickname" that is a full name of its own at least as long (the
    # data set gives John for Ivan, Michael for Miguel), and the pairs the package lists
    # as distinct names.
    full = {a for a, _ in rows}
    distinct_file = (_VOCAB / "given_names_distinct.csv").read_text(encoding="utf-8")
    distinct = {
        frozenset(line.split(","))
        for line in distinct_file.splitlines()[1:]
        if line and not line.startswith("#")
    }
    table: dict[str, list[str]] = {}
    for a, b in rows:
        if (b in full and len(b) >= len(a)) or frozenset((a, b)) in distinct:
            continue
        table.setdefault(a, []).append(b)
    return table


def given_name(name: str, rng: random.Random) -> str | None:
    """A person's given name (any word but the surname) replaced by a short form."""
    words = name.replace(",", " ").split()
    spots = [(i, _nicknames()[w.lower()]) for i, w in enumerate(words)
             if w.lower() in _nicknames()]  # fmt: skip
    if len(words) < 2 or not spots:
        return None
    i, shorts = rng.choice(spots)
    short = rng.choice(sorted(shorts))
    words[i] = short.upper() if words[i].isupper() else short.title()
    return " ".join(words)


def generic_only(name: str) -> str | None:
    """The generic company words of an organisation name, its distinctive words left out
    (None unless at least two generic words and one distinctive word)."""
    words = [w for w in re.split(r"[\s,]+", name) if w]
    generic = [w for w in words if w.lower().strip(".") in _GENERIC]
    if len(generic) < 2 or len(generic) == len(words):
        return None
    return " ".join(generic)


_GENERIC = {
    "general", "trading", "trade", "group", "holding", "holdings", "international",
    "industries", "industrial", "services", "enterprise", "enterprises", "import", "export",
    "commercial", "investment", "investments", "development", "technology", "technologies",
    "engineering", "construction", "shipping", "logistics", "energy", "electronics",
    "manufacturing", "solutions", "systems", "global", "national", "establishment", "company",
    "co", "corporation", "corp", "llc", "ltd", "limited", "inc", "jsc",
}  # fmt: skip


# --- building the evaluation ------------------------------------------------------------------


def script_full_names(
    shuffled: list[ListEntry], used: set[str], held: dict[str, set[str]], per_kind: int
) -> list[Case]:
    """Cases of a Russian person's Latin given name and surname against an entry whose
    Latin names are all held out (``held`` is updated), leaving its Cyrillic full names."""
    out: list[Case] = []
    for e in shuffled:
        if len(out) >= per_kind:
            break
        if e.type is not EntityType.PERSON or e.id in used or held[e.id]:
            continue
        cyrillic = [a.name for a in e.aliases if script_of(a.name) == "cyrillic"]
        latin = [n for n in e.names() if is_latin(n)]
        parts = e.name.replace(",", " ").split()
        if len(parts) != 3 or not latin:
            continue
        # OFAC writes "Sergey Kuzhugetovich SHOYGU", the EU and UK "SHOYGU, Sergey
        # Kuzhugetovich", the war-sanctions list "SHOYGU Sergey Kuzhugetovich": given
        # name, patronymic, surname, or surname first.
        if _PATRONYMIC.search(parts[1]):
            given, surname = parts[0], parts[2]
        elif ("," in e.name or parts[0].isupper()) and _PATRONYMIC.search(parts[2]):
            given, surname = parts[1], parts[0]
        else:
            continue
        surname = surname.lower()
        # A Cyrillic full name of this person: three words, one of them the surname (UN
        # QDi.398 has a three-word Cyrillic alias, "Абу Мухаммад Аль-Кадари", that is not).
        if not any(
            len(c.split()) == 3
            and any(fuzz.ratio(anyascii(w).lower(), surname) >= 80 for w in c.split())
            for c in cyrillic
        ):
            continue
        held[e.id].update(latin)
        out.append(Case("script-full-name", f"{given} {surname.title()}", e.id))
    return out


def build_cases(  # noqa: PLR0915 (one loop adding every kind, read top to bottom)
    entries: list[ListEntry], per_kind: int, seed: int
) -> tuple[list[Case], list[ListEntry], dict[str, int]]:
    """Queries per kind, the entries to index (held-out names removed), and counts."""
    rng = random.Random(seed)
    given_rng = random.Random(seed + 1)  # its own, so the other kinds' queries stay as they were
    held: dict[str, set[str]] = defaultdict(set)  # entry id -> names removed from the index
    cases: list[Case] = []
    notes: Counter[str] = Counter()
    shuffled = entries[:]
    rng.shuffle(shuffled)

    def add(kind: str, query: str | None, entry: ListEntry) -> None:
        if query and query.strip() and sum(c.kind == kind for c in cases) < per_kind:
            cases.append(Case(kind, query, entry.id, None))

    for e in shuffled:
        if not is_latin(e.name):
            continue
        names = e.names()
        # alias: a Latin spelling variant held out
        strong = [
            a
            for a in e.aliases
            if is_latin(a.name) and a.name != e.name and a.kind not in ("original-script",)
        ]
        if strong and not held[e.id]:
            alias = rng.choice(strong).name
            rest = [n for n in names if n != alias and n not in held[e.id]]
            rest_tokens = [t for n in rest for t in normalise(n).split() if len(t) >= 3]
            alias_tokens = [t for t in normalise(alias).split() if len(t) >= 3]
            known = all(any(fuzz.ratio(t, r) >= 80 for r in rest_tokens) for t in alias_tokens)
            duplicate = normalise(alias) in {normalise(n) for n in rest}
            kind = "alias" if alias_tokens and known else "alias-other"
            if rest and not duplicate and sum(c.kind == kind for c in cases) < per_kind:
                held[e.id].add(alias)
                add(kind, alias, e)
        add("typo", typo(e.name, rng), e)
        tokens = e.name.replace(",", " ").split()
        if e.type is EntityType.PERSON and len(tokens) >= 2:
            add("reorder", " ".join(tokens[1:] + tokens[:1]), e)
            if len(tokens) >= 3:
                drop = rng.randrange(1, len(tokens) - 1)
                if _PATRONYMIC_END.search(tokens[-1]):
                    # "IVANOV Sergey Vladimirovich" (OpenSanctions' order): the middle word
                    # is the given name, the one people leave out is the patronymic.
                    drop = len(tokens) - 1
                add("drop-middle", " ".join(tokens[:drop] + tokens[drop + 1 :]), e)
            if "," in e.name:
                # "SURNAME1 SURNAME2, Given" (the SDN's Spanish names) or "SURNAME, Given
                # Middle": typed as "Given SURNAME1", whatever the list's order
                before, after = (part.split() for part in e.name.split(",", 1))
                if (
                    before
                    and after
                    and len(before) + len(after) == 3
                    and not _PATRONYMIC_END.search(after[-1])
                ):
                    add("short-name", f"{after[0]} {before[0]}", e)
        if e.type is EntityType.ORGANIZATION:
            add("legal-form", legal_form(e.name, rng), e)
        add("punct-case", punct_case(e.name, rng), e)
        if russian(e) and e.type is EntityType.PERSON:
            add("cyrillic", to_cyrillic(e.name), e)
        if e.type is EntityType.PERSON:
            add("title", titled(e.name, rng), e)
            add("drop-chain", drop_chain(e.name, rng), e)
            add("given-name", given_name(e.name, given_rng), e)
            if "KP" in e.countries or "CN" in e.countries or any(
                "DPRK" in p for p in e.programs
            ):
                add("romanisation", romanised_variant(e.name, rng), e)
        if e.type is EntityType.ORGANIZATION:
            add("abbreviation", abbreviated(e.name), e)
            add("brand-script", brand_script(e.name, rng), e)
            add("legal-equiv", legal_equivalent(e.name), e)
            add("generic-only", generic_only(e.name), e)
        add("number-words", number_words(e.name), e)
        add("number-changed", number_changed(e.name, rng), e)
        ids = [i.value for i in e.identifiers if re.search(r"\d{5}", i.value)]
        if ids and sum(c.kind == "identifier" for c in cases) < per_kind:
            cases.append(Case("identifier", "", e.id, None, (rng.choice(ids),)))

    # Latin short form against Cyrillic full names only (issue 15, kind 4): entries no
    # other case uses, whose Latin names are all held out.
    used = {c.expected for c in cases}
    cases += script_full_names(shuffled, used, held, per_kind)

    # Real original-script names, held out of the index.
    for e in shuffled:
        for a in e.aliases:
            kind = {"arabic": "arabic-script", "cyrillic": "cyrillic", "other": "other-script"}.get(
                script_of(a.name)
            )
            if kind is None or a.name in held[e.id]:
                continue
            others = [n for n in e.names() if n != a.name and n not in held[e.id]]
            if not others or not any(is_latin(n) for n in others):
                continue
            if sum(c.kind == kind for c in cases) >= per_kind * (2 if kind == "cyrillic" else 1):
                continue
            held[e.id].add(a.name)
            cases.append(Case(kind, a.name, e.id))
    indexed = [
        _hold_out(e, held[e.id]) if held[e.id] else e
        for e in entries
    ]
    return cases, indexed, dict(notes)


def core(name: str) -> str:
    """A name without its legal forms: "Power PLC" is the listed "POWER", not a negative."""
    return " ".join(sorted(t.text for t in analyse(name).core))


def negatives(count: int, listed: set[str], seed: int) -> list[str]:
    from faker import Faker

    out: list[str] = []
    per = count // len(LOCALES) + 1
    for n, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed + n)
        made = 0
        while made < per:
            name = fake.name() if made % 3 else fake.company()
            if core(name) in listed:
                continue
            out.append(name)
            made += 1
    return out[:count]


# --- methods ------------------------------------------------------------------------------------

#: (query name, identifiers) -> [(entry id, score)]
Method = Callable[[str, tuple[str, ...]], list[tuple[str, float]]]


def ours(index: NameIndex) -> Method:
    def run(query: str, identifiers: tuple[str, ...] = ()) -> list[tuple[str, float]]:
        hits = screen([index], make_query(query, identifiers=identifiers), threshold=0.5, limit=10)
        # A hit stands for every row of its listing (the CSL's repeated rows).
        return [(i, h.score) for h in hits for i in (h.entry.id, *getattr(h, "rows", ()))]

    return run


class Brute:
    """rapidfuzz WRatio over every name, anyascii-transliterated."""

    def __init__(self, entries: list[ListEntry]) -> None:
        self.names: list[str] = []
        self.owner: list[int] = []
        self.entries = entries
        for i, e in enumerate(entries):
            for n in e.names():
                self.names.append(utils.default_process(anyascii(n)))
                self.owner.append(i)
        self.owner_arr = np.asarray(self.owner)

    def top(self, query: str, k: int = 20) -> list[tuple[int, float]]:
        q = utils.default_process(anyascii(query))
        scores = process.cdist([q], self.names, scorer=fuzz.WRatio, workers=1)[0]
        idx = np.argpartition(scores, -k)[-k:]
        idx = idx[np.argsort(-scores[idx])]
        best: dict[int, float] = {}
        for i in idx:
            e = int(self.owner_arr[i])
            best.setdefault(e, float(scores[i]) / 100)
        return list(best.items())

    def method(self) -> Method:
        def run(query: str, identifiers: tuple[str, ...] = ()) -> list[tuple[str, float]]:
            if not query.strip():
                return []  # a name matcher: nothing to match without a name
            return [(self.entries[e].id, s) for e, s in self.top(query, 10)]

        return run


def logic_v2(brute: Brute) -> Method | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    config = ScoringConfig.defaults()
    schema = {
        EntityType.PERSON: "Person",
        EntityType.ORGANIZATION: "Organization",
        EntityType.VESSEL: "Vessel",
        EntityType.AIRCRAFT: "Airplane",
    }
    cache: dict[int, object] = {}

    def entity(i: int) -> object:
        if i not in cache:
            e = brute.entries[i]
            proxy = model.make_entity(schema.get(e.type, "LegalEntity"))
            proxy.id = f"e{i}"
            for n in e.names():
                proxy.add("name", n, quiet=True)
            cache[i] = proxy
        return cache[i]

    counter = iter(range(10**9))

    def run(query: str, identifiers: tuple[str, ...] = ()) -> list[tuple[str, float]]:
        if not query.strip():
            return []  # compared by name here (identifiers are not passed to LogicV2)
        cands = brute.top(query, 20)
        out = []
        for i, _ in cands:
            e = brute.entries[i]
            q = model.make_entity(schema.get(e.type, "LegalEntity"))
            q.id = f"q{next(counter)}"  # nomenklatura caches by entity id: never reuse one
            q.add("name", query, quiet=True)
            result = LogicV2.compare(q, entity(i), config)
            out.append((e.id, float(result.score)))
        out.sort(key=lambda x: -x[1])
        return out[:10]

    return run


# --- scoring ------------------------------------------------------------------------------------


def evaluate(method: Method, cases: list[Case], negs: list[str]) -> dict[str, object]:
    """Per case the expected entry's score (0 if absent); per negative the best score."""
    started = time.perf_counter()
    pos = []
    for c in cases:
        hits = method(c.query, c.identifiers)
        pos.append(max((s for i, s in hits if i == c.expected), default=0.0))
    neg = [max((s for _, s in method(q, ())), default=0.0) for q in negs]
    elapsed = time.perf_counter() - started
    return {"pos": pos, "neg": neg, "seconds": elapsed, "queries": len(cases) + len(negs)}


def calibrate(neg: list[float], rate: float = 0.01) -> float:
    """Lowest threshold at which at most ``rate`` of negatives score at or above it."""
    ordered = sorted(neg, reverse=True)
    allowed = int(len(ordered) * rate)
    if allowed >= len(ordered):
        return 0.0
    return min(1.0, ordered[allowed] + 1e-6)


def report(
    cases: list[Case], results: dict[str, dict[str, object]], thresholds: dict[str, float]
) -> dict[str, object]:
    table: dict[str, object] = {}
    for method, res in results.items():
        t = thresholds[method]
        pos = res["pos"]
        neg = res["neg"]
        assert isinstance(pos, list)
        assert isinstance(neg, list)
        per_kind = {}
        for kind in (*KINDS, *WRONG_KINDS):
            scores = [s for c, s in zip(cases, pos, strict=True) if c.kind == kind]
            if scores:
                per_kind[kind] = {
                    "n": len(scores),
                    "recall": sum(s >= t for s in scores) / len(scores),
                }
        table[method] = {
            "threshold": round(t, 4),
            "kinds": per_kind,
            "negatives_hit": sum(s >= t for s in neg) / len(neg),
            "ms_per_query": 1000 * float(res["seconds"]) / int(res["queries"]),  # type: ignore[arg-type]
        }
    return table


def markdown(table: dict[str, object], n_neg: int) -> str:
    methods = list(table)
    lines = ["| kind | n | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    first = table[methods[0]]
    assert isinstance(first, dict)
    for kind in (*KINDS, *WRONG_KINDS):
        if kind not in first["kinds"]:
            continue
        label = f"{kind} (wrong hits: lower is better)" if kind in WRONG_KINDS else kind
        row = [label, str(first["kinds"][kind]["n"])]
        for m in methods:
            entry = table[m]
            assert isinstance(entry, dict)
            row.append(f"{entry['kinds'][kind]['recall']:.3f}")
        lines.append("| " + " | ".join(row) + " |")
    neg_row = ["negatives raising a hit", str(n_neg)]
    thr_row = ["threshold", ""]
    ms_row = ["ms per query (1 core)", ""]
    for m in methods:
        entry = table[m]
        assert isinstance(entry, dict)
        neg_row.append(f"{entry['negatives_hit']:.3%}")
        thr_row.append(f"{entry['threshold']:.3f}")
        ms_row.append(f"{entry['ms_per_query']:.2f}")
    for row in (thr_row, neg_row, ms_row):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--per-kind", type=int, default=400)
    parser.add_argument("--negatives", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--no-baselines", action="store_true")
    args = parser.parse_args(argv)

    lists = load_all()
    entries = [e for parsed in lists.values() for e in parsed.entries]
    cases, indexed, notes = build_cases(entries, args.per_kind, args.seed)
    listed = {core(n) for e in entries for n in e.names()}
    negs = negatives(args.negatives, listed, args.seed)
    print(
        f"{len(entries)} entries, {len(cases)} positive queries "
        f"({dict(Counter(c.kind for c in cases))}), {len(negs)} negatives; {notes}",
        file=sys.stderr,
    )

    started = time.perf_counter()
    index = NameIndex.build(1, indexed)
    print(
        f"index: {len(index)} names built in {time.perf_counter() - started:.1f}s", file=sys.stderr
    )
    results = {"exportguard": evaluate(ours(index), cases, negs)}
    if not args.no_baselines:
        brute = Brute(indexed)
        results["rapidfuzz"] = evaluate(brute.method(), cases, negs)
        lv2 = logic_v2(brute)
        if lv2 is None:
            print(
                "nomenklatura not installed: LogicV2 skipped (use make bench-accuracy)",
                file=sys.stderr,
            )
        else:
            results["logic-v2"] = evaluate(lv2, cases, negs)
    thresholds = {m: calibrate(r["neg"]) for m, r in results.items()}  # type: ignore[arg-type]
    calibrated = report(cases, results, thresholds)
    default = report(
        cases, {"exportguard": results["exportguard"]}, {"exportguard": DEFAULT_THRESHOLD}
    )
    sweep = {}
    for t in np.arange(0.70, 0.96, 0.01):
        r = report(cases, {"exportguard": results["exportguard"]}, {"exportguard": float(t)})
        sweep[f"{t:.2f}"] = r["exportguard"]
    OUT.mkdir(exist_ok=True)
    misses = []
    for c, s_ in zip(cases, results["exportguard"]["pos"], strict=True):  # type: ignore[call-overload]
        if (s_ >= DEFAULT_THRESHOLD) != (c.kind in WRONG_KINDS):
            continue
        found = [
            h
            for h in screen(
                [index], make_query(c.query, identifiers=c.identifiers), threshold=0.0, limit=100
            )
            if h.entry.id == c.expected
        ]
        misses.append(
            {
                "kind": c.kind,
                "query": c.query,
                "expected": c.expected,
                "score": s_,
                "why": found[0].explanation.features[0].detail
                if found
                else "not among the candidates",
            }
        )
    false_hits = [
        q
        for q, s in zip(negs, results["exportguard"]["neg"], strict=True)  # type: ignore[call-overload]
        if s >= DEFAULT_THRESHOLD
    ]
    (OUT / "accuracy.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "calibrated": calibrated,
                "default": default,
                "sweep": sweep,
                "misses": misses,
                "false_hits": false_hits,
                "notes": notes,
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    print(f"machine: {machine()}")
    print("\nAt each method's calibrated threshold (<= 1% of negatives hit):\n")
    print(markdown(calibrated, len(negs)))
    print(f"\nexportguard at its default threshold {DEFAULT_THRESHOLD}:\n")
    print(markdown(default, len(negs)))
    print("\nThreshold sweep (exportguard): t, negatives hit, min Latin recall, cyrillic, arabic")
    for t, r in sweep.items():
        kinds = r["kinds"]  # type: ignore[index]
        latin = min(kinds[k]["recall"] for k in LATIN_KINDS if k in kinds)
        print(
            f"  {t}  {r['negatives_hit']:.3%}  {latin:.3f}  "  # type: ignore[index]
            f"{kinds.get('cyrillic', {}).get('recall', 0):.3f}  "
            f"{kinds.get('arabic-script', {}).get('recall', 0):.3f}"
        )


if __name__ == "__main__":
    main()
