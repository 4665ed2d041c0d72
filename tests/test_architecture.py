"""The import direction of ../shared/ARCHITECTURE.md, enforced over the source's AST:
core imports nothing of ours but core and errors, and no I/O, settings or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import exportguard

PACKAGE = Path(exportguard.__file__).parent
#: Third-party libraries the pure core may use: computation and packaged vocabularies.
CORE_THIRD_PARTY = {"anyascii", "numpy", "pycountry", "rapidfuzz", "yaml"}
#: Standard-library modules that would mean I/O, settings or the clock in core.
CORE_FORBIDDEN_STDLIB = {"os", "socket", "subprocess", "sqlite3", "urllib", "http", "shutil",
                         "tempfile", "time"}  # fmt: skip


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_is_pure() -> None:
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in imports(path):
            top = name.split(".")[0]
            if top == "exportguard":
                assert name.startswith(("exportguard.core", "exportguard.errors")), (path, name)
            elif top in CORE_FORBIDDEN_STDLIB:
                raise AssertionError(f"{path}: core must not import {name}")
            elif top not in CORE_THIRD_PARTY:
                import sys

                assert top in sys.stdlib_module_names or top == "__future__", (path, name)


def test_core_reads_no_clock() -> None:
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text, path
        assert ".today(" not in text, path


def test_sources_and_store_do_not_import_entry_points() -> None:
    for folder in ("sources", "store", "core"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            for name in imports(path):
                assert not name.startswith(
                    (
                        "exportguard.cli",
                        "exportguard.api",
                        "exportguard.web",
                        "exportguard.settings",
                    )
                ), (path, name)


def test_only_entry_points_read_settings() -> None:
    allowed = {"cli.py", "__init__.py", "settings.py"}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        from_package = {
            a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module == "exportguard"
            for a in n.names
        }
        if "exportguard.settings" in imports(path) or "settings" in from_package:
            assert path.name in allowed or path.parent.name in {"api", "batch", "cli"}, path


def test_public_api_is_explicit_and_sorted() -> None:
    names = exportguard.__all__

    def kind(name: str) -> tuple[int, str]:  # constants, classes, functions (isort style)
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert names == sorted(names, key=kind)
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(exportguard, name), name


def test_every_error_class_lives_in_errors_py() -> None:
    """One exception hierarchy, drawn in errors.py's docstring (a private signal aside)."""
    from exportguard import errors

    root = Path(exportguard.__file__).parent
    outside = []
    for path in root.rglob("*.py"):
        if path.name == "errors.py" and path.parent == root:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if bases & {"Exception", "ExportGuardError", "BaseException", "ValueError"}:
                    outside.append(f"{path.relative_to(root)}:{node.name}")
    assert outside == []
    drawn = errors.__doc__ or ""
    for name, value in vars(errors).items():
        if isinstance(value, type) and issubclass(value, errors.ExportGuardError):
            assert name in drawn or name.startswith("_"), name
