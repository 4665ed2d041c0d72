from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import EntityType
from exportguard.core.index import NameIndex, screen
from exportguard.core.queries import make_query
from tests.factories import party, person

ENTRIES = [
    party("NSO Group", country="IL", listed_from=date(2021, 11, 4)),
    party(
        "Candiru",
        "Saito Tech Ltd.",
        "DF Associates Ltd.",
        country="IL",
        listed_from=date(2021, 11, 4),
    ),
    party("Positive Technologies", country="RU"),
    party("Blue Lagoon Ali Kanso Group", country="SL"),
    person("Usama bin Laden", weak=("Abu Abdallah",)),
    party("Old Listing Ltd", listed_from=date(2001, 1, 1), listed_until=date(2010, 1, 1)),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex.build(7, ENTRIES)


def names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.entry.name for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NSO Group", "NSO Group"),
        ("N.S.O. Group Ltd", "NSO Group"),
        ("Позитив Текнолоджиз", "Positive Technologies"),
        ("بوزيتيف تكنولوجيز", "Positive Technologies"),
        ("קנדירו", "Candiru"),
        ("Saito Technologies", "Candiru"),
        ("أسامة بن لادن", "Usama bin Laden"),
        ("Laden, Osama bin", "Usama bin Laden"),
    ],
)
def test_finds_across_scripts_and_spellings(index: NameIndex, query: str, expected: str) -> None:
    hits = screen([index], make_query(query), threshold=0.8)
    assert names(hits)[:1] == [expected]
    assert hits[0].snapshot_id == 7


def test_hit_names_the_matched_alias(index: NameIndex) -> None:
    (hit,) = screen([index], make_query("Saito Tech"), threshold=0.8)
    assert hit.matched_name == "Saito Tech Ltd."
    assert hit.entry.name == "Candiru"


def test_no_hit_for_unrelated_name(index: NameIndex) -> None:
    assert screen([index], make_query("Siemens Healthineers"), threshold=0.8) == []


def test_substring_is_not_a_hit(index: NameIndex) -> None:
    # "NSO Group" inside "Blue Lagoon Ali Kanso Group" is a classic false positive.
    assert "Blue Lagoon Ali Kanso Group" not in names(
        screen([index], make_query("NSO Group"), threshold=0.8)
    )


def test_as_of_sees_listings_in_force_only(index: NameIndex) -> None:
    before = screen([index], make_query("NSO Group"), threshold=0.8, as_of=date(2021, 10, 1))
    after = screen([index], make_query("NSO Group"), threshold=0.8, as_of=date(2021, 12, 1))
    assert before == []
    assert names(after) == ["NSO Group"]
    delisted = screen([index], make_query("Old Listing Ltd"), threshold=0.8, as_of=date(2020, 1, 1))
    assert delisted == []


def test_serialisation_round_trip_gives_identical_results(index: NameIndex) -> None:
    copy = NameIndex.from_bytes(index.to_bytes())
    for q in ["NSO", "Candiru", "Usama bin Laden", "Positive"]:
        a = screen([index], make_query(q), threshold=0.5)
        b = screen([copy], make_query(q), threshold=0.5)
        assert [(h.entry.id, h.score, h.matched_name) for h in a] == [
            (h.entry.id, h.score, h.matched_name) for h in b
        ]


def test_candidates_are_a_small_subset(index: NameIndex) -> None:
    assert len(index.candidates(make_query("Candiru").form, limit=3)) <= 3


def test_limit_and_type(index: NameIndex) -> None:
    hits = screen([index], make_query("Candiru", type=EntityType.PERSON), threshold=0.9)
    assert hits == []
    assert len(screen([index], make_query("Group"), threshold=0.1, limit=1)) == 1


def test_an_index_built_with_other_vocabulary_tables_is_refused(index: NameIndex) -> None:
    """A stored index records the vocabulary it was built with: after an upgrade that
    makes a word generic or adds a given name, the service rebuilds it (ValueError here)."""
    import pickle

    payload = pickle.loads(index.to_bytes())
    payload["vocab"] = "built-by-an-older-release"
    with pytest.raises(ValueError, match="vocabulary"):
        NameIndex.from_bytes(pickle.dumps(payload))


def test_the_stored_arrays_round_trip_with_their_types(index: NameIndex) -> None:
    """Each array of :class:`IndexArrays` has its declared dtype when built, merged and
    loaded; a loaded index (alone, and merged with another) writes the bytes it was read
    from."""
    import typing

    import numpy as np

    from exportguard.core.index_layout import IndexArrays

    declared = {
        name: typing.get_args(typing.get_args(hint)[1])[0]
        for name, hint in typing.get_type_hints(IndexArrays).items()
        if typing.get_origin(hint) is np.ndarray
    }
    assert len(declared) == 10
    merged = NameIndex.merge([index, NameIndex.build(8, ENTRIES[:2])])
    for built in (index, merged):
        data = built.to_bytes()
        loaded = NameIndex.from_bytes(data)
        assert loaded.to_bytes() == data
        assert loaded.snapshot_ids == built.snapshot_ids
        for name, dtype in declared.items():
            assert getattr(built, name).dtype == dtype, name
            assert getattr(loaded, name).dtype == dtype, name
            assert np.array_equal(getattr(loaded, name), getattr(built, name)), name


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("postings", "int64", "'postings' is not an array of int32"),
        ("name_norm", "float64", "'name_norm' is not an array of float32"),
        ("name_blob", None, "'name_blob' is not bytes with offsets"),
        ("snapshot_ids", None, "snapshot ids"),
    ],
)
def test_a_stored_index_of_other_array_types_is_refused(
    index: NameIndex, name: str, value: str | None, message: str
) -> None:
    """An array stored with another dtype (or missing) is not read as the declared one:
    ``ValueError``, on which the service rebuilds the index from its entries."""
    import pickle

    payload = pickle.loads(index.to_bytes())
    payload[name] = payload[name].astype(value) if value else None
    with pytest.raises(ValueError, match=message):
        NameIndex.from_bytes(pickle.dumps(payload))


def test_the_service_rebuilds_a_stale_stored_index(tmp_path: Path) -> None:
    import pickle

    from exportguard.services import ExportGuard
    from exportguard.store import lists as list_store

    url = f"sqlite:///{tmp_path / 'stale.db'}"
    eg = ExportGuard(url, actor="tester")
    (result,) = eg.import_demo().results
    sid = result.snapshot.id
    with eg.engine.begin() as conn:
        version, data = list_store.index_data(conn, sid)  # type: ignore[misc]
        payload = pickle.loads(data)
        payload["vocab"] = "built-by-an-older-release"
        list_store.replace_index(conn, sid, version, pickle.dumps(payload))
    eg.close()
    fresh = ExportGuard(url, actor="tester")
    assert fresh.screen("NSO Group", record=False).hits
    with fresh.engine.connect() as conn:
        stored = list_store.index_data(conn, sid)
    assert stored is not None
    assert pickle.loads(stored[1])["vocab"] != "built-by-an-older-release"
    fresh.close()


def test_one_name_on_many_lists_is_found_on_every_list() -> None:
    """Names of the same words have the same key score: all of them are retrieved, not an
    arbitrary 64 of them (the UN's AYYUB BASHIR fell off the cut beside OFSI's and
    OFAC's copies of the same name)."""
    copies = [person("Ayyub BASHIR", id=f"copy-{n}", source=f"list-{n}") for n in range(90)]
    others = [person(f"Ayyub BASHIRI{n}", id=f"other-{n}") for n in range(40)]
    index = NameIndex.build(1, copies + others)
    found = screen([index], make_query("Ayyub Bashir"), threshold=0.86)
    shown = {i for h in found for i in (h.entry.id, *h.rows)}  # (one list's rows grouped)
    assert {f"list-{n}:copy-{n}" for n in range(90)} <= shown

