"""Hypothesis strategies that damage valid files: bytes, JSON documents, CSV tables, Parquet tables.

Each strategy takes a valid input (the bytes of a file, a parsed JSON document, a table as rows of
text) and returns a mutated copy, the way a file is damaged in transit or written by a careless
tool: bytes flipped, cut, inserted, deleted or repeated; JSON values swapped for other types, huge
numbers, NaN, odd unicode, keys dropped, added or written twice; CSV columns dropped, renamed or
duplicated, cells changed, rows added or removed. Used by tests/test_fuzz_readers.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from typing import Any

from hypothesis import strategies as st

# Planted in data values (ids, names): no output or message may ever contain it.
MARKER = "QZXV7MARK"
# Written into configuration (schema, mapping, model JSON), which messages may quote.
CONFIG_TOKEN = "cfg-token"

# --------------------------------------------------------------------------------------
# Bytes
# --------------------------------------------------------------------------------------
BYTE_OPS = ("flip", "truncate", "insert", "delete", "repeat", "overwrite")


@st.composite
def mutated_bytes(draw, data: bytes, max_ops: int = 3, tail: int = 0) -> bytes:
    """``data`` with 1..max_ops byte edits; with ``tail``, half the edits land in the last bytes.

    Parquet keeps its footer (schema, metadata, offsets) in its last bytes, so edits there reach
    the footer parser rather than only the data pages.
    """
    out = bytearray(data)
    for op in draw(st.lists(st.sampled_from(BYTE_OPS), min_size=1, max_size=max_ops)):
        n = len(out)
        lo = max(0, n - tail) if tail and draw(st.booleans()) else 0
        i = draw(st.integers(lo, n))
        if op == "truncate":
            del out[i:]
        elif op == "insert":
            out[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif i >= n:
            continue
        elif op == "flip":
            out[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del out[i:draw(st.integers(i + 1, min(n, i + 64)))]
        elif op == "repeat":
            j = draw(st.integers(i + 1, min(n, i + 64)))
            out[j:j] = out[i:j]
        else:  # overwrite
            chunk = draw(st.binary(min_size=1, max_size=8))
            out[i:i + len(chunk)] = chunk
    return bytes(out)


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------
NASTY_VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, 3, 7, 63, 64, 65, 2**31, 2**63, 2**64 + 1, -(2**63), 10**400,
    0.5, -0.0, 1e-320, 1e308, -1e308, math.nan, math.inf, -math.inf,
    "", " ", "\x00", "é☃𝄞", "\u202e", "a" * 300, "1", "NaN", "null", CONFIG_TOKEN,
    [], [None], [1, 2], ["x"], {}, {"": None}, {"a": 1},
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in a JSON document (the root is the empty path)."""
    found = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found.extend(_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found.extend(_paths(v, (*prefix, i)))
    return found


def _get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _value(draw) -> Any:
    return draw(st.sampled_from(NASTY_VALUES) | st.integers() | st.floats() |
                st.text(max_size=20) | st.lists(st.integers(-3, 70), max_size=4))


def _tweak(draw, node: Any, doc: Any) -> Any:
    """A value of the same type as ``node`` that is plausible but odd (so it may pass checks)."""
    if isinstance(node, bool):
        return not node
    if isinstance(node, int):
        return draw(st.sampled_from([0, 1, 2, 3, 8, 64, 128, 192, 256, 1024, 4096, 65536, 65600,
                                     node * 2, node // 2, node + 64, node - 1, -node]))
    if isinstance(node, float):
        return draw(st.sampled_from([0.0, 1.0, 0.5, 0.999999, 1e-12, 1e-300, node / 2,
                                     min(1.0, node * 2), 1.0 - 1e-16]))
    if isinstance(node, str):
        strings = sorted({v for v in _leaves(doc) if isinstance(v, str)}) or [""]
        return draw(st.sampled_from(strings))
    if isinstance(node, list) and node:
        return draw(st.sampled_from([node[:1], node[::-1], node + node[-1:], node[1:], []]))
    if isinstance(node, dict) and node:
        keys = list(node)
        return {k: node[k] for k in keys[:draw(st.integers(0, len(keys) - 1))]}
    return _value(draw)


def _leaves(doc: Any) -> list[Any]:
    if isinstance(doc, dict):
        return [x for v in doc.values() for x in _leaves(v)]
    if isinstance(doc, list):
        return [x for v in doc for x in _leaves(v)]
    return [doc]


JSON_OPS = ("replace", "tweak", "tweak", "tweak", "delete", "add", "wrap", "swap_type",
            "duplicate")


@st.composite
def mutated_json(draw, doc: Any, max_ops: int = 3) -> str:
    """JSON text of ``doc`` after 1..max_ops edits (values, types, keys, duplicate keys).

    Locations are chosen uniformly (Hypothesis would otherwise favour the root and the first
    key), and most edits keep a value's type, so that many mutants still pass validation and
    reach the code behind it.
    """
    doc = copy.deepcopy(doc)
    duplicate: tuple | None = None
    for op in draw(st.lists(st.sampled_from(JSON_OPS), min_size=1, max_size=max_ops)):
        # a fixed shuffle, so that Hypothesis' liking for index 0 is not a liking for the root
        paths = sorted(_paths(doc)[1:], key=lambda p: hashlib.sha256(repr(p).encode()).digest())
        path = paths[draw(st.integers(0, len(paths) - 1))] if paths else ()
        node = _get(doc, path)
        if op == "replace":
            doc = _set(doc, path, copy.deepcopy(_value(draw)))
        elif op == "tweak":
            doc = _set(doc, path, copy.deepcopy(_tweak(draw, node, doc)))
        elif op == "delete" and path:
            parent = _get(doc, path[:-1])
            del parent[path[-1]]
        elif op == "add" and isinstance(node, dict):
            node[draw(st.sampled_from(["extra", "", CONFIG_TOKEN, "fields", "é"]))] = _value(draw)
        elif op == "add" and isinstance(node, list):
            node.insert(draw(st.integers(0, len(node))),
                        copy.deepcopy(node[0]) if node and draw(st.booleans()) else _value(draw))
        elif op == "wrap":
            doc = _set(doc, path, [node] if draw(st.booleans()) else {"value": node})
        elif op == "swap_type":
            swapped = (list(node.values()) if isinstance(node, dict)
                       else {str(i): v for i, v in enumerate(node)} if isinstance(node, list)
                       else str(node))
            doc = _set(doc, path, swapped)
        elif op == "duplicate" and isinstance(node, dict) and node:
            duplicate = path
    text = json.dumps(doc, indent=1, ensure_ascii=draw(st.booleans()))
    if duplicate is not None:
        try:
            _get(doc, duplicate)
        except (KeyError, IndexError, TypeError):
            return text
        text = _with_duplicate_key(doc, duplicate, _value(draw))
    return text


def _with_duplicate_key(doc: Any, path: tuple, value: Any) -> str:
    """Serialise ``doc`` with the object at ``path`` writing its first key twice."""

    def dump(node: Any, here: tuple) -> str:
        if isinstance(node, dict):
            items = [f"{json.dumps(k)}: {dump(v, (*here, k))}" for k, v in node.items()]
            if here == path and node:
                first = next(iter(node))
                items.append(f"{json.dumps(first)}: {json.dumps(value)}")
            return "{" + ", ".join(items) + "}"
        if isinstance(node, list):
            return "[" + ", ".join(dump(v, (*here, i)) for i, v in enumerate(node)) + "]"
        return json.dumps(node)

    return dump(doc, ())


any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    | st.sampled_from(NASTY_VALUES),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)
"""Any JSON document at all (the generated, not mutated, case)."""


@st.composite
def json_text(draw, doc: Any) -> str:
    """Mostly ``doc`` mutated, sometimes a document generated from nothing."""
    if draw(st.integers(0, 9)) == 0:
        return json.dumps(draw(any_json))
    return draw(mutated_json(doc))


# --------------------------------------------------------------------------------------
# CSV tables (rows of text, header first)
# --------------------------------------------------------------------------------------
NASTY_CELLS = (
    "", " ", "\t", "NA", "nan", "NULL", "None", "-", "0", "-1", "1e400", "9" * 40, "1.5",
    "=1+1", '"', "'", ",", "a,b", 'say "hi"', "line\nbreak", "\r", "\x00", "\ufeff", "é",
    "Zoë O'Brien-Łukasz", "Иван", "山田", "محمد", "😀", "\u202e", "x" * 2000, MARKER,
    "2020-02-30", "31/12/1999", "1900-01-01", "9999-12-31", "SW1A 1AA", "M", "F", "unknown",
    "0.5", "1", "1.0000001", "-0.1", "inf",
)
TABLE_OPS = ("cell", "cell", "cell", "drop_column", "rename", "duplicate_name", "add_column",
             "add_row", "drop_rows", "no_rows", "ragged", "swap_columns")


@st.composite
def mutated_rows(draw, rows: list[list[str]], max_ops: int = 3) -> list[list[str]]:
    """A table (header + rows of text) after 1..max_ops edits of columns, names, cells, rows."""
    rows = [list(r) for r in rows]
    for op in draw(st.lists(st.sampled_from(TABLE_OPS), min_size=1, max_size=max_ops)):
        width = len(rows[0])
        cell = st.sampled_from(NASTY_CELLS) | st.text(max_size=12)
        if op == "cell" and len(rows) > 1 and width:
            r = draw(st.integers(1, len(rows) - 1))
            c = draw(st.integers(0, width - 1))
            if c < len(rows[r]):
                rows[r][c] = draw(cell)
        elif op == "drop_column" and width > 1:
            c = draw(st.integers(0, width - 1))
            rows = [r[:c] + r[c + 1:] for r in rows]
        elif op == "rename" and width:
            rows[0][draw(st.integers(0, width - 1))] = draw(
                st.sampled_from(["", " ", "id", "é", "Unnamed: 0", "a,b", MARKER[:4]]))
        elif op == "duplicate_name" and width > 1:
            a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            rows[0][b] = rows[0][a]
        elif op == "add_column":
            name = draw(st.sampled_from(["extra", "", "probability", "agency_a", "cluster"]))
            rows = [rows[0] + [name]] + [r + [draw(cell)] for r in rows[1:]]
        elif op == "add_row" and len(rows) > 1:
            src = rows[draw(st.integers(1, len(rows) - 1))]
            rows.insert(draw(st.integers(1, len(rows))), list(src))
        elif op == "drop_rows" and len(rows) > 2:
            keep = draw(st.integers(1, len(rows) - 1))
            rows = rows[:keep]
        elif op == "no_rows":
            rows = rows[:1]
        elif op == "ragged" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            rows[r] = rows[r][:-1] if draw(st.booleans()) and rows[r] else rows[r] + [draw(cell)]
        elif op == "swap_columns" and width > 1:
            a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            for r in rows:
                if max(a, b) < len(r):
                    r[a], r[b] = r[b], r[a]
    return rows


generated_rows = st.lists(
    st.lists(st.sampled_from(NASTY_CELLS) | st.text(max_size=8), min_size=1, max_size=6),
    min_size=1, max_size=6,
)
"""A table of any shape and content (the generated, not mutated, case)."""


def rows_to_csv(rows: list[list[str]]) -> bytes:
    """Write rows as CSV (UTF-8), quoting as the csv module does."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------------------
# Parquet tables of odd column types
# --------------------------------------------------------------------------------------
@st.composite
def odd_arrow_column(draw, n: int):
    """One Arrow column of n rows, of a type a data table might hold (or should not)."""
    import datetime as dt

    import pyarrow as pa

    kind = draw(st.sampled_from(["text", "int", "float", "bool", "binary", "date", "timestamp",
                                 "list", "struct", "dictionary", "null", "decimal"]))
    nulls = st.none() if draw(st.booleans()) else st.nothing()
    if kind == "text":
        values = draw(st.lists(st.sampled_from(NASTY_CELLS) | st.text(max_size=8) | nulls,
                               min_size=n, max_size=n))
        return pa.array(values, type=pa.string())
    if kind == "int":
        return pa.array(draw(st.lists(st.integers(-(2**63), 2**63 - 1) | nulls,
                                      min_size=n, max_size=n)), type=pa.int64())
    if kind == "float":
        return pa.array(draw(st.lists(st.floats() | nulls, min_size=n, max_size=n)),
                        type=pa.float64())
    if kind == "bool":
        return pa.array(draw(st.lists(st.booleans() | nulls, min_size=n, max_size=n)))
    if kind == "binary":
        return pa.array(draw(st.lists(st.binary(max_size=8) | nulls, min_size=n, max_size=n)),
                        type=pa.binary())
    if kind == "date":
        return pa.array(draw(st.lists(st.dates() | nulls, min_size=n, max_size=n)),
                        type=pa.date32())
    if kind == "timestamp":
        return pa.array(draw(st.lists(
            st.datetimes(min_value=dt.datetime(1677, 9, 22), max_value=dt.datetime(2262, 4, 11))
            | nulls, min_size=n, max_size=n)), type=pa.timestamp("us"))
    if kind == "list":
        return pa.array(draw(st.lists(st.lists(st.integers(0, 9), max_size=3) | nulls,
                                      min_size=n, max_size=n)), type=pa.list_(pa.int64()))
    if kind == "struct":
        return pa.array([{"a": i, "b": str(i)} for i in range(n)])
    if kind == "dictionary":
        return pa.array(draw(st.lists(st.sampled_from(["M", "F", MARKER]), min_size=n,
                                      max_size=n))).dictionary_encode()
    if kind == "decimal":
        import decimal

        return pa.array([decimal.Decimal(i) / 8 for i in range(n)], type=pa.decimal128(20, 6))
    return pa.nulls(n)
