"""The default screening threshold.

Chosen from the accuracy evaluation (``bench/accuracy.py``, figures and the full sweep in
BENCHMARKS.md): the lowest score at which at most 1% of non-listed names (Faker, 20
locales) raise a hit. A review that must miss less can pass 0.80 (recall higher on every
kind, about 2% of non-listed names hit). Change it only with a new measurement.
"""

DEFAULT_THRESHOLD = 0.86
