"""run_audit: encode DATA as it would be sent, attack it with the attacker's view, score it.

The attacker's view is the encoded file (never the key), the public schema, and a plaintext
reference population. The attacker may also encode the reference himself with the public schema
under a key of his own: the graph and frequency attacks use that to calibrate similarities and
set-bit counts. The holder's plaintext is used only to score the guesses, and only rates and counts
leave this module (:class:`AuditResult`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import EncodedDataset
from ..errors import InputDataError, ParameterError, refuse_one_string
from ..holder.encode import encode
from ..holder.key_parts import apply_transform, salt_values
from ..holder.keys import Secret
from ..schema import FieldSpec, KeyPart, Mapping, Schema
from .double_hashing import double_hashing_attack
from .equality import deterministic, trivial_partition
from .exposure import exposure_line, salt_exposure
from .frequency import frequency_attack, salted_units
from .graph_matching import graph_matching_attack
from .pattern_mining import pattern_mining_attack
from .reference import (
    check_reference_columns,
    is_multi_token,
    plaintext_table,
    refuse_unreadable,
    token_sets,
    value_counts,
)
from .scoring import Guesses, Score, chance_given, chance_level, score_guesses
from .wholefile import (
    WholeFile,
    _pick,
    combined_identity,
    salt_value_attacks,
    wholefile_attacks,
)

log = logging.getLogger("linkcore.audit")

ATTACKS: dict[str, str] = {
    "frequency": "frequency alignment",
    "pattern_mining": "bit-pattern mining",
    "graph_matching": "similarity-graph matching",
    "double_hashing": "double-hashing pattern",
    "salt_groups": "rebuilt salt groups",
    "cross_view": "cross-view bridge",
    "view_join": "joined views",
    "cluster_denoise": "cluster and denoise",
    "pattern_mining@denoised": "pattern mining, denoised",
    "graph_matching@groups": "graph matching in groups",
    "unbalance": "balancing undone, lengths aligned",
    "unbalance+mate": "balancing undone, two names' lengths and overlap",
    "group_overlap": "overlaps within rebuilt salt groups",
    "group_chain": "overlaps chained across salt families",
    "frequency@persons": "frequency, one row per person",
    "salt_groups@persons": "salt groups, one row per person",
    "cluster_bridge": "views joined through clusters",
    "cluster_vote": "person clusters vote",
    "combined": "all attacks combined",
}
CLASSIC = ("frequency", "pattern_mining", "graph_matching", "double_hashing")
WHOLE_FILE = ("salt_groups", "cross_view", "view_join", "cluster_denoise",
              "pattern_mining@denoised", "graph_matching@groups", "unbalance",
              "unbalance+mate", "group_overlap", "group_chain")
ADVICE: dict[str, str] = {
    "frequency": "enable record-level salting or BLIP",
    "pattern_mining": "enable BLIP, XOR-folding or rule 90",
    "graph_matching": "enable BLIP or record-level salting",
    "double_hashing": 'use the default hashing "prf"',
    "salt_groups": "remove every deterministic column that reveals the salt (date filters, "
                   "date blocking keys), or use a salt that cannot be rebuilt",
    "cross_view": "give every view of a value one protection (no unsalted CLK beside salted "
                  "fields)",
    "view_join": "send a value once, or make its views impossible to join (no deterministic "
                 "view beside another)",
    "cluster_denoise": "noise alone does not hide values that can be compared across the file",
    "pattern_mining@denoised": "noise alone does not hide values that can be compared across "
                               "the file",
    "graph_matching@groups": "make salt groups impossible to rebuild",
    "unbalance": "balancing with one permutation per field can be undone from the file (its "
                 "complementary columns pair); the set bits then give each value's length",
    "unbalance+mate": "as above; and two names placed with one subkey (key_with) show the "
                      "tokens they share",
    "group_overlap": "make two values' overlap depend only on the tokens they share (pad names, "
                     "spec §5), or salts that fewer records share",
    "group_chain": "encode the value under one salt: groups of two salts chain through the "
                   "records they share",
    "frequency@persons": "enable record-level salting or BLIP",
    "salt_groups@persons": "remove every deterministic column that reveals the salt",
    "cluster_bridge": "make the views of a value impossible to join: salts that a person's "
                      "records share, or no deterministic view of the value in the store",
    "cluster_vote": "protect every view of the value: the store's clusters carry one "
                    "record's re-identification to all of the person's records",
    "combined": "see the attacks above",
}
PER_AGENCY = "@agency"  # the store audit: an attack run on each agency's records alone
for _a in (*CLASSIC, *WHOLE_FILE, "combined"):
    ATTACKS[f"{_a}{PER_AGENCY}"] = f"{ATTACKS[_a]}, per agency"
    ADVICE[f"{_a}{PER_AGENCY}"] = ADVICE[_a]
CLK_TARGET = "clk"
IDENTITY_TARGET = "identity (first, last, year)"
BLOCK_PREFIX = "block:"
RISK_MARGIN = 0.01   # at risk: an attack beats max(chance, chance given the trivial reveal) + 1 pt
FEW_VALUES_CHANCE = 0.2  # chance this high: a field of a few values (sex), advice differs


@dataclass(frozen=True)
class AttackResult:
    """One attack on one field (or the CLK): applicability, score (rates only), notes."""

    target: str
    attack: str
    applicable: bool
    score: Score | None
    note: str = ""
    details: dict[str, float | int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def reidentified(self) -> float:
        """Share of records re-identified (0 when the attack was not scored)."""
        return self.score.reidentified if self.score else 0.0

    def as_dict(self) -> dict:
        """Plain JSON-ready form (numbers and names only)."""
        return {"target": self.target, "attack": self.attack, "applicable": self.applicable,
                "score": self.score.as_dict() if self.score else None, "note": self.note,
                "details": dict(self.details or {}), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class Verdict:
    """The audit's conclusion for one field: at risk or not, from its most successful attack."""

    target: str
    at_risk: bool
    attack: str | None
    reidentified: float
    chance: float
    message: str
    disclosed: bool = False  # broken, but the schema declares that the holders accept it

    def as_dict(self) -> dict:
        """Plain JSON-ready form (numbers and names only)."""
        return {"target": self.target, "at_risk": self.at_risk, "disclosed": self.disclosed,
                "attack": self.attack, "reidentified": self.reidentified,
                "chance": self.chance, "message": self.message}


@dataclass
class AuditResult:
    """Every attack's score per field, and a verdict per field. Holds no plaintext value."""

    records: int
    reference_records: int
    schema_fingerprint: str
    results: list[AttackResult]
    verdicts: list[Verdict]
    exposure: dict[str, float | int] = field(default_factory=dict)  # exposure.salt_exposure

    @property
    def at_risk(self) -> bool:
        """True when any field's verdict is at risk."""
        return any(v.at_risk for v in self.verdicts)

    @property
    def disclosed(self) -> list[str]:
        """The fields an attack re-identified that the schema declares disclosed."""
        return [v.target for v in self.verdicts if v.disclosed]

    def result(self, target: str, attack: str) -> AttackResult | None:
        """Return the result of one attack on one field (None if it was not run)."""
        for r in self.results:
            if r.target == target and r.attack == attack:
                return r
        return None

    def as_dict(self) -> dict:
        """Plain JSON-ready form (numbers and names only), versioned ``linkcore_audit: 2``."""
        return {"linkcore_audit": 2, "records": self.records,
                "reference_records": self.reference_records,
                "schema_fingerprint": self.schema_fingerprint, "at_risk": self.at_risk,
                "disclosed": self.disclosed,
                "verdicts": [v.as_dict() for v in self.verdicts],
                "exposure": dict(self.exposure),
                "results": [r.as_dict() for r in self.results]}

    def to_json(self) -> str:
        """Indented JSON of :meth:`as_dict`."""
        return json.dumps(self.as_dict(), indent=2) + "\n"

    def summary_lines(self) -> list[str]:
        """One verdict line per field, then one line per attack (rates and counts only).

        The chance column is the verdict's baseline: max(chance, chance given sex).
        """
        lines = [v.message for v in self.verdicts]
        if self.exposure:
            lines.append(exposure_line(self.exposure))
        lines.append("")
        width = max([16] + [len(r.target) for r in self.results])
        names = [ATTACKS.get(r.attack, r.attack) for r in self.results]
        aw = max([28] + [len(n) for n in names])
        lines.append(f"{'field':<{width}} {'attack':<{aw}} {'re-identified':>13} {'chance':>8} "
                     f"{'values':>8} {'confident prec.':>15}")
        for r, name in zip(self.results, names, strict=True):
            if r.score is None:
                blank = f"{'':>8} {'':>8} {'':>15}"
                lines.append(f"{r.target:<{width}} {name:<{aw}} {'n/a':>13} {blank}  "
                             f"{r.note}".rstrip())
                continue
            s = r.score
            prec = "-" if s.confident_precision is None else _pct(s.confident_precision)
            lines.append(f"{r.target:<{width}} {name:<{aw}} {_pct(s.reidentified):>13} "
                         f"{_pct(s.baseline):>8} {_pct(s.values_recovered):>8} {prec:>15}")
        return lines


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Small matrix products: one BLAS thread avoids oversubscription on shared machines."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


def _salt_values(part: KeyPart | None, table: dict[str, np.ndarray], schema: Schema
                 ) -> np.ndarray | None:
    """Each record's salt value under ``part`` (None: not salted), as the encoder computes it."""
    out = salt_values(schema, part, table)
    return None if out is None else np.array(out, dtype=object)


def _part_values(part: KeyPart, table: dict[str, np.ndarray]) -> list[str | None]:
    return [apply_transform(part.transform, v) for v in table[part.field]]


def _clk_units(schema: Schema, table: dict[str, np.ndarray]) -> np.ndarray:
    """Return the CLK's plaintext per record: its fields' values joined (None if all missing)."""
    names = [f.name for f in schema.fields if f.clk_k > 0]
    out = np.full(len(next(iter(table.values()))), None, dtype=object)
    for i, cells in enumerate(zip(*(table[n] for n in names), strict=True)):
        if any(c is not None for c in cells):
            out[i] = "\x1e".join("" if c is None else c for c in cells)
    return out


def _block_units(parts: tuple[KeyPart, ...], table: dict[str, np.ndarray]) -> np.ndarray:
    """Return a blocking key's plaintext per record: its transformed parts joined.

    None when any part is missing, as the encoder leaves such records without a key.
    """
    columns = [_part_values(p, table) for p in parts]
    out = np.full(len(columns[0]), None, dtype=object)
    for i, cells in enumerate(zip(*columns, strict=True)):
        if all(c is not None for c in cells):
            out[i] = "\x1f".join(cells)
    return out


@dataclass
class _Scorer:
    """The holder's side of the audit: scores guesses against DATA and keeps them in memory.

    ``trivial`` is the (DATA, register) value of the attribute the file reveals trivially (sex),
    for the chance level given it; ``store`` keeps every attack's guesses for the combined
    identity measure and is dropped with the scorer.
    """

    trivial: tuple[np.ndarray, np.ndarray] | None = None
    store: dict[tuple[str, str], Guesses] = field(default_factory=dict)

    def timed(self, target: str, attack: str, run, truth: np.ndarray, chance_ref: np.ndarray,
              score_anyway: bool = False) -> AttackResult:
        """Run one attack, score its guesses, keep them; return rates only."""
        return _timed(target, attack, run, truth, chance_ref, score_anyway, self)


def _timed(target: str, attack: str, run, truth: np.ndarray, chance_ref: np.ndarray,
           score_anyway: bool = False, scorer: _Scorer | None = None,
           sink: dict[tuple[str, str], Guesses] | None = None) -> AttackResult:
    start = time.perf_counter()
    guesses: Guesses = run()
    seconds = time.perf_counter() - start
    score = None
    if guesses.applicable or score_anyway:
        trivial = None
        if scorer is not None and scorer.trivial is not None and truth is not scorer.trivial[0]:
            trivial = chance_given(truth, chance_ref, *scorer.trivial)
        score = score_guesses(guesses.guesses, guesses.confident, truth,
                              chance_level(truth, chance_ref), trivial, guesses.relabel)
        if scorer is not None:
            scorer.store[(target, attack)] = guesses
        if sink is not None:
            sink[(target, attack)] = guesses
    log.info("audit %s/%s: %.1fs", target, attack, seconds)
    return AttackResult(target, attack, guesses.applicable, score, guesses.note,
                        dict(guesses.details or {}), seconds)


def _field_attacks(schema: Schema, spec: FieldSpec, i: int, dataset: EncodedDataset,
                   own: EncodedDataset,
                   truth: dict[str, np.ndarray], ref: dict[str, np.ndarray],
                   attacks: tuple[str, ...], force_double_hashing: bool,
                   scorer: _Scorer) -> list[AttackResult]:
    name = spec.name
    filters, missing = dataset.fields[name], dataset.missing[:, i]
    t, r = truth[name], ref[name]
    results: list[AttackResult] = []
    if pd.Series(r, dtype=object).isna().all():
        for attack in (a for a in attacks if a in CLASSIC):  # the attacks this function runs
            results.append(AttackResult(name, attack, False, None,
                                        "the reference has no values for this field"))
        return results
    values, counts = value_counts(r)
    tokens = token_sets(values, spec) if is_multi_token(spec) else []
    multi = is_multi_token(spec)
    for attack in (a for a in attacks if a in CLASSIC):
        if attack == "frequency":
            units = salted_units(r, _salt_values(spec.salt, ref, schema))
            results.append(scorer.timed(name, attack, lambda u=units: frequency_attack(
                filters, missing, u, r, own.fields[name]), t, r))
        elif not multi:
            results.append(AttackResult(name, attack, False, None,
                                        "single-token field: frequency alignment covers it"))
        elif attack == "pattern_mining":
            results.append(scorer.timed(name, attack, lambda: pattern_mining_attack(
                filters, missing, values, counts, tokens, k=spec.k), t, r))
        elif attack == "graph_matching":
            results.append(scorer.timed(name, attack, lambda: graph_matching_attack(
                filters, missing, own.fields[name], own.missing[:, i], r), t, r))
        elif attack == "double_hashing":
            same_length = spec.stored_bits == spec.filter_bits
            applicable = spec.hashing == "double" and same_length
            if not (applicable or (force_double_hashing and same_length)):
                note = ("the field uses keyed PRF positions, not double hashing"
                        if spec.hashing != "double" else
                        "hardening changed the filter length; no progression survives")
                results.append(AttackResult(name, attack, False, None, note))
                continue
            results.append(scorer.timed(name, attack, lambda a=applicable: double_hashing_attack(
                filters, missing, values, counts, tokens, k=spec.k, applicable=a), t, r,
                score_anyway=True))
    return results


def _verdict(target: str, results: list[AttackResult], disclosed: bool = False) -> Verdict:
    scored = [r for r in results if r.score is not None and r.score.records]
    if not scored:
        return Verdict(target, False, None, 0.0, 0.0,
                       f"{target}: not assessed (no attack applies or no values)")
    worst = max(scored, key=lambda r: (r.score.reidentified - r.score.baseline,  # type: ignore[union-attr]
                                       r.score.reidentified))  # type: ignore[union-attr]
    s = worst.score
    assert s is not None
    base = s.baseline
    at_risk = s.reidentified > base + RISK_MARGIN
    given = ("" if s.chance_given_trivial is None or s.chance_given_trivial <= s.chance else
             f", {_pct(s.chance_given_trivial)} given what the file reveals trivially")
    prec = ("" if s.confident_precision is None else
            f"; confident precision {_pct(s.confident_precision)}")
    rate = (f"{_pct(s.reidentified)} of records re-identified by {ATTACKS[worst.attack]} "
            f"(chance {_pct(s.chance)}{given}{prec})")
    if at_risk and disclosed:
        message = (f"{target}: DISCLOSED by the schema - {rate}; the holders declared that the "
                   f"linkage unit sees which records share a value (\"disclosed\": true); leave "
                   f"the field out to withhold it")
        return Verdict(target, False, worst.attack, s.reidentified, base, message, True)
    if at_risk and s.chance >= FEW_VALUES_CHANCE:
        message = (f"{target}: AT RISK - {rate}; a field with so few values shows which records "
                   f"share one under any deterministic encoding - leave it out or use BLIP if "
                   f"that matters")
    elif at_risk:
        message = f"{target}: AT RISK - {rate} - {ADVICE[worst.attack]}"
    else:
        message = (f"{target}: ok - at most {rate}; no attack beats chance by "
                   f"{RISK_MARGIN * 100:.0f} point")
    return Verdict(target, at_risk, worst.attack, s.reidentified, base, message)


#: A multi-token field unsalted and without noise, whose values are at least this share distinct.
DECODABLE_DISTINCT = 0.5


def _structural(verdict: Verdict, spec: FieldSpec, filters: np.ndarray,
                missing: np.ndarray) -> Verdict:
    """Mark at risk a field whose tokens can be mined from the file and decoded: not run here.

    Unsalted and without per-record noise, a token sets the same bits in every record, so the
    file's co-occurring bits are the tokens; for values that are nearly all distinct (an NI
    number) frequencies say nothing, but a reference holding the values lays the tokens out and
    matches records to it. A red-team session did so through the suggested NI-number filter
    (bigrams, unsalted) on 2026-12-06: 15.7-16.0 % of whole identities at 83-84 % precision over
    three keys. The audit does not run that decoding; it reports the structure instead.
    """
    if spec.salt is not None or not deterministic(spec.hardening) or not is_multi_token(spec) \
            or verdict.disclosed:
        return verdict
    present = filters[~missing]
    if len(present) < 2:
        return verdict
    distinct = len(np.unique(present, axis=0)) / len(present)
    if distinct < DECODABLE_DISTINCT:
        return verdict
    message = (f"{spec.name}: AT RISK (structure) - an unsalted {spec.tokens.type} filter whose "
               f"values are {_pct(distinct)} distinct: a token sets the same bits in every "
               f"record, so the tokens can be mined from the file and decoded against a "
               f"reference holding the values (not run here; a red-team session re-identified "
               f"15.7-16.0 % of identities that way through NI numbers) - encode it as one "
               f"exact token, or salt it")
    return dataclasses.replace(verdict, at_risk=True, attack="structure", message=message)


def coupled_salts(schema: Schema) -> dict[str, tuple[str, ...]]:
    """Map each multi-token field whose value the file also holds under another salt to the salts.

    A value encoded under two salt fields (a name salted with the date of birth, and its view
    salted with the postcode) sits in two families of equality classes, each rebuilt from the
    file (identical salted filters, the salt's own column and blocking key); chained through the
    records they share, the two families pin a record's group down in a register far better
    than either alone. Only deterministic encodings count (noise blurs the classes).
    """
    by_value: dict[str, list[FieldSpec]] = {}
    for spec in schema.fields:
        if spec.salt is not None and is_multi_token(spec) and deterministic(spec.hardening):
            by_value.setdefault(spec.source or spec.name, []).append(spec)
    out: dict[str, tuple[str, ...]] = {}
    for specs in by_value.values():
        salts = tuple(sorted({spec.salt.field for spec in specs}))
        if len(salts) > 1:
            out.update((spec.name, salts) for spec in specs)
    return out


def _coupled(verdict: Verdict, salts: tuple[str, ...] | None) -> Verdict:
    """Mark at risk a field whose value is also encoded under another salt: not run here.

    A red-team session (2026-12-06, heldout5 seeds 53 and 58, two keys each) chained the date of
    birth's and the postcode-and-initial's classes of the suggested format-3 file by message
    passing and re-identified 5.2-5.8 % of first names (chance 1.0-1.2 %) and 3.9-4.5 % of
    whole identities (chance 0.01 %), 47-53 % precision among its confident guesses; either
    family alone gave about 2 %. The audit runs a per-field version of it (``group_chain``), not
    the session's, which scored register persons on every field at once; it reports the
    structure whatever that version finds.
    """
    if salts is None or verdict.at_risk or verdict.disclosed:
        return verdict
    message = (f"{verdict.target}: AT RISK (structure) - the same value is encoded under the "
               f"salts {' and '.join(salts)}: the file's equality classes of each salt can be "
               f"chained through the records they share (the audit's group_chain is a weaker, "
               f"per-field version; a red-team session re-identified 5.2-5.8 % of first names "
               f"against 1.0-1.2 % chance that way, 1.8-2.3 % once key_with and sex were left "
               f"out, and 3.3 % of identities on a file of whole households) - encode it under "
               f"one salt (what `schema suggest` writes unless given --two-salts)")
    return dataclasses.replace(verdict, at_risk=True, attack="structure", message=message)


def run_audit(data_df: pd.DataFrame, schema: Schema, mapping: Mapping | None, secret: Secret,
              reference_df: pd.DataFrame, reference_mapping: Mapping | None = None, *,
              attacks: tuple[str, ...] = tuple(ATTACKS), include_clk: bool = True,
              force_double_hashing: bool = False, attacker_key: Secret | None = None,
              blip_nonce: bytes | None = None) -> AuditResult:
    """Attack DATA's encoding with the attacker's view only; score against DATA's own values.

    Targets: every field's filters (all attacks that apply), the CLK and every keyed blocking key
    (frequency alignment: a keyed hash of a value is as deterministic as an unsalted filter).

    The reference is read with ``reference_mapping`` (default: DATA's mapping); its id column
    is not needed. ``force_double_hashing`` runs the double-hashing attack on PRF fields too, to
    show that it finds nothing there. ``attacker_key`` (default: fresh random keys) and
    ``blip_nonce`` (default: fresh randomness) make a run reproducible, for tests.
    """
    for value, what in ((data_df, "the data"), (reference_df, "the reference")):
        if not isinstance(value, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame, not {type(value).__name__} "
                            "(read the file with pandas first)")
    if not isinstance(schema, Schema):
        raise TypeError("schema must be a linkcore.Schema (use Schema.load(path))")
    if mapping is None:
        mapping = Mapping.identity(schema)
    for value, what in ((mapping, "mapping"), (reference_mapping, "reference_mapping")):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(f"{what} must be a linkcore.Mapping (use Mapping.load(path)) or None")
    refuse_one_string(attacks, "attacks")
    unknown = [a for a in attacks if a not in ATTACKS]
    if unknown:
        raise ParameterError(f"unknown attack(s): {', '.join(map(str, unknown))}; the attacks "
                             f"are {', '.join(ATTACKS)}")
    if len(data_df) == 0:
        raise InputDataError("the data has no records; there is nothing to audit")
    if len(reference_df) == 0:
        raise InputDataError("the reference has no records; an audit needs a reference "
                             "population")
    reference_mapping = reference_mapping or mapping
    mapping.check_schema(schema)
    mapping.check_columns(data_df.columns)
    reference_mapping.check_schema(schema)
    check_reference_columns(reference_df, reference_mapping)

    with _single_threaded_blas():
        dataset = encode(data_df, schema, secret, mapping, blip_nonce=blip_nonce)  # as sent
        truth = plaintext_table(data_df, schema, mapping)              # the holder's own values
        refuse_unreadable(truth, "the data")
        return attack_encoded(schema, dataset, truth, reference_df, reference_mapping,
                              attacks=attacks, include_clk=include_clk,
                              force_double_hashing=force_double_hashing,
                              attacker_key=attacker_key,
                              own_nonce=None if blip_nonce is None else bytes(16))


FieldHook = Callable[[FieldSpec, int, WholeFile, "_Scorer", dict[str, np.ndarray],
                      dict[str, np.ndarray]], list[AttackResult]]


def attack_encoded(schema: Schema, dataset: EncodedDataset, truth: dict[str, np.ndarray],
                   reference_df: pd.DataFrame, reference_mapping: Mapping, *,
                   attacks: tuple[str, ...] = tuple(ATTACKS), include_clk: bool = True,
                   force_double_hashing: bool = False, attacker_key: Secret | None = None,
                   own_nonce: bytes | None = None, field_hook: FieldHook | None = None,
                   scored: np.ndarray | None = None,
                   keep_guesses: dict[tuple[str, str], Guesses] | None = None) -> AuditResult:
    """Attack an encoded file (already made) and score it against ``truth`` (values per field).

    What :func:`run_audit` does after encoding; the store audit calls it on a store's records.
    ``field_hook(spec, i, wf, scorer, truth, ref)`` returns more results for a field (scored
    like the others, before its verdict). ``scored`` marks the rows whose truth is known (the
    others are attacked but left out of every rate; default all). ``keep_guesses``, if given,
    receives every scored attack's guesses (plaintext: for the audit's own use only).
    """
    if scored is not None:
        truth = {k: np.where(scored, v, None) for k, v in truth.items()}
    with _single_threaded_blas():
        ref = plaintext_table(reference_df, schema, reference_mapping)  # the public register
        refuse_unreadable(ref, "the reference")
        ref_table = reference_df.copy()
        ref_table[reference_mapping.id_column] = np.arange(len(ref_table)).astype(str)
        attacker = attacker_key or Secret.generate()
        own = encode(ref_table, schema, attacker, reference_mapping,  # the attacker's own key
                     blip_nonce=own_nonce)

        trivial = trivial_partition(schema, dataset)
        scorer = _Scorer((truth[trivial[0]], ref[trivial[0]]) if trivial else None)
        wf = WholeFile(schema, dataset, own, ref, ref_table, reference_mapping,
                       attacker_key, own_nonce)
        results: list[AttackResult] = []
        verdicts: list[Verdict] = []
        coupled = coupled_salts(schema)
        for i, spec in enumerate(schema.fields):
            field_results = _field_attacks(schema, spec, i, dataset, own, truth, ref, attacks,
                                           force_double_hashing, scorer)
            field_results += _wholefile_results(spec, i, wf, truth, ref, attacks, scorer)
            if field_hook is not None:
                field_results += field_hook(spec, i, wf, scorer, truth, ref)
            results.extend(field_results)
            verdict = _verdict(spec.name, field_results, spec.disclosed)
            verdict = _structural(verdict, spec, dataset.fields[spec.name], dataset.missing[:, i])
            verdicts.append(_coupled(verdict, coupled.get(spec.name)))
        for target, part, guesses in (salt_value_attacks(schema, wf)
                                      if "salt_groups" in attacks else []):
            t_salt, r_salt = _salt_values(part, truth, schema), _salt_values(part, ref, schema)
            salt_result = scorer.timed(target, "salt_groups", lambda g=guesses: g, t_salt,
                                       r_salt)
            results.append(salt_result)
            verdicts.append(_verdict(target, [salt_result]))
        if include_clk and schema.clk is not None and dataset.clk is not None \
                and "frequency" in attacks:
            t_units, r_units = _clk_units(schema, truth), _clk_units(schema, ref)
            salt = _salt_values(schema.clk.salt, ref, schema)
            missing = ~dataset.clk.any(axis=1)
            clk_result = _timed(CLK_TARGET, "frequency", lambda: frequency_attack(
                dataset.clk, missing, salted_units(r_units, salt), r_units, own.clk),
                t_units, r_units, sink=keep_guesses)
            results.append(clk_result)
            verdicts.append(_verdict(CLK_TARGET, [clk_result]))
        if "frequency" in attacks:
            for bk in schema.blocking_keys:
                keys = dataset.blocking_keys[bk.name]
                t_units, r_units = _block_units(bk.parts, truth), _block_units(bk.parts, ref)
                target = f"{BLOCK_PREFIX}{bk.name}"
                result = _timed(target, "frequency", lambda k=keys, u=r_units: frequency_attack(
                    k.reshape(-1, 1), k == 0, u, u), t_units, r_units, sink=keep_guesses)
                results.append(result)
                verdicts.append(_verdict(target, [result]))
        if "combined" in attacks:
            identity = _identity_result(schema, scorer, truth, ref, len(dataset))
            if identity is not None:
                results.append(identity)
                verdicts.append(_verdict(IDENTITY_TARGET, [identity]))
        if keep_guesses is not None:
            keep_guesses.update(scorer.store)
    n_scored = len(dataset) if scored is None else int(np.count_nonzero(scored))
    return AuditResult(n_scored, len(reference_df), schema.fingerprint, results, verdicts,
                       salt_exposure(schema, dataset))


def _wholefile_results(spec: FieldSpec, i: int, wf: WholeFile, truth: dict[str, np.ndarray],
                       ref: dict[str, np.ndarray], attacks: tuple[str, ...], scorer: _Scorer
                       ) -> list[AttackResult]:
    """Run the whole-file attacks on one field; scored like the others."""
    name = spec.name
    out: list[AttackResult] = []
    if pd.Series(ref[name], dtype=object).isna().all():
        return out

    def run(attack: str, fn) -> None:
        if attack in attacks:
            out.append(scorer.timed(name, attack, fn, truth[name], ref[name]))

    def skip(attack: str, note: str) -> None:
        if attack in attacks:
            out.append(AttackResult(name, attack, False, None, note))

    wholefile_attacks(spec, i, wf, run, skip)
    return out


def _identity_result(schema: Schema, scorer: _Scorer, truth: dict[str, np.ndarray],
                     ref: dict[str, np.ndarray], n: int) -> AttackResult | None:
    """Score the combined (first name, surname, year of birth) guesses per record."""
    combined = combined_identity(schema, scorer.store, n)
    if combined is None:
        return None
    (first, last, year_target), guesses = combined
    date = year_target.rsplit(".", 1)[0]

    def triples(table: dict[str, np.ndarray]) -> np.ndarray:
        years = [apply_transform("year", v) for v in table[date]]
        return np.array([None if a is None or b is None or y is None else f"{a}\x1f{b}\x1f{y}"
                         for a, b, y in zip(table[first], table[last], years, strict=True)],
                        dtype=object)

    t, r = triples(truth), triples(ref)
    saved, scorer.trivial = scorer.trivial, None
    try:
        return scorer.timed(IDENTITY_TARGET, "combined", lambda: guesses, t, r)
    finally:
        scorer.trivial = saved


def _target_units(schema: Schema, target: str, truth: dict[str, np.ndarray],
                  ref: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """(truth units, register units, chance given the trivial reveal?) of an audit target."""
    if target in truth:
        return truth[target], ref[target], True
    if target == CLK_TARGET and schema.clk is not None:
        return _clk_units(schema, truth), _clk_units(schema, ref), False
    if target.startswith(BLOCK_PREFIX):
        bk = next((b for b in schema.blocking_keys if b.name == target[len(BLOCK_PREFIX):]),
                  None)
        return None if bk is None else (_block_units(bk.parts, truth),
                                        _block_units(bk.parts, ref), False)
    if target == IDENTITY_TARGET:
        first, last, date = _pick(list(schema.field_names), schema)
        if first is None or last is None or date is None:
            return None

        def triples(table: dict[str, np.ndarray]) -> np.ndarray:
            years = [apply_transform("year", v) for v in table[date]]
            return np.array([None if a is None or b is None or y is None else
                             f"{a}\x1f{b}\x1f{y}" for a, b, y in
                             zip(table[first], table[last], years, strict=True)], dtype=object)
        return triples(truth), triples(ref), False
    for f in schema.fields:
        if f.salt is not None and target == f"{f.salt.field}.{f.salt.transform}":
            return _salt_values(f.salt, truth, schema), _salt_values(f.salt, ref, schema), True
    return None


def score_kept_guesses(schema: Schema, guesses: dict[tuple[str, str], Guesses],
                       truth: dict[str, np.ndarray], ref: dict[str, np.ndarray],
                       trivial_field: str | None, suffix: str) -> list[AttackResult]:
    """Score guesses kept by :func:`attack_encoded` (or pieced together from several runs).

    Each is scored as the run scores its target (chance given the trivial reveal where the run
    uses it) and named ``attack + suffix``.
    """
    scorer = _Scorer((truth[trivial_field], ref[trivial_field]) if trivial_field else None)
    out = []
    for (target, attack), g in guesses.items():
        units = _target_units(schema, target, truth, ref)
        if units is None:
            continue
        t, r, given = units
        out.append(_timed(target, f"{attack}{suffix}", lambda g=g: g, t, r,
                          scorer=scorer if given else None))
    return out


def verdicts_for(schema: Schema, results: list[AttackResult]) -> list[Verdict]:
    """One verdict per target, in the order targets first appear in ``results``."""
    disclosed = {f.name for f in schema.fields if f.disclosed}
    targets = list(dict.fromkeys(r.target for r in results))
    return [_verdict(t, [r for r in results if r.target == t], t in disclosed) for t in targets]
