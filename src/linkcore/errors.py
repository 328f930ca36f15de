"""linkcore's exceptions: one base class, narrow subclasses.

Every message says what is wrong and what to do next. No message ever carries an
identifier value, a token, or key material: callers pass field names, column names,
row numbers and counts, never values.

    LinkcoreError                 base; the CLI maps it to exit status 2 (bad input)
    ├── SchemaError               the linkage schema is invalid (lists every problem)
    ├── MappingError              a holder's column mapping does not fit the schema or the data
    ├── SecretError               the secret key is missing, unreadable or too short
    ├── InputDataError            the input table cannot be read or lacks a column
    ├── OutputError               an output file cannot be written there
    ├── InvalidValueError         --strict: some values could not be normalised (row numbers only)
    ├── DatasetError              a file is not a valid encoded dataset
    │   └── IncompatibleDatasetsError  two datasets differ in schema, key or spec version
    ├── ModelError                a saved model is invalid or does not fit the data
    ├── StoreError                a linked-population store cannot be used (version, lock, ...)
    └── ParameterError            an option is out of range (threshold, overlap, size, ...)
"""

from __future__ import annotations

from collections.abc import Iterable


class LinkcoreError(Exception):
    """Base class for every error linkcore raises on purpose (bad input, not a bug)."""

    exit_code = 2


class SchemaError(LinkcoreError):
    """The linkage schema is invalid; ``problems`` lists each problem with its location."""

    def __init__(self, problems: Iterable[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            text = f"invalid schema: {self.problems[0]}"
        else:
            text = f"invalid schema ({len(self.problems)} problems): " + "; ".join(self.problems)
        super().__init__(text)


class MappingError(LinkcoreError):
    """A holder's column mapping does not fit the schema or the input table."""


class SecretError(LinkcoreError):
    """The secret key is missing, unreadable or too short. Never carries key material."""


class InputDataError(LinkcoreError):
    """The input table cannot be read (empty, not UTF-8, unknown format) or lacks a column."""


class OutputError(LinkcoreError):
    """An output file cannot be written (permissions, a file where a folder should be, ...)."""


class InvalidValueError(LinkcoreError):
    """Values that could not be normalised, raised under ``strict``; reports rows, never values."""


class DatasetError(LinkcoreError):
    """A file is not a valid linkcore encoded dataset (foreign, truncated or corrupted)."""


class IncompatibleDatasetsError(DatasetError):
    """Two encoded datasets cannot be linked: schema, key or spec version differ."""


class ModelError(LinkcoreError):
    """A saved linkage model is invalid, or does not fit the datasets it is applied to."""


class StoreError(LinkcoreError):
    """A linked-population store is missing, foreign, of another version, or busy."""


class ParameterError(LinkcoreError):
    """An option is out of its allowed range (a threshold outside [0, 1], a negative size, ...)."""


def format_rows(rows: Iterable[int], limit: int = 10) -> str:
    """Render row numbers (1-based, as a spreadsheet shows them) for an error summary."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")
