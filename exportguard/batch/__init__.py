"""Bulk screening of a customer file: ``local`` reads and validates the input, screens in
this process and writes the output atomically; ``cluster`` runs the same screening on
Dask workers (a local cluster, or a running one) when more than one worker is asked for."""
