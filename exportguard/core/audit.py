"""The audit trail's hash chain: link records and verify them (pure).

Each record's hash is SHA-256 over the previous record's hash and the record's canonical
JSON (sequence number, time, actor, kind, subject, payload). Changing a record changes its
hash; removing one breaks the sequence and the link of the next; reordering breaks links.
:func:`verify` says which record is at fault and how. The store keeps the chain's head
(last sequence number and hash) apart, so a removed tail is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    kind: str
    subject: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "kind": self.kind,
            "subject": self.subject,
            "payload": dict(self.payload),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def canonical(value: Any) -> str:
    """The one JSON text of a value that hashes are computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(
    seq: int,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    payload: Mapping[str, Any],
    prev_hash: str,
) -> str:
    body = canonical(
        {"seq": seq, "at": at, "actor": actor, "kind": kind, "subject": subject, "payload": payload}
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def link(
    prev: AuditRecord | None,
    *,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    payload: Mapping[str, Any],
) -> AuditRecord:
    """The record that follows ``prev`` (``None``: the first record)."""
    seq = prev.seq + 1 if prev else 1
    prev_hash = prev.hash if prev else GENESIS
    return AuditRecord(
        seq,
        at,
        actor,
        kind,
        subject,
        payload,
        prev_hash,
        digest(seq, at, actor, kind, subject, payload, prev_hash),
    )


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.what}"


def verify(records: Iterable[AuditRecord], head: tuple[int, str] | None = None) -> list[Problem]:
    """Every break in the chain, in order (empty: the chain is intact).

    ``records`` in stored order; ``head`` is the (seq, hash) the store recorded last.
    """
    problems: list[Problem] = []
    expected_seq = 1
    prev_hash = GENESIS
    last: AuditRecord | None = None
    for record in records:
        if record.seq < expected_seq:
            problems.append(Problem(record.seq, f"out of order (after record {expected_seq - 1})"))
        elif record.seq > expected_seq:
            missing = (
                f"record {expected_seq} is missing"
                if record.seq == expected_seq + 1
                else f"records {expected_seq}-{record.seq - 1} are missing"
            )
            problems.append(Problem(record.seq, f"{missing} before it (removed)"))
        recomputed = digest(
            record.seq,
            record.at,
            record.actor,
            record.kind,
            record.subject,
            record.payload,
            record.prev_hash,
        )
        if recomputed != record.hash:
            problems.append(Problem(record.seq, "changed: its content no longer matches its hash"))
        if record.prev_hash != prev_hash and record.seq == expected_seq:
            problems.append(
                Problem(
                    record.seq,
                    "does not link to the record before it "
                    "(reordered, or the one before was changed)",
                )
            )
        prev_hash = record.hash
        expected_seq = max(expected_seq, record.seq) + 1
        last = record
    if head is not None:
        head_seq, head_hash = head
        if last is None or last.seq < head_seq:
            got = last.seq if last else 0
            problems.append(
                Problem(
                    head_seq,
                    f"the chain ends at record {got} but its head "
                    f"says {head_seq}: records were removed from the end",
                )
            )
        elif last.seq == head_seq and last.hash != head_hash:
            problems.append(Problem(head_seq, "does not match the chain head's hash"))
    return problems
