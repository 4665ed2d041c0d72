"""The packaged vocabularies: every document a mapping, each part narrowed to its shape
with the file and the part named when it has another."""

from __future__ import annotations

import pytest

from exportguard.core import vocab


def test_documents_are_mappings() -> None:
    assert "aliases" in vocab.load("countries")
    assert "forms" in vocab.load("legal_forms")
    assert {"counts", "skeletons"} <= set(vocab.load_json("token_counts"))


@pytest.mark.parametrize("value", [{"llc": {}}, {}])
def test_a_mapping_is_itself(value: dict[object, object]) -> None:
    assert vocab.mapping(value, "legal_forms.yaml: forms") is value


@pytest.mark.parametrize("value", [["a"], ("a",), []])
def test_a_list_is_itself(value: list[object] | tuple[object, ...]) -> None:
    assert vocab.sequence(value, "countries.yaml: us_states") is value


@pytest.mark.parametrize("value", [None, "llc", ["llc"], 3])
def test_a_part_that_is_no_mapping_is_named(value: object) -> None:
    with pytest.raises(ValueError, match=r"^legal_forms\.yaml: forms: must be a mapping$"):
        vocab.mapping(value, "legal_forms.yaml: forms")


@pytest.mark.parametrize("value", [None, "NM", {"NM": 1}])
def test_a_part_that_is_no_list_is_named(value: object) -> None:
    # (a string is no list of spellings: iterated, it would give its letters)
    with pytest.raises(ValueError, match=r"^countries\.yaml: us_states: must be a list$"):
        vocab.sequence(value, "countries.yaml: us_states")
