"""OFAC's identifier labels, and how an identifier's text reads, for the three OFAC formats.

Which labels of the XML ``idList``, the enhanced features and the CSV remarks name an
identifier (:data:`IDENTIFIER_LABELS`, :func:`is_identifier_label`) rather than
information, and how a document text with its country and dates ("P0017003 (Belize)
issued 12 Mar 2009 expires 11 Mar 2014") becomes an :class:`Identifier`
(:func:`split_identifier`). The other shared conventions are in
:mod:`~exportguard.sources._ofac`.
"""

from __future__ import annotations

import re

from exportguard.core.entities import Identifier
from exportguard.core.identifiers import make_identifier
from exportguard.sources._documents import read_note, text_date
from exportguard.sources._ofac import country_code

#: Labels OFAC uses for document and registration numbers. The list is OFAC's own
#: "ID DOCUMENT TYPE" reference set (as published in the Enhanced XML) plus the
#: identifying features OFAC prints the same way in remarks and ``idList`` (SWIFT/BIC,
#: MMSI, ISIN, aircraft and vessel numbers).
IDENTIFIER_LABELS = frozenset(
    {
        "Afghan Money Service Provider License Number",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Mode S Transponder Code",
        "Aircraft Serial Identification",
        "Aircraft Tail Number",
        "BIK (RU)",
        "Birth Certificate Number",
        "Bosnian Personal ID No.",
        "Branch Unit Number",
        "British National Overseas Passport",
        "Business Number",
        "Business Registration Document #",
        "Business Registration Number",
        "C.I.F.",
        "C.I.N.",
        "C.R. No.",
        "C.U.I.",
        "C.U.I.P.",
        "C.U.I.T.",
        "C.U.R.P.",
        "Cartilla de Servicio Militar Nacional",
        "Cedula No.",
        "Central Registration System Number",
        "Certificate of Incorporation Number",
        "Chamber of Commerce Number",
        "Chinese Commercial Code",
        "Citizen's Card Number",
        "CNP (Personal Numerical Code)",
        "Commercial Registry Number",
        "Company Number",
        "Credencial electoral",
        "D-U-N-S Number",
        "D.N.I.",
        "Diplomatic Passport",
        "Driver's License No.",
        "Dubai Chamber of Commerce Membership No.",
        "Economic Register Number (CBLS)",
        "Electoral Registry No.",
        "Enterprise Number",
        "File Number",
        "Fiscal Code",
        "Folio Mercantil No.",
        "Global Intermediary Identification Number",
        "Government Gazette Number",
        "I.F.E.",
        "Identification Number",
        "Immigration No.",
        "International Maritime Organization No.",
        "ISIN",
        "Istanbul Chamber of Comm. No.",
        "Italian Fiscal Code",
        "Kenyan ID No.",
        "LE Number",
        "Legal Entity Number",
        "License",
        "Matricula Mercantil No",
        "Military Registration Number",
        "MMSI",
        "Moroccan Personal ID No.",
        "MSB Registration Number",
        "N.I.E.",
        "N.I.F.",
        "National Foreign ID Number",
        "National ID No.",
        "NIT #",
        "Numero de Identidad",
        "Numero Unico de Identificacao Tributaria (NUIT)",
        "Organization Code",
        "Other Vessel Call Sign",
        "Paraguayan tax identification number",
        "Passport",
        "Passport No.",
        "Permit Number",
        "Personal ID Card",
        "Pilot License Number",
        "Previous Aircraft Tail Number",
        "Public Registration Number",
        "Public Security and Immigration No.",
        "R.F.C.",
        "Refugee ID Card",
        "Registered Charity No.",
        "Registration Certificate Number (Dubai)",
        "Registration ID",
        "Registration Number",
        "Residency Number",
        "RFC",
        "RIF #",
        "Romanian C.R.",
        "Romanian Permanent Resident",
        "Romanian Tax Registration",
        "RSIN",
        "RTN",
        "RUC #",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        "Seafarer's Identification Document",
        "Serial No.",
        "SRE Permit No.",
        "SSN",
        "Stateless Person ID Card",
        "Stateless Person Passport",
        "SWIFT/BIC",
        "Tax ID No.",
        "Tazkira National ID Card",
        "Tourism License No.",
        "Trade License No.",
        "Trademark number",
        "Travel Document Number",
        "Turkish Identification Number",
        "UAE Identification",
        "UK Company Number",
        "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)",
        "US FEIN",
        "V.A.T. Number",
        "Vessel Registration Identification",
        "VisaNumberID",
    }
)

#: Prefix of OFAC's crypto-currency address labels ("Digital Currency Address - XBT").
DIGITAL_CURRENCY = "Digital Currency Address - "

#: Labels that carry a country the party belongs to (remark word -> meaning).
NATIONALITY_LABELS = ("nationality", "citizen", "Nationality of Registration")

#: Informational labels of the XML ``idList`` and enhanced features that are not identifiers.
_INFO_LABELS = frozenset(
    {
        "Aircraft Manufacture Date",
        "Aircraft Model",
        "Aircraft Operator",
        "Effective Date (CMIC)",
        "Email Address",
        "Equity Ticker",
        "Fax",
        "Former Vessel Flag",
        "Gender",
        "Issuer Name",
        "Listing Date (CMIC)",
        "Nationality of Registration",
        "Organization Established Date",
        "Other Vessel Flag",
        "Other Vessel Type",
        "Phone Number",
        "Purchase/Sales For Divestment Date (CMIC)",
        "Target Type",
        "Telephone",
        "Vessel Year of Build",
        "Website",
    }
)


def is_identifier_label(label: str) -> bool:
    """Whether an ``idList``/feature label names an identifier rather than information.

    Known document labels are identifiers; known informational labels, and OFAC's
    heading-style labels ending in ``:`` or `` -`` ("Secondary sanctions risk:",
    "Additional Sanctions Information -"), are not. An unknown label counts as an
    identifier, since new document types appear more often than new headings.
    """
    if label in IDENTIFIER_LABELS or label.startswith(DIGITAL_CURRENCY):
        return True
    if label in _INFO_LABELS or label.endswith((":", " -")):
        return False
    return not label.startswith(("Listing Date", "Effective Date", "Executive Order"))


_ISSUED = re.compile(r" issued ((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})\b")
_EXPIRES = re.compile(r" expires ((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})\b")


def split_identifier(label: str, text: str) -> Identifier:
    """``"P0017003 (Belize) issued 12 Mar 2009 expires 11 Mar 2014"`` -> an identifier of
    the kind of ``label`` (:func:`~exportguard.core.identifiers.identifier_kind`), number
    ``"P0017003"``, country ``"BZ"``, issue date ``2009-03-12``, expiry ``2014-03-11``, the
    whole text kept as ``published``. A colon after the label ("Italian Fiscal Code:
    ...") is dropped; a number in parentheses ("International Maritime Organization No.
    (5777731)") is read; a comma-separated tail ("0310857, Eritrea, Issue Date 21 August
    2006, Expire Date 20 August 2008") gives the country and dates.
    """
    published = " ".join(text.split())
    value = published.lstrip(":").strip()
    issue_date = expiry_date = None
    if " issued " in value or " expires " in value:
        issued, expires = _ISSUED.search(value), _EXPIRES.search(value)
        issue_date = text_date(issued.group(1)) if issued else None
        expiry_date = text_date(expires.group(1)) if expires else None
        cut = min(m.start() for m in (issued, expires) if m) if issued or expires else None
        if cut is not None:
            value = value[:cut].rstrip()
    country = None
    if value.endswith(")"):
        open_at = value.rfind("(")
        if open_at > 0 and value[open_at - 1] == " ":
            country = country_code(value[open_at + 1 : -1])
            if country is not None:
                value = value[: open_at - 1].rstrip()
        elif open_at == 0:
            value = value[1:-1].strip()
    if ", " in value:
        value, _, tail = value.partition(", ")
        facts = read_note(tail)
        country = country or country_code(tail.partition(",")[0].strip())
        issue_date = issue_date or facts.issue_date
        expiry_date = expiry_date or facts.expiry_date
    return make_identifier(
        label,
        value,
        country,
        published=published,
        issue_date=issue_date,
        expiry_date=expiry_date,
    )
