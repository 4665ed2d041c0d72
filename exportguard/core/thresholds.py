"""The default screening threshold.

Chosen from the accuracy evaluation (``bench/accuracy.py``, figures in BENCHMARKS.md): the
lowest score at which at most 1% of non-listed names raise a hit, while recall on the
listed names' variants stays at its targets. Change it only with a new measurement.
"""

DEFAULT_THRESHOLD = 0.80
