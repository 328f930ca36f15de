"""Where an encode's HMACs go: messages per subkey and kind, and their share of the encode's CPU.

The `aes` scheme (docs/spec.md §6) costs one HMAC per distinct token and per distinct salt of each
field (under that field's tag key), and one per distinct blocking-key text. This script encodes a
CSV once with `hmac_sha256_many` counted (which subkey, how many messages, how many of them
padding tokens: they start with U+001E), then times the encode without counting and the same
messages hashed alone, so the HMACs' share of the encoding CPU is measured, not assumed.

    python benchmarks/hmac_census.py CSV SCHEMA MAPPING

The key is a fresh random one, used in memory only; nothing is written. Output names subkeys by
their derivation label (field and purpose, or blocking key), never values.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time

import pandas as pd

import linkcore.kernels as kernels
from linkcore.holder import keys as keys_module
from linkcore.holder.encode import encode
from linkcore.schema import Mapping, Schema


def census(df: pd.DataFrame, schema: Schema, mapping: Mapping) -> None:
    """Print messages per subkey and the HMACs' share of the encode's CPU."""
    secret = keys_module.Secret(os.urandom(32))
    labels: dict[bytes, str] = {}
    real_derive = keys_module.Secret.derive

    def labelled_derive(self, info: str, length: int = 32) -> bytes:
        out = real_derive(self, info, length)
        labels[bytes(out)] = info.removeprefix("linkcore/v1/")
        return out

    real_hmac = kernels.hmac_sha256_many
    batches: list[tuple[str, list[bytes]]] = []

    def counted_hmac(key: bytes, messages):
        messages = list(messages)
        batches.append((labels.get(bytes(key), "(other)"), messages))
        return real_hmac(key, messages)

    patched = [m for m in list(sys.modules.values())
               if getattr(m, "__name__", "").startswith("linkcore")
               and getattr(m, "hmac_sha256_many", None) is real_hmac]
    keys_module.Secret.derive = labelled_derive
    for module in patched:
        module.hmac_sha256_many = counted_hmac
    try:
        encode(df, schema, secret, mapping)
    finally:
        keys_module.Secret.derive = real_derive
        for module in patched:
            module.hmac_sha256_many = real_hmac

    per_label: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for label, messages in batches:
        per_label[label][0] += len(messages)
        per_label[label][1] += sum(1 for m in messages if b"\x1e" in m)
    total = sum(n for n, _ in per_label.values())
    padding = sum(p for _, p in per_label.values())
    print(f"{len(df):,} records: {total:,} HMAC messages ({total / len(df):.2f} a record), "
          f"{padding:,} of them padding tokens ({padding / max(total, 1):.1%})")
    for label, (n, pad) in sorted(per_label.items(), key=lambda kv: -kv[1][0]):
        print(f"  {label:<48} {n:>10,}  {n / max(total, 1):6.1%}"
              + (f"  (padding tokens {pad:,})" if pad else ""))

    start = time.process_time()
    encode(df, schema, secret, mapping)
    encode_cpu = time.process_time() - start
    start = time.process_time()
    for _, messages in batches:
        real_hmac(b"k" * 32, messages)
    hmac_cpu = time.process_time() - start
    print(f"encode {encode_cpu:.2f} s of CPU ({len(df) / encode_cpu:,.0f} records/s); the same "
          f"messages hashed alone {hmac_cpu:.2f} s ({hmac_cpu / encode_cpu:.0%} of it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv")
    parser.add_argument("schema")
    parser.add_argument("mapping")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as fh:
        schema = Schema.from_dict(json.load(fh))
    with open(args.mapping, encoding="utf-8") as fh:
        mapping = Mapping.from_dict(json.load(fh))
    df = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    census(df, schema, mapping)


if __name__ == "__main__":
    main()
