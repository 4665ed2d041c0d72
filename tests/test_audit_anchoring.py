"""The audit chain anchored outside the database: signed checkpoints and a kept head detect
what re-hashing hides (a rewritten record, a cut tail), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exportguard.core.audit import digest, verify
from exportguard.errors import InvalidInput
from exportguard.services import ExportGuard
from exportguard.services import audit as audit_service
from exportguard.services.audit import AuditKey, public_pem
from exportguard.store import audit as audit_store


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    for name in ("NSO Group", "Candiru", "Positive Technologies", "Acme", "Globex", "Initech"):
        service.screen(name)
    return service


def rewrite_from(eg: ExportGuard, seq: int, actor: str) -> None:
    """What someone with write access to the database can do: change record ``seq`` and
    re-hash it and every record after it, and move the head to match."""
    with eg.engine.begin() as conn:
        rows = conn.execute(sa.text(
            "SELECT seq, at, actor, kind, subject, payload FROM audit_log "
            "WHERE seq >= :s ORDER BY seq"), {"s": seq}).all()  # fmt: skip
        prev = conn.execute(sa.text("SELECT hash FROM audit_log WHERE seq = :s"),
                            {"s": seq - 1}).scalar_one()  # fmt: skip
        for row in rows:
            who = actor if row.seq == seq else row.actor
            new = digest(row.seq, row.at, who, row.kind, row.subject, json.loads(row.payload),
                         prev)  # fmt: skip
            conn.execute(sa.text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h "
                                 "WHERE seq = :s"),
                         {"a": who, "p": prev, "h": new, "s": row.seq})  # fmt: skip
            prev = new
        conn.execute(sa.text("UPDATE audit_head SET hash = :h"), {"h": prev})


def cut_tail(eg: ExportGuard) -> None:
    """Delete the last record together with the head row's pointer to it."""
    with eg.engine.begin() as conn:
        last = conn.execute(sa.text("SELECT max(seq) FROM audit_log")).scalar_one()
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = :s"), {"s": last})
        h = conn.execute(sa.text("SELECT hash FROM audit_log WHERE seq = :s"),
                         {"s": last - 1}).scalar_one()  # fmt: skip
        conn.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": last - 1, "h": h})


def test_a_rewrite_that_rehashes_the_chain_is_caught_by_a_checkpoint(eg: ExportGuard) -> None:
    eg.audit.checkpoint()
    assert eg.audit.verify().ok
    rewrite_from(eg, 3, "mallory")
    with eg.engine.connect() as conn:  # the chain alone cannot tell
        assert verify(list(audit_store.records(conn)), audit_store.head(conn)) == []
    result = eg.audit.verify()
    assert not result.ok
    assert any("rewritten" in p.what for p in result.problems)


def test_a_cut_tail_is_caught_by_a_kept_head_and_a_checkpoint(eg: ExportGuard) -> None:
    kept = eg.audit.head()
    assert kept["seq"] == len(eg.audit.records())
    cut_tail(eg)
    result = eg.audit.verify(kept_head=kept)
    assert not result.ok
    assert any("removed" in p.what for p in result.problems)


def test_a_kept_head_catches_a_rewrite_when_no_checkpoint_is_left(eg: ExportGuard) -> None:
    kept = eg.audit.head()
    with eg.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_checkpoints"))
    rewrite_from(eg, 2, "mallory")
    assert eg.audit.verify().ok  # nothing left in the database vouches for the chain
    assert not eg.audit.verify().anchored
    result = eg.audit.verify(kept_head=kept, public_key=kept["public_key"])
    assert not result.ok
    assert any("kept head" in p.what for p in result.problems)


def test_a_forged_checkpoint_is_refused(eg: ExportGuard) -> None:
    eg.audit.checkpoint()
    rewrite_from(eg, 4, "mallory")
    forger = AuditKey(private=Ed25519PrivateKey.generate())
    with eg.engine.begin() as conn:
        head_seq, head_hash = conn.execute(sa.text("SELECT seq, hash FROM audit_head")).one()
        forged = forger.sign(head_seq, head_hash, "2026-11-16T12:00:00+00:00")
        conn.execute(sa.text("UPDATE audit_checkpoints SET hash = :h, signature = :s"),
                     {"h": forged.hash, "s": forged.signature})  # fmt: skip
    result = eg.audit.verify()
    assert any("signature is not valid" in p.what for p in result.problems)


def test_another_keys_public_key_does_not_verify(eg: ExportGuard) -> None:
    eg.audit.checkpoint()
    other = public_pem(Ed25519PrivateKey.generate().public_key())
    assert not eg.audit.verify(public_key=other).ok
    with pytest.raises(InvalidInput, match="public key"):
        eg.audit.verify(public_key="not a key")


def test_checkpoints_are_signed_as_the_chain_grows(
    eg: ExportGuard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_service, "CHECKPOINT_EVERY", 4)
    for name in ("a", "b", "c", "d", "e", "f", "g", "h"):
        eg.screen(f"Party {name}")
    result = eg.audit.verify()
    assert result.ok
    assert result.checkpoints >= 2
    assert result.anchored


def test_a_certificate_checks_its_record_up_to_the_next_checkpoint(
    eg: ExportGuard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_service, "CHECKPOINT_EVERY", 4)
    first = eg.screen("NSO Group").audit_seq
    for name in ("a", "b", "c", "d", "e"):
        eg.screen(f"Party {name}")
    assert first is not None
    document, _ = eg.audit.certificate(first)
    assert "anchored by a signed checkpoint" in document
    anchor = eg.audit.anchor_of(first)
    assert anchor.ok
    assert anchor.records <= 4
    rewrite_from(eg, first, "mallory")
    document, _ = eg.audit.certificate(first)
    assert "BROKEN" in document


def test_a_bad_kept_head_is_a_clear_error(eg: ExportGuard) -> None:
    bad: dict[str, Any] = {"seq": "five", "hash": "x"}
    with pytest.raises(InvalidInput, match="kept head"):
        eg.audit.verify(kept_head=bad)


def test_the_key_file_is_created_private_and_read_back(tmp_path: Any) -> None:
    path = tmp_path / "keys" / "audit.pem"
    first = AuditKey(path)
    assert first.key_id == AuditKey(path).key_id
    assert path.stat().st_mode & 0o077 == 0
    path.write_text("not a key")
    with pytest.raises(InvalidInput, match=r"audit\.pem"):
        _ = AuditKey(path).key_id


@pytest.mark.parametrize("head", ["a different hash", "a missing record"])
def test_no_record_is_appended_after_a_head_that_names_no_stored_record(
    eg: ExportGuard, head: str
) -> None:
    with eg.engine.begin() as conn:
        if head == "a different hash":
            conn.execute(sa.text("UPDATE audit_head SET hash = :h"), {"h": "0" * 64})
        else:
            conn.execute(sa.text("UPDATE audit_head SET seq = seq + 5"))
        stored = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    with pytest.raises(RuntimeError, match="missing or different record"):
        eg.screen("NSO Group")
    with eg.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == stored
