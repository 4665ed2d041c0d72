"""Shared by the benchmarks: which list files are "every list", and loading them.

The largest snapshot of each list in ``../shared/data/lists`` (see its PROVENANCE.md);
parsed once and cached under ``bench/out/``, keyed on the parsers' and the entry model's
source and the vocabulary tables: a changed parser or entry field parses again (a stale
cache once made entries lacking a new field).
"""

from __future__ import annotations

import hashlib
import pickle
import platform
import subprocess
import time
from pathlib import Path

from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import detect

ROOT = Path(__file__).resolve().parent
LISTS = ROOT.parent.parent / "shared" / "data" / "lists"
OUT = ROOT / "out"

#: The largest snapshot of each list (by entries), as paths under ../shared/data/lists.
LARGEST = {
    "us_ofac_sdn": ["us_ofac_sdn/2024-05-03/sdn.csv"],
    "us_ofac_cons": ["us_ofac_cons/2018-04-06_xml/consolidated.xml"],
    "us_trade_csl": ["us_trade_csl/2022-05-16/consolidated.csv"],
    "us_bis_dpl": ["us_bis_dpl/2023-11-30/dpl.txt"],
    "un_sc": ["un_sc/2026-02-27/consolidated.xml"],
    "uk_ofsi": ["uk_ofsi/2018-04-13/sanctionsconlist.csv"],
    "uk_fcdo": ["uk_fcdo/sample_2026-09-10/sample_uk_sanctions.xml"],
    "eu_fsf": ["eu_fsf/sample_2026-08-05/sample_eu_fsf.xml"],
    "os_ua_war_sanctions": ["opensanctions/ua_war_sanctions_2026-03/targets.simple.csv"],
    "os_zala": ["opensanctions/yente_fixtures/zala.entities.ftm.json"],
    "ca_sema": ["ca_sema/2020-04/sema-lmes.xml"],
}


def files(relpaths: list[str]) -> list[SourceFile]:
    return [SourceFile(str(LISTS / p), (LISTS / p).read_bytes()) for p in relpaths]


def parse(relpaths: list[str]) -> ParsedList:
    units, _ = detect.plan(files(relpaths))
    (unit,) = units
    return unit.parse()


def _code_digest() -> str:
    """A digest of what a parse depends on: exportguard/sources, the core modules entries
    are made with, and the vocabulary tables."""
    from exportguard.core import vocab

    package = ROOT.parent / "exportguard"
    paths = sorted((package / "sources").glob("*.py")) + [
        package / "core" / name for name in ("entities.py", "identifiers.py", "countries.py")
    ]
    h = hashlib.blake2b(vocab.digest().encode(), digest_size=8)
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()


def load_all(use_cache: bool = True) -> dict[str, ParsedList]:
    """Every list, parsed (cached in bench/out/lists-<code digest>.pickle)."""
    OUT.mkdir(exist_ok=True)
    cache = OUT / f"lists-{_code_digest()}.pickle"
    if use_cache and cache.exists():
        loaded: dict[str, ParsedList] = pickle.loads(cache.read_bytes())
        if set(loaded) == set(LARGEST):
            return loaded
    parsed = {name: parse(paths) for name, paths in LARGEST.items()}
    cache.write_bytes(pickle.dumps(parsed))
    return parsed


def machine() -> str:
    """One line describing this machine, for BENCHMARKS.md."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return (
        f"{cpu}, {cores} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {time.strftime('%Y-%m-%d')}"
    )
