"""The store audit: what an attacker who copies the linkage unit's store can learn from it.

A store (linkage/store.py) holds every agency's current encoded records in one file, and the
linkage unit's own output beside them: the person each record belongs to, the accepted links and
the merge/split history. An attacker who copies it holds all of that at once, with the public
schema (kept in the store) and a plaintext register. This module reads the store read-only, runs
every attack of the whole-file audit on the union of its records (one field layout: the store
has one schema), and adds the attacks that the clusters make possible:

- ``frequency@persons`` and ``salt_groups@persons``: the same alignments on one row per (person,
  filter): a person held by three agencies with one encoding counts once, as in the register;
- ``cluster_bridge``: joined views with the clusters as one more equality test. Records of one
  person hold (nearly always) one value; when they were encoded under different salts (another
  date of birth, another postcode in another agency's file) the link joins equality classes that
  salting keeps apart. A person link between two records is dropped when the file itself shows
  that their values differ (one view of the value has the same rebuilt salt group in both and
  different filters); the rest are chained with every view's equality classes, and the
  components are labelled by size and sex mix against the register (:mod:`view_join`);
- every attack above also on each agency's records alone (``<attack>@agency``: the store says
  which agency holds a record, so the attacker has each agency's file as well as the union),
  the guesses pieced together and scored over the store;
- ``cluster_vote``: every record of a person gets the person's most common confident guess from
  the attacks above (any record, any view of the value), so one re-identified record names all.

What the store does not hold is not attacked: it keeps one (the current) encoding per agency and
record id (a changed record is replaced, a withdrawn one deleted, with ``secure_delete``), and no
encoding of an earlier month. :func:`store_facts` counts what it does hold.

Tables read (read-only, ``mode=ro``): ``meta`` (schema, spec_version, schema_fingerprint,
key_check_value), ``agencies`` (name, position), ``records`` (agency, id, person, data: decoded
with the store's own record codec), and the counts of ``links``, ``persons``, ``history`` and
``months``. Scoring needs each agency's plaintext of the stored records (the extract of the
store's last month), matched by record id; only rates and counts come out.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .._sets import isin
from ..dataset import EncodedDataset
from ..errors import InputDataError, StoreError
from ..holder.keys import Secret
from ..schema import FieldSpec, Mapping, Schema
from .equality import class_codes, deterministic, trivial_partition
from .frequency import frequency_attack, salted_units
from .reference import check_reference_columns, plaintext_table, refuse_unreadable
from .run import (
    ATTACKS,
    PER_AGENCY,
    AttackResult,
    AuditResult,
    _Scorer,
    attack_encoded,
    score_kept_guesses,
    verdicts_for,
)
from .salt_groups import salt_groups_attack
from .scoring import Guesses
from .view_join import view_join_attack
from .wholefile import WholeFile, _best_guess

STORE_ATTACKS = ("frequency@persons", "salt_groups@persons", "cluster_bridge", "cluster_vote")
MAX_CLUSTER = 50  # larger clusters are not paired (a bad link, not one person)
CONFIDENT_WEIGHT = 1000


@dataclass
class StoreHoldings:
    """What a copy of the store gives: its records (decoded), their agency and person."""

    schema: Schema
    dataset: EncodedDataset
    agency: np.ndarray  # agency name per row
    person: np.ndarray  # person code per row (0..people-1)
    facts: dict[str, int]


def read_store(path: str | os.PathLike[str]) -> StoreHoldings:
    """Read a store read-only: every record's encoding, agency and person, and counts."""
    from ..linkage import store as st

    p = Path(path)
    if not p.is_file():
        raise StoreError(f"{path} is not a linkcore store (no such file)")
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path} ({type(exc).__name__})") from None
    try:
        try:
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if str(exc) == "database is locked":
                raise StoreError(f"another run is writing the store {path} (database is "
                                 "locked); try again when it has finished") from None
            raise StoreError(f"{path} is not a linkcore store") from None
        except sqlite3.DatabaseError:
            raise StoreError(f"{path} is not a linkcore store") from None
        if app != st.APPLICATION_ID:
            raise StoreError(f"{path} is an SQLite file but not a linkcore store")
        if version != st.FORMAT_VERSION:
            raise StoreError(f"{path} is a store of format version {version}; this linkcore "
                             f"reads version {st.FORMAT_VERSION}")
        try:
            conn.execute("BEGIN")  # one snapshot for every read
            meta = st._meta(conn)  # noqa: SLF001 - the store's own check of its facts
            agencies = [a for a, in conn.execute("SELECT name FROM agencies ORDER BY position")]
            rows = conn.execute("SELECT agency, id, person, data FROM records "
                                "JOIN encodings USING (rec)").fetchall()
            counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                      for t in ("persons", "history", "months")}
            counts["links"] = st._link_count(conn)  # noqa: SLF001 - one row holds them all
            changed, withdrawn = conn.execute(
                "SELECT COALESCE(SUM(changed), 0), COALESCE(SUM(withdrawn), 0) FROM months"
            ).fetchone()
            n_months = conn.execute("SELECT COUNT(DISTINCT month) FROM months").fetchone()[0]
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            locked = str(exc) == "database is locked"
            raise StoreError(f"another run is writing the store {path} (database is locked); "
                             "try again when it has finished" if locked else
                             f"cannot read the store {path} ({st._reason(exc)}); it is "  # noqa: SLF001
                             "damaged") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read the store {path} ({st._reason(exc)}); it is "  # noqa: SLF001
                             "damaged") from None
    finally:
        conn.close()
    codec = st._Codec(meta)  # noqa: SLF001 - the store's own record layout, read-only
    position = {a: k for k, a in enumerate(agencies)}
    rows.sort(key=lambda r: (position.get(r[0], len(position)), r[1]))
    if any(len(r[3]) != codec.width for r in rows):
        raise StoreError("a stored record has the wrong length; the store is damaged")
    dataset = codec.decode([r[1] for r in rows], [r[3] for r in rows])
    agency = np.array([r[0] for r in rows], dtype=object)
    person, people = pd.factorize(pd.Series([r[2] for r in rows], dtype=object))
    per_person = np.bincount(person, minlength=len(people))
    agencies_per_person = pd.DataFrame({"p": person, "a": agency}).drop_duplicates() \
        .groupby("p").size()
    facts = {"records": len(rows), "agencies": len(agencies), "people": len(people),
             "people_with_several_records": int((per_person >= 2).sum()),
             "people_in_several_agencies": int((agencies_per_person >= 2).sum()),
             "months": int(n_months), "links": int(counts["links"]),
             "person_ids_issued": int(counts["persons"]),
             "history_events": int(counts["history"]),
             "versions_changed_over_months": int(changed),
             "records_withdrawn_over_months": int(withdrawn),
             "encodings_kept_per_record": 1}
    return StoreHoldings(codec.schema, dataset, agency, np.asarray(person, np.int64), facts)


def store_truth(holdings: StoreHoldings,
                plaintexts: MappingABC[str, tuple[pd.DataFrame, Mapping]]
                ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each stored record's plaintext values (by field) from its agency's extract; scored rows.

    Agencies without a plaintext are attacked but not scored. Every stored record of an agency
    that has one must be in it (by record id).
    """
    schema = holdings.schema
    n = len(holdings.dataset)
    truth = {f.name: np.full(n, None, dtype=object) for f in schema.fields}
    scored = np.zeros(n, dtype=bool)
    ids = np.asarray(holdings.dataset.record_ids, dtype=object)
    for agency, (df, mapping) in plaintexts.items():
        rows = np.flatnonzero(holdings.agency == agency)
        if len(rows) == 0:
            raise InputDataError(f"agency {agency} has no records in the store; give the "
                                 "plaintext of an agency the store holds")
        mapping.check_schema(schema)
        mapping.check_columns(df.columns)
        own_ids = df[mapping.id_column].astype(str)
        if own_ids.duplicated().any():
            raise InputDataError(f"agency {agency}'s plaintext has a record id twice")
        position = pd.Series(np.arange(len(df)), index=own_ids.to_numpy())
        found = position.reindex(ids[rows].astype(str))
        lost = int(found.isna().sum())
        if lost:
            raise InputDataError(f"{lost:,} of agency {agency}'s stored records are not in its "
                                 "plaintext; give the extract of the store's last month")
        table = plaintext_table(df, schema, mapping)
        refuse_unreadable(table, f"agency {agency}'s plaintext")
        at = found.to_numpy(dtype=np.int64)
        for name in truth:
            truth[name][rows] = np.asarray(table[name], dtype=object)[at]
        scored[rows] = True
    return truth, scored


def _per_person_rows(person: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """First row of each (person, filter class) among present rows."""
    rows = np.flatnonzero(codes >= 0)
    frame = pd.DataFrame({"p": person[rows], "c": codes[rows]})
    return rows[~frame.duplicated().to_numpy()]


def _spread(out: Guesses, reps: np.ndarray, codes: np.ndarray, n: int,
            note: dict[str, int]) -> Guesses:
    """Give every row its class representative's guess (deterministic: one per filter)."""
    k = int(codes.max()) + 1 if len(codes) else 0
    g = np.full(k, None, dtype=object)
    c = np.zeros(k, dtype=bool)
    cr = codes[reps]
    g[cr[::-1]] = np.asarray(out.guesses, dtype=object)[::-1]
    c[cr[::-1]] = np.asarray(out.confident, dtype=bool)[::-1]
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    present = codes >= 0
    guesses[present], confident[present] = g[codes[present]], c[codes[present]]
    return Guesses(guesses, confident, out.applicable, out.note,
                   {**(out.details or {}), **note})


def person_links(person: np.ndarray, views: list[tuple[np.ndarray, np.ndarray | None]]
                 ) -> tuple[np.ndarray, int, int]:
    """Person links the file does not refute, as a class code per row (-1 = no link).

    ``views``: per view of the value, its class code per row (-1 = missing) and its rebuilt
    salt group per row (None for an unsalted view). A pair of one person's records is refuted
    when some view has both present, different classes and the same salt group (the same salt,
    so a different value). Returns the codes, the pairs kept and the pairs refuted.
    """
    n = len(person)
    sizes = np.bincount(person, minlength=int(person.max(initial=-1)) + 1)
    rows = np.flatnonzero((sizes[person] >= 2) & (sizes[person] <= MAX_CLUSTER))
    frame = pd.DataFrame({"p": person[rows], "r": rows})
    pairs = frame.merge(frame, on="p")
    pairs = pairs[pairs["r_x"] < pairs["r_y"]]
    a, b = pairs["r_x"].to_numpy(np.int64), pairs["r_y"].to_numpy(np.int64)
    refuted = np.zeros(len(a), dtype=bool)
    for codes, groups in views:
        both = (codes[a] >= 0) & (codes[b] >= 0)
        same_salt = np.ones(len(a), bool) if groups is None else groups[a] == groups[b]
        refuted |= both & (codes[a] != codes[b]) & same_salt
    a, b = a[~refuted], b[~refuted]
    out = np.full(n, -1, dtype=np.int64)
    if len(a):
        graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
        labels = connected_components(graph, directed=False)[1]
        linked = np.zeros(n, dtype=bool)
        linked[a] = linked[b] = True
        out[linked] = labels[linked]
    return out, int(len(a)), int(refuted.sum())


def cluster_vote(candidates: list[Guesses], person: np.ndarray) -> Guesses:
    """Every record takes its person's most common guess, confident guesses first."""
    n = len(person)
    best = _best_guess(candidates, n)
    conf = np.zeros(n, dtype=bool)
    for g in candidates:
        conf |= np.asarray(g.confident, dtype=bool) & pd.notna(
            pd.Series(g.guesses, dtype=object)).to_numpy()
    frame = pd.DataFrame({"p": person, "g": best,
                          "w": np.where(conf, CONFIDENT_WEIGHT, 1)}).dropna(subset=["g"])
    if frame.empty:
        return Guesses.none(n, "no attack made a guess", applicable=True)
    votes = frame.groupby(["p", "g"], sort=False)["w"].sum().reset_index() \
        .sort_values(["p", "w"], ascending=[True, False], kind="stable").drop_duplicates("p")
    guess_of = dict(zip(votes["p"].tolist(), votes["g"].tolist(), strict=True))
    sure = dict(zip(votes["p"].tolist(), (votes["w"] >= CONFIDENT_WEIGHT).tolist(),
                    strict=True))
    guesses = np.array([guess_of.get(p, g) for p, g in zip(person.tolist(), best, strict=True)],
                       dtype=object)
    confident = np.array([sure.get(p, False) for p in person.tolist()], dtype=bool)
    changed = int(np.count_nonzero(pd.Series(guesses, dtype=object).ne(
        pd.Series(best, dtype=object)).to_numpy() & pd.notna(guesses)))
    return Guesses(guesses, confident, True, "", {"candidates": len(candidates),
                                                   "records_given_their_persons_guess": changed})


def _store_hook(person: np.ndarray, attacks: tuple[str, ...]):  # noqa: ANN202 - a closure
    """Return the hook that runs the store attacks on one field (see the module doc)."""

    def hook(spec: FieldSpec, i: int, wf: WholeFile, scorer: _Scorer,
             truth: dict[str, np.ndarray], ref: dict[str, np.ndarray]) -> list[AttackResult]:
        name = spec.name
        out: list[AttackResult] = []
        if pd.Series(ref[name], dtype=object).isna().all():
            return out
        ds, schema = wf.dataset, wf.schema
        n = len(ds)

        def run(attack: str, fn) -> None:  # noqa: ANN001
            if attack in attacks:
                out.append(scorer.timed(name, attack, fn, truth[name], ref[name]))

        def skip(attack: str, note: str) -> None:
            if attack in attacks:
                out.append(AttackResult(name, attack, False, None, note))

        filters, missing = ds.fields[name], ds.missing[:, i]
        det = deterministic(spec.hardening)
        codes = class_codes(filters, missing) if det else None
        t_codes = None if wf.trivial is None or wf.trivial[0] == name else wf.trivial[1]
        r_attr = None if wf.trivial is None or wf.trivial[0] == name else ref[wf.trivial[0]]

        # one row per person and filter
        if codes is None:
            skip("frequency@persons", "per-record noise: equal values do not share a filter")
            skip("salt_groups@persons", "per-record noise: equal values do not share a filter")
        else:
            reps = _per_person_rows(person, codes)
            note = {"rows_per_person_and_filter": int(len(reps))}
            units = salted_units(ref[name], wf.salt_values(spec.salt))
            run("frequency@persons", lambda: _spread(frequency_attack(
                filters[reps], missing[reps], units, ref[name], wf.own.fields[name]),
                reps, codes, n, note))
            if spec.salt is None:
                skip("salt_groups@persons", "the field is not salted")
            else:
                groups, _ = wf.groups(spec.salt)
                run("salt_groups@persons", lambda: _spread(salt_groups_attack(
                    filters[reps], missing[reps], groups[reps],
                    None if t_codes is None else t_codes[reps], ref[name], r_attr,
                    wf.own.fields[name]), reps, codes, n, note))

        # the clusters as one more equality test, across salts
        views = [(j, f) for j, f in enumerate(schema.fields)
                 if (f.name == name or name in f.sources) and deterministic(f.hardening)]
        if spec.source is not None:
            skip("cluster_bridge", "run on the view's source field")
        elif not views or views[0][1].name != name:
            skip("cluster_bridge", "per-record noise: classes are not equality classes")
        elif all(f.salt is None for _, f in views):
            skip("cluster_bridge", "the field is not salted (frequency alignment covers it)")
        else:
            def bridge() -> Guesses:
                coded = [(class_codes(ds.fields[f.name], ds.missing[:, j]),
                          None if f.salt is None else wf.groups(f.salt)[0]) for j, f in views]
                linked, kept, refuted = person_links(person, coded)
                out_g = view_join_attack([(ds.fields[f.name], ds.missing[:, j])
                                          for j, f in views], t_codes, ref[name], r_attr,
                                         extra={"persons": linked})
                out_g.details = {**(out_g.details or {}), "person_links_kept": kept,
                                 "person_links_refuted": refuted}
                return out_g
            run("cluster_bridge", bridge)

        # every record of a person takes the person's guess
        key = spec.source or name
        family = {key} | {f.name for f in schema.fields if f.source == key and not f.joined}
        candidates = [g for (t, _), g in scorer.store.items() if t in family]
        if not candidates:
            skip("cluster_vote", "no attack made guesses for this value")
        else:
            run("cluster_vote", lambda: cluster_vote(candidates, person))
        return out

    return hook


@dataclass
class StoreAuditResult(AuditResult):
    """An audit of a store: every attack's score per field, and what the store holds (counts)."""

    store: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON-ready form, with the store's counts under ``store``."""
        return {**super().as_dict(), "store": dict(self.store)}

    def summary_lines(self) -> list[str]:
        """Return what the store holds (counts), then the audit's lines."""
        s = self.store
        head = (f"store: {s['records']:,} records of {s['agencies']} agencies, "
                f"{s['people']:,} people ({s['people_in_several_agencies']:,} in several "
                f"agencies), {s['links']:,} links, {s['history_events']:,} history events; "
                f"{s['encodings_kept_per_record']} encoding kept per record")
        return [head, *super().summary_lines()]


def run_store_audit(store_path: str | os.PathLike[str],
                    plaintexts: MappingABC[str, tuple[pd.DataFrame, Mapping]],
                    reference_df: pd.DataFrame, reference_mapping: Mapping, *,
                    attacks: tuple[str, ...] = tuple(ATTACKS),
                    attacker_key: Secret | None = None,
                    agencies: list[str] | None = None,
                    per_agency: bool = True) -> StoreAuditResult:
    """Attack everything a copy of the store holds; score against the agencies' plaintext.

    ``plaintexts``: agency -> (its extract of the store's last month, its mapping).
    ``agencies``: attack only these agencies' records, without the store's clusters (to compare
    one agency's file with the whole store). ``per_agency``: also run every attack on each
    agency's records alone, scored over the store. ``attacker_key`` makes a run reproducible.
    """
    unknown = [a for a in attacks if a not in ATTACKS]
    if unknown:
        raise ValueError(f"unknown attack(s): {', '.join(unknown)}")
    if len(reference_df) == 0:
        raise InputDataError("the reference has no records; an audit needs a reference "
                             "population")
    if not plaintexts:
        raise InputDataError("give at least one agency's plaintext to score the audit against")
    holdings = read_store(store_path)
    if len(holdings.dataset) == 0:
        raise InputDataError("the store holds no records; there is nothing to audit")
    reference_mapping.check_schema(holdings.schema)
    check_reference_columns(reference_df, reference_mapping)
    truth, scored = store_truth(holdings, plaintexts)
    hook = _store_hook(holdings.person, attacks)
    dataset = holdings.dataset
    facts = dict(holdings.facts)
    if agencies is not None:
        keep = np.flatnonzero(isin(holdings.agency, agencies))
        dataset = dataset.subset(keep)
        truth = {k: v[keep] for k, v in truth.items()}
        scored = scored[keep]
        hook = None
        sub = pd.DataFrame({"p": holdings.person[keep], "a": holdings.agency[keep]})
        per = sub.drop_duplicates().groupby("p").size()
        facts.update(records=int(len(keep)), agencies=int(sub["a"].nunique()),
                     people=int(sub["p"].nunique()),
                     people_with_several_records=int((sub.groupby("p").size() >= 2).sum()),
                     people_in_several_agencies=int((per >= 2).sum()),
                     links=0, history_events=0)  # one agency's file holds no links
    if not scored.any():
        raise InputDataError("none of the audited records has a plaintext to score against")
    result = attack_encoded(holdings.schema, dataset, truth, reference_df, reference_mapping,
                            attacks=attacks, attacker_key=attacker_key,
                            field_hook=hook, scored=scored)
    results, verdicts = result.results, result.verdicts
    if agencies is None and per_agency:
        extra = _per_agency(holdings, truth, scored, plaintexts, reference_df,
                            reference_mapping, attacks, attacker_key)
        results = results + extra
        structural = {v.target: v for v in verdicts if v.attack == "structure"}
        verdicts = [structural.get(v.target, v)
                    for v in verdicts_for(holdings.schema, results)]
    return StoreAuditResult(result.records, result.reference_records,
                            result.schema_fingerprint, results, verdicts, result.exposure,
                            store=facts)


def _per_agency(holdings: StoreHoldings, truth: dict[str, np.ndarray], scored: np.ndarray,
                plaintexts: MappingABC[str, tuple[pd.DataFrame, Mapping]],
                reference_df: pd.DataFrame, reference_mapping: Mapping,
                attacks: tuple[str, ...], attacker_key: Secret | None) -> list[AttackResult]:
    """Every attack on each agency's records alone (the store says which agency holds each).

    The copy holds each agency's file as well as their union: an attack that does better on one
    agency's records (one writing style, one set of duplicates) is the attacker's to choose.
    Guesses from the agencies' runs are pieced together and scored over the whole store.
    """
    schema, n = holdings.schema, len(holdings.dataset)
    pieced: dict[tuple[str, str], Guesses] = {}
    for agency in plaintexts:
        keep = np.flatnonzero(holdings.agency == agency)
        kept: dict[tuple[str, str], Guesses] = {}
        attack_encoded(schema, holdings.dataset.subset(keep),
                       {k: v[keep] for k, v in truth.items()}, reference_df,
                       reference_mapping, attacks=attacks, attacker_key=attacker_key,
                       scored=scored[keep], keep_guesses=kept)
        for key, g in kept.items():
            full = pieced.setdefault(key, Guesses(np.full(n, None, dtype=object),
                                                  np.zeros(n, dtype=bool)))
            full.guesses[keep] = g.guesses
            full.confident[keep] = np.asarray(g.confident, dtype=bool)
    masked = {k: np.where(scored, v, None) for k, v in truth.items()}
    ref = plaintext_table(reference_df, schema, reference_mapping)
    trivial = trivial_partition(schema, holdings.dataset)
    return score_kept_guesses(schema, pieced, masked, ref, None if trivial is None
                              else trivial[0], PER_AGENCY)

