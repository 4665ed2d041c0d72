"""The stored form of a list entry (``ListEntry.to_dict`` / ``to_json``) on real lists.

The stored JSON is what snapshot diffs and entry digests compare, so its shape must not
move: keys in field order, optional fields only when set, enums as their values, dates
as ISO strings."""

from __future__ import annotations

import dataclasses
import json

import pytest

from exportguard.core.entities import Alias, AliasQuality, EntityType, Identifier, ListEntry
from exportguard.errors import InvalidInput


def test_every_real_entry_round_trips_through_its_stored_form(
    real_entries: dict[str, list[ListEntry]],
) -> None:
    for found in real_entries.values():
        for entry in found:
            text = entry.to_json()
            assert ListEntry.from_dict(json.loads(text)) == entry
            assert "\n" not in text  # compact: one line a row


def test_stored_form_keys_follow_field_order_and_leave_out_unset_optional_fields(
    real_entries: dict[str, list[ListEntry]],
) -> None:
    order = [f.name for f in dataclasses.fields(ListEntry)]
    optional = {"nationalities", "citizenships", "residences", "gender", "titles",
                "birth_date_notes", "citations", "listed_dates", "actions", "contacts",
                "status", "dissolution_date", "notes"}  # fmt: skip
    for found in real_entries.values():
        for entry in found[:500]:
            stored = entry.to_dict()
            keys = list(stored)
            assert keys == [k for k in order if k in stored]
            assert set(order) - set(keys) <= optional
            assert all(stored[k] for k in keys if k in optional)
            assert type(stored["type"]) is str  # the value, not the enum member
            assert all(type(a["quality"]) is str for a in stored["aliases"])


def test_stored_form_of_a_known_entry_is_pinned() -> None:
    entry = ListEntry(
        id="1", source="demo", list_name="Entity List", type=EntityType.ORGANIZATION,
        name="NSO Group", aliases=(Alias("Q Cyber", AliasQuality.WEAK),),
    )
    assert entry.to_json() == (
        '{"id":"1","source":"demo","list_name":"Entity List","type":"organization",'
        '"name":"NSO Group","aliases":[{"name":"Q Cyber","quality":"weak","kind":"aka",'
        '"lang":null}],"programs":[],"addresses":[],"countries":[],'
        '"identifiers":[],"birth_dates":[],"birth_places":[],"listed_from":null,'
        '"listed_until":null,"citation":null,"licence_requirement":null,'
        '"licence_policy":null,"remarks":null,"url":null}'
    )


PINNED = ListEntry(
    id="1", source="demo", list_name="Entity List", type=EntityType.ORGANIZATION,
    name="NSO Group", aliases=(Alias("Q Cyber", AliasQuality.WEAK),),
    identifiers=(Identifier("lei", "5493001KJTIIGC8Y1R12", known_expired=True),),
    titles=("Haji",), gender="male",
)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": 7}, "name", "must be a string, not a number"),
        ({"id": None}, "id", "required"),
        ({"type": "company"}, "type", "must be one of person, organization"),
        ({"programs": "SDGT"}, "programs", "must be an array, not a string"),
        ({"countries": ["IR", 98]}, "countries[1]", "must be a string, not a number"),
        ({"listed_from": "04/11/2021"}, "listed_from", "not a date (YYYY-MM-DD)"),
        ({"gender": ["male"]}, "gender", "must be a string or null, not an array"),
        ({"aliases": [{"name": "Q Cyber", "quality": "low", "kind": "aka"}]},
         "aliases[0].quality", "must be one of strong, weak, not 'low'"),
        ({"aliases": ["Q Cyber"]}, "aliases[0]", "must be an object, not a string"),
        ({"identifiers": [{"kind": "lei", "value": "X", "known_expired": "yes"}]},
         "identifiers[0].known_expired", "must be a boolean, not a string"),
        ({"addresses": [{"city": "Herzliya"}]}, "addresses[0].full", "required"),
    ],
)  # fmt: skip
def test_a_stored_row_of_the_wrong_shape_names_the_field(
    change: dict[str, object], field: str, message: str
) -> None:
    stored = {**PINNED.to_dict(), **change}
    with pytest.raises(InvalidInput) as caught:
        ListEntry.from_dict(stored)
    (error,) = caught.value.errors
    assert error.field == field
    assert message in error.message


def test_a_stored_row_reads_back_field_for_field() -> None:
    assert ListEntry.from_dict(json.loads(PINNED.to_json())) == PINNED
    assert ListEntry.from_dict({**PINNED.to_dict(), "gender": "", "titles": []}) == (
        dataclasses.replace(PINNED, gender=None, titles=())
    )
