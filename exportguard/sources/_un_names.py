"""The names a UN record writes in its alias fields and notes: several names in one
``ALIAS_NAME`` (";"-separated, a spelling in another script in parentheses, Latin and
non-Latin runs side by side, "X son of Y"), names a ``NOTE`` spells out, and
original-script spellings after "In Arabic:" or "original script:".

The format is described in :mod:`~exportguard.sources.un_xml`.
"""

from __future__ import annotations

import re

from exportguard.core.entities import Alias
from exportguard.sources._common import non_latin

#: One or more names in an alias field: "Abdul Rehman; Abd Ur-Rehman", "أبو بكر البغدادي
#: (Abu Bakr al-Baghdadi; ...)", "Agha Jan Alizai اغا جان عالیزی", "Mohammed Sabet b) M.
#: Javad Kareemi Sabet", "Abubakar (original script: Абубакар)".
_ENUMERATOR = re.compile(r"\s+[a-z]\)\s+")
_SCRIPT_MARK = re.compile(r"^\s*original script\s*:\s*|\s*\(original script\)\s*$", re.I)
_SUB_UNIT = re.compile(r"\s+-\s+sub-unit name$", re.IGNORECASE)
#: Words that make a note part prose, not a name.
_PROSE = re.compile(
    r"\b(?:born|listed|passport|nationality|known|script|issued|expire[sd]?|number|DOB|POB|"
    r"son of|call sign|nom de guerre|combat name|initials|when|appears|the american|"
    r"the moroccan)\b",
    re.IGNORECASE,
)
_MAX_NAME_WORDS = 10
_SON_OF = re.compile(r"\s+(?:son|daughter) of\s+", re.IGNORECASE)


def _top_level(text: str, sep: str = ";") -> list[str]:
    """``text`` split on ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for at, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    parts.append(text[start:])
    return parts


def _last_group(text: str) -> tuple[str, str] | None:
    """``("X", "Y")`` of a text ending in a balanced group ``X (Y)``, else ``None``."""
    body = text.rstrip(" ,;.")
    if not body.endswith(")"):
        return None
    depth = 0
    for at in range(len(body) - 1, -1, -1):
        if body[at] == ")":
            depth += 1
        elif body[at] == "(":
            depth -= 1
            if depth == 0:
                return body[:at].strip(), body[at + 1 : -1].strip()
    return None


def _script_runs(text: str) -> list[str]:
    """A name written in two scripts without a separator ("Agha Jan Alizai اغا جان
    عالیزی") as its Latin and its non-Latin run; other names whole."""
    words = text.split()
    if len(words) < 2 or not non_latin(text) or text.isascii():
        return [text]
    runs: list[list[str]] = []
    for word in words:
        script = non_latin(word)
        if runs and non_latin(runs[-1][0]) == script:
            runs[-1].append(word)
        else:
            runs.append([word])
    return [" ".join(r) for r in runs]


def alias_names(text: str) -> list[str]:
    """The names of one UN ``ALIAS_NAME``: names separated by ";" (or "b)") are each a
    name, a name in one script followed by its spelling in another in parentheses is two
    (the parentheses may hold several, ";"-separated), a Latin and a non-Latin run
    written side by side are two; "original script" marks, "- sub-unit name" and trailing
    punctuation are dropped; "X son of Y" also gives X. A name with an acronym in
    parentheses ("Lord's Resistance Movement (LRM)") stays whole."""
    out: list[str] = []
    group = _last_group(text)
    if (
        group
        and group[0]
        and (
            ";" in group[1]
            or non_latin(group[0]) != non_latin(group[1])
            or _SCRIPT_MARK.search(group[1])
        )
    ):
        pieces = [group[0], *_top_level(group[1])]
    else:
        pieces = [text]
    for piece in pieces:
        for part in _top_level(piece):
            for each in _ENUMERATOR.split(part):
                one = _SUB_UNIT.sub("", _SCRIPT_MARK.sub("", each)).strip(" ,;.")
                for run in _script_runs(one):
                    if run.strip(" ,;."):
                        out.append(run.strip(" ,;."))
                        # "Akhter Mohmad son of Noor Mohmad": the name without the
                        # father's is a name too.
                        own = _SON_OF.split(run)[0].strip(" ,;.")
                        if own != run.strip(" ,;.") and own:
                            out.append(own)
    return list(dict.fromkeys(out))


def _name_like(part: str) -> bool:
    words = part.split()
    return (
        0 < len(words) <= _MAX_NAME_WORDS
        and not any(ch.isdigit() for ch in part)
        and not _PROSE.search(part)
        and (part[:1].isupper() or part[:1] in "‘'’")
    )


def note_names(note: str, of_script: bool) -> list[str]:
    """Names an alias ``NOTE`` spells out: a group in parentheses of ";"-separated names
    ("(Abu Du'a; Abu Duaa') prominently known by this nom de guerre", "born in 1971 in
    Samarra, Iraq (Ibrahim 'Awad Ibrahim al-Badri; ...)"), or, for a non-Latin alias, a
    note that is a list of names ("Abdul Rehman Sindhi; Abdul Rehman al-Sindhi"; its
    transliterations). Prose ("born in 1976", "previously listed as", "Call sign") is no
    name."""
    out: list[str] = []
    for found in re.finditer(r"\(([^()]+)\)", note):
        parts = [p.strip(" ,.") for p in found.group(1).split(";")]
        if (len(parts) > 1 or of_script) and all(_name_like(p) for p in parts):
            out += parts
    if of_script and not out:
        parts = [p.strip(" ,.") for p in note.split(";")]
        if all(_name_like(p) for p in parts):
            out += parts
    return out


#: An original-script spelling written in a note: "In Arabic: سيف العدل", "original script:
#: Абу Банат", "in Arabic script: شركة الكوثر", a document's "name in Arabic script: ...".
_NOTE_SCRIPT = re.compile(
    r"(?:in\s+(arabic)(?:\s+script)?|original\s+script)\s*:\s*([^;:()\n]+?)\s*(?=[;()]|$)",
    re.IGNORECASE,
)
_SCRIPT_TAGS = (("Arab", 0x0600, 0x06FF), ("Cyrl", 0x0400, 0x04FF))


def note_scripts(note: str | None) -> list[Alias]:
    """The non-Latin names a note writes after "In Arabic:" or "original script:", as
    ``original-script`` aliases. ``lang`` is a BCP 47 tag: ``ar`` when the note names
    Arabic, else ``und-<script>`` (language not stated; script Arabic or Cyrillic as the
    letters show)."""
    if not note:
        return []
    out: list[Alias] = []
    for found in _NOTE_SCRIPT.finditer(" ".join(note.split())):
        text = found.group(2).strip(" .,")
        if not non_latin(text):
            continue
        lang: str | None = "ar"
        if not found.group(1):
            scripts = [t for t, lo, hi in _SCRIPT_TAGS if any(lo <= ord(c) <= hi for c in text)]
            lang = f"und-{scripts[0]}" if scripts else None
        out.append(Alias(text, kind="original-script", lang=lang))
    return out
