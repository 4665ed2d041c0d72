"""The audit trail: record, anchor, verify, and screening certificates.

Every screening, decision, licence event, list import, counterparty change, clearance and
misuse report is recorded in the same transaction as the action, as one link of a hash
chain (``core.audit``). Every :data:`CHECKPOINT_EVERY` records (and on demand) the chain
is anchored by an Ed25519 signature over (seq, hash) with a key kept outside the database
(``EXPORTGUARD_AUDIT_KEY``); ``head`` exports the chain's head for an auditor to keep.
``verify`` re-computes the chain and checks it against every checkpoint and a kept head;
``certificate`` renders a self-contained HTML document for one screening, checking only
the records from it to the next checkpoint (O(:data:`CHECKPOINT_EVERY`), not O(chain)).

Ed25519 from ``cryptography`` (pyca): a well-kept library; no signing code of our own.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection

from exportguard.core.audit import (
    AuditRecord,
    Checkpoint,
    Problem,
    SignedHead,
    check_anchors,
    checkpoint_message,
    signed_head,
    verify,
    verify_segment,
)
from exportguard.core.decision_records import JsonObject
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.certificate import render_certificate
from exportguard.store import audit as audit_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from exportguard.services.context import Context

#: A checkpoint is signed with every record whose sequence number is a multiple of this.
CHECKPOINT_EVERY = 256


class AuditKey:
    """The Ed25519 key that signs checkpoints; kept outside the database.

    Made from a key file (read, or created, on first use: a command that signs nothing
    never loads ``cryptography``) or from a key object (tests).
    """

    def __init__(self, path: Path | None = None, private: Ed25519PrivateKey | None = None):
        if (path is None) == (private is None):
            raise ValueError("give a key file or a key, not both")
        self.path = path
        self._private = private

    @property
    def private(self) -> Ed25519PrivateKey:
        if self._private is None:
            assert self.path is not None
            self._private = _load_or_create(self.path)
        return self._private

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def public_pem(self) -> str:
        return public_pem(self.public)

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def sign(self, seq: int, hash: str, at: str) -> Checkpoint:
        signature = self.private.sign(checkpoint_message(seq, hash)).hex()
        return Checkpoint(seq, hash, at, self.key_id, signature)


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    """The key in ``path`` (PEM, PKCS#8), created there (mode 0600) if absent.

    Raises :class:`InvalidInput` naming the file if it holds no Ed25519 private key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not path.exists():
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written whole under a private name, then linked into place: a process starting
        # at the same moment either makes the key or reads a complete one (never half).
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            with open(draft, "xb", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
                handle.write(pem)
            os.link(draft, path)
            return key
        except FileExistsError:  # another process made it meanwhile: that one is the key
            pass
        finally:
            draft.unlink(missing_ok=True)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{path}: not a PEM private key ({exc})", field="audit_key") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(f"{path}: not an Ed25519 private key", field="audit_key")
    return loaded


def public_pem(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: str, origin: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        loaded = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise InvalidInput(f"{origin}: not a PEM public key ({exc})", field="public_key") from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise InvalidInput(f"{origin}: not an Ed25519 public key", field="public_key")
    return loaded


def signature_ok(key: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(bytes.fromhex(checkpoint.signature),
                   checkpoint_message(checkpoint.seq, checkpoint.hash))  # fmt: skip
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Verification:
    """What a verification checked and found.

    ``records``: how many records were re-computed; ``checkpoints``: how many signed
    checkpoints were checked (0: the chain is not anchored, or no key to check with);
    ``anchored``: whether anything outside the database vouched for the chain.
    """

    records: int
    head: tuple[int, str] | None
    problems: tuple[Problem, ...]
    checkpoints: int = 0
    anchored: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        """The JSON form (the API's ``VerifyOut``): ``head`` as ``{seq, hash}``, each
        problem as ``{seq, what}``."""
        return {
            "ok": self.ok,
            "records": self.records,
            "head": {"seq": self.head[0], "hash": self.head[1]} if self.head else None,
            "checkpoints": self.checkpoints,
            "anchored": self.anchored,
            "problems": [{"seq": p.seq, "what": p.what} for p in self.problems],
        }


class AuditWriter:
    """Appends to the audit trail: the one collaborator every use case that acts is given
    (the time and the actor come from its :class:`Context`)."""

    def __init__(self, ctx: Context, key: AuditKey | None = None) -> None:
        self.ctx = ctx
        self.key = key

    def record(
        self, conn: Connection, kind: str, subject: str, payload: JsonObject
    ) -> AuditRecord:
        """Append one record in the caller's (write) transaction; every
        :data:`CHECKPOINT_EVERY`-th record is also signed, in the same transaction."""
        record = audit_store.append(
            conn,
            at=self.ctx.now(),
            actor=self.ctx.actor,
            kind=kind,
            subject=subject,
            payload=payload,
        )
        if self.key is not None and record.seq % CHECKPOINT_EVERY == 0:
            audit_store.add_checkpoint(conn, self.key.sign(record.seq, record.hash, record.at))
        return record


class Dispositions(Protocol):
    """What a certificate says of each hit's review (``Cases.dispositions``)."""

    def dispositions(self, record: AuditRecord) -> dict[str, str]: ...


class Audit:
    """Audit use cases, reached as ``ExportGuard.audit``: reading, verifying and anchoring
    the trail, certificates (each hit's disposition from ``reviews``); :meth:`record`
    is its ``writer``'s."""

    def __init__(self, ctx: Context, writer: AuditWriter, reviews: Dispositions) -> None:
        self.ctx = ctx
        self.writer = writer
        self.key = writer.key
        self.reviews = reviews

    def record(
        self, conn: Connection, kind: str, subject: str, payload: JsonObject
    ) -> AuditRecord:
        """:meth:`AuditWriter.record`."""
        return self.writer.record(conn, kind, subject, payload)

    def checkpoint(self) -> Checkpoint:
        """Sign the chain's head now (nothing to do if it is signed already)."""
        if self.key is None:
            raise InvalidInput("no audit signing key is configured (EXPORTGUARD_AUDIT_KEY)",
                               field="audit_key")  # fmt: skip
        with writing(self.ctx.engine) as conn:
            head = audit_store.head(conn, lock=True)
            if head is None:
                raise InvalidInput("the audit trail is empty: nothing to sign", field="audit")
            existing = audit_store.next_checkpoint(conn, head[0])
            if existing is not None and existing.seq == head[0]:
                return existing
            checkpoint = self.key.sign(head[0], head[1], self.ctx.now())
            audit_store.add_checkpoint(conn, checkpoint)
        return checkpoint

    def head(self) -> SignedHead:
        """The chain's head, signed now, with the public key: for an auditor to keep and
        give back to :meth:`verify` (``exportguard audit head > head.json``)."""
        checkpoint = self.checkpoint()
        assert self.key is not None
        return signed_head(checkpoint, self.key.public_pem)

    def last_head(self) -> SignedHead:
        """The newest signed checkpoint, as :meth:`head` gives it, without signing anything."""
        with self.ctx.engine.connect() as conn:
            found = audit_store.latest_checkpoint(conn)
        if found is None:
            raise NotFound("no signed checkpoint yet (POST /audit/head, or `audit head`)")
        return signed_head(found, self.key.public_pem if self.key else None)

    def verify(
        self, *, kept_head: JsonObject | None = None, public_key: str | None = None
    ) -> Verification:
        """Re-compute the whole chain and check it against every signed checkpoint and, if
        given, a head an auditor kept (from :meth:`head`).

        Signatures are checked with ``public_key`` (PEM) if given, else the configured
        key's. Without either, checkpoints cannot be checked and ``anchored`` is False.
        """
        key = load_public_key(public_key, "public key") if public_key else (
            self.key.public if self.key else None)  # fmt: skip
        with self.ctx.engine.connect() as conn:
            head = audit_store.head(conn)
            records = list(audit_store.records(conn))
            checkpoints = audit_store.checkpoints(conn)
        problems = verify(records, head)
        anchors: list[tuple[str, int, str]] = []
        checked = 0
        if key is not None:
            for cp in checkpoints:
                if signature_ok(key, cp):
                    anchors.append(("signed checkpoint", cp.seq, cp.hash))
                    checked += 1
                else:
                    problems.append(Problem(cp.seq, "its checkpoint's signature is not valid "
                                                    "for this key: forged or altered"))  # fmt: skip
        if key is not None and checkpoints and head is not None:
            # Every CHECKPOINT_EVERY-th record since the first checkpoint is signed: one
            # missing was deleted (with a rewrite after it, perhaps).
            have = {cp.seq for cp in checkpoints}
            first = -(-checkpoints[0].seq // CHECKPOINT_EVERY) * CHECKPOINT_EVERY
            for seq in range(first, head[0] + 1, CHECKPOINT_EVERY):
                if seq not in have:
                    problems.append(Problem(seq, "its signed checkpoint is missing: removed"))
        if kept_head is not None:
            seq, digest = _kept(kept_head)
            if key is not None and "signature" in kept_head:
                cp = Checkpoint(seq, digest, str(kept_head.get("at", "")),
                                str(kept_head.get("key_id", "")), str(kept_head["signature"]))
                if not signature_ok(key, cp):
                    problems.append(Problem(seq, "the kept head's signature is not valid"))
            anchors.append(("kept head", seq, digest))
        problems.extend(check_anchors({r.seq: r.hash for r in records}, anchors))
        return Verification(len(records), head, tuple(problems), checked, bool(anchors))

    def anchor_of(self, seq: int) -> Verification:
        """Whether record ``seq`` is intact and anchored: re-compute it and the records
        after it up to the next signed checkpoint (or the head), and check that checkpoint's
        signature. O(:data:`CHECKPOINT_EVERY`) records, not the whole chain."""
        with self.ctx.engine.connect() as conn:
            head = audit_store.head(conn)
            checkpoint = audit_store.next_checkpoint(conn, seq)
            last = checkpoint.seq if checkpoint else (head[0] if head else seq)
            run = audit_store.run(conn, seq, last)
        if not run:
            raise NotFound(f"no audit record {seq}")
        problems = verify_segment(run, run[0].prev_hash, seq)
        anchored = False
        if checkpoint is not None and self.key is not None:
            if signature_ok(self.key.public, checkpoint):
                problems.extend(
                    check_anchors({r.seq: r.hash for r in run},
                                  [("signed checkpoint", checkpoint.seq, checkpoint.hash)])
                )  # fmt: skip
                anchored = True
            else:
                problems.append(Problem(checkpoint.seq, "its checkpoint's signature is not valid"))
        elif head is not None and run[-1].seq == head[0]:
            problems.extend(check_anchors({r.seq: r.hash for r in run},
                                          [("chain head", head[0], head[1])]))  # fmt: skip
        return Verification(len(run), head, tuple(problems), int(anchored), anchored)

    def records(self, *, kind: str | None = None, subject: str | None = None) -> list[AuditRecord]:
        with self.ctx.engine.connect() as conn:
            return list(audit_store.records(conn, kind=kind, subject=subject))

    def page(
        self, *, limit: int, offset: int = 0, kind: str | None = None,
        subject: str | None = None, actor: str | None = None, since: date | None = None,
        until: date | None = None, newest_first: bool = False,
    ) -> tuple[list[AuditRecord], int]:
        """One page of records (and how many match), read in O(page); ``since`` and
        ``until`` are days of the records' times (UTC, both included); ``until`` before
        ``since`` is :class:`InvalidInput` (it would match nothing, silently)."""
        if since is not None and until is not None and until < since:
            raise InvalidInput(f"until {until} is before since {since}", field="until")
        with self.ctx.engine.connect() as conn:
            return audit_store.page(
                conn, limit=limit, offset=offset, kind=kind, subject=subject, actor=actor,
                since=since, until=until, newest_first=newest_first,
            )  # fmt: skip

    def get(self, seq: int) -> AuditRecord:
        with self.ctx.engine.connect() as conn:
            found = audit_store.get(conn, seq)
        if found is None:
            raise NotFound(f"no audit record {seq}")
        return found

    def certificate(self, seq: int) -> tuple[str, str]:
        """A screening certificate for audit record ``seq``: (HTML, its SHA-256). The record
        is checked incrementally (:meth:`anchor_of`), not the whole chain. Each hit states
        its disposition as it stands at issue, with who decided and who confirmed it
        (``services.hit_cases``)."""
        record = self.get(seq)
        if record.kind != "screening":
            raise InvalidInput(
                f"audit record {seq} is a {record.kind}, not a screening", field="seq"
            )
        verification = self.anchor_of(seq)
        dispositions = self.reviews.dispositions(record)
        document = render_certificate(record, verification, dispositions, self.ctx.now())
        return document, hashlib.sha256(document.encode()).hexdigest()


def _kept(head: JsonObject) -> tuple[int, str]:
    seq, digest = head.get("seq"), head.get("hash")
    if not isinstance(seq, int) or not isinstance(digest, str) or len(digest) != 64:
        raise InvalidInput("a kept head has an integer seq and a 64-hex-digit hash",
                           field="head")  # fmt: skip
    return seq, digest
