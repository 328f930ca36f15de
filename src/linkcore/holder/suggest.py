"""``linkcore schema suggest``: a linkage schema and column mapping from a table's columns.

Each column's role (first name, date of birth, postcode, record id, ...) is read from its name
(case, spaces and underscores ignored; the usual UK public-sector spellings) and checked against
its contents on a sample of non-empty values: the share that parse as dates (and which strptime
format fits them), that are valid UK postcodes, sex codes or NI numbers, and whether the column is
unique. When a name says nothing (``col1``, ``Unnamed: 3``), the contents decide.

Field names, kinds and blocking keys depend only on the roles found, never on a holder's column
names or formats, so two holders who run ``suggest`` on their own extracts get the same fields;
each holder's column names and formats go into its own mapping. The reasons returned explain every
choice with column names, kinds and shares, never a data value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .._sets import sorted_unique
from ..errors import InputDataError, MappingError, ParameterError
from ..schema import FieldSource, Mapping, Schema
from .normalize import (
    ADDRESS_ABBREVIATIONS,
    EXCEL_DATE_FORMAT,
    INVALID,
    SEX_CODES,
    field_text,
    fold_text,
    make_date_parser,
    normalise_name,
    normalise_postcode,
    parse_date_auto,
    parse_excel_serial,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DATE_FORMATS",
    "SAMPLE_SIZE",
    "MERGED_DESCRIPTION",
    "SUGGESTED_DESCRIPTION",
    "merge_suggestions",
    "present_cells",
    "present_values",
    "suggest_mapping",
    "suggest_schema",
]

SAMPLE_SIZE = 2000
SUGGESTED_DESCRIPTION = (
    "Suggested by `linkcore schema suggest`; review the fields and blocking keys, then share it "
    "with every data holder and the linkage unit."
)
MERGED_DESCRIPTION = (
    "Merged by `linkcore schema merge` from the holders' proposals; review the fields and "
    "blocking keys, then share it with every data holder and the linkage unit."
)

# strptime formats tried on a date column, in order of preference: on a tie (every value fits
# several, e.g. 01/02/1975) the earlier one wins, so UK day-first beats US month-first.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y%m%d", "%Y/%m/%d",
    "%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d%m%Y",
    "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%b %d, %Y", "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y",
)  # fmt: skip

# Shares a column's sample must reach for its contents alone to decide its role.
STRONG = 0.9      # dates, UK postcodes, NI numbers, NHS numbers named nothing useful
NAMED_MIN = 0.5   # a column named like a date of birth whose values mostly do not parse is not one
SEX_MIN = 0.95
# A first-name column where at least this share of values holds two or more words, with no
# middle-name column beside it, holds forenames ("mary jane"): its first word is the first name and
# the rest the middle names. Taken whole, every middle name counted as a first-name disagreement
# (on the synthetic moderate pair, 41% of agency B's FORENAME values have two words).
FORENAMES_MIN = 0.2

# --------------------------------------------------------------------------------------
# Roles: what a column can be. Field name, kind, and its place in the schema's field order.
# --------------------------------------------------------------------------------------
ROLE_KINDS: dict[str, str] = {
    "first_name": "name",
    "middle_name": "name",
    "last_name": "name",
    "full_name": "name",
    "birth_surname": "name",
    "sex": "sex",
    "date_of_birth": "date",
    "address": "text",
    "town": "text",
    "postcode": "postcode",
    "region": "categorical",
    "ni_number": "identifier",
    "nhs_number": "identifier",
    "soc_sec_id": "identifier",
}
ROLE_ORDER = tuple(ROLE_KINDS)
ROLE_LABELS = {
    "first_name": "first name", "middle_name": "middle name", "last_name": "surname",
    "full_name": "full name", "birth_surname": "surname at birth", "sex": "sex",
    "date_of_birth": "date of birth", "address": "address", "town": "town",
    "postcode": "postcode", "region": "county/state", "ni_number": "NI number",
    "nhs_number": "NHS number", "soc_sec_id": "social security number", "id": "record id",
}  # fmt: skip

_ID_NAMES = frozenset({
    "id", "recid", "recordid", "personid", "clientid", "patientid", "customerid", "caseid",
    "uid", "uniqueid", "urn", "ref", "refno", "reference", "referenceno", "referencenumber",
    "rowid", "pid", "personref", "clientref", "localid", "sourceid", "serviceuserid",
    "individualid", "citizenid", "residentid", "memberid", "applicantid", "claimantid",
    "pupilid", "studentid", "key", "recordkey", "recno", "recordno", "recordnumber", "idno",
    "idnumber", "personno", "clientno", "caseno", "casenumber", "recnum", "rownum",
})
_FIRST = frozenset({
    "forename", "forenames", "firstname", "firstnames", "givenname", "givennames", "fname",
    "first", "christianname", "firstforename", "forename1", "givenname1", "personforename",
})
_MIDDLE = frozenset({
    "middlename", "middlenames", "middle", "mname", "middleinitial", "middleinitials",
    "otherforename", "otherforenames", "othernames", "othername", "secondforename",
    "forename2", "givenname2", "middlenameinitial", "initials",
})
_LAST = frozenset({
    "surname", "lastname", "familyname", "lname", "last", "sname", "currentsurname",
    "personsurname", "surnamecurrent",
})
_BIRTH_SURNAME = frozenset({
    "maidenname", "birthsurname", "previoussurname", "formersurname", "surnameatbirth",
    "previouslastname", "maidensurname", "birthname", "birthlastname",
})
#: Why a title column is set aside; _sex_from_title looks for it to read a sex from the title.
_TITLE_WHY = "a title is removed from names anyway"
_FULL = frozenset({"name", "fullname", "personname", "clientname", "patientname", "names"})
_DOB = frozenset({
    "dob", "dateofbirth", "birthdate", "birthdt", "bdate", "birthday", "dateborn", "dtofbirth",
    "dtob", "dobdate", "born",
})
_ADDRESS_FIRST = frozenset({
    "housenumber", "houseno", "housenum", "streetnumber", "streetno", "streetnum", "housename",
    "flat", "flatnumber", "flatno", "building", "buildingname", "buildingnumber", "premises",
    "subbuilding", "property", "propertyname", "propertynumber", "number", "no",
})
_ADDRESS_LINES = frozenset({
    "address", "street", "streetname", "streetaddress", "road", "thoroughfare", "addr",
    "postaladdress", "homeaddress", "fulladdress", "addressline", "residentialaddress",
})
_ADDRESS_LAST = frozenset({"locality", "dependentlocality", "district", "area"})
_TOWN = frozenset({
    "town", "city", "posttown", "towncity", "citytown", "suburb", "village", "placename",
    "townname", "cityname", "municipality", "townorcity",
})
_REGION = frozenset({"county", "state", "region", "province", "countyname", "statecode"})
_POSTCODE = frozenset({
    "postcode", "postalcode", "zip", "zipcode", "pcode", "pc", "postcde", "postcodes",
    "postzip", "zippostcode",
})
_NI = frozenset({
    "nino", "ninumber", "nationalinsurancenumber", "nationalinsuranceno", "nationalinsurance",
    "nin", "ni", "niref", "ninum", "ninonumber", "nationalinsuranceref", "nino_number",
})
_NHS = frozenset({"nhsnumber", "nhsno", "nhs", "nhsnum", "nhsid"})
_SSN = frozenset({
    "ssn", "socsecid", "socsec", "socialsecuritynumber", "socialsecurityno", "socsecno",
    "socsecnumber", "socialsecurityid",
})
_FREE_TEXT = frozenset({
    "notes", "note", "comments", "comment", "remarks", "remark", "freetext", "description",
    "memo", "narrative", "details", "text", "observations", "summary",
})
_CONTACT = frozenset({
    "email", "emailaddress", "phone", "telephone", "tel", "mobile", "phonenumber",
    "telephonenumber", "mobilenumber", "phoneno", "telno", "mobileno", "fax",
})
_NOT_ADDRESS_TOKENS = frozenset({"email", "mail", "ip", "web", "type", "date", "from", "to",
                                 "start", "end", "status", "flag", "valid", "count"})
_MEANINGLESS = re.compile(r"^(?:unnamed\d*|col|column|field|var|v|x|c|f|attr|attribute|"
                          r"item|value|data)?\d*$")

_NI_RE = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")
_STREET_WORDS = frozenset(ADDRESS_ABBREVIATIONS) | frozenset(ADDRESS_ABBREVIATIONS.values()) | {
    "row", "walk", "hill", "mews", "rise", "green", "view", "parade", "mall", "wharf", "yard",
}
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")


# --------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------
def _name_tokens(column: str) -> list[str]:
    """Split a column name into lower-case words: ``DateOfBirth`` -> date, of, birth."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(column))
    s = re.sub(r"([a-zA-Z])(\d)", r"\1_\2", s)
    return [t for t in re.split(r"[^a-z0-9]+", s.lower()) if t]


def field_name_for(column: str) -> str:
    """Make a schema field name from a column name: lower-case words joined by ``_``."""
    return "_".join(_name_tokens(column)) or "field"


#: Leading words that say whose value a column holds (the person the record is about), not
#: what it is: "Legal Forename", "Pupil Surname", "Client First Name", "Child DOB". Words naming
#: someone else (parent, carer, GP, next of kin) are not here: their columns are not the person's.
_SUBJECT_WORDS = frozenset({
    "legal", "preferred", "known", "current", "official", "registered", "main", "child",
    "childs", "pupil", "pupils", "student", "students", "learner", "client", "clients",
    "patient", "patients", "person", "persons", "customer", "claimant", "applicant", "tenant",
    "resident", "member", "individual", "subject", "citizen", "service", "user", "young",
})
#: Abbreviated words in column names: FIRST_NM, LAST_NM.
_WORD_ABBREVIATIONS = {"nm": "name", "nme": "name"}
_NAME_PARTS = frozenset({"first", "last", "middle", "sur", "fore", "given", "family"})


def _subject_tokens(tokens: list[str]) -> list[str]:
    """Return a column name's words without the person's qualifiers ("Pupil Surname": surname)."""
    tokens = [_WORD_ABBREVIATIONS.get(t, t) for t in tokens]
    if len(tokens) == 2 and tokens[0] == "name" and tokens[1] in _NAME_PARTS:
        tokens = tokens[::-1]
    while len(tokens) > 1 and tokens[0] in _SUBJECT_WORDS:
        tokens = tokens[1:]
    return tokens


def role_from_name(column: str) -> str | None:
    """Return the role a column's name suggests: a ROLE_KINDS key, "id", "ignore:<why>" or None."""
    tokens = _subject_tokens(_name_tokens(column))
    compact = "".join(tokens)
    if not compact:
        return None
    tset = set(tokens)
    if compact in _NI or compact.startswith("nationalinsurance"):
        return "ni_number"
    if compact in _NHS or compact.startswith("nhsn"):
        return "nhs_number"
    if compact in _SSN or compact.startswith("socialsecurity"):
        return "soc_sec_id"
    if "postcode" in compact or compact in _POSTCODE or ("post" in tset and "code" in tset):
        if tset & {"district", "sector", "area", "outward", "inward"}:
            return "ignore:part of a postcode; the full postcode is used when present"
        return "postcode"
    if compact in _DOB or compact.startswith("dob") or (
        "birth" in compact and ("date" in compact or "dt" in tset)
    ):
        return "date_of_birth"
    if compact in _BIRTH_SURNAME:
        return "birth_surname"
    if compact in _MIDDLE or compact.startswith(("middlename", "middleinitial", "otherforename")):
        return "middle_name"
    if compact in _FIRST or compact.startswith(("firstname", "forename", "givenname")):
        return "first_name"
    if compact in _LAST or compact.startswith(("surname", "lastname", "familyname")):
        return "last_name"
    if compact in _FULL:
        return "full_name"
    if "sex" in tset or "gender" in tset or compact in {"sex", "gender", "mf"}:
        return "sex"
    if compact in _FREE_TEXT:
        return "ignore:free text"
    if compact in _CONTACT or tset & {"email", "phone", "telephone", "mobile"}:
        return "ignore:contact details change often; add them by hand if every holder has them"
    if compact in _TOWN:
        return "town"
    if compact in _REGION:
        return "region"
    if not tset & _NOT_ADDRESS_TOKENS and (
        compact in _ADDRESS_FIRST or compact in _ADDRESS_LINES or compact in _ADDRESS_LAST
        or compact.startswith(("address", "addr", "street"))
        or re.fullmatch(r"(?:add|addr|address|line|addressline)\d+", compact)
    ):
        return "address"
    if compact in _ID_NAMES or (tokens[-1] in {"id", "ref", "urn", "key"} and len(tokens) <= 3):
        return "id"
    if tset & {"date", "dt", "time", "timestamp", "datetime", "created", "updated", "modified",
               "loaded", "extracted"} or compact.endswith("date"):
        return "ignore:an event date or time, not a date of birth"
    if compact in {"age", "ageyears", "ageatextract"}:
        return "ignore:age changes with time; the date of birth is used instead"
    if compact in {"title", "salutation", "honorific"}:
        return "ignore:" + _TITLE_WHY
    return None


def _is_meaningless(column: str) -> bool:
    """Tell whether a name says nothing about its contents: ``col3``, ``Unnamed: 4``, ``V7``."""
    return bool(_MEANINGLESS.match("".join(_name_tokens(column))))


def _address_order(column: str, position: int) -> tuple[int, int, int]:
    """Sort key putting house number/name first, then address lines 1, 2, ..., then locality."""
    tokens = _name_tokens(column)
    compact = "".join(tokens)
    digits = [int(t) for t in tokens if t.isdigit()]
    if compact in _ADDRESS_FIRST:
        return (0, 0, position)
    if compact in _ADDRESS_LAST:
        return (2, 0, position)
    return (1, digits[0] if digits else 0, position)


# --------------------------------------------------------------------------------------
# Column contents
# --------------------------------------------------------------------------------------
@dataclass
class _Profile:
    """What a column holds, measured on the whole column (counts) and a sample (shares)."""

    column: str
    position: int
    n_rows: int
    n_present: int
    n_distinct: int
    unique_complete: bool
    sample: list[str]
    _cache: dict[str, Any] = field(default_factory=dict)

    def share(self, test) -> float:
        if not self.sample:
            return 0.0
        return sum(1 for v in self.sample if test(v)) / len(self.sample)

    @property
    def date_share(self) -> float:
        if "date" not in self._cache:
            self._cache["date"] = self.share(lambda v: parse_date_auto(v) not in (None, INVALID))
        return self._cache["date"]

    @property
    def uk_postcode_share(self) -> float:
        if "postcode" not in self._cache:
            self._cache["postcode"] = self.share(
                lambda v: normalise_postcode(v) not in (None, INVALID))
        return self._cache["postcode"]

    @property
    def ni_share(self) -> float:
        if "ni" not in self._cache:
            self._cache["ni"] = self.share(lambda v: bool(_NI_RE.match(_compact_code(v))))
        return self._cache["ni"]

    @property
    def nhs_share(self) -> float:
        if "nhs" not in self._cache:
            self._cache["nhs"] = self.share(lambda v: _nhs_valid(_compact_code(v)))
        return self._cache["nhs"]

    @property
    def sex_codes(self) -> dict[str, int]:
        """Distinct folded codes in the sample with their counts."""
        if "sexcodes" not in self._cache:
            counts: dict[str, int] = {}
            for v in self.sample:
                code = " ".join(fold_text(v).split())
                counts[code] = counts.get(code, 0) + 1
            self._cache["sexcodes"] = counts
        return self._cache["sexcodes"]

    @property
    def sex_share(self) -> float:
        codes = self.sex_codes
        if len(codes) > 12:
            return 0.0
        known = sum(n for c, n in codes.items() if c in SEX_CODES)
        return known / max(len(self.sample), 1)

    @property
    def sex_share_loose(self) -> float:
        """Share of codes that are sex codes or start with m/f (``Mal``, ``Fem``)."""
        codes = self.sex_codes
        if len(codes) > 12:
            return 0.0
        known = sum(n for c, n in codes.items() if c in SEX_CODES or c[:1] in ("m", "f"))
        return known / max(len(self.sample), 1)

    @property
    def distinct_sample(self) -> int:
        if "distinct" not in self._cache:
            self._cache["distinct"] = len(set(self.sample))
        return self._cache["distinct"]

    @property
    def name_like_share(self) -> float:
        """Share of values written like a person's name: letters, one or two words."""
        return self.share(lambda v: bool(_NAME_CHARS.match(v.strip())) and len(v.split()) <= 2)

    @property
    def address_share(self) -> float:
        """Share of values like an address line: a house number and words, or a street word."""
        def addressy(v: str) -> bool:
            words = re.split(r"[\W_]+", fold_text(v))
            words = [w for w in words if w]
            has_num = any(any(c.isdigit() for c in w) for w in words)
            has_word = any(w.isalpha() for w in words)
            return (has_num and has_word and len(words) >= 2) or bool(set(words) & _STREET_WORDS)
        return self.share(addressy)

    @property
    def mean_words(self) -> float:
        return float(np.mean([len(v.split()) for v in self.sample])) if self.sample else 0.0

    def list_shares(self) -> tuple[float, float]:
        """Shares of values found in common first-name and surname lists (first word only)."""
        first_names, surnames = _name_lists()

        def first_word(v: str) -> str:
            n = normalise_name(v)
            return n.split()[0] if isinstance(n, str) else ""

        words = [first_word(v) for v in self.sample]
        n = max(len(words), 1)
        return (sum(w in first_names for w in words) / n, sum(w in surnames for w in words) / n)


def _code_like(value: str) -> bool:
    return " " not in value.strip() and any(c.isdigit() for c in value)


def _compact_code(value: str) -> str:
    return re.sub(r"[\W_]+", "", value).upper()


def personal_values(p: _Profile) -> str:
    """Say what a column's values are if they are a person's (NI or NHS numbers), else "".

    A record id travels in plain text in the encoded file, so such a column is never the id.
    """
    for share, what in ((p.ni_share, "NI numbers"), (p.nhs_share, "NHS numbers")):
        if share >= STRONG:
            return what
    return ""


#: An NI number inside a record id (alone, spaced, or as one part of it: ``C-JX913742D``): two
#: letters of HMRC's prefixes, six digits, a suffix A-D, nothing alphanumeric on either side.
_NI_IN_ID = re.compile(r"(?<![A-Z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?"
                       r"[A-D](?![A-Z0-9])", re.IGNORECASE | re.ASCII)


def rows_with_ni_numbers(ids: Sequence[str]) -> np.ndarray:
    """Return the 0-based rows whose record id holds an NI number, alone or as a part of it.

    One scan of the ids joined by line feeds (a line feed is no letter or digit, so no match
    spans two ids), mapped back to rows by their lengths: 10^6 ids in 0.2-0.35 s
    (benchmarks/README.md).
    """
    texts = list(map(str, ids))
    if not texts:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    starts = np.concatenate([[0], starts[:-1]])
    found = [m.start() for m in _NI_IN_ID.finditer("\n".join(texts))]
    rows = np.searchsorted(starts, np.asarray(found, dtype=np.int64), side="right") - 1
    return sorted_unique(rows)  # positions come in order, so rows do too


def ids_look_personal(ids: Sequence[str], sample: int = 2000) -> str:
    """Say what most of the record ids are if they are NI or NHS numbers, else ""."""
    taken = [str(i) for i in ids[:sample]]
    if not taken:
        return ""
    for test, what in ((lambda v: bool(_NI_RE.match(_compact_code(v))), "NI numbers"),
                       (lambda v: _nhs_valid(_compact_code(v)), "NHS numbers")):
        if sum(map(test, taken)) * 2 > len(taken):
            return what
    return ""


def _nhs_valid(digits: str) -> bool:
    """NHS number check digit (modulus 11, weights 10..2)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Load common first names and surnames (Faker's English lists), folded."""
    import importlib

    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in ("en_GB", "en_US", "en_IE"):
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:  # pragma: no cover - faker is a dependency
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            firsts.update(_folded_names(getattr(provider, attr, ())))
        lasts.update(_folded_names(getattr(provider, "last_names", ())))
    return frozenset(firsts), frozenset(lasts)


def _folded_names(names: Iterable[str]) -> Iterable[str]:
    for n in names:
        v = normalise_name(str(n))
        if isinstance(v, str):
            yield v.split()[0]


def present_values(series) -> list[str]:
    """Non-empty cells of a column as stripped strings (NaN, None and blanks dropped)."""
    values = series.dropna()
    out = [field_text(v).strip() for v in values.tolist()]
    return [v for v in out if v]


def present_cells(series) -> list:
    """Non-empty cells of a column as they are (a date stays a date), blanks dropped."""
    return [v for v in series.dropna().tolist() if field_text(v).strip()]


def _profile_columns(df, sample_size: int) -> list[_Profile]:
    if df is None or not hasattr(df, "columns"):
        raise InputDataError("expected a table (a pandas DataFrame)")
    if len(df.columns) == 0:
        raise InputDataError("the input has no columns")
    if len(df) == 0:
        raise InputDataError("the input has a header but no rows; there is nothing to suggest from")
    if len(set(map(str, df.columns))) != len(df.columns):
        raise InputDataError("the input has two columns with the same name; rename one")
    rng = np.random.default_rng(0)
    profiles = []
    for i, col in enumerate(df.columns):
        present = present_values(df[col])
        n_distinct = len(set(present))
        unique_complete = len(present) == len(df) and n_distinct == len(present)
        if len(present) > sample_size:
            idx = np.sort(rng.choice(len(present), size=sample_size, replace=False))
            sample = [present[j] for j in idx]
        else:
            sample = present
        profiles.append(_Profile(str(col), i, len(df), len(present), n_distinct, unique_complete,
                                 sample))
    return profiles


# --------------------------------------------------------------------------------------
# Formats found in the contents
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DateFormatChoice:
    """The date format chosen for a column and the share of sampled values it parses."""

    date_format: str
    share: float
    n_sampled: int


def detect_date_format(values: Sequence[str]) -> DateFormatChoice:
    """Find the strptime format that parses the most values (UK day-first on ties), or ``auto``.

    ``auto`` (UK-first parsing of any common form) is chosen when no single format parses as many
    values as ``auto`` does, i.e. when the column mixes formats; ``excel`` when more values read as
    a spreadsheet's day numbers than as either.
    """
    values = [v for v in (s.strip() for s in values) if v]
    n = len(values)
    if n == 0:
        return DateFormatChoice("auto", 0.0, 0)
    auto = sum(parse_date_auto(v) not in (None, INVALID) for v in values)
    shapes = {_shape(v) for v in values}
    best_fmt, best = "auto", -1
    for fmt in DATE_FORMATS:
        if not any(_shape_fits(fmt, s) for s in shapes):
            continue
        parse = make_date_parser(fmt)
        ok = sum(parse(v) not in (None, INVALID) for v in values)
        if ok > best:
            best_fmt, best = fmt, ok
    excel = _excel_serials(values)
    if excel > max(best, auto):
        return DateFormatChoice(EXCEL_DATE_FORMAT, excel / n, n)
    # Allow a sliver of values (under 0.5%) that only the forgiving parser reads.
    if best >= 0 and best >= auto - max(1, math.floor(0.005 * n)) and best > 0:
        return DateFormatChoice(best_fmt, best / n, n)
    return DateFormatChoice("auto", auto / n, n)


def _excel_serials(values: Sequence[str]) -> int:
    """How many values read as spreadsheet day numbers, or 0 if most are under 10000 (1927).

    A column of years (``1975``) or of small counts would read as days of 1900-1927; dates of
    birth exported from a spreadsheet as numbers are mostly five digits.
    """
    read = [v for v in values if parse_excel_serial(v) not in (None, INVALID)]
    if not read or float(np.median([float(v) for v in read])) < 10000:
        return 0
    return len(read)


def _shape(value: str) -> str:
    """Digits to 9 and letters to a: ``11/02/1975`` -> ``99/99/9999``; cheap format pre-filter."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d", "9", value))


_SHAPE_SEPARATORS = re.compile(r"[^%a-zA-Z]")


def _shape_fits(fmt: str, shape: str) -> bool:
    """Whether a format could parse a value of this shape (same separators, digits vs letters)."""
    fmt_letters = any(d in fmt for d in ("%b", "%B"))
    has_letters = "a" in shape
    if fmt_letters != has_letters:
        return False
    seps_fmt = re.sub(r"%[a-zA-Z]", "", fmt)
    seps_val = re.sub(r"[9a]", "", shape)
    return seps_fmt.replace(",", "") == seps_val.replace(",", "").replace(".", "") or (
        seps_fmt == seps_val
    )


#: Words whose abbreviations (``Mal``, ``Fem.``, ``Masc``) a sex column may hold.
_SEX_WORDS = {"m": ("male", "masculine"), "f": ("female", "feminine")}


def _sex_values(profile: _Profile) -> tuple[tuple[str, str], ...]:
    """Code map for abbreviations of male/female not in SEX_CODES (``Mal`` -> m, ``Fem`` -> f).

    Nothing else of the column is written: the mapping is a file, and any other cell (a name or
    an NI number keyed into the wrong column, helper-67) would travel in it; such cells read as
    missing, as every value the normaliser cannot read does.
    """
    extra = []
    for code in sorted(profile.sex_codes):
        stem = code.rstrip(".")
        if code in SEX_CODES or not stem:
            continue
        for letter, words in _SEX_WORDS.items():
            if any(word.startswith(stem) for word in words):
                extra.append((code, letter))
    return tuple(extra)


def _unread_sex_codes(profile: _Profile, mapped: tuple[tuple[str, str], ...]) -> int:
    """Count the distinct values of a sex column neither known nor mapped (they read as missing)."""
    done = {code for code, _ in mapped}
    return sum(1 for code in profile.sex_codes if code not in SEX_CODES and code not in done)


# --------------------------------------------------------------------------------------
# Deciding roles
# --------------------------------------------------------------------------------------
@dataclass
class _Assignment:
    """One role found in the table: the column(s) it comes from, its kind and why."""

    role: str
    kind: str
    columns: list[str]
    why: str
    date_format: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    words: str = "all"


@dataclass
class _Analysis:
    """Every decision about a table's columns."""

    n_rows: int
    id_column: str | None = None
    id_why: str = ""
    roles: dict[str, _Assignment] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    profiles: dict[str, _Profile] = field(default_factory=dict)


def _pct(share: float) -> str:
    """Format a share as a percentage that never rounds a shortfall up to 100% (or down to 0%)."""
    pct = share * 100
    if 99.5 <= pct < 100:
        return ">99%"
    if 0 < pct < 0.5:
        return "<1%"
    return f"{pct:.0f}%"


def _of(p: _Profile) -> str:
    return f"{len(p.sample):,} sampled values"


def _analyse(df, sample_size: int) -> _Analysis:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"the table must be a pandas DataFrame, not {type(df).__name__}")
    profiles = _profile_columns(df, sample_size)
    a = _Analysis(len(df), profiles={p.column: p for p in profiles})
    by_name: list[tuple[_Profile, str | None]] = [(p, role_from_name(p.column)) for p in profiles]
    undecided: list[_Profile] = []

    # 1. Empty columns and columns whose names say what they are.
    id_named: list[_Profile] = []
    for p, role in by_name:
        if p.n_present == 0:
            a.ignored.append((p.column, "no values"))
            continue
        if role is None:
            undecided.append(p)
        elif role.startswith("ignore:"):
            a.ignored.append((p.column, role.removeprefix("ignore:")))
        elif role == "id":
            id_named.append(p)
        else:
            _take_named(a, p, role)

    # 2. The record id: a named id column that is unique and complete, else any such column
    # that is not something else.
    for p in id_named:
        if personal_values(p):  # an NI number named "client_id": a field, never the record id
            undecided.append(p)
            continue
        if a.id_column is None and p.unique_complete:
            a.id_column, a.id_why = p.column, (
                f"named like a record id; unique and non-empty in all {a.n_rows:,} rows")
        elif a.id_column is None:
            empty = p.n_rows - p.n_present
            repeated = p.n_present - p.n_distinct
            a.ignored.append((p.column, "named like a record id but not unique and complete "
                              f"({empty:,} empty, {repeated:,} repeated values)"))
        else:
            a.ignored.append((p.column, "another id-like column; the record id is "
                              f"{a.id_column!r}"))

    # 3. Columns with uninformative names: their contents decide.
    undecided = [p for p in undecided if not _take_by_contents(a, p)]
    if a.id_column is None:
        # Prefer codes (one token, with digits) over unique names or addresses.
        ids = [p for p in undecided if p.unique_complete and not personal_values(p)]
        if ids:
            best = max(ids, key=lambda p: (p.share(_code_like), -p.position))
            a.id_column = best.column
            a.id_why = f"unique and non-empty in all {a.n_rows:,} rows"
            undecided.remove(best)
    weak = []
    for p in undecided:
        if _is_meaningless(p.column):
            weak.append(p)
        else:
            a.ignored.append((p.column, "column name not recognised; add it by hand if every "
                                        "holder has it"))
    _take_weak(a, weak)

    _sex_from_title(a)
    _finish_address(a)
    _split_forenames(a)
    return a


#: Titles that say a sex (a council's TITLE column is often the only one it holds); any other
#: title (Dr, Mx, Rev, ...) leaves the sex missing.
TITLE_SEX: dict[str, str] = {
    "mr": "m", "master": "m", "sir": "m", "lord": "m",
    "mrs": "f", "miss": "f", "ms": "f", "madam": "f", "lady": "f", "dame": "f",
}
#: Share of a title column's sampled values that must be titles (of either list) to read a sex.
TITLE_MIN = 0.8
_OTHER_TITLES = frozenset({"dr", "mx", "prof", "professor", "rev", "revd", "reverend", "fr",
                           "father", "sister", "capt", "major", "col", "rabbi", "imam", "cllr"})


def _sex_from_title(a: _Analysis) -> None:
    """Read the sex from a title column (Mr, Mrs, Miss, Ms, ...) when no column holds a sex.

    Only a column set aside as a title, whose sampled values are nearly all titles; titles that
    say no sex (Dr, Mx, ...) and anything else are mapped to missing.
    """
    if "sex" in a.roles:
        return
    for k, (col, why) in enumerate(a.ignored):
        if why != _TITLE_WHY:
            continue
        p = a.profiles[col]
        codes = {c: c.rstrip(".") for c in p.sex_codes}
        titled = sum(n for c, n in p.sex_codes.items()
                     if codes[c] in TITLE_SEX or codes[c] in _OTHER_TITLES)
        share = titled / max(len(p.sample), 1)
        if share < TITLE_MIN or not {"m", "f"} <= {TITLE_SEX.get(t) for t in codes.values()}:
            continue
        values = tuple((c, TITLE_SEX.get(t, "")) for c, t in sorted(codes.items())
                       if t in TITLE_SEX or t in _OTHER_TITLES)  # no other cell is written
        a.roles["sex"] = _Assignment(
            "sex", "sex", [col],
            f"read from the title ({_pct(share)} of {_of(p)} are titles: Mr and Master male; "
            "Mrs, Miss and Ms female; others missing)", values=values)
        del a.ignored[k]
        return


def _split_forenames(a: _Analysis) -> None:
    """Map a forenames column ("first middle") to first_name (first word) and middle_name (rest).

    Only when there is no middle-name column and a substantial share of the column's values have
    two or more words after name normalisation (titles and suffixes removed).
    """
    first = a.roles.get("first_name")
    if first is None or "middle_name" in a.roles or len(first.columns) != 1:
        return
    p = a.profiles[first.columns[0]]

    def several(v: str) -> bool:
        n = normalise_name(v)
        return isinstance(n, str) and " " in n

    share = p.share(several)
    if share < FORENAMES_MIN:
        return
    first.words = "first"
    first.why += (f"; {_pct(share)} of {_of(p)} hold two or more names: the first word is the "
                  "first name")
    a.roles["middle_name"] = _Assignment(
        "middle_name", "name", [p.column],
        f"the words after the first of a forenames column ({_pct(share)} of {_of(p)} hold two "
        "or more names)", words="rest")


def _take_named(a: _Analysis, p: _Profile, role: str) -> None:
    """Assign a column whose name gave its role, after checking the contents agree."""
    kind = ROLE_KINDS[role]
    label = ROLE_LABELS[role]
    why = f"column name says {label}"
    date_format = None
    values: tuple[tuple[str, str], ...] = ()
    if role == "date_of_birth":
        choice = detect_date_format(p.sample)
        if choice.share < NAMED_MIN:
            a.ignored.append((p.column, f"named like a date of birth but only {_pct(choice.share)} "
                              f"of {_of(p)} parse as dates"))
            return
        date_format = choice.date_format
        why = _date_why(choice, p)
    elif role == "postcode":
        share = p.uk_postcode_share
        if share >= NAMED_MIN:
            why = f"{_pct(share)} of {_of(p)} are valid UK postcodes"
        else:
            kind = "identifier"
            why = (f"named like a postcode but only {_pct(share)} of {_of(p)} are UK postcodes; "
                   "compared as a code")
    elif role == "sex":
        share = p.sex_share_loose
        if share >= NAMED_MIN:
            values = _sex_values(p)
            why = f"{_pct(p.sex_share)} of {_of(p)} are known sex codes"
            if values:
                why += (f"; {len(values)} other code(s) mapped in the mapping's 'values' "
                        "(review them)")
            unread = _unread_sex_codes(p, values)
            if unread:
                why += (f"; {unread} other value(s) read as missing (not written to the "
                        "mapping)")
        else:
            kind = "categorical"
            why = f"named like sex but only {_pct(share)} of {_of(p)} are known codes; categorical"
    elif role == "ni_number":
        why = f"column name says NI number; {_pct(p.ni_share)} of {_of(p)} have the NI pattern"
    elif role == "nhs_number":
        why = (f"column name says NHS number; {_pct(p.nhs_share)} of {_of(p)} have a valid "
               "check digit")
    elif role == "address":
        why = "column name says address"
    if role in a.roles and role != "address":
        first = a.roles[role].columns[0]
        a.ignored.append((p.column, f"a second {label} column; {first!r} is used"))
        return
    if role == "address" and role in a.roles:
        a.roles[role].columns.append(p.column)
        return
    a.roles[role] = _Assignment(role, kind, [p.column], why, date_format, values)


def _date_why(choice: DateFormatChoice, p: _Profile) -> str:
    fmt = {"auto": "auto (mixed formats, UK day-first)",
           EXCEL_DATE_FORMAT: "excel (spreadsheet day numbers, 1 = 1900-01-01)"}.get(
        choice.date_format, choice.date_format)
    return f"format {fmt}: {_pct(choice.share)} of {_of(p)} parse"


def _take_by_contents(a: _Analysis, p: _Profile) -> bool:
    """Assign a column whose name says nothing from strong signals; False leaves it undecided."""
    if p.ni_share >= STRONG and "ni_number" not in a.roles:
        a.roles["ni_number"] = _Assignment(
            "ni_number", "identifier", [p.column],
            f"{_pct(p.ni_share)} of {_of(p)} have the NI number pattern")
        return True
    if p.nhs_share >= STRONG and "nhs_number" not in a.roles:
        a.roles["nhs_number"] = _Assignment(
            "nhs_number", "identifier", [p.column],
            f"{_pct(p.nhs_share)} of {_of(p)} are 10 digits with a valid NHS check digit")
        return True
    if p.uk_postcode_share >= STRONG and "postcode" not in a.roles:
        a.roles["postcode"] = _Assignment(
            "postcode", "postcode", [p.column],
            f"{_pct(p.uk_postcode_share)} of {_of(p)} are valid UK postcodes")
        return True
    if p.date_share >= STRONG:
        if "date_of_birth" in a.roles:
            a.ignored.append((p.column, "another date column; only one date of birth is used"))
            return True
        choice = detect_date_format(p.sample)
        a.roles["date_of_birth"] = _Assignment(
            "date_of_birth", "date", [p.column], _date_why(choice, p), choice.date_format)
        return True
    if (p.sex_share >= SEX_MIN and {"m", "f"} <= {SEX_CODES.get(c) for c in p.sex_codes}
            and p.distinct_sample <= 8 and "sex" not in a.roles):
        a.roles["sex"] = _Assignment(
            "sex", "sex", [p.column], f"{_pct(p.sex_share)} of {_of(p)} are sex codes",
            values=_sex_values(p))
        return True
    return False


def _take_weak(a: _Analysis, weak: list[_Profile]) -> None:
    """Roles for meaninglessly named columns from weaker signals: address words, name lists.

    Address lines go first (street names are often surnames). Name-like columns are then weighed
    together: the one most like a surname list is the surname; of those about as like a
    first-name list as the best one, the fullest is the first name and the next the middle name.
    """
    names: list[tuple[_Profile, float, float]] = []
    rest: list[_Profile] = []
    initials: list[_Profile] = []
    for p in weak:
        if p.address_share >= 0.6 and p.mean_words >= 1.5:
            if "address" in a.roles:
                a.roles["address"].columns.append(p.column)
            else:
                a.roles["address"] = _Assignment(
                    "address", "text", [p.column],
                    f"{_pct(p.address_share)} of {_of(p)} look like address lines")
        elif p.share(_is_initial) >= STRONG:
            initials.append(p)
        elif p.name_like_share >= STRONG:
            first, last = p.list_shares()
            if max(first, last) >= 0.2:
                names.append((p, first, last))
            else:
                rest.append(p)
        else:
            rest.append(p)
    if names and "last_name" not in a.roles:
        p, first, last = max(names, key=lambda t: (t[2] - t[1], t[2]))
        if last >= 0.2 and last > first:
            names.remove((p, first, last))
            a.roles["last_name"] = _Assignment(
                "last_name", "name", [p.column], f"{_pct(last)} of {_of(p)} are common surnames "
                f"(against {_pct(first)} common first names)")
    best_first = max((t[1] for t in names), default=0.0)
    firsts = sorted((t for t in names if t[1] >= max(0.2, 0.6 * best_first)),
                    key=lambda t: (-t[0].n_present, t[0].position))
    for role in ("first_name", "middle_name"):
        if role in a.roles or not firsts:
            continue
        p, first, _ = firsts.pop(0)
        names = [t for t in names if t[0] is not p]
        note = "" if role == "first_name" else ", fewer filled than the first name"
        a.roles[role] = _Assignment(role, "name", [p.column],
                                    f"{_pct(first)} of {_of(p)} are common first names{note}")
    if initials and "first_name" in a.roles and "middle_name" not in a.roles:
        p = initials.pop(0)
        a.roles["middle_name"] = _Assignment(
            "middle_name", "name", [p.column],
            f"{_pct(p.share(_is_initial))} of {_of(p)} are initials, beside a first name")
    rest += [t[0] for t in names] + initials
    rest.sort(key=lambda p: p.position)
    for p in rest:
        if (p.name_like_share >= STRONG and p.distinct_sample > 20 and "town" not in a.roles
                and p.share(lambda v: len(v) >= 3) >= STRONG):
            a.roles["town"] = _Assignment(
                "town", "text", [p.column],
                f"{_pct(p.name_like_share)} of {_of(p)} are short place-like words, "
                "not common names")
        elif p.mean_words > 4:
            a.ignored.append((p.column, "free text"))
        else:
            a.ignored.append((p.column, "contents not recognised as a linkage field"))


def _is_initial(value: str) -> bool:
    v = value.strip().rstrip(".")
    return len(v) == 1 and v.isalpha()


def _finish_address(a: _Analysis) -> None:
    """Order the address columns: house number/name, then lines 1, 2, ..., then locality."""
    addr = a.roles.get("address")
    if addr is None:
        return
    addr.columns.sort(key=lambda c: _address_order(c, a.profiles[c].position))
    if len(addr.columns) > 1:
        addr.why = f"column names say address; {len(addr.columns)} columns joined in this order"


# --------------------------------------------------------------------------------------
# Schema and mapping
# --------------------------------------------------------------------------------------
def _blocking_keys(kinds: dict[str, str], whole_postcode: bool = False
                   ) -> list[tuple[tuple[str, str], ...]]:
    """Blocking keys for the fields present: the full date of birth and each identifier.

    The linkage unit also blocks on its own on pairs whose filters agree exactly on two specific
    fields (names, date of birth, postcode, identifiers: linkage.blocking.FieldAgreement), which
    finds the pairs with a date-of-birth typo; the keys add the pairs that agree on the date or
    the identifier alone. On the synthetic moderate pairs (benchmarks/README.md, Linkage) field
    agreement ∪ these keys kept 99.5% of true pairs at 34,003 x 34,003 and at 10^6 x 10^6 with
    half the candidates of the four keys used before (surname sound + birth year and first
    initial + postcode sector as well, which added 0.13% of true pairs for 39 million more
    candidates at 10^6 x 10^6). Without a date of birth, surname sound + first initial. The full
    postcode too: names are salted with the date of birth and the postcode (suggested_fields), so
    a pair whose date of birth is missing or wrong can still be compared on its names only where
    the postcodes agree; on the held-out pair (benchmarks/heldout) this key raised pairs
    completeness from 0.946 to 0.956. Keyed with the first name's initial as the postcode is
    (POSTCODE_SALT), unless ``whole_postcode``: 0.948 there (docs/parameters.md).
    """
    surname = next((f for f in ("last_name", "full_name", "birth_surname") if f in kinds), None)
    first = "first_name" if "first_name" in kinds else None
    dob = "date_of_birth" if "date_of_birth" in kinds else None
    keys: list[tuple[tuple[str, str], ...]] = []
    if dob:
        keys.append(((dob, "value"),))
    elif surname and first:
        keys.append(((surname, "soundex"), (first, "first_char")))
    if kinds.get("postcode") == "postcode":
        own = _postcode_salt(kinds, whole_postcode)
        keys.append((("postcode", "value"),) if own is None else
                    (("postcode", "value"), (own["field"], own["transform"])))
    for ident in ("ni_number", "nhs_number", "soc_sec_id"):
        if ident in kinds:
            keys.append(((ident, "value"),))
    return keys


def _drop_address_views(a: _Analysis) -> None:
    """Leave address lines and town out of the schema when a full UK postcode is there.

    A UK postcode covers about 15 addresses, so the street and town say again what it says; the
    model takes fields as independent given match status, so three views of one address count
    one piece of evidence three times and members of one household (same surname, street, town
    and postcode) score as matches. Measured on the synthetic 50,000-person moderate pair
    (benchmarks/README.md, Linkage): F1 0.9796 with address and town, 0.9816 without (pairs with
    p >= 0.5); Splink's best configuration leaves them out for the same reason. A coarse postcode
    (FEBRL's four-digit codes, compared as an identifier) keeps the address.
    """
    pc = a.roles.get("postcode")
    if pc is None or pc.kind != "postcode":
        return
    for role in ("address", "town"):
        asg = a.roles.pop(role, None)
        if asg is not None:
            for col in asg.columns:
                a.ignored.append((col, f"looks like {ROLE_LABELS[role]}, but the full UK postcode "
                                  "already says where; compared as well, it would count one "
                                  "address three times and make members of a household matches"))


#: Salts of the name fields, in order: each name is encoded once under each salt field present,
#: the first as the field itself, the others as views named ``<name>_by_<salt>``.
NAME_SALTS = ("date_of_birth", "postcode")
#: Balanced name filters (constant set-bit count, with padding below: the length of a name is
#: not told).
NAME_HARDENING = [{"type": "balance"}]
#: Every name of up to 16 distinct bigrams is padded to 16 tokens of k = 6 (spec §5, "Padding"):
#: with one balancing permutation per field, the file's complementary columns pair back to the
#: unbalanced filter, whose set bits (k per bigram) told each name's length (6.0 % of first names
#: re-identified, chance 1.3 %); spreading a name over 24 sub-tokens hid the bit count but made
#: two names' overlap depend on their lengths (2.07-2.49 % in postcode-and-initial groups). Padded,
#: two names share only their shared bigrams' positions (docs/parameters.md, "Padding").
NAME_PAD = {"k": 6, "pad": 16}
#: Padding puts most of a short name's bits on its own padding, so a typo moves a balanced
#: filter's Dice less: true pairs that differ lie at 0.77-0.86 (0.78-0.95 spread). Chosen on the
#: first held-out pair (F1 0.9202 with the spread thresholds, 0.9264 with these; spread 0.9286)
#: and checked on the others (docs/parameters.md, "Padding").
NAME_PAD_THRESHOLDS = [0.86, 0.81, 0.78]
#: Sex is salted like the names (with the whole date of birth, else the postcode): compared
#: across the whole file, a two-valued field shows which records share a value, and the audit
#: re-identified the split outright. Salted, it is compared only where the salt agrees (twins
#: born the same day are told apart there). What hiding it costs, with the training fix of
#: 2026-12-03 (docs/parameters.md), one-to-one F1: held-out pair seed 7 0.9324 against 0.9349-
#: 0.9357 compared whole; second held-out pair 0.9646 against 0.9654; linkcore synth seed 3
#: 0.9738 against 0.9736-0.9739. With no salt field available it is declared disclosed.
SEX_SALTED = True
#: Sex is left out of the suggested schema. Salted with the date of birth, it still told an
#: attacker, for every two records born the same day, whether they share a sex; chained with the
#: file's two families of salt groups, that channel carried about a third of what a red-team
#: attack gained over chance. Re-encoded without it (heldout5 seeds 53 and 58, two keys each, the
#: session's attack2.py, 2026-12-06): first names 2.45-2.62 % -> 1.96-2.26 % (chance 1.19 %) and
#: 1.84-1.93 % (1.03 %), identities 1.11-1.18 % -> 0.72-0.82 % and 0.80-0.93 % (0.01 %). Cost,
#: one-to-one F1: synth seed 3 0.9719 -> 0.9718, heldout5 seed 51 0.9881 -> 0.9834, heldout
#: seed 7 0.9235 -> 0.9236 (docs/parameters.md, "Sex left out"). A schema may still hold it.
SEX_FIELD = False
#: Why a sex column is set aside (a line of ``schema suggest``'s reasons).
SEX_LEFT_OUT = ("a sex, left out of the suggested schema: compared between records born the "
                "same day it helps an attacker chain the file's salt groups (docs/parameters.md, "
                "'Sex left out'); add it by hand to compare it")
#: Name fields encoded under the first one's keys (``key_with``), so that a first name and a
#: surname written the other way round can be compared crossed. On the first held-out pair,
#: 138 of the 435 true candidate pairs scored under 0.5 had both names disagreeing with date of
#: birth, sex and postcode equal: swapped names (docs/parameters.md).
SWAPPABLE_NAMES = ("first_name", "last_name")
#: Whether suggest writes that ``key_with``: no. It made every record's first name comparable with
#: its own surname and with every same-salt mate's, and a red-team session chaining the two salt
#: families read most of its gain there: re-encoded without it (heldout5 seed 53, one key, the
#: same attack), first names 5.17 -> 2.45 % (chance 1.19 %), whole identities 3.85 -> 1.11 %
#: (0.01 %), for one-to-one F1 0.9724 -> 0.9720 (synth seed 3), 0.9895 -> 0.9885 (heldout5 seed
#: 51) and 0.9266 -> 0.9233 (heldout seed 7, with swapped names) (docs/parameters.md, "Two salt
#: families chained"). A schema may still set it.
SHARE_NAME_KEYS = False
#: The postcode compared whole, as one token: filters of postcodes in one sector or district
#: were similar, and that similarity graph, matched to a register's, re-identified 1.3-3.0 % of
#: postcodes against 0.3 % chance (salting the filter with its own district or sector did not
#: stop it: 3.3 %, 2.3 %). Whole, it costs no measurable F1 (docs/parameters.md).
POSTCODE_EXACT: dict[str, Any] = {"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
                                  "comparison": {"thresholds": []}}


#: The postcode salted with the first name's initial, and every other view of the postcode (the
#: names' ``_by_postcode`` views, its blocking key) keyed with that initial as well: no column
#: then holds a whole postcode's equality class, whose size tells large addresses (tower blocks,
#: care homes) from a register. Measured in docs/parameters.md (postcode split by initial).
POSTCODE_SALT = ("first_name", "first_char")
#: The date of birth's filter as one exact token, unsalted: equal dates agree and any two other
#: dates share no bits, so the filter tells nothing the date's blocking key does not. Its parts
#: (year, month, day, digits) were the weakness: unsalted, a red-team session grouped four
#: agencies' date filters by month (91.7 % right) and day (82.4 %) without the key; salted with
#: their own year, records of one year shared its tokens' bits (same-year Dice 0.43-0.78 against
#: 0.18-0.40 for other years), so the year groups came back whole (95.6 % pure) and their sizes
#: named years above chance. Cost: 0.0004-0.0021 one-to-one F1 on three populations against
#: the year salt (docs/parameters.md, "The date of birth as one token"). The postcode's filter.
DOB_EXACT = POSTCODE_EXACT
#: An identifier (NI number, NHS number, a code) compared whole, as one token. As bigrams, unsalted
#: (the format's default), the same bigram set the same bits in every record: a red-team session
#: mined the file's co-occurring bits into the digits' bigrams, laid them out from a register's NI
#: numbers and matched records to it, re-identifying 15.7-16.0 % of whole identities (first name,
#: surname, year) at 83-84 % precision over three keys (chance 0.02 %). Whole, each NI number is
#: a keyed token of its own; one-to-one F1 unchanged on the two populations that hold NI numbers
#: (docs/parameters.md, "Identifiers as one token").
IDENTIFIER_EXACT = POSTCODE_EXACT
#: A view of the split postcode salted with the whole date of birth: where the birthdays agree it
#: tells the linkage unit the postcodes agree though the initials differ (linkage/compare.py,
#: correcting_views). Without it a held-out multi-agency month lost 0.007 F1 (docs/parameters.md).
POSTCODE_BY_DOB = True
#: First name and surname together as one exact token under the postcode (with one salt family,
#: where names are salted with the date of birth): a pair whose dates of birth differ or are
#: missing has no name to compare, and this view keeps the evidence of an identical name at the
#: same address. Its equality classes are (first name, surname, postcode): one person, or a
#: duplicate, or a namesake at the same address, so chaining them with the names' date-of-birth
#: classes links records of one person and groups no names; as one token it has no similarity
#: to cluster. Compared only where the names themselves are not (compare.fallback_views).
FULL_NAME_VIEW = ("first_name", "last_name")


def _postcode_salt(kinds: dict[str, str], whole_postcode: bool = False
                   ) -> dict[str, str] | None:
    """Return the postcode's own salt, when the schema has a postcode and the salt's field."""
    if whole_postcode or kinds.get("postcode") != "postcode" \
            or kinds.get(POSTCODE_SALT[0]) != "name":
        return None
    return {"field": POSTCODE_SALT[0], "transform": POSTCODE_SALT[1]}


def _salt_with(field: str, kinds: dict[str, str], whole_postcode: bool) -> dict[str, str]:
    """Return a salt of a field's whole value (of a salted postcode: with its own salt)."""
    if field == "postcode" and _postcode_salt(kinds, whole_postcode) is not None:
        return {"field": field, "transform": "value_with_salt"}
    return {"field": field, "transform": "value"}


def suggested_fields(kinds: dict[str, str], whole_postcode: bool = False,
                     one_salt: bool = True) -> list[dict[str, Any]]:
    """Field documents: names salted with the whole date of birth (and, two salts, the postcode).

    The unit of privacy is the whole file (docs/parameters.md): a name filter that could be
    compared across the file, or two views of a name joined through an unsalted CLK, let an
    attacker count and label names. Salted with a whole value, a name is comparable only within
    the records that share that value (a birthday, a postcode), so its equality classes are a
    handful of records and nothing joins them; the linkage unit compares a pair's names under
    whichever salt the pair shares (linkage/compare.py, salt gates). ``one_salt`` (the default):
    the first salt only, so that no two families of salt groups chain; ``False`` adds the
    ``_by_postcode`` views, which keep the names of people whose date of birth is missing or
    mistyped comparable at a measured cost in privacy (docs/parameters.md). No CLK.
    """
    salts = [f for f in NAME_SALTS if f in kinds][:1 if one_salt else None]
    fields: list[dict[str, Any]] = []
    views: list[dict[str, Any]] = []
    # with SHARE_NAME_KEYS, name fields share one name's keys, so a first name and surname given
    # the other way round can be compared crossed (linkage/compare.py, swaps)
    names = [r for r in SWAPPABLE_NAMES if kinds.get(r) == "name"]
    owner = names[0] if len(names) > 1 and SHARE_NAME_KEYS else None
    for role, kind in kinds.items():
        if kind == "sex" and not SEX_FIELD:
            continue
        doc: dict[str, Any] = {"name": role, "kind": kind}
        if kind == "sex":
            if SEX_SALTED and salts:
                doc["salt"] = _salt_with(salts[0], kinds, whole_postcode)
            else:
                doc["disclosed"] = True
        if role == "date_of_birth" and kind == "date":
            doc.update(DOB_EXACT)
        if kind == "identifier":
            doc.update(IDENTIFIER_EXACT)
        if kind == "postcode":
            doc.update(POSTCODE_EXACT)
            if (own := _postcode_salt(kinds, whole_postcode)) is not None:
                doc["salt"] = own
                if POSTCODE_BY_DOB and "date_of_birth" in kinds:
                    views.append({**doc, "name": f"{role}_by_date_of_birth", "source": role,
                                  "salt": {"field": "date_of_birth", "transform": "value"}})
        if kind == "name" and salts:
            doc.update(salt=_salt_with(salts[0], kinds, whole_postcode),
                       hardening=NAME_HARDENING, comparison={"thresholds": NAME_PAD_THRESHOLDS},
                       **NAME_PAD)
            if owner is not None and role in names and role != owner:
                doc["key_with"] = owner
            for salt in salts[1:]:
                view = {**doc, "name": f"{role}_by_{salt}", "source": role,
                        "salt": _salt_with(salt, kinds, whole_postcode)}
                if "key_with" in doc:
                    view["key_with"] = f"{owner}_by_{salt}"
                views.append(view)
        fields.append(doc)
    if one_salt and salts == ["date_of_birth"] and FULL_NAME_VIEW \
            and all(kinds.get(r) == "name" for r in FULL_NAME_VIEW) and "postcode" in kinds:
        views.append({"name": "full_name_by_postcode", "kind": "name",
                      "source": list(FULL_NAME_VIEW), **POSTCODE_EXACT,
                      "hardening": [{"type": "xor_fold"}],
                      "salt": _salt_with("postcode", kinds, whole_postcode)})
    return fields + views


def _key_name(parts: tuple[tuple[str, str], ...]) -> str:
    return "-".join(f"{f}.{t}" for f, t in parts)


def suggest_schema(df: pd.DataFrame, sample_size: int = SAMPLE_SIZE, *,
                   whole_postcode: bool = False,
                   one_salt: bool = True) -> tuple[Schema, Mapping, list[str]]:
    """Propose a linkage schema and this holder's mapping for a table; also the reasons, one a line.

    ``whole_postcode``: key the postcode, its blocking key and the names' postcode views on the
    whole postcode (the other end of the measured trade-off, docs/parameters.md): more true
    pairs found, but large addresses are told by the size of their class. ``one_salt`` (the
    default): each name under one salt (the date of birth where there is one), no postcode
    views, so the names' salt groups cannot be chained; ``False`` adds the postcode views, more
    matches at a measured cost in privacy (docs/parameters.md, "One salt family").

    Raises InputDataError for an empty table and MappingError when no column can be the record id
    or no column is a usable linkage field. Reasons name columns, kinds and shares, never values.
    """
    _require_text_columns(df)
    a = _analyse(df, sample_size)
    if a.id_column is None:
        raise MappingError(_no_id_message(a))
    if a.roles:
        _drop_address_views(a)
    if not SEX_FIELD and "sex" in a.roles and len(a.roles) > 1:
        a.ignored.append((" + ".join(a.roles.pop("sex").columns), SEX_LEFT_OUT))
    roles = [r for r in ROLE_ORDER if r in a.roles]
    if not roles or (not SEX_FIELD and roles == ["sex"]):  # sex alone is left out: nothing left
        raise MappingError(
            f"none of the {len(a.profiles)} columns looks like a linkage field (names, date of "
            "birth, sex, address, town, postcode, NI number); rename the columns or write the "
            "schema by hand")
    kinds = {r: a.roles[r].kind for r in roles}
    schema, keys = _design(kinds, whole_postcode=whole_postcode, one_salt=one_salt)
    mapping = Mapping(a.id_column, tuple((r, _source(a.roles[r])) for r in roles))
    reasons = _reasons(a, roles)
    reasons += _lone_salt_notes(a, schema, {r: a.roles[r].columns for r in roles})
    sex = schema.field("sex") if "sex" in schema.field_names else None
    if sex is not None and sex.salt is not None:
        reasons.append(f"sex: salted with the {sex.salt.field.replace('_', ' ')}, so it is "
                       "compared only between records that share it (compared across the file, "
                       "a two-valued field shows which records share a sex)")
    elif sex is not None:
        reasons.append("sex: declared disclosed (the linkage unit sees which records share a sex; "
                       "a two-valued field cannot be hidden from a party that compares it); "
                       "remove the field to withhold it, at a cost in matches found")
    pc = schema.field("postcode") if "postcode" in schema.field_names else None
    if pc is not None and pc.salt is not None:
        reasons.append("postcode: salted with the first name's initial, as is its blocking key "
                       "(and the names' postcode views, with --two-salts), so that no column "
                       "shows which records "
                       "share a whole postcode (the size of a large address's class names it); "
                       "--whole-postcode keys them on the postcode alone")
    dob = schema.field("date_of_birth") if "date_of_birth" in schema.field_names else None
    if dob is not None and dob.tokens.type == "exact":
        reasons.append("date_of_birth: one exact token, so that dates that share a year, month "
                       "or day share no bits (their parts would group the file's records)")
    named = [f for f in schema.fields if f.kind == "name" and f.source is None and f.salt]
    if named and not any(f.source is not None and f.kind == "name" and not f.joined
                         for f in schema.fields):
        salt = named[0].salt.field
        other = ("; --two-salts adds views salted with the postcode, which find more people "
                 "whose date of birth is missing or wrong, and which the privacy audit marks at "
                 "risk") if salt == "date_of_birth" and "postcode" in kinds else ""
        reasons.append(f"names: salted with the {salt.replace('_', ' ')} alone (one salt "
                       f"family), so that the file's salt groups cannot be chained{other}")
    if "full_name_by_postcode" in schema.field_names:
        reasons.append("full_name_by_postcode: first name and surname together as one exact "
                       "token salted with the postcode, compared only where the names are not "
                       "(a date of birth missing or different): its equality classes are one "
                       "person at one address, so it groups no names")
    if "postcode_by_date_of_birth" in schema.field_names:
        reasons.append("postcode_by_date_of_birth: the postcode salted with the date of birth, "
                       "so that the linkage unit sees the same postcode for a person whose "
                       "initials differ (a middle name used as the first) where birthdays agree")
    if keys:
        reasons += [f"blocking key {_key_name(k)}" for k in keys]
    else:
        reasons.append("no blocking keys: the linkage unit can block on the encodings instead")
    return schema, mapping, reasons


def _design(kinds: dict[str, str], description: str = SUGGESTED_DESCRIPTION,
            whole_postcode: bool = False, one_salt: bool = True
            ) -> tuple[Schema, list[tuple[tuple[str, str], ...]]]:
    """Make the suggested schema (format version 2) for fields of these kinds; its keys too."""
    keys = _blocking_keys(kinds, whole_postcode)
    doc = {
        "linkcore_schema": 2,
        "description": description,
        "fields": suggested_fields(kinds, whole_postcode, one_salt),
        "clk": None,
        "blocking_keys": [{"name": _key_name(k), "parts": [{"field": f, "transform": t}
                                                           for f, t in k]} for k in keys],
    }
    return Schema.from_dict(doc), keys


#: A whole-name field counts as holding these (suggest_mapping splits it onto them).
_FULL_NAME_PARTS = ("first_name", "middle_name", "last_name")


def merge_suggestions(schemas: Sequence[Schema], min_holders: int = 2, *,
                      whole_postcode: bool = False, one_salt: bool = True
                      ) -> tuple[Schema, list[str]]:
    """Merge the schemas several holders proposed, each from its own extract, into one.

    A field is kept when at least ``min_holders`` of the proposals hold it (all of them when
    there are fewer proposals): a field only one agency holds cannot link it to anyone, and a
    field a holder lacks is simply missing in its file. An identifier (an NHS or NI number) is
    kept when any proposal holds it: it cannot link agencies that lack it, but it tells one
    holder's duplicates from different people who share a name, a birthday and an address
    (twins, a parent and child of one name), which nothing else in the file can. A whole-name
    field counts as first, middle and last name (``suggest_mapping`` reads them from it). Where
    proposals give a field different kinds, the kind most of them give is used (the first on a
    tie). The design (salts, views, blocking keys) is then made afresh for the fields kept, as
    ``suggest_schema`` makes it (``whole_postcode`` as there). Only schema files are read, never
    data, so no holder sees another's values. Returns the schema and one reason a line.
    """
    if len(schemas) < 1:
        raise ParameterError("give at least one proposed schema")
    if not isinstance(min_holders, int) or isinstance(min_holders, bool) or min_holders < 1:
        raise ParameterError("min_holders must be a whole number of at least 1")
    need = min(min_holders, len(schemas))
    held: dict[str, list[int]] = {}
    votes: dict[str, list[str]] = {}
    notes: list[str] = []
    for k, schema in enumerate(schemas):
        for f in schema.fields:
            if f.source is not None:
                continue  # a view follows its field
            if f.name not in ROLE_KINDS:
                notes.append(f"{f.name}: in proposal {k + 1} but not a field `schema "
                             "suggest` makes: left out (add it to the result by hand)")
                continue
            parts = (f.name,)
            if f.name == "full_name":
                parts = _FULL_NAME_PARTS
                notes.append(f"full_name of proposal {k + 1} counted as first, middle and last "
                             "name")
            for role in parts:
                if k not in held.setdefault(role, []):
                    held[role].append(k)
                    votes.setdefault(role, []).append(f.kind)
    kinds = {}
    for role, given in votes.items():
        kinds[role] = max(dict.fromkeys(given), key=given.count)  # most given; first on a tie
        if len(set(given)) > 1:
            notes.append(f"{role}: proposals give it as {', '.join(sorted(set(given)))}; using "
                         f"{kinds[role]}")
    kept = {r: kinds[r] for r in ROLE_ORDER
            if len(held.get(r, [])) >= (1 if kinds.get(r) == "identifier" else need)
            and (SEX_FIELD or kinds.get(r) != "sex")}
    if not kept:
        raise ParameterError(f"no field is held by {need} of the {len(schemas)} proposals")
    merged, keys = _design(kept, MERGED_DESCRIPTION, whole_postcode, one_salt)
    reasons = notes
    for role in ROLE_ORDER:
        if role not in held:
            continue
        who = ", ".join(str(k + 1) for k in held[role])
        verdict = "kept" if role in kept else f"left out (fewer than {need} hold it)"
        if kinds.get(role) == "sex" and not SEX_FIELD:
            verdict = "left out (the suggested design leaves sex out)"
        if role in kept and len(held[role]) < need:
            verdict = "kept (an identifier: it tells one holder's duplicates apart)"
        reasons.append(f"{role}: held by proposal(s) {who} of {len(schemas)}: {verdict}")
    reasons += [f"blocking key {_key_name(k)}" for k in keys]
    salts = {f.salt.field for f in merged.fields if f.kind == "name" and f.source is None
             and f.salt is not None}
    for salt in sorted(salts):
        lacking = [str(k + 1) for k in range(len(schemas)) if k not in held.get(salt, [])]
        if lacking and not any(f.source is not None and f.kind == "name" and not f.joined
                               for f in merged.fields):
            joined = [f for f in merged.fields if f.joined]
            also = (f"; {joined[0].name} still compares {' and '.join(joined[0].sources)} where "
                    "they are identical at the same postcode" if joined else "")
            reasons.append(f"names: salted with {salt} alone, which proposal(s) "
                           f"{', '.join(lacking)} do not hold: their names will be encoded as "
                           f"missing and compared with nobody{also} (--two-salts also salts "
                           "names with the postcode, at a privacy cost: docs/parameters.md, "
                           "'One salt family, the default')")
    return merged, reasons


def _source(asg: _Assignment) -> FieldSource:
    return FieldSource(tuple(asg.columns), asg.date_format, asg.values, asg.words)


def _no_id_message(a: _Analysis) -> str:
    personal = [(p.column, personal_values(p)) for p in a.profiles.values()
                if p.unique_complete and personal_values(p)]
    if personal:
        column, what = personal[0]
        return (f"no column can be the record id: column {column!r} is unique but holds "
                f"{what}, and a record id travels in plain text in the encoded file; add an id "
                "of your own (e.g. a row number column named record_id)")
    return (f"no column can be the record id: none of the {len(a.profiles)} columns has a unique, "
            f"non-empty value in all {a.n_rows:,} rows; add one (e.g. a row number column named "
            "record_id)")


def _reasons(a: _Analysis, roles: Iterable[str]) -> list[str]:
    lines = [f"{a.id_column} -> record id ({a.id_why}; not put in the schema)"]
    for r in roles:
        asg = a.roles[r]
        cols = " + ".join(asg.columns)
        lines.append(f"{cols} -> {r} ({asg.kind}, {asg.why})")
    for col, why in a.ignored:
        lines.append(f"{col}: not used ({why})")
    return lines


def _field_role(field_name: str) -> str:
    """Return the role a schema field stands for: its name if canonical, else what it suggests."""
    if field_name in ROLE_KINDS:
        return field_name
    role = role_from_name(field_name)
    return role if role in ROLE_KINDS else field_name


#: A salt field empty in more than this share of rows gets a reason line (names under it alone).
SALT_MISSING_NOTE = 0.01


def _lone_salt_notes(a: _Analysis, schema: Schema, held: dict[str, list[str]]) -> list[str]:
    """Warn where a salt leaves names missing: names under one salt field this table lacks.

    A name salted with a field is encoded as missing where that field is (spec §8); with no view
    of it under another salt, such a record's name is compared with nobody. ``held``: each
    schema field's columns here (empty when not held). Shares only, never values.
    """
    viewed = {f.source for f in schema.fields if f.source is not None and not f.joined}
    joined = [f for f in schema.fields if f.joined]
    by_salt: dict[str, list[str]] = {}
    for f in schema.fields:
        if f.kind == "name" and f.source is None and f.salt is not None \
                and f.name not in viewed and held.get(f.name):
            by_salt.setdefault(f.salt.field, []).append(f.name)
    notes = []
    for salt, names in by_salt.items():
        columns = held.get(salt, [])
        which = ", ".join(names)
        other = (" (`schema suggest --two-salts` also salts names with the postcode, at a "
                 "privacy cost: docs/parameters.md, 'One salt family, the default')"
                 if salt == "date_of_birth" else "")
        if joined and salt == "date_of_birth":
            view = joined[0]
            other = (f", or on {view.name} where {' and '.join(view.sources)} are identical at "
                     f"the same postcode{other}")
        if not columns:
            notes.append(f"{which}: salted with {salt}, which this table does not hold, so "
                         "every one of them is encoded as missing and compared with nobody; "
                         f"these records link on the other fields alone{other}")
            continue
        present = min(a.profiles[c].n_present for c in columns) if a.n_rows else 0
        empty = 1 - present / a.n_rows if a.n_rows else 0.0
        if empty > SALT_MISSING_NOTE:
            notes.append(f"{which}: salted with {salt}, which is empty in {_pct(empty)} of the "
                         "rows: those records' names are encoded as missing and link on the "
                         f"other fields alone{other}")
    return notes


def _require_text_columns(df: Any) -> None:
    """Refuse column labels that are not text, as encoding does (a mapping names columns)."""
    if any(not isinstance(c, str) for c in getattr(df, "columns", ())):
        raise MappingError("the table's column names are not all text (a mapping names "
                           "columns by text); rename them, e.g. df.columns = "
                           "df.columns.astype(str)")


def suggest_mapping(
    df: pd.DataFrame, schema: Schema, sample_size: int = SAMPLE_SIZE
) -> tuple[Mapping, list[str]]:
    """Propose this holder's mapping onto an agreed schema; fields it does not hold map to null.

    Raises MappingError when no column can be the record id or no column fits any field.
    """
    if not isinstance(schema, Schema):
        raise TypeError("schema must be a linkcore.Schema (use Schema.load(path))")
    _require_text_columns(df)
    a = _analyse(df, sample_size)
    if a.id_column is None:
        raise MappingError(_no_id_message(a))
    reasons = [f"{a.id_column} -> record id ({a.id_why})"]
    _split_full_name(a, schema)
    sources: list[tuple[str, FieldSource]] = []
    used: set[str] = set()
    unheld: list[str] = []
    for f in schema.fields:
        if f.source is not None:
            continue  # a view takes its source's value
        asg = a.roles.get(_field_role(f.name))
        if asg is None:
            # A column named exactly like the field, or the only column of the field's kind.
            asg = _fallback(a, f.name, f.kind, used)
        if asg is None:
            sources.append((f.name, FieldSource(())))
            unheld.append(f.name)
            reasons.append(f"{f.name} -> not held (no column found; encoded as missing; "
                           "map it by hand if you hold it)")
            continue
        src = _fit_source(a, asg, f.kind)
        sources.append((f.name, src))
        used.update(asg.columns)
        note = ""
        if asg.kind != f.kind:
            note = (f"; WARNING: the contents look {asg.kind}, the schema says {f.kind}: "
                    "check this column")
        reasons.append(f"{' + '.join(asg.columns)} -> {f.name} ({f.kind}, {asg.why}{note})")
    if len(unheld) == sum(f.source is None for f in schema.fields):
        raise MappingError(
            f"no column of the input fits any of the schema's {len(schema.fields)} fields; "
            "write the mapping by hand")
    for role, asg in a.roles.items():
        if not set(asg.columns) & used:
            reasons.append(f"{' + '.join(asg.columns)}: not used (looks like "
                           f"{ROLE_LABELS.get(role, role)}, which the schema does not have)")
    reasons += [f"{col}: not used ({why})" for col, why in a.ignored]
    mapping = Mapping(a.id_column, tuple(sources))
    mapping.check_schema(schema)
    reasons += _lone_salt_notes(a, schema, {name: list(src.columns) for name, src in sources})
    return mapping, reasons


#: A whole-name column with more values than this share holding a comma is not split: it is
#: likely written "SURNAME, Forename", whose words come the other way round.
FULL_NAME_COMMA_MAX = 0.05


def _split_full_name(a: _Analysis, schema: Schema) -> None:
    """Read a whole-name column as the first, middle or last name the table lacks.

    For a table mapped onto a schema without a full-name field: the first word is the first
    name, the last word the surname, the words between them the middle names (after name
    normalisation, which drops titles and reads a hyphen as a space). Not when many values hold
    a comma ("SURNAME, Forename").
    """
    full = a.roles.get("full_name")
    wanted = set(schema.field_names)
    if full is None or "full_name" in wanted or len(full.columns) != 1:
        return
    missing = [r for r in _FULL_NAME_PARTS if r in wanted and r not in a.roles]
    if not missing:
        return
    p = a.profiles[full.columns[0]]
    commas = p.share(lambda v: "," in v)
    if commas > FULL_NAME_COMMA_MAX:
        a.ignored.append((p.column, f"a whole name, but {_pct(commas)} of {_of(p)} hold a comma "
                          "(\"SURNAME, Forename\"?): not split; map its parts by hand"))
        del a.roles["full_name"]
        return
    how = {"first_name": ("first", "the first word of a whole-name column"),
           "middle_name": ("middle", "the words between the first and the last of a "
                                     "whole-name column"),
           "last_name": ("last", "the last word of a whole-name column (a surname in two "
                                 "words or with a hyphen keeps only its last part; a single "
                                 "word after a title is read as a first name)")}
    for role in missing:
        words, why = how[role]
        a.roles[role] = _Assignment(role, "name", full.columns, why, words=words)
    del a.roles["full_name"]


def _fallback(a: _Analysis, name: str, kind: str, used: set[str]) -> _Assignment | None:
    for col, p in a.profiles.items():
        if col in used or col == a.id_column:
            continue
        if field_name_for(col) == name:
            asg = _Assignment(name, kind, [col], "column named like the field")
            if kind == "date":
                choice = detect_date_format(p.sample)
                asg.date_format, asg.why = choice.date_format, _date_why(choice, p)
            return asg
    return None


def _fit_source(a: _Analysis, asg: _Assignment, kind: str) -> FieldSource:
    """Build the mapping source for a field of ``kind``: dates get a format, sex codes a map."""
    date_format = asg.date_format
    values = asg.values if kind in ("sex", "categorical") else ()
    if kind == "date" and date_format is None:
        date_format = detect_date_format(a.profiles[asg.columns[0]].sample).date_format
    if kind != "date":
        date_format = None
    if kind == "sex" and not values:
        values = _sex_values(a.profiles[asg.columns[0]])
    words = asg.words if kind == "name" else "all"
    return FieldSource(tuple(asg.columns), date_format, values, words)
