"""Format detection: which parser reads which file, and which files form one import.

Each parser module answers ``sniff(file)`` from the file name and its first bytes; zip
archives are opened (with zip-bomb limits) and their members detected in turn; parsers of
multi-file sets (OFAC's sdn.csv + add.csv + alt.csv + sdn_comments.csv) group their files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import (
    _ofac,
    bis_dpl,
    ca_sema,
    csl,
    eu_fsf,
    ftm,
    native,
    ofac_csv,
    ofac_enhanced,
    ofac_xml,
    os_targets,
    uk_fcdo,
    uk_ofsi,
    un_xml,
)
from exportguard.sources._common import refuse_dtd, unzip
from exportguard.sources.formats import ListFormat, register

#: Every format we read, in the order they are asked (:mod:`exportguard.sources.formats`:
#: a new format is a module there and a line here).
FORMATS: tuple[ListFormat, ...] = tuple(register(m) for m in (
    native, ofac_csv, ofac_xml, ofac_enhanced, csl, bis_dpl, un_xml, ca_sema, uk_ofsi,
    uk_fcdo, eu_fsf, ftm, os_targets,
))  # fmt: skip


#: Source ids of the official lists we read. A list file written by a user (ExportGuard's
#: own YAML format) may not claim one: its entries would pass for an authority's.
OFFICIAL_SOURCES = frozenset(
    {_ofac.SDN_SOURCE, _ofac.CONS_SOURCE}
    | {f.source for f in FORMATS if f.source is not None}
)


def list_names() -> dict[str, str]:
    """Each list's name by its source id (``us_ofac_sdn`` -> ``OFAC Specially Designated
    Nationals ...``): the parsers' own names, the CSL's and the demo list's."""
    names: dict[str, str] = dict(_ofac.LIST_NAMES)
    for f in FORMATS:
        if f.source is not None and f.list_name is not None:
            names[f.source] = f.list_name
    names["us_trade_csl"] = "US Consolidated Screening List (trade.gov)"
    names["exportguard_demo"] = "ExportGuard demo list (public facts)"
    return names


#: How :func:`plan` names a skipped set its format cannot import alone.
UNUSABLE = "cannot be imported alone: "


@dataclass(frozen=True, slots=True)
class ImportUnit:
    """Files that make one snapshot, and the format that reads them."""

    format: str
    files: tuple[SourceFile, ...]

    def parse(self) -> ParsedList:
        parsed = _by_name()[self.format].parse(self.files)
        if self.format == native.NAME and parsed.source in OFFICIAL_SOURCES:
            raise SourceFormatError(
                f"source {parsed.source!r} is the id of an official list; a list you write "
                "yourself names its own source (e.g. acme_internal)",
                file=self.files[0].name,
                field="source",
            )
        return parsed


def _by_name() -> dict[str, ListFormat]:
    return {f.name: f for f in FORMATS}


def is_zip(file: SourceFile) -> bool:
    return file.data[:4] == b"PK\x03\x04"


def detect(file: SourceFile) -> str | None:
    """The name of the one format that claims ``file``, or ``None``."""
    claims = [f.name for f in FORMATS if f.sniff(file)]
    if len(claims) > 1:
        raise SourceFormatError(
            f"ambiguous format: {', '.join(claims)} all claim it", file=file.name
        )
    return claims[0] if claims else None


def plan(
    files: Sequence[SourceFile], *, skip_unknown: bool = False
) -> tuple[list[ImportUnit], list[str]]:
    """Group ``files`` into import units; also return the names of files skipped.

    Unknown files are an error unless ``skip_unknown`` (used when importing a folder, where
    a README or PROVENANCE.md may sit beside the lists); then a set its format cannot
    import on its own (a format's ``unusable(group)`` gives the reason: OFAC's add.csv,
    alt.csv and sdn_comments.csv without sdn.csv) is skipped too, named with the reason;
    given by name, such a set is refused by its parser with that reason.
    """
    expanded: list[SourceFile] = []
    for file in files:
        expanded.extend(unzip(file) if is_zip(file) else [file])
    by_format: dict[str, list[SourceFile]] = {}
    skipped: list[str] = []
    for file in expanded:
        if not file.data.strip():
            if skip_unknown:
                skipped.append(file.name)
                continue
            raise SourceFormatError("the file is empty", file=file.name)
        refuse_dtd(file)
        name = detect(file)
        if name is None:
            if skip_unknown:
                skipped.append(file.name)
                continue
            raise SourceFormatError(
                "unrecognised list format (known: " + ", ".join(f.name for f in FORMATS) + ")",
                file=file.name,
            )
        by_format.setdefault(name, []).append(file)
    units: list[ImportUnit] = []
    formats = _by_name()
    for name, members in by_format.items():
        unusable = formats[name].unusable
        for g in formats[name].groups(members):
            reason = unusable(g) if unusable and skip_unknown else None
            if reason:  # a set a folder holds but that cannot be imported on its own
                skipped.append(f"{', '.join(f.name for f in g)} ({UNUSABLE}{reason})")
            else:
                units.append(ImportUnit(name, tuple(g)))
    return units, skipped
