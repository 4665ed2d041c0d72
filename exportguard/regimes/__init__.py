"""The regimes ExportGuard ships, as data: every ``*.yaml`` file in this folder.

Each ``*.yaml`` here is one regime, named by its file (``us-ear.yaml`` holds ``id:
us-ear``; see ``exportguard.core.regime_parser`` for the schema): adding a regime is adding its
file (and its tests), nothing else names it. This
module reads regime files and validates them, so every error names the file, the line
and the field. An officer edits a copy, checks it with ``exportguard regimes validate``,
and installs it with ``exportguard regimes install``: installed revisions live in the
store and take precedence over the bundled ones.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from exportguard.core.regime_parser import parse_regime
from exportguard.core.regime_reader import KeyPath
from exportguard.core.regimes import Regime
from exportguard.errors import RegimeError


@cache
def bundled_ids() -> tuple[str, ...]:
    """The ids of the bundled regimes: the names of this folder's ``*.yaml`` files, in the
    order :func:`bundled` gives them."""
    return tuple(bundled())


def _folder() -> Traversable:
    """This package's folder: where the bundled regime files are."""
    return resources.files(__name__)


def file_ids() -> list[str]:
    """The bundled regime files' ids (their names without ``.yaml``), sorted: cheap (no
    file is read), for help texts; :func:`bundled_ids` orders them as decisions do."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _folder().iterdir()
        if entry.name.endswith(".yaml")
    )


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
    lines: dict[KeyPath, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return parse_regime(data, file=file, lines=lines)


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
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
    return _folder().joinpath(f"{regime_id}.yaml").read_text(encoding="utf-8")


@cache
def bundled() -> dict[str, Regime]:
    """The regimes shipped with this version of ExportGuard, oldest coverage first (by
    ``covers_from``, then id): the order decisions list their regimes in. A file whose
    ``id`` is not its name is a :class:`RegimeError`."""
    found = []
    for rid in file_ids():
        file = f"exportguard/regimes/{rid}.yaml"
        regime = parse_text(bundled_text(rid), file)
        if regime.id != rid:
            raise RegimeError(f"id {regime.id!r} is not the file's name", file=file, field="id")
        found.append(regime)
    return {r.id: r for r in sorted(found, key=lambda r: (r.covers_from, r.id))}
