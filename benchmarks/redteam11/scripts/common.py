"""Attacker-side helpers: spec-based normalisation (docs/spec.md §4), reading the encoded
file, and undoing 'balance' (complementary column pairs) without any key."""
import unicodedata, re, json, csv, datetime
import numpy as np, pyarrow.parquet as pq

REPL = {'ø':'o','Ø':'o','æ':'ae','Æ':'ae','œ':'oe','Œ':'oe','ł':'l','Ł':'l','đ':'d','Đ':'d','ð':'d','Ð':'d','þ':'th','Þ':'th','ı':'i','ß':'ss'}
def fold(s):
    if s.isascii():
        return s.lower()
    s = ''.join(REPL.get(c, c) for c in s)
    s = unicodedata.normalize('NFKD', s)
    out = []; last0 = None
    for c in s:
        cc = unicodedata.combining(c)
        if cc == 0:
            last0 = c; out.append(c)
        elif last0 is not None and ord(last0) < 0x530:
            continue
        else:
            out.append(c)
    s = ''.join(REPL.get(c, c) for c in out)
    return s.casefold()
TITLES_PRE = set('capt captain dame dr father fr lady lord madam master miss mr mrs ms mx prof professor rev revd reverend sir'.split())
TITLES_POST = set('cbe esq ii iii iv jnr jr junior mbe obe phd senior snr sr'.split())
def isletter(c):
    return c.isalpha() or unicodedata.category(c).startswith('M')
def norm_name(s):
    if s is None: return None
    s = fold(s)
    for a in "'’‘`´": s = s.replace(a, '')
    s = ''.join(c if isletter(c) else ' ' for c in s)
    w = s.split()
    while len(w) > 1 and w[0] in TITLES_PRE: w = w[1:]
    while len(w) > 1 and w[-1] in TITLES_POST: w = w[:-1]
    return ' '.join(w) or None
PCRE = re.compile(r'^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$')
def norm_pc(s):
    if not s: return None
    s = ''.join(c for c in fold(s) if c.isalnum()).upper()
    if s == 'GIR0AA': return 'GIR 0AA'
    if not 5 <= len(s) <= 7: return None
    inw = s[-3:]; out = s[:-3]
    a = {'O':'0','I':'1','L':'1','S':'5','Z':'2'}.get(inw[0], inw[0])
    b = ''.join({'0':'O','1':'I','5':'S','2':'Z','8':'B'}.get(c, c) for c in inw[1:])
    s = out + a + b
    if not PCRE.match(s): return None
    return out + ' ' + a + b
def norm_date(s, fmt='%d/%m/%Y'):
    if not s: return None
    try:
        d = datetime.datetime.strptime(s.strip(), fmt).date()
    except ValueError:
        return None
    if not 1850 <= d.year <= 2100: return None
    return d.isoformat()
def norm_ni(s):
    if not s: return None
    s = ''.join(c for c in fold(s) if c.isalnum() or c == '_').upper()
    return s or None
def norm_sex(s):
    if not s: return None
    s = ' '.join(fold(s).split())
    if s in ('m','male','man','boy','1'): return 'm'
    if s in ('f','female','woman','girl','w','2'): return 'f'
    if s in ('x','other','non binary','non-binary','nonbinary','indeterminate','i','9'): return 'x'
    return None

ALIASES = {'id': ('id', 'patient_id', 'PERSON_REF'), 'first_name': ('first_name', 'forename', 'FORENAME'),
           'middle_name': ('middle_name', 'middle_names'), 'surname': ('surname', 'last_name', 'SURNAME'),
           'dob': ('dob', 'date_of_birth', 'DOB'), 'sex': ('sex',), 'postcode': ('postcode', 'POSTCODE'),
           'ni_number': ('ni_number', 'NINO')}
def load_csv(path):
    """Agency-A-format CSV (also the register; heldout4 layouts by column aliases) ->
    list of dicts of normalised values. Dates: DD/MM/YYYY or ISO."""
    rows = []
    with open(path, newline='', encoding='utf-8') as f:
        rd = csv.DictReader(f)
        col = {k: next((c for c in al if c in rd.fieldnames), None) for k, al in ALIASES.items()}
        for n, r in enumerate(rd):
            g = lambda k: r[col[k]] if col[k] else ''
            d = g('dob')
            dob = norm_date(d, '%Y-%m-%d') if d and len(d) >= 4 and d[4:5] == '-' else norm_date(d)
            rows.append(dict(id=g('id') or str(n), first=norm_name(g('first_name')), middle=norm_name(g('middle_name')),
                             last=norm_name(g('surname')), dob=dob, sex=norm_sex(g('sex')),
                             pc=norm_pc(g('postcode')), ni=norm_ni(g('ni_number'))))
    return rows

def bigrams(v):
    s = '_' + v + '_'
    return {s[i:i+2] for i in range(len(s) - 1)}

def load_encoded(path):
    t = pq.read_table(path)
    meta = json.loads(t.schema.metadata[b'linkcore'])
    out = {'record_id': t.column('record_id').to_pylist(), 'meta': meta}
    for name in t.column_names:
        if name.startswith('field:'):
            col = t.column(name).combine_chunks()
            valid = np.asarray(col.is_valid())
            w = col.type.byte_width
            buf = np.frombuffer(col.buffers()[1], dtype=np.uint8)[col.offset*w:(col.offset+len(col))*w].reshape(len(col), w)
            bits = np.unpackbits(buf, axis=1, bitorder='little')
            bits[~valid] = 0
            out[name[6:]] = (bits, valid, buf.copy())
        elif name.startswith('block:'):
            col = t.column(name)
            out[name] = np.array([x if x is not None else 0 for x in col.to_pylist()], dtype=np.uint64)
    return out

def unbalance(bits, valid):
    """balance = permuted (b || not b), one permutation for every record. Columns j, j' with
    bit_j == 1 - bit_j' on every non-missing row are a pair; the sparser one is b's bit."""
    X = bits[valid]
    m2 = X.shape[1]
    keys = {}
    packed = np.packbits(X, axis=0)  # per column bytes
    colkey = [packed[:, j].tobytes() for j in range(m2)]
    inv = [np.packbits(1 - X[:, j]).tobytes() for j in range(m2)]
    idx = {}
    for j, k in enumerate(colkey):
        idx.setdefault(k, []).append(j)
    used = set(); keep = []
    for j in range(m2):
        if j in used: continue
        cands = [c for c in idx.get(inv[j], []) if c not in used and c != j]
        if not cands:
            continue
        c = cands[0]; used.add(j); used.add(c)
        keep.append(j if X[:, j].mean() <= X[:, c].mean() else c)
    keep = np.array(sorted(keep))
    return bits[:, keep], len(keep)
