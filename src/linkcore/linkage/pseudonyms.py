"""Keyed pseudonymous person ids, per-agency release files and shared-people counts.

A cluster's person id is HMAC-SHA256 under the linkage unit's *project key* (a key of its own,
never the data holders' encoding key) of the cluster's representative, the smallest
``(agency, record id)`` among its records, truncated to 16 hex characters (64 bits):

    person = hex(HMAC-SHA256(HKDF-SHA256(project key, info "linkcore/v1/person-id"),
                             UTF-8(agency) || 0x1F || UTF-8(record id)))[:16]

So the id depends only on who is in the cluster, not on positions or on the order of the
files, and it carries no order, no count and nothing that tells a matched record from an
unmatched one; without the key nobody can compute or test it. A different project key gives
unrelated ids, so two projects' releases cannot be joined. It stays the same across runs while
the cluster's smallest record stays in it. The persistent store (linkage/store.py) keeps ids
through merges and splits instead: it mints an id once per new person (``minted_ids``, the
first record and the month) and carries it forward.

Each agency's release holds only its own record ids and their person ids: two of its records
with one person id are duplicates, and nothing in it says which other agencies hold the person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from linkcore._keyfile import read_key, refuse_degenerate
from linkcore.errors import LinkcoreError, ParameterError, SecretError, refuse_one_string

#: Environment variable read for the project key when no key file is given.
PROJECT_KEY_ENV = "LINKCORE_PROJECT_KEY"
#: Hex characters kept of each HMAC (64 bits: a collision among a billion people has
#: probability about 3 %; one is checked for and refused).
PERSON_ID_HEX = 16
_INFO = b"linkcore/v1/person-id"
_SEP = "\x1f"

# The data holders' key check value (docs/spec.md "Keys"), recomputed to refuse their key.
_HKDF_SALT = b"linkcore/v1/hkdf-salt"
_KCV_INFO = b"linkcore/v1/kcv"
_KCV_LABEL = b"linkcore/v1/key-check-value"


def _hkdf(key: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=info).derive(key)


class ProjectKey:
    """The linkage unit's key for person ids. Its repr never shows the key; it cannot be pickled."""

    __slots__ = ("_mac_key", "_kcv")

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes | bytearray):
            raise SecretError("the project key must be bytes (ProjectKey(secrets.token_bytes(32)) "
                              "or ProjectKey.load)")
        if len(key) < 16:
            raise SecretError("the project key must be at least 128 bits")
        refuse_degenerate(bytes(key), "the project key")
        self._mac_key = _hkdf(bytes(key), _INFO)
        kcv_key = _hkdf(bytes(key), _KCV_INFO)
        self._kcv = hmac.new(kcv_key, _KCV_LABEL, hashlib.sha256).digest()[:16].hex()

    @classmethod
    def load(cls, key_file: str | os.PathLike[str] | None = None,
             env_var: str | None = None) -> ProjectKey:
        """Read the key from a private key file, else from ``env_var`` (LINKCORE_PROJECT_KEY)."""
        return cls(read_key(key_file, env_var, PROJECT_KEY_ENV, option="--project-key-file"))

    def __repr__(self) -> str:
        return "ProjectKey(<hidden>)"

    def __reduce__(self):  # never pickle key material by accident
        raise TypeError("a ProjectKey cannot be pickled")

    def refuse_holders_key(self, key_check_values: Sequence[str]) -> None:
        """Raise SecretError if this is the data holders' key (their files' key check value)."""
        if self._kcv in set(key_check_values):
            raise SecretError("the project key is the data holders' encoding key; the linkage "
                              "unit needs a key of its own (make one with `linkcore keygen`)")

    @property
    def check_value(self) -> str:
        """Public check value of this key (HMAC of a fixed label): tells two keys apart."""
        return self._kcv

    def minted_ids(self, agencies: Sequence[str], ids: Sequence[str], tag: str) -> np.ndarray:
        """Return a new person id per ``(agency, record id)``, bound to ``tag`` (a month)."""
        return self.person_ids(agencies, [f"{i}{_SEP}{tag}" for i in ids])

    def person_ids(self, agencies: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        """Return the person id of each representative ``(agency, record id)``."""
        out = np.empty(len(ids), dtype=object)
        for k, (a, i) in enumerate(zip(agencies, ids, strict=True)):
            msg = f"{a}{_SEP}{i}".encode()
            out[k] = hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()[:PERSON_ID_HEX]
        return out


def with_person_ids(clusters: pd.DataFrame, key: ProjectKey) -> pd.DataFrame:
    """Replace the cluster labels of (agency, id, cluster) by keyed person ids (agency, id, person).

    Rows come out sorted by agency and id, so the row order says nothing about the clusters.
    """
    if not isinstance(clusters, pd.DataFrame):
        raise TypeError("clusters must be a pandas DataFrame (agency, id, cluster)")
    if not isinstance(key, ProjectKey):
        raise TypeError("key must be a ProjectKey (ProjectKey.load(path) or "
                        "ProjectKey(secrets.token_bytes(32)))")
    missing = [c for c in ("agency", "id", "cluster") if c not in clusters.columns]
    if missing:
        raise ParameterError(f"the clusters table lacks column(s) {', '.join(missing)}")
    for column in ("agency", "id", "cluster"):
        values = clusters[column]
        empty = values.isna().to_numpy()
        if not pd.api.types.is_numeric_dtype(values):  # text: blank counts as empty too
            # not in place: with pandas 3 (copy on write) to_numpy() may give a read-only view
            empty = empty | (values.astype(str).str.strip() == "").to_numpy()
        if empty.any():
            raise ParameterError(f"the clusters table has {int(empty.sum())} row(s) with no "
                                 f"{column}; every row needs an agency, an id and a cluster")
    table = pd.DataFrame({"agency": clusters["agency"].astype(str).to_numpy(dtype=object),
                          "id": clusters["id"].astype(str).to_numpy(dtype=object),
                          "cluster": clusters["cluster"].to_numpy()})
    repeated = int(table.duplicated(["agency", "id"]).sum())
    if repeated:
        raise ParameterError(f"the clusters table names {repeated} (agency, id) pair(s) more "
                             "than once; a record belongs to one cluster")
    table = table.sort_values(["agency", "id"], ignore_index=True, kind="stable")
    # the first row of each cluster in (agency, id) order is its representative
    first = ~table["cluster"].duplicated()
    reps = table[first]
    pid = pd.Series(key.person_ids(reps["agency"].tolist(), reps["id"].tolist()),
                    index=reps["cluster"].to_numpy())
    if pid.duplicated().any():  # two clusters with one id: 64 bits make this vanishingly rare
        raise LinkcoreError("two clusters got the same person id; report this with the counts")
    return pd.DataFrame({"agency": table["agency"], "id": table["id"],
                         "person": pid.loc[table["cluster"].to_numpy()].to_numpy()})


def release_tables(people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One table (id, person) per agency, holding only that agency's records, sorted by id."""
    out = {}
    for agency, part in people.groupby("agency", sort=True):
        out[str(agency)] = part[["id", "person"]].sort_values("id", ignore_index=True)
    return out


def shared_counts(people: pd.DataFrame, agencies: Sequence[str]) -> pd.DataFrame:
    """People per combination of agencies: one 0/1 column per agency and a ``people`` count.

    A person counts once however many records each agency holds for them; combinations that
    nobody has are left out. Counts only, no ids.
    """
    refuse_one_string(agencies, "agencies")
    agencies = list(agencies)
    unnamed = set(people["agency"].astype(str)) - set(map(str, agencies))
    if unnamed:
        raise ParameterError(f"{len(unnamed)} agency(ies) of the table are not among the "
                             "agencies given; name every agency (one with no records counts 0)")
    held = pd.crosstab(people["person"], people["agency"]).reindex(columns=agencies,
                                                                   fill_value=0) > 0
    combos = held.astype(np.int64).value_counts().rename("people").reset_index()
    combos = combos.sort_values(agencies, ascending=False, ignore_index=True)
    return combos[[*agencies, "people"]]
