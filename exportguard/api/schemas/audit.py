"""The audit trail (requests and answers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from exportguard.api.schemas.common import Model, Out, Timestamp


class VerifyRequest(Model):
    head: dict[str, Any] | None = Field(
        default=None, description="A head kept from POST /audit/head (seq, hash, signature)."
    )
    public_key: str | None = Field(
        default=None, max_length=2000, description="The auditor's copy of the public key (PEM)."
    )



class AuditRecordOut(Out):
    """One record of the hash chain. ``payload`` is the action's own record, its shape
    set by ``kind`` (a screening, a decision, a licence event, an import ...): kept as
    recorded, since the hash covers it."""

    seq: int
    at: Timestamp
    actor: str
    kind: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class ChainHead(Out):
    seq: int
    hash: str


class ProblemOut(Out):
    seq: int
    what: str


class VerifyOut(Out):
    """The chain re-computed: ``ok`` when no ``problems``; ``anchored``: checked against a
    kept head."""

    ok: bool
    records: int
    head: ChainHead | None
    checkpoints: int
    anchored: bool
    problems: list[ProblemOut]


class SignedHead(Out):
    """A signed checkpoint of the chain's head, with the public key (PEM)."""

    format: Literal["exportguard-audit-head/1"]
    seq: int
    hash: str
    at: Timestamp
    key_id: str
    signature: str
    public_key: str | None
