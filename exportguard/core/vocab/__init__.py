"""Vocabulary shipped with the package as YAML (legal forms, country names, ...).

Core modules may read these packaged, read-only files through :func:`load`; they never
read user files, settings, the database or the network. Each table is validated on load:
a document is a mapping at the top (:func:`load`, :func:`load_json`), and its reader
narrows each part it reads with :func:`mapping` and :func:`sequence`, which name the part
(``"countries.yaml: demonyms"``) in the ``ValueError`` of a part of another shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

import yaml

#: libyaml's safe loader where PyYAML was built with it (5x faster than pure Python).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Mapping[object, object]:
    """The parsed YAML document ``exportguard/core/vocab/<name>.yaml`` (cached), a mapping
    (its keys as YAML reads them: strings, or the number or boolean a bare word can be; its
    values mappings, lists, strings, numbers, booleans or ``None``). ``ValueError`` if the
    document is no mapping."""
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return mapping(yaml.load(text, Loader=_LOADER), f"{name}.yaml")


@cache
def load_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The data rows of ``exportguard/core/vocab/<name>.csv`` (cached): comment lines
    (``#``) and the header skipped, fields split on commas and stripped."""
    text = resources.files(__name__).joinpath(f"{name}.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(tuple(f.strip() for f in line.split(",")) for line in lines[1:])


@cache
def load_json(name: str) -> Mapping[str, object]:
    """The parsed JSON document ``exportguard/core/vocab/<name>.json`` (cached), an object
    (string keys; values objects, arrays, strings, numbers, booleans or ``None``).
    ``ValueError`` if the document is no object."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}.json: must be an object")
    return data


def mapping(value: object, where: str) -> Mapping[object, object]:
    """``value``, a part of a vocabulary document, as the mapping it must be; ``ValueError``
    naming ``where`` (the file and the part: ``"legal_forms.yaml: forms"``) if it is none."""
    if not isinstance(value, dict):
        raise ValueError(f"{where}: must be a mapping")
    return value


def sequence(value: object, where: str) -> Sequence[object]:
    """``value``, a part of a vocabulary document, as the list it must be (a tuple, a
    reader's default, too); ``ValueError`` naming ``where`` if it is none."""
    if not isinstance(value, list | tuple):
        raise ValueError(f"{where}: must be a list")
    return value


@cache
def digest() -> str:
    """A digest of every vocabulary file (names and bytes): a stored name index records
    the digest it was built with, and is rebuilt when an upgrade changes a word's class
    (a word made generic, a given name added) so no stored index scores by old tables."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    folder = resources.files(__name__)
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".yaml", ".csv", ".json")):
            h.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return h.hexdigest()
