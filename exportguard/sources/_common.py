"""Helpers the list parsers share: safe XML and children by tag, text decoding, zip limits,
small cleaners, dates (formats, day/month/year, year ranges), whether a name is non-Latin.

Parsers take bytes and return core entities; they never open files themselves, so they
can be fed from disk, an HTTP download or an upload alike. Everything that can go wrong
with a file becomes a :class:`~exportguard.errors.SourceFormatError` naming the file, the
line (or element) and the field.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime

from lxml import etree

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError

#: Largest total uncompressed size we accept from one zip archive (zip-bomb guard).
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
#: Largest compression ratio of any member (a real list compresses about 10-20x).
MAX_ZIP_RATIO = 200


def decode_text(file: SourceFile) -> str:
    """Decode a text file: UTF-8 (with or without BOM) first, then Windows-1252.

    Official CSVs are UTF-8 today, but OFAC's legacy files are Windows-1252 and some old
    files mix the two. Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
    0x9D) are read as Latin-1 so no input byte is ever lost. A trailing DOS end-of-file
    byte (0x1A) is dropped.
    """
    data = file.data.removeprefix(b"\xef\xbb\xbf").rstrip(b"\x1a")
    if not data.strip():
        raise SourceFormatError("the file is empty", file=file.name)
    if b"\x00" in data[:4096]:
        raise SourceFormatError(
            "the file looks binary or UTF-16 (it has NUL bytes); expected a text file",
            file=file.name,
            line=1,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return "".join(
        chunk.decode("cp1252", errors="strict") if _cp1252_ok(chunk) else chunk.decode("latin-1")
        for chunk in re.split(rb"([\x81\x8d\x8f\x90\x9d])", data)
    )


def _cp1252_ok(chunk: bytes) -> bool:
    return not (len(chunk) == 1 and chunk[0] in (0x81, 0x8D, 0x8F, 0x90, 0x9D))


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_dtd(file: SourceFile) -> None:
    """Refuse XML that declares a DOCTYPE or entities, wherever it is headed."""
    head = file.data[:65536]
    if not head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return
    found = _DOCTYPE.search(head)
    if found:
        line = head.count(b"\n", 0, found.start()) + 1
        raise SourceFormatError(
            "XML with a DOCTYPE or ENTITY declaration is refused (entity expansion and "
            "external entities are unsafe; official lists never use them)",
            file=file.name,
            line=line,
        )


def only_file(files: Sequence[SourceFile], format_name: str) -> SourceFile:
    """The one file of a single-file format."""
    if len(files) != 1:
        raise SourceFormatError(f"{format_name} expects exactly one file, got {len(files)}")
    return files[0]


def header_columns(
    file: SourceFile, row: list[str] | None, required: Sequence[str], line: int = 1
) -> list[str]:
    """The column names of a CSV header row (trimmed, no byte-order mark), checked to
    include every ``required`` one."""
    if row is None:
        raise SourceFormatError("the header line is missing", file=file.name, line=line)
    header = [c.strip().lstrip("\ufeff") for c in row]
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceFormatError(
            f"missing required column(s) {', '.join(missing)}",
            file=file.name,
            line=line,
            field=missing[0],
        )
    return header


def unknown_columns(
    file: SourceFile, header: Sequence[str], known: Collection[str], line: int = 1
) -> list[str]:
    """One warning per column of ``header`` that the format does not define (its values
    are not read): a column added by hand ("risk_score") or by a new release of the
    format is said, never silently dropped nor mistaken for data."""
    return [
        f"{file.name}, line {line}: column {name!r} is not part of the format; "
        "its values were not imported"
        for name in (c.strip().lstrip("\ufeff") for c in header)
        if name and name not in known
    ]


def parse_xml(file: SourceFile, root: str | None = None, schema: str = "") -> etree._Element:
    """Parse XML safely and return the root element (checked to be ``<root>`` if given;
    ``schema`` names the format in that error).

    No official list uses a DTD, so any ``<!DOCTYPE``/``<!ENTITY`` is refused outright:
    this closes entity expansion ("billion laughs") and external entities (XXE). The
    parser also never touches the network and refuses trees deeper than libxml2's limit.
    """
    data = file.data
    if not data.strip():
        raise SourceFormatError("the file is empty", file=file.name)
    refuse_dtd(file)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )
    try:
        element = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceFormatError(
            f"not well-formed XML: {exc.msg}", file=file.name, line=exc.lineno or None
        ) from exc
    if element.getroottree().docinfo.doctype:
        # A DOCTYPE further in than refuse_dtd looks (a long comment before it): lxml
        # loaded no DTD and expanded no entity, but the file is refused all the same.
        raise SourceFormatError(
            "XML with a DOCTYPE declaration is refused (official lists never use one)",
            file=file.name,
            line=1,
        )
    if root is not None and local(element.tag) != root:
        raise SourceFormatError(
            f"the root element is <{local(element.tag)}>, expected <{root}>"
            + (f" ({schema})" if schema else ""),
            file=file.name,
            line=element.sourceline,
        )
    return element


def local(tag: object) -> str:
    """The local part of an element tag, without its ``{namespace}``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children whose local tag is ``name`` (namespace-agnostic)."""
    return [c for c in element if isinstance(c.tag, str) and local(c.tag) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first direct child whose local tag is ``name``."""
    for c in element:
        if isinstance(c.tag, str) and local(c.tag) == name:
            return c
    return None


def child_text(element: etree._Element, name: str) -> str | None:
    """Cleaned text of the first direct child called ``name``, or ``None``."""
    found = child(element, name)
    return clean(found.text) if found is not None else None


def by_tag(element: etree._Element) -> dict[str, list[etree._Element]]:
    """Direct children by local tag name, in document order (one pass; then a lookup is
    O(1), where :func:`child` scans)."""
    out: dict[str, list[etree._Element]] = {}
    for c in element:
        if isinstance(c.tag, str):
            out.setdefault(local(c.tag), []).append(c)
    return out


def tag_text(kids: dict[str, list[etree._Element]], name: str) -> str | None:
    """Cleaned text of the first of ``kids`` (:func:`by_tag`) called ``name``, or ``None``."""
    found = kids.get(name)
    return clean(found[0].text) if found else None


def unzip(file: SourceFile) -> list[SourceFile]:
    """Members of a zip archive, refusing zip bombs, encrypted and nested archives.

    Sizes are checked twice: against what the directory declares and while reading, since
    a crafted archive can lie in its directory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(file.data))
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(f"not a readable zip archive: {exc}", file=file.name) from exc
    out: list[SourceFile] = []
    total = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{file.name}!{info.filename}"
            if info.flag_bits & 0x1:
                raise SourceFormatError("encrypted zip members are not supported", file=member)
            if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
                raise SourceFormatError(
                    f"compression ratio {info.file_size // max(info.compress_size, 1)}:1 "
                    "is implausible for a list file (zip bomb?)",
                    file=member,
                )
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise SourceFormatError(
                    f"archive expands beyond {MAX_UNZIPPED_BYTES // 2**20} MiB (zip bomb?)",
                    file=member,
                )
            data = _read_limited(archive, info, member)
            out.append(SourceFile(member, data))
    if not out:
        raise SourceFormatError("the zip archive is empty", file=file.name)
    return out


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> bytes:
    limit = info.file_size
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise SourceFormatError(f"corrupt zip member: {exc}", file=member) from exc
    if len(data) > limit:
        raise SourceFormatError("member is larger than its directory entry says", file=member)
    return data


_SPACE = re.compile(r"\s+")


def clean(value: str | None) -> str | None:
    """Strip and collapse white space; ``None`` for empty values and OFAC's ``-0-`` null."""
    if value is None:
        return None
    text = _SPACE.sub(" ", value).strip()
    if not text or text == "-0-":
        return None
    return text


def non_latin(text: str) -> bool:
    """Whether a name has letters outside the Latin script (Cyrillic, Arabic, CJK, ...)."""
    if text.isascii():
        return False
    return any(ch.isalpha() and ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in text)


#: The language a UK list names for a non-Latin name ("Non-Latin Script Language") -> its
#: BCP 47 tag.
SCRIPT_LANGUAGES = {
    "arabic": "ar", "persian": "fa", "farsi": "fa", "russian": "ru", "ukrainian": "uk",
    "belarusian": "be", "chinese": "zh", "korean": "ko", "japanese": "ja", "hebrew": "he",
    "georgian": "ka", "armenian": "hy",
}  # fmt: skip


def split_clean(value: str | None, sep: str) -> list[str]:
    """Split on ``sep`` and clean each part, dropping empty ones."""
    if value is None:
        return []
    return [c for part in value.split(sep) if (c := clean(part))]


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %b %Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%B %d, %Y",
)


def parse_date(value: str | None, formats: Sequence[str] = _DATE_FORMATS) -> date | None:
    """Parse a full date in one of ``formats`` (first match wins); ``None`` if empty.

    Raises ``ValueError`` for a non-empty value that fits none of them, so the caller can
    report it with its file, line and field.
    """
    text = clean(value)
    if text is None:
        return None
    text = text.split("T", 1)[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {text!r}")


def check_unique_ids(entries: Iterable[ListEntry], file: str) -> None:
    """Refuse a list whose entries repeat an id: two records would collide in the store."""
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise SourceFormatError(f"duplicate entry id {entry.id!r}", file=file, field="id")
        seen.add(entry.id)


_DMY = re.compile(r"^(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})$", re.IGNORECASE)


def partial_dmy(text: str) -> str | None:
    """A day/month/year birth date as an ISO partial date, unknown parts left out:
    ``17/08/1957`` -> ``1957-08-17``; ``00/08/1957`` -> ``1957-08``; ``dd/mm/1945`` or
    ``00/00/1945`` or ``1945`` -> ``1945``. ``None`` when the text is no such date."""
    text = text.strip()
    match = _DMY.match(text)
    if match:
        day, month, year = match.groups()
    elif len(text) == 4 and text.isdigit():
        day, month, year = "00", "00", text
    else:
        return None
    month_n = int(month) if month.isdigit() else 0
    day_n = int(day) if day.isdigit() else 0
    if year == "0000":
        return None
    try:
        if month_n == 0:
            return year
        if day_n == 0:
            return date(int(year), month_n, 1).isoformat()[:7]
        return date(int(year), month_n, day_n).isoformat()
    except ValueError:
        return None


def full_dmy(text: str) -> date | None:
    """A whole day/month/year date (``13/04/2018``); ``None`` for any other text, a date with
    an unknown part (``dd/mm/1945``) or no such day."""
    match = _DMY.match(text.strip())
    if not match or not match.group(1).isdigit() or not match.group(2).isdigit():
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def year_range(first: int, last: int, widest: int) -> list[str]:
    """Every year of a birth-year range as ISO years (either end first), or only its two
    ends when it spans more than ``widest`` years."""
    first, last = min(first, last), max(first, last)
    if last - first > widest:
        return [str(first), str(last)]
    return [str(y) for y in range(first, last + 1)]
