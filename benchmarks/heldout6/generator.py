#!/usr/bin/env python3
"""h6gen: an independent, held-out synthetic data generator for evaluating record linkage.

    python generator.py OUTDIR --people N --seed S

Writes agency_a.csv, agency_b.csv, truth.csv and register.csv into OUTDIR. Standard library only.
Same command and seed -> byte-identical files (no set iteration, no hash-dependent order, string
seeds for random.Random). See README.md for the model, the rates and the formats.

HELD OUT: This data must not be used for tuning. Use it only to report how a design fixed
beforehand performs.
"""
import argparse
import bisect
import csv
import datetime as dt
import os
import random
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names_uk as N  # noqa: E402

REF_DATE = dt.date(2025, 1, 1)   # "today" for ages
STUDY_HOUSEHOLD_SHARE = 0.30     # share of households in the study population; the rest are other residents

# --------------------------------------------------------------------------- rates (documented in README)
GROUP_SHARES = [  # share of households by the (name-culture) group of the household head
    ("white_british", 0.710), ("irish", 0.030), ("caribbean", 0.020), ("polish", 0.040),
    ("romanian", 0.015), ("sikh", 0.030), ("gujarati", 0.035), ("pakistani", 0.045),
    ("bangladeshi", 0.015), ("west_african", 0.035), ("chinese", 0.015), ("somali", 0.010),
]
HH_TYPES = ["single", "couple", "couple_kids", "lone_parent", "multigen", "sharers"]
HH_TYPE_W = {
    "white_british": [32, 31, 17, 10, 3, 7], "irish": [36, 33, 15, 8, 3, 5],
    "caribbean": [33, 14, 16, 30, 4, 3], "polish": [18, 22, 35, 7, 2, 16],
    "romanian": [15, 20, 33, 5, 2, 25], "sikh": [10, 20, 35, 6, 26, 3],
    "gujarati": [10, 22, 35, 5, 25, 3], "pakistani": [8, 12, 45, 7, 25, 3],
    "bangladeshi": [7, 10, 50, 6, 24, 3], "west_african": [20, 12, 38, 23, 4, 3],
    "chinese": [30, 20, 28, 4, 6, 12], "somali": [12, 8, 42, 32, 3, 3],
}
AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 84), (85, 89), (90, 100)]
AGE_W = {
    "old": [7, 11, 11, 13, 20, 22, 14, 4, 1.5], "caribbean": [6, 11, 13, 17, 20, 18, 12, 4, 1.5],
    "young": [15, 35, 28, 13, 6, 2, 1, 0.2, 0.05], "south_asian": [10, 22, 22, 18, 14, 10, 5, 1, 0.3],
}
GROUP_AGE = {"white_british": "old", "irish": "old", "caribbean": "caribbean", "polish": "young",
             "romanian": "young", "west_african": "young", "somali": "young", "chinese": "young",
             "sikh": "south_asian", "gujarati": "south_asian", "pakistani": "south_asian",
             "bangladeshi": "south_asian"}
TYPE_AGE = {"single": (18, 100), "couple": (20, 100), "couple_kids": (21, 57), "lone_parent": (18, 57),
            "multigen": (28, 62), "sharers": (18, 40)}  # head age range by household type
KIDS_W = {"default": [48, 36, 12, 3, 1], "large": [25, 33, 24, 12, 6]}
LARGE_FAMILY = {"pakistani", "bangladeshi", "somali", "west_african"}
SHARES_SURNAME_ON_MARRIAGE = {"white_british": 0.85, "irish": 0.85, "caribbean": 0.75, "polish": 0.85,
                              "romanian": 0.85, "sikh": 0.95, "gujarati": 0.95, "pakistani": 0.70,
                              "bangladeshi": 0.50, "west_african": 0.80, "chinese": 0.15, "somali": 0.0}
MARRIED = {"white_british": 0.62, "irish": 0.70, "caribbean": 0.50, "polish": 0.70, "romanian": 0.75,
           "sikh": 0.97, "gujarati": 0.97, "pakistani": 0.97, "bangladeshi": 0.97, "west_african": 0.85,
           "chinese": 0.85, "somali": 0.95}
DISTRICTS = {"CV1": [1, 2, 3, 4, 5], "CV2": [1, 2, 3, 4, 5], "CV3": [1, 2, 3, 4, 5, 6], "CV4": [7, 8, 9],
             "CV5": [6, 7, 8, 9], "CV6": [1, 2, 3, 4, 5, 6, 7]}
DIST_NAMES = list(DISTRICTS)
DIST_W = {"white_british": [8, 18, 25, 14, 17, 18], "irish": [8, 18, 22, 14, 18, 20],
          "polish": [20, 30, 10, 5, 10, 25], "romanian": [20, 30, 10, 5, 10, 25],
          "sikh": [8, 25, 8, 5, 7, 47], "gujarati": [8, 25, 8, 5, 7, 47], "pakistani": [10, 25, 8, 5, 7, 45],
          "bangladeshi": [12, 25, 8, 5, 5, 45], "west_african": [20, 30, 15, 10, 5, 20],
          "caribbean": [15, 30, 15, 10, 10, 20], "somali": [20, 30, 15, 10, 5, 20], "chinese": [40, 10, 10, 30, 5, 5]}
OUTSIDE_AREAS = ["CV10", "CV11", "CV12", "CV21", "CV22", "CV31", "CV32", "CV34", "B26", "B37", "B92",
                 "LE10", "NN11", "WS2", "B8", "B10"]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# per-agency corruption rates (probability per record, or per eligible record where stated)
RATES = {
    "A": dict(  # council housing register: keyed in from forms, household-based, often out of date
        stale_address=0.35, stale_surname=0.10, divorced_old_surname=0.25, begum_husband_surname=0.20,
        nickname=0.06, middle_as_first=0.02, mohammed_called_name=0.30, chinese_alias=0.40,
        translit=0.15, spelling=0.02, swap_names=0.008, swap_names_high=0.05, sikh_surname=0.12,
        sikh_joined=0.08, polish_masc=0.04, keep_diacritics=0.6, punct_variant=0.15,
        dbl_whole=0.60, dbl_space=0.12, dbl_first=0.14,
        typo_first=0.020, typo_middle=0.015, typo_surname=0.025,
        miss_first=0.002, miss_surname=0.001, miss_middle=0.20, miss_dob=0.040, miss_sex=0.010,
        miss_postcode=0.020, wrong_sex=0.003,
        dob_transpose=0.012, dob_year=0.006, dob_digit=0.010, dob_placeholder=0.004,
        postcode_error=0.012, addr_abbrev=0.15, addr_typo=0.02, addr_no_number=0.01,
        upper_names=0.03, lower_names=0.01, pc_nospace=0.02, pc_lower=0.01),
    "B": dict(  # community health trust (patient administration system): upper case, ASCII, coded
        stale_address=0.40, stale_surname=0.08, divorced_old_surname=0.20, begum_husband_surname=0.20,
        nickname=0.03, middle_as_first=0.02, mohammed_called_name=0.30, chinese_alias=0.30,
        translit=0.15, spelling=0.02, swap_names=0.012, swap_names_high=0.07, sikh_surname=0.12,
        sikh_joined=0.08, polish_masc=0.03, keep_diacritics=0.0, punct_variant=0.50,
        dbl_whole=0.55, dbl_space=0.15, dbl_first=0.15,
        typo_first=0.012, typo_middle=0.0, typo_surname=0.015,
        miss_first=0.003, miss_surname=0.001, miss_middle=1.0, miss_dob=0.030, miss_sex=0.006,
        miss_postcode=0.025, wrong_sex=0.003, baby_placeholder=0.15,
        dob_transpose=0.006, dob_year=0.005, dob_digit=0.008, dob_placeholder=0.004,
        postcode_error=0.008),
    "R": dict(  # public register: light errors
        stale_address=0.15, stale_surname=0.05, divorced_old_surname=0.10, begum_husband_surname=0.10,
        nickname=0.01, middle_as_first=0.005, mohammed_called_name=0.10, chinese_alias=0.20,
        translit=0.05, spelling=0.005, swap_names=0.002, swap_names_high=0.01, sikh_surname=0.05,
        sikh_joined=0.03, polish_masc=0.01, keep_diacritics=0.5, punct_variant=0.05,
        dbl_whole=0.85, dbl_space=0.05, dbl_first=0.05,
        typo_first=0.005, typo_middle=0.005, typo_surname=0.005,
        miss_first=0.0, miss_surname=0.0, miss_middle=0.25, miss_dob=0.02, miss_sex=0.005,
        miss_postcode=0.003, wrong_sex=0.001,
        dob_transpose=0.002, dob_year=0.002, dob_digit=0.002, dob_placeholder=0.001,
        postcode_error=0.003, addr_abbrev=0.05, addr_typo=0.005, addr_no_number=0.002,
        upper_names=0.0, lower_names=0.0, pc_nospace=0.0, pc_lower=0.0),
}
SWAP_HIGH_GROUPS = {"west_african", "chinese", "somali"}
HOUSEHOLD_MOVED = 0.25          # household moved within the last ~5 years (has a previous address)
PERSON_MOVED = 0.05             # an individual (not the household) has a previous address
MOVE_SAME_DISTRICT = 0.60
MOVE_OUTSIDE = 0.10
TWIN_RATE = 0.015               # per birth
JUNIOR_RATE = 0.02              # son named after father (British-type groups)
NAMESAKE_RATE = 0.012           # a household head copies the name of an earlier person, dob within 2 years
NAMESAKE_SAME_DOB = 0.15
TRUE_JAN1 = {"somali": 0.15, "west_african": 0.02, "pakistani": 0.02, "bangladeshi": 0.04}  # true dob recorded as 1 Jan


# --------------------------------------------------------------------------- helpers
class W:
    """Weighted table, sampled with bisect."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum, t = [], 0.0
        for _, w in pairs:
            t += w
            self.cum.append(t)
        self.total = t

    def __call__(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


_WCACHE = {}


def wt(pairs):
    k = id(pairs)
    w = _WCACHE.get(k)
    if w is None:
        w = _WCACHE[k] = W(pairs)
    return w


def pick(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def ascii_fold(s):
    s = s.replace("Ł", "L").replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def cohort(year):
    return 0 if year < 1950 else 1 if year < 1975 else 2 if year < 2000 else 3


def dob_from_age(rng, age):
    start = dt.date(REF_DATE.year - age - 1, REF_DATE.month, REF_DATE.day) + dt.timedelta(days=1)
    return start + dt.timedelta(days=rng.randrange(365))


def age_of(dob):
    a = REF_DATE.year - dob.year
    if (dob.month, dob.day) > (REF_DATE.month, REF_DATE.day):
        a -= 1
    return a


def feminise_polish(s):
    for m, f in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if s.endswith(m):
            return s[: -len(m)] + f
    return s


def masculinise_polish(s):
    for f, m in (("dzka", "dzki"), ("cka", "cki"), ("ska", "ski")):
        if s.endswith(f):
            return s[: -len(f)] + m
    return s


MOHAMMED_VARIANTS = W([("Mohammed", 50), ("Muhammad", 25), ("Mohammad", 10), ("Mohamed", 8),
                       ("Muhammed", 4), ("Mohamad", 3)])
TRANSLIT, SPELL = {}, {}
for kind, grp in N.SPELLING_GROUPS:
    members = grp.split()
    for m in members:
        (TRANSLIT if kind == "T" else SPELL).setdefault(m, [x for x in members if x != m])

# --------------------------------------------------------------------------- typos
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGH = {}
for r, row in enumerate(QWERTY):
    for c, ch in enumerate(row):
        nb = []
        for dr in (-1, 0, 1):
            rr = r + dr
            if 0 <= rr < 3:
                for dc in (-1, 0, 1):
                    cc = c + dc + (0 if dr == 0 else (0 if dr < 0 else 0))
                    if (dr, dc) != (0, 0) and 0 <= cc < len(QWERTY[rr]):
                        nb.append(QWERTY[rr][cc])
        NEIGH[ch] = nb
OCR_PAIRS = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"), ("e", "c"),
             ("c", "e"), ("a", "o"), ("o", "a"), ("l", "i"), ("i", "l"), ("u", "v"), ("h", "b"), ("n", "h"),
             ("li", "h"), ("ri", "n"), ("I", "l"), ("O", "Q"), ("B", "R"), ("E", "F"), ("S", "5")]
PHON_RULES = [("ph", "f"), ("f", "ph"), ("ck", "k"), ("k", "ck"), ("ie", "y"), ("y", "ie"), ("ee", "ea"),
              ("ea", "ee"), ("ou", "ow"), ("ai", "ay"), ("ay", "ai"), ("son", "sen"), ("sen", "son"),
              ("ll", "l"), ("nn", "n"), ("tt", "t"), ("ss", "s"), ("rr", "r"), ("mm", "m"), ("l", "ll"),
              ("ey", "y"), ("ei", "ie"), ("ie", "ei"), ("z", "s"), ("s", "z"), ("c", "k"), ("k", "c"),
              ("th", "t"), ("kh", "k"), ("oo", "u"), ("u", "oo"), ("ee", "i"), ("i", "ee"), ("v", "w"),
              ("j", "y"), ("sh", "s"), ("a", "ah"), ("ah", "a"), ("q", "k"), ("w", "v")]


def _case_like(new, old):
    return new.upper() if old.isupper() else new


def keyboard_typo(s, rng):
    if len(s) < 2:
        return s
    idx = [i for i, ch in enumerate(s) if ch.lower() in NEIGH]
    if not idx:
        return s
    i = rng.choice(idx)
    ch = s[i]
    op = rng.random()
    if op < 0.40:
        return s[:i] + _case_like(rng.choice(NEIGH[ch.lower()]), ch) + s[i + 1:]
    if op < 0.65 and len(s) > 3:
        return s[:i] + s[i + 1:]
    if op < 0.80:
        return s[:i + 1] + _case_like(rng.choice(NEIGH[ch.lower()]), ch) + s[i + 1:]
    if i + 1 < len(s) and s[i + 1] != ch:
        return s[:i] + s[i + 1] + ch + s[i + 2:]
    return s[:i] + s[i] + s[i:]  # doubled letter


def rule_typo(s, rng, rules):
    opts = []
    low = s.lower()
    for a, b in rules:
        start = 0
        while True:
            j = low.find(a.lower(), start) if not a[0].isupper() else s.find(a, start)
            if j < 0:
                break
            opts.append((j, a, b))
            start = j + 1
    if not opts:
        return keyboard_typo(s, rng)
    j, a, b = rng.choice(opts)
    seg = s[j:j + len(a)]
    rep = b.upper() if seg.isupper() else (b[0].upper() + b[1:] if seg[:1].isupper() else b)
    out = s[:j] + rep + s[j + len(a):]
    return out if out and out != s else keyboard_typo(s, rng)


def typo(s, rng):
    if not s:
        return s
    r = rng.random()
    if r < 0.5:
        out = keyboard_typo(s, rng)
    elif r < 0.65:
        out = rule_typo(s, rng, OCR_PAIRS)
    else:
        out = rule_typo(s, rng, PHON_RULES)
    return out


# --------------------------------------------------------------------------- geography
STREET_PREFIX = ("Albany Acacia Beech Birch Broad Cedar Chapel Church Clarence Coronation Grange Harnall "
                 "Highfield Holyhead Jubilee Kingsway Lodge Mill Moat Nelson Oak Park Priory Queens Radford "
                 "Station Stoney Sycamore Victoria Westminster Willow Windsor Woodland York Albert Alder Ash "
                 "Barras Bell Binley Blackberry Brook Burns Canal Carlton Cheveral Cross Daimler Dunster Eagle "
                 "Elm Fir Gosford Hamilton Hawthorn Heath Hill Ivy Kenilworth Lincoln Maple Meadow Melbourne "
                 "Minster Orchard Poplar Primrose Regent Rowan St_Paul's St_Michael's Sandy Shakespeare Spencer "
                 "Stanley Tennyson Thackeray Tile_Hill Templar Upper_York Vauxhall Waveley Wheatley Whitmore "
                 "Wyken Bulwer Cambridge Dorset Essex Fleet Grafton Humber Jardine Kingfield Lyng Marlborough "
                 "Newcombe Oldfield Paynes Quinton Raglan Sewall Swan Terry Villiers Widdrington Yew").split()
STREET_SUFFIX = W([("Road", 30), ("Street", 18), ("Avenue", 9), ("Close", 10), ("Grove", 5), ("Lane", 7),
                   ("Drive", 6), ("Crescent", 4), ("Way", 4), ("Gardens", 3), ("Court", 2), ("Terrace", 2),
                   ("Place", 2), ("Walk", 1)])
ABBREV = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Crescent": "Cres", "Drive": "Dr",
          "Lane": "Ln", "Gardens": "Gdns", "Court": "Ct", "Terrace": "Terr", "Place": "Pl", "Grove": "Gr"}


class Geography:
    def __init__(self, rng):
        self.rng = rng
        self.units = {d: {s: self._letters() for s in secs} for d, secs in DISTRICTS.items()}
        self.used_names = {d: {} for d in DISTRICTS}
        self.open = {d: [] for d in DISTRICTS}
        self.addresses = []                 # all addresses: dict(line, postcode, district)
        self.by_district = {d: [] for d in DISTRICTS}

    def _letters(self):
        lst = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]
        self.rng.shuffle(lst)
        return lst

    def _new_postcode(self, d):
        secs = DISTRICTS[d]
        for _ in range(50):
            s = self.rng.choice(secs)
            if self.units[d][s]:
                return f"{d} {s}{self.units[d][s].pop()}"
        raise RuntimeError("postcode space exhausted")

    def _new_street(self, d):
        rng = self.rng
        for _ in range(200):
            name = rng.choice(STREET_PREFIX).replace("_", " ") + " " + STREET_SUFFIX(rng)
            if name not in self.used_names[d]:
                break
        self.used_names[d][name] = True
        flats = rng.random() < (0.45 if d == "CV1" else 0.12)
        return {"name": name, "d": d, "flats": flats, "size": rng.randint(20, 140), "n": 0, "next_no": 1,
                "block_left": 0, "pc": None, "bld_left": 0, "bld_no": 0, "flat_no": 0}

    def new_address(self, group):
        rng = self.rng
        d = pick(rng, DIST_NAMES, DIST_W[group])
        op = self.open[d]
        while len(op) < 8:
            op.append(self._new_street(d))
        st = rng.choice(op)
        if st["block_left"] <= 0:
            st["pc"] = self._new_postcode(d)
            st["block_left"] = rng.randint(8, 18) if not st["flats"] else rng.randint(15, 35)
        st["block_left"] -= 1
        if st["flats"]:
            if st["bld_left"] <= 0:
                st["bld_no"] = st["next_no"]
                st["next_no"] += rng.choice((1, 2, 2, 3))
                st["bld_left"] = rng.randint(4, 16)
                st["flat_no"] = 0
            st["bld_left"] -= 1
            st["flat_no"] += 1
            no = f"Flat {st['flat_no']}, {st['bld_no']}"
        else:
            num = st["next_no"]
            if num == 13 and rng.random() < 0.5:
                num = 14
            no = str(num)
            st["next_no"] = num + rng.choice((1, 2, 2, 2))
        st["n"] += 1
        if st["n"] >= st["size"]:
            op.remove(st)
        a = {"no": no, "street": st["name"], "postcode": st["pc"], "d": d}
        self.addresses.append(a)
        self.by_district[d].append(a)
        return a

    def previous_address(self, cur, rng):
        r = rng.random()
        if r < MOVE_OUTSIDE:
            area = rng.choice(OUTSIDE_AREAS)
            pc = f"{area} {rng.randint(0, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
            name = rng.choice(STREET_PREFIX).replace("_", " ") + " " + STREET_SUFFIX(rng)
            return {"no": str(rng.randint(1, 180)), "street": name, "postcode": pc, "d": area}
        pool = self.by_district[cur["d"]] if r < MOVE_OUTSIDE + MOVE_SAME_DISTRICT else self.addresses
        for _ in range(20):
            a = rng.choice(pool)
            if a["postcode"] != cur["postcode"]:
                return a
        return rng.choice(self.addresses)


# --------------------------------------------------------------------------- population
class Population:
    def __init__(self, seed):
        self.rng = random.Random(f"h6gen/{seed}/population")
        self.geo = Geography(random.Random(f"h6gen/{seed}/geography"))
        self.people = []
        self.households = []
        self.namesake_pool = {}

    # ---- names
    def first_name(self, group, sex, year):
        rng, c = self.rng, cohort(year)
        if group == "white_british":
            tab = N.IRISH_FIRST[(sex, c)] if rng.random() < 0.02 else N.BRIT_FIRST[(sex, c)]
        elif group == "irish":
            tab = N.IRISH_FIRST[(sex, c)] if (c < 2 or rng.random() < 0.5) else N.BRIT_FIRST[(sex, c)]
        elif group == "caribbean":
            tab = N.CARIBBEAN_FIRST[(sex, c)] if rng.random() < 0.45 else N.BRIT_FIRST[(sex, c)]
        elif group in ("polish", "romanian"):
            t = N.POLISH_FIRST if group == "polish" else N.ROMANIAN_FIRST
            if c == 3 and rng.random() < 0.3:
                tab = N.BRIT_FIRST[(sex, 3)]
            else:
                tab = t.get((sex, c)) or t[(sex, 1)]
        elif group == "sikh":
            tab = N.SIKH_FIRST_UNISEX if rng.random() < (0.55 if c < 3 else 0.2) else N.SIKH_FIRST[(sex, c)]
        elif group == "gujarati":
            tab = N.GUJARATI_FIRST[(sex, c)]
        elif group == "pakistani":
            tab = N.MUSLIM_FIRST[sex]
        elif group == "bangladeshi":
            tab = N.BANGLADESHI_FIRST[sex]
        elif group == "west_african":
            tab = N.WEST_AFRICAN_FIRST[sex]
        elif group == "chinese":
            tab = N.BRIT_FIRST[(sex, 3)] if (c == 3 and rng.random() < 0.5) else N.CHINESE_FIRST[sex]
        else:
            tab = N.SOMALI_FIRST[sex]
        name = wt(tab)(rng)
        if name in ("Mohammed", "Mohamed") and group in ("pakistani", "bangladeshi"):
            name = MOHAMMED_VARIANTS(rng)
        return name

    def middle_names(self, p):
        rng, g, sex, c = self.rng, p["group"], p["sex"], cohort(p["dob"].year)
        mids = []
        if g in ("white_british", "irish", "caribbean"):
            if rng.random() < (0.55, 0.65, 0.75, 0.80)[c]:
                for _ in range(2 if rng.random() < 0.06 else 1):
                    for _ in range(10):
                        m = wt(N.BRIT_MIDDLE_EXTRA[sex])(rng) if rng.random() < 0.5 else wt(N.BRIT_FIRST[(sex, c)])(rng)
                        if m != p["first"] and m not in mids:
                            mids.append(m)
                            break
        elif g in ("polish", "romanian", "chinese"):
            if rng.random() < (0.12 if g != "chinese" else 0.08):
                m = self.first_name(g, sex, p["dob"].year)
                if m != p["first"]:
                    mids.append(m)
        elif g == "gujarati":
            if rng.random() < (0.35 if c < 3 else 0.15):
                mids.append(wt(N.GUJARATI_MIDDLE)(rng) if c < 3 else self.first_name(g, sex, p["dob"].year))
        elif g in ("pakistani", "bangladeshi"):
            if sex == "M" and rng.random() < 0.35:
                mids.append(wt(N.MUSLIM_MIDDLE_M)(rng))
                p["first"] = MOHAMMED_VARIANTS(rng) if g == "pakistani" else rng.choice(("Mohammed", "Mohammed", "Abdul", "Mohammad"))
                p["prefix_name"] = True
            elif rng.random() < 0.18:
                m = self.first_name(g, sex, p["dob"].year)
                if m != p["first"] and not m.startswith("Moh"):
                    mids.append(m)
        elif g in ("west_african", "somali"):
            if rng.random() < (0.65 if g == "west_african" else 0.15):
                m = self.first_name(g, sex, p["dob"].year)
                if m != p["first"]:
                    mids.append(m)
        return mids

    def surname_for(self, group, sex):
        rng = self.rng
        if group == "white_british":
            if rng.random() < 0.2:
                s = rng.choice(N.SURNAME_PREFIX) + rng.choice(N.SURNAME_SUFFIX)
            else:
                s = wt(N.BRIT_SURNAMES)(rng)
            if rng.random() < 0.012:
                s = s + "-" + wt(N.BRIT_SURNAMES)(rng)
            return s
        tab = {"irish": N.IRISH_SURNAMES, "caribbean": N.CARIBBEAN_SURNAMES, "polish": N.POLISH_SURNAMES,
               "romanian": N.ROMANIAN_SURNAMES, "gujarati": N.GUJARATI_SURNAMES,
               "pakistani": N.PAKISTANI_SURNAMES, "bangladeshi": N.BANGLADESHI_SURNAMES,
               "west_african": N.WEST_AFRICAN_SURNAMES, "chinese": N.CHINESE_SURNAMES,
               "somali": N.SOMALI_SURNAMES}.get(group)
        if group == "sikh":
            if rng.random() < 0.25:
                return "Singh" if sex == "M" else "Kaur"
            return wt(N.SIKH_FAMILY)(rng)
        s = wt(tab)(rng)
        if group == "polish" and sex == "F":
            s = feminise_polish(s)
        return s

    def family_surname(self, base, group, sex):
        """the form of a family surname for a member of this sex"""
        if group == "polish":
            return feminise_polish(base) if sex == "F" else masculinise_polish(base)
        if group == "sikh" and base in ("Singh", "Kaur"):
            return "Singh" if sex == "M" else "Kaur"
        return base

    def make_person(self, group, sex, age, surname, hh, dob=None):
        rng = self.rng
        if dob is None:
            dob = dob_from_age(rng, age)
            if rng.random() < TRUE_JAN1.get(group, 0) and age >= 10:
                dob = dt.date(dob.year, 1, 1)
        p = {"pid": len(self.people), "hh": hh, "group": group, "sex": sex, "dob": dob, "surname": surname,
             "alt_surname": None, "alt_kind": None, "prefix_name": False, "alias": None, "religious": None,
             "prev": None}
        p["first"] = self.first_name(group, sex, dob.year)
        p["middles"] = self.middle_names(p)
        if group == "sikh" and surname not in ("Singh", "Kaur") and rng.random() < 0.75:
            p["religious"] = "Singh" if sex == "M" else "Kaur"
            p["middles"] = [p["religious"]] + p["middles"]
        if group == "chinese" and age >= 16 and rng.random() < 0.35 and p["first"] not in (
                x for x, _ in N.CHINESE_ENGLISH_ALIAS[sex]):
            p["alias"] = wt(N.CHINESE_ENGLISH_ALIAS[sex])(rng)
        self.people.append(p)
        return p

    def head_age(self, group, htype):
        lo, hi = TYPE_AGE[htype]
        bands = AGE_W[GROUP_AGE[group]]
        w = [max(0.0, min(hi, b) - max(lo, a) + 1) / (b - a + 1) * bw for (a, b), bw in zip(AGE_BANDS, bands)]
        a, b = pick(self.rng, AGE_BANDS, w)
        return self.rng.randint(max(a, lo), min(b, hi))

    def make_household(self, study):
        rng = self.rng
        hid = len(self.households)
        group = pick(rng, [g for g, _ in GROUP_SHARES], [w for _, w in GROUP_SHARES])
        htype = pick(rng, HH_TYPES, HH_TYPE_W[group])
        members = []
        addr = self.geo.new_address(group)
        age = self.head_age(group, htype)
        if htype == "single":
            sex = "F" if rng.random() < (0.65 if age >= 70 else 0.47) else "M"
            head = self._head(group, sex, age, hid)
            members.append(head)
            if rng.random() < 0.25 and age >= 40:    # divorced or widowed: previous surname
                self._previous_married_name(head, divorced=True)
        elif htype == "sharers":
            for i in range(rng.choice((2, 2, 3, 3, 4))):
                g = group if rng.random() < 0.7 else pick(rng, [x for x, _ in GROUP_SHARES], [w for _, w in GROUP_SHARES])
                members.append(self._head(g, rng.choice("MF"), self.head_age(g, "sharers"), hid))
        else:
            lone = htype == "lone_parent"
            if lone:
                sex = "F" if rng.random() < 0.9 else "M"
                parent = self._head(group, sex, age, hid)
                members.append(parent)
                father_surname = parent["surname"]
                if sex == "F":
                    if rng.random() < 0.45:      # divorced or separated
                        ex = self.surname_for(group, "M")
                        if rng.random() < 0.6:   # kept ex-husband's surname, maiden name in the past
                            parent["alt_surname"], parent["alt_kind"] = parent["surname"], "maiden"
                            parent["surname"] = self.family_surname(ex, group, "F")
                            father_surname = ex
                        else:                    # reverted: records may still hold the married name
                            parent["alt_surname"], parent["alt_kind"] = self.family_surname(ex, group, "F"), "divorced"
                            father_surname = ex
                    else:
                        father_surname = self.surname_for(group, "M") if rng.random() < 0.4 else parent["surname"]
                mother = parent if sex == "F" else None
                father_first = None
                kids_surname = father_surname
            else:
                same_sex = rng.random() < 0.03
                man = self._head(group, "M" if not same_sex or rng.random() < 0.5 else "F", age, hid)
                members.append(man)
                wage = max(18, min(99, int(round(age - rng.gauss(2, 3)))))
                wgroup = group if rng.random() < 0.92 else pick(rng, [x for x, _ in GROUP_SHARES], [w for _, w in GROUP_SHARES])
                own = self.surname_for(wgroup, "F" if not same_sex else man["sex"])
                woman = self.make_person(wgroup, "F" if not same_sex else man["sex"], wage, own, hid)
                members.append(woman)
                married = rng.random() < (MARRIED[group] if age < 55 else min(0.95, MARRIED[group] + 0.2))
                kids_surname = man["surname"]
                if married and not same_sex and rng.random() < SHARES_SURNAME_ON_MARRIAGE[group]:
                    if group in ("pakistani", "bangladeshi") and rng.random() < (0.3 if group == "pakistani" else 0.45):
                        tab = N.PAKISTANI_FEMALE_SURNAMES if group == "pakistani" else N.BANGLADESHI_FEMALE_SURNAMES
                        woman["surname"] = wt(tab)(rng)
                        woman["alt_surname"], woman["alt_kind"] = man["surname"], "husband"
                    else:
                        woman["alt_surname"], woman["alt_kind"] = own, "maiden"
                        hus = self.family_surname(man["surname"], group, "F")
                        if group in ("white_british", "irish", "caribbean") and rng.random() < 0.025 and "-" not in own + hus:
                            woman["surname"] = own + "-" + hus
                            woman["alt_surname"], woman["alt_kind"] = hus, "part"
                        else:
                            woman["surname"] = hus
                        if group == "sikh" and woman.get("religious") is None and hus not in ("Singh", "Kaur"):
                            woman["religious"] = "Kaur"
                            woman["middles"] = ["Kaur"] + [m for m in woman["middles"] if m != "Kaur"]
                elif not married and group in ("white_british", "irish", "caribbean"):
                    r = rng.random()
                    if r < 0.10:
                        kids_surname = own
                    elif r < 0.25 and "-" not in man["surname"] + own:
                        kids_surname = man["surname"] + "-" + own
                mother, parent = woman, man
                father_first = man["first"] if man["sex"] == "M" else None
                if group == "somali" and man["sex"] == "M":
                    kids_surname = man["first"]
            if htype in ("couple_kids", "lone_parent", "multigen"):
                mage = age_of(mother["dob"]) if mother is not None else age
                nk = pick(rng, [1, 2, 3, 4, 5], KIDS_W["large" if group in LARGE_FAMILY else "default"])
                lo = max(0, mage - 44)
                hi = min(mage - 17, 24 if rng.random() < 0.3 else 17)
                used = []
                for _ in range(nk):
                    if hi < lo:
                        break
                    kage = rng.randint(lo, hi)
                    ksex = rng.choice("MF")
                    ks = self.family_surname(kids_surname, group, ksex)
                    kid = self.make_person(group, ksex, kage, ks, hid)
                    if (father_first and ksex == "M" and group in ("white_british", "irish", "caribbean")
                            and rng.random() < JUNIOR_RATE):
                        kid["first"] = father_first
                    used.append(kid)
                    members.append(kid)
                    if rng.random() < TWIN_RATE:
                        tsex = ksex if rng.random() < 0.65 else ("M" if ksex == "F" else "F")
                        twin = self.make_person(group, tsex, kage, self.family_surname(kids_surname, group, tsex), hid,
                                                dob=kid["dob"])
                        for _ in range(20):
                            if twin["first"] != kid["first"]:
                                break
                            twin["first"] = self.first_name(group, tsex, kid["dob"].year)
                        twin["twin_of"] = kid["pid"]
                        kid["twin_of"] = twin["pid"]
                        members.append(twin)
            if htype == "multigen":
                for _ in range(1 if rng.random() < 0.6 else 2):
                    eage = min(100, age + rng.randint(22, 35))
                    esex = "F" if rng.random() < 0.65 else "M"
                    es = self.family_surname(parent["surname"], group, esex)
                    members.append(self.make_person(group, esex, eage, es, hid))
        hh = {"hid": hid, "group": group, "type": htype, "addr": addr, "members": members, "study": study,
              "prev": None}
        if rng.random() < HOUSEHOLD_MOVED:
            hh["prev"] = self.geo.previous_address(addr, rng)
        for p in members:
            p["addr"] = addr
            p["prev"] = hh["prev"]
            if hh["prev"] is None and rng.random() < PERSON_MOVED and age_of(p["dob"]) >= 16:
                p["prev"] = self.geo.previous_address(addr, rng)
            p["study"] = study
        self.households.append(hh)
        return hh

    def _previous_married_name(self, p, divorced):
        if p["sex"] == "F" and self.rng.random() < 0.5:
            ex = self.family_surname(self.surname_for(p["group"], "M"), p["group"], "F")
            if self.rng.random() < 0.5:
                p["alt_surname"], p["alt_kind"] = p["surname"], "maiden"
                p["surname"] = ex
            else:
                p["alt_surname"], p["alt_kind"] = ex, "divorced"

    def _head(self, group, sex, age, hid):
        rng = self.rng
        key = (group, sex)
        pool = self.namesake_pool.setdefault(key, [])
        if pool and rng.random() < NAMESAKE_RATE:
            tmpl = rng.choice(pool)
            dob = tmpl["dob"] if rng.random() < NAMESAKE_SAME_DOB else tmpl["dob"] + dt.timedelta(days=rng.randint(-730, 730))
            if dob > REF_DATE - dt.timedelta(days=18 * 366):
                dob = tmpl["dob"]
            p = self.make_person(group, sex, age, tmpl["surname"], hid, dob=dob)
            p["first"] = tmpl["first"]
            p["namesake_of"] = tmpl["pid"]
            return p
        p = self.make_person(group, sex, age, self.surname_for(group, sex), hid)
        if len(pool) < 5000:
            pool.append(p)
        return p

    def build(self, n_study):
        rng = self.rng
        n = 0
        while n < n_study:
            study = rng.random() < STUDY_HOUSEHOLD_SHARE
            hh = self.make_household(study)
            if study:
                if n + len(hh["members"]) > n_study:   # trim the last study household to hit N exactly
                    keep = hh["members"][: n_study - n]
                    for p in hh["members"][n_study - n:]:
                        p["study"] = False
                        p["dropped"] = True
                    hh["members"] = keep
                n += len(hh["members"])
        # other residents: enough households that the register reaches about 2N people
        target_other_adults = int(1.75 * n_study)
        other_adults = sum(1 for p in self.people if not p["study"] and not p.get("dropped") and age_of(p["dob"]) >= 18)
        while other_adults < target_other_adults:
            hh = self.make_household(False)
            other_adults += sum(1 for p in hh["members"] if age_of(p["dob"]) >= 18)
        return self


# --------------------------------------------------------------------------- corruption
def corrupt(p, r, rng, hh_stale=None):
    """Return the values an agency with rates r holds for person p (canonical Title case)."""
    g = p["group"]
    first = p["first"]
    middles = list(p["middles"])
    surname = p["surname"]
    flags = []
    # -- surname history
    if p["alt_surname"]:
        k = p["alt_kind"]
        pr = {"maiden": r["stale_surname"], "part": r["stale_surname"], "divorced": r["divorced_old_surname"],
              "husband": r["begum_husband_surname"]}[k]
        if rng.random() < pr:
            surname = p["alt_surname"]
            flags.append("surname_history")
    # -- forms of the first name
    if p["prefix_name"] and middles and rng.random() < r["mohammed_called_name"]:
        called = middles.pop(0)
        if rng.random() < 0.5:
            middles.insert(0, first)
        first = called
        flags.append("called_name")
    elif middles and middles[0] not in ("Singh", "Kaur") and rng.random() < r["middle_as_first"]:
        first, middles = middles[0], [first] + middles[1:]
        flags.append("middle_as_first")
    if p["alias"] and rng.random() < r["chinese_alias"]:
        first = p["alias"]
        flags.append("alias")
    if first in N.NICKNAMES and rng.random() < r["nickname"]:
        first = rng.choice(N.NICKNAMES[first])
        flags.append("nickname")
    if r.get("baby_placeholder") and age_of(p["dob"]) == 0 and rng.random() < r["baby_placeholder"]:
        first = "Baby"
        flags.append("baby")

    def variant(s):
        if s in TRANSLIT and rng.random() < r["translit"]:
            return rng.choice(TRANSLIT[s])
        if s in SPELL and rng.random() < r["spelling"]:
            return rng.choice(SPELL[s])
        return s
    first = variant(first)
    surname = variant(surname)
    middles = [variant(m) for m in middles]
    # -- surname forms
    if g == "sikh" and p["religious"] and surname not in ("Singh", "Kaur"):
        x = rng.random()
        if x < r["sikh_surname"]:
            surname = p["religious"]
            flags.append("sikh_religious_surname")
        elif x < r["sikh_surname"] + r["sikh_joined"]:
            surname = p["religious"] + " " + surname
            flags.append("sikh_joined")
        if surname.startswith(("Singh", "Kaur")) and middles and middles[0] == p["religious"]:
            middles = middles[1:]
    if g == "polish" and p["sex"] == "F" and surname != masculinise_polish(surname) and rng.random() < r["polish_masc"]:
        surname = masculinise_polish(surname)
        flags.append("polish_gender")
    if "-" in surname:
        x = rng.random()
        a, b = surname.split("-", 1)
        if x < r["dbl_whole"]:
            pass
        elif x < r["dbl_whole"] + r["dbl_space"]:
            surname = a + " " + b
        elif x < r["dbl_whole"] + r["dbl_space"] + r["dbl_first"]:
            surname = a
        else:
            surname = b
    if ("'" in surname or surname.startswith(("Mc", "Mac"))) and rng.random() < r["punct_variant"]:
        if "'" in surname:
            surname = rng.choice([surname.replace("'", ""), surname.replace("'", " "), surname.replace("'", "`"),
                                  surname.split("'")[0] + "'" + surname.split("'")[1].lower()])
        elif surname.startswith("Mc") and len(surname) > 3:
            surname = rng.choice(["Mc " + surname[2:], "Mc" + surname[2:].lower(), "Mac" + surname[2:]])
        elif surname.startswith("Mac") and len(surname) > 4 and surname[3].isupper():
            surname = rng.choice(["Mac " + surname[3:], "Mac" + surname[3:].lower(), "Mc" + surname[3:]])
        flags.append("punct")
    # -- swaps and typos
    if rng.random() < (r["swap_names_high"] if g in SWAP_HIGH_GROUPS else r["swap_names"]):
        first, surname = surname, first
        flags.append("swap")
    if rng.random() < r["typo_first"]:
        first = typo(first, rng)
        flags.append("typo_first")
    if rng.random() < r["typo_surname"]:
        surname = typo(surname, rng)
        flags.append("typo_surname")
    if middles and rng.random() < r["typo_middle"]:
        middles[0] = typo(middles[0], rng)
    if middles and rng.random() < r["miss_middle"]:
        middles = []
    if rng.random() < r["miss_first"]:
        first = ""
    if rng.random() < r["miss_surname"]:
        surname = ""
    # -- date of birth (as (y, m, d) or None)
    dob = p["dob"]
    y, m, d = dob.year, dob.month, dob.day
    x = rng.random()
    c = 0.0
    if x < (c := c + r["miss_dob"]):
        ymd = None
        flags.append("dob_missing")
    elif x < (c := c + r["dob_transpose"]) and d <= 12 and d != m:
        ymd = (y, d, m)
        flags.append("dob_transpose")
    elif x < (c := c + r["dob_year"]):
        ny = y + rng.choice((-1, 1))
        ymd = (ny, m, min(d, 28) if m == 2 else d)
        flags.append("dob_year")
    elif x < (c := c + r["dob_digit"]):
        ymd = dob_digit_typo((y, m, d), rng)
        flags.append("dob_digit")
    elif x < (c := c + r["dob_placeholder"]):
        ymd = (y, 1, 1)
        flags.append("dob_placeholder")
    else:
        ymd = (y, m, d)
    # -- sex
    sex = p["sex"]
    if rng.random() < r["miss_sex"]:
        sex = ""
    elif rng.random() < r["wrong_sex"]:
        sex = "M" if sex == "F" else "F"
    # -- address
    stale = hh_stale if hh_stale is not None else (p["prev"] is not None and rng.random() < r["stale_address"])
    addr = p["prev"] if (stale and p["prev"] is not None) else p["addr"]
    if addr is not p["addr"]:
        flags.append("old_address")
    postcode = addr["postcode"]
    if rng.random() < r["miss_postcode"]:
        postcode = ""
        flags.append("pc_missing")
    elif rng.random() < r["postcode_error"]:
        postcode = postcode_typo(postcode, rng)
        flags.append("pc_error")
    line = None
    if "addr_abbrev" in r:
        street = addr["street"]
        if rng.random() < r["addr_abbrev"]:
            last = street.rsplit(" ", 1)
            if len(last) == 2 and last[1] in ABBREV:
                street = last[0] + " " + ABBREV[last[1]]
        if rng.random() < r["addr_typo"]:
            street = typo(street, rng)
        no = addr["no"]
        if no.startswith("Flat") and rng.random() < 0.15:
            no = no.replace(",", "")
        line = street if rng.random() < r["addr_no_number"] else f"{no} {street}"
        if postcode == "" and rng.random() < 0.5:
            line = ""
    return {"first": first, "middles": middles, "surname": surname, "dob": ymd, "sex": sex,
            "postcode": postcode, "line": line, "flags": flags}


def valid_ymd(y, m, d):
    try:
        dt.date(y, m, d)
        return 1900 <= y <= 2025
    except ValueError:
        return False


def dob_digit_typo(ymd, rng):
    s = f"{ymd[2]:02d}{ymd[1]:02d}{ymd[0]:04d}"
    for _ in range(30):
        i = rng.choice((0, 1, 2, 3, 6, 7))
        nd = rng.choice([c for c in "0123456789" if c != s[i]])
        t = s[:i] + nd + s[i + 1:]
        y, m, d = int(t[4:]), int(t[2:4]), int(t[:2])
        if valid_ymd(y, m, d):
            return (y, m, d)
    return (ymd[0] + 1, ymd[1], min(ymd[2], 28))


PC_CONFUSE = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "S": "5", "B": "8", "Z": "2", "O": "0",
              "D": "0", "G": "6", "6": "G"}


def postcode_typo(pc, rng):
    out, inn = pc.split(" ")
    x = rng.random()
    if x < 0.25:   # confusable character
        s = pc
        idx = [i for i, ch in enumerate(s) if ch in PC_CONFUSE and i >= 2]
        if idx:
            i = rng.choice(idx)
            return s[:i] + PC_CONFUSE[s[i]] + s[i + 1:]
    if x < 0.45:   # inward letters transposed
        if inn[1] != inn[2]:
            return f"{out} {inn[0]}{inn[2]}{inn[1]}"
    if x < 0.65:   # neighbouring key on an inward letter
        i = rng.choice((1, 2))
        ch = inn[i].lower()
        nb = [c.upper() for c in NEIGH.get(ch, []) if c.upper() in UNIT_LETTERS]
        if nb:
            inn = inn[:i] + rng.choice(nb) + inn[i + 1:]
            return f"{out} {inn}"
    if x < 0.80:   # truncated
        return f"{out} {inn[:2]}"
    # wrong digit: sector or district (still a well-formed postcode)
    if rng.random() < 0.5:
        return f"{out} {rng.choice([d for d in '0123456789' if d != inn[0]])}{inn[1:]}"
    head = out.rstrip("0123456789")
    num = out[len(head):]
    return f"{head}{rng.choice([d for d in '123456' if d != num])} {inn}"


# --------------------------------------------------------------------------- formats
def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def make_ids(rng, n, maker):
    seen, out = {}, []
    while len(out) < n:
        x = maker(rng)
        if x not in seen:
            seen[x] = True
            out.append(x)
    return out


def a_style(v, p, rng, r, keep_diacritics):
    """agency A (and the register): Title case as keyed, DD/MM/YYYY, Male/Female, 'CV2 4AB'."""
    first, mids, sur = v["first"], " ".join(v["middles"]), v["surname"]
    if not keep_diacritics:
        first, mids, sur = ascii_fold(first), ascii_fold(mids), ascii_fold(sur)
    x = rng.random()
    if x < r["upper_names"]:
        first, mids, sur = first.upper(), mids.upper(), sur.upper()
    elif x < r["upper_names"] + r["lower_names"]:
        first, mids, sur = first.lower(), mids.lower(), sur.lower()
    dob = "" if v["dob"] is None else f"{v['dob'][2]:02d}/{v['dob'][1]:02d}/{v['dob'][0]:04d}"
    sex = {"M": "Male", "F": "Female", "": ""}[v["sex"]]
    pc = v["postcode"]
    if pc:
        if rng.random() < r["pc_nospace"]:
            pc = pc.replace(" ", "")
        if rng.random() < r["pc_lower"]:
            pc = pc.lower()
    return [first, mids, sur, dob, sex, v["line"], pc]


def b_style(v, practice, rng):
    """agency B: UPPER CASE ASCII, YYYYMMDD, NHS sex codes 1/2 (0 not known, 9 not specified), 'CV24AB'."""
    sex = {"M": "1", "F": "2"}.get(v["sex"]) or ("9" if rng.random() < 0.2 else "0")
    first = ascii_fold(v["first"]).upper()
    sur = ascii_fold(v["surname"]).upper()
    dob = "" if v["dob"] is None else f"{v['dob'][0]:04d}{v['dob'][1]:02d}{v['dob'][2]:02d}"
    return [sur, first, dob, sex, v["postcode"].replace(" ", ""), practice]


# --------------------------------------------------------------------------- main
def generate(outdir, n, seed):
    t0 = time.time()
    pop = Population(seed).build(n)
    study = [p for p in pop.people if p["study"]]
    hh_by_id = {h["hid"]: h for h in pop.households}
    sel = random.Random(f"h6gen/{seed}/selection")
    rng_a = random.Random(f"h6gen/{seed}/agency-a")
    rng_b = random.Random(f"h6gen/{seed}/agency-b")
    rng_r = random.Random(f"h6gen/{seed}/register")
    rng_id = random.Random(f"h6gen/{seed}/ids")

    # --- membership
    A_HH = {"single": 0.42, "couple": 0.30, "couple_kids": 0.45, "lone_parent": 0.75, "multigen": 0.45, "sharers": 0.35}
    hh_in_a = {}
    in_a, in_b = [], []
    for p in study:
        h = hh_by_id[p["hh"]]
        if h["hid"] not in hh_in_a:
            hh_in_a[h["hid"]] = sel.random() < A_HH[h["type"]]
        age = age_of(p["dob"])
        a = hh_in_a[h["hid"]] and sel.random() < (0.95 if age < 18 or p is h["members"][0] else 0.85)
        pb = 0.75 if age < 5 else 0.60 if age < 18 else 0.42 if age < 65 else 0.60
        if hh_in_a[h["hid"]]:
            pb = min(0.95, pb * 1.05)
        b = sel.random() < pb
        if a:
            in_a.append(p)
        if b:
            in_b.append(p)

    # --- agency A (household-based staleness of addresses)
    hh_stale = {}
    rows_a, pid_to_a = [], {}
    ids_a = make_ids(rng_id, len(in_a), lambda r: "H" + "".join(r.choice(ID_ALPHABET) for _ in range(8)))
    for p, rid in zip(in_a, ids_a):
        h = p["hh"]
        if h not in hh_stale:
            hh_stale[h] = rng_a.random() < RATES["A"]["stale_address"]
        st = hh_stale[h] if p["prev"] is hh_by_id[h]["prev"] else None
        v = corrupt(p, RATES["A"], rng_a, hh_stale=st)
        keep = rng_a.random() < RATES["A"]["keep_diacritics"]
        rows_a.append([rid] + a_style(v, p, rng_a, RATES["A"], keep))
        pid_to_a[p["pid"]] = rid

    # --- agency B
    practices = {d: [f"M86{rng_id.randint(0, 999):03d}" for _ in range(6)] for d in DIST_NAMES}
    rows_b, pid_to_b = [], {}
    ids_b = make_ids(rng_id, len(in_b), lambda r: "%012x" % r.getrandbits(48))
    for p, rid in zip(in_b, ids_b):
        v = corrupt(p, RATES["B"], rng_b)
        d = p["addr"]["d"]
        prac = rng_b.choice(practices[d]) if rng_b.random() < 0.9 else rng_b.choice(practices[rng_b.choice(DIST_NAMES)])
        rows_b.append([rid] + b_style(v, prac, rng_b))
        pid_to_b[p["pid"]] = rid

    truth = sorted((pid_to_a[pid], pid_to_b[pid]) for pid in pid_to_a if pid in pid_to_b)

    # --- public register: adults of the study population and of other residents
    REG_P = {"polish": 0.60, "romanian": 0.55, "west_african": 0.70, "somali": 0.70, "chinese": 0.55}
    reg_people = [p for p in pop.people if not p.get("dropped") and age_of(p["dob"]) >= 18
                  and rng_r.random() < REG_P.get(p["group"], 0.82)]
    target = 2 * n
    if len(reg_people) > target:
        keep_idx = sorted(rng_r.sample(range(len(reg_people)), target))
        reg_people = [reg_people[i] for i in keep_idx]
    rows_r = []
    ids_r = make_ids(rng_id, len(reg_people), lambda r: "R" + "".join(r.choice(ID_ALPHABET) for _ in range(9)))
    for p, rid in zip(reg_people, ids_r):
        v = corrupt(p, RATES["R"], rng_r)
        keep = rng_r.random() < RATES["R"]["keep_diacritics"]
        rows_r.append([rid] + a_style(v, p, rng_r, RATES["R"], keep))

    rows_a.sort(key=lambda x: x[0])
    rows_b.sort(key=lambda x: x[0])
    rows_r.sort(key=lambda x: x[0])
    os.makedirs(outdir, exist_ok=True)
    head_a = ["id", "forename", "middle_names", "surname", "date_of_birth", "sex", "address_line_1", "postcode"]
    head_b = ["id", "SURNAME", "FORENAME", "DOB", "SEX", "POSTCODE", "GP_PRACTICE"]
    tmp = {}
    for name, header, rows in (("agency_a.csv", head_a, rows_a), ("agency_b.csv", head_b, rows_b),
                               ("truth.csv", ["id_a", "id_b"], truth), ("register.csv", head_a, rows_r)):
        path = os.path.join(outdir, name)
        write_csv(path + ".tmp", header, rows)
        tmp[path + ".tmp"] = path
    for t, final in tmp.items():
        os.replace(t, final)

    study_in_reg = sum(1 for p in reg_people if p["study"])
    print(f"h6gen seed={seed} people={n} -> {outdir}")
    print(f"agency_a: {len(rows_a)} records ({len(truth) / max(1, len(rows_a)):.1%} in truth pairs)")
    print(f"agency_b: {len(rows_b)} records ({len(truth) / max(1, len(rows_b)):.1%} in truth pairs)")
    print(f"true pairs: {len(truth)}")
    print(f"register: {len(rows_r)} records ({study_in_reg} of them study people; "
          f"{len(pop.people) - n - sum(1 for p in pop.people if p.get('dropped'))} other residents generated)")
    print(f"time: {time.time() - t0:.1f} s")
    return pop, in_a, in_b, reg_people


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--force", action="store_true", help="replace this generator's own files")
    a = ap.parse_args(argv)
    if a.people < 50:
        ap.error("--people must be at least 50")
    if a.seed < 0:
        ap.error("--seed must be non-negative")
    outputs = ("agency_a.csv", "agency_b.csv", "truth.csv", "register.csv")
    if not a.force and any(os.path.exists(os.path.join(a.outdir, f)) for f in outputs):
        ap.error("the output folder already holds agency_a.csv, agency_b.csv, truth.csv or "
                 "register.csv; choose another folder or pass --force")
    generate(a.outdir, a.people, a.seed)


if __name__ == "__main__":
    main()
