"""Everything the attacker reads from an encoded file (no key): unbalanced filters,
equality classes of every deterministic column, and within-group overlaps."""
import os
import sys, numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_encoded, unbalance

def unb_joint(E, names):
    bits = np.concatenate([E[n][0] for n in names]); valid = np.concatenate([E[n][1] for n in names])
    U, npairs = unbalance(bits, valid)
    assert npairs * 2 == bits.shape[1], npairs
    N = E[names[0]][0].shape[0]
    return {n: (U[i * N:(i + 1) * N].astype(bool), E[n][1]) for i, n in enumerate(names)}

def class_ids(keys, valid=None):
    """keys: array of hashable per record; returns int class id, -1 where missing."""
    ids = np.full(len(keys), -1, dtype=np.int64); d = {}
    for i, k in enumerate(keys):
        if valid is not None and not valid[i]: continue
        ids[i] = d.setdefault(k, len(d))
    return ids

def file_features(path):
    E = load_encoded(path)
    F = {'ids': E['record_id'], 'schema': E['meta']['schema']}
    fields = [f['name'] for f in F['schema']['fields']]
    balanced = {f['name'] for f in F['schema']['fields'] if any(h['type'] == 'balance' for h in f['hardening'])}
    groups = {}
    for f in F['schema']['fields']:
        if f['name'] in balanced:
            root = f.get('key_with', f['name'])
            groups.setdefault(root, []).append(f['name'])
    U = {}
    for root, names in groups.items():
        U.update(unb_joint(E, names))
    for f in fields:
        if f not in U:
            U[f] = (E[f][0].astype(bool), E[f][1])
    F['U'] = U
    F['raw'] = {f: E[f][2] for f in fields}
    F['valid'] = {f: E[f][1] for f in fields}
    F['block'] = {k[6:]: v for k, v in E.items() if k.startswith('block:')}
    return F
