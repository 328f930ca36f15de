"""Independent implementation of the linkcore encoding, written from docs/spec.md only.

Options (module-level dict OPT) switch between readings of ambiguous sentences; the defaults
are the readings tried first.
"""
import hashlib
import hmac
import json
import math
import re
import unicodedata
import datetime as _dt

from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

OPT = {
    # CLK: does a field whose own salt value is missing still contribute to the CLK?
    "clk_skip_field_missing_salt": False,
    # CLK: do the field's own salts apply to its CLK tokens?
    "clk_use_field_salt": False,
    # balance default for v2 names only when filter_bits % 128 == 0?
    "v2_balance_needs_128": True,  # spec §1 says so since 2026-12-07 (vector 58)
    # BLIP threshold rounding: 'py' (banker's) or 'half_up'
    "blip_round": "py",
}

# ---------------------------------------------------------------- primitives

def H(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


_subkey_cache = {}


def subkey(secret, label):
    ck = (secret, label)
    if ck not in _subkey_cache:
        _subkey_cache[ck] = HKDF(algorithm=hashes.SHA256(), length=32,
                                 salt=b"linkcore/v1/hkdf-salt",
                                 info=label.encode("utf-8")).derive(secret)
    return _subkey_cache[ck]


def kcv(secret):
    return H(subkey(secret, "linkcore/v1/kcv"), b"linkcore/v1/key-check-value")[:16].hex()


def le32(b):
    return int.from_bytes(b, "little")


def aes_ecb(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


# ---------------------------------------------------------------- schema defaults

KIND_DEFAULTS = {
    "name": dict(tokens={"type": "qgram", "q": 2, "padded": True, "positional": False},
                 filter_bits=512, k=12, clk_k=10, hardening="xor_fold", thr=[0.8, 0.62, 0.45]),
    "date": dict(tokens={"type": "date_parts"}, filter_bits=512, k=8, clk_k=8,
                 hardening="xor_fold", thr=[0.75, 0.55]),
    "postcode": dict(tokens={"type": "postcode_parts"}, filter_bits=512, k=8, clk_k=8,
                     hardening="xor_fold", thr=[0.75, 0.55]),
    "sex": dict(tokens={"type": "exact"}, filter_bits=64, k=20, clk_k=4, hardening=None, thr=[]),
    "categorical": dict(tokens={"type": "exact"}, filter_bits=128, k=30, clk_k=4,
                        hardening="xor_fold", thr=[]),
    "text": dict(tokens={"type": "qgram", "q": 2, "padded": True, "positional": False},
                 filter_bits=1024, k=8, clk_k=5, hardening="xor_fold", thr=[0.8, 0.6, 0.45]),
    "identifier": dict(tokens={"type": "qgram", "q": 2, "padded": True, "positional": False},
                       filter_bits=512, k=10, clk_k=6, hardening="xor_fold", thr=[0.75, 0.55]),
}


def find_D(fields):
    dates = [f for f in fields if f["kind"] == "date"]
    named = [f for f in dates if "birth" in f["name"].lower() or f["name"] in ("dob", "d_o_b")]
    if len(named) == 1:
        return named[0]["name"]
    if len(dates) == 1:
        return dates[0]["name"]
    return None


def norm_tokens_spec(t):
    t = dict(t)
    if t["type"] == "qgram":
        t.setdefault("q", 2)
        t.setdefault("padded", True)
        t.setdefault("positional", False)
    return t


def resolve_schema(doc):
    ver = doc.get("linkcore_schema", 2)
    raw_fields = doc["fields"]
    D = find_D(raw_fields)
    out = []
    for fd in raw_fields:
        kind = fd["kind"]
        kd = KIND_DEFAULTS[kind]
        f = {"name": fd["name"], "kind": kind}
        is_view = "source" in fd
        tokens = dict(kd["tokens"])
        fb = kd["filter_bits"]
        k = kd["k"]
        hashing = "prf" if ver == 1 else "aes"
        salt = None
        hard_override = None
        thr = kd["thr"]
        pad = None
        if ver in (2, 3):
            if kind == "name":
                if D is not None and not is_view and fd["name"] != D:
                    salt = {"field": D, "transform": "value"}
                hard_override = [{"type": "balance"}]
                thr = [0.94, 0.9, 0.85]
            if kind == "postcode":
                tokens = {"type": "exact"}
                fb = 128
                k = 30
                thr = []
        if ver == 3:
            if kind == "name":
                k = 6
                thr = [0.86, 0.81, 0.78]
            if kind == "identifier":
                tokens = {"type": "exact"}
                fb = 128
                k = 30
                thr = []
        if ver == 1:
            if kind == "name" and D is not None and not is_view and fd["name"] != D:
                salt = {"field": D, "transform": "year"}
        f["tokens"] = norm_tokens_spec(fd.get("tokens", tokens))
        f["filter_bits"] = fd.get("filter_bits", fb)
        f["k"] = fd.get("k", k)
        f["hashing"] = fd.get("hashing", hashing)
        f["clk_k"] = fd.get("clk_k", kd["clk_k"])
        f["salt"] = fd["salt"] if "salt" in fd else salt
        if "hardening" in fd:
            f["hardening"] = fd["hardening"]
        else:
            if hard_override is not None and (not OPT["v2_balance_needs_128"] or f["filter_bits"] % 128 == 0):
                f["hardening"] = hard_override
            elif kd["hardening"] and f["filter_bits"] % 128 == 0:
                f["hardening"] = [{"type": kd["hardening"]}]
            else:
                f["hardening"] = []
        f["comparison"] = fd.get("comparison", {"thresholds": thr})
        for opt in ("source", "disclosed", "key_with", "spread"):
            if opt in fd:
                f[opt] = fd[opt]
        if ver == 3 and kind == "name" and f["tokens"]["type"] == "qgram" and "spread" not in fd:
            pad = 16
        if "pad" in fd:
            pad = fd["pad"]
        if pad is not None:
            f["pad"] = pad
        f["normalisation"] = fd.get("normalise", {})
        out.append(f)
    clk = doc.get("clk", "__omitted__")
    if clk == "__omitted__":
        clk = {"bits": 1024} if ver == 1 else None
    if clk is not None:
        c = {"bits": 1024, "hashing": "prf", "salt": None, "hardening": []}
        c.update(clk)
        clk = c
    return {"version": ver, "fields": out, "clk": clk,
            "blocking_keys": doc.get("blocking_keys", [])}


# ---------------------------------------------------------------- normalisation

REPL = {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ß": "ss"}


def _repl(s):
    return "".join(REPL.get(c, c) for c in s)


def fold(s):
    if s.isascii():
        return s.lower()
    s = _repl(s)
    s = unicodedata.normalize("NFKD", s)
    out = []
    last0 = None
    for c in s:
        cc = unicodedata.combining(c)
        if cc == 0:
            last0 = c
            out.append(c)
        else:
            if last0 is not None and ord(last0) < 0x530:
                continue
            out.append(c)
    s = "".join(out)
    s = _repl(s)
    return s.casefold()


def is_letter(c):
    return c.isalpha() or unicodedata.category(c).startswith("M")


APOS = "'\u2019\u2018`\u00b4"
TITLES = set("capt captain dame dr father fr lady lord madam master miss mr mrs ms mx prof professor rev revd reverend sir".split())
SUFFIXES = set("cbe esq ii iii iv jnr jr junior mbe obe phd senior snr sr".split())
INVALID = object()


def norm_name(s, opts):
    f = fold("".join(c for c in s if c not in APOS))  # spec §4 since 2026-12-07: before folding too
    t = "".join(c for c in f if c not in APOS)
    t = "".join(c if is_letter(c) else " " for c in t)
    words = t.split()
    if opts.get("remove_titles", True):
        while len(words) > 1 and words[0] in TITLES:
            words.pop(0)
        while len(words) > 1 and words[-1] in SUFFIXES:
            words.pop()
    if not words:
        return INVALID if any(c.isdecimal() for c in f) else None
    return " ".join(words)


ABBR = {}
for keys, val in [("st str", "street"), ("rd", "road"), ("ave av", "avenue"), ("ln", "lane"),
                  ("dr drv", "drive"), ("cl", "close"), ("ct crt", "court"), ("cres cresc", "crescent"),
                  ("gdns", "gardens"), ("gdn", "garden"), ("gr gro", "grove"), ("pl", "place"),
                  ("sq", "square"), ("ter terr tce", "terrace"), ("pk", "park"), ("hse", "house"),
                  ("apt", "apartment"), ("flt", "flat"), ("bldg", "building"), ("blvd", "boulevard"),
                  ("mt", "mount"), ("wy", "way"), ("hts", "heights")]:
    for kk in keys.split():
        ABBR[kk] = val


def norm_text(s, opts):
    f = fold("".join(c for c in s if c not in APOS))  # spec §4 since 2026-12-07: before folding too
    t = "".join(c for c in f if c not in APOS)
    t = "".join(c if (is_letter(c) or c.isdecimal()) else " " for c in t)
    words = t.split()
    if opts.get("expand_abbreviations", True):
        words = [ABBR.get(w, w) for w in words]
    return " ".join(words)


def norm_identifier(s, opts):
    f = fold(s)
    t = "".join(c for c in f if c.isalnum() and c != "_")
    return t.upper()


def _cat_base(s):
    return " ".join(fold(s).split())


def norm_categorical(s, opts, values=None):
    v = _cat_base(s)
    if values:
        vm = {_cat_base(k): val for k, val in values.items()}
        if v in vm:  # spec §4 since 2026-12-07: the mapped value is folded too (vector 50)
            v = _cat_base(vm[v])
    return v


SEX = {}
for w in ["m", "male", "man", "boy", "1"]:
    SEX[w] = "m"
for w in ["f", "female", "woman", "girl", "w", "2"]:
    SEX[w] = "f"
for w in ["x", "other", "non binary", "non-binary", "nonbinary", "indeterminate", "i", "9"]:
    SEX[w] = "x"
for w in ["u", "unknown", "not known", "nk", "n/k", "0", "not stated", "not specified",
          "prefer not to say", "ns"]:
    SEX[w] = None


def norm_sex(s, opts, values=None):
    v = norm_categorical(s, opts, values)
    v = _cat_base(v)
    if v == "":
        return ""
    if v in SEX:
        return SEX[v]
    return INVALID


def _mkdate(y, m, d):
    try:
        dd = _dt.date(y, m, d)
    except ValueError:
        return INVALID
    if not (1850 <= y <= 2100):
        return INVALID
    return dd.isoformat()


MONTHS = {}
for i, n in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                       "september", "october", "november", "december"], 1):
    MONTHS[n] = i
    MONTHS[n[:3]] = i
MONTHS["sept"] = 9  # spec §4 since 2026-12-07 lists the words exactly

TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"


def _yy(yy):
    cur = _dt.date.today().year % 100
    return 2000 + yy if yy <= cur else 1900 + yy


def norm_date(s, opts, date_format="auto"):
    if date_format == "excel":  # spec §4 since 2026-12-07: spreadsheet day numbers
        m = re.fullmatch(r"([0-9]{1,5})(?:\.[0-9]+)?", s.strip())
        if not m or int(m[1]) in (0, 60):
            return INVALID
        n = int(m[1])
        d = _dt.date(1899, 12, 31 if n < 60 else 30) + _dt.timedelta(days=n)
        return _mkdate(d.year, d.month, d.day)
    if date_format and date_format != "auto":
        try:
            d = _dt.datetime.strptime(s.strip(), date_format)
        except ValueError:
            return INVALID
        y = d.year
        if "%y" in date_format:
            y = _yy(d.year % 100)
        return _mkdate(y, d.month, d.day)
    t = fold(s).strip()
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + TIME, t)
    if m:
        return _mkdate(int(m[1]), int(m[2]), int(m[3]))
    # (b) takes a time but no zone (spec §4 since 2026-12-07, vector 48)
    m = re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})"
                     r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", t)
    if m:
        a, b, y = int(m[1]), int(m[2]), m[3]
        y = _yy(int(y)) if len(y) == 2 else int(y)
        d, mo = a, b
        if b > 12 and a <= 12:
            d, mo = b, a
        return _mkdate(y, mo, d)
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t)
    if m:
        return _mkdate(int(m[1]), int(m[2]), int(m[3]))
    # (d) and (e) as spec §4 states them since 2026-12-07 (vector 48)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[-/. ]+([a-z]+)\.?[-/., ]+(\d{2}|\d{4})", t)
    if m:
        if m[2] not in MONTHS:
            return INVALID
        y = _yy(int(m[3])) if len(m[3]) == 2 else int(m[3])
        return _mkdate(y, MONTHS[m[2]], int(m[1]))
    m = re.fullmatch(r"([a-z]+)\.?[ -]+(\d{1,2})(?:st|nd|rd|th)?,?[ -]+(\d{4})", t)
    if m:
        if m[1] not in MONTHS:
            return INVALID
        return _mkdate(int(m[3]), MONTHS[m[1]], int(m[2]))
    return INVALID


IN1 = {"O": "0", "I": "1", "L": "1", "S": "5", "Z": "2"}
IN2 = {"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B"}


def norm_postcode(s, opts):
    f = fold(s)
    t = "".join(c for c in f if c.isalpha() or c.isdigit()).upper()
    if t == "":
        return ""
    if t == "GIR0AA":
        return "GIR 0AA"
    if not (5 <= len(t) <= 7):
        return INVALID
    out, inw = t[:-3], t[-3:]
    inw = IN1.get(inw[0], inw[0]) + "".join(IN2.get(c, c) for c in inw[1:])
    if not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?", out) or not re.fullmatch(r"[0-9][A-Z]{2}", inw):
        return INVALID
    if out == "ZZ99":
        return ""
    return out + " " + inw


def normalise(kind, text, fopts, src):
    if kind == "name":
        v = norm_name(text, fopts)
    elif kind == "text":
        v = norm_text(text, fopts)
    elif kind == "identifier":
        v = norm_identifier(text, fopts)
    elif kind == "categorical":
        v = norm_categorical(text, fopts, src.get("values"))
    elif kind == "sex":
        v = norm_sex(text, fopts, src.get("values"))
    elif kind == "date":
        v = norm_date(text, fopts, src.get("date_format", "auto"))
    elif kind == "postcode":
        v = norm_postcode(text, fopts)
    else:
        raise ValueError(kind)
    if v is INVALID or v is None or v == "":
        return None if v != INVALID else INVALID
    words = src.get("words", "all")
    if words == "all":
        return v
    parts = v.split(" ")
    if words == "first":
        return parts[0]
    if words == "rest":
        return " ".join(parts[1:]) or None
    if words == "last":
        return parts[-1] if len(parts) > 1 else None
    if words == "middle":
        return " ".join(parts[1:-1]) or None
    raise ValueError(words)


# ---------------------------------------------------------------- tokens

def qgrams(v, q, padded, positional):
    s = ("_" * (q - 1) + v + "_" * (q - 1)) if padded else v
    if len(s) < q:
        grams = [s]
    else:
        grams = [s[i:i + q] for i in range(len(s) - q + 1)]
    if positional:
        grams = [f"{i}:{g}" for i, g in enumerate(grams)]
    return grams


def tokens_of(tspec, v):
    t = tspec["type"]
    if t == "qgram":
        return set(qgrams(v, tspec["q"], tspec["padded"], tspec["positional"]))
    if t == "exact":
        return {v}
    if t == "date_parts":
        y, mo, d = v[0:4], v[5:7], v[8:10]
        lo, hi = sorted([mo, d])
        toks = {f"y:{y}", f"m:{mo}", f"d:{d}", f"dm:{lo}|{hi}"}
        ymd = y + mo + d
        for i, c in enumerate(ymd):
            toks.add(f"p{i}:{c}")
        return toks
    if t == "postcode_parts":
        out, inw = v.split(" ")
        area = re.match(r"[A-Z]*", out).group(0)
        toks = {f"a:{area}", f"d:{out}", f"s:{out} {inw[0]}", f"u:{v}"}
        toks |= set(qgrams(out + inw, 2, True, False))
        return toks
    raise ValueError(t)


def spread_tokens(toks, S):
    ts = sorted(toks)
    n = len(ts)
    out = []
    for i, t in enumerate(ts):
        r = max(1, S // n + (1 if i < S % n else 0))
        out += [f"{t}\x1f{j}" for j in range(r)]
    return out


def pad_tokens(toks, P):
    ts = sorted(toks)
    n = len(ts)
    N = P * math.ceil(n / P)
    body = "\x1f".join(ts)
    return ts + [f"\x1e{body}\x1e{j}" for j in range(N - n)]


# ---------------------------------------------------------------- positions

class Positioner:
    def __init__(self, secret, base_label, hashing):
        # base_label e.g. linkcore/v1/field/<f>/bloom or .../clk
        self.hashing = hashing
        if hashing == "prf":
            self.K = subkey(secret, base_label)
        elif hashing == "double":
            self.K1 = subkey(secret, base_label + "/h1")
            self.K2 = subkey(secret, base_label + "/h2")
        elif hashing == "aes":
            self.Kaes = subkey(secret, base_label + "/aes")
            self.Ktag = subkey(secret, base_label + "/tag")
        else:
            raise ValueError(hashing)

    def positions(self, token, salt, m, k):
        if self.hashing in ("prf", "double"):
            msg = token.encode("utf-8") if salt is None else salt.encode("utf-8") + b"\x1f" + token.encode("utf-8")
            if self.hashing == "prf":
                stream = b"".join(H(self.K, b.to_bytes(4, "big") + msg) for b in range(math.ceil(k / 8)))
                return [le32(stream[4 * i:4 * i + 4]) % m for i in range(k)]
            h1 = int.from_bytes(H(self.K1, msg)[:8], "little")
            h2 = 1 + (int.from_bytes(H(self.K2, msg)[:8], "little") % (m - 1))
            return [(h1 + i * h2) % m for i in range(k)]
        T = H(self.Ktag, b"\x00" + token.encode("utf-8"))[:7]
        S = H(self.Ktag, b"\x01" + salt.encode("utf-8"))[:8] if salt is not None else H(self.Ktag, b"\x02")[:8]
        stream = b"".join(aes_ecb(self.Kaes, T + S + bytes([b])) for b in range(math.ceil(k / 4)))
        return [le32(stream[4 * i:4 * i + 4]) % m for i in range(k)]


# ---------------------------------------------------------------- hardening (bits as python int, bit i = 1<<i)

def getbit(x, i):
    return (x >> i) & 1


_perm_cache = {}


def balance(x, m, K):
    ck = (K, m)
    if ck not in _perm_cache:
        _perm_cache[ck] = sorted(range(2 * m), key=lambda i: (int.from_bytes(H(K, i.to_bytes(4, "big"))[:8], "big"), i))
    pi = _perm_cache[ck]
    c = x | ((~x & ((1 << m) - 1)) << m)
    out = 0
    for j, p in enumerate(pi):
        if (c >> p) & 1:
            out |= 1 << j
    return out, 2 * m


def xor_fold(x, m):
    h = m // 2
    return (x & ((1 << h) - 1)) ^ (x >> h), h


def rule90(x, m):
    out = 0
    for i in range(m):
        if getbit(x, (i - 1) % m) ^ getbit(x, (i + 1) % m):
            out |= 1 << i
    return out, m


def blip_keystream(K, nonce, nbytes):
    enc = Cipher(algorithms.AES(K), modes.CTR(nonce)).encryptor()
    return enc.update(b"\x00" * nbytes) + enc.finalize()


def blip_threshold(eps):
    p = 1.0 / (1.0 + math.exp(eps))
    if OPT["blip_round"] == "py":
        return round(p * 65536)
    return math.floor(p * 65536 + 0.5)


def harden_all(filters, m0, steps, K_balance, K_blip, nonce):
    """filters: list (per record, table order) of int or None. Returns (list, m)."""
    m = m0
    cur = list(filters)
    for st in steps:
        t = st["type"]
        if t == "balance":
            cur = [None if x is None else balance(x, m, K_balance)[0] for x in cur]
            m *= 2
        elif t == "xor_fold":
            cur = [None if x is None else xor_fold(x, m)[0] for x in cur]
            m //= 2
        elif t == "rule90":
            cur = [None if x is None else rule90(x, m)[0] for x in cur]
        elif t == "blip":
            th = blip_threshold(st["epsilon"])
            ks = blip_keystream(K_blip, nonce, 2 * m * len(cur))
            new = []
            for r, x in enumerate(cur):
                if x is None or x == 0:
                    new.append(x)
                    continue
                flip = 0
                base = 2 * r * m
                for j in range(m):
                    if int.from_bytes(ks[base + 2 * j: base + 2 * j + 2], "little") < th:
                        flip |= 1 << j
                new.append(x ^ flip)
            cur = new
        else:
            raise ValueError(t)
    return cur, m


def to_hex(x, m):
    return x.to_bytes(m // 8, "little").hex()


# ---------------------------------------------------------------- salts / transforms

def transform(v, T):
    if v is None:
        return None
    import jellyfish
    if T == "value":
        r = v
    elif T == "year":
        r = v[0:4]
    elif T == "month":
        r = v[5:7]
    elif T == "day":
        r = v[8:10]
    elif T == "soundex":
        r = jellyfish.soundex(v.replace(" ", ""))
    elif T == "metaphone":
        r = jellyfish.metaphone(v.replace(" ", "")).replace(" ", "")
    elif T == "nysiis":
        r = jellyfish.nysiis(v.replace(" ", ""))
    elif T == "first_char":
        r = v[0]
    elif T == "postcode_area":
        r = re.match(r"[A-Z]*", v.split(" ")[0]).group(0)
    elif T == "postcode_district":
        r = v.split(" ")[0]
    elif T == "postcode_sector":
        o, i = v.split(" ")
        r = o + " " + i[0]
    else:
        raise ValueError(T)
    return r if r != "" else None


# ---------------------------------------------------------------- encode

# spec §3 since stop 49 (2026-12-07): missing-value markers are missing cells (vector 59)
_MARKERS = {"null", "none", "n/a", "#n/a", "<na>"}
_MARKERS_EXACT = {"nan", "NaN", "NaT"}


def _marker(x):
    t = str(x).strip()
    return t.isascii() and (t in _MARKERS_EXACT or t.lower() in _MARKERS)


def read_cell(rec, src):
    if "columns" in src:
        parts = []
        for c in src["columns"]:
            x = rec.get(c)
            if x is None or x == "" or _marker(x):  # _marker: vector 59
                continue
            parts.append(str(x))
        return " ".join(parts) if parts else None
    c = src.get("column")
    if c is None:
        return None
    x = rec.get(c)
    if x is None or x == "" or _marker(x):  # _marker: vector 59
        return None
    return str(x)


def encode(vec):
    secret = bytes.fromhex(vec["secret_hex"])
    nonce = bytes.fromhex(vec["blip_nonce_hex"])
    sch = resolve_schema(vec["schema"])
    mp = vec["mapping"]
    fields = sch["fields"]
    byname = {f["name"]: f for f in fields}
    recs = vec["records"]
    # normalised values
    norm = []
    for rec in recs:
        nv = {}
        for f in fields:
            if "source" in f:
                continue
            src = mp["fields"].get(f["name"], {"column": None})
            cell = read_cell(rec, src)
            if cell is None:
                nv[f["name"]] = None
            else:
                v = normalise(f["kind"], cell, f["normalisation"], src)
                nv[f["name"]] = None if v is INVALID else v
        for f in fields:
            if "source" in f:
                s = f["source"]
                if isinstance(s, list):
                    vals = [nv[x] for x in s]
                    nv[f["name"]] = None if any(x is None for x in vals) else "\x1f".join(vals)
                else:
                    nv[f["name"]] = nv[s]
        norm.append(nv)

    def salt_string(f, nv, depth=0):
        s = f["salt"]
        if s is None:
            return None, False  # (sigma, salted?)
        g = s["field"]
        T = s["transform"]
        if T == "value_with_salt":
            vg = nv[g]
            sg, salted = salt_string(byname[g], nv, depth + 1)
            if vg is None or sg is None:
                return None, True
            return vg + "\x1f" + sg, True
        return transform(nv[g], T), True

    out = [{"id": rec[mp["id_column"]], "fields": {}, "tokens": {}, "normalised": {}, "blocking_keys": {}}
           for rec in recs]
    for f in fields:
        name = f["name"]
        keyname = f.get("key_with", name)
        pos = Positioner(secret, f"linkcore/v1/field/{keyname}/bloom", f["hashing"])
        m = f["filter_bits"]
        raw = []
        for r, nv in enumerate(norm):
            v = nv[name]
            out[r]["normalised"][name] = v
            if v is None:
                raw.append(None)
                out[r]["tokens"][name] = None
                continue
            toks = tokens_of(f["tokens"], v)
            out[r]["tokens"][name] = sorted(toks)
            sigma, salted = salt_string(f, nv)
            if salted and sigma is None:
                raw.append(None)
                continue
            if "spread" in f:
                tl = spread_tokens(toks, f["spread"])
            elif f.get("pad") is not None:
                tl = pad_tokens(toks, f["pad"])
            else:
                tl = sorted(toks)
            x = 0
            for t in tl:
                for p in pos.positions(t, sigma, m, f["k"]):
                    x |= 1 << p
            raw.append(x)
        hard, mm = harden_all(raw, m, f["hardening"],
                              subkey(secret, f"linkcore/v1/field/{keyname}/balance"),
                              subkey(secret, f"linkcore/v1/field/{name}/blip"), nonce)
        for r, x in enumerate(hard):
            out[r]["fields"][name] = None if x is None else to_hex(x, mm)
    # CLK
    clk = sch["clk"]
    if clk is not None:
        m = clk["bits"]
        raw = []
        for r, nv in enumerate(norm):
            x = 0
            csig = None
            if clk["salt"] is not None:
                csig = transform(nv[clk["salt"]["field"]], clk["salt"]["transform"])
                if csig is None:
                    csig = ""
            for f in fields:
                if f["clk_k"] <= 0:
                    continue
                v = nv[f["name"]]
                if v is None:
                    continue
                fsig, salted = salt_string(f, nv)
                if salted and fsig is None and OPT["clk_skip_field_missing_salt"]:
                    continue
                sig = csig
                if OPT["clk_use_field_salt"] and salted:
                    sig = fsig if csig is None else fsig  # reading: field salt
                pos = Positioner(secret, f"linkcore/v1/field/{f['name']}/clk", clk["hashing"])
                for t in sorted(tokens_of(f["tokens"], v)):
                    for p in pos.positions(t, sig, m, f["clk_k"]):
                        x |= 1 << p
            raw.append(x)
        hard, mm = harden_all(raw, m, clk["hardening"], subkey(secret, "linkcore/v1/clk/balance"),
                              subkey(secret, "linkcore/v1/clk/blip"), nonce)
        for r, x in enumerate(hard):
            out[r]["clk"] = to_hex(x, mm)
    # blocking keys
    for bk in sch["blocking_keys"]:
        K = subkey(secret, f"linkcore/v1/blocking/{bk['name']}")
        for r, nv in enumerate(norm):
            parts = [transform(nv[p["field"]], p["transform"]) for p in bk["parts"]]
            if any(p is None for p in parts):
                out[r]["blocking_keys"][bk["name"]] = None
                continue
            val = int.from_bytes(H(K, "\x1f".join(parts).encode("utf-8"))[:8], "little")
            if val == 0:
                val = 1
            out[r]["blocking_keys"][bk["name"]] = f"{val:016x}"
    return {"key_check_value": kcv(secret), "records": out, "resolved": sch}
