"""Bulk screening: a local engine (this process or a process pool) and a Dask engine,
both over the same core screening function."""
