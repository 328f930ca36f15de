"""The whole-file attacks, run per field with every column of the file at once.

:class:`WholeFile` holds what the attacker has (the encoded file, the public schema, the register
and his own-key encodings of it) plus what it rebuilds once and shares between attacks (salt
groups, the trivial partition, denoised filters). :func:`wholefile_attacks` runs, for one field,
rebuilt salt groups, the cross-view bridge, joined views, cluster-and-denoise, balancing undone
from complementary columns (lengths aligned), overlaps of records that share a salt (message
passing inside rebuilt groups), and the published
attacks on
their strongest variant inside what the others rebuild (pattern mining on denoised filters, graph
matching inside rebuilt salt groups). :func:`combined_identity` pins down (first name, surname,
year of birth) per record from every attack's guesses. Plaintext of the holder never enters here
except through ``score`` callbacks, which only the run module supplies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import EncodedDataset
from ..holder.encode import encode
from ..holder.key_parts import apply_transform, salt_values
from ..holder.keys import Secret
from ..schema import VALUE_WITH_SALT, FieldSpec, KeyPart, Mapping, Schema
from .cluster_denoise import cluster_denoise_attack, denoise, same_value_threshold
from .cross_view import cross_view_attack
from .equality import deterministic, salt_groups, salt_revealing_columns, trivial_partition
from .frequency import salted_units
from .graph_matching import graph_matching_attack
from .group_overlap import (
    Bits,
    Evidence,
    MateEvidence,
    candidates,
    class_priors,
    expected_overlaps,
    group_evidence,
    group_overlap_attack,
    mate_evidence,
    mate_overlaps,
)
from .pattern_mining import pattern_mining_attack
from .reference import is_multi_token, token_sets, value_counts
from .salt_groups import group_salt_guesses, salt_groups_attack
from .scoring import Guesses
from .similar_salts import group_threshold, join_groups, similarity_clusters
from .unbalance import length_profile_attack, original_columns
from .view_join import view_join_attack

MIN_GROUP = 200
ATTACKER_KEYS = 3
#: Rounds of messages of the chained group attack: the first within each family, then two in
#: which a record's mates pass on what their groups of the other family told them (a red-team
#: session's three passes, 2026-12-06; its later passes added less).
CHAIN_ROUNDS = 3
YEAR_SUFFIX = ".year"


def _without(schema: Schema, *, blip: bool, salt: bool) -> Schema:
    """Return the public schema without BLIP steps and/or salts (for own-key encodings)."""
    def steps(st):  # noqa: ANN001, ANN202 - tiny local helper
        return tuple(x for x in st if not (blip and x.type == "blip"))
    fields = tuple(dataclasses.replace(f, hardening=steps(f.hardening),
                                       salt=None if salt else f.salt) for f in schema.fields)
    clk = schema.clk
    if clk is not None:
        clk = dataclasses.replace(clk, hardening=steps(clk.hardening),
                                  salt=None if salt else clk.salt)
    return dataclasses.replace(schema, fields=fields, clk=clk)


@dataclass
class WholeFile:
    """The attacker's holdings and what the attacks rebuild from them once."""

    schema: Schema
    dataset: EncodedDataset
    own: EncodedDataset
    ref: dict[str, np.ndarray]
    ref_df: pd.DataFrame
    mapping: Mapping
    attacker_key: Secret | None = None
    blip_nonce: bytes | None = None
    _cache: dict = field(default_factory=dict)

    def _own(self, blip: bool, salt: bool, copy: int = 0) -> EncodedDataset:
        key = ("own", blip, salt, copy)
        if key not in self._cache:
            secret = (Secret.generate() if self.attacker_key is None else
                      Secret(self.attacker_key.derive(f"linkcore/audit/own/{blip}/{salt}/{copy}")))
            self._cache[key] = encode(self.ref_df, _without(self.schema, blip=blip, salt=salt),
                                      secret, self.mapping, blip_nonce=self.blip_nonce)
        return self._cache[key]

    @property
    def own_clean(self) -> EncodedDataset:
        """The register under the attacker's key without per-record noise."""
        return self._own(True, False)

    @property
    def own_clean_keys(self) -> list[EncodedDataset]:
        """The register without noise under ``ATTACKER_KEYS`` keys of the attacker's."""
        return [self._own(True, False, c) for c in range(ATTACKER_KEYS)]

    @property
    def own_plain(self) -> EncodedDataset:
        """The register under the attacker's key without noise or salt (one salt group)."""
        return self._own(True, True)

    @property
    def own_plain_keys(self) -> list[EncodedDataset]:
        """The register without noise or salt under ``ATTACKER_KEYS`` keys of the attacker's."""
        return [self._own(True, True, c) for c in range(ATTACKER_KEYS)]

    def groups(self, salt: KeyPart) -> tuple[np.ndarray, list[str]]:
        """Rebuilt salt groups for one salt (cached), with the columns that rebuilt them.

        Equality classes first, then joined through the similarity of the fields salted with
        it, where that similarity tells groups apart (similar_salts.py).
        """
        key = ("groups", salt)
        if key not in self._cache:
            groups, names = salt_groups(self.schema, self.dataset, salt)
            for j, spec in enumerate(self.schema.fields):
                if spec.salt != salt or not deterministic(spec.hardening) \
                        or not is_multi_token(spec) or spec.name not in self.ref:
                    continue
                t = group_threshold(self.own.fields[spec.name], self.own.missing[:, j],
                                    self.salt_values(salt), self.ref[spec.name])
                if t is None:
                    continue
                clusters = similarity_clusters(self.dataset.fields[spec.name],
                                               self.dataset.missing[:, j], t)
                groups = join_groups(groups, clusters)
                names.append(f"similar:{spec.name}")
            self._cache[key] = groups, names
        return self._cache[key]

    def exact_groups(self, salt: KeyPart) -> np.ndarray:
        """Salt groups rebuilt from equality classes only (every member surely shares the salt)."""
        key = ("exact_groups", salt)
        if key not in self._cache:
            self._cache[key] = salt_groups(self.schema, self.dataset, salt)[0]
        return self._cache[key]

    @property
    def trivial(self) -> tuple[str, np.ndarray] | None:
        """The trivially revealed attribute (field, class code per record), if any."""
        if "trivial" not in self._cache:
            self._cache["trivial"] = trivial_partition(self.schema, self.dataset)
        return self._cache["trivial"]

    def salt_values(self, part: KeyPart | None) -> np.ndarray | None:
        """Return the register's salt value per record for a salt part."""
        if part is None:
            return None
        return np.array(salt_values(self.schema, part, self.ref), dtype=object)

    def denoised(self, spec: FieldSpec, i: int) -> tuple[np.ndarray, dict[str, int]]:
        """Return a noisy field's filters, each replaced by its cluster's majority vote."""
        key = ("denoised", spec.name)
        if key not in self._cache:
            units = salted_units(self.ref[spec.name], self.salt_values(spec.salt))
            t = same_value_threshold(self.own.fields[spec.name], units)
            self._cache[key] = denoise(self.dataset.fields[spec.name],
                                       self.dataset.missing[:, i], t)
        return self._cache[key]


Run = Callable[[str, Callable[[], Guesses]], object]


def wholefile_attacks(spec: FieldSpec, i: int, wf: WholeFile, run: Run,
                      skip: Callable[[str, str], object]) -> None:
    """Run every whole-file attack that applies to one field through ``run(attack, fn)``.

    ``skip(attack, note)`` records an attack that does not apply, with the reason.
    """
    name = spec.name
    ds, ref = wf.dataset, wf.ref
    filters, missing = ds.fields[name], ds.missing[:, i]
    noisy = not deterministic(spec.hardening)
    multi = is_multi_token(spec)
    trivial = wf.trivial
    t_codes = None if trivial is None or trivial[0] == name else trivial[1]
    r_attr = None if trivial is None or trivial[0] == name else ref[trivial[0]]

    # rebuilt salt groups
    if spec.salt is None:
        skip("salt_groups", "the field is not salted (frequency alignment covers it)")
    elif noisy:
        skip("salt_groups", "the field has per-record noise: cluster and denoise covers it")
    else:
        groups, _ = wf.groups(spec.salt)
        run("salt_groups", lambda: salt_groups_attack(filters, missing, groups, t_codes,
                                                      ref[name], r_attr, wf.own.fields[name]))

    # cross-view bridge through the CLK
    clk = wf.schema.clk
    if clk is None or ds.clk is None or spec.clk_k == 0:
        skip("cross_view", "no second view of the field (no CLK holds it)")
    elif spec.salt is None or clk.salt == spec.salt:
        skip("cross_view", "the field and the CLK share one protection")
    elif noisy or not deterministic(clk.hardening):
        skip("cross_view", "a view has per-record noise: its classes are not equality classes")
    else:
        groups, _ = wf.groups(spec.salt)
        run("cross_view", lambda: cross_view_attack(
            filters, missing, ds.clk, groups, spec.clk_k, ref[name],
            lambda values: token_sets(values, spec), t_codes, r_attr))

    # joined views: every deterministic encoding of this value, chained through their classes,
    # and every other column whose equality implies an equal value (keys, fields salted by it)
    views = _views(wf.schema, ds, spec, i)
    implied = _implied_classes(wf.schema, ds, spec)
    if getattr(spec, "source", None) is not None:
        skip("view_join", "run on the view's source field")
    elif len(views) + len(implied) < 2:
        skip("view_join", "the value is sent in one deterministic view only")
    else:
        run("view_join", lambda: view_join_attack(views or [(filters, missing)], t_codes,
                                                  ref[name], r_attr, extra=implied))

    # cluster and denoise; pattern mining on the denoised filters
    if not noisy:
        skip("cluster_denoise", "no per-record noise: identical filters already cluster")
        skip("pattern_mining@denoised", "no per-record noise")
    else:
        units = salted_units(ref[name], wf.salt_values(spec.salt))
        plain = spec.salt is None
        run("cluster_denoise", lambda: cluster_denoise_attack(
            filters, missing, wf.own.fields[name], units,
            [(own.fields[name], own.missing[:, i]) for own in wf.own_clean_keys],
            ref[name], ref[name] if plain else units, multi))
        if multi:
            def _pm() -> Guesses:
                den, _ = wf.denoised(spec, i)
                vals, counts = value_counts(ref[name])
                return pattern_mining_attack(den, missing, vals, counts,
                                             token_sets(vals, spec), k=spec.k)
            run("pattern_mining@denoised", _pm)
        else:
            skip("pattern_mining@denoised", "single-token field")

    # balancing undone from the file (complementary columns), then lengths aligned
    if not any(step.type == "balance" for step in spec.hardening):
        skip("unbalance", "the field is not balanced (pattern mining and frequency cover it)")
    elif noisy:
        skip("unbalance", "the field has per-record noise: its columns do not pair exactly")
    elif not multi:
        skip("unbalance", "single-token field: every value sets as many bits")
    else:
        own = wf.own_clean
        mate = _position_mate(wf.schema, spec, ds, own)
        index = {f.name: j for j, f in enumerate(wf.schema.fields)}

        def _lengths(fields: list[str]) -> Callable[[], Guesses]:
            return lambda: length_profile_attack(
                [(ds.fields[f], ds.missing[:, index[f]]) for f in fields],
                [(own.fields[f], own.missing[:, index[f]]) for f in fields], ref[name], spec.k)
        run("unbalance", _lengths([name]))
        if mate is None:
            skip("unbalance+mate", "no field shares this field's bit positions")
        else:
            run("unbalance+mate", _lengths([name, mate]))

    # overlaps of two records' filters inside rebuilt salt groups, every view of the value
    if getattr(spec, "source", None) is not None:
        skip("group_overlap", "run on the view's source field")
        skip("group_chain", "run on the view's source field")
    elif not multi:
        skip("group_overlap", "single-token field: two values share all or nothing")
        skip("group_chain", "single-token field: two values share all or nothing")
    else:
        evidence, mates, cands, prior = _overlap_evidence(spec, wf)
        if not evidence and not mates:
            skip("group_overlap", "no salted, deterministic view whose columns can be read")
            skip("group_chain", "no salted, deterministic view whose columns can be read")
        else:
            priors = class_priors(cands, ref[name], r_attr, t_codes)
            run("group_overlap", lambda: group_overlap_attack(evidence, mates, cands, priors,
                                                              t_codes, len(filters)))
            if len({ev.family for ev in evidence}) < 2:
                skip("group_chain", "the value's views are salted by one family of groups")
            else:
                run("group_chain", lambda: group_overlap_attack(
                    evidence, mates, cands, priors, t_codes, len(filters), CHAIN_ROUNDS))

    # graph matching inside the largest rebuilt salt groups
    if spec.salt is None or noisy or not multi:
        skip("graph_matching@groups", "needs a salted, deterministic multi-token field")
    else:
        groups, _ = wf.groups(spec.salt)
        sizes = np.bincount(groups[~missing]) if (~missing).any() else np.zeros(0, int)
        big = np.flatnonzero(sizes >= MIN_GROUP)
        if len(big) == 0:
            skip("graph_matching@groups", f"no rebuilt salt group holds {MIN_GROUP} records")
        else:
            run("graph_matching@groups", lambda: _graph_in_groups(
                filters, missing, groups, big, wf.own_plain, name, i, ref[name]))


def _overlap_evidence(spec: FieldSpec, wf: WholeFile
                      ) -> tuple[list[Evidence], list[MateEvidence], np.ndarray, np.ndarray]:
    """Collect what every salted, deterministic view of a value shows through overlaps.

    For each view: two records of one rebuilt group (exact equality classes only); and, over
    the views together, each record's overlap with its mate field (``key_with``). A balanced
    view whose columns do not pair is left out. Returns both kinds, the candidates and prior.
    """
    schema, ds = wf.schema, wf.dataset
    index = {f.name: j for j, f in enumerate(schema.fields)}
    cands, prior = candidates(wf.ref[spec.name])
    groups: list[Evidence] = []
    mates: list[tuple[np.ndarray, np.ndarray]] = []
    if len(cands) < 2:
        return groups, [], cands, prior
    for f in schema.fields:
        if f.name != spec.name and getattr(f, "source", None) != spec.name:
            continue
        if f.salt is None or not deterministic(f.hardening) or f.name not in ds.fields:
            continue
        mine = _readable(f, index[f.name], ds)
        own_bits = _candidate_bits(f, index[f.name], wf, cands, spec.name)
        if mine is None or own_bits is None:
            continue
        expected, sd = expected_overlaps(own_bits)
        ev = group_evidence(mine, wf.exact_groups(f.salt), expected, sd,
                            _allowed(schema, f, spec.name, cands),
                            family=f"{f.salt.field}.{f.salt.transform}")
        groups += [ev] if ev is not None else []
        mate = _position_mate(schema, f, ds, wf.own_plain)
        if mate is None:
            continue
        theirs = _readable(schema.field(mate), index[mate], ds)
        own = _own_mate_overlaps(f, schema.field(mate), index, wf)
        if theirs is None or own is None:
            continue
        mates.append((mate_overlaps(mine, theirs), own))
    joined = []
    if mates:
        ev = mate_evidence([m[0] for m in mates], [m[1] for m in mates], wf.ref[spec.name],
                           cands)
        joined += [ev] if ev is not None else []
    return groups, joined, cands, prior


def _own_mate_overlaps(f: FieldSpec, mate: FieldSpec, index: dict[str, int], wf: WholeFile
                       ) -> np.ndarray | None:
    """Return (keys, n_ref): each reference record's overlap with its mate, per attacker key."""
    out = []
    for own in wf.own_plain_keys:
        mine = _readable(f, index[f.name], own)
        theirs = _readable(mate, index[mate.name], own)
        if mine is None or theirs is None:
            return None
        out.append(mate_overlaps(mine, theirs))
    return np.stack(out)


def _readable(spec: FieldSpec, j: int, ds: EncodedDataset) -> Bits | None:
    """Return a column as bits (unbalanced when balanced); None if its columns do not pair."""
    filters, missing = ds.fields[spec.name], ds.missing[:, j]
    balanced = any(step.type == "balance" for step in spec.hardening)
    columns = original_columns(filters, missing) if balanced else None
    return None if balanced and columns is None else Bits(filters, missing, columns)


def _candidate_bits(spec: FieldSpec, j: int, wf: WholeFile, cands: np.ndarray,
                    source: str) -> list[np.ndarray] | None:
    """Return each candidate's unsalted bits in the field, under each of the attacker's keys."""
    out = []
    for own in wf.own_plain_keys:
        rows = _representatives(wf.ref[source], own.missing[:, j], cands)
        bits = _readable(spec, j, own)
        if rows is None or bits is None:
            return None
        out.append(bits.rows(rows))
    return out


def _representatives(values: np.ndarray, missing: np.ndarray, cands: np.ndarray
                     ) -> np.ndarray | None:
    """One reference row per candidate value (encoded, not missing); None if one has none."""
    first: dict[str, int] = {}
    for row in np.flatnonzero(~missing):
        v = values[row]
        if isinstance(v, str) and v not in first:
            first[v] = int(row)
    rows = [first.get(c) for c in cands]
    return None if any(r is None for r in rows) else np.asarray(rows, dtype=np.int64)


def _allowed(schema: Schema, view: FieldSpec, source: str, cands: np.ndarray
             ) -> np.ndarray | None:
    """Candidate pairs that can share one of the view's salts (its salt may carry the value).

    A postcode view salted with the first name's initial holds only names of one initial per
    group; None when the salt carries nothing of the value.
    """
    parts, part = [], view.salt
    while part is not None:
        if part.field == source:
            parts.append("value" if part.transform == VALUE_WITH_SALT else part.transform)
        if part.transform != VALUE_WITH_SALT:
            break
        part = schema.field(part.field).salt
    if not parts:
        return None
    keys = np.array(["\x1f".join(str(apply_transform(t, c)) for t in parts) for c in cands],
                    dtype=object)
    return (keys[:, None] == keys[None, :]).astype(np.float64)


def _position_mate(schema: Schema, spec: FieldSpec, ds: EncodedDataset,
                   own: EncodedDataset) -> str | None:
    """Return the field whose bits share this field's positions (``key_with``), if any.

    In one record the overlap of the two filters counts the tokens the two values share.
    """
    for other in schema.fields:
        if other.name == spec.name or other.name not in ds.fields or other.name not in own.fields:
            continue
        if other.hardening != spec.hardening:
            continue
        if spec.key_with == other.name or other.key_with == spec.name \
                or (spec.key_with is not None and spec.key_with == other.key_with):
            return other.name
    return None


def _views(schema: Schema, ds: EncodedDataset, spec: FieldSpec, i: int
           ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return (filters, missing) of every deterministic view of a field.

    Views: the field itself, fields whose public ``source`` is this field, and a deterministic
    CLK that carries it (only when there is another view to join it with).
    """
    out = []
    if deterministic(spec.hardening):
        out.append((ds.fields[spec.name], ds.missing[:, i]))
    for j, other in enumerate(schema.fields):
        if getattr(other, "source", None) == spec.name and deterministic(other.hardening):
            out.append((ds.fields[other.name], ds.missing[:, j]))
    clk = schema.clk
    if len(out) >= 2 and clk is not None and ds.clk is not None \
            and deterministic(clk.hardening) and spec.clk_k > 0:
        out.append((ds.clk, ~ds.clk.any(axis=1)))
    return out


def _implied_classes(schema: Schema, ds: EncodedDataset, spec: FieldSpec
                     ) -> dict[str, np.ndarray]:
    """Class codes of the columns, other than the field's own views, that imply its value."""
    own = {f"field:{f.name}" for f in schema.fields
           if f.name == spec.name or getattr(f, "source", None) == spec.name}
    codes = salt_revealing_columns(schema, ds, KeyPart(spec.name, "value"))
    return {k: c for k, c in codes.items() if k not in own and k != "clk"}


def _graph_in_groups(filters: np.ndarray, missing: np.ndarray, groups: np.ndarray,
                     big: np.ndarray, own_plain: EncodedDataset, name: str, i: int,
                     ref_values: np.ndarray) -> Guesses:
    """Graph matching inside each large rebuilt group against the unsalted own-key register."""
    n = len(filters)
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    name_filters = own_plain.fields[name]
    for g in big:
        rows = np.flatnonzero((groups == g) & ~missing)
        out = graph_matching_attack(filters[rows], np.zeros(len(rows), dtype=bool),
                                    name_filters, own_plain.missing[:, i], ref_values)
        guesses[rows], confident[rows] = out.guesses, out.confident
    return Guesses(guesses, confident, True, "", {"groups": int(len(big))})


def salt_value_attacks(schema: Schema, wf: WholeFile) -> list[tuple[str, KeyPart, Guesses]]:
    """Guess each record's salt values (a year of birth, an initial) from rebuilt group sizes.

    One guess set per distinct salt of a deterministic field, named ``field.transform``.
    """
    salts = list(dict.fromkeys(f.salt for f in schema.fields
                               if f.salt is not None and deterministic(f.hardening)))
    out = []
    for salt in salts:
        groups, names = wf.groups(salt)
        guesses = group_salt_guesses(groups, wf.salt_values(salt), len(groups))
        guesses.details = {**(guesses.details or {}), "groups": int(groups.max()) + 1
                           if groups.size else 0, "rebuilt_from": len(names)}
        out.append((f"{salt.field}.{salt.transform}", salt, guesses))
    return out


def _pick(names: list[str], schema: Schema) -> tuple[str | None, str | None, str | None]:
    """(first name, surname, date of birth) fields of the schema, by kind and name."""
    name_fields = [f.name for f in schema.fields if f.kind == "name"]
    first = next((n for n in name_fields if "first" in n or "given" in n),
                 name_fields[0] if name_fields else None)
    last = next((n for n in name_fields if "last" in n or "sur" in n or "family" in n),
                name_fields[-1] if len(name_fields) > 1 else None)
    date = next((f.name for f in schema.fields if f.kind == "date"), None)
    return first, last, date


def _best_guess(candidates: list[Guesses], n: int) -> np.ndarray:
    """Pick one guess per record: the first confident one, else the top-ranked attack's.

    Attacks are ranked by how many confident guesses they make, which the attacker sees.
    """
    ranked = sorted(candidates, key=lambda g: -int(np.asarray(g.confident).sum()))
    out = np.full(n, None, dtype=object)
    done = np.zeros(n, dtype=bool)
    for g in ranked:
        take = ~done & np.asarray(g.confident, dtype=bool) & pd.notna(g.guesses)
        out[take] = g.guesses[take]
        done |= take
    for g in ranked:
        take = ~done & pd.notna(pd.Series(g.guesses, dtype=object)).to_numpy()
        out[take] = g.guesses[take]
        done |= take
    return out


def combined_identity(schema: Schema, store: dict[tuple[str, str], Guesses], n: int
                      ) -> tuple[list[str], Guesses] | None:
    """Each record's (first name, surname, year of birth) as the attacks pin it down together.

    Returns the three target names and one Guesses whose value is the joined triple.
    """
    first, last, date = _pick(list(schema.field_names), schema)
    if first is None or last is None or date is None:
        return None
    year_target = f"{date}{YEAR_SUFFIX}"
    parts = []
    for target in (first, last):
        cands = [g for (t, _), g in store.items() if t == target]
        parts.append(_best_guess(cands, n) if cands else np.full(n, None, dtype=object))
    years = [g for (t, _), g in store.items() if t == year_target]
    for (t, _), g in store.items():
        if t == date:
            y = np.array([apply_transform("year", v) if isinstance(v, str) else None
                          for v in g.guesses], dtype=object)
            years.append(Guesses(y, g.confident))
    parts.append(_best_guess(years, n) if years else np.full(n, None, dtype=object))
    joined = np.array([None if any(p is None for p in cells) else "\x1f".join(cells)
                       for cells in zip(*parts, strict=True)], dtype=object)
    return [first, last, year_target], Guesses(joined, np.zeros(n, dtype=bool), True, "",
                                               {"fields": 3})
