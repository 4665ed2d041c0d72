from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from exportguard.core.audit import AuditRecord, link, verify

payloads = st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3)


def chain(items: list[dict[str, object]]) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    for i, payload in enumerate(items):
        out.append(
            link(
                out[-1] if out else None,
                at=f"2026-01-01T00:00:{i:02d}",
                actor="officer",
                kind="screening",
                subject=f"s{i}",
                payload=payload,
            )
        )
    return out


@given(st.lists(payloads, min_size=1, max_size=12))
def test_any_valid_chain_verifies(items: list[dict[str, object]]) -> None:
    records = chain(items)
    assert verify(records, (records[-1].seq, records[-1].hash)) == []


@given(st.lists(payloads, min_size=2, max_size=10), st.data())
def test_any_single_tampering_is_detected(
    items: list[dict[str, object]], data: st.DataObject
) -> None:
    records = chain(items)
    head = (records[-1].seq, records[-1].hash)
    i = data.draw(st.integers(0, len(records) - 1))
    kind = data.draw(st.sampled_from(["change", "remove", "swap", "actor"]))
    tampered = list(records)
    if kind == "change":
        tampered[i] = replace(records[i], payload={**records[i].payload, "x": "tampered"})
    elif kind == "actor":
        tampered[i] = replace(records[i], actor="someone else")
    elif kind == "remove":
        del tampered[i]
    else:
        j = (i + 1) % len(records)
        tampered[i], tampered[j] = tampered[j], tampered[i]
    problems = verify(tampered, head)
    assert problems
    if kind in ("change", "actor"):
        assert any(p.seq == records[i].seq and "changed" in p.what for p in problems)
    if kind == "remove":
        assert any("missing" in p.what or "removed" in p.what for p in problems)


def test_messages_name_the_record() -> None:
    records = chain([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}])
    head = (4, records[-1].hash)
    assert [str(p) for p in verify([records[0], records[2], records[3]], head)] == [
        "record 3: record 2 is missing before it (removed)"
    ]
    assert "records were removed from the end" in str(verify(records[:3], head)[0])
    swapped = [records[0], records[2], records[1], records[3]]
    whats = [str(p) for p in verify(swapped, head)]
    assert any("record 2: out of order" in w for w in whats)


def test_an_append_from_the_payload_text_hashes_as_the_record_verifies() -> None:
    """``link_text`` (the store's append: the payload serialised once) gives the record
    ``link`` gives, and ``digest`` (what verification recomputes) agrees with it, for
    payloads with non-ASCII text, quotes, nesting, numbers and nulls."""
    from exportguard.core.audit import canonical, digest, link, link_text

    payloads = [
        {},
        {"name": "Позитив Текнолоджиз", "score": 0.9685, "hits": [{"id": 'a"b', "n": None}]},
        {"z": 1, "a": [1, 2.5, True, {"קנדירו": "\\n"}], "m": {"b": "x", "a": "y"}},
    ]
    head = None
    prev = None
    for i, payload in enumerate(payloads):
        text = canonical(payload)
        made = link_text(head, at=f"2026-11-30T0{i}:00:00", actor="ann ö", kind="screening",
                         subject='party "x"', payload_text=text)  # fmt: skip
        expected = link(prev, at=made.at, actor=made.actor, kind=made.kind,
                        subject=made.subject, payload=payload)  # fmt: skip
        assert made == expected
        assert made.hash == digest(made.seq, made.at, made.actor, made.kind, made.subject,
                                   made.payload, made.prev_hash)  # fmt: skip
        head, prev = (made.seq, made.hash), made
