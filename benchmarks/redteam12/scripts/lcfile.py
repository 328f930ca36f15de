"""Attacker-side reader of a linkcore encoded file: columns, schema, bit arrays, classes.
Reads ONLY the encoded Parquet file (never a key, never the agency plaintext)."""
import json, numpy as np, pyarrow.parquet as pq

def load(path):
    t = pq.read_table(path)
    md = json.loads(t.schema.metadata[b"linkcore"])
    return t, md

def bits(t, col):
    """(n, m) uint8 bit matrix (bit i = bit i%8 of byte i//8) and a validity mask."""
    a = t[col].combine_chunks()
    valid = ~np.asarray(a.is_null().to_numpy(zero_copy_only=False))
    w = a.type.byte_width
    buf = np.frombuffer(a.buffers()[1], dtype=np.uint8)[a.offset * w:(a.offset + len(a)) * w]
    by = buf.reshape(len(a), w)
    b = np.unpackbits(by, axis=1, bitorder="little")
    b[~valid] = 0
    return b, valid

def classes(t, col):
    """integer class id per row (-1 = missing) for a deterministic column (filter or blocking key)."""
    a = t[col].combine_chunks()
    valid = ~np.asarray(a.is_null().to_numpy(zero_copy_only=False))
    if col.startswith("block:"):
        v = np.asarray(a.fill_null(0).to_numpy(zero_copy_only=False)).astype(np.uint64)
        keys = v
    else:
        b, _ = bits(t, col)
        keys = np.packbits(b, axis=1)
        keys = np.array([x.tobytes().hex() for x in keys])
    ids = np.full(len(a), -1, dtype=np.int64)
    _, inv = np.unique(keys[valid], return_inverse=True)
    ids[valid] = inv
    return ids

def unbalance(b, valid):
    """Undo `balance` without the key: the permutation is the same for every record, so the 2m
    columns pair into complements; keep the sparser column of each pair (the original bit)."""
    bv = b[valid]
    m2 = b.shape[1]
    # hash each column and its complement
    cols = {bv[:, j].tobytes(): j for j in range(m2)}
    keep, seen = [], set()
    for j in range(m2):
        if j in seen: continue
        comp = (1 - bv[:, j]).astype(np.uint8).tobytes()
        jj = cols.get(comp)
        if jj is None:  # not balanced or ambiguous
            keep.append(j); seen.add(j); continue
        seen.add(j); seen.add(jj)
        keep.append(j if bv[:, j].mean() <= bv[:, jj].mean() else jj)
    out = b[:, keep]
    out[~valid] = 0
    return out, len(keep)

def class_sizes(ids):
    s = np.zeros(len(ids), dtype=np.int64)
    v = ids >= 0
    cnt = np.bincount(ids[v])
    s[v] = cnt[ids[v]]
    return s
