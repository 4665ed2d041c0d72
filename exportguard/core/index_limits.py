"""The cuts of candidate retrieval (:mod:`exportguard.core.index`): how many names the
keys retrieve, how many of them are scored in full, and the exceptions for one-word
queries, rare words and abjad queries. Tuned on the accuracy benchmark (bench/accuracy.py,
figures in BENCHMARKS.md); each deeper cut costs latency."""

#: How many names the inverted index retrieves per query.
RETRIEVED = 64
#: How many of those, re-ranked by whole-name similarity, are scored in full.
CANDIDATES = 16
#: The retrieval cut is this many times deeper for a query written in an abjad (Arabic,
#: Persian, Hebrew script): its words carry consonants only, so their keys ("MT" for محمد,
#: Ahmad, Hamid ...) are held by many more names. (The re-ranking, in C++, then chooses
#: the :data:`CANDIDATES` scored in full, as for any query: scoring more cost 12% of the
#: mean latency of a mixed query set for two points of Arabic-script recall.)
ABJAD_DEPTH = 2
#: Names tied with the last one retrieved are kept with it, up to this many in all: one
#: listing on several lists (UN, OFAC, EU ... "AYYUB BASHIR") is one name with one key
#: score, and an arbitrary cut among equals dropped some lists' copies.
MAX_TIED = 4 * RETRIEVED
#: A one-word query's word held exactly by at most this many names: the
#: :data:`EXACT_SCORED` shortest of them are scored in full besides the usual candidates.
MAX_EXACT = 256
EXACT_SCORED = 96
#: A word of a longer query held exactly by at most :data:`MAX_RARE` names is rare (a
#: surname, mostly): the :data:`RARE_SCORED` of those names most like the whole query are
#: scored in full even when the key cut ranks them low ("Alexander ZAKHAROV" reaching
#: "Александр Вячеславович Захаров" among a hundred other Alexanders).
MAX_RARE = 64
RARE_SCORED = 4
#: Re-ranking similarity (0-100) below which a name is not worth scoring in full: far
#: below anything the scorer could call a match, in spelling and in sound alike.
RERANK_FLOOR = 45.0
