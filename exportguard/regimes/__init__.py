"""The regimes ExportGuard ships (``il-deca``, ``us-ear``, ``eu-dual-use``), as data.

Each ``*.yaml`` here is one regime (see ``exportguard.core.regimes`` for the schema). This
module reads regime files and validates them, so every error names the file, the line
and the field. An officer edits a copy, checks it with ``exportguard regimes validate``,
and installs it with ``exportguard regimes install``: installed revisions live in the
store and take precedence over the bundled ones.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from exportguard.core.regimes import Regime, parse_regime
from exportguard.errors import RegimeError

BUNDLED = ("il-deca", "us-ear", "eu-dual-use")


class _Loader(yaml.SafeLoader):
    """Safe YAML, with dates left as text so a bad one is reported with its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_text(text: str, file: str) -> Regime:
    """Parse and validate one regime document."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RegimeError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            file=file,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    lines: dict[tuple[Any, ...], int] = {}
    if root is not None:
        _walk(root, (), lines)
    return parse_regime(data, file=file, lines=lines)


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            lines[sub] = key.start_mark.line + 1
            _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def load_file(path: Path) -> Regime:
    """Read and validate a regime file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegimeError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise RegimeError("not UTF-8 text", file=str(path)) from exc
    return parse_text(text, str(path))


@cache
def bundled_text(regime_id: str) -> str:
    """The text of a bundled regime file (read once per process)."""
    return resources.files(__name__).joinpath(f"{regime_id}.yaml").read_text(encoding="utf-8")


@cache
def bundled() -> dict[str, Regime]:
    """The regimes shipped with this version of ExportGuard."""
    return {
        rid: parse_text(bundled_text(rid), f"exportguard/regimes/{rid}.yaml") for rid in BUNDLED
    }
