"""A guided tour of linkcore that prints what happens at each step, and why.

    python examples/walkthrough.py            # LINKCORE_EXAMPLE_PEOPLE=2000 for a quick run

It generates two agencies' extracts, shows how each writes the same person differently, makes a
key, agrees a schema, encodes, shows what an encoded record looks like (bits, not names), links,
and explains one matched pair field by field.
"""

from __future__ import annotations

import os
import textwrap

import numpy as np

import linkcore
from linkcore import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.synth import generate_extracts, generate_population

PEOPLE = int(os.environ.get("LINKCORE_EXAMPLE_PEOPLE", "10000"))


def say(title: str, text: str = "") -> None:
    """Print a step's title and its explanation, wrapped."""
    print(f"\n== {title}")
    if text:
        print(textwrap.fill(" ".join(text.split()), width=92))


def main() -> float:
    """Walk through the protocol, printing as it goes; return the F1 against the truth."""
    say("1. Two agencies", f"""We simulate {PEOPLE:,} people and two agencies that each hold
        some of them, with typos, nicknames, house moves and missing values ('moderate'
        profile). Each agency writes its records its own way.""")
    synth = generate_extracts(generate_population(PEOPLE, seed=5), agencies=2, seed=5)
    a, b = synth.extracts
    print(f"agency A: {len(a):,} records, columns {list(a.columns)}")
    print(f"agency B: {len(b):,} records, columns {list(b.columns)}")
    print(f"true pairs (kept apart, for scoring only): {len(synth.truth):,}")

    say("2. A shared secret", """The agencies share a 256-bit key; the linkage unit never gets
        it. Without the key nobody can recompute an encoding from a guessed name. Files carry a
        key check value so both sides can see they used the same key without revealing it.""")
    secret = Secret.generate()
    print(f"key check value: {secret.key_check_value()}  (repr hides the key: {secret!r})")

    say("3. A schema (shared) and a mapping per agency (local)", """Agency A proposes the
        schema from its columns and contents; agency B maps its own columns onto it. The schema's
        fingerprint proves both encoded the same way; the mappings differ and stay local.""")
    schema, mapping_a, _ = suggest_schema(a)
    mapping_b, _ = suggest_mapping(b, schema)
    for f in schema.fields:
        if f.source is not None:
            salt = f"salted with {f.salt.field}" if f.salt else ""
            print(f"  {f.name:<24} {f.kind:<11} a second view of {f.source}, {salt}")
            continue
        src_a = "+".join(mapping_a.fields[f.name].columns) or "-"
        src_b = "+".join(mapping_b.fields[f.name].columns) or "-"
        print(f"  {f.name:<24} {f.kind:<11} A:{src_a:<22} B:{src_b}")

    say("4. Encoding", """Each value is normalised, cut into bigrams, and each bigram sets k
        bits chosen by a keyed PRF (HMAC-SHA256) in a per-field Bloom filter. Names are salted
        with the whole date of birth, and again (as views) with the postcode, so a name can be
        compared only between records that share one of them. What leaves the agency is bits, a
        missing mask, keyed blocking keys and the record id.""")
    enc_a = linkcore.encode(a, schema, secret, mapping_a)
    enc_b = linkcore.encode(b, schema, secret, mapping_b)
    first = enc_a.fields[schema.fields[0].name][0]
    bits = np.unpackbits(first.view(np.uint8))
    print(f"{enc_a!r}")
    print(f"record {enc_a.record_ids[0]}, field {schema.fields[0].name}: {bits.sum()} of "
          f"{bits.size} bits set; first 64: {''.join(map(str, bits[:64]))}")

    say("5. Linking", """The linkage unit blocks (keyed blocking keys and pairs whose filters
        agree exactly on two fields), compares each candidate pair field by field (Dice similarity cut into levels),
        fits a Fellegi-Sunter model without labels and keeps pairs with match probability at
        least 0.5, one partner per record.""")
    result = linkcore.link(enc_a, enc_b)
    s = result.candidate_stats
    print(f"candidate pairs: {s['union']:,} of {len(enc_a) * len(enc_b):,} "
          f"(reduction ratio {s['reduction_ratio']:.4f}); matches: {len(result.matches):,}")
    print(f"model: {result.em.message if result.em else 'given'}")

    say("6. Why did a pair match?", """Each field adds log2(m/u) for its comparison level to the
        prior weight; the sum is the pair's match weight, and 2^w/(1+2^w) its probability.""")
    row = result.matches.iloc[len(result.matches) // 2]
    exp = result.explain(row["id_a"], row["id_b"])
    print(f"pair A {row['id_a']} <-> B {row['id_b']}: prior {exp['prior_weight']:+.2f}")
    for f in exp["fields"]:
        print(f"  {f['field']:<14} {f['level_name']:<10} {f['weight']:+6.2f}")
    print(f"  total {exp['total_weight']:+.2f} -> probability {exp['probability']:.4f}")

    say("7. How good was it?", """Only synthetic data has a truth to score against; on real data
        the model's own estimate is what you get, so compare the two here.""")
    m = linkcore.evaluate(result.matches, synth.truth)
    q = result.quality
    print(f"measured:  precision {m.precision:.4f}, recall {m.recall:.4f}, F1 {m.f1:.4f}")
    print(f"estimated: precision {q['precision']:.4f}, recall {q['recall']:.4f} "
          "(recall among the candidate pairs)")
    return m.f1


if __name__ == "__main__":
    main()
