"""HMAC-SHA256 of the encoder's messages: kernels.hmac_sha256_many beside other ways to compute it.

    python benchmarks/hmac_speed.py [--records 1000000] [--rounds 7] [--old-tree DIR]

Encodes a synthetic table (the 6-field schema of encode_speed.py) once, keeping every batch of
messages the encoder hashes, then times each method over all batches, rounds interleaved, and
prints the best and median. Methods: ``hmac_sha256_many`` (hashlib with precomputed pad states),
``hmac.new(key).copy()`` per message, cryptography's ``HMAC.copy()`` per message and one-shot
``hmac.digest``. ``--old-tree`` adds the ``hmac_sha256_many`` of another checkout's
``src/linkcore/kernels.py`` (e.g. ``git archive aa5c72f | tar -x -C /tmp/old`` for the numba
SHA-256 that issue 12 removed). Every method's output is checked equal first.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import importlib.util
import statistics
import sys
import time
from pathlib import Path

from cryptography import __version__ as cryptography_version
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.hmac import HMAC

sys.path.insert(0, str(Path(__file__).parent))
from encode_speed import SIX_FIELDS  # noqa: E402


def hmac_copy(key: bytes, messages: list[bytes]) -> bytes:
    copy = hmac.new(key, digestmod="sha256").copy
    out = []
    for m in messages:
        h = copy()
        h.update(m)
        out.append(h.digest())
    return b"".join(out)


def cryptography_copy(key: bytes, messages: list[bytes]) -> bytes:
    copy = HMAC(key, SHA256()).copy
    out = []
    for m in messages:
        h = copy()
        h.update(m)
        out.append(h.finalize())
    return b"".join(out)


def one_shot(key: bytes, messages: list[bytes]) -> bytes:
    return b"".join([hmac.digest(key, m, "sha256") for m in messages])


def encoder_batches(records: int) -> list[tuple[bytes, list[bytes]]]:
    """Encode a synthetic table once and return every (key, messages) batch it hashed."""
    import linkcore.holder.positions as positions
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret
    from linkcore.schema import Mapping, Schema
    from linkcore.synth import generate_population

    batches = []
    original = positions.hmac_sha256_many

    def keep(key, messages):
        batches.append((bytes(key), list(messages)))
        return original(key, messages)

    people = generate_population(records, seed=1).rename(columns={"person_id": "id"})
    people["id"] = people["id"].astype(str)
    schema = Schema.from_dict(SIX_FIELDS)
    positions.hmac_sha256_many = keep
    try:
        secret = Secret(hashlib.sha256(b"benchmark key").digest())
        encode(people, schema, secret, Mapping.identity(schema))
    finally:
        positions.hmac_sha256_many = original
    return batches


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--old-tree", type=Path, help="another checkout's root, for its kernel")
    args = parser.parse_args(argv)

    from linkcore.kernels import hmac_sha256_many

    methods = {"hmac_sha256_many": hmac_sha256_many, "hmac.new().copy()": hmac_copy,
               f"cryptography {cryptography_version} HMAC.copy()": cryptography_copy,
               "hmac.digest": one_shot}
    if args.old_tree:
        path = args.old_tree / "src" / "linkcore" / "kernels.py"
        spec = importlib.util.spec_from_file_location("old_kernels", path)
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        methods[f"hmac_sha256_many of {args.old_tree}"] = old.hmac_sha256_many

    batches = encoder_batches(args.records)
    n = sum(len(m) for _, m in batches)
    print(f"{args.records:,} records: {len(batches)} batches, {n:,} messages")
    for name, method in methods.items():  # equal output, and a warm-up (numba compiles here)
        for key, messages in batches:
            assert method(key, messages) == one_shot(key, messages), name
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.rounds):
        for name, method in methods.items():
            t0 = time.perf_counter()
            for key, messages in batches:
                method(key, messages)
            times[name].append(time.perf_counter() - t0)
    for name, ts in times.items():
        print(f"{name}: best {min(ts):.3f} s ({min(ts) / n * 1e6:.2f} us/message), "
              f"median {statistics.median(ts):.3f} s")


if __name__ == "__main__":
    main()
