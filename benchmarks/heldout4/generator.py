#!/usr/bin/env python3
"""heldout4: an independent held-out generator of monthly multi-agency extracts.

Nobody may tune linkcore against this data; run it to measure and report.

Simulates a UK-like (East Midlands city) population month by month and writes
the monthly full extracts that K public bodies send to a linkage unit, with the
truth (which record is which person) beside them.  Standard library only;
same seed and options give byte-identical output (independent of
PYTHONHASHSEED).  See README.md in this folder.

    python benchmarks/heldout4/generator.py --people 30000 --months 12 \
        --agencies 4 --seed 4 --out DIR [--force]
"""
import argparse
import bisect
import csv
import datetime
import json
import math
import os
import random
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import names as NM    # noqa: E402
import places as PL   # noqa: E402

GENERATOR = "heldout4"
GENERATOR_VERSION = "1.0"
START_YEAR, START_MONTH = 2024, 4          # month 1 = April 2024


# ===========================================================================
# Random numbers: only Random.random() is used (stable across Python 3
# versions); string seeds are hashed with SHA-512 by the random module, so the
# streams do not depend on PYTHONHASHSEED.
# ===========================================================================
class Rng:
    __slots__ = ("random",)

    def __init__(self, *parts):
        self.random = random.Random(
            "heldout4|" + "|".join(str(x) for x in parts)).random

    def below(self, n):
        return int(self.random() * n)

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def chance(self, p):
        return self.random() < p

    def pick(self, table):
        items, cum = table
        return items[bisect.bisect_right(cum, self.random() * cum[-1])]

    def shuffle(self, x):
        for i in range(len(x) - 1, 0, -1):
            j = int(self.random() * (i + 1))
            x[i], x[j] = x[j], x[i]

    def normal(self, mu, sd):
        u1 = 1.0 - self.random()
        u2 = self.random()
        return mu + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)

    def geometric(self, p, cap=240):
        k = 0
        while k < cap and self.random() >= p:
            k += 1
        return k


def table(pairs):
    items, cum, tot = [], [], 0.0
    for item, w in pairs:
        if w <= 0:
            continue
        tot += w
        items.append(item)
        cum.append(tot)
    return items, cum


def parse_names(spec, s=0.75, k=3):
    pairs = []
    for i, tok in enumerate(spec.split()):
        name, _, mult = tok.partition("*")
        pairs.append((name, (1.0 / (i + k) ** s) * (float(mult) if mult else 1.0)))
    return table(pairs)


# ===========================================================================
# Names
# ===========================================================================
GROUPS = ["white_british", "irish", "gujarati_hindu", "punjabi_sikh",
          "south_asian_muslim", "polish", "romanian", "lithuanian",
          "west_african", "somali", "caribbean", "chinese", "middle_eastern"]
POP_WEIGHTS = {"white_british": 0.50, "irish": 0.025, "gujarati_hindu": 0.115,
               "punjabi_sikh": 0.04, "south_asian_muslim": 0.09, "polish": 0.035,
               "romanian": 0.02, "lithuanian": 0.01, "west_african": 0.025,
               "somali": 0.03, "caribbean": 0.025, "chinese": 0.015,
               "middle_eastern": 0.015}
ARRIVAL_WEIGHTS = {"white_british": 0.36, "irish": 0.015, "gujarati_hindu": 0.09,
                   "punjabi_sikh": 0.035, "south_asian_muslim": 0.10, "polish": 0.05,
                   "romanian": 0.08, "lithuanian": 0.02, "west_african": 0.08,
                   "somali": 0.05, "caribbean": 0.015, "chinese": 0.035,
                   "middle_eastern": 0.045}
MIGRANT_GROUPS = {"polish", "romanian", "lithuanian", "west_african", "somali",
                  "chinese", "middle_eastern"}
FIRST_SRC = {
    "white_british": (NM.WB_M, NM.WB_F), "irish": (NM.IRISH_M, NM.IRISH_F),
    "gujarati_hindu": (NM.GUJ_M, NM.GUJ_F), "punjabi_sikh": (NM.SIKH_M, NM.SIKH_F),
    "south_asian_muslim": (NM.MUS_M, NM.MUS_F), "polish": (NM.POL_M, NM.POL_F),
    "romanian": (NM.ROM_M, NM.ROM_F), "lithuanian": (NM.LIT_M, NM.LIT_F),
    "west_african": (NM.WAF_M, NM.WAF_F), "somali": (NM.SOM_M, NM.SOM_F),
    "caribbean": (NM.CAR_M, NM.CAR_F), "chinese": (NM.CHN_M, NM.CHN_F),
    "middle_eastern": (NM.MEA_M, NM.MEA_F),
}
SURNAME_SRC = {
    "white_british": NM.WB_SURNAMES, "irish": NM.IRISH_SURNAMES,
    "gujarati_hindu": NM.GUJ_SURNAMES, "punjabi_sikh": NM.SIKH_SURNAMES,
    "south_asian_muslim": NM.MUS_SURNAMES, "polish": NM.POL_SURNAMES,
    "romanian": NM.ROM_SURNAMES, "lithuanian": NM.LIT_SURNAMES,
    "west_african": NM.WAF_SURNAMES, "caribbean": NM.CAR_SURNAMES,
    "chinese": NM.CHN_SURNAMES, "middle_eastern": NM.MEA_SURNAMES,
}
FIRST = {g: {"M": {e: parse_names(v) for e, v in m.items()},
             "F": {e: parse_names(v) for e, v in f.items()}}
         for g, (m, f) in FIRST_SRC.items()}
SURN = {g: parse_names(v, s=0.7, k=5) for g, v in SURNAME_SRC.items()}
WB_MID = {"M": parse_names(NM.WB_MIDDLE_M), "F": parse_names(NM.WB_MIDDLE_F)}
TAIL_A = NM.WB_TAIL_A.split()
TAIL_B = NM.WB_TAIL_B.split()
TAILS = {"polish": (NM.POL_TAIL_A.split(), NM.POL_TAIL_B.split(), 0.35),
         "west_african": (NM.WAF_TAIL_A.split(), NM.WAF_TAIL_B.split(), 0.35)}
ALL_FIRST = {sx: table([(n, 1.0) for n in sorted({n for g in FIRST.values()
                                                  for t in g[sx].values() for n in t[0]})])
             for sx in ("M", "F")}
CHN_SECOND = NM.CHN_SECOND.split()
CHN_ENGLISH = {"Kevin", "Jason", "Eric", "Alan", "Raymond", "Vincent", "Kenneth",
               "Terence", "Jenny", "Karen", "Amy", "Grace", "Vivian", "Winnie",
               "Cindy", "Joyce", "Ethan", "Ryan", "Lucas", "Aiden", "Oscar",
               "Jayden", "Chloe", "Emily", "Zoe", "Olivia", "Isabella", "Mia",
               "Hannah"}
MOHAMMED = table([("Mohammed", 5), ("Muhammad", 4), ("Mohammad", 1.5),
                  ("Mohamed", 0.5)])
WB_ERAS = ["e1", "e2", "e3", "e4", "e5"]


def era_of(group, by):
    if group == "white_british":
        if by < 1950:
            return "e1"
        if by < 1970:
            return "e2"
        if by < 1990:
            return "e3"
        if by < 2005:
            return "e4"
        return "e5"
    if by < 1975:
        return "old"
    if by < 2005:
        return "young"
    return "child"


def draw_first(rng, group, sex, by):
    if group in ("caribbean", "irish") and rng.chance(0.3 if by < 2005 else 0.45):
        group = "white_british"
    if rng.chance(0.035):          # long tail: a name from anywhere in the tables
        return rng.pick(ALL_FIRST[sex])
    era = era_of(group, by)
    if group == "white_british" and rng.chance(0.12):
        i = WB_ERAS.index(era) + (1 if rng.chance(0.5) else -1)
        era = WB_ERAS[min(4, max(0, i))]
    name = rng.pick(FIRST[group][sex][era])
    if rng.chance(0.03):
        name = respell(rng, name)
    if group == "white_british" and sex == "F" and by >= 2000 and rng.chance(0.06):
        name = name + "-" + rng.choice(["Mae", "May", "Rose", "Grace", "Louise", "Leigh",
                                        "Jane", "Anne", "Marie", "Belle"])
    if group == "chinese" and name not in CHN_ENGLISH and rng.chance(0.55):
        second = rng.choice(CHN_SECOND)
        if second != name:
            name = name + " " + second
    return name


RESPELL = [("y", "i"), ("i", "y"), ("ie", "y"), ("ey", "ie"), ("ph", "f"),
           ("c", "k"), ("k", "c"), ("an", "ann"), ("en", "enn"), ("l", "ll"),
           ("ll", "l"), ("ee", "i"), ("a", "ah")]


def respell(rng, name):
    """Unusual spellings of a name (a real person's name, not an error)."""
    low = name.lower()
    opts = [(a, b) for a, b in RESPELL if a in low[1:]]
    if not opts:
        return name
    a, b = rng.choice(opts)
    i = low.index(a, 1)
    return name[:i] + b + name[i + len(a):]


def draw_surname(rng, group):
    if group == "white_british" and rng.chance(0.36):
        a, b = rng.choice(TAIL_A), rng.choice(TAIL_B)
        if a[-1] == b[0]:
            b = b[1:]
        return a + b
    if group in TAILS and rng.chance(TAILS[group][2]):
        return rng.choice(TAILS[group][0]) + rng.choice(TAILS[group][1])
    if group == "somali":
        return rng.pick(FIRST["somali"]["M"]["old"])
    return rng.pick(SURN[group])


def fem_polish(s):
    for m, f in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if s.endswith(m):
            return s[: -len(m)] + f
    return s


def fem_lithuanian(s, married):
    if s.endswith("as"):
        stem, un = s[:-2], "aitė"
    elif s.endswith("is") or s.endswith("ys"):
        stem, un = s[:-2], "ytė"
    elif s.endswith("us"):
        stem, un = s[:-2], "ūtė"
    else:
        return s
    return stem + ("ienė" if married else un)


def female_form(group, masc, married):
    if group == "polish":
        return fem_polish(masc)
    if group == "lithuanian":
        return fem_lithuanian(masc, married)
    return masc


# ===========================================================================
# Identifiers
# ===========================================================================
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NI_BAD = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")


def nhs_check(d9):
    s = sum(int(c) * (10 - i) for i, c in enumerate(d9))
    c = 11 - s % 11
    if c == 11:
        c = 0
    return None if c == 10 else str(c)


# ===========================================================================
# People, households, addresses
# ===========================================================================
class Person:
    __slots__ = ("pid", "sex", "dob", "first", "middles", "last", "birth_last",
                 "group", "hh", "aid", "role", "present", "dead", "arrived",
                 "left", "ni", "ni_due", "nhs", "benefit", "married", "partner",
                 "father", "mother", "prev_aid", "moved", "abroad", "age",
                 "sage", "revert_due", "ghost", "hist_aid", "hist_last",
                 "last_birth")

    def __init__(self, sex, group, dob, role):
        self.pid = None
        self.sex = sex
        self.group = group
        self.dob = dob
        self.role = role
        self.first = ""
        self.middles = []
        self.last = ""
        self.birth_last = ""
        self.hh = None
        self.aid = None
        self.present = True
        self.dead = False
        self.arrived = -999
        self.left = None
        self.ni = ""
        self.ni_due = None
        self.nhs = ""
        self.benefit = False
        self.married = False
        self.partner = None
        self.father = None
        self.mother = None
        self.prev_aid = None
        self.moved = -999
        self.abroad = False
        self.age = 0
        self.sage = 0
        self.revert_due = None
        self.ghost = False
        self.hist_aid = []
        self.hist_last = []
        self.last_birth = None


class Household:
    __slots__ = ("hid", "aid", "members", "tenure", "kind")

    def __init__(self, hid, aid, tenure, kind):
        self.hid = hid
        self.aid = aid
        self.members = []
        self.tenure = tenure
        self.kind = kind


class Address:
    __slots__ = ("aid", "line1", "line2", "town", "pc", "district", "hid")

    def __init__(self, aid, line1, line2, town, pc, district):
        self.aid = aid
        self.line1 = line1
        self.line2 = line2
        self.town = town
        self.pc = pc
        self.district = district
        self.hid = None


def month_label(m):
    y, mo = divmod(START_MONTH - 1 + m - 1, 12)
    return "%04d-%02d" % (START_YEAR + y, mo + 1)


def month_end(m):
    y, mo = divmod(START_MONTH - 1 + m, 12)
    return datetime.date(START_YEAR + y, mo + 1, 1) - datetime.timedelta(days=1)


def month_start(m):
    y, mo = divmod(START_MONTH - 1 + m - 1, 12)
    return datetime.date(START_YEAR + y, mo + 1, 1)


def age_on(dob, ref):
    return ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))


HTYPES = ["single_young", "single_mid", "single_old", "couple", "couple_kids",
          "lone_parent", "multigen", "flatshare", "couple_adult_kids"]
HTYPE_W = {
    "white_british": [7, 11, 17, 25, 15, 7, 1, 5, 10],
    "irish": [5, 10, 22, 28, 12, 6, 1, 4, 10],
    "gujarati_hindu": [3, 6, 7, 18, 26, 4, 20, 2, 15],
    "punjabi_sikh": [3, 6, 6, 17, 26, 4, 22, 2, 15],
    "south_asian_muslim": [4, 5, 4, 14, 32, 6, 20, 3, 12],
    "polish": [14, 7, 2, 21, 30, 5, 1, 18, 2],
    "romanian": [16, 6, 1, 20, 28, 4, 1, 22, 2],
    "lithuanian": [14, 7, 2, 21, 30, 5, 1, 18, 2],
    "west_african": [10, 8, 2, 14, 34, 18, 2, 8, 4],
    "somali": [8, 6, 2, 6, 38, 30, 4, 4, 2],
    "caribbean": [10, 14, 15, 12, 13, 20, 3, 3, 10],
    "chinese": [12, 8, 6, 20, 26, 4, 8, 12, 4],
    "middle_eastern": [22, 8, 1, 10, 30, 8, 4, 15, 2],
}
HTYPE_T = {g: table(list(zip(HTYPES, w))) for g, w in HTYPE_W.items()}
ARRIVAL_HTYPE_MULT = [2.0, 1.0, 0.15, 0.8, 1.2, 1.0, 0.4, 1.8, 0.4]
HTYPE_T_ARR = {g: table([(h, w * k) for h, w, k in zip(HTYPES, ws, ARRIVAL_HTYPE_MULT)])
               for g, ws in HTYPE_W.items()}
KIDS_MEAN = {"somali": 3.2, "south_asian_muslim": 2.6, "west_african": 2.4,
             "gujarati_hindu": 1.9, "punjabi_sikh": 2.0, "middle_eastern": 2.6}
MARRIED_P = {"gujarati_hindu": 0.97, "punjabi_sikh": 0.96, "south_asian_muslim": 0.97,
             "somali": 0.93, "middle_eastern": 0.95, "chinese": 0.85,
             "west_african": 0.8, "polish": 0.72, "romanian": 0.75,
             "lithuanian": 0.7, "irish": 0.78, "caribbean": 0.5}
FERT_MULT = {"somali": 1.8, "south_asian_muslim": 1.45, "west_african": 1.3,
             "middle_eastern": 1.5, "romanian": 1.1}


class World:
    """The population and its geography."""

    def __init__(self, seed, people, months):
        self.seed = seed
        self.target = people
        self.months = months
        self.rng = Rng(seed, "population")
        self.persons = [None]
        self.households = {}
        self.addresses = []
        self.vacant = {d[0]: [] for d in PL.DISTRICTS}
        self.next_hid = 1
        self.events = []
        self.month = 1
        self.ni_used = set()
        self.nhs_used = set()
        self.units = {}
        self.streets = []
        self.street_bases = PL.STREET_BASES.split()
        self.blocks = PL.BLOCK_NAMES.split()
        self.suffix_t = table(PL.STREET_SUFFIXES)
        self.moved_now = []
        self.surname_now = []
        self.ghost_rate = 1.0
        self.dist_t = {}
        for g in GROUPS:
            aff = PL.AFFINITY.get(g, {})
            self.dist_t[g] = table([(d[0], d[5] * aff.get(d[0], 1.0))
                                    for d in PL.DISTRICTS])
        self.dinfo = {d[0]: d for d in PL.DISTRICTS}
        self.pop_group_t = table(list(POP_WEIGHTS.items()))
        self.arr_group_t = table(list(ARRIVAL_WEIGHTS.items()))

    # ---------------------------------------------------------------- places
    def new_unit(self, rng, district, sector):
        key = (district, sector)
        used = self.units.setdefault(key, set())
        for _ in range(400):
            u = rng.choice(PL.UNIT_LETTERS) + rng.choice(PL.UNIT_LETTERS)
            if u not in used:
                used.add(u)
                return "%s %d%s" % (district, sector, u)
        sector = rng.choice(self.dinfo[district][1])
        return self.new_unit(rng, district, sector)

    def build_street(self, rng, district):
        d, sectors, localities, town, flat_share, _ = self.dinfo[district]
        sector = rng.choice(sectors)
        locality = rng.choice(localities)
        name = rng.choice(self.street_bases) + " " + rng.pick(self.suffix_t)
        town = town.title() if town != "WIGSTON" else "Wigston"
        made = []
        r = rng.random()
        if r < flat_share * 0.45:                     # purpose-built block
            block = rng.choice(self.blocks) + " " + rng.choice(["House", "Court", "Tower", "Point"])
            n = rng.randint(12, 48)
            pc = self.new_unit(rng, district, sector)
            for k in range(1, n + 1):
                made.append(("Flat %d, %s" % (k, block), name, town, pc))
        else:
            n = rng.randint(10, 110)
            conv = r < flat_share                        # converted houses
            pc = None
            per_unit = rng.randint(10, 22)
            count = 0
            num = rng.randint(1, 3)
            while len(made) < n:
                if count % per_unit == 0:
                    pc = self.new_unit(rng, district, sector)
                count += 1
                if conv and rng.chance(0.5):
                    for k in range(1, rng.randint(2, 4) + 1):
                        made.append(("Flat %d, %d %s" % (k, num, name), locality, town, pc))
                else:
                    made.append(("%d %s" % (num, name), locality, town, pc))
                num += 1 if rng.chance(0.3) else 2
        for line1, line2, tw, pc in made:
            a = Address(len(self.addresses), line1, line2, tw, pc, district)
            self.addresses.append(a)
            self.vacant[district].append(a.aid)

    def build_area(self, n):
        rng = self.rng
        for d in PL.DISTRICTS:
            want = int(n * d[5] / sum(x[5] for x in PL.DISTRICTS)) + 20
            have = 0
            while have < want:
                before = len(self.addresses)
                self.build_street(rng, d[0])
                have += len(self.addresses) - before

    def take_vacant(self, rng, group, district=None):
        if district is None:
            district = rng.pick(self.dist_t[group])
        pool = self.vacant[district]
        while len(pool) < 1:
            self.build_street(rng, district)            # a new-build street
        i = rng.below(len(pool))
        aid = pool[i]
        pool[i] = pool[-1]
        pool.pop()
        return aid

    def free(self, aid):
        a = self.addresses[aid]
        a.hid = None
        self.vacant[a.district].append(aid)

    # ------------------------------------------------------------ identifiers
    def new_ni(self, rng):
        while True:
            a, b = rng.choice(NI_FIRST), rng.choice(NI_SECOND)
            if a + b in NI_BAD:
                continue
            ni = "%s%s%06d%s" % (a, b, rng.below(1000000), "ABCD"[rng.below(4)])
            if ni not in self.ni_used:
                self.ni_used.add(ni)
                return ni

    def new_nhs(self, rng):
        while True:
            d9 = rng.choice("4467") + "".join(str(rng.below(10)) for _ in range(8))
            c = nhs_check(d9)
            if c is not None and d9 + c not in self.nhs_used:
                self.nhs_used.add(d9 + c)
                return d9 + c

    # ------------------------------------------------------------- people
    def random_dob(self, rng, age, ref):
        days = int((age + rng.random()) * 365.2425)
        dob = ref - datetime.timedelta(days=days)
        if dob > ref:
            dob = ref
        return dob

    def name_person(self, rng, p, father=None, mother=None):
        """Give p first, middle and surname by its group's customs."""
        g, sex, by = p.group, p.sex, p.dob.year
        if father is not None and mother is not None and father.group != mother.group:
            # mixed heritage: first name from either side or the British list
            g2 = rng.choice([father.group, mother.group, "white_british"])
            p.first = draw_first(rng, g2, sex, by)
        else:
            p.first = draw_first(rng, g, sex, by)
        mids = []
        r = rng.random()
        if g in ("white_british", "irish", "caribbean"):
            p1 = 0.74 if by >= 1950 else 0.55
            if r < p1:
                mids.append(rng.pick(WB_MID[sex]))
                if r < p1 * 0.13:
                    m2 = rng.pick(WB_MID[sex])
                    if m2 != mids[0]:
                        mids.append(m2)
        elif g == "gujarati_hindu":
            if r < 0.7:
                mids.append(father.first if father is not None
                            else rng.pick(FIRST[g]["M"]["old"]))
        elif g == "punjabi_sikh":
            if r < 0.8:
                mids.append("Singh" if sex == "M" else "Kaur")
        elif g == "south_asian_muslim":
            if sex == "M" and r < 0.3 * 0.7:
                called = draw_first(rng, g, sex, by)
                if not called.startswith("M"):
                    mids.append(called)
                    p.first = rng.pick(MOHAMMED)
                    if r > 0.2:
                        p.first, mids = called, []
            elif r < 0.2:
                mids.append(draw_first(rng, g, sex, by))
        elif g in ("polish", "romanian", "lithuanian"):
            if r < {"polish": 0.15, "romanian": 0.3, "lithuanian": 0.1}[g]:
                mids.append(draw_first(rng, g, sex, by))
        elif g == "west_african":
            if r < 0.6:
                mids.append(draw_first(rng, g, sex, by + rng.randint(-30, 10)))
        elif g == "somali":
            if r < 0.96:
                mids.append(father.first if father is not None
                            else rng.pick(FIRST["somali"]["M"]["old"]))
        elif g == "middle_eastern":
            if r < 0.4:
                mids.append(father.first if father is not None
                            else rng.pick(FIRST[g]["M"]["old"]))
        if mids and mids[0] == p.first:
            mids = mids[1:]
        p.middles = mids
        # surname
        if father is not None:
            fl = father.last
            if g == "somali" and father.group == "somali":
                last = father.middles[0] if father.middles else father.last
            elif father.group == "punjabi_sikh" and fl in ("Singh", "Kaur"):
                last = "Singh" if sex == "M" else "Kaur"
            else:
                last = fl
                if sex == "F" and father.group in ("polish", "lithuanian"):
                    last = female_form(father.group, fl, False)
        elif mother is not None and rng.chance(0.55):
            last = mother.birth_last if mother.group == "lithuanian" else mother.last
            if sex == "M" and mother.group in ("polish", "lithuanian"):
                last = draw_surname(rng, g)
        else:
            last = draw_surname(rng, g)
            if sex == "F" and g in ("polish", "lithuanian"):
                last = female_form(g, last, False)
            if g == "punjabi_sikh" and rng.chance(0.2):
                last = "Singh" if sex == "M" else "Kaur"
                if p.middles and p.middles[0] in ("Singh", "Kaur"):
                    p.middles = p.middles[1:]
            if (g == "south_asian_muslim" and sex == "F" and by < 1975
                    and rng.chance(0.25)):
                last = rng.choice(["Begum", "Begum", "Bibi"])
        if g == "punjabi_sikh" and sex == "F" and last == "Singh":
            last = "Kaur"
        p.last = last
        p.birth_last = last

    def marry(self, rng, wife, husband, initial=True):
        """Apply a marriage surname rule. Returns True if the wife's surname changed."""
        g = wife.group
        hl = husband.last
        if g in ("somali", "middle_eastern"):
            take = rng.chance(0.05)
        elif g in ("gujarati_hindu",):
            take = rng.chance(0.95)
        elif g == "punjabi_sikh":
            if wife.last == "Kaur":
                take = rng.chance(0.4)
            else:
                take = rng.chance(0.75)
            if hl == "Singh":
                hl = "Kaur" if rng.chance(0.8) else "Singh"
        elif g == "south_asian_muslim":
            take = rng.chance(0.5) and wife.last not in ("Begum", "Bibi")
        elif g == "chinese":
            take = rng.chance(0.25)
        elif g in ("polish", "lithuanian", "romanian"):
            take = rng.chance(0.9)
        else:
            take = rng.chance(0.82)
        if not take:
            if g in ("white_british", "irish", "caribbean") and rng.chance(0.45):
                new = wife.last + "-" + hl if wife.last != hl else hl
            else:
                return False
        elif husband.group in ("polish", "lithuanian") and g == husband.group:
            new = female_form(g, hl, True)
        else:
            new = hl
        if g == "gujarati_hindu" and initial and rng.chance(0.6):
            wife.middles = [husband.first]
        if new == wife.last:
            return False
        wife.last = new
        return True

    def adult_age(self, rng, kind):
        if kind == "young":
            return rng.randint(18, 34)
        if kind == "mid":
            return rng.randint(35, 64)
        if kind == "old":
            return min(101, 65 + int(abs(rng.normal(0, 11))))
        return rng.randint(18, 80)

    def gen_household(self, rng, group, htype, ref, arrival=False):
        """Members (Person objects, no ids yet) and tenure of a new household."""
        mem = []

        def person(sex, age, grp, role):
            p = Person(sex, grp, self.random_dob(rng, age, ref), role)
            p.age = age
            return p

        def other_group(g):
            if rng.chance(0.07):
                return rng.pick(self.pop_group_t)
            return g

        def couple(age_m, married_p=None):
            same_sex = rng.chance(0.015)
            h = person("M" if not same_sex or rng.chance(0.5) else "F", age_m, group, "head")
            w_age = max(18, int(age_m + rng.normal(-2.5, 3.5)))
            w = person("F" if h.sex == "M" else h.sex, w_age, other_group(group), "partner")
            self.name_person(rng, h)
            self.name_person(rng, w)
            mp = MARRIED_P.get(group, 0.55 if age_m < 40 else 0.85) if married_p is None else married_p
            if not same_sex and rng.chance(mp):
                h.married = w.married = True
                self.marry(rng, w, h)
            elif same_sex and rng.chance(0.4):
                h.married = w.married = True
            h.partner, w.partner = w, h
            mem.extend([h, w])
            return h, w

        def kids(father, mother, oldest, role="child", min_age=0):
            n = 1 + rng.geometric(1.0 / KIDS_MEAN.get(group, 1.8))
            ages = []
            a = oldest
            while len(ages) < n and a >= min_age:
                ages.append(a)
                a -= rng.randint(1, 5)
            out = []
            i = 0
            while i < len(ages):
                twin = rng.chance(0.016)
                for t in range(2 if twin else 1):
                    k = person("M" if rng.chance(0.51) else "F", ages[i],
                               mother.group if mother is not None else father.group,
                               role if ages[i] >= 18 else "child")
                    if t == 1:
                        k.dob = out[-1].dob
                    self.name_person(rng, k, father, mother)
                    if t == 1 and rng.chance(0.3):          # alliterative twins
                        for _ in range(20):
                            nf = draw_first(rng, k.group, k.sex, k.dob.year)
                            if nf[0] == out[-1].first[0] and nf != out[-1].first:
                                k.first = nf
                                break
                    if t == 1 and k.first == out[-1].first:
                        k.first = draw_first(rng, k.group, k.sex, k.dob.year)
                    k.father, k.mother = father, mother
                    out.append(k)
                i += 1
            mem.extend(out)
            return out

        if htype.startswith("single"):
            p = person("M" if rng.chance(0.5 if htype != "single_old" else 0.38) else "F",
                       self.adult_age(rng, htype.split("_")[1]), group, "head")
            self.name_person(rng, p)
            if p.age > 30 and p.sex == "F" and rng.chance(0.45):     # widowed/divorced
                p.married = True
                h = Person("M", group, p.dob, "x")
                self.name_person(rng, h)
                self.marry(rng, p, h)
            mem.append(p)
        elif htype == "couple":
            r = rng.random()
            if r < 0.35:
                age = rng.randint(22, 39)
            elif r < 0.6:
                age = rng.randint(40, 59)
            else:
                age = min(96, 60 + int(abs(rng.normal(0, 11))))
            couple(age)
        elif htype in ("couple_kids", "lone_parent"):
            oldest = rng.randint(0, 17)
            afb = 25.5 if group in ("somali", "south_asian_muslim") else 29
            m_age = int(oldest + max(17, min(42, rng.normal(afb, 5))))
            if htype == "couple_kids":
                h, w = couple(max(18, int(m_age + rng.normal(2.5, 3))))
                if h.sex == w.sex:
                    kids(h, None, oldest)
                else:
                    kids(h, w, oldest)
            else:
                sex = "F" if rng.chance(0.9) else "M"
                par = person(sex, max(18, m_age), group, "head")
                self.name_person(rng, par)
                if sex == "F" and rng.chance(0.4):
                    par.married = True
                    h = Person("M", group, par.dob, "x")
                    self.name_person(rng, h)
                    self.marry(rng, par, h)
                mem.append(par)
                if sex == "F":
                    kids(None, par, oldest)
                else:
                    kids(par, None, oldest)
        elif htype == "multigen":
            ga = rng.randint(62, 88)
            gf = person("M", ga, group, "grandparent")
            gm = person("F", max(55, ga - rng.randint(0, 6)), group, "grandparent")
            self.name_person(rng, gf)
            self.name_person(rng, gm)
            gf.married = gm.married = True
            self.marry(rng, gm, gf)
            gf.partner, gm.partner = gm, gf
            if rng.chance(0.3):
                gf.dead = True          # widowed: grandfather not in household
            else:
                mem.append(gf)
            mem.append(gm)
            s_age = max(22, min(ga - 20, rng.randint(26, 50)))
            son = person("M", s_age, group, "head")
            self.name_person(rng, son, gf, gm)
            son.father, son.mother = gf, gm
            wife = person("F", max(19, int(s_age + rng.normal(-3, 3))), group, "partner")
            self.name_person(rng, wife)
            son.married = wife.married = True
            self.marry(rng, wife, son)
            son.partner, wife.partner = wife, son
            mem.extend([son, wife])
            if wife.age > 22:
                kids(son, wife, rng.randint(0, min(17, wife.age - 19)))
        elif htype == "flatshare":
            for i in range(rng.randint(2, 5)):
                g = group if rng.chance(0.6) else rng.pick(self.arr_group_t)
                p = person("M" if rng.chance(0.55) else "F", rng.randint(19, 36), g,
                           "sharer")
                self.name_person(rng, p)
                mem.append(p)
        elif htype == "couple_adult_kids":
            age = rng.randint(45, 68)
            h, w = couple(age, married_p=0.8)
            oldest = rng.randint(18, min(34, max(18, w.age - 19)))
            if h.sex != w.sex:
                kids(h, w, oldest, role="adult_child")
            else:
                kids(h, None, oldest, role="adult_child")
        # tenure
        head = mem[0]
        council_p = {"single_young": 0.12, "single_mid": 0.16, "single_old": 0.2,
                     "couple": 0.07, "couple_kids": 0.12, "lone_parent": 0.36,
                     "multigen": 0.07, "flatshare": 0.02, "couple_adult_kids": 0.12}[htype]
        council_p *= 0.72
        if arrival:
            council_p *= 0.25
        r = rng.random()
        if r < council_p:
            tenure = "council"
        elif r < council_p + 0.05:
            tenure = "waiting"
        else:
            own = 0.86 if head.age > 55 else 0.68 if head.age > 35 else 0.32
            if htype == "flatshare" or arrival and group in MIGRANT_GROUPS:
                own *= 0.3
            tenure = "owner" if rng.chance(own) else "private"
        # origins, placeholders, NI
        for p in mem:
            if group in MIGRANT_GROUPS or arrival and group != "white_british":
                p.abroad = rng.chance(0.9 if p.age >= 18 or arrival else 0.3)
            if (p.abroad and p.group in ("somali", "middle_eastern", "west_african")
                    and rng.chance(0.18)):
                p.dob = datetime.date(p.dob.year, 1, 1)
        return mem, tenure

    def add_household(self, rng, mem, tenure, aid, kind, month):
        hid = self.next_hid
        self.next_hid += 1
        hh = Household(hid, aid, tenure, kind)
        self.households[hid] = hh
        self.addresses[aid].hid = hid
        for p in mem:
            self.add_person(rng, p, hh, month)
        self.set_benefits(rng, hh)
        return hh

    def add_person(self, rng, p, hh, month):
        p.pid = len(self.persons)
        self.persons.append(p)
        p.hh = hh
        p.aid = hh.aid
        hh.members.append(p)
        p.arrived = month
        p.hist_aid = [(month, hh.aid)]
        p.hist_last = [(month, p.last)]
        p.nhs = self.new_nhs(rng)
        ref = month_end(max(1, month))
        p.age = age_on(p.dob, ref)
        if p.age >= 16:
            if p.abroad and month >= 1 and rng.chance(0.45):
                p.ni_due = month + 1 + rng.geometric(0.35)
            else:
                p.ni = self.new_ni(rng)

    def set_benefits(self, rng, hh):
        for p in hh.members:
            if p.age < 18:
                continue
            if p.age >= 66:
                q = 0.28
            elif hh.kind == "lone_parent" and p.role == "head":
                q = 0.55
            elif p.role == "adult_child":
                q = 0.07
            else:
                q = 0.12
            if hh.tenure == "council":
                q = min(0.9, q + 0.35)
            p.benefit = rng.chance(q)

    # ------------------------------------------------------- initial state
    def initial_population(self):
        rng = self.rng
        self.build_area(int(self.target / 2.35 * 1.12) + 60)
        ref = month_end(1)
        people = 0
        pending_twins = []
        while people < self.target:
            group = rng.pick(self.pop_group_t)
            htype = rng.pick(HTYPE_T[group])
            mem, tenure = self.gen_household(rng, group, htype, ref)
            aid = self.take_vacant(rng, group)
            hh = self.add_household(rng, mem, tenure, aid, htype, 0)
            people += len(mem)
            for p in hh.members:
                p.arrived = -999
            # a minority arrived recently / moved recently
            r = rng.random()
            if r < 0.03:
                arr = -rng.randint(0, 5)
                for p in hh.members:
                    p.arrived = arr
            elif r < 0.15:
                prev = rng.below(len(self.addresses))
                mv = -rng.randint(0, 11)
                for p in hh.members:
                    p.prev_aid = prev
                    p.moved = mv
            # adult twin living elsewhere; namesake (same name and DOB) nearby
            adults = [p for p in mem if p.age >= 20]
            if adults and rng.chance(0.012):
                pending_twins.append(("twin", rng.choice(adults), self.addresses[aid].district))
            if adults and rng.chance(0.004):
                pending_twins.append(("namesake", rng.choice(adults), self.addresses[aid].district))
        for kind, src, district in pending_twins:
            p = Person(src.sex if kind == "namesake" or rng.chance(0.5) else
                       ("F" if src.sex == "M" else "M"), src.group, src.dob, "head")
            p.age = src.age
            self.name_person(rng, p)
            if kind == "twin":
                p.last = p.birth_last = src.birth_last
                if p.sex == "F" and p.last == "Singh":
                    p.last = p.birth_last = "Kaur"
                elif p.sex != src.sex and p.group in ("polish", "lithuanian"):
                    p.last = p.birth_last = draw_surname(rng, p.group)
                if p.sex == "F" and src.sex == "F" and src.last != src.birth_last:
                    p.birth_last = src.birth_last
                if p.first == src.first:
                    p.first = draw_first(rng, p.group, p.sex, p.dob.year)
            else:
                p.first, p.last, p.birth_last = src.first, src.last, src.last
            aid = self.take_vacant(rng, p.group, district)
            hh = self.add_household(rng, [p], "private" if rng.chance(0.6) else "owner",
                                    aid, "single_" + kind, 0)
            p.arrived = -999
        self.update_ages(1)
        self.base_pop = len(self.persons) - 1

    def make_ghosts(self, n):
        """People who left before month 1 but are still on some lists."""
        rng = Rng(self.seed, "ghosts")
        ref = month_end(1)
        out = []
        while len(out) < n:
            group = rng.pick(self.arr_group_t)
            mem, _ = self.gen_household(rng, group, rng.pick(HTYPE_T_ARR[group]), ref)
            aid = rng.below(len(self.addresses))
            for p in mem:
                p.pid = len(self.persons)
                self.persons.append(p)
                p.aid = aid
                p.present = False
                p.ghost = True
                p.left = -rng.randint(0, 30)
                p.arrived = -999
                p.nhs = self.new_nhs(rng)
                p.age = age_on(p.dob, ref)
                if p.age >= 16:
                    p.ni = self.new_ni(rng)
                p.hist_aid = [(p.left, aid)]
                p.hist_last = [(p.left, p.last)]
                out.append(p)
        return out

    # ------------------------------------------------------- monthly change
    def update_ages(self, m):
        ref = month_end(m)
        y = ref.year if ref.month >= 9 else ref.year - 1
        aug = datetime.date(y, 8, 31)
        for p in self.persons[1:]:
            if p.present:
                p.age = age_on(p.dob, ref)
                p.sage = age_on(p.dob, aug)

    def log(self, m, p, event, detail):
        self.events.append((m, p.pid, "", event, "", "", detail))

    def remove_member(self, p):
        hh = p.hh
        if hh is None:
            return
        hh.members.remove(p)
        p.hh = None
        if p.partner is not None and p.partner.partner is p:
            p.partner.partner = None
            p.partner = None
        if not hh.members:
            self.free(hh.aid)
            del self.households[hh.hid]
            return
        if p.role == "head":
            cands = [q for q in hh.members if q.role == "partner"] or \
                    sorted([q for q in hh.members if q.age >= 18], key=lambda q: q.dob)
            if cands:
                cands[0].role = "head"

    def depart(self, m, p, why):
        self.remove_member(p)
        p.present = False
        p.left = m
        if why == "death":
            p.dead = True
        self.log(m, p, "depart", why)

    def move_person(self, m, p, hh_new, role, detail):
        old_aid = p.aid
        self.remove_member(p)
        p.hh = hh_new
        hh_new.members.append(p)
        p.role = role
        p.prev_aid = old_aid
        p.aid = hh_new.aid
        p.moved = m
        p.hist_aid.append((m, p.aid))
        self.moved_now.append(p)
        self.log(m, p, "move", "%s -> %s%s" % (self.addresses[old_aid].pc,
                                               self.addresses[p.aid].pc, detail))

    def move_household(self, m, hh, aid, tenure, why):
        old = hh.aid
        self.free(old)
        hh.aid = aid
        self.addresses[aid].hid = hh.hid
        hh.tenure = tenure
        for p in hh.members:
            p.prev_aid = old
            p.aid = aid
            p.moved = m
            p.hist_aid.append((m, aid))
            self.moved_now.append(p)
            self.log(m, p, "move", "%s -> %s (%s)" % (self.addresses[old].pc,
                                                      self.addresses[aid].pc, why))

    def change_surname(self, m, p, new, reason):
        old = p.last
        if new == old:
            return
        p.last = new
        p.hist_last.append((m, new))
        self.surname_now.append((p, reason))
        self.log(m, p, "surname_change", "%s: %s -> %s" % (reason, old, new))

    def new_single_household(self, m, p, tenure, kind, district=None):
        rng = self.rng
        aid = self.take_vacant(rng, p.group, district)
        hid = self.next_hid
        self.next_hid += 1
        hh = Household(hid, aid, tenure, kind)
        self.households[hid] = hh
        self.addresses[aid].hid = hid
        return hh

    def step(self, m):
        rng = self.rng
        self.moved_now = []
        self.surname_now = []
        ref = month_end(m)
        start = month_start(m)
        self.update_ages(m)
        present = [p for p in self.persons[1:] if p.present]
        n0 = len(present)
        births = deaths = departures = 0
        # deaths
        for p in present:
            q = math.exp(-10.3 + 0.094 * p.age) if p.age > 0 else 0.004
            if rng.chance(min(0.4, q) / 12.0):
                self.depart(m, p, "death")
                deaths += 1
        # births
        for p in present:
            if not p.present or p.sex != "F" or not 16 <= p.age <= 46 or p.hh is None:
                continue
            if p.last_birth is not None and m - p.last_birth < 10:
                continue
            a = p.age
            f = (0.012 if a < 20 else 0.05 if a < 25 else 0.085 if a < 30 else
                 0.10 if a < 35 else 0.055 if a < 40 else 0.012 if a < 45 else 0.001)
            f *= FERT_MULT.get(p.group, 1.0) * (1.0 if p.partner is not None else 0.45)
            if not rng.chance(f / 12.0):
                continue
            p.last_birth = m
            father = p.partner if p.partner is not None and p.partner.sex == "M" else None
            day = start + datetime.timedelta(days=rng.below(ref.day))
            twin = rng.chance(0.016)
            first_baby = None
            for t in range(2 if twin else 1):
                b = Person("M" if rng.chance(0.512) else "F",
                           p.group if father is None or rng.chance(0.5) else father.group,
                           day, "child")
                b.age = 0
                self.name_person(rng, b, father, p)
                if t == 1 and b.first == first_baby.first:
                    b.first = draw_first(rng, b.group, b.sex, b.dob.year)
                if father is None and rng.chance(0.5):
                    b.last = b.birth_last = p.last if p.group != "lithuanian" else p.birth_last
                b.father, b.mother = father, p
                self.add_person(rng, b, p.hh, m)
                b.abroad = False
                b.ni = ""
                self.log(m, b, "arrive", "birth" + (" (twin)" if twin else ""))
                births += 1
                first_baby = b
        # out-migration: whole households and single young adults
        for hh in list(self.households.values()):
            rate = {"private": 0.0065, "waiting": 0.004, "owner": 0.0025,
                    "council": 0.0018}[hh.tenure]
            if hh.kind == "flatshare":
                rate = 0.012
            if rng.chance(rate):
                for p in list(hh.members):
                    self.depart(m, p, "out-migration")
                    departures += 1
        for p in present:
            if p.present and p.role in ("adult_child", "sharer") and 18 <= p.age <= 30 \
                    and rng.chance(0.004):
                self.depart(m, p, "out-migration (left home)" if p.role == "adult_child"
                            else "out-migration")
                departures += 1
        # within-area household moves
        for hh in list(self.households.values()):
            rate = {"private": 0.019, "waiting": 0.014, "owner": 0.0055,
                    "council": 0.0045}[hh.tenure]
            if hh.kind == "flatshare":
                rate = 0.022
            transfer = hh.tenure == "waiting" and rng.chance(0.011)
            if transfer or rng.chance(rate):
                g = hh.members[0].group
                district = self.addresses[hh.aid].district if rng.chance(0.5) else None
                aid = self.take_vacant(rng, g, district)
                if transfer:
                    tenure, why = "council", "housing allocation"
                elif hh.tenure == "council":
                    tenure, why = ("council", "council transfer") if rng.chance(0.6) \
                        else ("private", "moved")
                elif hh.tenure == "private":
                    tenure, why = ("owner", "bought") if rng.chance(0.15) else ("private", "moved")
                else:
                    tenure, why = hh.tenure, "moved"
                self.move_household(m, hh, aid, tenure, why)
        # leaving home
        for p in present:
            if p.present and p.role == "adult_child" and 18 <= p.age <= 34 \
                    and rng.chance(0.0045):
                hh = self.new_single_household(m, p, "private", "single_young")
                self.move_person(m, p, hh, "head", " (left home)")
        # couple formation: a single person moves in with another
        singles = [hh for hh in self.households.values()
                   if hh.kind.startswith("single") and len(hh.members) == 1
                   and 20 <= hh.members[0].age <= 65 and hh.members[0].partner is None]
        used = set()
        for hh in singles:
            if hh.hid in used or not rng.chance(0.002):
                continue
            a = hh.members[0]
            for _ in range(40):
                other = rng.choice(singles)
                b = other.members[0] if other.members else None
                if (other.hid in used or other.hid == hh.hid or b is None
                        or b.sex == a.sex or abs(b.age - a.age) > 9):
                    continue
                if b.group != a.group and rng.chance(0.8):
                    continue
                used.add(other.hid)
                used.add(hh.hid)
                mover, stayer = (a, b) if rng.chance(0.5) else (b, a)
                self.move_person(m, mover, stayer.hh, "partner", " (moved in with partner)")
                stayer.hh.kind = "couple"
                mover.partner, stayer.partner = stayer, mover
                break
        # separations
        for hh in list(self.households.values()):
            heads = [p for p in hh.members if p.role == "head"]
            if not heads:
                continue
            h = heads[0]
            w = h.partner
            if w is None or w.hh is not hh or h.age >= 70 or not rng.chance(0.0011):
                continue
            leaver = h if (h.sex == "M" and rng.chance(0.75)) or w.sex != "F" else w
            stays = w if leaver is h else h
            if rng.chance(0.3):
                self.depart(m, leaver, "out-migration (separation)")
                departures += 1
            else:
                nh = self.new_single_household(m, leaver, "private", "single_mid")
                self.move_person(m, leaver, nh, "head", " (separation)")
            leaver.partner = stays.partner = None
            stays.role = "head"
            for s in (leaver, stays):
                if s.sex == "F" and s.married and s.last != s.birth_last and rng.chance(0.4):
                    s.revert_due = m + rng.randint(0, 10)
        # marriages of cohabiting couples; surname reverts after divorce
        for hh in self.households.values():
            for p in hh.members:
                if p.role == "head" and p.partner is not None and not p.married \
                        and p.partner.hh is hh and rng.chance(0.008):
                    q = p.partner
                    p.married = q.married = True
                    if p.sex != q.sex:
                        wife, hus = (p, q) if p.sex == "F" else (q, p)
                        old = wife.last
                        wife.last = old
                        if self.marry(rng, wife, hus, initial=False):
                            new = wife.last
                            wife.last = old
                            self.change_surname(m, wife, new, "marriage")
        for p in present:
            if p.present and p.revert_due is not None and p.revert_due <= m:
                p.revert_due = None
                p.married = False
                self.change_surname(m, p, p.birth_last, "divorce")
        # housing register and benefits, NI numbers
        for hh in self.households.values():
            if hh.tenure == "private" and rng.chance(0.003):
                hh.tenure = "waiting"
                for p in hh.members:
                    self.log(m, p, "tenure_change", "household joined the housing register")
            elif hh.tenure == "waiting" and rng.chance(0.006):
                hh.tenure = "private"
                for p in hh.members:
                    self.log(m, p, "tenure_change", "housing register application lapsed")
        for p in present:
            if not p.present:
                continue
            if p.age >= 18:
                if p.benefit:
                    if rng.chance(0.02):
                        p.benefit = False
                        self.log(m, p, "benefit_change", "claim ended")
                else:
                    q = 0.0035 if p.hh is None or p.hh.tenure != "council" else 0.012
                    if rng.chance(q):
                        p.benefit = True
                        self.log(m, p, "benefit_change", "claim started")
            if not p.ni and (p.age >= 16 and p.ni_due is None or
                             p.ni_due is not None and p.ni_due <= m):
                p.ni = self.new_ni(rng)
                p.ni_due = None
                self.log(m, p, "ni_issued", "national insurance number issued")
            if p.role == "child" and p.age >= 18:
                p.role = "adult_child"
        # arrivals keep the population roughly stable (slight growth)
        now = n0 + births - deaths - departures
        want = int(self.base_pop * (1 + 0.0006 * (m - 1))) - now + int(rng.normal(0, 12))
        added = 0
        while added < want:
            group = rng.pick(self.arr_group_t)
            htype = rng.pick(HTYPE_T_ARR[group])
            mem, tenure = self.gen_household(rng, group, htype, ref, arrival=True)
            aid = self.take_vacant(rng, group)
            hh = self.add_household(rng, mem, tenure, aid, htype, m)
            for p in hh.members:
                p.age = age_on(p.dob, ref)
                self.log(m, p, "arrive", "in-migration (%s, household of %d)"
                         % ("from abroad" if p.abroad else "from elsewhere in the UK",
                            len(mem)))
            added += len(mem)
        self.update_ages(m)


# ===========================================================================
# Agencies
# ===========================================================================
def ascii_fold(s):
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def title_case(s):
    return s.title()


def fmt_date(d, f):
    if d is None:
        return ""
    return d.strftime(f)


MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
              "Nov", "Dec"]

T_HEALTH = {
    "key": "health",
    "service": "health register: patients registered with a GP practice in the area",
    "id_column": "patient_id", "id_format": "PAT + 8 digits",
    "columns": ["patient_id", "nhs_number", "forename", "middle_names", "surname",
                "sex", "date_of_birth", "address_line_1", "address_line_2", "town",
                "postcode"],
    "roles": {"nhs_number": "nhs_number", "first_name": "forename",
              "middle_name": "middle_names", "last_name": "surname", "sex": "sex",
              "sex_coding": {"M": "male", "F": "female", "U": "unknown"},
              "date_of_birth": "date_of_birth", "date_format": "%Y-%m-%d",
              "address_line_1": "address_line_1", "address_line_2": "address_line_2",
              "town": "town", "postcode": "postcode"},
    "notes": "Forename and middle names as entered (mixed case, accents kept on about "
             "70% of records); surname in upper case; postcode 'LE4 5PQ'; nhs_number "
             "written '485 777 3456' (blank if not traced).",
    "middle": "all", "ascii": 0.3,
    "err": dict(typo_first=0.008, typo_last=0.012, phonetic=0.006, nickname=0.012,
                altspell=0.012, initial=0.0, swap=0.003, known_as=0.02, maiden=0.02,
                hyphen=0.15, dob_transpose=0.003, dob_typo=0.004, dob_missing=0.0,
                dob_jan1=0.002, sex_unknown=0.003, sex_wrong=0.001, pc_typo=0.005,
                pc_missing=0.004, stale=0.5, middle_missing=0.08, middle_initial=0.02,
                ni=0.0, ni_typo=0.0, nhs=0.997, nhs_typo=0.002),
    "addr_lag": [(0, 20), (1, 25), (2, 18), (3, 12), (4, 8), (5, 5), (6, 4), (9, 3)],
    "addr_never": 0.04, "move_rereg": 0.18,
    "surname_lag": [(0, 25), (1, 35), (2, 20), (3, 10), (6, 5)], "surname_never": 0.04,
    "start_delay": {"birth": [(0, 70), (1, 30)], "arrival": [(0, 30), (1, 30), (2, 15),
                    (3, 10), (4, 6), (6, 5), (9, 4)], "other": [(0, 60), (1, 40)]},
    "stop_lag": {"death": [(0, 85), (1, 15)], "departure": "geo:0.28",
                 "ghost": "geo:0.07", "other": [(0, 70), (1, 30)]},
    "dup": 0.0015, "dup_base": 0.012, "dup_resolve": 0.12, "rereg": 0.0018,
    "fix": 0.045, "ni_fill": 0.0, "ghosts": 0.025, "edit": 0.006,
}
T_CTAX = {
    "key": "council_tax",
    "service": "council tax and benefits: liable adults and benefit claimants",
    "id_column": "PERSON_REF", "id_format": "8 digits (first digit 1-9)",
    "columns": ["PERSON_REF", "TITLE", "FORENAME", "SURNAME", "DOB", "NINO", "ADDR1",
                "ADDR2", "ADDR3", "POSTCODE"],
    "roles": {"first_name": "FORENAME", "last_name": "SURNAME", "sex": "TITLE",
              "sex_coding": {"MR": "male", "MRS": "female", "MISS": "female",
                             "MS": "female", "DR": "unknown", "MX": "unknown",
                             "": "unknown"},
              "date_of_birth": "DOB", "date_format": "%d/%m/%Y", "ni_number": "NINO",
              "address_line_1": "ADDR1", "address_line_2": "ADDR2", "town": "ADDR3",
              "postcode": "POSTCODE"},
    "notes": "No sex column: TITLE stands for it. Everything upper case ASCII; "
             "apostrophes dropped (OBRIEN); no middle names; forename sometimes only an "
             "initial; DOB often blank for people who are not claimants; NINO "
             "'AB123456C'; ADDR1 abbreviates road types (RD, ST, AVE); POSTCODE "
             "without a space (LE45PQ).",
    "middle": "none", "ascii": 1.0,
    "err": dict(typo_first=0.02, typo_last=0.022, phonetic=0.015, nickname=0.03,
                altspell=0.02, initial=0.06, swap=0.008, known_as=0.04, maiden=0.06,
                hyphen=0.35, dob_transpose=0.012, dob_typo=0.01, dob_missing=0.0,
                dob_jan1=0.005, sex_unknown=0.01, sex_wrong=0.004, pc_typo=0.008,
                pc_missing=0.004, stale=0.2, middle_missing=0.0, middle_initial=0.0,
                ni=0.0, ni_typo=0.01, nhs=0.0, nhs_typo=0.0),
    "addr_lag": [(0, 60), (1, 30), (2, 10)], "addr_never": 0.0, "move_rereg": 0.5,
    "surname_lag": [(0, 30), (1, 30), (2, 15), (4, 10)], "surname_never": 0.12,
    "start_delay": {"birth": [(0, 1)], "arrival": [(0, 65), (1, 30), (2, 5)],
                    "other": [(0, 55), (1, 35), (2, 10)]},
    "stop_lag": {"death": [(0, 45), (1, 45), (2, 10)], "departure": [(0, 60), (1, 40)],
                 "ghost": "geo:0.3", "other": [(0, 60), (1, 40)]},
    "dup": 0.0012, "dup_base": 0.006, "dup_resolve": 0.2, "rereg": 0.0015,
    "fix": 0.03, "ni_fill": 0.012, "ghosts": 0.002, "edit": 0.005,
}
T_EDU = {
    "key": "education",
    "service": "schools: pupils on roll at state schools and sixth forms (school census)",
    "id_column": "PupilRef", "id_format": "letter + 12 digits (UPN-like)",
    "columns": ["PupilRef", "Forename", "MiddleNames", "Surname", "Gender", "DOB",
                "AddressLine1", "AddressLine2", "Town", "Postcode"],
    "roles": {"first_name": "Forename", "middle_name": "MiddleNames",
              "last_name": "Surname", "sex": "Gender",
              "sex_coding": {"M": "male", "F": "female", "": "unknown"},
              "date_of_birth": "DOB", "date_format": "%d-%m-%Y",
              "address_line_1": "AddressLine1", "address_line_2": "AddressLine2",
              "town": "Town", "postcode": "Postcode"},
    "notes": "Names in mixed case as entered, accents kept; the forename is sometimes "
             "the child's preferred or short name; the surname is sometimes the "
             "step-parent's; Postcode 'LE4 5PQ'.",
    "middle": "all", "ascii": 0.0,
    "err": dict(typo_first=0.008, typo_last=0.01, phonetic=0.005, nickname=0.04,
                altspell=0.01, initial=0.0, swap=0.004, known_as=0.03, maiden=0.0,
                hyphen=0.2, dob_transpose=0.002, dob_typo=0.002, dob_missing=0.0,
                dob_jan1=0.0, sex_unknown=0.0, sex_wrong=0.002, pc_typo=0.006,
                pc_missing=0.003, stale=0.4, middle_missing=0.15, middle_initial=0.0,
                ni=0.0, ni_typo=0.0, nhs=0.0, nhs_typo=0.0, stepfamily=0.12),
    "addr_lag": [(0, 30), (1, 30), (2, 20), (3, 10), (5, 5)], "addr_never": 0.03,
    "move_rereg": 0.05,
    "surname_lag": [(0, 40), (1, 40), (2, 20)], "surname_never": 0.3,
    "start_delay": {"birth": [(0, 1)], "arrival": [(0, 45), (1, 35), (2, 15), (3, 5)],
                    "other": [(0, 1)]},
    "stop_lag": {"death": [(0, 80), (1, 20)], "departure": [(0, 50), (1, 40), (2, 10)],
                 "ghost": [(1, 1)], "other": [(0, 1)]},
    "dup": 0.001, "dup_base": 0.004, "dup_resolve": 0.25, "rereg": 0.0015,
    "fix": 0.04, "ni_fill": 0.0, "ghosts": 0.0, "edit": 0.005,
}
T_HOUSING = {
    "key": "housing",
    "service": "housing: council tenants and housing-register applicants, whole households",
    "id_column": "hsg_ref", "id_format": "HSG- + 6 characters",
    "columns": ["hsg_ref", "name", "gender", "dob", "ni_number", "address", "postcode"],
    "roles": {"full_name": "name", "sex": "gender",
              "sex_coding": {"Male": "male", "Female": "female", "": "unknown"},
              "date_of_birth": "dob", "date_format": "%d-%b-%Y", "ni_number": "ni_number",
              "address_line_1": "address", "postcode": "postcode"},
    "full_name_format": "'Forename Surname' (no middle names), mostly title case, "
                        "some all upper or all lower case",
    "notes": "One name column 'Forename Surname'; dob like 05-Mar-1987 (English month "
             "abbreviations); ni_number 'AB 12 34 56 C'; address is the first address "
             "line only, road types sometimes abbreviated; postcode as typed "
             "(LE4 5PQ, LE45PQ or le4 5pq).",
    "middle": "none", "ascii": 0.5,
    "err": dict(typo_first=0.025, typo_last=0.03, phonetic=0.025, nickname=0.04,
                altspell=0.03, initial=0.0, swap=0.02, known_as=0.04, maiden=0.05,
                hyphen=0.4, dob_transpose=0.015, dob_typo=0.012, dob_missing=0.04,
                dob_jan1=0.01, sex_unknown=0.03, sex_wrong=0.005, pc_typo=0.012,
                pc_missing=0.01, stale=0.1, middle_missing=0.0, middle_initial=0.0,
                ni=0.7, ni_typo=0.02, nhs=0.0, nhs_typo=0.0),
    "addr_lag": [(0, 85), (1, 15)], "addr_never": 0.0, "move_rereg": 0.2,
    "surname_lag": [(0, 20), (1, 30), (2, 20), (4, 10)], "surname_never": 0.15,
    "start_delay": {"birth": [(0, 40), (1, 40), (2, 20)], "arrival": [(0, 70), (1, 30)],
                    "other": [(0, 70), (1, 30)]},
    "stop_lag": {"death": [(0, 50), (1, 50)], "departure": [(0, 85), (1, 15)],
                 "ghost": "geo:0.25", "other": [(0, 70), (1, 30)]},
    "dup": 0.0015, "dup_base": 0.01, "dup_resolve": 0.1, "rereg": 0.001,
    "fix": 0.03, "ni_fill": 0.015, "ghosts": 0.004, "edit": 0.006,
}
T_ELECT = {
    "key": "electoral",
    "service": "electoral register: registered electors and attainers",
    "id_column": "elector_ref", "id_format": "EL + 2 letters + '-' + 5 digits",
    "columns": ["elector_ref", "title", "first_names", "surname", "date_of_birth",
                "address_1", "address_2", "post_town", "postcode"],
    "roles": {"first_name": "first_names", "last_name": "surname", "sex": "title",
              "sex_coding": {"Mr": "male", "Mrs": "female", "Miss": "female",
                             "Ms": "female", "Dr": "unknown", "Mx": "unknown",
                             "": "unknown"},
              "date_of_birth": "date_of_birth", "date_format": "%d.%m.%Y",
              "address_line_1": "address_1", "address_line_2": "address_2",
              "town": "post_town", "postcode": "postcode"},
    "notes": "first_names holds the forename followed by any middle names; title "
             "stands for sex; date_of_birth often blank.",
    "middle": "in_first", "ascii": 0.2,
    "err": dict(typo_first=0.01, typo_last=0.012, phonetic=0.008, nickname=0.01,
                altspell=0.01, initial=0.0, swap=0.005, known_as=0.02, maiden=0.03,
                hyphen=0.15, dob_transpose=0.004, dob_typo=0.004, dob_missing=0.3,
                dob_jan1=0.0, sex_unknown=0.01, sex_wrong=0.003, pc_typo=0.004,
                pc_missing=0.0, stale=0.3, middle_missing=0.2, middle_initial=0.0,
                ni=0.0, ni_typo=0.0, nhs=0.0, nhs_typo=0.0),
    "addr_lag": [(1, 30), (2, 30), (3, 20), (5, 20)], "addr_never": 0.05, "move_rereg": 0.7,
    "surname_lag": [(1, 40), (2, 30), (4, 30)], "surname_never": 0.1,
    "start_delay": {"birth": [(0, 1)], "arrival": [(1, 30), (2, 30), (4, 20), (8, 20)],
                    "other": [(0, 40), (1, 30), (3, 30)]},
    "stop_lag": {"death": [(0, 40), (1, 40), (2, 20)], "departure": "geo:0.25",
                 "ghost": "geo:0.15", "other": [(0, 50), (2, 50)]},
    "dup": 0.0008, "dup_base": 0.004, "dup_resolve": 0.2, "rereg": 0.0008,
    "fix": 0.03, "ni_fill": 0.0, "ghosts": 0.01, "edit": 0.003,
}
T_CARE = {
    "key": "social_care",
    "service": "adult social care: clients (mostly 65 and over)",
    "id_column": "client_no", "id_format": "SC + 7 digits",
    "columns": ["client_no", "nhs_number", "given_name", "family_name", "gender",
                "birth_date", "address", "postcode"],
    "roles": {"nhs_number": "nhs_number", "first_name": "given_name",
              "last_name": "family_name", "sex": "gender",
              "sex_coding": {"1": "male", "2": "female", "9": "unknown", "0": "unknown"},
              "date_of_birth": "birth_date", "date_format": "%Y%m%d",
              "address_line_1": "address", "postcode": "postcode"},
    "notes": "gender coded 1/2/9/0; nhs_number 10 digits without spaces (blank if "
             "unknown); address is 'line 1, line 2' in one column.",
    "middle": "none", "ascii": 0.2,
    "err": dict(typo_first=0.01, typo_last=0.012, phonetic=0.01, nickname=0.03,
                altspell=0.01, initial=0.0, swap=0.004, known_as=0.03, maiden=0.02,
                hyphen=0.2, dob_transpose=0.004, dob_typo=0.004, dob_missing=0.01,
                dob_jan1=0.005, sex_unknown=0.01, sex_wrong=0.002, pc_typo=0.006,
                pc_missing=0.005, stale=0.2, middle_missing=0.0, middle_initial=0.0,
                ni=0.0, ni_typo=0.0, nhs=0.85, nhs_typo=0.005),
    "addr_lag": [(0, 50), (1, 30), (3, 20)], "addr_never": 0.02, "move_rereg": 0.05,
    "surname_lag": [(0, 50), (2, 50)], "surname_never": 0.1,
    "start_delay": {"birth": [(0, 1)], "arrival": [(0, 50), (2, 50)],
                    "other": [(0, 60), (1, 40)]},
    "stop_lag": {"death": [(0, 60), (1, 30), (3, 10)], "departure": [(0, 50), (2, 50)],
                 "ghost": "geo:0.2", "other": [(0, 50), (1, 50)]},
    "dup": 0.001, "dup_base": 0.008, "dup_resolve": 0.15, "rereg": 0.001,
    "fix": 0.03, "ni_fill": 0.0, "ghosts": 0.0, "edit": 0.004,
}
T_LIB = {
    "key": "library",
    "service": "library service: borrowers",
    "id_column": "borrower_barcode", "id_format": "2 + 13 digits",
    "columns": ["borrower_barcode", "borrower_name", "sex", "date_of_birth", "postcode"],
    "roles": {"full_name": "borrower_name", "sex": "sex",
              "sex_coding": {"M": "male", "F": "female", "": "unknown"},
              "date_of_birth": "date_of_birth", "date_format": "%m/%d/%Y",
              "postcode": "postcode"},
    "full_name_format": "'SURNAME, Forename' (surname upper case)",
    "notes": "US-made system: date_of_birth is month/day/year.",
    "middle": "none", "ascii": 0.6,
    "err": dict(typo_first=0.015, typo_last=0.015, phonetic=0.01, nickname=0.06,
                altspell=0.01, initial=0.0, swap=0.006, known_as=0.04, maiden=0.04,
                hyphen=0.3, dob_transpose=0.01, dob_typo=0.01, dob_missing=0.1,
                dob_jan1=0.0, sex_unknown=0.2, sex_wrong=0.005, pc_typo=0.01,
                pc_missing=0.02, stale=0.3, middle_missing=0.0, middle_initial=0.0,
                ni=0.0, ni_typo=0.0, nhs=0.0, nhs_typo=0.0),
    "addr_lag": [(0, 20), (2, 20), (6, 20), (12, 20)], "addr_never": 0.2, "move_rereg": 0.0,
    "surname_lag": [(1, 50), (6, 50)], "surname_never": 0.3,
    "start_delay": {"birth": [(0, 1)], "arrival": [(1, 50), (4, 50)], "other": [(0, 1)]},
    "stop_lag": {"death": "geo:0.2", "departure": "geo:0.1", "ghost": "geo:0.1",
                 "other": [(0, 1)]},
    "dup": 0.001, "dup_base": 0.01, "dup_resolve": 0.05, "rereg": 0.001,
    "fix": 0.02, "ni_fill": 0.0, "ghosts": 0.01, "edit": 0.003,
}
TEMPLATES = [T_HEALTH, T_CTAX, T_EDU, T_HOUSING, T_ELECT, T_CARE, T_LIB]
CORRECTABLE = {"typo", "phonetic", "initial", "swap", "missing", "transposed",
               "wrong", "unknown", "stale", "altspell", "hyphen", "maiden",
               "stepfamily", "dob_typo"}
ID_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def typo(rng, s):
    if len(s) < 2:
        return s + "a"
    for _ in range(10):
        i = rng.below(len(s))
        c = s[i]
        k = rng.random()
        if k < 0.32:
            adj = NM.QWERTY.get(c.lower())
            if not adj:
                continue
            n = rng.choice(adj)
            t = s[:i] + (n.upper() if c.isupper() else n) + s[i + 1:]
        elif k < 0.55:
            if len(s) < 4:
                continue
            t = s[:i] + s[i + 1:]
        elif k < 0.78:
            if i >= len(s) - 1 or not s[i + 1].isalpha() or not c.isalpha():
                continue
            a, b = s[i + 1], c
            if i == 0:
                a, b = (a.upper(), b.lower()) if c.isupper() else (a, b)
            t = s[:i] + a + b + s[i + 2:]
        else:
            if not c.isalpha():
                continue
            t = s[:i + 1] + c.lower() + s[i + 1:]
        if t != s and t.strip() and t[0].isalpha():
            return t
    return s[:-1] if len(s) > 3 else s + "e"


def phonetic(rng, s):
    low = s.lower()
    opts = [(a, b) for a, b in NM.PHONETIC if a in low[1:]]
    if not opts:
        return typo(rng, s)
    a, b = rng.choice(opts)
    i = low.index(a, 1)
    return s[:i] + b + s[i + len(a):]


def pc_typo(rng, pc):
    out, inward = pc.split(" ")
    k = rng.random()
    if k < 0.3 and inward[1] != inward[2]:
        inward = inward[0] + inward[2] + inward[1]
    elif k < 0.6:
        i = rng.choice([1, 2])
        c = rng.choice(PL.UNIT_LETTERS)
        if c == inward[i]:
            c = "X" if c != "X" else "Y"
        inward = inward[:i] + c + inward[i + 1:]
    elif k < 0.8:
        d = int(inward[0])
        inward = str((d + rng.choice([1, 9])) % 10) + inward[1:]
    elif k < 0.9 and inward[0] == "0":
        inward = "O" + inward[1:]
    else:
        out = out[:2] + str((int(out[2:]) + rng.choice([1, -1, 10])) % 30 or 1)
    return out + " " + inward


def dob_typo(rng, d):
    k = rng.random()
    try:
        if k < 0.35:
            return d + datetime.timedelta(days=rng.choice([1, -1]))
        if k < 0.6:
            return d.replace(year=d.year + rng.choice([1, -1]))
        if k < 0.8:
            y = d.year
            y2 = y - y % 100 + (y % 10) * 10 + (y % 100) // 10
            if y2 != y and 1900 < y2 <= 2024:
                return d.replace(year=y2)
            return d.replace(year=y + 10 if y < 2014 else y - 10)
        return d.replace(month=d.month % 12 + 1)
    except ValueError:
        return d + datetime.timedelta(days=2)


class Rec:
    __slots__ = ("rid", "pid", "first", "middle", "last", "sex", "title", "dob",
                 "aid", "pc", "ni", "nhs", "errors", "fmt", "row", "dup",
                 "pend_addr", "pend_surname", "pend_rereg", "created")


class Agency:
    def __init__(self, idx, tpl, world, seed):
        self.idx = idx
        self.name = "agency_%d" % idx
        self.T = tpl
        self.key = tpl["key"]
        self.w = world
        cycle = (idx - 1) // len(TEMPLATES)
        self.rng = Rng(seed, "agency", idx, self.key)
        self.rng_u = Rng(seed, "eligibility", idx, self.key)
        self.cycle = cycle
        self.records = {}
        self.by_person = {}
        self.pending_start = {}
        self.pending_stop = {}
        self.used = set()
        self.u = {}
        self.events = world.events

    # --------------------------------------------------------------- ids
    def new_id(self):
        rng = self.rng
        while True:
            k = self.key
            if k == "health":
                rid = "PAT%d%07d" % (rng.randint(1, 9), rng.below(10 ** 7))
            elif k == "council_tax":
                rid = "%d%07d" % (rng.randint(1, 9), rng.below(10 ** 7))
            elif k == "education":
                rid = rng.choice(UPN_LETTERS) + "%012d" % (rng.below(10 ** 12))
            elif k == "housing":
                rid = "HSG-" + "".join(rng.choice(ID_ALNUM) for _ in range(6))
            elif k == "electoral":
                rid = "EL%s%s-%05d" % (rng.choice(UPN_LETTERS), rng.choice(UPN_LETTERS),
                                       rng.below(10 ** 5))
            elif k == "social_care":
                rid = "SC%07d" % rng.below(10 ** 7)
            else:
                rid = "2%013d" % rng.below(10 ** 13)
            if self.cycle:
                rid = "%s%d" % (rid, self.cycle + 1)
            if rid not in self.used:
                self.used.add(rid)
                return rid

    def uval(self, p):
        u = self.u.get(p.pid)
        if u is None:
            u = self.rng_u.random()
            self.u[p.pid] = u
        return u

    # ------------------------------------------------------- eligibility
    def eligible(self, p):
        if not p.present:
            return False
        k = self.key
        u = self.uval(p)
        if k == "health":
            return u < (0.9 if p.sex == "M" and 18 <= p.age <= 35 else 0.975)
        if k == "council_tax":
            return p.age >= 18 and (p.role in ("head", "partner", "sharer") or p.benefit) \
                and u < 0.985
        if k == "education":
            s = p.sage
            return (4 <= s <= 15 and u < 0.93) or (16 <= s <= 17 and u < 0.55)
        if k == "housing":
            return p.hh is not None and p.hh.tenure in ("council", "waiting") and u < 0.985
        if k == "electoral":
            if p.age < 17:
                return False
            q = 0.86 if p.group in ("white_british", "irish", "caribbean", "gujarati_hindu",
                                    "punjabi_sikh", "south_asian_muslim") else 0.45
            if p.age < 25:
                q -= 0.15
            return u < q
        if k == "social_care":
            if p.age >= 65:
                return u < 0.02 + 0.012 * (p.age - 65)
            return p.age >= 18 and u < 0.012
        if k == "library":
            return p.age >= 4 and u < 0.2
        return False

    def lag(self, spec):
        rng = self.rng
        if isinstance(spec, str):
            return rng.geometric(float(spec.split(":")[1]))
        return rng.pick(table(spec))

    # --------------------------------------------------- record values
    def truth_middle(self, p):
        pol = self.T["middle"]
        if pol == "none" or not p.middles:
            return ""
        return " ".join(p.middles)

    def make_record(self, p, m, dup=False, reason=None):
        rng = self.rng
        E = self.T["err"]
        w = self.w
        mult = 2.0 if dup else 1.0
        r = Rec()
        r.rid = self.new_id()
        r.pid = p.pid
        r.errors = {}
        r.row = None
        r.dup = dup
        r.pend_addr = r.pend_surname = r.pend_rereg = None
        r.created = m
        r.first, r.last = p.first, p.last
        r.middle = self.truth_middle(p)
        err = r.errors
        swapmult = 4.0 if p.group in ("chinese", "somali", "west_african",
                                      "middle_eastern") else 1.0
        # forename
        if p.middles and p.group != "punjabi_sikh" and p.middles[0] not in ("Singh", "Kaur") \
                and rng.chance(E["known_as"] * (3 if p.first in ("Mohammed", "Muhammad",
                                                               "Mohammad", "Mohamed") else 1)):
            r.first = p.middles[0]
            if r.middle:
                r.middle = " ".join([p.first] + p.middles[1:])
            err["first"] = "known_as"
        elif rng.chance(E["nickname"] * mult * (2 if p.age < 18 else 1)) \
                and p.first in NM.NICKNAMES:
            r.first = rng.choice(NM.NICKNAMES[p.first])
            err["first"] = "nickname"
        elif rng.chance(E["altspell"] * mult) and p.first in NM.ALT_SPELLINGS:
            r.first = rng.choice(NM.ALT_SPELLINGS[p.first])
            err["first"] = "altspell"
        elif rng.chance(E["typo_first"] * mult):
            r.first = typo(rng, p.first)
            err["first"] = "typo"
        elif rng.chance(E["phonetic"] * mult):
            r.first = phonetic(rng, p.first)
            err["first"] = "phonetic"
        elif rng.chance(E["initial"] * mult):
            r.first = p.first[0]
            err["first"] = "initial"
        if " " in r.first and self.key != "electoral" and rng.chance(0.5):
            a, b = r.first.split(" ", 1)
            v = rng.random()
            if v < 0.4:
                r.first = a + "-" + b
            elif v < 0.7:
                r.first = a + b.lower()
            elif self.T["middle"] != "none":
                r.first, r.middle = a, (b + " " + r.middle).strip()
        # surname
        if p.sex == "F" and p.birth_last != p.last and rng.chance(E["maiden"] * mult):
            r.last = p.birth_last
            err["last"] = "maiden"
        elif "-" in p.last and rng.chance(E["hyphen"]):
            a, b = p.last.split("-", 1)
            r.last = rng.choice([a, b, a + " " + b])
            err["last"] = "hyphen"
        elif "stepfamily" in E and p.age < 18 and p.hh is not None and \
                rng.chance(E["stepfamily"]):
            heads = [q for q in p.hh.members if q.role in ("head", "partner")
                     and q.sex == "M" and q.last != p.last]
            if heads:
                r.last = heads[0].last
                err["last"] = "stepfamily"
        elif rng.chance(E["altspell"] * mult) and p.last in NM.ALT_SPELLINGS:
            r.last = rng.choice(NM.ALT_SPELLINGS[p.last])
            err["last"] = "altspell"
        elif rng.chance(E["typo_last"] * mult):
            r.last = typo(rng, p.last)
            err["last"] = "typo"
        elif rng.chance(E["phonetic"] * mult):
            r.last = phonetic(rng, p.last)
            err["last"] = "phonetic"
        if rng.chance(E["swap"] * mult * swapmult):
            r.first, r.last = r.last, r.first
            err["first"] = err["last"] = "swap"
        # middle names
        if r.middle and self.T["middle"] != "none":
            if rng.chance(E["middle_missing"] * mult):
                r.middle = ""
                err["middle"] = "missing"
            elif rng.chance(E["middle_initial"]):
                r.middle = r.middle[0]
                err["middle"] = "initial"
        # sex, title
        r.sex = p.sex
        if rng.chance(E["sex_unknown"] * mult):
            r.sex = "U"
            err["sex"] = "unknown"
        elif rng.chance(E["sex_wrong"] * mult):
            r.sex = "F" if p.sex == "M" else "M"
            err["sex"] = "wrong"
        r.title = self.draw_title(p, r.sex)
        # date of birth
        d = p.dob
        if rng.chance(E["dob_missing"] * mult * (1.0 if self.key != "electoral" else 1.0)):
            d = None
            err["dob"] = "missing"
        elif rng.chance(E["dob_transpose"] * mult) and d.day <= 12 and d.day != d.month:
            d = datetime.date(d.year, d.day, d.month)
            err["dob"] = "transposed"
        elif rng.chance(E["dob_typo"] * mult):
            d = dob_typo(rng, d)
            err["dob"] = "dob_typo"
        elif rng.chance(E["dob_jan1"]):
            d = datetime.date(d.year, 1, 1)
            if d != p.dob:
                err["dob"] = "jan1"
        if self.key == "council_tax" and not p.benefit and d is not None \
                and rng.chance(0.3):
            d = None
            err["dob"] = "missing"
        r.dob = d
        # address
        r.aid = p.aid
        if p.prev_aid is not None and 0 <= m - p.moved <= 12 and \
                rng.chance(E["stale"] * (1.5 if dup else 1.0)):
            r.aid = p.prev_aid
            err["addr"] = "stale"
        r.pc = w.addresses[r.aid].pc
        if rng.chance(E["pc_missing"] * mult):
            r.pc = ""
            err["pc"] = "missing"
        elif rng.chance(E["pc_typo"] * mult):
            r.pc = pc_typo(rng, r.pc)
            err["pc"] = "typo"
        # identifiers
        r.ni = ""
        if self.key in ("council_tax", "housing"):
            cap = E["ni"] if self.key == "housing" else (0.95 if p.benefit else 0.25)
            if p.ni and rng.chance(cap):
                r.ni = p.ni
                if rng.chance(E["ni_typo"] * mult):
                    s = list(p.ni)
                    i = rng.randint(2, 6)
                    if s[i] != s[i + 1]:
                        s[i], s[i + 1] = s[i + 1], s[i]
                    else:
                        s[8] = "ABCD"[("ABCD".index(s[8]) + 1) % 4]
                    r.ni = "".join(s)
                    err["ni"] = "typo"
        r.nhs = ""
        if self.key in ("health", "social_care"):
            cap = E["nhs"] * (0.6 if dup and self.key == "health" else 1.0)
            if rng.chance(cap):
                r.nhs = p.nhs
                if rng.chance(E["nhs_typo"] * mult):
                    s = list(p.nhs)
                    i = rng.randint(0, 7)
                    s[i], s[i + 1] = s[i + 1], s[i]
                    r.nhs = "".join(s)
                    if r.nhs != p.nhs:
                        err["nhs"] = "typo"
            elif dup and self.key == "health" and rng.chance(0.5):
                r.nhs = w.new_nhs(self.rng)          # a second NHS number issued
                err["nhs"] = "second_number"
            else:
                err["nhs"] = "missing"
            if self.key == "health" and reason in ("birth", "arrival") and r.nhs == p.nhs \
                    and rng.chance(0.55 if reason == "arrival" else 0.35):
                r.nhs = ""
                err["nhs"] = "untraced"             # traced against the spine later
        # per-record formatting choices (stable month to month)
        f = {"ascii": rng.chance(self.T["ascii"])}
        if self.key == "education" and reason == "arrival" and p.abroad and rng.chance(0.6):
            r.pend_rereg = m + rng.randint(1, 3)     # temporary UPN replaced later
            f["rereg_why"] = "temporary UPN replaced by a permanent one"
        if self.key == "housing" and not dup:
            f["renew"] = m + (rng.randint(1, 12) if m == 1 else 12)   # annual renewal
        if self.key == "housing":
            v = rng.random()
            f["case"] = "title" if v < 0.8 else "upper" if v < 0.95 else "lower"
            v = rng.random()
            f["pc"] = "std" if v < 0.72 else "nospace" if v < 0.92 else "lower"
            f["abbr"] = rng.chance(0.4)
        r.fmt = f
        return r

    def draw_title(self, p, sex):
        rng = self.rng
        if sex == "U":
            return rng.choice(["DR", "MX", ""])
        if rng.chance(0.015) and p.age >= 26:
            return "DR"
        if sex == "M":
            return "MR"
        if p.married and p.last != p.birth_last:
            return "MRS" if rng.chance(0.88) else "MS"
        if p.married:
            return rng.choice(["MRS", "MS", "MS"])
        return "MISS" if rng.chance(0.55 if p.age < 40 else 0.4) else "MS"

    # ----------------------------------------------------------- render
    def addr_line1(self, a, abbr):
        l1 = a.line1
        if abbr:
            for full, short in PL.ABBREVIATIONS.items():
                if l1.endswith(" " + full):
                    l1 = l1[: -len(full)] + short
                    break
        return l1

    def render(self, r):
        if r.row is not None:
            return r.row
        a = self.w.addresses[r.aid]
        k = self.key
        fo = r.fmt
        first, middle, last = r.first, r.middle, r.last
        if fo["ascii"]:
            first, middle, last = ascii_fold(first), ascii_fold(middle), ascii_fold(last)
        pc = r.pc
        if k == "health":
            nhs = "%s %s %s" % (r.nhs[:3], r.nhs[3:6], r.nhs[6:]) if r.nhs else ""
            row = (r.rid, nhs, first, middle, last.upper(), r.sex,
                   fmt_date(r.dob, "%Y-%m-%d"), a.line1, a.line2, a.town, pc)
        elif k == "council_tax":
            def up(s):
                return s.upper().replace("'", "").replace("’", "")
            row = (r.rid, r.title, up(first), up(last), fmt_date(r.dob, "%d/%m/%Y"),
                   r.ni, up(self.addr_line1(a, True)), a.line2.upper(), a.town.upper(),
                   pc.replace(" ", ""))
        elif k == "education":
            row = (r.rid, first, middle, last, r.sex if r.sex != "U" else "",
                   fmt_date(r.dob, "%d-%m-%Y"), a.line1, a.line2, a.town, pc)
        elif k == "housing":
            name = first + " " + last
            c = fo["case"]
            name = name.upper() if c == "upper" else name.lower() if c == "lower" else \
                title_case(name)
            dob = "" if r.dob is None else "%02d-%s-%04d" % (r.dob.day,
                                                           MONTH_ABBR[r.dob.month - 1],
                                                           r.dob.year)
            ni = "%s %s %s %s %s" % (r.ni[:2], r.ni[2:4], r.ni[4:6], r.ni[6:8], r.ni[8:]) \
                if r.ni else ""
            pst = fo["pc"]
            if pc:
                pc = pc.replace(" ", "") if pst == "nospace" else pc.lower() \
                    if pst == "lower" else pc
            row = (r.rid, name, {"M": "Male", "F": "Female"}.get(r.sex, ""), dob, ni,
                   self.addr_line1(a, fo["abbr"]), pc)
        elif k == "electoral":
            fn = (first + " " + middle).strip()
            t = {"MR": "Mr", "MRS": "Mrs", "MISS": "Miss", "MS": "Ms", "DR": "Dr",
                 "MX": "Mx", "": ""}[r.title]
            row = (r.rid, t, fn, last, fmt_date(r.dob, "%d.%m.%Y"), a.line1, a.line2,
                   a.town.upper(), pc)
        elif k == "social_care":
            row = (r.rid, r.nhs, first, last, {"M": "1", "F": "2"}.get(r.sex, "9"),
                   fmt_date(r.dob, "%Y%m%d"), a.line1 + ", " + a.line2, pc)
        else:
            row = (r.rid, last.upper() + ", " + first, r.sex if r.sex != "U" else "",
                   fmt_date(r.dob, "%m/%d/%Y"), pc)
        r.row = row
        return row

    # ------------------------------------------------- record lifecycle
    def log(self, m, pid, event, old, new, detail):
        self.events.append((m, pid, self.name, event, old, new, detail))

    def add(self, r):
        self.records[r.rid] = r
        self.by_person.setdefault(r.pid, []).append(r.rid)

    def withdraw(self, rid):
        r = self.records.pop(rid)
        lst = self.by_person[r.pid]
        lst.remove(rid)
        if not lst:
            del self.by_person[r.pid]
        return r

    def baseline(self, persons):
        """The records as they stand at month 1 (accumulated over past years)."""
        T = self.T
        rng = self.rng
        for p in persons:
            if p.ghost:
                if self.uval(p) < T["ghosts"] / self.w.ghost_rate:
                    r = self.make_record(p, 1)
                    self.add(r)
                continue
            if not self.eligible(p):
                continue
            if p.arrived > -999:
                due = p.arrived + self.lag(T["start_delay"]["arrival"])
                if due > 1:
                    self.pending_start[p.pid] = (due, "arrival")
                    continue
            r = self.make_record(p, 1)
            # a move before month 1 not yet picked up by this agency
            if r.aid == p.aid and p.prev_aid is not None and p.moved > -999:
                lag = self.lag(T["addr_lag"])
                if p.moved + lag > 1:
                    r.aid = p.prev_aid
                    r.pc = self.w.addresses[r.aid].pc
                    r.errors.pop("pc", None)
                    r.pend_addr = p.moved + lag
            self.add(r)
            if rng.chance(T["dup_base"]):
                d = self.make_record(p, 1, dup=True)
                self.add(d)
                self.log(1, p.pid, "duplicate_added", r.rid, d.rid,
                         "already duplicated in the first extract")

    def step(self, m, persons):
        T = self.T
        rng = self.rng
        w = self.w
        touched = set()
        # 1. eligibility -> schedule starts and stops
        for p in persons:
            has = p.pid in self.by_person
            if not p.present and not has and p.pid not in self.pending_start:
                continue
            el = self.eligible(p)
            pid = p.pid
            if el:
                self.pending_stop.pop(pid, None)
                if not has and pid not in self.pending_start:
                    if p.arrived == m and p.dob >= month_start(m):
                        reason = "birth"
                    elif p.arrived >= m - 1:
                        reason = "arrival"
                    else:
                        reason = "other"
                    self.pending_start[pid] = (m + self.lag(T["start_delay"][reason]),
                                               reason)
            else:
                self.pending_start.pop(pid, None)
                if has and pid not in self.pending_stop:
                    if p.ghost:
                        reason = "ghost"
                    elif p.dead:
                        reason = "death"
                    elif not p.present:
                        reason = "departure"
                    else:
                        reason = "other"
                    self.pending_stop[pid] = (m + self.lag(T["stop_lag"][reason]), reason)
        # 2. stops due
        for pid in list(self.pending_stop):
            due, reason = self.pending_stop[pid]
            if due > m:
                continue
            del self.pending_stop[pid]
            if pid not in self.by_person:
                continue
            detail = {"ghost": "list cleaning: person left before month 1",
                      "death": "died", "departure": "moved out of the area",
                      "other": "no longer served"}[reason]
            if reason == "other":
                detail = self.other_reason(w.persons[pid], False)
            for rid in list(self.by_person[pid]):
                self.withdraw(rid)
                self.log(m, pid, "stop_service", rid, "", detail)
            touched.add(pid)
        # 3. starts due
        for pid in list(self.pending_start):
            due, reason = self.pending_start[pid]
            if due > m:
                continue
            del self.pending_start[pid]
            p = w.persons[pid]
            if pid in self.by_person or not self.eligible(p):
                continue
            r = self.make_record(p, m, reason=reason)
            self.add(r)
            detail = {"birth": "birth registered", "arrival": "new arrival registered"}.get(
                reason) or self.other_reason(p, True)
            self.log(m, pid, "start_service", "", r.rid, detail)
            touched.add(pid)
        # 4. react to this month's moves and surname changes
        for p in w.moved_now:
            lst = self.by_person.get(p.pid)
            if not lst or p.pid in touched or not p.present:
                continue
            r = self.records[lst[0]]
            if rng.chance(T["move_rereg"]):
                r.pend_rereg = m + self.lag([(0, 60), (1, 40)])
            elif rng.chance(T["addr_never"]):
                if r.aid != p.aid:
                    r.errors["addr"] = "stale"
            else:
                r.pend_addr = m + self.lag(T["addr_lag"])
        for p, reason in w.surname_now:
            lst = self.by_person.get(p.pid)
            if not lst:
                continue
            r = self.records[lst[0]]
            if rng.chance(T["surname_never"]):
                if r.last != p.last:
                    r.errors["last"] = "maiden" if reason == "marriage" else "old_surname"
            else:
                r.pend_surname = m + self.lag(T["surname_lag"])
        # 5. due updates
        for pid in list(self.by_person):
            p = w.persons[pid]
            for rid in list(self.by_person.get(pid, [])):
                r = self.records[rid]
                if r.pend_rereg is not None and r.pend_rereg <= m:
                    if pid in touched:
                        continue
                    r.pend_rereg = None
                    if not p.present:
                        continue
                    self.withdraw(rid)
                    n = self.make_record(p, m)
                    self.add(n)
                    self.by_person[pid].remove(n.rid)
                    self.by_person[pid].insert(0, n.rid)
                    self.log(m, pid, "reregistered", rid, n.rid,
                             r.fmt.get("rereg_why") or
                             "re-registered after moving (%s)" % w.addresses[p.aid].pc)
                    touched.add(pid)
                    continue
                if r.pend_addr is not None and r.pend_addr <= m:
                    r.pend_addr = None
                    if p.present and r.aid != p.aid:
                        old = r.pc
                        r.aid = p.aid
                        r.pc = w.addresses[p.aid].pc
                        r.errors.pop("addr", None)
                        r.errors.pop("pc", None)
                        if rng.chance(T["err"]["pc_typo"]):
                            r.pc = pc_typo(rng, r.pc)
                            r.errors["pc"] = "typo"
                        r.row = None
                        self.log(m, pid, "address_updated", rid, rid,
                                 "%s -> %s" % (old or "(blank)", r.pc))
                if r.pend_surname is not None and r.pend_surname <= m:
                    r.pend_surname = None
                    if r.last != p.last and r.errors.get("last") != "swap":
                        old = r.last
                        r.last = p.last
                        r.errors.pop("last", None)
                        if self.key in ("council_tax", "electoral") and p.sex == "F":
                            r.title = self.draw_title(p, r.sex)
                        r.row = None
                        self.log(m, pid, "surname_updated", rid, rid,
                                 "%s -> %s" % (old, r.last))
        # 6. duplicates resolved, new duplicates, re-registrations
        for pid in list(self.by_person):
            lst = self.by_person[pid]
            if pid in touched:
                continue
            p = w.persons[pid]
            if len(lst) > 1:
                cands = [rid for rid in lst if self.records[rid].created < m]
                if len(cands) >= 2 and rng.chance(T["dup_resolve"]):
                    gone = cands[-1] if rng.chance(0.6) else cands[0]
                    self.withdraw(gone)
                    keep = self.by_person[pid][0]
                    self.log(m, pid, "duplicate_withdrawn", gone, keep,
                             "duplicate resolved")
                    touched.add(pid)
                    continue
            if not p.present:
                continue
            pr = self.records[lst[0]]
            if pr.fmt.get("renew") is not None and pr.fmt["renew"] <= m:
                pr.fmt["renew"] = None
                if rng.chance(0.25):                 # renewal keyed as a new application
                    old = lst[0]
                    self.withdraw(old)
                    n = self.make_record(p, m)
                    self.add(n)
                    self.by_person[pid].remove(n.rid)
                    self.by_person[pid].insert(0, n.rid)
                    self.log(m, pid, "reregistered", old, n.rid,
                             "housing register renewal keyed as a new application")
                    touched.add(pid)
                    continue
            if rng.chance(T["dup"]):
                d = self.make_record(p, m, dup=True)
                self.add(d)
                self.log(m, pid, "duplicate_added", lst[0], d.rid,
                         "registered again under a new record")
                touched.add(pid)
            elif rng.chance(T["rereg"]):
                old = lst[0]
                self.withdraw(old)
                n = self.make_record(p, m)
                self.add(n)
                self.by_person[pid].remove(n.rid)
                self.by_person[pid].insert(0, n.rid)
                self.log(m, pid, "reregistered", old, n.rid,
                         "record closed and re-created")
                touched.add(pid)
        # 7. corrections and filled-in values
        for rid, r in self.records.items():
            if r.created == m:
                continue
            p = w.persons[r.pid]
            if r.errors.get("nhs") == "untraced":
                if rng.chance(0.6):
                    del r.errors["nhs"]
                    r.nhs = p.nhs
                    r.row = None
                    self.log(m, r.pid, "correction", rid, rid, "nhs: traced and filled in")
                continue
            if T["edit"] and rng.chance(T["edit"]):
                what = self.introduce_error(r, p)
                if what:
                    r.row = None
                    self.log(m, r.pid, "error_introduced", rid, rid, what)
                    continue
            fixable = [f for f in sorted(r.errors) if r.errors[f] in CORRECTABLE]
            if fixable and rng.chance(T["fix"] * len(fixable) ** 0.5):
                f = rng.choice(fixable)
                kind = r.errors.pop(f)
                if kind == "swap":
                    r.first, r.last = p.first, p.last
                    r.errors.pop("first", None)
                    r.errors.pop("last", None)
                    f = "first_name/last_name"
                elif f == "first":
                    r.first = p.first
                elif f == "last":
                    r.last = p.last
                elif f == "middle":
                    r.middle = self.truth_middle(p)
                elif f == "dob":
                    r.dob = p.dob
                elif f == "sex":
                    r.sex = p.sex
                    r.title = self.draw_title(p, r.sex)
                elif f == "addr":
                    r.aid = p.aid
                    r.pc = w.addresses[p.aid].pc
                    r.errors.pop("pc", None)
                elif f == "pc":
                    r.pc = w.addresses[r.aid].pc
                elif f == "ni":
                    r.ni = p.ni
                elif f == "nhs":
                    r.nhs = p.nhs
                r.row = None
                self.log(m, r.pid, "correction", rid, rid,
                         "%s: %s %s" % (f, kind, "filled in" if kind == "missing"
                                        else "corrected"))
            elif self.T["ni_fill"] and not r.ni and p.ni and rng.chance(T["ni_fill"]):
                r.ni = p.ni
                r.row = None
                self.log(m, r.pid, "correction", rid, rid, "ni: missing filled in")

    def introduce_error(self, r, p):
        """A mis-keyed edit to an existing record (re-keying, merges, migrations)."""
        rng = self.rng
        k = rng.random()
        e = r.errors
        if k < 0.3 and "pc" not in e and r.pc:
            r.pc = pc_typo(rng, r.pc)
            e["pc"] = "typo"
            return "pc: typo introduced"
        if k < 0.5 and "last" not in e and "first" not in e:
            r.last = typo(rng, r.last)
            e["last"] = "typo"
            return "last: typo introduced"
        if k < 0.65 and "first" not in e and len(r.first) > 1:
            r.first = typo(rng, r.first)
            e["first"] = "typo"
            return "first: typo introduced"
        if k < 0.8 and "middle" not in e and r.middle:
            r.middle = ""
            e["middle"] = "missing"
            return "middle: dropped"
        if k < 0.9 and "dob" not in e and r.dob is not None:
            r.dob = dob_typo(rng, r.dob)
            e["dob"] = "dob_typo"
            return "dob: mis-keyed"
        if "sex" not in e and r.sex != "U":
            r.sex = "U"
            r.title = self.draw_title(p, "U")
            e["sex"] = "unknown"
            return "sex: blanked"
        return None

    def other_reason(self, p, start):
        k = self.key
        if k == "council_tax":
            if p.age >= 18 and p.role in ("head", "partner", "sharer"):
                return "became liable for council tax" if start else "no longer liable"
            return "benefit claim started" if start else "benefit claim ended"
        if k == "education":
            return "joined school roll" if start else "left school roll"
        if k == "housing":
            return "became tenant or applicant" if start else "tenancy or application ended"
        if k == "electoral":
            return "registered to vote" if start else "removed from register"
        if k == "health":
            return "registered with a practice" if start else "deregistered"
        return "started using the service" if start else "stopped using the service"


# ===========================================================================
# Output
# ===========================================================================
OUR_TOP_FILES = ["manifest.json", "events.csv", "register.csv", "register_truth.csv"]


def is_month_dir(name):
    return name.startswith("month_") and name[6:].isdigit()


def has_output(out):
    if not os.path.isdir(out):
        return False
    for n in os.listdir(out):
        if n in OUR_TOP_FILES or is_month_dir(n):
            return True
    return False


def clear_output(out):
    for n in sorted(os.listdir(out)):
        path = os.path.join(out, n)
        if n in OUR_TOP_FILES and os.path.isfile(path):
            os.remove(path)
        elif is_month_dir(n) and os.path.isdir(path):
            for f in sorted(os.listdir(path)):
                if (f == "truth_records.csv" or f.startswith("agency_")) and f.endswith(".csv"):
                    os.remove(os.path.join(path, f))
            if not os.listdir(path):
                os.rmdir(path)


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)


class ArgParser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("error: %s\n" % message.replace("\n", " "))
        sys.exit(2)


def fail(msg):
    sys.stderr.write("error: %s\n" % msg)
    sys.exit(2)


def run(people, months, agencies, seed, out, force, quiet=False):
    t0 = time.time()
    world = World(seed, people, months)
    world.initial_population()
    tpls = [TEMPLATES[(i - 1) % len(TEMPLATES)] for i in range(1, agencies + 1)]
    world.ghost_rate = max(t["ghosts"] for t in tpls) or 1.0
    world.make_ghosts(int(people * max(t["ghosts"] for t in tpls)))
    ags = [Agency(i, tpls[i - 1], world, seed) for i in range(1, agencies + 1)]
    for a in ags:
        a.baseline(world.persons[1:])
    os.makedirs(out, exist_ok=True)
    if force:
        clear_output(out)
    prev_rows = [None] * agencies
    stats = []
    for m in range(1, months + 1):
        if m > 1:
            world.step(m)
            persons = world.persons[1:]
            for a in ags:
                a.step(m, persons)
        mdir = os.path.join(out, "month_%02d" % m)
        os.makedirs(mdir, exist_ok=True)
        truth = []
        st = {"month": m, "label": month_label(m),
              "population": sum(1 for p in world.persons[1:] if p.present),
              "records": {}, "new": {}, "changed": {}, "withdrawn": {},
              "new_or_changed_share": {}, "persons_with_records": {}}
        counts = []
        for i, a in enumerate(ags):
            rows = {}
            for rid, r in a.records.items():
                rows[rid] = a.render(r)
            ids = list(rows)
            rng = Rng(seed, "shuffle", m, i + 1)
            rng.shuffle(ids)
            write_csv(os.path.join(mdir, "%s.csv" % a.name), a.T["columns"],
                      (rows[k] for k in ids))
            for rid in sorted(rows):
                truth.append((a.name, rid, a.records[rid].pid))
            pr = prev_rows[i]
            if pr is None:
                new = changed = gone = 0
            else:
                new = sum(1 for k in rows if k not in pr)
                changed = sum(1 for k, v in rows.items() if k in pr and pr[k] != v)
                gone = sum(1 for k in pr if k not in rows)
            st["records"][a.name] = len(rows)
            st["new"][a.name] = new
            st["changed"][a.name] = changed
            st["withdrawn"][a.name] = gone
            st["new_or_changed_share"][a.name] = round((new + changed) / len(rows), 4) \
                if rows and pr is not None else None
            st["persons_with_records"][a.name] = len(a.by_person)
            prev_rows[i] = rows
            cnt = {}
            for pid, lst in a.by_person.items():
                cnt[pid] = len(lst)
            counts.append(cnt)
        write_csv(os.path.join(mdir, "truth_records.csv"), ["agency", "id", "person_id"],
                  truth)
        within = {ags[i].name: sum(c * (c - 1) // 2 for c in counts[i].values())
                  for i in range(agencies)}
        across = {}
        for i in range(agencies):
            for j in range(i + 1, agencies):
                ci, cj = counts[i], counts[j]
                if len(cj) < len(ci):
                    s = sum(v * ci.get(k, 0) for k, v in cj.items())
                else:
                    s = sum(v * cj.get(k, 0) for k, v in ci.items())
                across["%s~%s" % (ags[i].name, ags[j].name)] = s
        st["true_pairs_within"] = within
        st["true_pairs_across"] = across
        ev = {}
        for e in world.events:
            if e[0] == m:
                ev[e[3]] = ev.get(e[3], 0) + 1
        st["events"] = dict(sorted(ev.items()))
        stats.append(st)
    # events
    write_csv(os.path.join(out, "events.csv"),
              ["month", "person_id", "agency", "event", "old_id", "new_id", "detail"],
              world.events)
    # attacker's register
    reg_rows, reg_truth = make_register(world, seed, people, months)
    write_csv(os.path.join(out, "register.csv"),
              ["first_name", "middle_name", "last_name", "sex", "date_of_birth", "postcode"],
              reg_rows)
    write_csv(os.path.join(out, "register_truth.csv"), ["row", "person_id"], reg_truth)
    manifest = build_manifest(world, ags, stats, people, months, agencies, seed,
                              len(reg_rows), sum(1 for x in reg_truth if x[1] != ""))
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    if not quiet:
        print_summary(manifest, out, time.time() - t0)
    return manifest


def make_register(world, seed, people, months):
    rng = Rng(seed, "register")
    rows = []
    ref = month_end(months)
    for p in world.persons[1:]:
        lo = max(1, p.arrived if p.arrived > -999 else 1)
        hi = months if p.present else (p.left - 1 if p.left is not None else months)
        if p.ghost or hi < lo or not rng.chance(0.75):
            continue
        mm = rng.randint(lo, hi)
        aid = p.hist_aid[0][1]
        for mo, a in p.hist_aid:
            if mo <= mm:
                aid = a
        last = p.hist_last[0][1]
        for mo, s in p.hist_last:
            if mo <= mm:
                last = s
        rows.append(((p.first, " ".join(p.middles), last, p.sex, p.dob.isoformat(),
                      world.addresses[aid].pc), p.pid))
    want = 2 * people
    while len(rows) < want:
        group = rng.pick(world.pop_group_t)
        mem, _ = world.gen_household(rng, group, rng.pick(HTYPE_T[group]), ref)
        aid = rng.below(len(world.addresses))
        for p in mem:
            if len(rows) < want:
                rows.append(((p.first, " ".join(p.middles), p.last, p.sex,
                              p.dob.isoformat(), world.addresses[aid].pc), ""))
    rng.shuffle(rows)
    return [r for r, _ in rows], [(i + 1, pid) for i, (_, pid) in enumerate(rows)]


def build_manifest(world, ags, stats, people, months, agencies, seed, reg_n, reg_real):
    ag = []
    for a in ags:
        T = a.T
        d = {"name": a.name, "file": a.name + ".csv", "service": T["service"],
             "template": T["key"], "id_column": T["id_column"],
             "id_format": T["id_format"] + (" + suffix '%d'" % (a.cycle + 1) if a.cycle else ""),
             "header": T["columns"], "columns": T["roles"], "notes": T["notes"]}
        if "full_name_format" in T:
            d["full_name_format"] = T["full_name_format"]
        ag.append(d)
    allev = {}
    for e in world.events:
        allev[e[3]] = allev.get(e[3], 0) + 1
    shares = {}
    for a in ags:
        v = [s["new_or_changed_share"][a.name] for s in stats[1:]]
        shares[a.name] = {"mean": round(sum(v) / len(v), 4) if v else None,
                          "min": min(v) if v else None, "max": max(v) if v else None}
    return {
        "generator": GENERATOR, "generator_version": GENERATOR_VERSION,
        "format_version": 1,
        "options": {"people": people, "months": months, "agencies": agencies, "seed": seed},
        "start_month": month_label(1),
        "persons_ever": len(world.persons) - 1,
        "agencies": ag,
        "months": stats,
        "rates": {"new_or_changed_share_months_2_on": shares,
                  "events_total": dict(sorted(allev.items()))},
        "register": {"rows": reg_n, "rows_of_real_persons": reg_real,
                     "columns": ["first_name", "middle_name", "last_name", "sex",
                                 "date_of_birth", "postcode"],
                     "sex_coding": {"M": "male", "F": "female"},
                     "date_format": "%Y-%m-%d"},
        "files": {"extract": "month_NN/agency_K.csv", "truth": "month_NN/truth_records.csv",
                  "events": "events.csv", "register": "register.csv",
                  "register_truth": "register_truth.csv"},
    }


def print_summary(man, out, secs):
    o = man["options"]
    names = [a["name"] for a in man["agencies"]]
    P = print
    P("heldout4 v%s  seed %s, %s people, %s months, %s agencies -> %s" % (
        man["generator_version"], o["seed"], o["people"], o["months"], o["agencies"], out))
    P("agencies: " + ", ".join("%s=%s" % (a["name"], a["template"]) for a in man["agencies"]))
    P("")
    P("records per agency per month (population present at month end)")
    P("month    " + " ".join("%9s" % n for n in names) + "  population")
    for s in man["months"]:
        P("%s  " % s["label"] + " ".join("%9d" % s["records"][n] for n in names)
          + "  %10d" % s["population"])
    P("")
    for s in (man["months"][0], man["months"][-1]):
        P("true same-person pairs, month %d (%s)" % (s["month"], s["label"]))
        P("  within: " + ", ".join("%s %d" % (k, v) for k, v in s["true_pairs_within"].items()))
        P("  across: " + ", ".join("%s %d" % (k.replace("agency_", "a"), v)
                                   for k, v in s["true_pairs_across"].items()))
    P("")
    P("new or changed records, % of the month's extract (new / changed)")
    P("month    " + " ".join("%17s" % n for n in names))
    for s in man["months"][1:]:
        P("%s  " % s["label"] + " ".join(
            "%5.2f%% (%4d/%4d)" % (100 * s["new_or_changed_share"][n], s["new"][n],
                                   s["changed"][n]) for n in names))
    P("")
    P("events: " + ", ".join("%s %d" % kv for kv in man["rates"]["events_total"].items()))
    P("register: %d rows, %d of them real persons" % (
        man["register"]["rows"], man["register"]["rows_of_real_persons"]))
    P("runtime %.1f s" % secs)


def main(argv=None):
    ap = ArgParser(description="heldout4 monthly multi-agency extract generator")
    ap.add_argument("--people", type=int, default=30000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--agencies", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.people < 1:
        fail("--people must be at least 1 (got %d)" % a.people)
    if a.months < 1:
        fail("--months must be at least 1 (got %d)" % a.months)
    if a.agencies < 2:
        fail("--agencies must be at least 2 (got %d)" % a.agencies)
    if a.months > 99:
        fail("--months must be at most 99 (got %d)" % a.months)
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        fail("--out %s exists and is not a folder" % a.out)
    if has_output(a.out) and not a.force:
        fail("%s already holds generator output; use --force to overwrite" % a.out)
    run(a.people, a.months, a.agencies, a.seed, a.out, a.force, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
