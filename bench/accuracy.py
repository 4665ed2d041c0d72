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
legal-form      an organisation's legal form respelt (LLC <-> Limited Liability Company,
                Ltd <-> Limited, JSC <-> Joint Stock Company ...) or added
punct-case      case changed and punctuation removed or added
cyrillic        Russian names rendered in Cyrillic (persons and organisations connected
                with Russia), plus the Cyrillic aliases OpenSanctions publishes, held out
arabic-script   the UN list's own Arabic-script names and the EU's Arabic/Persian aliases,
                held out of the index
other-script    the UN list's other original-script names (CJK, ...), held out

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
from common import OUT, load_all, machine
from rapidfuzz import fuzz, process, utils

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.index import NameIndex, make_query, screen
from exportguard.core.names import analyse, normalise
from exportguard.core.thresholds import DEFAULT_THRESHOLD

KINDS = ("alias", "alias-other", "typo", "reorder", "drop-middle", "legal-form", "punct-case",
         "cyrillic",
         "arabic-script", "other-script")  # fmt: skip
LATIN_KINDS = ("alias", "typo", "reorder", "drop-middle", "legal-form", "punct-case")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR", "pl_PL",
           "nl_NL", "tr_TR", "ru_RU", "uk_UA", "ar_AA", "fa_IR", "he_IL", "zh_CN", "ja_JP",
           "hi_IN", "ko_KR")  # fmt: skip


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    expected: str  # entry id
    type: EntityType | None = None


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


# --- building the evaluation ------------------------------------------------------------------


def build_cases(
    entries: list[ListEntry], per_kind: int, seed: int
) -> tuple[list[Case], list[ListEntry], dict[str, int]]:
    """Queries per kind, the entries to index (held-out names removed), and counts."""
    rng = random.Random(seed)
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
                add("drop-middle", " ".join(tokens[:drop] + tokens[drop + 1 :]), e)
        if e.type is EntityType.ORGANIZATION:
            add("legal-form", legal_form(e.name, rng), e)
        add("punct-case", punct_case(e.name, rng), e)
        if russian(e) and e.type is EntityType.PERSON:
            add("cyrillic", to_cyrillic(e.name), e)

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
        dataclasses.replace(e, aliases=tuple(a for a in e.aliases if a.name not in held[e.id]))
        if held[e.id]
        else e
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

Method = Callable[[str], list[tuple[str, float]]]  # query -> [(entry id, score)]


def ours(index: NameIndex) -> Method:
    def run(query: str) -> list[tuple[str, float]]:
        hits = screen([index], make_query(query), threshold=0.5, limit=10)
        return [(h.entry.id, h.score) for h in hits]

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
        def run(query: str) -> list[tuple[str, float]]:
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

    def run(query: str) -> list[tuple[str, float]]:
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
        hits = method(c.query)
        pos.append(max((s for i, s in hits if i == c.expected), default=0.0))
    neg = [max((s for _, s in method(q)), default=0.0) for q in negs]
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
        for kind in KINDS:
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
    for kind in KINDS:
        if kind not in first["kinds"]:
            continue
        row = [kind, str(first["kinds"][kind]["n"])]
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
        if s_ >= DEFAULT_THRESHOLD:
            continue
        found = [
            h
            for h in screen([index], make_query(c.query), threshold=0.0, limit=100)
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
