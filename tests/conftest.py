"""Fixtures shared by the data holder's tests: a fixed secret, a typical schema, a small table."""

from __future__ import annotations

import pandas as pd
import pytest
from strategies import record_schema_doc

from linkcore.holder.keys import Secret
from linkcore.schema import Schema

FIXED_KEY = bytes(range(1, 33))


@pytest.fixture(scope="session")
def secret() -> Secret:
    """A fixed 256-bit secret (tests are deterministic)."""
    return Secret(FIXED_KEY)


@pytest.fixture(scope="session")
def person_schema() -> Schema:
    """First name, last name, date of birth, sex, postcode; a CLK and two blocking keys."""
    return Schema.from_dict(record_schema_doc())


@pytest.fixture
def people() -> pd.DataFrame:
    """Four records with the person schema's columns (identity mapping, ids in 'id')."""
    return pd.DataFrame({
        "id": ["a1", "a2", "a3", "a4"],
        "first_name": ["John", "Mary", "Zoë", None],
        "last_name": ["Smith", "O'Brien", "Müller-Jones", "Patel"],
        "dob": ["1975-02-11", "11/02/1975", "not a date", "2001-12-31"],
        "sex": ["Male", "F", "m", None],
        "postcode": ["SW1A 1AA", "sw1a1aa", "EC1A 1BB", "nonsense"],
    })
