"""The list-format seam (``sources.formats``): every parser module registers as one typed
record, and a module that lacks or mistypes what a format declares is refused at import."""

from __future__ import annotations

import types

import pytest

from exportguard.sources import detect, ofac_csv, un_xml
from exportguard.sources.formats import register


def test_every_format_is_registered_once_with_its_parts() -> None:
    names = [f.name for f in detect.FORMATS]
    assert len(names) == len(set(names))
    assert all(callable(f.sniff) and callable(f.parse) for f in detect.FORMATS)
    sdn = next(f for f in detect.FORMATS if f.name == ofac_csv.NAME)
    assert sdn.group is ofac_csv.group
    assert sdn.unusable is ofac_csv.unusable
    un = next(f for f in detect.FORMATS if f.name == un_xml.NAME)
    assert (un.source, un.list_name, un.group) == ("un_sc", un_xml.LIST_NAME, None)
    assert detect.list_names()["un_sc"] == un_xml.LIST_NAME


def test_a_format_without_its_groups_reads_one_file_a_unit() -> None:
    un = register(un_xml)
    assert un.groups(["a", "b"]) == [["a"], ["b"]]  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        ({"sniff": lambda f: False, "parse": lambda fs: None}, "NAME"),
        ({"NAME": "x", "parse": lambda fs: None}, "sniff"),
        ({"NAME": "x", "sniff": lambda f: False, "parse": "not a function"}, "parse"),
        ({"NAME": "x", "sniff": lambda f: False, "parse": lambda fs: None, "SOURCE": 3},
         "SOURCE"),
    ],
)
def test_a_module_missing_or_mistyping_a_part_is_refused(
    attributes: dict[str, object], named: str
) -> None:
    module = types.ModuleType("exportguard.sources.broken")
    for key, value in attributes.items():
        setattr(module, key, value)
    with pytest.raises(TypeError, match=rf"exportguard\.sources\.broken\.{named}"):
        register(module)
