"""How each agency writes its records: column names, id format, dates, case, sex codes, postcodes.

Agencies cycle through these styles (agency 1 -> style 1, agency 2 -> style 2, agency 3 ->
style 3, agency 4 -> style 1, ...):

=========  ==============  ==========================  ==========================================
style      record id       names and sex               date, address, postcode, NI
=========  ==============  ==========================  ==========================================
1          rec_id R0483920 given_name, middle_name,    dob 1975-02-11; address "12 Mill Lane",
           (R + 8 digits)  surname as written;         town; postcode "SW1A 1AA";
                           sex Male/Female             ni_number AB123456C
2          record_id       FORENAME (first and middle  DOB 11/02/1975; ADDRESS_LINE_1 and TOWN in
           (8 digits)      in one field), SURNAME in   capitals; POST_CODE without a space, half
                           capitals; GENDER M/F        in lower case; NINO "AB 12 34 56 C"
3          id (12 hex      first_name, middle_initial, birth_date 19750211; house_no, street,
           characters)     last_name in lower case;    town; postcode "SW1A1AA";
                           sex_code 1 (male) 2 (female) ni in lower case
=========  ==============  ==========================  ==========================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._cells import column, is_missing


def _s(values: np.ndarray) -> pd.Series:
    return column(values)


def _each(values: np.ndarray, fn: Callable[[str], str]) -> pd.Series:
    """Apply ``fn`` to every present value in one Python pass (missing stays None)."""
    return column([None if is_missing(v) else fn(v) for v in values])


def _address(rec: dict[str, np.ndarray]) -> pd.Series:
    def one(n: object, s: object) -> str | None:
        if is_missing(n) and is_missing(s):
            return None
        return f"{'' if is_missing(n) else n} {'' if is_missing(s) else s}".strip()

    return column([one(n, s) for n, s in zip(rec["house_number"], rec["street"], strict=True)])


def _style_1(rec: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, pd.Series]:
    return {
        "rec_id": _s(rec["record_id"]),
        "given_name": _s(rec["first_name"]),
        "middle_name": _s(rec["middle_name"]),
        "surname": _s(rec["last_name"]),
        "sex": _s(rec["sex"]).map({"F": "Female", "M": "Male"}),
        "dob": _s(rec["date_of_birth"]),
        "address": _address(rec),
        "town": _s(rec["town"]),
        "postcode": _s(rec["postcode"]),
        "ni_number": _s(rec["ni_number"]),
    }


def _style_2(rec: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, pd.Series]:
    forename = [
        " ".join(x for x in (f, m) if not is_missing(x)).upper() or None
        for f, m in zip(rec["first_name"], rec["middle_name"], strict=True)
    ]
    lower = rng.random(len(forename)) < 0.5
    postcode = [
        None if is_missing(p) else (p.replace(" ", "").lower() if low else p.replace(" ", ""))
        for p, low in zip(rec["postcode"], lower, strict=True)
    ]
    return {
        "record_id": _s(rec["record_id"]),
        "FORENAME": column(forename),
        "SURNAME": _each(rec["last_name"], str.upper),
        "GENDER": _s(rec["sex"]),
        "DOB": _each(rec["date_of_birth"], lambda d: f"{d[8:10]}/{d[5:7]}/{d[:4]}"),
        "ADDRESS_LINE_1": _address(rec).str.upper(),
        "TOWN": _each(rec["town"], str.upper),
        "POST_CODE": column(postcode),
        "NINO": _each(rec["ni_number"], lambda v: f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:8]} {v[8:]}"),
    }


def _style_3(rec: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, pd.Series]:
    return {
        "id": _s(rec["record_id"]),
        "first_name": _each(rec["first_name"], str.lower),
        "middle_initial": _each(rec["middle_name"], lambda v: v[:1].lower()),
        "last_name": _each(rec["last_name"], str.lower),
        "birth_date": _each(rec["date_of_birth"], lambda d: d.replace("-", "")),
        "sex_code": _s(rec["sex"]).map({"M": "1", "F": "2"}),
        "house_no": _each(rec["house_number"], str),
        "street": _s(rec["street"]),
        "town": _s(rec["town"]),
        "postcode": _each(rec["postcode"], lambda p: p.replace(" ", "")),
        "ni": _each(rec["ni_number"], str.lower),
    }


def _ids_digits(prefix: str, width: int) -> Callable[[np.random.Generator, int], np.ndarray]:
    def make(rng: np.random.Generator, count: int) -> np.ndarray:
        low = 0 if prefix else 10 ** (width - 1)
        space = 10**width - low
        if count > space:
            raise ParameterError("too many records for this agency's record-id format")
        ids = rng.choice(space, size=count, replace=False) + low
        return np.array([f"{prefix}{i:0{width}d}" for i in ids.tolist()], dtype=object)

    return make


def _ids_hex(rng: np.random.Generator, count: int) -> np.ndarray:
    ids = rng.choice(2**48, size=count, replace=False)
    return np.array([f"{i:012x}" for i in ids.tolist()], dtype=object)


@dataclass(frozen=True)
class AgencyStyle:
    """One agency's way of writing records: its id column, id generator and formatter."""

    number: int
    id_column: str
    make_ids: Callable[[np.random.Generator, int], np.ndarray]
    format: Callable[[dict[str, np.ndarray], np.random.Generator], dict[str, pd.Series]]

    def render(self, rec: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
        """Format canonical records (record_id + population columns) as this agency writes them."""
        df = pd.DataFrame({k: column(v) for k, v in self.format(rec, rng).items()})
        return df.astype(object).where(df.notna(), None)


STYLES: tuple[AgencyStyle, ...] = (
    AgencyStyle(1, "rec_id", _ids_digits("R", 8), _style_1),
    AgencyStyle(2, "record_id", _ids_digits("", 8), _style_2),
    AgencyStyle(3, "id", _ids_hex, _style_3),
)


def style_for(agency: int) -> AgencyStyle:
    """Return the style of agency number ``agency`` (1-based)."""
    return STYLES[(agency - 1) % len(STYLES)]


def id_column(agency: int) -> str:
    """Name of the record-id column in agency ``agency``'s extract (its first column)."""
    return style_for(agency).id_column
