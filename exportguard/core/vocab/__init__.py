"""Vocabulary shipped with the package as YAML (legal forms, country names, ...).

Core modules may read these packaged, read-only files through :func:`load`; they never
read user files, settings, the database or the network. Each table is validated on load.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: libyaml's safe loader where PyYAML was built with it (5x faster than pure Python).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """The parsed YAML document ``exportguard/core/vocab/<name>.yaml`` (cached)."""
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)


@cache
def load_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The data rows of ``exportguard/core/vocab/<name>.csv`` (cached): comment lines
    (``#``) and the header skipped, fields split on commas and stripped."""
    text = resources.files(__name__).joinpath(f"{name}.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(tuple(f.strip() for f in line.split(",")) for line in lines[1:])


@cache
def load_json(name: str) -> Any:
    """The parsed JSON document ``exportguard/core/vocab/<name>.json`` (cached)."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


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
