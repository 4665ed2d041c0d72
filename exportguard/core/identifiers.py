"""Identifiers (passport, registration, tax, IMO, MMSI, SWIFT/BIC numbers) as compared.

Lists and users write one identifier many ways: with its kind in front ("IMO 8661850",
"Company Number 01074897", "Passport No. A1234567", "Tax ID: 7707009586"), with spaces,
dashes or dots, in either case, with or without a bank's branch code (SWIFT/BIC
``HAVIGB2LXXX`` is ``HAVIGB2L``'s head office), with or without leading zeros in a
purely numeric registration number. :func:`normalise_identifier` gives the form compared
exactly; :func:`identifier_variants` the further forms that are the same identifier
written another way but are not proof of it (strong evidence, not exact).

The kind words are those of the identifier kinds the lists publish (OFAC's "Tax ID No.",
"Registration ID", "Company Number", "National ID No.", "Vessel Registration
Identification", "SWIFT/BIC", "Cedula No.", "C.U.R.P.", "R.F.C.", "NIT #" ...; the UN's and
the UK's "passport", "national-id"; the EU's "registration", "tax"), split into words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from exportguard.core.entities import Identifier, IdentifierKind

#: Identifier kinds (as lists label them) that are not identifiers: facts published in
#: the same fields (OFAC's "Gender", "Website", "Aircraft Model" ...).
_NOT_IDENTIFIER = re.compile(
    r"gender|website|e-?mail|date|target type|model|operator|sanction|phone|address|"
    r"nationality|citizen|birth|title|secondary|effective|listing|transactions|ifca|"
    r"peesa|caatsa|executive order|designation",
    re.IGNORECASE,
)
#: A number's kind written joined to it ("IMO8661850", "No12345", "Nr.12345").
_ID_PREFIX = re.compile(r"^(?:imo|mmsi|no|nr|n|num|number|passport|id)(?=\d)")
#: Words of identifier kinds, as written before a number ("Company Number 01074897",
#: "Registration ID 807000227", "Passport No. A123", "IMO: 8661850", "MMSI 273..."):
#: the words of the kind labels the lists publish (module docstring), casefolded, dotted
#: abbreviations closed up ("V.A.T." -> "vat").
_KIND_TEXT = """
    imo mmsi no nr num number numbers numero número nº code id ids identification identidad
    identifier identity identité ident passport passports diplomatic service travel
    document documents doc national foreign personal card cards tax vat fiscal taxpayer
    registration registry register registered reg regn company companies business
    commercial enterprise organization organisation incorporation certificate cert
    swift bic bik iban inn ogrn ogrnip kpp okpo unp edrpou
    cedula cédula curp rfc nit ruc rif dni cui cuit cuip uscc usccc unified social credit
    chamber commerce comm trade trading licence license licensed permit duns ein fein
    us uk ssn lei legal entity call sign vessel ship aircraft tail serial msn isin uei
    electoral credential credencial matricula matrícula mercantil folio residency
    resident refugee immigration birth visa driver drivers dl file gazette government
    public central system main state federal unique uid cr ife cif nie nif cin le rtn cnp
    sre uae msb bin rsin ru visanumberid tributaria identificacao identificación pattern
    equity ticker bundespersonalausweis cartilla nacional militar passeport pasaporte numéro
    temporary suspension deportation alien aliens
    инн огрн огрнип кпп окпо унп егрпоу рнокпп снилс паспорт номер
"""
KIND_WORDS = frozenset(_KIND_TEXT.split())
#: Words that join kind words ("Certificate of Incorporation", "Numero de Identidad"):
#: dropped only after a kind word.
_CONNECTORS = frozenset({"of", "the", "and", "de", "del", "la", "du", "le", "des", "do", "da"})
_DOTTED = re.compile(r"(?<![^\W\d_])((?:[^\W\d_][.\-]){2,}[^\W\d_]?)(?![^\W\d_])")
_WORD = re.compile(r"[^\W_]+")
#: An ISO date written before the number by some publishers ("2016-02-22, S059033": the
#: passport's date of issue): not part of the identifier.
_DATE_PREFIX = re.compile(r"(?<!\w)\d{4}-\d{2}-\d{2}\s*[,;]\s*(?=\S)")
#: A parenthesised note without digits ("BIK (RU)", "(MSN)", "(United Kingdom)").
_NOTE = re.compile(r"\([^()\d]*\)")
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`´")
#: A word of letters this long before a kind word is taken for part of the kind label
#: ("Istanbul Chamber of Comm. No.", "Dubai Chamber of Commerce Membership No."): lists
#: publish hundreds of labels; shorter words may be part of the number ("AB 123456").
_LABEL_WORD = 4
#: A SWIFT/BIC code (ISO 9362): bank (4 letters), country (2 letters), location (2),
#: optional branch (3); ``xxx`` is the head office.
_BIC = re.compile(r"[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?")
#: Shortest identifier worth a retrieval key or a variant (shorter ones identify little).
MIN_IDENTIFIER_LENGTH = 5


def normalise_identifier(value: str, kind: str = "") -> str:
    """An identifier as compared exactly: letters and digits only, case-folded, without
    the kind words written before it ("Company Number 01074897" == "01074897", "IMO:
    8661850" == "8661850", "AB 123-4" == "ab1234"), a head-office SWIFT/BIC without its
    ``XXX`` branch ("HAVIGB2LXXX" == "havigb2l"); ``""`` when ``kind`` says it is no
    identifier (a gender, a website) or nothing is left. The kind label is dropped up to
    its last kind word (:data:`KIND_WORDS`; words of four letters or more, "of" and
    single letters may stand between them), notes in parentheses without digits too, and
    only while a word with a digit follows, so an identifier is never emptied by them; a
    date written before the number ("2016-02-22, S059033") is dropped too.
    """
    if kind and _NOT_IDENTIFIER.search(kind):
        return ""
    text = _DATE_PREFIX.sub(" ", value.casefold().translate(_APOSTROPHES))
    while "(" in text and _NOTE.search(text):  # notes may nest: "(Identity document ("...")"
        text = _NOTE.sub(" ", text)
    text = _DOTTED.sub(lambda m: re.sub(r"[.\-]", "", m.group(1)), text)
    words = _WORD.findall(text)
    # The label: a run of words before the number, up to its last kind word; other words
    # of four letters or more, connectors ("of") and single letters ("Mode S") may stand
    # between kind words ("Istanbul Chamber of Comm. No."), never after the last one
    # ("Tax ID No. DE 313145928" keeps its DE; "HAVI GB 2L" is one BIC).
    start = 0
    k = 0
    while k < len(words) - 1 and any(ch.isdigit() for w in words[k + 1 :] for ch in w):
        word = words[k]
        if word in KIND_WORDS:
            start = k + 1
        elif not (
            (len(word) >= _LABEL_WORD and word.isalpha())
            or (k > 0 and (word in _CONNECTORS or len(word) == 1))
        ):
            break
        k += 1
    joined = "".join(words[start:])
    joined = "".join(ch for ch in joined if ch.isalnum())
    joined = _ID_PREFIX.sub("", joined)
    if len(joined) == 11 and joined.endswith("xxx") and _BIC.fullmatch(joined):
        joined = joined[:8]
    return joined


def identifier_variants(identifier: str) -> frozenset[str]:
    """Other forms of a normalised identifier that are the same identifier written
    another way, but not proof of it: a purely numeric one without its leading zeros
    ("01074897" ~ "1074897"); a SWIFT/BIC with a branch code as its institution's
    8-character code ("havigb2labc" ~ "havigb2l": another branch of the same bank).
    Empty when there are none; never contains ``identifier`` itself."""
    out: set[str] = set()
    if identifier.isdigit() and identifier.startswith("0"):
        stripped = identifier.lstrip("0")
        if len(stripped) >= MIN_IDENTIFIER_LENGTH:
            out.add(stripped)
    if len(identifier) == 11 and _BIC.fullmatch(identifier):
        out.add(identifier[:8])
    return frozenset(out)


def identifier_keys(identifiers: list[str] | tuple[str, ...] | set[str]) -> set[str]:
    """Retrieval keys (``i:<identifier>``) of identifiers long enough to identify
    (:data:`MIN_IDENTIFIER_LENGTH` characters or more), and of their variants."""
    keys: set[str] = set()
    for i in identifiers:
        if len(i) >= MIN_IDENTIFIER_LENGTH:
            keys.add("i:" + i)
            keys.update("i:" + v for v in identifier_variants(i))
    return keys


# --- one vocabulary of identifier kinds ----------------------------------------------------

#: The list labels of each :class:`IdentifierKind`, tried in this order on the casefolded
#: label (the first that matches wins: "Vessel Registration Identification" is an IMO
#: number before it is a registration, "Diplomatic Passport" a passport before anything
#: national, "Romanian Tax Registration" a tax number). Written for the labels every
#: parser meets in the real files (OFAC's ID document types and features, the CSL's
#: kinds, the UN's TYPE_OF_DOCUMENT and its details, the EU's identification codes,
#: the UK's, OpenSanctions' properties); anything else is ``other``.
_KIND_RULES: tuple[tuple[IdentifierKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (IdentifierKind.CRYPTO_ADDRESS, r"digital currency|crypto|wallet"),
        (
            IdentifierKind.FACT,
            r"gender|website|e-?mail|phone|\bfax\b|target type|\bmodel\b|operator|\bdate\b|"
            r"vessel flag|vessel type|registration country|issuer name|un/locode|"
            r"executive order|directive|sanction|nationality of registration|listing",
        ),
        (IdentifierKind.IMO, r"\bimo\b|vessel registration identification|maritime organi"),
        (IdentifierKind.MMSI, r"\bmmsi\b"),
        (IdentifierKind.VESSEL_CALL_SIGN, r"call ?sign"),
        (IdentifierKind.AIRCRAFT_TAIL, r"tail number|aircraft registration"),
        (IdentifierKind.AIRCRAFT_SERIAL, r"aircraft.*(?:serial|construction)|\(msn\)"),
        (IdentifierKind.SWIFT_BIC, r"swift|\bbic\b"),
        (IdentifierKind.LEI, r"\blei\b|legal entity (?:number|identifier)|^le number"),
        (IdentifierKind.LIST_ID, r"reference|group.id"),
        (
            IdentifierKind.OTHER,
            r"^id$|commercial code|isin|ticker|micex|permid|\bbik\b|d-u-n-s|trademark|"
            r"\buei\b|^serial|file number|visanumber|mode s",
        ),
        (
            IdentifierKind.PASSPORT,
            r"passport|passeport|pasaporte|travel document|laissez|seafarer",
        ),
        (IdentifierKind.LICENCE, r"licen[cs]e|permit\b|driver"),
        (
            IdentifierKind.TAX_ID,
            r"\btax|fiscal|\bv\.?a\.?t\b|\binn\b|\bkpp\b|\br\.?f\.?c\b|\bnit\b|c\.u\.i\.t|"
            r"\bcuit\b|\bruc\b|\brif\b|nuit|tributar|\bf?ein\b|\bn\.i\.f|\bc\.i\.f|\brtn\b|"
            r"\brsin\b",
        ),
        (
            IdentifierKind.NATIONAL_ID,
            r"electoral|credencial|militar|residen|immigration|birth cert|citizen|refugee|"
            r"stateless|deportation",
        ),
        (
            IdentifierKind.REGISTRATION,
            r"regist|compan|business|incorporation|chamber|enterprise|ogrn|okpo|social credit|"
            r"uscc|mercantil|edrpou|\bc\.?r\.|gazette|organi[sz]ation code|\bc\.i\.n\b|"
            r"\bc\.u\.i\.(?!p)|branch unit|charity|economic register|kvk|\bcr\b",
        ),
        (
            IdentifierKind.NATIONAL_ID,
            r"national|\bid\b|identif|identity|identidad|personal|cedula|cédula|curp|"
            r"c\.u\.r\.p|\bd\.?n\.?i\b|\bssn\b|social security|tazkira|card|\bi\.f\.e\b|"
            r"c\.u\.i\.p|\bn\.i\.e\b|\bcnp\b|student|voter|ration",
        ),
    )
)
_KINDS = frozenset(k.value for k in IdentifierKind)
#: An IMO number: seven digits (IMO Res. A.1078(28)); lists write "IMO 9369710".
_IMO_NUMBER = re.compile(r"(?<!\d)(\d{7})(?!\d)")


@lru_cache(maxsize=4096)
def identifier_kind(label: str) -> IdentifierKind:
    """The :class:`IdentifierKind` of a list's label ("Passport" -> passport, "Vessel
    Registration Identification" -> imo, "Italian Fiscal Code" -> tax_id, "Gender" ->
    fact); a label that already is a kind value is that kind; ``other`` when no rule of
    :data:`_KIND_RULES` matches."""
    text = " ".join(label.casefold().replace("_", " ").split())
    if text.replace(" ", "_") in _KINDS:
        return IdentifierKind(text.replace(" ", "_"))
    for kind, pattern in _KIND_RULES:
        if pattern.search(text):
            return kind
    return IdentifierKind.OTHER


def make_identifier(
    label: str,
    value: str,
    country: str | None = None,
    *,
    kind: IdentifierKind | None = None,
    published: str | None = None,
    issue_date: str | None = None,
    expiry_date: str | None = None,
    stated_date: str | None = None,
    authority: str | None = None,
    place: str | None = None,
    note: str | None = None,
    known_expired: bool = False,
    invalid: bool = False,
) -> Identifier:
    """An :class:`Identifier` of ``kind`` (else :func:`identifier_kind` of ``label``),
    the list's ``label`` kept; ``value`` white space collapsed and, for an IMO number,
    only its seven digits ("IMO 9369710" -> "9369710"; a vessel number that has no seven
    digits is a national register's, kind ``registration``; the published text goes to
    ``published``, as does any ``published`` given that differs from the value)."""
    found = kind or identifier_kind(label)
    text = " ".join(value.split())
    number = text
    if found is IdentifierKind.IMO:
        match = _IMO_NUMBER.search(text)
        if match:
            number = match.group(1)
        else:  # a national ship register number under OFAC's "Vessel Registration
            found = IdentifierKind.REGISTRATION  # Identification" ("RS 150443 (Russia)")
    shown = " ".join(published.split()) if published else text
    return Identifier(
        found.value,
        number,
        country,
        label=label if label != found.value else None,
        published=shown if shown != number else None,
        issue_date=issue_date,
        expiry_date=expiry_date,
        stated_date=stated_date,
        authority=authority,
        place=place,
        note=note,
        known_expired=known_expired,
        invalid=invalid,
    )


def match_form(identifier: Identifier) -> str:
    """The form of a listed identifier compared when screening (:func:`normalise_identifier`
    of its value); ``""`` for a :attr:`IdentifierKind.FACT` (a gender, a website). A row
    stored before the vocabulary (its kind is the list's label) is read by its label as
    before."""
    if identifier.kind == IdentifierKind.FACT:
        return ""
    if identifier.kind in _KINDS:
        return normalise_identifier(identifier.value)
    return normalise_identifier(identifier.value, identifier.kind)
