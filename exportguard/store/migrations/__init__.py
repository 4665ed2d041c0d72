"""Alembic migrations of the ExportGuard store, run by ``store.engine.migrate``."""
