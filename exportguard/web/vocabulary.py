"""The pages' words for the service's codes, in one place: verdicts, certainty tags,
regimes, lists, licence, case, alert and job states. Each code has its words (what a page
shows) and a meaning (the tooltip, and the ``/glossary`` page). Numbers are shown with
thousands separators, and a list's age in words.

Jinja filters (installed by ``web.common``): ``{{ code|term("verdict") }}`` gives
``<abbr class="term" title="not eligible — ...">not eligible</abbr>`` (an unknown code is
shown as given, escaped); ``{{ n|num }}`` gives ``14,032``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from markupsafe import Markup, escape

from exportguard.core import countries
from exportguard.core.hit_cases import WORDS as CASE_WORDS
from exportguard.core.hit_cases import CaseState
from exportguard.core.licensing import State
from exportguard.core.regimes import CERTAINTY, Verdict
from exportguard.regimes import bundled
from exportguard.services.snapshots import list_names


@dataclass(frozen=True, slots=True)
class Term:
    """A code as the pages say it: ``words`` on the page, ``meaning`` in the tooltip."""

    code: str
    words: str
    meaning: str


def _table(*terms: Term) -> dict[str, Term]:
    return {t.code: t for t in terms}


VERDICTS = _table(
    Term(Verdict.NOT_ELIGIBLE.label, "not eligible",
         "the export may not go ahead: a prohibition, an embargo or a listed party"),
    Term(Verdict.LICENCE_REQUIRED.label, "licence required",
         "the export needs a licence from the authority before it goes ahead"),
    Term(Verdict.REFER.label, "refer",
         "the rules cannot settle it: refer the question to the authority or counsel"),
    Term(Verdict.LICENCE_EXCEPTION.label, "licence exception",
         "a licence would be needed, but a licence exception covers this export"),
    Term(Verdict.NO_LICENCE_REQUIRED.label, "no licence required",
         "no rule of the regime requires a licence for this export"),
)  # fmt: skip

#: What each certainty tag of a regime's facts means (``core.regimes.CERTAINTY`` names them).
_CERTAINTY_MEANING = {
    "P": "primary source: the official text (a regulation, a gazette, a list)",
    "S": "secondary source: a summary by the press, a law firm or an agency's guidance",
    "D": "derived: ExportGuard's reasoning from the sources, not stated by them",
    "U": "unverified: not confirmed by any published source",
}
CERTAINTIES = _table(*(
    Term(tag, words, f"{tag} — {_CERTAINTY_MEANING[tag]}") for tag, words in CERTAINTY.items()
))  # fmt: skip

LICENCE_STATES = _table(
    Term(State.DRAFT, "draft", "an application being written; the authority has not seen it"),
    Term(State.SUBMITTED, "submitted", "an application waiting for a licensing officer"),
    Term(State.UNDER_REVIEW, "under review", "a licensing officer is deciding the application"),
    Term(State.ISSUED, "issued", "a licence in force: shipments within its conditions may go"),
    Term(State.REFUSED, "refused", "the application was refused"),
    Term(State.WITHDRAWN, "withdrawn", "the exporter withdrew the application"),
    Term(State.SUSPENDED, "suspended", "the licence is suspended: no shipment until reinstated"),
    Term(State.REVOKED, "revoked", "the authority revoked the licence: it covers nothing now"),
    Term(State.EXPIRED, "expired", "the licence's validity ended"),
    Term(State.SURRENDERED, "surrendered", "the exporter gave the licence up"),
)  # fmt: skip

CASE_STATES = _table(
    Term(CaseState.OPEN, CASE_WORDS[CaseState.OPEN], "a screening hit waiting for a decision"),
    Term(CaseState.ESCALATED, CASE_WORDS[CaseState.ESCALATED],
         "handed on for a senior review or more information"),
    Term(CaseState.PENDING, CASE_WORDS[CaseState.PENDING],
         "decided; a second, different officer must confirm it (four-eyes)"),
    Term(CaseState.CLOSED, CASE_WORDS[CaseState.CLOSED],
         "decided and, where needed, confirmed: a true match or a false positive"),
)  # fmt: skip

ALERT_STATES = _table(
    Term("open", "open", "a counterparty's new or changed hit, not looked at yet"),
    Term("acknowledged", "acknowledged", "seen by a user; still to be decided as a case"),
    Term("resolved", "resolved", "settled: a true match, a false positive, or delisted"),
)

REVIEW_OUTCOMES = _table(
    Term("no_action", "no action", "the review closes and the licence stays as it is"),
    Term("approve", "approve", "the application under review is approved: a licence issues"),
    Term("refuse", "refuse", "the application under review is refused"),
    Term("restrict", "restrict", "the licence goes on with narrower conditions"),
    Term("suspend", "suspend", "no shipment under the licence until it is reinstated"),
    Term("revoke", "revoke", "the licence ends: it covers nothing from now on"),
    Term("shut_down", "shut down", "the licence ends and the exporter must stop all service"),
)

JOB_STATES = _table(
    Term("queued", "queued", "waiting for the job worker"),
    Term("running", "running", "being worked on"),
    Term("done", "done", "finished: the results are ready"),
    Term("failed", "failed", "stopped with an error; nothing was kept"),
)


#: Each list format (``sources/<format>.py``'s ``NAME``) in words, with the files it reads.
FORMAT_WORDS = {
    "exportguard_yaml": ("ExportGuard list (YAML)", "a list written in ExportGuard's own format"),
    "ofac_csv": ("OFAC CSV", "OFAC's legacy CSV file set (sdn.csv, add.csv, alt.csv ...)"),
    "ofac_sdn_xml": ("OFAC XML", "OFAC's classic XML (SDN.XML, consolidated.xml)"),
    "ofac_enhanced_xml": ("OFAC Enhanced XML", "OFAC Sanctions List Service's enhanced XML"),
    "csl_csv": ("Consolidated Screening List CSV", "trade.gov's CSL download"),
    "bis_dpl_txt": ("BIS Denied Persons text", "the BIS Denied Persons List's dpl.txt"),
    "un_sc_xml": ("UN Security Council XML", "the UN's consolidated list, XML"),
    "ca_sema_xml": ("Canada SEMA XML", "Canada's autonomous sanctions list, XML"),
    "uk_ofsi_csv": ("UK OFSI CSV", "HM Treasury's consolidated list (ConList), CSV"),
    "uk_fcdo_xml": ("UK Sanctions List XML", "the FCDO's UK Sanctions List, XML"),
    "eu_fsf_xml": ("EU Financial Sanctions XML", "the EU's Financial Sanctions Files, XML"),
    "ftm_json": ("OpenSanctions FtM JSON", "OpenSanctions' FollowTheMoney entities, JSON lines"),
    "os_targets_csv": ("OpenSanctions targets CSV", "OpenSanctions' targets.simple.csv"),
}
FORMATS_TABLE = _table(*(Term(code, words, f"{meaning} (format id {code})")
                         for code, (words, meaning) in FORMAT_WORDS.items()))  # fmt: skip


@cache
def _regimes() -> dict[str, Term]:
    return {rid: Term(rid, rid, r.name) for rid, r in bundled().items()}


@cache
def _lists() -> dict[str, Term]:
    return {code: Term(code, name, f"{name} (source id {code})")
            for code, name in list_names().items()}  # fmt: skip


def tables() -> dict[str, tuple[str, Mapping[str, Term]]]:
    """Every vocabulary, by kind: (its heading, its terms by code)."""
    return {
        "verdict": ("Verdicts", VERDICTS),
        "certainty": ("Certainty of a fact", CERTAINTIES),
        "regime": ("Regimes", _regimes()),
        "list": ("Lists", _lists()),
        "licence": ("Licence states", LICENCE_STATES),
        "case": ("Hit review case states", CASE_STATES),
        "alert": ("Counterparty alert states", ALERT_STATES),
        "outcome": ("Outcomes of a licence review", REVIEW_OUTCOMES),
        "format": ("List file formats", FORMATS_TABLE),
        "job": ("Job states", JOB_STATES),
    }


def words(code: object, kind: str) -> str:
    """``code``'s words in vocabulary ``kind`` (the code as text when unknown)."""
    text = str(getattr(code, "value", code))
    found = tables()[kind][1].get(text)
    return found.words if found is not None else text


def term(code: object, kind: str) -> Markup:
    """``code`` in words, with its meaning as a tooltip (``abbr title``); for a regime or a
    list, the name is the tooltip's and the short id the page's."""
    text = str(getattr(code, "value", code))
    found = tables()[kind][1].get(text)
    if found is None:
        return escape(text)
    return Markup('<abbr class="term" title="{}">{}</abbr>').format(
        f"{found.words} — {found.meaning}" if kind not in ("regime", "list") else found.meaning,
        found.words if kind != "regime" else found.code,
    )


#: Codes that messages from the services may carry (``verdict licence_required ->
#: not_eligible``, ``closed (no_action)``), said in words on a page by :func:`said`.
_CODES_IN_TEXT = {
    **{code: t.words for code, t in VERDICTS.items() if "_" in code},
    **{code: t.words for code, t in REVIEW_OUTCOMES.items() if "_" in code},
    **{code: t.words for code, t in LICENCE_STATES.items() if "_" in code},
}
_CODE_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, _CODES_IN_TEXT)) + r")\b")


def said(text: object) -> str:
    """A service's message as a page shows it: its codes in words (``the decision D-1 is
    not_eligible`` -> ``... is not eligible``), ``->`` as an arrow, numbers left as given."""
    return _CODE_PATTERN.sub(lambda m: _CODES_IN_TEXT[m.group(1)], str(text)).replace(
        " -> ", " → ")


def num(value: object) -> str:
    """A number with thousands separators (``14,032``; ``1,234.5``); empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def country(code: object) -> str:
    """A country code in words with the code (``Russia (RU)``); a text that is no code we
    know, as given."""
    text = str(code or "")
    if not countries.is_code(text):
        return text
    return f"{countries.name(text)} ({text})"


def when(value: object) -> str:
    """A timestamp (a datetime or ISO 8601 text) as people read it: ``16 Nov 2026, 14:03
    UTC`` (to the minute; UTC said when the time has a zone); empty for none; a text that
    is no timestamp as given."""
    if value is None or value == "":
        return ""
    try:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    zone = ""
    if at.tzinfo is not None:
        at, zone = at.astimezone(UTC), " UTC"
    return f"{at.day} {at:%b %Y, %H:%M}{zone}"


def age(published: date, today: date) -> str:
    """How old a publication is, in words: ``today``, ``12 days old``, ``5 months old``,
    ``4 years old``."""
    days = (today - published).days
    if days <= 0:
        return "today"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} old"
    if days < 730:
        return f"{days // 30} months old"
    before_birthday = (today.month, today.day) < (published.month, published.day)
    return f"{today.year - published.year - before_birthday} years old"  # calendar years


def value_text(value: object) -> str:
    """A list entry's field value in words: ``—`` for none, a record as ``key: value``
    pairs (empty ones left out), anything else as text."""
    if value is None or value in ("", [], {}):
        return "—"
    if isinstance(value, Mapping):
        return ", ".join(f"{k.replace('_', ' ')}: {value_text(v)}" for k, v in value.items()
                         if v not in (None, "", [], {}))  # fmt: skip
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return str(value)


def change_cells(change: Mapping[str, object]) -> tuple[Markup, Markup]:
    """A field change (``{"field", "before", "after"}``) as its before and after cells: for
    a list, each item, those only before struck out (``del``), those only after marked
    (``ins``); otherwise the two values in words."""
    before, after = change.get("before"), change.get("after")
    if not (isinstance(before, list | type(None)) and isinstance(after, list | type(None))) or (
        before is None and after is None
    ):
        return escape(value_text(before)), escape(value_text(after))
    old, new = before or [], after or []

    def cell(items: list[object], other: list[object], tag: str) -> Markup:
        if not items:
            return Markup("—")
        marked = [
            Markup("<{0}>{1}</{0}>").format(Markup(tag), value_text(i)) if i not in other
            else escape(value_text(i))
            for i in items
        ]  # fmt: skip
        return Markup("; ").join(marked)

    return cell(old, new, "del"), cell(new, old, "ins")


FILTERS = {"term": term, "num": num, "words": words, "change": change_cells,
           "country": country, "said": said, "when": when}  # fmt: skip
