"""Every score threshold ExportGuard uses, in one place.

:data:`DEFAULT_THRESHOLD` is the one screening threshold: the CLI, the API, batch jobs,
counterparty monitoring, impact reports and the "sure match" of listed-party decision rules
all use it (a regime may demand more, never less: a decision never treats as sure a match
that screening would not show). Chosen from the accuracy evaluation
(``bench/accuracy.py``, figures and the full sweep in BENCHMARKS.md): the lowest score at
which at most 1% of non-listed names (Faker, 20 locales) raise a hit. A review that must
miss less passes a lower ``--threshold``. Change it only with a new measurement.
"""

#: The one screening threshold (scores in [0, 1]).
DEFAULT_THRESHOLD = 0.86
#: Decisions see hits from this score; between it and :data:`DEFAULT_THRESHOLD` a hit is
#: a *possible* match, which a decision refers to a person, never treats as sure.
POSSIBLE_MATCH_THRESHOLD = 0.7
#: A misuse report's suspected operator is linked to a licence's end user from this
#: name similarity (a lead for review, not a screening hit).
REPORT_MATCH_THRESHOLD = 0.7
