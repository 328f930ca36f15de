"""A linked population that persists: one SQLite file, each monthly update one transaction.

    create(path, schema_source, key)                      -> an empty store (schema, key checks)
    update(path, month, {agency: dataset}, key)           -> UpdateReport (added, changed, ...)
    people(path) / history(path) / months(path)          -> tables (agency, id, person), ...
    relink(path)                                          -> clusters of a full re-link

What the file holds (format version FORMAT_VERSION, ``PRAGMA user_version``; stores of an
older version are refused with a message naming both versions):
- ``meta``: the schema and its fingerprint, the data holders' key check value, the project key's
  check value, the threshold and clustering, and once the first month is linked the fitted model
  and its two weight corrections (salt groups, exact-agreement dependence) and the blocking
  rules kept with it (``linkage.incremental``), as JSON, no pickle;
- ``records``: each agency's current records (an integer key ``rec``, record id, the month each
  arrived and last changed, its person id);
- ``columns``: what a month reads of every record, one row per agency (records in id order):
  the record ids and person ids as JSON arrays and one BLOB of numbers per record: ``rec``, a
  128-bit digest of its encoding (``linkage.digests``, computed from the file's arrays), its
  key columns for the kept rules (keyed blocking keys, the filter hashes of the
  field-agreement fields) and the popcount of each filter, all derived from the encoding;
  rewritten whole each month (a few large values read and written, not a row per record);
- ``encodings``: each record's encoding, one BLOB (filter bytes, missing flags, CLK and
  blocking keys), read only for the records of an agency that sends no file in a month (the
  others are compared in their file) and for the re-registration check;
- ``links``: the accepted pairs, all in one row: per link (rec, rec, probability, the month
  found, as an index into the row's JSON list of months) in one BLOB (``_LINK``), read and
  rewritten whole each month (about 0.8 MB at 42,813 records: 1 ms to read, where a row per link
  took 0.024 s);
- ``persons`` and ``history``: every person id ever issued (first month, active / merged /
  ended) and each merge, split and end with its month and the link probability behind it;
- ``months``: per month and agency, the records held, added, changed and withdrawn.

A month: each agency's file is its full current extract. Records new since the last month are
added, records whose encoding changed (digest) are replaced, records absent are withdrawn (an
agency with no file this month keeps its records). The model and the blocking rules fitted and
chosen on the first month are kept (no refit): the new and changed records are joined against
the stored key columns of the whole population (a block left out when the whole population's
block is oversized, as in a full run), scored with the kept model and corrections, and the
clusters are recomputed only for the connected components of the links that the change touched.
A record that comes back changed keeps its links while both records stay present (the store's
``links`` policy ``kept``, the default: the agency says by the record id that it is the same
client, and its earlier values made those links); under ``rescored`` its links are dropped and
its pairs scored from the new values alone. So the month equals ``relink`` (the kept rules
planned over every encoding, scored, clustered, with the stored links under ``kept``).

Person ids: minted once per new person (``ProjectKey.minted_ids`` of the cluster's smallest
record and the month: keyed, 64 bits, no order or count) and never reused. After a month, each
old person's id goes to the new cluster holding most of its records (ties: the one holding more
of them that did not change this month, then the one with the smallest (agency, id)); a cluster
claimed by several ids keeps the one that held most of its records, then the oldest (first
month), then the smallest id, and the others are recorded as merged into it; a cluster claimed
by none gets a new id. Records of an old person that end in a cluster other than its home are
recorded as split from it (to that cluster's id). A new record that matches (kept model, at the
threshold) a record withdrawn the same month counts as that record's person: an agency that
re-registers someone under a new record id does not end them. Under ``kept``, the new record that
best matches a withdrawn one also takes over its links to the records still present (at the
smaller of the two probabilities).

Crash safety: SQLite's rollback journal, ``synchronous=FULL`` (and ``secure_delete``: the
bytes of a withdrawn or replaced encoding are overwritten, not left in free pages); the whole
month, from the first read to the last write, runs inside one ``BEGIN IMMEDIATE`` transaction,
so a run killed half-way leaves the previous month, and a second writer is refused at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkcore._io import refuse_key_like_name
from linkcore._sets import count_distinct, isin, sorted_unique
from linkcore.dataset import DatasetMeta, EncodedDataset, same_records
from linkcore.engines import numba_threads
from linkcore.errors import (
    IncompatibleDatasetsError,
    LinkcoreError,
    OutputError,
    ParameterError,
    SecretError,
    StoreError,
    refuse_one_string,
)
from linkcore.linkage import blocking as _blocking
from linkcore.linkage import incremental as _incremental
from linkcore.linkage import resolve as _resolve
from linkcore.linkage.blocking import AllPairs
from linkcore.linkage.digests import row_digests
from linkcore.linkage.pseudonyms import ProjectKey

#: The store layout this linkcore reads and writes (``PRAGMA user_version``). Version 2 keeps
#: the encodings in their own table and each record's digest and join keys beside it; version 3
#: keeps those and the ids and person ids as one ``columns`` row per agency; version 4 the same
#: with the digest of ``linkage.digests`` instead of SHA-256 of the record's BLOB (a version-3
#: store is refused: its digests would all differ, so every record would count as changed).
FORMAT_VERSION = 4
#: A population of ``n`` records is linked by all pairs when ``n * n`` is at most this
#: (``blocking='auto'``'s rule), else by the rules kept from the first month.
ALL_PAIRS_LIMIT = _blocking.ALL_PAIRS_LIMIT
#: Fewer pairs than this are scored on one thread: on a shared machine the parallel kernels'
#: thread hand-overs cost more CPU than they save (a month of 79,000 pairs: 35 ms against 125).
SERIAL_PAIRS = 200_000
#: SQLite page size of a new store: 16 KiB pages read the month's encodings and rewrite the
#: ``columns`` rows in fewer page operations than the default 4 KiB (15-45 ms less a month at
#: 42,813 records).
PAGE_SIZE = 16_384
#: SQLite page cache of a writing run, KiB (at most; used as needed). A month of 42,813 records
#: with 5 % change changes 2,502 pages of 16 KiB (41 MB: the ``columns`` rows and the scattered
#: encodings withdrawn or replaced, mostly); SQLite's default 2 MB cache spilled them into the
#: file before the commit, each spill behind its own fsync of the journal (48 fsyncs a month
#: against 4; 0.81-1.47 s wall against 0.69-0.87 s, a month replayed at load 2-3). Crash safety
#: is the same: spill or commit, the journal is synced before the file is written.
CACHE_KIB = 131_072
#: How long a month's commit waits for other programs' reads of the store to end (seconds): a
#: reader (`store info`, `release`, an SQLite shell) holds a lock that the commit must outwait.
READERS_WAIT_S = 60.0
#: What becomes of a link when one of its records comes back changed (``create(links=...)``):
#: ``kept``: it stays while both records are present, since the record's earlier values made
#: it and the agency says, by the record id, that it is the same client; ``rescored``: it is
#: dropped and the record's pairs are scored again from its new values alone. Stores made
#: before the choice existed have no ``links`` entry and rescore.
LINK_POLICIES = ("kept", "rescored")
#: A month's file that withdraws or changes more than this share of the records the store holds
#: for its agency is refused unless ``allow_large_change``: a monthly extract changes a few per
#: cent of its records (3-5 % in the held-out months), while another agency's file, a cut-off
#: file or an id column sorted apart from its rows changes most of them, and under ``kept`` the
#: false links it makes stay after the agency corrects it (a review: precision 0.99 -> 0.50).
LARGE_CHANGE = 0.5
#: ... counted only for an agency that holds at least this many records.
LARGE_CHANGE_MIN = 20
#: ``PRAGMA application_id``: "LKST", so another program's SQLite file is recognised as such.
APPLICATION_ID = 0x4C4B5354
#: One stored link in the ``links`` BLOB: two record keys, the probability, the month's index.
_LINK = np.dtype([("a", "<i8"), ("b", "<i8"), ("p", "<f8"), ("m", "<i4")])
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE agencies (name TEXT PRIMARY KEY, position INTEGER NOT NULL UNIQUE,
                       joined TEXT NOT NULL);
CREATE TABLE records (rec INTEGER PRIMARY KEY, agency TEXT NOT NULL, id TEXT NOT NULL,
                      arrived TEXT NOT NULL, changed TEXT NOT NULL, person TEXT NOT NULL,
                      UNIQUE (agency, id));
CREATE TABLE columns (agency TEXT PRIMARY KEY, records INTEGER NOT NULL, ids TEXT NOT NULL,
                      persons TEXT NOT NULL, numbers BLOB NOT NULL);
CREATE TABLE encodings (rec INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE links (part INTEGER PRIMARY KEY, links INTEGER NOT NULL, months TEXT NOT NULL,
                    data BLOB NOT NULL);
CREATE TABLE persons (person TEXT PRIMARY KEY, first_month TEXT NOT NULL,
                      status TEXT NOT NULL, merged_into TEXT);
CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT, month TEXT NOT NULL,
                      event TEXT NOT NULL, person TEXT NOT NULL, other TEXT,
                      probability REAL);
CREATE TABLE months (month TEXT NOT NULL, agency TEXT NOT NULL, records INTEGER NOT NULL,
                     added INTEGER NOT NULL, changed INTEGER NOT NULL,
                     withdrawn INTEGER NOT NULL, PRIMARY KEY (month, agency));
"""


@dataclass
class UpdateReport:
    """What one monthly update did: record counts, pairs scored, links, people and events."""

    month: str
    added: dict[str, int]
    changed: dict[str, int]
    withdrawn: dict[str, int]
    full_link: bool
    pairs_scored: int = 0
    links_added: int = 0
    links_removed: int = 0
    records_reclustered: int = 0
    new_people: int = 0
    merges: int = 0
    splits: int = 0
    ended: int = 0
    #: new records that matched a record withdrawn the same month and took its person
    reregistered: int = 0
    records: int = 0
    people: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {k: v for k, v in self.__dict__.items()}


# --------------------------------------------------------------------------- connection


@contextmanager
def _connect(path: str | os.PathLike[str], *, write: bool) -> Iterator[sqlite3.Connection]:
    """Open an existing store (never create one), check it, and close it afterwards.

    ``write``: take the write lock at once (``BEGIN IMMEDIATE``); refused if another run holds
    it. The caller commits; leaving by an exception rolls back.
    """
    p = Path(path)
    if p.exists() and not p.is_file():
        raise StoreError(f"{path} is not a linkcore store (a folder, a pipe, a device or a "
                         "socket); give the store's file")
    if not p.is_file():
        raise StoreError(f"{path} is not a linkcore store (no such file); make one with "
                         "`linkcore store create`")
    if p.stat().st_size == 0:  # SQLite would take it for an empty database
        raise StoreError(f"{path} is an empty file, not a linkcore store")
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=rw", uri=True,
                               timeout=0.0 if write else 5.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path} ({type(exc).__name__})") from None
    try:
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA secure_delete=ON")  # a withdrawn encoding is overwritten
            if write:  # the month's changed pages stay in memory until the commit
                conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if str(exc) != "database is locked":
                raise StoreError(f"{path} is not a linkcore store ({_reason(exc)})") from None
            raise StoreError(f"another run is writing the store {path} (database is locked); "
                             "try again when it has finished") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a linkcore store ({_reason(exc)})") from None
        if app != APPLICATION_ID:
            raise StoreError(f"{path} is an SQLite file but not a linkcore store")
        if version != FORMAT_VERSION:
            raise StoreError(f"{path} is a store of format version {version}; this linkcore "
                             f"reads version {FORMAT_VERSION} (use the linkcore that made it)")
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"another run is writing the store {path} ({_reason(exc)}); "
                             "try again when it has finished") from None
        if write:  # no other writer now; the commit waits for readers to finish their reads
            conn.execute(f"PRAGMA busy_timeout={int(READERS_WAIT_S * 1000)}")
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            if str(exc) == "database is locked" and write:  # a reader kept it past the wait
                raise StoreError(
                    f"another program is reading the store {path} and kept it open for "
                    f"{READERS_WAIT_S:g} s while this run waited to write (database is locked); "
                    "close it and try again; the store was not changed") from None
            if str(exc) == "database is locked":  # a reader's first read waited past its timeout
                raise StoreError(f"another run is writing the store {path} (database is "
                                 "locked); try again when it has finished") from None
            raise StoreError(f"cannot use the store {path} ({_reason(exc)}); it is damaged or "
                             "its disk is full or read-only; it was not changed") from None
        except sqlite3.DatabaseError as exc:  # a table missing or damaged, a full disk
            _rollback(conn)
            raise StoreError(f"cannot use the store {path} ({_reason(exc)}); it is damaged or "
                             "its disk is full or read-only; it was not changed") from None
        except BaseException:
            _rollback(conn)
            raise
        if conn.in_transaction:
            conn.execute("ROLLBACK")  # a reader's snapshot, or a writer that did not commit
    finally:
        conn.close()


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back an open transaction; a connection that cannot is closed by the caller."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _reason(exc: sqlite3.Error) -> str:
    """Say what went wrong in SQLite's words where they name no value (never a stored one)."""
    text = str(exc)
    if text in ("database is locked", "file is not a database", "database disk image is "
                "malformed", "database or disk is full", "attempt to write a readonly database"):
        return text
    if text.startswith(("no such table", "no such column")):
        return "a table or column is missing"
    return type(exc).__name__


def _commit(conn: sqlite3.Connection) -> None:
    """End the month's transaction: until this returns, the store holds the previous month."""
    conn.execute("COMMIT")


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    """Return the store's facts, refusing a store whose two version stamps disagree (damage)."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise StoreError("the store's recorded format version does not match its file header; "
                         "it is damaged")
    bad = _damaged_facts(meta)
    if bad:
        verb = "is" if len(bad) == 1 else "are"
        raise StoreError(f"the store's recorded {', '.join(bad)} {verb} missing or unreadable; "
                         "it is damaged (restore it from a copy)")
    return meta


#: Facts every store records from its creation; which are JSON and which whole numbers.
_REQUIRED_FACTS = ("spec_version", "schema_fingerprint", "key_check_value", "schema",
                   "project_key_check", "threshold", "clustering", "last_month")
_JSON_FACTS = ("schema", "model", "salt", "dependence", "blocking")
_INT_FACTS = ("spec_version", "joins", "next_rec")
#: What a month that fits the model records together: the model and its corrections.
_FITTED_FACTS = ("model", "salt", "dependence")


def _damaged_facts(meta: dict[str, str]) -> list[str]:
    """Name the facts that are missing or cannot be read (never their values)."""
    bad = [k for k in _REQUIRED_FACTS if not isinstance(meta.get(k), str)]
    for k in _JSON_FACTS:
        if k in meta and k not in bad:
            try:
                json.loads(meta[k])
            except (TypeError, ValueError):
                bad.append(k)
    for k in _INT_FACTS:
        if k in meta and k not in bad and not str(meta[k]).isdigit():
            bad.append(k)
    try:
        threshold_ok = 0.0 <= float(meta["threshold"]) <= 1.0
    except (KeyError, ValueError):
        threshold_ok = False
    if not threshold_ok and "threshold" not in bad:
        bad.append("threshold")
    if "clustering" not in bad and meta.get("clustering") not in _resolve.CLUSTER_METHODS:
        bad.append("clustering")
    if "links" in meta and meta["links"] not in LINK_POLICIES:
        bad.append("links")
    fitted = [k for k in _FITTED_FACTS if k in meta]
    if fitted and len(fitted) < len(_FITTED_FACTS):  # written together, by a fitted month
        bad.extend(k for k in _FITTED_FACTS if k not in meta)
    elif fitted and "blocking" not in meta:  # the rules come with (or before) the model
        bad.append("blocking")
    elif fitted and not set(fitted) & set(bad):
        try:
            _load_model(meta)
        except Exception:  # noqa: BLE001 - any malformed part: the store is damaged
            bad.append("model")
    if "blocking" in meta and "blocking" not in bad:
        try:
            _incremental.rules_from_json(meta["blocking"])
        except Exception:  # noqa: BLE001 - malformed rules: the store is damaged
            bad.append("blocking")
    return bad


def _set_meta(conn: sqlite3.Connection, **values: str) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     list(values.items()))


# --------------------------------------------------------------------------- create


def create(path: str | os.PathLike[str], schema_source: EncodedDataset, key: ProjectKey, *,
           threshold: float = 0.5, clustering: str = "checked", links: str = "kept") -> None:
    """Make an empty store for files of ``schema_source``'s schema and encoding key.

    ``links``: what becomes of a link when one of its records comes back changed
    (``LINK_POLICIES``). The file is written beside ``path`` and renamed into place, readable
    by its owner only; an existing file is never replaced.
    """
    from linkcore.linkage.dedupe import CLUSTERINGS

    p = Path(path)
    refuse_key_like_name(p, "the store")
    if p.exists():
        raise StoreError(f"{path} already exists; give a new file name for the store")
    _check_types(schema_source, key)
    if schema_source.is_clk_only:
        raise StoreError("the store needs linkcore encoded files with a schema, not CLKs only")
    if not 0.0 <= float(threshold) <= 1.0:
        raise ParameterError("the threshold must be between 0 and 1")
    if clustering not in CLUSTERINGS:
        raise ParameterError(f"clustering must be one of {', '.join(CLUSTERINGS)}")
    if links not in LINK_POLICIES:
        raise ParameterError(f"links must be one of {', '.join(LINK_POLICIES)}")
    key.refuse_holders_key([schema_source.meta.key_check_value])
    try:
        p.parent.mkdir(parents=True, exist_ok=True)  # as every other output's folder is made
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".partial",
                                   dir=p.parent or ".")
    except OSError as exc:
        raise OutputError(f"cannot write the store into {p.parent} "
                          f"({exc.strerror or type(exc).__name__})") from None
    os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before the first table
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
            conn.executescript(_SCHEMA_SQL)  # a temporary file: no one else sees it yet
            conn.execute("BEGIN")
            m = schema_source.meta
            _set_meta(conn, format_version=str(FORMAT_VERSION), spec_version=str(m.spec_version),
                      schema_fingerprint=m.schema_fingerprint, key_check_value=m.key_check_value,
                      schema=m.schema_json, project_key_check=key.check_value,
                      threshold=repr(float(threshold)), clustering=clustering, links=links,
                      last_month="")
            conn.execute("COMMIT")
        finally:
            conn.close()
        if p.exists():
            raise StoreError(f"{path} already exists; give a new file name for the store")
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- record codec


class _Codec:
    """One record's encoding as one BLOB: field words, missing flags, CLK words, blocking keys."""

    def __init__(self, meta: dict[str, str]) -> None:
        self.ds_meta = DatasetMeta(int(meta["spec_version"]), meta["schema_fingerprint"],
                                   meta["key_check_value"], "", 0, meta["schema"])
        probe = EncodedDataset(np.zeros(0, object), {}, np.zeros((0, 0), bool), None, {},
                               self.ds_meta)
        self.schema = probe.schema
        s = self.schema
        self.words = {f: s.stored_bits(f) // 64 for f in s.field_names}
        clk = s.stored_clk_bits()
        self.clk_words = None if clk is None else clk // 64
        self.blocks = [b.name for b in s.blocking_keys]
        self.width = 8 * (sum(self.words.values()) + (self.clk_words or 0) + len(self.blocks)) \
            + len(self.words)
        #: the filters whose popcounts are stored (every field, then the CLK if any)
        self.filters = [*self.words, *(["clk"] if self.clk_words is not None else [])]

    def popcounts(self, ds: EncodedDataset) -> np.ndarray:
        """Return each record's popcount of each of ``filters`` (int32 ``[n, filters]``)."""
        from linkcore import kernels

        # numpy's popcount, one thread: a month's few thousand records are done before a
        # parallel kernel's threads would have started (tests compare the two kernels)
        cols = [kernels.popcounts_reference(ds.fields[f] if f in ds.fields else ds.clk)
                for f in self.filters]
        return np.stack(cols, axis=1).astype(np.int32) if cols else \
            np.zeros((len(ds), 0), np.int32)

    def encode(self, ds: EncodedDataset) -> list[bytes]:
        """Return each record's BLOB."""
        rows = self.rows(ds)
        return [rows[i].tobytes() for i in range(len(ds))]

    def rows(self, ds: EncodedDataset) -> np.ndarray:
        """Return every record's BLOB as one row of a ``uint8[n, width]`` matrix."""
        n = len(ds)
        parts = [np.ascontiguousarray(ds.fields[f], dtype="<u8").view(np.uint8).reshape(n, -1)
                 for f in self.words]
        parts.append(ds.missing.astype(np.uint8).reshape(n, -1))
        if self.clk_words is not None:
            parts.append(np.ascontiguousarray(ds.clk, dtype="<u8").view(np.uint8).reshape(n, -1))
        for b in self.blocks:
            parts.append(np.ascontiguousarray(ds.blocking_keys[b], dtype="<u8")
                         .view(np.uint8).reshape(n, -1))
        return np.ascontiguousarray(np.hstack(parts)) if parts else np.zeros((n, 0), np.uint8)

    def decode(self, ids: Sequence[str], blobs: Sequence[bytes]) -> EncodedDataset:
        """Rebuild an EncodedDataset from record ids and their BLOBs."""
        raw = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(ids), self.width)
        return self.decode_matrix(ids, raw)

    def decode_matrix(self, ids: Sequence[str], raw: np.ndarray) -> EncodedDataset:
        """Rebuild an EncodedDataset from record ids and their BLOBs as rows of ``raw``."""
        n = len(ids)
        pos = 0

        def take(nbytes: int) -> np.ndarray:
            nonlocal pos
            out = raw[:, pos:pos + nbytes].copy()  # contiguous and writeable
            pos += nbytes
            return out

        fields = {f: take(8 * w).view("<u8").astype(np.uint64, copy=False)
                  for f, w in self.words.items()}
        missing = take(len(self.words)).astype(bool)
        clk = None if self.clk_words is None else \
            take(8 * self.clk_words).view("<u8").astype(np.uint64, copy=False)
        blocks = {b: take(8).view("<u8").astype(np.uint64, copy=False).reshape(n)
                  for b in self.blocks}
        meta = DatasetMeta(self.ds_meta.spec_version, self.ds_meta.schema_fingerprint,
                           self.ds_meta.key_check_value, self.ds_meta.linkcore_version or "0",
                           n, self.ds_meta.schema_json)
        return EncodedDataset(np.asarray(list(ids), dtype=object).reshape(n), fields, missing,
                              clk, blocks, meta, schema=self.schema)


# --------------------------------------------------------------------------- model storage


def _model_doc(model: Any, salt: Any, dependence: Any) -> dict[str, str]:
    """Return the fitted model and its corrections as JSON texts (exact floats, no pickle)."""
    groups = [{"salt_field": g.salt_field, "salted": list(g.salted),
               "same_salt_share": g.same_salt_share,
               "u_same": {k: v.tolist() for k, v in g.u_same.items()},
               "u_other": {k: v.tolist() for k, v in g.u_other.items()},
               "table": g.table.tolist(), "non_matches": g.non_matches} for g in salt.groups]
    dep = {"fields": list(dependence.fields),
           "corrections": [[int(k), float(v)] for k, v in dependence.corrections.items()]}
    return {"model": model.to_json(indent=None), "salt": json.dumps(groups),
            "dependence": json.dumps(dep)}


def _load_model(meta: Mapping[str, str]) -> tuple[Any, Any, Any]:
    from linkcore.linkage.model import FellegiSunterModel
    from linkcore.linkage.pipeline import ExactDependence
    from linkcore.linkage.salt import SaltDependence, SaltGroup

    model = FellegiSunterModel.from_json(meta["model"])
    groups = tuple(SaltGroup(g["salt_field"], tuple(g["salted"]), g["same_salt_share"],
                             {k: np.asarray(v) for k, v in g["u_same"].items()},
                             {k: np.asarray(v) for k, v in g["u_other"].items()},
                             np.asarray(g["table"], dtype=float), g["non_matches"])
                   for g in json.loads(meta["salt"]))
    dep = json.loads(meta["dependence"])
    dependence = ExactDependence(tuple(dep["fields"]),
                                 {int(k): float(v) for k, v in dep["corrections"]})
    return model, SaltDependence(groups), dependence


# --------------------------------------------------------------------------- population


@dataclass
class _Population:
    """The rows an id assignment sees, in store order (agency position, then id)."""

    agencies: list[str]
    agency: np.ndarray  # agency name per row
    source: np.ndarray  # agency position per row
    ids: np.ndarray
    changed: np.ndarray  # bool per row: new or changed this month


@dataclass
class _State:
    """Every current record's narrow columns, rows in store order (agency position, then id).

    ``files`` are this month's files (in agency order) and ``incoming`` each row's place in
    them, counted across the files in order (-1 for a record of an agency that sent no file,
    whose encoding is only in the store); the other columns come from the ``columns`` rows,
    never from the encodings. The files are used where they are: no population-sized copy of
    their encodings is made.
    """

    rec: np.ndarray  # int64 record key
    source: np.ndarray  # agency position
    agency: np.ndarray  # agency name
    ids: np.ndarray
    person: np.ndarray  # old person id (None for a new record)
    keys: np.ndarray  # uint64 [n, columns]: the kept rules' key columns
    pops: np.ndarray  # int32 [n, filters]: popcount of each filter (codec.filters)
    new: np.ndarray  # bool: arrived this month
    delta: np.ndarray  # bool: new or changed this month
    files: list[EncodedDataset]  # the month's files, in agency order
    incoming: np.ndarray  # int64: the row's place in the files, or -1

    def __len__(self) -> int:
        return int(self.rec.size)

    def located(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the file of each of ``rows`` (index in ``files``, -1: none) and its row there."""
        src = self.incoming[rows]
        starts = np.cumsum([0] + [len(f) for f in self.files])
        file = np.searchsorted(starts, src, side="right") - 1
        file[src < 0] = -1
        return file, np.where(src < 0, -1, src - starts[np.maximum(file, 0)])

    def raw(self, rows: np.ndarray, codec: _Codec) -> np.ndarray:
        """Return the encodings of ``rows`` (all in this month's files) as uint8 matrix rows."""
        file, local = self.located(rows)
        out = np.empty((rows.size, codec.width), np.uint8)
        for k, ds in enumerate(self.files):
            sel = np.flatnonzero(file == k)
            if sel.size:
                out[sel] = codec.rows(ds.subset(local[sel]))
        return out


def _read_links(conn: sqlite3.Connection) -> tuple[np.ndarray, list[str]]:
    """Return the stored links (``_LINK`` records) and the months their indexes refer to."""
    row = conn.execute("SELECT links, months, data FROM links WHERE part = 1").fetchone()
    if row is None:
        return np.zeros(0, _LINK), []
    count, months, data = row
    try:
        names = json.loads(months)
    except ValueError:
        raise StoreError("the stored links are not readable; the store is damaged") from None
    if not isinstance(data, bytes) or len(data) != count * _LINK.itemsize:
        raise StoreError("the stored links have the wrong length; the store is damaged")
    links = np.frombuffer(data, _LINK)
    if links.size and not (0 <= links["m"].min() and links["m"].max() < len(names)):
        raise StoreError("the stored links name a month the store lacks; it is damaged")
    return links, names


def _link_count(conn: sqlite3.Connection) -> int:
    """Return how many links the store holds."""
    row = conn.execute("SELECT links FROM links WHERE part = 1").fetchone()
    return 0 if row is None else int(row[0])


def _read_state(conn: sqlite3.Connection, agencies: list[str], joins: int, filters: int
                ) -> dict[str, Any]:
    """Read the stored records' narrow columns (no encodings), each agency in id order.

    One ``columns`` row per agency (JSON ids and person ids, one BLOB of numbers), so a month
    reads a few large values, not a row per record.
    """
    width = _number_width(joins, filters)
    found = {a: (k, i, p, b) for a, k, i, p, b in conn.execute(
        "SELECT agency, records, ids, persons, numbers FROM columns")}
    sizes, ids, person, raw = [], [], [], []
    for a in agencies:
        k, i, p, b = found.get(a, (0, "[]", "[]", b""))
        try:
            i, p = json.loads(i), json.loads(p)
        except ValueError:
            raise StoreError("a stored column is not readable; the store is damaged") from None
        if not (len(i) == len(p) == k and len(b) == k * width):
            raise StoreError("a stored column has the wrong length; the store is damaged")
        sizes.append(k)
        ids += i
        person += p
        raw.append(b)
    n = sum(sizes)
    if n != conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]:
        raise StoreError("the stored columns do not match the records; the store is damaged")
    m = np.frombuffer(b"".join(raw), dtype=np.uint8).reshape(n, width)
    return {"rec": np.ascontiguousarray(m[:, :8]).view("<i8").astype(np.int64).reshape(n),
            "source": np.repeat(np.arange(len(agencies), dtype=np.int64), sizes),
            "agency": np.repeat(np.asarray(agencies, dtype=object), sizes),
            "ids": _objects(ids), "person": _objects(person),
            "digest": np.ascontiguousarray(m[:, 8:24]).view("<u8"),
            "keys": np.ascontiguousarray(m[:, 24:24 + 8 * joins]).view("<u8")
            .astype(np.uint64),
            "pops": np.ascontiguousarray(m[:, 24 + 8 * joins:]).view("<i4").astype(np.int32)}


def _check_recs(recs: np.ndarray, next_rec: int) -> None:
    """Refuse stored record numbers that are not distinct numbers issued before (damage)."""
    if recs.size and (recs.min() < 0 or recs.max() >= next_rec
                      or count_distinct(recs) != recs.size):
        raise StoreError("the stored columns name records the store never issued; it is "
                         "damaged")


def _objects(values: list) -> np.ndarray:
    """Return ``values`` (strings) as a 1-D object array, never a 2-D one."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _number_width(joins: int, filters: int) -> int:
    """Bytes per record in a ``columns`` BLOB: rec, digest, key columns, popcounts."""
    return 8 + 16 + 8 * joins + 4 * filters


def _columns(agencies: list[str], state: _State, person: np.ndarray, digest: np.ndarray
             ) -> list[tuple[str, int, str, str, bytes]]:
    """Each agency's ``columns`` row from the month's rows (store order): ids, persons, numbers."""
    m = np.hstack([np.ascontiguousarray(state.rec, dtype="<i8").reshape(-1, 1).view(np.uint8),
                   np.ascontiguousarray(digest, dtype="<u8").view(np.uint8),
                   np.ascontiguousarray(state.keys, dtype="<u8").view(np.uint8),
                   np.ascontiguousarray(state.pops, dtype="<i4").view(np.uint8)])
    bounds = np.searchsorted(state.source, np.arange(len(agencies) + 1))
    out = []
    for k, a in enumerate(agencies):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        out.append((a, hi - lo, json.dumps(state.ids[lo:hi].tolist()),
                    json.dumps(person[lo:hi].tolist()), m[lo:hi].tobytes()))
    return out


def _fetch_blobs(conn: sqlite3.Connection, recs: np.ndarray, total: int) -> dict[int, bytes]:
    """Read the given records' encodings (rec -> BLOB): by key, or one scan for most of them."""
    want = set(recs.tolist())
    if not want:
        return {}
    if 2 * len(want) > total:
        return {r: b for r, b in conn.execute("SELECT rec, data FROM encodings") if r in want}
    out: dict[int, bytes] = {}
    ordered = sorted(want)
    for start in range(0, len(ordered), 20_000):
        chunk = ordered[start:start + 20_000]
        out.update(conn.execute(f"SELECT rec, data FROM encodings WHERE rec IN "
                                f"({','.join('?' * len(chunk))})", chunk).fetchall())
    return out


def _score(part: EncodedDataset, left: np.ndarray, right: np.ndarray,
           scoring: tuple[Any, Any, Any], pops: Mapping[str, np.ndarray] | None = None
           ) -> np.ndarray:
    """Match probability of pairs of ``part``'s rows under the kept model and its corrections.

    ``pops``: the rows' stored popcounts per filter, so that they are not counted again.
    """
    from linkcore.linkage.compare import Comparator

    model = scoring[0]
    if left.size == 0:
        return np.zeros(0)
    comparator = Comparator(part, part, model.comparisons, popcounts_a=pops, popcounts_b=pops)
    with numba_threads(1 if left.size < SERIAL_PAIRS else None):
        levels = comparator.levels(left, right)
    return _probabilities(levels, scoring)


def _probabilities(levels: np.ndarray, scoring: tuple[Any, Any, Any]) -> np.ndarray:
    """Match probability of pairs from their comparison levels, with the kept corrections.

    Used to accept links only: a pair with no field compared gets 0, never a link on the prior
    alone (as ``partitions.cell_accepted`` does for a link).
    """
    from linkcore.linkage.levels import MISSING_LEVEL
    from linkcore.linkage.model import weights_to_probabilities

    model, salt, dependence = scoring
    weights = model.match_weights(levels)
    weights = salt.adjust(weights, levels, model.comparisons)
    weights = dependence.adjust(weights, levels, model.comparisons)
    prob = weights_to_probabilities(weights)
    prob[(levels == MISSING_LEVEL).all(axis=1)] = 0.0
    return prob


def _score_rows(conn: sqlite3.Connection, codec: _Codec, state: _State, left: np.ndarray,
                right: np.ndarray, scoring: tuple[Any, Any, Any]) -> np.ndarray:
    """Match probability of pairs of state rows, each compared where its encoding is.

    A record of an agency that sent its file this month is compared in that file (its encoding
    there is the stored one, or replaces it), with its stored popcounts; only the records of
    agencies without a file are read from the store. The pairs are taken file pair by file pair,
    so no copy of the population's encodings is made (about 35,000 of 42,813 records are in
    some pair of a month with 5 % change).
    """
    from linkcore.linkage.compare import Comparator

    model = scoring[0]
    if left.size == 0:
        return np.zeros(0)
    used = np.zeros(len(state), bool)  # the rows in some pair, without sorting the pairs
    used[left] = True
    used[right] = True
    rows = np.flatnonzero(used)
    file, local = state.located(rows)
    sources = list(state.files)
    away = np.flatnonzero(file < 0)
    if away.size:
        sources.append(_rows_encoded(conn, codec, state, rows[away]))
        file[away], local[away] = len(state.files), np.arange(away.size)
    pops = []
    for k, ds in enumerate(sources):
        sel = file == k
        p = np.zeros((len(ds), len(codec.filters)), np.int32)
        p[local[sel]] = state.pops[rows[sel]]
        pops.append({f: p[:, j] for j, f in enumerate(codec.filters)})
    at = np.empty(len(state), np.int64)
    at[rows] = np.arange(rows.size)
    at_l, at_r = at[left], at[right]
    group = file[at_l] * len(sources) + file[at_r]
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    levels = np.empty((left.size, len(model.comparisons)), np.int8)
    with numba_threads(1 if left.size < SERIAL_PAIRS else None):
        for idx in np.split(order, bounds):
            a, b = divmod(int(group[idx[0]]), len(sources))
            comparator = Comparator(sources[a], sources[b], model.comparisons,
                                    popcounts_a=pops[a], popcounts_b=pops[b])
            levels[idx] = comparator.levels(local[at_l[idx]], local[at_r[idx]])
    return _probabilities(levels, scoring)


def _closure(n: int, left: np.ndarray, right: np.ndarray, old_person: np.ndarray,
             seeds: np.ndarray) -> np.ndarray:
    """Rows whose person may change: the link components of the seeds, closed under old persons."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    # int32 node ids: SciPy before 1.15 fails on int64 ones (resolve._node_ids)
    graph = sp.coo_array((np.ones(left.size, np.int8),
                          (_resolve._node_ids(left), _resolve._node_ids(right))),  # noqa: SLF001
                         shape=(n, n))
    comp = connected_components(graph, directed=False)[1]
    inside = np.zeros(n, bool)
    inside[seeds] = True
    while True:
        grown = isin(comp, sorted_unique(comp[inside]))
        persons = sorted_unique(old_person[grown])
        grown |= isin(old_person, persons[persons >= 0])
        if (grown == inside).all():
            return np.flatnonzero(inside)
        inside = grown


class _FirstMonths(Mapping[str, str]):
    """Person id -> the month it was issued, looked up in the store one id at a time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getitem__(self, person: str) -> str:
        row = self._conn.execute("SELECT first_month FROM persons WHERE person = ?",
                                 (person,)).fetchone()
        if row is None:
            raise KeyError(person)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        return (p for p, in self._conn.execute("SELECT person FROM persons"))

    def __len__(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM persons").fetchone()[0]

    def any_of(self, persons: Sequence[str]) -> bool:
        """Whether any of ``persons`` was ever issued (a query per 500 ids, not one per id)."""
        ids = list(persons)
        for start in range(0, len(ids), 500):  # under SQLite's oldest variable limit (999)
            chunk = ids[start:start + 500]
            if self._conn.execute(f"SELECT 1 FROM persons WHERE person IN "  # noqa: S608
                                  f"({','.join('?' * len(chunk))}) LIMIT 1", chunk).fetchone():
                return True
        return False


# --------------------------------------------------------------------------- update


def update(path: str | os.PathLike[str], month: str, files: Mapping[str, EncodedDataset],
           key: ProjectKey, *, new_agencies: Sequence[str] = (),
           allow_large_change: bool = False) -> UpdateReport:
    """Apply one month's extracts (each agency's full current file) in one transaction.

    ``new_agencies``: agencies joining this month; any other agency must already be in the
    store. Raises a LinkcoreError (and leaves the store as it was) on a month that is not after
    the last one, a file of another schema or key, a record id twice in one file, an unknown
    agency, another project key, a store of another version or one that another run is writing.
    ``allow_large_change``: apply a file that withdraws or changes more than half of the
    records the store holds for its agency (LARGE_CHANGE); refused otherwise, since such a file
    is nearly always a mistake (another agency's file, a cut-off file, ids sorted apart from
    their rows) whose false links would outlive its correction.
    """
    from linkcore.linkage.dedupe import agency_names

    if not isinstance(month, str) or not _MONTH.match(month):
        raise ParameterError("the month must be written YYYY-MM (e.g. 2026-01)")
    if not isinstance(files, Mapping):
        raise TypeError("files must map each agency's name to its EncodedDataset")
    if not files:
        raise ParameterError("a month needs at least one agency's file")
    for ds in files.values():
        _check_types(ds, key)
    names = agency_names(list(files.values()), list(files))
    refuse_one_string(new_agencies, "new_agencies")
    new_agencies = list(new_agencies)
    if len(set(new_agencies)) != len(new_agencies):
        raise ParameterError("an agency is named twice in --new-agency (new_agencies)")
    stray = [a for a in new_agencies if a not in files]
    if stray:
        raise ParameterError(f"--new-agency {stray[0]} has no file this month; give its file "
                             "with --agency (in Python, in files)")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with _connect(path, write=True) as conn:
        meta = _meta(conn)
        _check_month(meta, month)
        _check_key(meta, key)
        known = [a for a, in conn.execute("SELECT name FROM agencies ORDER BY position")]
        folded = {_folded(a): a for a in known}
        for a in names:
            if a in new_agencies and a in known:
                raise StoreError(f"agency {a} is already in the store; drop --new-agency {a}")
            if a not in new_agencies and a not in known:
                raise StoreError(f"agency {a} is not in the store; to add it, give "
                                 f"--new-agency {a} with its first file")
            if a not in known and _folded(a) in folded:
                raise StoreError(f"agency {a} differs from the store's agency "
                                 f"{folded[_folded(a)]} only in capitals or accents: their "
                                 "release files would be one file on many systems; use the "
                                 "store's name")
        for a, ds in files.items():
            _check_file(meta, a, ds)
        _check_distinct(files)
        codec = _Codec(meta)
        # a new agency's position by name, not by the order the files were given: the first
        # month's person ids are minted from each cluster's smallest record in that order
        agencies = known + sorted(a for a in names if a not in known)
        kept = _incremental.rules_from_json(meta["blocking"]) if "blocking" in meta else None
        stored = _read_state(conn, agencies, int(meta.get("joins", "0")), len(codec.filters))
        _check_recs(stored["rec"], int(meta.get("next_rec", "1")))
        links = _read_links(conn)
        timings["read"] = time.perf_counter() - t0
        report, writes = _plan(conn, meta, month, agencies, stored, links, kept, files, codec,
                               key, timings, allow_large_change)
        t1 = time.perf_counter()
        _write(conn, month, meta, known, agencies, files, writes)
        timings["write"] = time.perf_counter() - t1
        _commit(conn)
    timings["total"] = time.perf_counter() - t0
    report.timings = {k: round(v, 4) for k, v in timings.items()}
    return report


def _folded(name: str) -> str:
    """Return an agency name as a file system that ignores case and accents' forms sees it."""
    from linkcore.linkage.dedupe import folded_name

    return folded_name(name)


def _check_large_change(per_agency: Mapping[str, tuple[int, int, int]],
                        held: Mapping[str, int]) -> None:
    """Refuse a file that withdraws or changes more than LARGE_CHANGE of its agency's records."""
    for a, (_, changed, withdrawn) in per_agency.items():
        n = held.get(a, 0)
        if n >= LARGE_CHANGE_MIN and changed + withdrawn > LARGE_CHANGE * n:
            raise StoreError(
                f"agency {a}'s file would withdraw {withdrawn:,} and change {changed:,} of the "
                f"{n:,} records the store holds for it (more than {LARGE_CHANGE:.0%}): check "
                "that it is this agency's whole file, with each id beside its own row; links "
                "made by a wrong file stay after it is corrected. To apply it anyway, give "
                "--allow-large-change (allow_large_change=True)")


def _check_distinct(files: Mapping[str, EncodedDataset]) -> None:
    """Refuse one extract sent as two agencies' (the same records, ids and encodings)."""
    items = list(files.items())
    for i, (a, x) in enumerate(items):
        for b, y in items[i + 1:]:
            if x is y or same_records(x, y):
                raise StoreError(f"agencies {a} and {b} were given the same file; give each "
                                 "agency its own extract")


def _check_types(ds: Any, key: Any) -> None:
    """Refuse arguments of the wrong type with a TypeError naming them (not a deep traceback)."""
    if not isinstance(ds, EncodedDataset):
        raise TypeError(f"an agency's file must be an EncodedDataset (EncodedDataset.read(path)), "
                        f"not {type(ds).__name__}")
    if not isinstance(key, ProjectKey):
        raise TypeError("key must be a ProjectKey (ProjectKey.load(path) or "
                        "ProjectKey(secrets.token_bytes(32)))")


def _check_month(meta: Mapping[str, str], month: str) -> None:
    last = meta.get("last_month", "")
    if last and month <= last:
        raise StoreError(f"the store already holds month {last}; give a later month than that")


def _check_key(meta: Mapping[str, str], key: ProjectKey) -> None:
    if key.check_value != meta["project_key_check"]:
        raise SecretError("this is not the project key the store was created with; use that key")


def _check_file(meta: Mapping[str, str], agency: str, ds: EncodedDataset) -> None:
    m = ds.meta
    where = f"agency {agency}'s file"
    if ds.is_clk_only:
        raise IncompatibleDatasetsError(f"{where} holds CLKs only; the store needs linkcore "
                                        "encoded files with its schema")
    if m.spec_version != int(meta["spec_version"]):
        raise IncompatibleDatasetsError(
            f"{where} is encoding spec version {m.spec_version}; the store holds version "
            f"{meta['spec_version']}")
    if m.schema_fingerprint != meta["schema_fingerprint"]:
        raise IncompatibleDatasetsError(
            f"{where} was encoded with another schema than the store's (fingerprints "
            f"{m.schema_fingerprint[:12]} and {meta['schema_fingerprint'][:12]}); encode it "
            "with the store's schema")
    if m.key_check_value != meta["key_check_value"]:
        raise IncompatibleDatasetsError(
            f"{where} was encoded with another key than the store's files (key check values "
            "differ); encode it with the agencies' shared key")
    ds.validate()  # ids unique and non-empty, arrays of the schema's shapes


@dataclass
class _Writes:
    """Everything one month changes, computed before the first write."""

    insert: list[tuple[int, str, str, str, str, str]]  # rec, agency, id, arrived, changed, person
    replace: list[tuple[str, str, int]]  # changed, person, rec
    encodings: list[tuple[int, bytes]]  # rec, blob
    withdraw: list[tuple[int]]
    columns: list[tuple[str, int, str, str, bytes]]  # each agency's columns row
    reassign: list[tuple[str, int]]  # person, rec
    links: tuple[int, str, bytes]  # the links row: count, months (JSON), BLOB of _LINK
    persons_new: list[str]
    persons_status: list[tuple[str, str | None, str]]  # status, merged_into, person
    events: list[tuple[str, str, str | None, float | None]]  # event, person, other, probability
    counts: list[tuple[str, int, int, int, int]]  # agency, records, added, changed, withdrawn
    meta: dict[str, str]


def _diff(month: str, agencies: list[str], stored: dict[str, Any],
          files: Mapping[str, EncodedDataset], codec: _Codec, next_rec: int
          ) -> tuple[_State, list[int], dict[str, tuple[int, int, int]], np.ndarray]:
    """Diff the files against the store: records kept, replaced, added and withdrawn.

    Returns the state (rows in store order), the withdrawn records' keys, per agency (added,
    changed, withdrawn), and each row's digest.
    """
    alive = np.ones(stored["rec"].size, bool)
    new_parts, changed_parts = [], []  # (agency position, file rows / stored rows, matrix)
    counts: dict[str, tuple[int, int, int]] = {}
    sources: list[EncodedDataset] = []  # the files, in agency order
    offset = 0
    stored_at = np.full(stored["rec"].size, -1, np.int64)  # a stored row's place in files
    for pos, a in enumerate(agencies):
        if a not in files:
            continue
        ds = files[a]
        ids = pd.Index(ds.record_ids, dtype=object)
        if pd.api.types.infer_dtype(ids, skipna=False) != "string":
            ids = pd.Index([str(x) for x in ds.record_ids], dtype=object)
        incoming = row_digests(ds)
        mine = np.flatnonzero(stored["source"] == pos)
        at = pd.Index(stored["ids"][mine], dtype=object).get_indexer(ids) if mine.size else \
            np.full(len(ids), -1, np.int64)
        present = np.zeros(mine.size, bool)
        present[at[at >= 0]] = True
        alive[mine[~present]] = False
        hit = np.flatnonzero(at >= 0)
        old = mine[at[hit]]
        moved = (stored["digest"][old] != incoming[hit]).any(axis=1)
        fresh = np.flatnonzero(at < 0)
        stored_at[old] = offset + hit
        new_parts.append((pos, a, np.asarray(ids)[fresh], offset + fresh, incoming[fresh]))
        changed_parts.append((old[moved], incoming[hit[moved]]))
        counts[a] = (int(fresh.size), int(moved.sum()), int((~present).sum()))
        sources.append(ds)
        offset += len(ds)
    gone = stored["rec"][~alive].tolist()
    keep = np.flatnonzero(alive)
    k_new = sum(p[2].size for p in new_parts)
    n = keep.size + k_new
    joins, filters = stored["keys"].shape[1], stored["pops"].shape[1]
    new_ids = np.concatenate([p[2] for p in new_parts] + [np.zeros(0, object)])
    source = np.concatenate([stored["source"][keep]] + [np.full(p[2].size, p[0], np.int64)
                                                        for p in new_parts])
    ids = np.concatenate([stored["ids"][keep], new_ids])
    # store order: agency position, then id (as a full re-link pools them); the stored rows
    # already are, so only the new ones are placed
    order = np.arange(n)
    if k_new:
        pieces = []
        for pos in range(len(agencies)):
            old_rows = np.flatnonzero(source[:keep.size] == pos)
            new_rows = keep.size + np.flatnonzero(source[keep.size:] == pos)
            new_rows = new_rows[np.argsort(ids[new_rows], kind="stable")]
            at = np.searchsorted(ids[old_rows], ids[new_rows])
            pieces.append(np.insert(old_rows, at, new_rows))
        order = np.concatenate(pieces)
    digest = np.concatenate([stored["digest"][keep]] + [p[4] for p in new_parts])
    state = _State(
        np.concatenate([stored["rec"][keep], np.arange(next_rec, next_rec + k_new)]),
        source, np.asarray(agencies + [""], dtype=object)[source], ids,
        np.concatenate([stored["person"][keep], np.full(k_new, None, dtype=object)]),
        np.concatenate([stored["keys"][keep], np.zeros((k_new, joins), np.uint64)]),
        np.concatenate([stored["pops"][keep], np.zeros((k_new, filters), np.int32)]),
        np.arange(n) >= keep.size, np.arange(n) >= keep.size,
        sources,
        np.concatenate([stored_at[keep]] + [p[3] for p in new_parts]).astype(np.int64))
    where = np.full(stored["rec"].size, -1, np.int64)
    where[keep] = np.arange(keep.size)
    for old, dig in changed_parts:
        at = where[old]
        state.delta[at] = True
        digest[at] = dig
    state = _State(state.rec[order], state.source[order], state.agency[order],
                   state.ids[order], state.person[order], state.keys[order], state.pops[order],
                   state.new[order], state.delta[order], state.files,
                   state.incoming[order])
    return state, gone, counts, digest[order]


def _plan(conn: sqlite3.Connection, meta: Mapping[str, str], month: str, agencies: list[str],
          stored: dict[str, Any], old_links: tuple[np.ndarray, list[str]],
          kept: list | None,
          files: Mapping[str, EncodedDataset], codec: _Codec, key: ProjectKey,
          timings: dict[str, float], allow_large_change: bool = False
          ) -> tuple[UpdateReport, _Writes]:
    """Diff the files against the store, link what is new, recluster what it touched."""
    t0 = time.perf_counter()
    next_rec = int(meta.get("next_rec", "1"))
    state, gone, per_agency, digest = _diff(month, agencies, stored, files, codec, next_rec)
    if not allow_large_change:
        held = np.bincount(stored["source"], minlength=len(agencies))
        _check_large_change(per_agency, {a: int(held[k]) for k, a in enumerate(agencies)})
    n = len(state)
    dirty_rows = np.flatnonzero(state.delta)
    threshold = float(meta["threshold"])
    full = "model" not in meta
    specs: list = []
    inherited = 0
    succ_row = succ_of = np.zeros(0, np.int64)
    succ_p = np.zeros(0)
    scoring = None if full else _load_model(meta)
    if scoring is not None and dirty_rows.size:
        # the new and changed records' popcounts and key columns, from their encodings
        dirty_part = _rows_encoded(conn, codec, state, dirty_rows)
        state.pops[dirty_rows] = codec.popcounts(dirty_part)
        if kept:
            state.keys[dirty_rows], specs = _incremental.join_keys(dirty_part, kept)
        inherited, succ_row, succ_of, succ_p = _inherit(
            conn, codec, state, stored, isin(stored["rec"], np.asarray(gone, np.int64)), specs,
            scoring, threshold, all_pairs=n * n <= ALL_PAIRS_LIMIT,
            successors=_link_policy(meta) == "kept")
    # the persons of the records withdrawn this month, coded with the rows' persons in one pass:
    # codes follow first appearance, so the rows' persons are 0 .. len(persons) - 1 and a
    # withdrawn record's person that no row holds any more comes after them
    lost_people = stored["person"][isin(stored["rec"], np.asarray(gone, np.int64))] \
        if gone else np.zeros(0, dtype=object)
    codes_p, uniques = pd.factorize(pd.Series(np.concatenate([state.person, lost_people]),
                                              dtype=object), use_na_sentinel=True)
    old_person = np.asarray(codes_p[:n], dtype=np.int64)
    persons = uniques[:int(old_person.max()) + 1 if n and old_person.max() >= 0 else 0].tolist()
    lost_code = np.asarray(codes_p[n:], dtype=np.int64)
    timings["diff"] = time.perf_counter() - t0

    # the old links: kept while both records are present and unchanged
    t0 = time.perf_counter()

    def rows_of(recs: np.ndarray) -> np.ndarray:
        """Each record key's row (-1: withdrawn), by a table indexed by key (keys are dense)."""
        if n == 0 or recs.size == 0:
            return np.full(recs.size, -1, np.int64)
        table = np.full(max(int(state.rec.max()), int(recs.max())) + 1, -1, np.int64)
        table[state.rec] = np.arange(n)
        return table[recs]

    links, link_months = old_links
    link_a, link_b = links["a"].astype(np.int64), links["b"].astype(np.int64)
    link_p = links["p"].astype(float)
    ra, rb = rows_of(link_a), rows_of(link_b)
    both = (ra >= 0) & (rb >= 0)
    old_l, old_r, old_p = np.minimum(ra, rb)[both], np.maximum(ra, rb)[both], link_p[both]
    dirty = np.zeros(n + 1, bool)  # index -1 (withdrawn) reads False
    dirty[:n] = state.delta
    # a changed record's links stay (policy "kept") or are scored again from its new values
    kept_m = both if _link_policy(meta) == "kept" else both & ~dirty[ra] & ~dirty[rb]
    removed = int((~kept_m).sum())
    kept_l = np.minimum(ra, rb)[kept_m]
    kept_r = np.maximum(ra, rb)[kept_m]
    kept_p = link_p[kept_m]
    # a withdrawn record's links to records still present pass to the new record that matches
    # it best (policy "kept": a re-registered client keeps the links their old record made)
    heir_l, heir_r, heir_p = _successor_links(link_a, link_b, link_p, ra, rb, succ_row, succ_of,
                                              succ_p)
    seeds = np.concatenate([dirty_rows, ra[~kept_m & (ra >= 0)], rb[~kept_m & (rb >= 0)]])
    lost_codes = sorted_unique(lost_code[(lost_code >= 0) & (lost_code < len(persons))])
    seeds = np.concatenate([seeds, np.flatnonzero(isin(old_person, lost_codes))])

    # link: everything when no model is kept yet, else the new and changed rows against all
    new_meta = {"next_rec": str(max(next_rec, int(state.rec.max()) + 1 if n else next_rec))}
    if full:
        pooled = _rows_encoded(conn, codec, state, np.arange(n, dtype=np.int64))
        kept = _freeze(pooled)
        new_meta["blocking"] = _incremental.rules_to_json(kept)
        rules = _incremental.active_rules(n, kept, ALL_PAIRS_LIMIT)
        state.keys = _incremental.join_keys(pooled, kept)[0] if n and kept else \
            np.zeros((n, 0), np.uint64)
        state.pops = codec.popcounts(pooled)
        new_meta["joins"] = str(state.keys.shape[1])
        new_l, new_r, new_p, scored, model_doc = _full_link(state, pooled, agencies, threshold,
                                                            meta["clustering"], rules)
        new_meta.update(model_doc or {})
        seeds = np.arange(n, dtype=np.int64)
    else:
        rules = _incremental.active_rules(n, kept or [], ALL_PAIRS_LIMIT)
        if isinstance(rules[0], AllPairs):
            cand_l, cand_r = _incremental.all_pairs_with(n, dirty_rows)
        else:
            cand_l, cand_r = _incremental.delta_pairs(state.keys, specs, dirty_rows)
        # pairs already linked keep their link (and its probability and month)
        fresh = ~_pair_in(cand_l, cand_r, np.concatenate([kept_l, heir_l]),
                          np.concatenate([kept_r, heir_r]), n)
        cand_l, cand_r = cand_l[fresh], cand_r[fresh]
        prob = _score_rows(conn, codec, state, cand_l, cand_r, scoring)
        ok = prob >= threshold
        new_l, new_r, new_p, scored = cand_l[ok], cand_r[ok], prob[ok], int(cand_l.size)
        new_l, new_r = np.concatenate([new_l, heir_l]), np.concatenate([new_r, heir_r])
        new_p = np.concatenate([new_p, heir_p])
    timings["link"] = time.perf_counter() - t0

    # recluster the touched components and carry the ids over
    t0 = time.perf_counter()
    all_l = np.concatenate([kept_l, new_l]).astype(np.int64)
    all_r = np.concatenate([kept_r, new_r]).astype(np.int64)
    all_p = np.concatenate([kept_p, new_p]).astype(float)
    seeds = sorted_unique(np.concatenate([seeds, new_l, new_r]).astype(np.int64))
    region = _closure(n, all_l, all_r, old_person, seeds) if n else np.zeros(0, np.int64)
    pop = _Population(agencies, state.agency, state.source, state.ids, state.delta)
    assigned, events, status, minted = _assign(
        pop, region, all_l, all_r, all_p, (old_l, old_r, old_p), old_person, persons,
        _FirstMonths(conn), meta["clustering"], month, key)
    # the withdrawn records' persons that no row holds any more
    ended = sorted(uniques[sorted_unique(lost_code[lost_code >= len(persons)])].tolist())
    events += [("end", p, None, None) for p in ended]
    status += [("ended", None, p) for p in ended]
    timings["cluster"] = time.perf_counter() - t0

    insert, replace, encodings, reassign = [], [], [], []
    final_person = state.person.copy()
    for row, person in assigned.items():
        r = int(state.rec[row])
        final_person[row] = person
        if state.delta[row]:
            if state.new[row]:
                insert.append((r, state.agency[row], state.ids[row], month, month, person))
            else:
                replace.append((month, person, r))
            encodings.append((r, row))
        elif state.person[row] != person:
            reassign.append((person, r))
    raw = state.raw(np.asarray([row for _, row in encodings], dtype=np.int64), codec)
    encodings = [(r, raw[k].tobytes()) for k, (r, _) in enumerate(encodings)]
    # the links kept (in their stored order), then the month's new ones
    out = np.zeros(int(kept_m.sum()) + new_l.size, _LINK)
    k = int(kept_m.sum())
    out[:k] = links[kept_m]
    out["a"][k:], out["b"][k:], out["p"][k:] = state.rec[new_l], state.rec[new_r], new_p
    names = list(link_months)
    if new_l.size:
        if month not in names:
            names.append(month)
        out["m"][k:] = names.index(month)
    used = sorted_unique(out["m"]) if out.size else np.zeros(0, np.int32)
    if used.size < len(names):  # months whose links are all gone: renumber the rest
        out["m"] = np.searchsorted(used, out["m"])
        names = [names[i] for i in used.tolist()]
    link_row = (int(out.size), json.dumps(names), out.tobytes())
    untouched = np.ones(n, bool)
    untouched[region] = False
    # the region is closed under old persons, and its ids are its old persons' or new ones:
    # the people outside it and inside it are disjoint
    n_people = count_distinct(old_person[untouched & (old_person >= 0)]) + \
        len(set(assigned.values()))
    added = {a: c[0] for a, c in per_agency.items()}
    changed = {a: c[1] for a, c in per_agency.items()}
    withdrawn = {a: c[2] for a, c in per_agency.items()}
    held = np.bincount(state.source, minlength=len(agencies))
    counts = [(a, int(held[agencies.index(a)]), *per_agency[a]) for a in agencies
              if a in per_agency]
    report = UpdateReport(month, added, changed, withdrawn, full, pairs_scored=scored,
                          links_added=int(new_l.size), links_removed=removed,
                          records_reclustered=int(region.size), new_people=len(minted),
                          merges=sum(e[0] == "merge" for e in events),
                          splits=sum(e[0] == "split" for e in events), ended=len(ended),
                          reregistered=inherited, records=n, people=n_people)
    columns = _columns(agencies, state, final_person, digest)
    writes = _Writes(insert, replace, encodings, [(g,) for g in gone], columns, reassign,
                     link_row, minted, status, events, counts, new_meta)
    return report, writes


def _link_policy(meta: Mapping[str, str]) -> str:
    """Return the store's link policy (``LINK_POLICIES``); stores made before it rescore."""
    return meta.get("links", "rescored")


def _successor_links(link_a: np.ndarray, link_b: np.ndarray, link_p: np.ndarray,
                     ra: np.ndarray, rb: np.ndarray, succ_row: np.ndarray, succ_of: np.ndarray,
                     succ_p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links from each successor's row to the present partners of the record it succeeds.

    ``link_a``/``link_b``: the stored links' record keys, ``ra``/``rb`` their rows (-1:
    withdrawn); ``succ_*``: the new rows, the withdrawn keys they succeed and the match
    probability. A passed link's probability is the smaller of the match and the link. Should
    several new records succeed one withdrawn record, its links pass to the first of them.
    """
    empty = np.zeros(0, np.int64)
    if succ_row.size == 0 or link_a.size == 0:
        return empty, empty, np.zeros(0)
    order = np.lexsort((succ_row, succ_of))
    keys, rows, p = succ_of[order], succ_row[order], succ_p[order]
    out_l, out_r, out_p = [], [], []
    for ends, partner in ((link_a, rb), (link_b, ra)):
        at = np.minimum(np.searchsorted(keys, ends), keys.size - 1)
        hit = np.flatnonzero((keys[at] == ends) & (partner >= 0))
        heir = rows[at[hit]]
        out_l.append(np.minimum(heir, partner[hit]))
        out_r.append(np.maximum(heir, partner[hit]))
        out_p.append(np.minimum(p[at[hit]], link_p[hit]))
    left, right, prob = np.concatenate(out_l), np.concatenate(out_r), np.concatenate(out_p)
    if left.size == 0:
        return empty, empty, np.zeros(0)
    # one link per pair, the most probable, should two stored links give the same one
    order = np.lexsort((-prob, right, left))
    left, right, prob = left[order], right[order], prob[order]
    first = np.r_[True, (left[1:] != left[:-1]) | (right[1:] != right[:-1])]
    return left[first], right[first], prob[first]


def _pair_in(left: np.ndarray, right: np.ndarray, in_l: np.ndarray, in_r: np.ndarray, n: int
             ) -> np.ndarray:
    """Whether each unordered row pair (left, right) is among the pairs (in_l, in_r)."""
    def code(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = a.astype(np.int64), b.astype(np.int64)
        return np.minimum(a, b) * max(n, 1) + np.maximum(a, b)

    if left.size == 0 or in_l.size == 0:
        return np.zeros(left.size, bool)
    return isin(code(left, right), code(in_l, in_r))


def _inherit(conn: sqlite3.Connection, codec: _Codec, state: _State, stored: dict[str, Any],
             withdrawn: np.ndarray, specs: list, scoring: tuple[Any, Any, Any],
             threshold: float, *, all_pairs: bool, successors: bool = False
             ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Give a new record the person of the record withdrawn this month that it matches best.

    An agency that re-registers a person withdraws the record and sends it under a new id; the
    new record is scored against the month's withdrawn records (blocked by the kept rules'
    joins, or all pairs at all-pairs size) with the kept model, and its best match at or above
    the threshold (an identical record of its own agency first) passes its person on when that
    person holds no record any more, so that the person keeps its id (the id assignment treats
    the new record as that person's) instead of ending. A person who still holds records needs
    none of this: a new record that links to them joins them anyway, and a lesser, orphaned
    match does not pass its person to it. Clusters are not affected. With ``successors``, each
    new record's best match is returned too, so that the withdrawn record's links can pass to
    it. Returns how many records inherited a person, and the successors: each such new record's
    row, the withdrawn record's key and the match probability.
    """
    none = np.zeros(0, np.int64)
    new_rows = np.flatnonzero(state.new)
    out = np.flatnonzero(withdrawn)
    # the withdrawn records' persons that some record still held holds (probe the few)
    left_behind = stored["person"][out]
    held = state.person[~state.new]
    still = set(held[pd.Index(held, dtype=object).isin(left_behind)].tolist()) \
        if out.size else set()
    orphan = np.fromiter((p not in still for p in left_behind.tolist()), bool, out.size)
    gone = out  # every withdrawn record: a new record's best match may be a held person's
    if new_rows.size == 0 or gone.size == 0:
        return 0, none, none, np.zeros(0)
    if all_pairs or not specs:
        li = np.repeat(np.arange(new_rows.size), gone.size)
        lj = np.tile(np.arange(gone.size), new_rows.size)
    else:
        li, lj = _incremental.pairs_between(state.keys[new_rows], stored["keys"][gone], specs)
    if li.size == 0:
        return 0, none, none, np.zeros(0)
    got = _fetch_blobs(conn, stored["rec"][gone], len(stored["rec"]))
    data = b"".join([got.get(r, b"") for r in stored["rec"][gone].tolist()])
    if len(data) != gone.size * codec.width:
        raise StoreError("a stored record has no encoding or one of the wrong length; the "
                         "store is damaged")
    raw = np.concatenate([state.raw(new_rows, codec),
                          np.frombuffer(data, np.uint8).reshape(gone.size, codec.width)])
    ids = [*state.ids[new_rows].tolist(), *stored["ids"][gone].tolist()]
    part = codec.decode_matrix(ids, raw)
    pops = np.concatenate([state.pops[new_rows], stored["pops"][gone]])
    prob = _score(part, li, new_rows.size + lj, scoring,
                  {f: pops[:, k] for k, f in enumerate(codec.filters)})
    ok = np.flatnonzero(prob >= threshold)
    # per new record: first a withdrawn record of its own agency with the very same encoding
    # (the same client sent under a new id: two withdrawn records of one person, or of two
    # people month 1 kept apart, can score alike), then the most probable
    twin = (state.source[new_rows[li[ok]]] == stored["source"][gone[lj[ok]]]) & \
        (raw[li[ok]] == raw[new_rows.size + lj[ok]]).all(axis=1)
    best = ok[np.lexsort((lj[ok], -prob[ok], ~twin, li[ok]))]
    top = best[np.unique(li[best], return_index=True)[1]]
    # the person passes only from the best match, and only when no record holds it any more:
    # a new record whose best match's person still holds records joins them by its links (a
    # lesser, orphaned match passed its person before, and the record's link to its own person
    # then showed as a split that moved nothing)
    passing = top[orphan[lj[top]]]
    for k in passing.tolist():
        state.person[new_rows[li[k]]] = stored["person"][gone[lj[k]]]
    if not successors:
        return int(passing.size), none, none, np.zeros(0)
    return int(passing.size), new_rows[li[top]], stored["rec"][gone[lj[top]]], prob[top]


def _rows_encoded(conn: sqlite3.Connection, codec: _Codec, state: _State, rows: np.ndarray
                  ) -> EncodedDataset:
    """Decode the encodings of ``rows`` in row order.

    A record of an agency that sent its file this month is read from that file (its encoding
    there is the stored one, or replaces it); only the records of agencies without a file this
    month are read from the store.
    """
    src = state.incoming[rows]
    here = src >= 0
    raw = np.empty((rows.size, codec.width), np.uint8)
    raw[here] = state.raw(rows[here], codec)
    if not here.all():
        need = state.rec[rows[~here]]
        got = _fetch_blobs(conn, need, len(state))
        data = b"".join([got.get(k, b"") for k in need.tolist()])
        if len(got) != need.size or len(data) != need.size * codec.width:
            raise StoreError("a stored record has no encoding or one of the wrong length; the "
                             "store is damaged")
        raw[~here] = np.frombuffer(data, np.uint8).reshape(need.size, codec.width)
    return codec.decode_matrix(state.ids[rows].tolist(), raw)


def _freeze(pooled: EncodedDataset) -> list:
    """Choose the blocking rules kept for later months, on the first month's population."""
    if len(pooled) < 2:
        return []
    try:
        return _incremental.freeze(pooled)
    except ParameterError:
        return []  # no blocking possible: all pairs only (refused above all-pairs size)


def _full_link(state: _State, pooled: EncodedDataset, agencies: list[str], threshold: float,
               clustering: str, rules: list
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, dict[str, str] | None]:
    """Link-and-dedupe every record (the first month): accepted pairs as rows, and the model."""
    from linkcore.linkage.dedupe import link_and_dedupe

    empty = np.zeros(0, np.int64)
    if len(pooled) < 2:
        return empty, empty, np.zeros(0), 0, None
    present = [k for k in range(len(agencies)) if (state.source == k).any()]
    parts = [pooled.subset(np.flatnonzero(state.source == k)) for k in present]
    names = [agencies[k] for k in present]
    result = link_and_dedupe(parts, names=names, threshold=threshold, clustering=clustering,
                             blocking=rules, blocking_recall_budget=0)
    if not result.model.is_fitted:
        return empty, empty, np.zeros(0), 0, None
    pairs = result.pairs
    index = {k: r for r, k in enumerate(zip(state.agency.tolist(), state.ids.tolist(),
                                            strict=True))}
    a = np.array([index[k] for k in zip(pairs["agency_a"], pairs["id_a"], strict=True)],
                 dtype=np.int64)
    b = np.array([index[k] for k in zip(pairs["agency_b"], pairs["id_b"], strict=True)],
                 dtype=np.int64)
    doc = _model_doc(result.model, result.salt, result.dependence)
    return np.minimum(a, b), np.maximum(a, b), pairs["probability"].to_numpy(float), \
        int(result.candidate_stats["union"]), doc


def _assign(pop: _Population, region: np.ndarray, left: np.ndarray, right: np.ndarray,
            prob: np.ndarray, old_links: tuple[np.ndarray, np.ndarray, np.ndarray],
            old_person: np.ndarray, persons: list[str], first_month: Mapping[str, str],
            clustering: str, month: str, key: ProjectKey
            ) -> tuple[dict[int, str], list[tuple], list[tuple], list[str]]:
    """Cluster the region's rows and give each cluster its person id (see the module doc)."""
    from linkcore.linkage.dedupe import cluster_pairs

    n = len(pop.agency)
    inside = np.zeros(n, bool)
    inside[region] = True
    m = inside[left] & inside[right]
    ll, lr, lp = left[m], right[m], prob[m]
    local = np.full(n, -1, np.int64)
    local[region] = np.arange(region.size)
    labels = cluster_pairs(local[ll], local[lr], lp, pop.source[region], clustering) \
        if region.size else np.zeros(0, np.int64)
    label_of = np.full(n, -1, np.int64)
    label_of[region] = labels
    olds = old_person[region]
    k = int(labels.max()) + 1 if labels.size else 0
    minrow = np.full(k, n, np.int64)
    np.minimum.at(minrow, labels, region)
    # each old person's home: the cluster holding most of its records; ties to the one holding
    # more of them that did not change this month (the id stays with the records that stayed
    # as they were, not with one that changed and left them), then to the smallest row
    has_old = olds >= 0
    counts = pd.DataFrame({"p": olds[has_old], "c": labels[has_old],
                           "steady": ~pop.changed[region][has_old]}) \
        .groupby(["p", "c"], sort=False)["steady"].agg(["size", "sum"]) \
        .rename(columns={"size": "k", "sum": "steady"}).reset_index()
    counts["minrow"] = minrow[counts["c"].to_numpy()]
    home = counts.sort_values(["p", "k", "steady", "minrow"],
                              ascending=[True, False, False, True]).drop_duplicates("p")
    home_of = dict(zip(home["p"].tolist(), home["c"].tolist(), strict=True))
    claims: dict[int, list[int]] = {}
    for p, c in home_of.items():
        claims.setdefault(c, []).append(p)
    olds_in: dict[int, list[int]] = {}
    for p, c in zip(counts["p"].tolist(), counts["c"].tolist(), strict=True):
        olds_in.setdefault(c, []).append(p)
    o_l, o_r, o_p = old_links
    # a split's evidence joins rows of one old person, all inside the region (closed under old
    # persons): only the old links inside it are searched
    om = inside[o_l] & inside[o_r]
    o_l, o_r, o_p = o_l[om], o_r[om], o_p[om]

    pid = np.empty(k, dtype=object)
    events: list[tuple] = []
    status: list[tuple] = []
    for c, claimants in claims.items():
        if len(claimants) == 1:
            pid[c] = persons[claimants[0]]
            continue
        members = region[labels == c]
        held = {q: int((old_person[members] == q).sum()) for q in claimants}
        ranked = sorted(claimants, key=lambda q: (-held[q], first_month.get(persons[q], month),
                                                  persons[q]))
        pid[c] = persons[ranked[0]]
        for q in ranked[1:]:
            mine = members[old_person[members] == q]
            events.append(("merge", pid[c], persons[q], _strongest(ll, lr, lp, mine, members)))
            status.append(("merged", pid[c], persons[q]))
    # clusters that no old id went to: a new person, minted from its first record and the month
    fresh = np.array([c for c in range(k) if c not in claims], dtype=np.int64)
    first = minrow[fresh]
    minted = [str(x) for x in key.minted_ids(pop.agency[first].tolist(), pop.ids[first].tolist(),
                                             month)]
    issued = first_month.any_of(minted) if isinstance(first_month, _FirstMonths) else \
        any(x in first_month for x in minted)
    if len(set(minted)) != len(minted) or issued:
        raise LinkcoreError("a new person id equals one already issued; report this with the "
                            "store's counts")
    pid[fresh] = minted
    # records of an old person in a cluster other than its home: split from it (to a new id,
    # or to another person's)
    for c, qs in olds_in.items():
        for q in qs:
            if home_of[q] == c:
                continue
            part = region[(labels == c) & (olds == q)]
            rest = np.flatnonzero((old_person == q) & (label_of != c))
            events.append(("split", persons[q], pid[c], _between(o_l, o_r, o_p, part, rest)))
    assigned = dict(zip(region.tolist(), pid[labels].tolist(), strict=True))
    return assigned, events, status, minted


def _strongest(left: np.ndarray, right: np.ndarray, prob: np.ndarray, part: np.ndarray,
               members: np.ndarray) -> float | None:
    """Highest probability of a link from ``part`` to the rest of ``members`` (the evidence)."""
    distinct = sorted_unique(members)
    rest = distinct[~isin(distinct, part)]  # np.setdiff1d(members, part)
    return _between(left, right, prob, part, rest)


def _between(left: np.ndarray, right: np.ndarray, prob: np.ndarray, a: np.ndarray,
             b: np.ndarray) -> float | None:
    """Highest probability of a link between row sets ``a`` and ``b`` (None if none)."""
    in_a, in_b = isin(left, a), isin(right, b)
    m = (in_a & in_b) | (isin(left, b) & isin(right, a))
    return float(prob[m].max()) if m.any() else None


def _write(conn: sqlite3.Connection, month: str, meta: Mapping[str, str], known: list[str],
           agencies: list[str], files: Mapping[str, EncodedDataset], w: _Writes) -> None:
    """Apply the month's writes inside the open transaction."""
    conn.executemany("DELETE FROM records WHERE rec = ?", w.withdraw)
    conn.executemany("DELETE FROM encodings WHERE rec = ?", w.withdraw)
    conn.executemany("INSERT INTO records (rec, agency, id, arrived, changed, person) "
                     "VALUES (?, ?, ?, ?, ?, ?)", w.insert)
    conn.executemany("UPDATE records SET changed = ?, person = ? WHERE rec = ?", w.replace)
    conn.executemany("INSERT OR REPLACE INTO encodings (rec, data) VALUES (?, ?)", w.encodings)
    conn.executemany("INSERT OR REPLACE INTO columns (agency, records, ids, persons, numbers) "
                     "VALUES (?, ?, ?, ?, ?)", w.columns)
    conn.executemany("UPDATE records SET person = ? WHERE rec = ?", w.reassign)
    conn.executemany("INSERT OR REPLACE INTO links (part, links, months, data) "
                     "VALUES (1, ?, ?, ?)", [w.links])
    conn.executemany("INSERT INTO persons (person, first_month, status) VALUES (?, ?, "
                     "'active')", [(p, month) for p in w.persons_new])
    conn.executemany("UPDATE persons SET status = ?, merged_into = ? WHERE person = ?",
                     w.persons_status)
    conn.executemany("INSERT INTO history (month, event, person, other, probability) "
                     "VALUES (?, ?, ?, ?, ?)", [(month, *e) for e in w.events])
    conn.executemany("INSERT INTO agencies (name, position, joined) VALUES (?, ?, ?)",
                     [(a, k, month) for k, a in enumerate(agencies) if a not in known])
    conn.executemany("INSERT INTO months (month, agency, records, added, changed, withdrawn) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [(month, *c) for c in w.counts])
    _set_meta(conn, last_month=month, **w.meta)


# --------------------------------------------------------------------------- reading


def people(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every current record with its person id (agency, id, person), sorted by agency and id."""
    with _connect(path, write=False) as conn:
        _meta(conn)  # a damaged store is refused, not read
        rows = conn.execute("SELECT agency, id, person FROM records ORDER BY agency, id")
        table = pd.DataFrame(rows.fetchall(), columns=["agency", "id", "person"], dtype=object)
    return table


def history(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Return the merges, splits and ends in order: month, event, person, other, probability."""
    with _connect(path, write=False) as conn:
        _meta(conn)  # a damaged store is refused, not read
        rows = conn.execute("SELECT month, event, person, other, probability FROM history "
                            "ORDER BY seq").fetchall()
    return pd.DataFrame(rows, columns=["month", "event", "person", "other", "probability"])


def months(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Per month and agency: records held, added, changed, withdrawn."""
    with _connect(path, write=False) as conn:
        _meta(conn)  # a damaged store is refused, not read
        rows = conn.execute("SELECT month, agency, records, added, changed, withdrawn FROM "
                            "months ORDER BY month, agency").fetchall()
    return pd.DataFrame(rows, columns=["month", "agency", "records", "added", "changed",
                                       "withdrawn"])


def info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Public facts about a store: format, schema fingerprint, agencies, last month, counts."""
    with _connect(path, write=False) as conn:
        meta = _meta(conn)
        agencies = [a for a, in conn.execute("SELECT name FROM agencies ORDER BY position")]
        n_records = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        n_people = conn.execute("SELECT COUNT(DISTINCT person) FROM records").fetchone()[0]
        n_links = _link_count(conn)
    return {"format_version": FORMAT_VERSION, "schema_fingerprint": meta["schema_fingerprint"],
            "agencies": agencies, "last_month": meta.get("last_month") or None,
            "records": n_records, "people": n_people, "links": n_links,
            "threshold": float(meta["threshold"]), "clustering": meta["clustering"],
            "link_policy": _link_policy(meta),
            "model_fitted": "model" in meta}


def relink(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Clusters (agency, id, cluster) of a full re-link of the store's records with its model.

    Every candidate pair of the current population, by the rules kept with the model
    (``dedupe.within_candidates``, planned over the whole population from its encodings, not
    from the stored join keys), scored with the kept model and corrections and clustered at
    once: what the monthly updates should equal. A store whose links are ``kept`` clusters
    these pairs with the stored links (a stored pair keeps its stored probability), since a
    link that a record's earlier values made stays while both records are present.
    """
    from linkcore.linkage.dedupe import cluster_pairs, within_candidates

    with _connect(path, write=False) as conn:
        meta = _meta(conn)
        codec = _Codec(meta)
        pos = {a: k for k, (a,) in enumerate(conn.execute(
            "SELECT name FROM agencies ORDER BY position"))}
        rows = sorted(((pos[a], i, b, r) for r, a, i, b in conn.execute(
            "SELECT r.rec, r.agency, r.id, e.data FROM records r JOIN encodings e USING (rec)")),
            key=lambda t: (t[0], t[1]))
        stored = _read_links(conn)[0] if _link_policy(meta) == "kept" else np.zeros(0, _LINK)
    names = list(pos)
    source = np.asarray([r[0] for r in rows], dtype=np.int64)
    agency = np.asarray([names[r[0]] for r in rows], dtype=object)
    ids = np.asarray([r[1] for r in rows], dtype=object)
    n = len(rows)
    if "model" in meta and n >= 2:
        pooled = codec.decode(ids.tolist(), [r[2] for r in rows])
        kept = _incremental.rules_from_json(meta["blocking"])
        rules = _incremental.active_rules(n, kept, ALL_PAIRS_LIMIT)
        left, right, _ = within_candidates(pooled, rules)
        prob = _score(pooled, left, right, _load_model(meta))
        ok = prob >= float(meta["threshold"])
        left, right, prob = left[ok], right[ok], prob[ok]
        if stored.size:
            row_of = {r[3]: k for k, r in enumerate(rows)}
            sl = np.fromiter((row_of[int(r)] for r in stored["a"]), np.int64, stored.size)
            sr = np.fromiter((row_of[int(r)] for r in stored["b"]), np.int64, stored.size)
            again = _pair_in(left, right, sl, sr, n)
            left = np.concatenate([left[~again], sl])
            right = np.concatenate([right[~again], sr])
            prob = np.concatenate([prob[~again], stored["p"].astype(float)])
        labels = cluster_pairs(left, right, prob, source, meta["clustering"])
    else:
        labels = np.arange(n, dtype=np.int64)
    return pd.DataFrame({"agency": agency, "id": ids, "cluster": labels})
