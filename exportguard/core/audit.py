"""The audit trail's hash chain: link records and verify them (pure).

Each record's hash is SHA-256 over the previous record's hash and the record's canonical
JSON (sequence number, time, actor, kind, subject, payload). Changing a record changes its
hash; removing one breaks the sequence and the link of the next; reordering breaks links.
:func:`verify` says which record is at fault and how. The store keeps the chain's head
(last sequence number and hash) apart, so a removed tail is detected too.

Anchoring. Someone who can write the database can also rewrite a record and re-hash
every record after it, or delete the tail together with the head row: the chain alone
cannot tell. Two anchors outside the database's control make that visible:

- **checkpoints**: (seq, hash) pairs signed with a key kept outside the database
  (:func:`checkpoint_message` is what is signed). A rewrite of any record at or before a
  checkpoint changes that record's hash and no longer matches the signed one.
- **an exported head**: the (seq, hash) an auditor keeps (``exportguard audit head``);
  a chain that no longer holds that record with that hash was rewritten or cut.

What stays undetectable: a change after the newest checkpoint and the auditor's newest
head, made together with the checkpoints that came after it being deleted (keep heads).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from exportguard.core.decision_records import JsonObject

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

    def to_dict(self) -> dict[str, object]:
        """The JSON form: every field by its name (the API's ``AuditRecordOut``)."""
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


def canonical(value: object) -> str:
    """The one JSON text of a value that hashes are computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(
    seq: int,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    payload: JsonObject,
    prev_hash: str,
) -> str:
    return digest_of_text(seq, at, actor, kind, subject, canonical(payload), prev_hash)


def digest_of_text(
    seq: int, at: str, actor: str, kind: str, subject: str, payload_text: str, prev_hash: str
) -> str:
    """:func:`digest` with the payload given as its :func:`canonical` text (an append has
    it already). The body is the canonical JSON of ``{actor, at, kind, payload, seq,
    subject}`` (keys sorted), written out around the payload's text instead of serialising
    the payload again; ``tests/core/test_audit.py`` pins that both give one hash."""
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    body = (
        f'{{"actor":{text(actor)},"at":{text(at)},"kind":{text(kind)},'
        f'"payload":{payload_text},"seq":{seq},"subject":{text(subject)}}}'
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def link(
    prev: AuditRecord | None,
    *,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    payload: JsonObject,
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


def link_text(
    head: tuple[int, str] | None,
    *,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    payload_text: str,
) -> AuditRecord:
    """The record that follows the chain's ``head`` (its seq and hash; ``None``: the first
    record), its payload given as :func:`canonical` text: what :func:`link` gives for
    ``json.loads(payload_text)``, with the payload serialised once instead of three times."""
    seq = head[0] + 1 if head else 1
    prev_hash = head[1] if head else GENESIS
    return AuditRecord(
        seq, at, actor, kind, subject, json.loads(payload_text), prev_hash,
        digest_of_text(seq, at, actor, kind, subject, payload_text, prev_hash),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed anchor: the chain's record ``seq`` had ``hash`` when it was signed."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str  # hex

    def to_dict(self) -> dict[str, object]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id,
                "signature": self.signature}  # fmt: skip


class SignedHead(TypedDict):
    """A signed checkpoint of the chain's head as an auditor keeps it (JSON; the API's
    ``SignedHead``): the checkpoint's ``seq``, ``hash``, ``at``, ``key_id`` and hex
    ``signature``, with the public key (PEM; None: no key is configured)."""

    format: Literal["exportguard-audit-head/1"]
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str
    public_key: str | None


def signed_head(checkpoint: Checkpoint, public_key: str | None) -> SignedHead:
    """``checkpoint`` as an auditor keeps it, with ``public_key``."""
    return SignedHead(format="exportguard-audit-head/1", seq=checkpoint.seq,
                      hash=checkpoint.hash, at=checkpoint.at, key_id=checkpoint.key_id,
                      signature=checkpoint.signature, public_key=public_key)  # fmt: skip


def checkpoint_message(seq: int, hash: str) -> bytes:
    """The bytes a checkpoint's signature covers (domain-separated, versioned)."""
    return f"exportguard-audit-checkpoint/1\n{seq}\n{hash}".encode()


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


def check_anchors(
    hashes: Mapping[int, str],
    anchors: Iterable[tuple[str, int, str]],
) -> list[Problem]:
    """Problems where the chain disagrees with anchors: ``hashes`` maps a sequence number to
    the stored record's hash; each anchor is (what it is, seq, hash), e.g. ("checkpoint",
    256, "ab…") after its signature was checked, or ("exported head", 1204, "cd…")."""
    problems: list[Problem] = []
    for what, seq, expected in anchors:
        found = hashes.get(seq)
        if found is None:
            problems.append(Problem(seq, f"missing, though a {what} anchors it: removed"))
        elif found != expected:
            problems.append(
                Problem(seq, f"does not match its {what}: the chain was rewritten up to here")
            )
    return problems


def verify_segment(records: Iterable[AuditRecord], prev_hash: str, first: int) -> list[Problem]:
    """Problems in a contiguous run of records that should start at ``first`` and link to
    ``prev_hash``: the incremental check a certificate makes from a record to the next
    signed checkpoint (or the head) instead of re-verifying the whole chain."""
    problems: list[Problem] = []
    expected = first
    for record in records:
        if record.seq != expected:
            problems.append(Problem(expected, "missing (removed)"))
            break
        recomputed = digest(record.seq, record.at, record.actor, record.kind, record.subject,
                            record.payload, record.prev_hash)  # fmt: skip
        if recomputed != record.hash:
            problems.append(Problem(record.seq, "changed: its content no longer matches its hash"))
        if record.prev_hash != prev_hash:
            problems.append(Problem(record.seq, "does not link to the record before it"))
        prev_hash = record.hash
        expected += 1
    return problems
