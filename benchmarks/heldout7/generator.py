#!/usr/bin/env python3
"""heldout-7: an independent synthetic generator for record-linkage evaluation.

Population: residents (past and present) of Wrexham county borough in north-east Wales
and of the English villages just across the border, with Welsh, English, Scottish,
Irish, Polish, Portuguese, South Asian, Chinese, Arabic and West African naming
traditions.

Agency A: a health service's GP-registration extract (everyone registered at
2024-09-30; NHS-number-like local ids). Agency B: the council's client index for
education and social care, 2008-04-01 to 2025-03-31, including closed cases of people
who have since left the area or died, partly migrated from a legacy system in 2015.

Usage:  python generator.py OUTDIR --people N --seed S [--force]

Standard library only. Written without reading any linkcore code (see README.md).
"""

import argparse
import bisect
import csv
import json
import math
import os
import random
import re
import sys
import unicodedata
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names_data as ND  # noqa: E402

GENERATOR = "heldout-7"
OUTPUT_FILES = ["agency_a.csv", "agency_b.csv", "truth.csv", "truth_records.csv",
                "register.csv", "register_truth.csv", "manifest.json"]

A_DATE = date(2024, 9, 30).toordinal()      # health extract reference date
B_DATE = date(2025, 3, 31).toordinal()      # council extract reference date
B_START = date(2008, 4, 1).toordinal()      # council index holds cases from here
LEGACY_END = date(2015, 6, 30).toordinal()  # council migrated to its new system
REG_DATE = date(2024, 12, 1).toordinal()    # public register compiled
YEAR = 365.2425

# ---------------------------------------------------------------- rates
# Every probability the generator uses that is worth documenting lives here.
RATES = {
    # population
    "in_migrant_household": 0.22,      # arrived in the area after 2003
    "twin_birth": 0.016,               # per birth, the next child is a twin
    "namesake_son": 0.04,              # first son gets his father's first name
    "middle_name_british": 0.62,
    "given_name_long_tail": 0.3,       # British-Isles first names drawn from a long, flat list
    "known_by_middle": 0.035,          # among British-Isles people with a middle name
    "has_nickname_pref": 0.15,         # among people whose name has a common short form
    "anglicised_pref": 0.12,           # among people whose name has an anglicised form
    "welsh_patronymic_household": 0.008,
    "estimated_dob_refugee": 0.30,     # Arabic-named people born abroad
    "estimated_dob_other_migrant": 0.015,
    # membership
    "a_registered": 0.975, "a_registered_young_men": 0.93, "a_registered_recent_arrival": 0.85,
    "a_ghost_after_leaving": 0.20,     # left within 2 years before A_DATE, still registered
    "a_near_household_registered": 0.10,
    "b_education": 0.93, "b_near_household_welsh_school": 0.06,
    "b_child_social_care": 0.045, "b_unborn_case_share": 0.2,
    "b_services_merged": 0.55,         # a person with 2+ services has one record, else one per service
    "b_legacy_duplicate": 0.03, "b_rereferral_duplicate": 0.01,
    "a_duplicate": 0.012, "a_duplicate_same_nhs_number": 0.2,
    "register_listed": 0.62,           # adults on the open register / broker file
    "register_stale_leaver": 0.12, "register_stale_deceased": 0.08,
    # agency A (health) errors
    "a_stale_address_moved_lt1y": 0.25, "a_stale_address_moved_1to3y": 0.05,
    "a_stale_address_care_home": 0.15, "a_stale_surname": 0.06,
    "a_baby_placeholder": 0.35,        # babies under 4 months at A_DATE
    "a_typo_surname": 0.006, "a_typo_forename": 0.006, "a_alt_spelling": 0.008,
    "a_translit_variant": 0.25, "a_keep_diacritics": 0.6, "a_upper_case": 0.4,
    "a_dob_missing": 0.002, "a_dob_swap": 0.005, "a_dob_digit": 0.003, "a_dob_1900": 0.001,
    "a_dob_jan1": 0.002, "a_use_document_dob": 0.9,
    "a_sex_9": 0.003, "a_sex_0": 0.002, "a_sex_missing": 0.002, "a_sex_wrong": 0.002,
    "a_pc_missing": 0.004, "a_pc_nospace": 0.015, "a_pc_lower": 0.003, "a_pc_typo": 0.003,
    "a_pc_unknown_zz99": 0.002,
    "a_nickname": 0.05, "a_anglicised": 0.2, "a_uses_middle": 0.05, "a_middle_initial": 0.1,
    "a_middle_missing": 0.05, "a_order_swap_south_asian": 0.02, "a_order_swap_chinese": 0.05,
    "a_order_swap_arabic": 0.02,
    # agency B (council) errors
    "b_legacy_format": 0.75,           # records created and closed before the 2015 migration keep legacy formats
    "b_legacy_format_open_after": 0.4, # ... records created before it and still in use after it
    "b_stale_address_open": 0.15, "b_stale_address_recent_move": 0.5, "b_foster_address": 0.15,
    "b_typo_surname": 0.012, "b_typo_forename": 0.012, "b_alt_spelling": 0.018,
    "b_translit_variant": 0.35, "b_keep_diacritics": 0.35, "b_mojibake_legacy": 0.1,
    "b_naive_proper_case": 0.1, "b_upper_new": 0.05, "b_upper_legacy": 0.8,
    "b_dob_missing": 0.02, "b_dob_swap": 0.015, "b_dob_digit": 0.008, "b_dob_1900_legacy": 0.005,
    "b_dob_jan1": 0.004, "b_use_document_dob": 0.75,
    "b_sex_missing": 0.025, "b_sex_unknown": 0.005, "b_sex_wrong": 0.003,
    "b_pc_missing": 0.025, "b_pc_nospace": 0.05, "b_pc_nospace_legacy": 0.15, "b_pc_lower": 0.02,
    "b_pc_letter_o": 0.04,             # of postcodes containing a zero
    "b_pc_district_only": 0.02, "b_pc_typo": 0.005, "b_pc_double_space": 0.003,
    "b_nickname": 0.30, "b_anglicised": 0.45, "b_uses_middle": 0.35, "b_english_name": 0.6,
    "b_given_with_middles": 0.45, "b_initials_only": 0.01, "b_initials_only_legacy": 0.03,
    "b_known_as_filled": 0.6, "b_stepfamily_surname": 0.5,
    "b_order_swap_south_asian": 0.05, "b_order_swap_chinese": 0.12, "b_order_swap_arabic": 0.05,
    "b_father_name_as_surname_arabic": 0.05, "b_unborn_not_updated": 0.4, "b_town_welsh": 0.08,
}

# surname-form variants: (pattern, [(rate A, rate B, transform)]); remainder = as written
SURNAME_VARIANTS_DOC = {
    "Mc/Mac": "case after prefix A 5% B 9%; Mc<->Mac A 4% B 6%; space A 1.5% B 3.5%; M' A 0.5% B 1.5%",
    "O'": "no apostrophe A 4% B 8%; space A 2% B 5%; curly apostrophe A 3% B 5%; "
          "Obrien A 1% B 4%; O'brien A 1% B 2%",
    "hyphenated": "space A 4% B 7%; joined A 1% B 2%; first half A 3% B 7%; second half A 5% B 10%",
    "two words": "hyphen A 8% B 10%; first A 3% B 6%; second A 8% B 14%; joined A 1% B 2%",
    "particle da/dos/de": "capitalised A 8% B 12%; joined A 2% B 5%; dropped A 8% B 15%",
    "Al-": "space A 8% B 12%; joined A 6% B 10%; dropped A 4% B 7%; El- A 2% B 4%; al- A 2% B 3%",
    "ap/ab/ferch": "capitalised A 15% B 20%; joined A 3% B 5%; particle dropped A 12% B 20%; hyphen A 2% B 3%",
    "Polish -ska/-ski": "other gender form A 5% B 12% (women)",
}


class WT:
    """Weighted table with O(log n) draws."""

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum = []
        acc = 0.0
        for _, w in pairs:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def pick(self, rng):
        i = bisect.bisect_right(self.cum, rng.random() * self.total)
        return self.items[min(i, len(self.items) - 1)]


def wt(spec):
    pairs = []
    for part in spec.split("|"):
        if ":" in part:
            k, w = part.rsplit(":", 1)
            pairs.append((k, float(w)))
        else:
            pairs.append((part, None))
    if pairs[0][1] is None:
        pairs = [(k, 1.0 / (i + 3.0)) for i, (k, _) in enumerate(pairs)]
    return WT(pairs)


def zipf(spec, k=3.0):
    items = [x for x in spec.split("|") if x]
    return WT([(x, 1.0 / (i + k)) for i, x in enumerate(items)])


# ---------------------------------------------------------------- tables
SUR = {
    "welsh": wt(ND.WELSH_SUR), "english": wt(ND.ENGLISH_SUR), "scottish": wt(ND.SCOTTISH_SUR),
    "irish": wt(ND.IRISH_SUR), "portuguese": wt(ND.PORTUGUESE_SUR),
    "arabic": wt(ND.ARABIC_SUR), "west_african": wt(ND.WAFRICAN_SUR),
    "chinese_pinyin": wt(ND.CHINESE_SUR_PINYIN), "chinese_cant": wt(ND.CHINESE_SUR_CANT),
}
POLISH_SUR = wt(ND.POLISH_SUR)
SA_SUR = {k: wt(v) for k, v in ND.SA_SUR.items()}
SA_SUB = wt(ND.SA_SUB)
COHORT_M = [(y, zipf(m, 6.0 if y < 1985 else 12.0)) for y, m, f in ND.COHORTS]
COHORT_F = [(y, zipf(f, 6.0 if y < 1985 else 12.0)) for y, m, f in ND.COHORTS]
TAIL_M = zipf(ND.TAIL_M, 40.0)
TAIL_F = zipf(ND.TAIL_F, 40.0)
GROUP_GIVEN = {g: (s, zipf(m, 8.0) if m else None, zipf(f, 8.0) if f else None)
               for g, (s, m, f) in ND.GROUP_GIVEN.items()}
WELSH_MID = {"M": zipf(ND.WELSH_MIDDLES_M), "F": zipf(ND.WELSH_MIDDLES_F)}
GIVEN = {
    ("polish", "M"): zipf(ND.POLISH_GIVEN_M), ("polish", "F"): zipf(ND.POLISH_GIVEN_F),
    ("polish_kid", "M"): zipf(ND.POLISH_KIDS_M), ("polish_kid", "F"): zipf(ND.POLISH_KIDS_F),
    ("portuguese", "M"): zipf(ND.PORT_GIVEN_M), ("portuguese", "F"): zipf(ND.PORT_GIVEN_F),
    ("chinese_pinyin", "M"): zipf(ND.CHINESE_GIVEN_PINYIN), ("chinese_pinyin", "F"): zipf(ND.CHINESE_GIVEN_PINYIN),
    ("chinese_cant", "M"): zipf(ND.CHINESE_GIVEN_CANT), ("chinese_cant", "F"): zipf(ND.CHINESE_GIVEN_CANT),
    ("chinese_english", "M"): zipf(ND.CHINESE_ENGLISH_M), ("chinese_english", "F"): zipf(ND.CHINESE_ENGLISH_F),
    ("arabic", "M"): zipf(ND.ARABIC_GIVEN_M), ("arabic", "F"): zipf(ND.ARABIC_GIVEN_F),
    ("west_african", "M"): zipf(ND.WAFRICAN_GIVEN_M), ("west_african", "F"): zipf(ND.WAFRICAN_GIVEN_F),
}
for _sub, (_m, _f) in ND.SA_GIVEN.items():
    GIVEN[(_sub, "M")] = zipf(_m)
    GIVEN[(_sub, "F")] = zipf(_f)

BRITISH = ("welsh", "english", "scottish", "irish")
GROUP_WEIGHTS = {
    "area": WT([("welsh", 0.37), ("english", 0.33), ("scottish", 0.05), ("irish", 0.07),
                ("polish", 0.055), ("portuguese", 0.015), ("south_asian", 0.045),
                ("chinese", 0.016), ("arabic", 0.015), ("west_african", 0.012)]),
    "near": WT([("welsh", 0.16), ("english", 0.62), ("scottish", 0.05), ("irish", 0.06),
                ("polish", 0.03), ("portuguese", 0.005), ("south_asian", 0.04),
                ("chinese", 0.015), ("arabic", 0.006), ("west_african", 0.012)]),
}
GROUP_WEIGHTS["far"] = GROUP_WEIGHTS["near"]
BRIT_WEIGHTS = {
    "area": WT([("welsh", 0.37), ("english", 0.33), ("scottish", 0.05), ("irish", 0.07)]),
    "near": WT([("welsh", 0.16), ("english", 0.62), ("scottish", 0.05), ("irish", 0.06)]),
}
BRIT_WEIGHTS["far"] = BRIT_WEIGHTS["near"]

STREET_EN_BASE = zipf(ND.STREET_EN_BASE, 8.0)
STREET_EN_TYPE = wt(ND.STREET_EN_TYPE)
STREET_CY_PREFIX = wt(ND.STREET_CY_PREFIX)
STREET_CY_ELEM = zipf(ND.STREET_CY_ELEM, 8.0)
HOUSE_NAMES = zipf(ND.HOUSE_NAMES, 6.0)
CARE_A = ND.CARE_HOME_A.split("|")
CARE_B = ND.CARE_HOME_B.split("|")
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NFA_POSTCODE_A = "ZZ99 3VZ"     # NHS convention: no fixed abode
UNKNOWN_POSTCODE_A = "ZZ99 3WZ"  # NHS convention: address not known
COUNCIL_POSTCODE = "LL11 1AY"    # the council's civic offices, used by B as a placeholder

# ---------------------------------------------------------------- date helpers


def add_years(o, n):
    d = date.fromordinal(o)
    try:
        return date(d.year + n, d.month, d.day).toordinal()
    except ValueError:  # 29 February
        return date(d.year + n, 2, 28).toordinal()


def age_at(dob, t):
    a, b = date.fromordinal(dob), date.fromordinal(t)
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def dob_for_age(tref, age, rng):
    return tref - int(age * YEAR) - rng.randrange(365)


def school_year(dob):
    d = date.fromordinal(dob)
    return d.year if d.month >= 9 else d.year - 1


def iso(o):
    return date.fromordinal(o).isoformat()


def dmy(o, two_digit=False):
    d = date.fromordinal(o)
    y = d.year % 100 if two_digit else d.year
    return f"{d.day:02d}/{d.month:02d}/{y:02d}" if two_digit else f"{d.day:02d}/{d.month:02d}/{y:04d}"


# ---------------------------------------------------------------- string helpers
SPECIAL = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss", "æ": "ae", "’": "'"}


def strip_diacritics(s):
    s = "".join(SPECIAL.get(c, c) for c in s)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def has_non_ascii(s):
    return any(ord(c) > 127 for c in s)


def mojibake(s):
    return s.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?")


def naive_proper(s):
    out, up = [], True
    for c in s:
        out.append(c.upper() if up else c.lower())
        up = not c.isalpha()
        if c == "'":  # the naive routine treats an apostrophe as part of the word
            up = False
    return "".join(out)


KEYB = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGH = {}
for _r, _row in enumerate(KEYB):
    for _i, _c in enumerate(_row):
        n = []
        for dr in (-1, 0, 1):
            rr = _r + dr
            if 0 <= rr < 3:
                for di in (-1, 0, 1):
                    ii = _i + di
                    if (dr or di) and 0 <= ii < len(KEYB[rr]):
                        n.append(KEYB[rr][ii])
        NEIGH[_c] = "".join(n)


def typo(s, rng):
    pos = [i for i, c in enumerate(s) if c.isalpha()]
    if len(pos) < 3:
        return s
    i = pos[rng.randrange(1, len(pos))]  # first letters are rarely mistyped
    c = s[i]
    op = rng.random()
    if op < 0.35 and c.lower() in NEIGH:
        r = rng.choice(NEIGH[c.lower()])
        return s[:i] + (r.upper() if c.isupper() else r) + s[i + 1:]
    if op < 0.6:
        return s[:i] + s[i + 1:]
    if op < 0.8:
        return s[:i] + c + s[i:]
    if i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + c + s[i + 2:]
    return s[:i] + s[i + 1:]


def swap_tokens(s, table, rng):
    toks = s.split(" ")
    idx = [i for i, t in enumerate(toks) if t in table and table[t]]
    if not idx:
        return s
    i = rng.choice(idx)
    toks[i] = rng.choice(table[toks[i]])
    return " ".join(toks)


def pick_variant(rng, ag, options):
    r = rng.random()
    for pa, pb, f in options:
        p = pa if ag == "a" else pb
        if r < p:
            return f
        r -= p
    return None


MAC_LOWER = {"Mackenzie": ("Mac", "Kenzie"), "Mackay": ("Mac", "Kay"), "Maclean": ("Mac", "Lean")}
RE_MC = re.compile(r"^(Mc|Mac)([A-Z]\w+)$")
RE_O = re.compile(r"^O'(\w+)$")


def surname_form(s, ag, rng):
    """How one agency writes a canonical surname (structure only, before case)."""
    low = s.lower()
    if low.startswith(("ap ", "ab ", "ferch ")):
        part, rest = s.split(" ", 1)
        f = pick_variant(rng, ag, [(0.15, 0.20, lambda: part.capitalize() + " " + rest),
                                   (0.03, 0.05, lambda: part + rest),
                                   (0.12, 0.20, lambda: rest),
                                   (0.02, 0.03, lambda: part.capitalize() + "-" + rest)])
        return f() if f else s
    if low.startswith(("da ", "dos ", "de ")):
        part, rest = s.split(" ", 1)
        f = pick_variant(rng, ag, [(0.08, 0.12, lambda: part.capitalize() + " " + rest),
                                   (0.02, 0.05, lambda: part.capitalize() + rest),
                                   (0.08, 0.15, lambda: rest)])
        return f() if f else s
    if s.startswith("Al-"):
        rest = s[3:]
        f = pick_variant(rng, ag, [(0.08, 0.12, lambda: "Al " + rest), (0.06, 0.10, lambda: "Al" + rest.lower()),
                                   (0.04, 0.07, lambda: rest), (0.02, 0.04, lambda: "El-" + rest),
                                   (0.02, 0.03, lambda: "al-" + rest)])
        return f() if f else s
    m = RE_MC.match(s)
    if m or s in MAC_LOWER:
        pre, root = m.groups() if m else MAC_LOWER[s]
        lower_form = (pre + root.lower()) if m else (pre + root)  # case after the prefix flipped
        f = pick_variant(rng, ag, [(0.05, 0.09, lambda: lower_form),
                                   (0.04, 0.06, lambda: ("Mac" if pre == "Mc" else "Mc") + root),
                                   (0.015, 0.035, lambda: pre + " " + root),
                                   (0.005, 0.015, lambda: "M'" + root)])
        return f() if f else s
    m = RE_O.match(s)
    if m:
        root = m.group(1)
        f = pick_variant(rng, ag, [(0.04, 0.08, lambda: "O" + root), (0.02, 0.05, lambda: "O " + root),
                                   (0.03, 0.05, lambda: "O\u2019" + root), (0.01, 0.04, lambda: "O" + root.lower()),
                                   (0.01, 0.02, lambda: "O'" + root.lower())])
        return f() if f else s
    if "-" in s:
        x, y = s.split("-", 1)
        f = pick_variant(rng, ag, [(0.04, 0.07, lambda: x + " " + y), (0.01, 0.02, lambda: x + y),
                                   (0.03, 0.07, lambda: x), (0.05, 0.10, lambda: y)])
        return f() if f else s
    if " " in s and not s.startswith("Ó "):
        x, y = s.split(" ", 1)
        f = pick_variant(rng, ag, [(0.08, 0.10, lambda: x + "-" + y), (0.03, 0.06, lambda: x),
                                   (0.08, 0.14, lambda: y), (0.01, 0.02, lambda: x + y)])
        return f() if f else s
    return s


# ---------------------------------------------------------------- geography
class Street:
    __slots__ = ("en", "cy", "district", "post_town", "locality", "region", "houses")


class House:
    __slots__ = ("number", "name", "street", "postcode", "kind")

    def line(self, welsh=False):
        st = self.street
        sname = (st.cy if (welsh and st.cy) else st.en) if st else ""
        if self.kind == "carehome":
            return self.name
        if self.number is None:
            return f"{self.name}, {sname}" if sname else self.name
        return f"{self.number} {sname}"


class Geo:
    def __init__(self, rng):
        self.rng = rng
        self.vacant = {"area": [], "near": [], "far": []}
        self.houses = {"area": [], "near": [], "far": []}
        self.used_units = set()
        self.dweights = {r: WT([(d, d[3]) for d in ND.DISTRICTS[r]]) for r in ND.DISTRICTS}
        self.care_homes = []
        self.care_cap = []
        for r in ("area", "near", "far"):
            while len(self.houses[r]) < 400:
                self.new_street(r)

    def new_unit(self, district):
        rng = self.rng
        while True:
            pc = f"{district} {rng.randrange(10)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
            if pc not in self.used_units and pc != COUNCIL_POSTCODE:
                self.used_units.add(pc)
                return pc

    def street_name(self, region):
        rng = self.rng
        if region == "area":
            r = rng.random()
            if r < 0.12:
                return rng.choice(ND.BILINGUAL)
            if r < 0.45:
                return (f"{STREET_CY_PREFIX.pick(rng)} {STREET_CY_ELEM.pick(rng)}", None)
        return (f"{STREET_EN_BASE.pick(rng)} {STREET_EN_TYPE.pick(rng)}", None)

    def new_street(self, region):
        rng = self.rng
        d = self.dweights[region].pick(rng)
        st = Street()
        st.en, st.cy = self.street_name(region)
        st.district, st.post_town = d[0], d[1]
        locs = d[2]
        st.locality = locs[0] if rng.random() < 0.55 else rng.choice(locs[1:])
        st.region = region
        rural = st.locality != locs[0]
        length = rng.randint(5, 30) if rural else rng.randint(8, 60)
        houses = []
        n = 1
        while n <= length:
            run = rng.randint(8, 30) if rural else rng.randint(6, 18)
            pc = self.new_unit(d[0])
            for k in range(n, min(length, n + run - 1) + 1):
                h = House()
                h.street, h.postcode, h.kind = st, pc, "home"
                if rural and rng.random() < 0.3:
                    h.number, h.name = None, HOUSE_NAMES.pick(rng)
                else:
                    h.number, h.name = str(k), None
                houses.append(h)
            n += run
        st.houses = houses
        self.houses[region].extend(houses)
        self.vacant[region].extend(houses)
        return st

    def alloc(self, region):
        v = self.vacant[region]
        while len(v) < 30:
            self.new_street(region)
        i = self.rng.randrange(len(v))
        v[i], v[-1] = v[-1], v[i]
        return v.pop()

    def any_house(self, region):
        hs = self.houses[region]
        return hs[self.rng.randrange(len(hs))]

    def care_home(self):
        rng = self.rng
        for i, cap in enumerate(self.care_cap):
            if cap > 0 and rng.random() < 0.7:
                self.care_cap[i] -= 1
                return self.care_homes[i]
        h = House()
        h.kind = "carehome"
        donor = self.any_house("area")
        h.street = donor.street
        h.number = None
        h.name = f"{rng.choice(CARE_A)} {rng.choice(CARE_B)}"
        h.postcode = self.new_unit(donor.street.district)
        self.care_homes.append(h)
        self.care_cap.append(rng.randint(20, 60) - 1)
        return h


NFA = House()
NFA.number, NFA.name, NFA.street, NFA.postcode, NFA.kind = None, "", None, "", "nfa"


# ---------------------------------------------------------------- people
class Person:
    __slots__ = ("pid", "group", "sub", "sex", "dob", "doc_dob", "first", "middles", "sur_hist",
                 "known", "known_kind", "alt_sur", "alt_p", "style", "addr", "res_start", "res_end",
                 "status", "region", "arrive", "mother", "care_entry", "hh_id", "near_a", "near_b",
                 "person_id", "born_abroad")

    def __init__(self):
        self.known = None
        self.known_kind = None
        self.alt_sur = None
        self.alt_p = (0.0, 0.0)
        self.style = None
        self.mother = None
        self.care_entry = None
        self.arrive = None
        self.near_a = self.near_b = False
        self.born_abroad = False

    def surname_at(self, t):
        s = self.sur_hist[0][1]
        for t0, name in self.sur_hist:
            if t0 <= t:
                s = name
        return s

    def addr_index(self, t):
        idx = 0
        for i, (t0, _) in enumerate(self.addr):
            if t0 <= t:
                idx = i
        return idx


def cohort_pick(tables, byear):
    for y, t in tables:
        if byear <= y:
            return t
    return tables[-1][1]


def british_given(group, sex, byear, rng):
    share, tm, tf = GROUP_GIVEN[group]
    t = tm if sex == "M" else tf
    if t is not None and rng.random() < share:
        return t.pick(rng)
    if rng.random() < RATES["given_name_long_tail"]:
        return (TAIL_M if sex == "M" else TAIL_F).pick(rng)
    return cohort_pick(COHORT_M if sex == "M" else COHORT_F, byear).pick(rng)


class Pop:
    def __init__(self, rng, geo):
        self.rng = rng
        self.geo = geo
        self.people = []
        self.hh_counter = 0

    # ----- naming
    def given(self, group, sub, sex, byear, rng, uk_born_child=False):
        if group in BRITISH:
            return british_given(group, sex, byear, rng)
        if group == "polish":
            if uk_born_child and rng.random() < 0.5:
                return GIVEN[("polish_kid", sex)].pick(rng)
            return GIVEN[("polish", sex)].pick(rng)
        if group == "chinese":
            return GIVEN[(sub, sex)].pick(rng)
        if group == "south_asian":
            if uk_born_child and rng.random() < 0.15:
                return british_given("english", sex, byear, rng)
            return GIVEN[(sub, sex)].pick(rng)
        if group in ("portuguese", "arabic", "west_african"):
            if uk_born_child and rng.random() < {"portuguese": 0.3, "arabic": 0.1, "west_african": 0.4}[group]:
                return british_given("english", sex, byear, rng)
            return GIVEN[(group, sex)].pick(rng)
        return british_given("english", sex, byear, rng)

    def surname(self, group, sub, sex, rng):
        if group in BRITISH or group in ("portuguese", "arabic", "west_african"):
            s = SUR[group].pick(rng)
            if group == "portuguese" and " " not in s and rng.random() < 0.3:
                s2 = SUR[group].pick(rng)
                if s2 != s and " " not in s2:
                    s = f"{s} {s2}"
            return s
        if group == "polish":
            m, f = POLISH_SUR.pick(rng).split("/")
            return f if sex == "F" else m
        if group == "south_asian":
            return SA_SUR[sub].pick(rng)
        if group == "chinese":
            return SUR["chinese_cant" if sub == "chinese_cant" else "chinese_pinyin"].pick(rng)
        return SUR["english"].pick(rng)

    def subgroup(self, group, rng):
        if group == "south_asian":
            return SA_SUB.pick(rng)
        if group == "chinese":
            return "chinese_cant" if rng.random() < 0.62 else "chinese_pinyin"
        return None

    def make(self, group, sub, sex, dob, surname, rng, uk_born_child=False, region="area"):
        p = Person()
        p.pid = len(self.people)
        self.people.append(p)
        p.group, p.sub, p.sex, p.dob = group, sub, sex, dob
        p.doc_dob = dob
        p.region = region
        byear = date.fromordinal(dob).year
        p.first = self.given(group, sub, sex, byear, rng, uk_born_child)
        p.middles = []
        p.sur_hist = [(0, surname)]
        if group in BRITISH:
            if rng.random() < RATES["middle_name_british"]:
                if group == "welsh" and rng.random() < 0.3:
                    m = WELSH_MID[sex].pick(rng)
                else:
                    m = british_given(group, sex, byear + rng.randint(-30, 0), rng)
                if m != p.first:
                    p.middles.append(m)
                    if rng.random() < 0.1:
                        m2 = british_given(group, sex, byear - 30, rng)
                        if m2 not in (m, p.first):
                            p.middles.append(m2)
            if p.middles and rng.random() < RATES["known_by_middle"] * (1.8 if byear < 1960 else 1.0):
                p.known, p.known_kind = p.middles[0], "middle"
        elif group == "polish" and rng.random() < 0.12:
            p.middles.append(self.given(group, sub, sex, byear, rng))
        elif group == "portuguese" and rng.random() < 0.5:
            m = self.given(group, sub, sex, byear, rng)
            if m != p.first:
                p.middles.append(m)
        elif group == "south_asian":
            if sub == "sikh":
                rel = "Singh" if sex == "M" else "Kaur"
                if rng.random() < 0.3:
                    p.sur_hist = [(0, rel)]  # no family name in use
                else:
                    p.middles.append(rel)
                    p.style = "sikh"
            elif sub in ("pakistani", "bangladeshi") and sex == "M" and p.first in ("Mohammed", "Abdul") \
                    and rng.random() < 0.8:
                m = GIVEN[(sub, "M")].pick(rng)
                if m not in ("Mohammed", "Abdul"):
                    p.middles.append(m)
                    if rng.random() < 0.6:
                        p.known, p.known_kind = m, "middle"
        elif group == "chinese":
            if rng.random() < (0.55 if sub == "chinese_cant" else 0.3) or uk_born_child:
                p.known, p.known_kind = GIVEN[("chinese_english", sex)].pick(rng), "english"
        elif group == "arabic" and rng.random() < 0.7:
            p.middles.append(GIVEN[("arabic", "M")].pick(rng))  # father's given name
        elif group == "west_african" and rng.random() < 0.4:
            m = GIVEN[("west_african", sex)].pick(rng)
            if m != p.first:
                p.middles.append(m)
        if p.known is None:
            if p.first in ND.NICK and rng.random() < RATES["has_nickname_pref"]:
                p.known, p.known_kind = rng.choice(ND.NICK[p.first]), "nick"
            elif p.first in ND.ANGLICISED and rng.random() < RATES["anglicised_pref"]:
                p.known, p.known_kind = ND.ANGLICISED[p.first], "angl"
        return p

    # ----- households
    def pick_group(self, region, rng):
        g = GROUP_WEIGHTS[region].pick(rng)
        return g, self.subgroup(g, rng)

    def partner_group(self, g, sub, region, rng):
        if g in BRITISH:
            if rng.random() < 0.93:
                return BRIT_WEIGHTS[region].pick(rng), None
            return self.pick_group(region, rng)
        if rng.random() < 0.85:
            return g, sub if g != "chinese" or rng.random() < 0.8 else self.subgroup(g, rng)
        return BRIT_WEIGHTS[region].pick(rng), None

    def take_name_p(self, byear, g):
        if g in ("chinese", "arabic", "portuguese") or (g == "south_asian"):
            return 0.35
        if byear < 1960:
            return 0.95
        if byear < 1980:
            return 0.88
        return 0.75

    def marry(self, wife, husband_sur, t, rng, reverted_at=None):
        """Record a change of surname on marriage (and reversion after divorce)."""
        byear = date.fromordinal(wife.dob).year
        birth = wife.sur_hist[0][1]
        if birth == husband_sur:
            return
        r = rng.random()
        tp = self.take_name_p(byear, wife.group)
        if r < tp:
            new = husband_sur
        elif r < tp + 0.04 and wife.group in BRITISH and " " not in birth and "-" not in birth \
                and " " not in husband_sur and "-" not in husband_sur:
            new = f"{birth}-{husband_sur}"
        else:
            return
        if wife.group == "polish" and husband_sur.endswith("ski"):
            new = husband_sur[:-1] + "a"
        wife.sur_hist.append((t, new))
        if reverted_at is not None:
            wife.sur_hist.append((reverted_at, birth))

    def household(self, kind, region, tref, rng):
        """Build one household as it was at time tref; returns (members, move rate)."""
        g, sub = self.pick_group(region, rng)
        members = []
        rate = 0.08
        if kind in ("family", "single_parent") and g in ("south_asian", "arabic") and rng.random() < 0.25:
            kind = "multigen"

        def adult(sex, age, group=g, sb=sub, surname=None):
            dob = dob_for_age(tref, age, rng)
            sur = surname or self.surname(group, sb, sex, rng)
            return self.make(group, sb, sex, dob, sur, rng, region=region)

        def add_kids(mother, father_sur, mother_sur_for_kids, parent_group, parent_sub, max_age=24):
            mage = age_at(mother.dob, tref)
            nk = WT([(1, 0.36), (2, 0.40), (3, 0.16), (4, 0.06), (5, 0.02)]).pick(rng)
            kids = []
            mab = rng.randint(19, max(19, min(40, mage - 1)))
            age = mage - mab
            last = None
            ap = None
            if parent_group == "welsh" and father_sur is not None and rng.random() < RATES["welsh_patronymic_household"]:
                ap = True
            for _ in range(nk):
                if age < 0 or mage - age > 45:
                    break
                twin = last is not None and rng.random() < RATES["twin_birth"]
                sex = "M" if rng.random() < 0.512 else "F"
                if twin:
                    dob = last.dob
                else:
                    dob = dob_for_age(tref, age, rng)
                    if dob < mother.dob + int(17 * YEAR):
                        break
                if age <= max_age and dob <= tref:
                    sur = mother_sur_for_kids if mother_sur_for_kids else father_sur
                    kg = parent_group if rng.random() < 0.8 else mother.group
                    ksub = sub if kg == g else mother.sub
                    k = self.make(kg, ksub, sex, dob, sur, rng, uk_born_child=True, region=region)
                    k.mother = mother
                    if twin and rng.random() < 0.3:  # similar twin names
                        alt = self.given(kg, ksub, sex, date.fromordinal(dob).year, rng, True)
                        for _ in range(6):
                            if alt[0] == last.first[0] and alt != last.first:
                                break
                            alt = self.given(kg, ksub, sex, date.fromordinal(dob).year, rng, True)
                        if alt != last.first:
                            k.first = alt
                    if twin and k.first == last.first:
                        k.first = self.given(kg, ksub, sex, date.fromordinal(dob).year, rng, True)
                    if k.group == "polish" and sex == "F" and sur.endswith("ski") and rng.random() < 0.5:
                        k.sur_hist = [(0, sur[:-1] + "a")]
                    kids.append(k)
                    last = k
                if not twin:
                    age -= rng.randint(1, 6)
            if ap:
                fn = None
                for m in members:
                    if m.sex == "M" and m is not mother:
                        fn = m.first
                        break
                if fn:
                    part = "ab" if fn[0] in "AEIOUaeiou" else "ap"
                    for k in kids:
                        k.sur_hist = [(0, f"{part} {fn}" if k.sex == "M" else f"ferch {fn}")]
            return kids

        if kind == "single_young":
            members.append(adult("M" if rng.random() < 0.55 else "F", rng.randint(18, 34)))
            rate = 0.22
        elif kind == "single_mid":
            sex = "M" if rng.random() < 0.5 else "F"
            p = adult(sex, rng.randint(35, 64))
            if sex == "F" and rng.random() < 0.45:
                t_m = add_years(p.dob, rng.randint(20, 32))
                t_d = t_m + int(rng.uniform(3, 20) * YEAR)
                self.marry(p, self.surname(*self.partner_group(g, sub, region, rng), "M", rng), t_m, rng,
                           reverted_at=t_d if (rng.random() < 0.35 and t_d < tref) else None)
            members.append(p)
            rate = 0.08
        elif kind == "single_old":
            sex = "F" if rng.random() < 0.65 else "M"
            p = adult(sex, min(104, 65 + int(rng.expovariate(1 / 9.0))))
            if sex == "F" and rng.random() < 0.85:
                self.marry(p, self.surname(*self.partner_group(g, sub, region, rng), "M", rng),
                           add_years(p.dob, rng.randint(19, 30)), rng)
            members.append(p)
            rate = 0.03
        elif kind in ("couple", "couple_old"):
            if kind == "couple":
                ma = rng.randint(22, 64)
                rate = 0.10
            else:
                ma = min(100, 65 + int(rng.expovariate(1 / 7.0)))
                rate = 0.03
            same_sex = rng.random() < 0.02
            man = adult("M" if not same_sex or rng.random() < 0.5 else "F", ma)
            wg, wsub = self.partner_group(g, sub, region, rng)
            wa = max(18, ma - int(rng.gauss(2, 3)))
            wife = adult("F" if not same_sex else man.sex, wa, wg, wsub)
            members += [man, wife]
            married = rng.random() < (0.92 if kind == "couple_old" else 0.55)
            if married and not same_sex:
                t_m = add_years(max(man.dob, wife.dob), rng.randint(20, 30))
                if t_m < tref:
                    if rng.random() < 0.01:
                        man.sur_hist.append((t_m, wife.sur_hist[0][1]))
                    else:
                        self.marry(wife, man.sur_hist[0][1], t_m, rng)
        elif kind in ("family", "multigen"):
            fa = rng.randint(24, 58)
            father = adult("M", fa)
            mg, msub = self.partner_group(g, sub, region, rng)
            mother = adult("F", max(20, min(55, fa - int(rng.gauss(2, 3)))), mg, msub)
            members += [father, mother]
            married = rng.random() < 0.7
            fsur = father.sur_hist[0][1]
            kid_sur = None
            if married:
                t_m = add_years(mother.dob, rng.randint(20, 30))
                self.marry(mother, fsur, min(t_m, tref - 365), rng)
                if mother.surname_at(tref) != fsur:
                    r = rng.random()
                    if r < 0.2 and mother.group in BRITISH and "-" not in fsur and " " not in fsur:
                        kid_sur = f"{mother.sur_hist[0][1]}-{fsur}" if " " not in mother.sur_hist[0][1] \
                            and "-" not in mother.sur_hist[0][1] else None
                    elif r < 0.3:
                        kid_sur = mother.sur_hist[0][1]
            else:
                r = rng.random()
                if r < 0.15:
                    kid_sur = mother.sur_hist[0][1]
                elif r < 0.25 and mother.group in BRITISH and "-" not in fsur and " " not in fsur \
                        and "-" not in mother.sur_hist[0][1] and " " not in mother.sur_hist[0][1]:
                    kid_sur = f"{mother.sur_hist[0][1]}-{fsur}"
            kids = add_kids(mother, fsur, kid_sur, g, sub)
            # namesake son
            sons = [k for k in kids if k.sex == "M" and k.group == father.group]
            if sons and rng.random() < RATES["namesake_son"]:
                sons[0].first = father.first
            members += kids
            if kind == "multigen":
                gm = adult("F", min(95, age_at(father.dob, tref) + rng.randint(22, 35)), father.group, father.sub,
                           surname=self.surname(father.group, father.sub, "F", rng))
                self.marry(gm, fsur, add_years(gm.dob, 21), rng)
                members.append(gm)
                if rng.random() < 0.5:
                    members.append(adult("M", min(97, age_at(gm.dob, tref) + rng.randint(0, 6)), father.group,
                                         father.sub, surname=fsur))
            rate = 0.07
        elif kind == "single_parent":
            mum = rng.random() < 0.88
            if mum:
                mother = adult("F", rng.randint(19, 52))
                ex_g, ex_sub = self.partner_group(g, sub, region, rng)
                ex_sur = self.surname(ex_g, ex_sub, "M", rng)
                was_married = rng.random() < 0.45
                t_m = add_years(mother.dob, rng.randint(19, 28))
                if was_married and t_m < tref - 2 * 365:
                    t_d = rng.randint(t_m + 365, tref - 180)
                    self.marry(mother, ex_sur, t_m, rng, reverted_at=t_d if rng.random() < 0.35 else None)
                kid_sur = ex_sur if rng.random() < (0.75 if was_married else 0.4) else mother.sur_hist[0][1]
                members.append(mother)
                kids = add_kids(mother, kid_sur, None, g, sub, max_age=20)
                members += kids
                if rng.random() < 0.12:  # new partner; children known at school by his surname
                    pg, psub = self.partner_group(g, sub, region, rng)
                    partner = adult("M", max(20, age_at(mother.dob, tref) + rng.randint(-3, 6)), pg, psub)
                    members.append(partner)
                    for k in kids:
                        if age_at(k.dob, tref) < 16:
                            k.alt_sur = partner.sur_hist[0][1]
                            k.alt_p = (0.03, RATES["b_stepfamily_surname"])
            else:
                father = adult("M", rng.randint(24, 58))
                pseudo_mother = self.make(father.group, father.sub, "F",
                                          father.dob + rng.randint(-900, 1800), "X", rng, region=region)
                self.people.pop()  # not a household member, only used for the children's ages
                members.append(father)
                kids = add_kids(pseudo_mother, father.sur_hist[0][1], None, g, sub, max_age=20)
                for k in kids:
                    k.mother = None
                members += kids
            rate = 0.15
        elif kind == "sharers":
            for _ in range(rng.randint(2, 4)):
                sg, ssub = self.pick_group(region, rng)
                members.append(adult("M" if rng.random() < 0.55 else "F", rng.randint(19, 38), sg, ssub))
            rate = 0.3
        # people born abroad and estimated dates of birth
        for p in members:
            p.hh_id = self.hh_counter
        self.hh_counter += 1
        return members, rate

    def addr_history(self, region, rate, t_end, arrive, rng, first_house=None):
        """Address history [(from, house)] ending at t_end, going back to 2003 or arrival."""
        geo = self.geo
        cur = first_house or geo.alloc(region)
        hist = [(None, cur)]
        t = t_end
        floor = date(2003, 1, 1).toordinal() if arrive is None else arrive
        while True:
            t -= int(rng.expovariate(rate) * YEAR) + 1
            if t <= floor:
                break
            hist[-1] = (t, hist[-1][1])
            prev = geo.any_house(region)
            hist.append((None, prev))
        hist[-1] = (0 if arrive is None else arrive, hist[-1][1])
        hist.reverse()
        return hist


# ---------------------------------------------------------------- membership model
HH_KINDS = WT([("single_young", 0.06), ("single_mid", 0.09), ("single_old", 0.14), ("couple", 0.13),
               ("couple_old", 0.15), ("family", 0.21), ("single_parent", 0.08), ("multigen", 0.02),
               ("sharers", 0.04)])
LEAVER_KINDS = WT([("single_young", 0.16), ("single_mid", 0.05), ("couple", 0.14), ("family", 0.45),
                   ("single_parent", 0.14), ("sharers", 0.06)])
UNIT_TYPES = WT([("current", 0.62), ("leaver", 0.70), ("dec_single", 0.09), ("dec_couple", 0.04),
                 ("care", 0.011), ("nfa", 0.004), ("near", 0.06)])

ARRIVAL_WINDOWS = {  # group: (start year, end year) for in-migrants
    "polish": (2005, 2016), "arabic": (2015, 2021), "west_african": (2012, 2024),
    "portuguese": (2003, 2020), "south_asian": (2003, 2024), "chinese": (2003, 2024),
}


def overlap_years(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0)) / YEAR


class Model:
    def __init__(self, n_people, seed):
        self.n = n_people
        self.seed = seed
        self.rng = random.Random(f"{GENERATOR}:{seed}:population")
        self.geo = Geo(self.rng)
        self.pop = Pop(self.rng, self.geo)
        self.study = []      # persons in at least one extract
        self.others = []     # generated but in no extract (register material)
        self.a_people = {}   # pid -> list of (t, kind, extra)
        self.b_eps = {}      # pid -> list of episodes

    # --- unit generation -------------------------------------------------
    def arrival(self, members, end, rng):
        if rng.random() >= RATES["in_migrant_household"]:
            return None
        g = members[0].group
        lo, hi = ARRIVAL_WINDOWS.get(g, (2003, 2024))
        if g == "chinese" and members[0].sub == "chinese_cant" and rng.random() < 0.6:
            lo, hi = 2021, 2024  # Hong Kong arrivals
        lo_o = date(lo, 1, 1).toordinal()
        hi_o = min(date(hi, 12, 31).toordinal(), end - 60)
        if hi_o <= lo_o:
            return None
        return rng.randint(lo_o, hi_o)

    def finish_people(self, members, hist, arrive, res_end, status, rng):
        for p in members:
            p.addr = hist
            p.arrive = arrive
            p.res_start = max(p.dob, arrive) if arrive else p.dob
            p.res_end = res_end
            p.status = status
            if arrive and p.dob < arrive and p.group not in BRITISH:
                p.born_abroad = True
                est = RATES["estimated_dob_refugee"] if p.group == "arabic" else RATES["estimated_dob_other_migrant"]
                if rng.random() < est:
                    p.doc_dob = date(date.fromordinal(p.dob).year, 1, 1).toordinal()

    def grew_up_here(self, p, hist, rng):
        """Young adults living on their own: give them a childhood address in the area."""
        age = age_at(p.dob, B_DATE)
        if 18 <= age <= 32 and p.arrive is None and p.region == "area" and rng.random() < 0.65:
            leave_home = add_years(p.dob, rng.randint(18, 24))
            geo = self.geo
            child_house = geo.any_house("area")
            new = [(0, child_house)]
            cur = None
            for t0, h in hist:
                if t0 <= leave_home:
                    cur = h
                else:
                    if cur is not None:
                        new.append((leave_home, cur))
                        cur = None
                    new.append((t0, h))
            if cur is not None:
                new.append((leave_home, cur))
            p.addr = new

    def gen_unit(self, rng):
        ut = UNIT_TYPES.pick(rng)
        pop = self.pop
        if ut in ("current", "near"):
            region = "area" if ut == "current" else "near"
            kind = HH_KINDS.pick(rng)
            members, rate = pop.household(kind, region, B_DATE, rng)
            arrive = self.arrival(members, B_DATE, rng)
            hist = pop.addr_history(region, rate, B_DATE, arrive, rng)
            self.finish_people(members, hist, arrive, B_DATE, "current", rng)
            if kind in ("single_young", "couple", "sharers"):  # adults living away from their parents
                for p in members:
                    self.grew_up_here(p, hist, rng)
            if ut == "near":
                a = rng.random() < RATES["a_near_household_registered"]
                b = rng.random() < RATES["b_near_household_welsh_school"]
                for p in members:
                    p.near_a, p.near_b = a, b
            return members
        if ut == "leaver":
            leave = rng.randint(B_START + 200, B_DATE - 10)
            members, rate = pop.household(LEAVER_KINDS.pick(rng), "area", leave, rng)
            arrive = self.arrival(members, leave, rng)
            hist = pop.addr_history("area", rate, leave, arrive, rng)
            self.finish_people(members, hist, arrive, leave, "left", rng)
            return members
        if ut in ("dec_single", "dec_couple"):
            death = rng.randint(B_START, B_DATE - 1)
            g, sub = pop.pick_group("area", rng)
            age = 70 + min(32, int(rng.expovariate(1 / 11.0)))
            sex = "F" if rng.random() < 0.55 else "M"
            p = pop.make(g, sub, sex, dob_for_age(death, age, rng), pop.surname(g, sub, sex, rng), rng)
            if sex == "F":
                pop.marry(p, pop.surname(*pop.partner_group(g, sub, "area", rng), "M", rng),
                          add_years(p.dob, rng.randint(19, 30)), rng)
            hist = pop.addr_history("area", 0.03, death, None, rng)
            members = [p]
            self.finish_people([p], hist, None, death, "died", rng)
            if ut == "dec_couple":
                wg, wsub = pop.partner_group(g, sub, "area", rng)
                other_sex = "F" if sex == "M" else "M"
                w = pop.make(wg, wsub, other_sex, p.dob + rng.randint(-1500, 1500),
                             p.sur_hist[0][1] if other_sex == "M" else pop.surname(wg, wsub, "F", rng), rng)
                if other_sex == "F":
                    pop.marry(w, p.sur_hist[0][1], add_years(w.dob, rng.randint(19, 30)), rng)
                else:  # the surviving husband: the deceased wife took his name
                    p.sur_hist = [p.sur_hist[0]]
                    pop.marry(p, w.sur_hist[0][1], add_years(p.dob, rng.randint(19, 30)), rng)
                hist2 = list(hist)
                if rng.random() < 0.2:  # survivor moved after the death
                    hist2.append((death + rng.randint(60, 900), self.geo.alloc("area")))
                    hist2 = [x for x in hist2 if x[0] <= B_DATE]
                self.finish_people([w], hist2, None, B_DATE, "current", rng)
                if age_at(w.dob, B_DATE) > 104:
                    w.status, w.res_end = "died", min(B_DATE - 1, death + rng.randint(100, 3000))
                members.append(w)
            for m in members:
                m.hh_id = pop.hh_counter
            pop.hh_counter += 1
            return members
        if ut == "care":
            g, sub = pop.pick_group("area", rng)
            sex = "F" if rng.random() < 0.7 else "M"
            age = 75 + min(29, int(rng.expovariate(1 / 8.0)))
            p = pop.make(g, sub, sex, dob_for_age(B_DATE, age, rng), pop.surname(g, sub, sex, rng), rng)
            if sex == "F" and rng.random() < 0.9:
                pop.marry(p, pop.surname(*pop.partner_group(g, sub, "area", rng), "M", rng),
                          add_years(p.dob, rng.randint(19, 30)), rng)
            entry = B_DATE - int(rng.uniform(0.1, 5.0) * YEAR)
            hist = pop.addr_history("area", 0.03, entry, None, rng)
            hist.append((entry, self.geo.care_home()))
            self.finish_people([p], hist, None, B_DATE, "current", rng)
            p.care_entry = entry
            p.hh_id = pop.hh_counter
            pop.hh_counter += 1
            return [p]
        # no fixed abode
        g, sub = pop.pick_group("area", rng)
        sex = "M" if rng.random() < 0.8 else "F"
        p = pop.make(g, sub, sex, dob_for_age(B_DATE, rng.randint(19, 62), rng), pop.surname(g, sub, sex, rng), rng)
        t_nfa = B_DATE - int(rng.uniform(0.2, 4) * YEAR)
        hist = pop.addr_history("area", 0.2, t_nfa, None, rng)
        hist.append((t_nfa, NFA))
        self.finish_people([p], hist, None, B_DATE, "current", rng)
        p.hh_id = pop.hh_counter
        pop.hh_counter += 1
        return [p]

    # --- membership --------------------------------------------------------
    def a_membership(self, p, rng):
        """List of A-record snapshots (time) for person p (empty if not in A)."""
        if p.region == "near":
            if p.near_a and p.dob <= A_DATE and rng.random() < 0.95:
                return [A_DATE]
            return []
        if p.region != "area":
            return []
        if p.res_start <= A_DATE <= p.res_end:
            age = age_at(p.dob, A_DATE)
            pr = RATES["a_registered"]
            if p.sex == "M" and 18 <= age <= 35:
                pr = RATES["a_registered_young_men"]
            if p.arrive and A_DATE - p.arrive < 365:
                pr = RATES["a_registered_recent_arrival"]
            if p.addr[-1][1] is NFA:
                pr = 0.85
            return [A_DATE] if rng.random() < pr else []
        if p.status == "left" and A_DATE - 730 <= p.res_end < A_DATE:
            if rng.random() < RATES["a_ghost_after_leaving"]:
                return [p.res_end - 1]
        return []

    def b_episodes(self, p, rng):
        if p.region == "near":
            if not p.near_b:
                return []
            lo, hi = B_START, B_DATE
        elif p.region != "area":
            return []
        else:
            lo, hi = max(p.res_start, B_START), p.res_end
        if hi <= lo:
            return []
        eps = []
        sy = school_year(p.dob)
        es = date(sy + 4, 9, 1).toordinal() if rng.random() < 0.5 else date(sy + 5, 9, 1).toordinal()
        ee = date(sy + 16, 8, 31).toordinal() if rng.random() > 0.45 else date(sy + 18, 8, 31).toordinal()
        s, e = max(es, lo), min(ee, hi)
        p_edu = 0.95 if p.region == "near" else RATES["b_education"]
        if e - s > 30 and rng.random() < p_edu:
            eps.append(["EDU", s, e])
        if p.region == "near":
            return eps
        # children's social care
        s0, e0 = max(p.dob, lo), min(add_years(p.dob, 18), hi)
        if e0 - s0 > 60 and rng.random() < RATES["b_child_social_care"]:
            if p.dob >= B_START + 200 and p.dob <= hi and (p.arrive is None or p.arrive < p.dob) \
                    and rng.random() < RATES["b_unborn_case_share"]:
                st = p.dob - rng.randint(30, 150)
            else:
                st = rng.randint(s0, e0 - 30)
            en = min(st + int(rng.expovariate(1 / 1.5) * YEAR) + 30, e0)
            eps.append(["CSC", st, max(en, st + 30)])
        # adult social care, working age
        y = overlap_years(add_years(p.dob, 18), add_years(p.dob, 65), lo, hi)
        if y > 0.5 and rng.random() < 1 - math.exp(-0.0025 * y):
            a0, a1 = max(lo, add_years(p.dob, 18)), min(hi, add_years(p.dob, 65))
            st = rng.randint(a0, max(a0, a1 - 30))
            en = hi if rng.random() < 0.4 else min(hi, st + int(rng.expovariate(1 / 2.0) * YEAR) + 30)
            eps.append(["ASC", st, en])
        # adult social care, older people
        y1 = overlap_years(add_years(p.dob, 65), add_years(p.dob, 80), lo, hi)
        y2 = overlap_years(add_years(p.dob, 80), add_years(p.dob, 120), lo, hi)
        hz = 0.018 * y1 + 0.09 * y2
        if p.status == "died":
            hz *= 1.6
        if p.care_entry is not None:
            hz = 2.0
        if p.addr[-1][1] is NFA:
            hz = 0.6
        if hz > 0 and rng.random() < 1 - math.exp(-hz) and not any(x[0] == "ASC" for x in eps):
            a0 = max(lo, add_years(p.dob, 65) if p.addr[-1][1] is not NFA else lo)
            if p.care_entry is not None:
                a0 = max(lo, p.care_entry - 365)
            st = rng.randint(min(a0, hi - 1), hi - 1) if p.care_entry is None else rng.randint(a0, p.care_entry)
            if p.status == "died":
                en = hi if rng.random() < 0.7 else min(hi, st + int(rng.expovariate(1 / 1.5) * YEAR) + 30)
            else:
                en = hi if rng.random() < 0.6 else min(hi, st + int(rng.expovariate(1 / 1.5) * YEAR) + 30)
            eps.append(["ASC", st, max(en, st + 1)])
        return eps

    def build(self):
        rng = self.rng
        while len(self.study) < self.n:
            members = self.gen_unit(rng)
            for p in members:
                if len(self.study) >= self.n:
                    self.others.append(p)
                    continue
                a = self.a_membership(p, rng)
                eps = self.b_episodes(p, rng)
                if a or eps:
                    self.a_people[p.pid] = a
                    self.b_eps[p.pid] = eps
                    self.study.append(p)
                else:
                    self.others.append(p)


# ---------------------------------------------------------------- rendering
class IdMaker:
    def __init__(self, rng, fn):
        self.rng, self.fn, self.seen = rng, fn, set()

    def __call__(self):
        while True:
            x = self.fn(self.rng)
            if x not in self.seen:
                self.seen.add(x)
                return x


def nhs_number(rng):
    while True:
        d = [rng.randint(4, 7)] + [rng.randrange(10) for _ in range(8)]
        s = sum(v * (10 - i) for i, v in enumerate(d))
        c = 11 - s % 11
        if c == 11:
            c = 0
        if c != 10:
            return "".join(map(str, d)) + str(c)


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(rng, year):
    body = "672" + f"{rng.randint(2000, 4199):04d}" + f"{year % 100:02d}" + f"{rng.randrange(1000):03d}"
    s = sum(int(c) * (i + 2) for i, c in enumerate(body))
    return UPN_LETTERS[s % 23] + body


def choose_address(p, t, rng, stale_p_recent, stale_p_older=0.0, recent=365, older=3 * 365):
    """Address an agency holds at time t, allowing for late notice of a move."""
    i = p.addr_index(t)
    t0 = p.addr[i][0]
    if i > 0:
        if t - t0 < recent and rng.random() < stale_p_recent:
            return p.addr[i - 1][1], True
        if recent <= t - t0 < older and rng.random() < stale_p_older:
            return p.addr[i - 1][1], True
    return p.addr[i][1], False


def dob_error(o, ag, rng, legacy=False):
    """Return (ordinal or None, kind) after the agency's date-of-birth errors."""
    R = RATES
    pre = ag + "_"
    r = rng.random()
    if r < R[pre + "dob_missing"]:
        return None, "missing"
    r -= R[pre + "dob_missing"]
    d = date.fromordinal(o)
    if r < R[pre + "dob_swap"]:
        if d.day <= 12 and d.day != d.month:
            return date(d.year, d.day, d.month).toordinal(), "swap"
        return o, "none"
    r -= R[pre + "dob_swap"]
    if r < R[pre + "dob_digit"]:
        k = rng.random()
        try:
            if k < 0.4:
                return date(d.year + rng.choice((-1, 1, -10, 10)), d.month, d.day).toordinal(), "digit"
            if k < 0.8:
                dd = d.day + rng.choice((-1, 1, 10, -10))
                return date(d.year, d.month, dd).toordinal(), "digit"
            return date(d.year, d.month + rng.choice((-1, 1)), d.day).toordinal(), "digit"
        except ValueError:
            return o, "none"
    r -= R[pre + "dob_digit"]
    p1900 = R["a_dob_1900"] if ag == "a" else (R["b_dob_1900_legacy"] if legacy else 0.0)
    if r < p1900:
        return date(1900, 1, 1).toordinal(), "1900"
    r -= p1900
    if r < R[pre + "dob_jan1"]:
        return date(d.year, 1, 1).toordinal(), "jan1"
    return o, "none"


def apply_case(s, style):
    if not s:
        return s
    if style == "upper":
        return s.upper()
    if style == "naive":
        return naive_proper(s)
    return s


def diacritics(s, keep, legacy_mojibake, rng):
    if not has_non_ascii(s):
        return s
    if legacy_mojibake and rng.random() < RATES["b_mojibake_legacy"]:
        return mojibake(s)
    if keep:
        return s
    return strip_diacritics(s)


def render_names(p, t, ag, rng, legacy):
    """Surname, first given name and middle names as agency ag writes them at time t."""
    R = RATES
    sur = p.surname_at(t)
    if ag == "a" and rng.random() < R["a_stale_surname"] and len(p.sur_hist) > 1:
        past = [s for t0, s in p.sur_hist if t0 <= t]
        if len(past) > 1:
            sur = past[-2]
    if p.alt_sur and rng.random() < (p.alt_p[0] if ag == "a" else p.alt_p[1]):
        sur = p.alt_sur
    if p.group == "polish" and p.sex == "F" and rng.random() < (0.05 if ag == "a" else 0.12):
        if sur.endswith("ska") or sur.endswith("cka"):
            sur = sur[:-1] + "i"
    first = p.first
    mids = list(p.middles)
    kind = p.known_kind
    if p.style == "sikh":
        rel = mids[0] if mids else ""
        r = rng.random()
        if r < (0.10 if ag == "a" else 0.20):
            mids = []
            sur = rel  # "Kaur"/"Singh" recorded as the surname
        elif r < (0.22 if ag == "a" else 0.38):
            mids = []
            sur = f"{rel} {sur}" if rng.random() < 0.6 else f"{rel}-{sur}"
    if kind is not None:
        prob = {"nick": (R["a_nickname"], R["b_nickname"]), "angl": (R["a_anglicised"], R["b_anglicised"]),
                "middle": (R["a_uses_middle"], R["b_uses_middle"]),
                "english": (0.25, R["b_english_name"])}[kind][0 if ag == "a" else 1]
        if rng.random() < prob:
            if kind == "middle":
                if p.known in mids:
                    mids.remove(p.known)
                first = p.known
            elif kind == "english":
                if rng.random() < 0.5:
                    mids = [p.first] + mids
                first = p.known
            else:
                first = p.known
    if p.group == "arabic" and ag == "b" and rng.random() < R["b_father_name_as_surname_arabic"] and mids:
        sur = mids[0]
    # transliteration differences
    tp = R["a_translit_variant"] if ag == "a" else R["b_translit_variant"]
    if p.group in ("arabic", "south_asian") and rng.random() < tp:
        first = swap_tokens(first, ND.TRANSLIT, rng)
    if p.group in ("arabic", "south_asian") and rng.random() < tp:
        sur = swap_tokens(sur, ND.TRANSLIT, rng)
    # Chinese given names: spacing
    if p.group == "chinese" and " " in first and rng.random() < (0.2 if ag == "a" else 0.35):
        first = first.replace(" ", "-") if rng.random() < 0.5 else first.replace(" ", "").capitalize()
    # structural surname variants
    sur = surname_form(sur, ag, rng)
    # alternative spellings
    ap = R["a_alt_spelling"] if ag == "a" else R["b_alt_spelling"]
    if rng.random() < ap:
        sur = swap_tokens(sur, ND.ALT_SPELL, rng)
    if rng.random() < ap:
        first = swap_tokens(first, ND.ALT_SPELL, rng)
    # typing errors
    if rng.random() < (R["a_typo_surname"] if ag == "a" else R["b_typo_surname"]):
        sur = typo(sur, rng)
    if rng.random() < (R["a_typo_forename"] if ag == "a" else R["b_typo_forename"]):
        first = typo(first, rng)
    # given name / family name order
    key = {"south_asian": "order_swap_south_asian", "chinese": "order_swap_chinese",
           "arabic": "order_swap_arabic"}.get(p.group)
    if key and rng.random() < R[f"{ag}_{key}"]:
        first, sur = sur, first
    return sur, first, mids


def baby_placeholder(p, t, rng):
    """Name of a newborn registered before being named."""
    mum = p.mother.surname_at(t) if p.mother else p.surname_at(t)
    r = rng.random()
    if r < 0.3:
        return f"BABY OF {mum.upper()}", ""
    if r < 0.7:
        return mum, "BABY"
    return mum, ""


def render_pc(h, ag, rng, legacy=False):
    R = RATES
    if h is NFA:
        if ag == "a":
            return NFA_POSTCODE_A
        r = rng.random()
        return "" if r < 0.4 else ("NFA" if r < 0.6 else COUNCIL_POSTCODE)
    pc = h.postcode
    if ag == "a":
        r = rng.random()
        if r < R["a_pc_missing"]:
            return ""
        r -= R["a_pc_missing"]
        if r < R["a_pc_unknown_zz99"]:
            return UNKNOWN_POSTCODE_A
        if rng.random() < R["a_pc_typo"]:
            pc = pc_typo(pc, rng)
        if rng.random() < R["a_pc_nospace"]:
            pc = pc.replace(" ", "")
        if rng.random() < R["a_pc_lower"]:
            pc = pc.lower()
        return pc
    r = rng.random()
    if r < R["b_pc_missing"]:
        return ""
    r -= R["b_pc_missing"]
    if r < R["b_pc_district_only"]:
        return pc.split(" ")[0]
    if rng.random() < R["b_pc_typo"]:
        pc = pc_typo(pc, rng)
    if "0" in pc and rng.random() < R["b_pc_letter_o"]:
        pc = pc.replace("0", "O")
    if rng.random() < (R["b_pc_nospace_legacy"] if legacy else R["b_pc_nospace"]):
        pc = pc.replace(" ", "")
    elif rng.random() < R["b_pc_double_space"]:
        pc = pc.replace(" ", "  ")
    if rng.random() < R["b_pc_lower"]:
        pc = pc.lower()
    return pc


def pc_typo(pc, rng):
    out, inw = pc.split(" ")
    if rng.random() < 0.5:
        return f"{out} {str((int(inw[0]) + rng.choice((1, -1))) % 10)}{inw[1:]}"
    i = rng.choice((1, 2))
    return f"{out} {inw[:i]}{rng.choice(UNIT_LETTERS)}{inw[i + 1:]}"


def sex_code(p, ag, rng, legacy, baby=False):
    R = RATES
    s = p.sex
    if ag == "a":
        r = rng.random()
        if r < R["a_sex_9"] * (10 if baby else 1):
            return "9"
        r -= R["a_sex_9"] * (10 if baby else 1)
        if r < R["a_sex_0"]:
            return "0"
        r -= R["a_sex_0"]
        if r < R["a_sex_missing"]:
            return ""
        r -= R["a_sex_missing"]
        if r < R["a_sex_wrong"]:
            s = "F" if s == "M" else "M"
        return "1" if s == "M" else "2"
    r = rng.random()
    if r < R["b_sex_missing"]:
        return ""
    r -= R["b_sex_missing"]
    if r < R["b_sex_unknown"]:
        return "U" if legacy else "Unknown"
    r -= R["b_sex_unknown"]
    if r < R["b_sex_wrong"]:
        s = "F" if s == "M" else "M"
    if legacy:
        return s
    return "Male" if s == "M" else "Female"


PRACTICES = {d[0]: [f"W91{(i * 7 + k) % 100:02d}{k}" for k in range(1, 4)]
             for i, d in enumerate(ND.DISTRICTS["area"] + ND.DISTRICTS["near"])}


def title_for(p, t, sur_written, rng):
    if rng.random() < 0.2:
        return ""
    age = age_at(p.dob, t)
    if age < 16:
        return ("Master" if p.sex == "M" else "Miss") if rng.random() < 0.3 else ""
    if p.sex == "M":
        return "Dr" if age >= 27 and rng.random() < 0.015 else "Mr"
    if len(p.sur_hist) > 1 and p.surname_at(t) != p.sur_hist[0][1]:
        return "Mrs" if rng.random() < 0.85 else "Ms"
    if age > 45 and rng.random() < 0.5:
        return "Mrs"
    return "Miss" if rng.random() < 0.6 else "Ms"


def render_a(p, t, rng, ids, nhs, dup=False, prev_nhs=None):
    R = RATES
    legacy_case = rng.random() < R["a_upper_case"]
    baby = age_at(p.dob, t) == 0 and t - p.dob < 120
    sur, first, mids = render_names(p, t, "a", rng, False)
    if baby and (rng.random() < R["a_baby_placeholder"] or dup == "baby"):
        sur, first = baby_placeholder(p, t, rng)
        mids = []
    keep = rng.random() < R["a_keep_diacritics"]
    sur = diacritics(sur, keep, False, rng)
    first = diacritics(first, keep, False, rng)
    mids = [diacritics(m, keep, False, rng) for m in mids]
    other = ""
    if mids:
        r = rng.random()
        if r < R["a_middle_missing"]:
            other = ""
        elif r < R["a_middle_missing"] + R["a_middle_initial"]:
            other = " ".join(m[0] for m in mids)
        else:
            other = " ".join(mids)
    if legacy_case:
        sur, first, other = sur.upper(), first.upper(), other.upper()
    # address
    if p.care_entry is not None and p.care_entry <= t and rng.random() < R["a_stale_address_care_home"]:
        h = p.addr[p.addr_index(t) - 1][1]
    else:
        h, _ = choose_address(p, t, rng, R["a_stale_address_moved_lt1y"], R["a_stale_address_moved_1to3y"])
    if dup and len(p.addr) > 1 and rng.random() < 0.5:
        h = p.addr[max(0, p.addr_index(t) - 1)][1]
    if h is NFA:
        a1, a2, a3 = "NO FIXED ABODE", "", ""
    else:
        st = h.street
        a1 = h.line()
        a2 = "" if st.locality == ND.DISTRICTS_TOWNCORE.get(st.district) else st.locality
        a3 = st.post_town
        if legacy_case:
            a1 = a1.upper()
            a2 = a2.upper()
    pc = render_pc(h, "a", rng)
    dsrc = p.doc_dob if rng.random() < R["a_use_document_dob"] else p.dob
    d, _ = dob_error(dsrc, "a", rng)
    district = h.street.district if (h is not NFA and h.street) else "LL11"
    practice = rng.choice(PRACTICES.get(district, PRACTICES["LL11"]))
    lo = max(p.dob + 5, p.arrive or 0, t - int(25 * YEAR))
    reg = rng.randint(min(lo, t - 1), t - 1) if not baby else min(t - 1, p.dob + rng.randint(5, 60))
    return {
        "id": ids(), "nhs_number": prev_nhs if prev_nhs else nhs(), "practice_code": practice,
        "registration_date": iso(reg), "title": title_for(p, t, sur, rng),
        "surname": sur, "forename": first, "other_forenames": other,
        "sex": sex_code(p, "a", rng, False, baby), "date_of_birth": iso(d) if d else "",
        "address_1": a1, "address_2": a2, "address_3": a3, "postcode": pc,
    }


def render_b(p, rec, rng, ids):
    R = RATES
    services, created, t, open_ = rec["services"], rec["created"], rec["t"], rec["open"]
    legacy = created < LEGACY_END and rng.random() < (R["b_legacy_format"] if t < LEGACY_END else R["b_legacy_format_open_after"])
    unborn = rec.get("unborn", False) and rng.random() < R["b_unborn_not_updated"]
    sur, first, mids = render_names(p, t, "b", rng, legacy)
    if unborn or (t < p.dob):
        mum = p.mother.surname_at(t) if p.mother else p.surname_at(t)
        sur, first, mids = mum, ("Unborn" if rng.random() < 0.6 else "Baby"), []
    # diacritics and case
    keep = (not legacy) and rng.random() < R["b_keep_diacritics"]
    sur = diacritics(sur, keep, legacy, rng)
    first = diacritics(first, keep, legacy, rng)
    mids = [diacritics(m, keep, legacy, rng) for m in mids]
    given = first
    if mids and rng.random() < R["b_given_with_middles"]:
        given = " ".join([first] + mids)
    if rng.random() < (R["b_initials_only_legacy"] if legacy else R["b_initials_only"]):
        given = " ".join(x[0] for x in given.split(" ") if x)
    known_as = ""
    if p.known and p.known != first and rng.random() < R["b_known_as_filled"]:
        known_as = diacritics(p.known, keep, legacy, rng)
    if legacy:
        style = "upper" if rng.random() < R["b_upper_legacy"] else "title"
    else:
        r = rng.random()
        style = "naive" if r < R["b_naive_proper_case"] else ("upper" if r < R["b_naive_proper_case"] + R["b_upper_new"] else "title")
    sur, given, known_as = apply_case(sur, style), apply_case(given, style), apply_case(known_as, style)
    # address
    if rec.get("foster"):
        h = rec["foster"]
    elif open_:
        h, _ = choose_address(p, t, rng, R["b_stale_address_open"], 0.0)
    else:
        h, _ = choose_address(p, t, rng, R["b_stale_address_recent_move"], 0.0, recent=120)
    if h is NFA:
        house, street, loc, town = "", "", "", ""
        if rng.random() < 0.5:
            street = "No Fixed Abode"
    else:
        st = h.street
        welsh = st.cy is not None and rng.random() < 0.3
        if h.kind == "carehome":
            house, street = h.name, (st.cy if welsh else st.en)
        elif h.number is None:
            house, street = h.name, (st.cy if welsh else st.en)
        else:
            house, street = h.number, (st.cy if welsh else st.en)
        loc = st.locality
        town = st.post_town.title()
        if rng.random() < R["b_town_welsh"]:
            loc = ND.WELSH_PLACE.get(loc, loc)
            town = ND.WELSH_PLACE.get(town, town)
        if rng.random() < 0.1:
            town = ""
        if loc.lower() == town.lower():
            loc = ""
        if style == "upper":
            house, street, loc, town = house.upper(), street.upper(), loc.upper(), town.upper()
    pc = render_pc(h, "b", rng, legacy)
    dsrc = p.doc_dob if rng.random() < R["b_use_document_dob"] else p.dob
    if unborn:
        dsrc = p.dob + rng.randint(-21, 14)  # expected date of delivery
    d, _ = dob_error(dsrc, "b", rng, legacy)
    dob_s = dmy(d, two_digit=legacy) if d else ""
    svc = "/".join(services)
    if "EDU" in services:
        ref = upn(rng, date.fromordinal(created).year)
    else:
        ref = ("CS" if services[0] == "CSC" else "AS") + f"{rng.randrange(10 ** 6):06d}"
    return {
        "id": ids(), "service": svc, "service_ref": ref, "case_status": "Open" if open_ else "Closed",
        "record_created": dmy(created), "last_contact": dmy(t),
        "family_name": sur, "given_names": given, "known_as": known_as,
        "gender": sex_code(p, "b", rng, legacy), "dob": dob_s,
        "house": house, "street": street, "locality": loc, "town": town, "post_code": pc,
    }


ND.DISTRICTS_TOWNCORE = {d[0]: d[2][0] for r in ND.DISTRICTS for d in ND.DISTRICTS[r]}


def b_records_for(p, eps, rng, geo):
    """Turn service episodes into council records (one per service unless merged)."""
    R = RATES
    if not eps:
        return []
    eps = sorted(eps, key=lambda e: e[1])
    groups = [[e] for e in eps]
    if len(eps) > 1 and rng.random() < R["b_services_merged"]:
        groups = [eps]
    recs = []
    for grp in groups:
        created = min(e[1] for e in grp)
        end = max(e[2] for e in grp)
        open_ = end >= B_DATE - 30 and p.res_end >= B_DATE - 30
        t = B_DATE if open_ else min(end, B_DATE)
        rec = {"services": [e[0] for e in grp], "created": max(created, B_START - 3000), "t": t, "open": open_}
        csc = [e for e in grp if e[0] == "CSC"]
        if csc and csc[0][1] < p.dob:
            rec["unborn"] = True
            rec["created"] = csc[0][1]
        if csc and rng.random() < R["b_foster_address"] and len(grp) == 1:
            rec["foster"] = geo.any_house("area" if rng.random() < 0.7 else "near")
        recs.append(rec)
        if rec["created"] < LEGACY_END and rng.random() < R["b_legacy_duplicate"]:
            t2 = rng.randint(rec["created"], max(rec["created"], min(t, LEGACY_END)))
            recs.append({"services": rec["services"], "created": rec["created"], "t": t2, "open": False})
        elif rng.random() < R["b_rereferral_duplicate"] and t - rec["created"] > 400:
            c2 = rng.randint(rec["created"] + 200, t - 100)
            recs.append({"services": rec["services"], "created": c2, "t": t, "open": open_})
    return recs


# ---------------------------------------------------------------- register
def register_row(p, rng, stale=False):
    t = REG_DATE
    if stale:
        h = p.addr[p.addr_index(min(p.res_end - 1, t))][1]
    else:
        h = p.addr[p.addr_index(t)][1]
    if h is NFA or h.kind == "carehome":
        return None
    sur = p.surname_at(t)
    fn = [p.first] + list(p.middles)
    forenames = " ".join(fn)
    if rng.random() < 0.4:
        forenames, sur = strip_diacritics(forenames), strip_diacritics(sur)
    r = rng.random()
    if r < 0.62:
        dob, yob = iso(p.dob), str(date.fromordinal(p.dob).year)
    elif r < 0.9:
        dob, yob = "", str(date.fromordinal(p.dob).year)
    else:
        dob, yob = "", ""
    st = h.street
    return {"forenames": forenames, "surname": sur, "date_of_birth": dob, "year_of_birth": yob,
            "address": h.line(), "town": st.post_town.title(), "postcode": h.postcode}


# ---------------------------------------------------------------- main
A_COLUMNS = ["id", "nhs_number", "practice_code", "registration_date", "title", "surname", "forename",
             "other_forenames", "sex", "date_of_birth", "address_1", "address_2", "address_3", "postcode"]
B_COLUMNS = ["id", "service", "service_ref", "case_status", "record_created", "last_contact", "family_name",
             "given_names", "known_as", "gender", "dob", "house", "street", "locality", "town", "post_code"]
REG_COLUMNS = ["id", "forenames", "surname", "date_of_birth", "year_of_birth", "address", "town", "postcode"]

LAYOUT = {
    "agency_a": {
        "description": "Health service GP-registration extract at 2024-09-30 (every registered patient of the "
                       "area's practices, plus some cross-border patients and some who have left).",
        "id_column": "id",
        "columns": {
            "id": "record id, 'H' + 9 random characters",
            "nhs_number": "10-digit NHS-number-like local patient number with a valid mod-11 check digit; "
                          "not known to agency B; a duplicate registration usually has a different number",
            "practice_code": "GP practice code (W91nnn)",
            "registration_date": "date registered with the practice, YYYY-MM-DD",
            "title": "Mr/Mrs/Miss/Ms/Dr/Master or empty",
            "surname": "family name as registered; upper case in about 40% of records",
            "forename": "first given name; empty or BABY for some newborns",
            "other_forenames": "middle names, space-separated, sometimes initials only",
            "sex": "1 = male, 2 = female, 9 = not specified, 0 = not known, empty = missing",
            "date_of_birth": "YYYY-MM-DD",
            "address_1": "house number and street, or house name, street; 'NO FIXED ABODE'",
            "address_2": "locality (village or district), empty in the town",
            "address_3": "post town, upper case",
            "postcode": "UK postcode, mostly 'LL13 7TD' form; ZZ99 3VZ = no fixed abode, ZZ99 3WZ = not known",
        },
    },
    "agency_b": {
        "description": "Council client index for education and social care, cases 2008-04-01 to 2025-03-31 "
                       "(open and closed, including people who have since left or died); records created "
                       "before the 2015 system migration often keep legacy formats.",
        "id_column": "id",
        "columns": {
            "id": "record id, 10 random digits and capital letters",
            "service": "EDU (education), CSC (children's social care), ASC (adult social care); several joined "
                       "with '/' when one record serves several",
            "service_ref": "local reference: a UPN-style pupil number for education records, CSnnnnnn/ASnnnnnn",
            "case_status": "Open or Closed",
            "record_created": "DD/MM/YYYY",
            "last_contact": "DD/MM/YYYY (the values were last updated then)",
            "family_name": "family name; upper case in most legacy records",
            "given_names": "first given name, sometimes followed by middle names, sometimes initials only",
            "known_as": "preferred name, when recorded",
            "gender": "Male/Female (new system), M/F (legacy), Unknown/U, empty = missing",
            "dob": "DD/MM/YYYY (new system) or DD/MM/YY (legacy; read the century from record_created)",
            "house": "house number or name (or care home name)",
            "street": "street, English or Welsh form",
            "locality": "village or district, sometimes in Welsh",
            "town": "post town, sometimes in Welsh, sometimes empty",
            "post_code": "UK postcode as typed: mixed case, spacing, letter O for zero, district only; "
                         "'NFA' or the council office postcode LL11 1AY for no fixed abode",
        },
    },
    "register": {
        "description": "Plaintext open-register style broker file of adults in Wrexham and the neighbouring "
                       "districts at 2024-12-01 (true current names, no agency errors, some stale entries).",
        "id_column": "id",
        "columns": {"id": "1..n in random order", "forenames": "first and middle names",
                    "surname": "surname", "date_of_birth": "YYYY-MM-DD or empty",
                    "year_of_birth": "YYYY or empty", "address": "house number/name and street",
                    "town": "post town", "postcode": "canonical UK postcode"},
    },
}


def rand_a(rng):
    return "H" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(9))


def rand_b(rng):
    return "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(10))


def generate(n, seed):
    model = Model(n, seed)
    model.build()
    geo = model.geo
    rng_a = random.Random(f"{GENERATOR}:{seed}:agency_a")
    rng_b = random.Random(f"{GENERATOR}:{seed}:agency_b")
    rng_r = random.Random(f"{GENERATOR}:{seed}:register")
    rng_id = random.Random(f"{GENERATOR}:{seed}:ids")
    ids_a, ids_b = IdMaker(rng_id, rand_a), IdMaker(rng_id, rand_b)
    nhs = IdMaker(rng_id, nhs_number)

    # person ids: shuffled numbering over everyone generated
    everyone = model.pop.people
    order = list(range(len(everyone)))
    rng_id.shuffle(order)
    for k, i in enumerate(order):
        everyone[i].person_id = f"P{k + 1:07d}"

    rows_a, rows_b, rec_person = [], [], []
    for p in model.study:
        for t in model.a_people[p.pid]:
            row = render_a(p, t, rng_a, ids_a, nhs)
            rows_a.append(row)
            rec_person.append(("a", row["id"], p))
            baby = age_at(p.dob, t) == 0 and t - p.dob < 120
            dup_p = RATES["a_duplicate"] * (8 if baby else 1)
            if rng_a.random() < dup_p:
                same = rng_a.random() < RATES["a_duplicate_same_nhs_number"]
                row2 = render_a(p, t, rng_a, ids_a, nhs, dup="baby" if baby else True,
                                prev_nhs=row["nhs_number"] if same else None)
                rows_a.append(row2)
                rec_person.append(("a", row2["id"], p))
        for rec in b_records_for(p, model.b_eps[p.pid], rng_b, geo):
            row = render_b(p, rec, rng_b, ids_b)
            rows_b.append(row)
            rec_person.append(("b", row["id"], p))
    rng_a.shuffle(rows_a)
    rng_b.shuffle(rows_b)

    by_person = {}
    for ag, rid, p in rec_person:
        by_person.setdefault(p.pid, ([], []))[0 if ag == "a" else 1].append(rid)
    truth = sorted((ia, ib) for a_ids, b_ids in by_person.values() for ia in a_ids for ib in b_ids)
    truth_records = sorted((ag, rid, p.person_id) for ag, rid, p in rec_person)

    # register: listed adults of the area and neighbouring districts, plus stale entries
    target = 2 * n
    reg = []
    study_ids = {p.pid for p in model.study}

    def consider(p):
        if p.region == "area" and p.status in ("left", "died"):
            if p.status == "left" and REG_DATE - 3 * 365 < p.res_end <= REG_DATE and age_at(p.dob, p.res_end) >= 18 \
                    and rng_r.random() < RATES["register_stale_leaver"]:
                row = register_row(p, rng_r, stale=True)
                if row:
                    reg.append((row, p))
            elif p.status == "died" and REG_DATE - 2 * 365 < p.res_end <= REG_DATE and rng_r.random() < RATES["register_stale_deceased"]:
                row = register_row(p, rng_r, stale=True)
                if row:
                    reg.append((row, p))
            return
        if p.status != "current" or age_at(p.dob, REG_DATE) < 18 or p.addr_index(REG_DATE) < 0:
            return
        if p.res_start > REG_DATE:
            return
        if rng_r.random() < RATES["register_listed"]:
            row = register_row(p, rng_r)
            if row:
                reg.append((row, p))

    for p in model.pop.people:
        consider(p)
    pop, grng = model.pop, model.rng
    while len(reg) < target:
        members, rate = pop.household(HH_KINDS.pick(grng), "far", REG_DATE, grng)
        arrive = None
        hist = pop.addr_history("far", rate, B_DATE, arrive, grng)
        model.finish_people(members, hist, arrive, B_DATE, "current", grng)
        for p in members:
            p.person_id = f"Q{p.pid + 1:07d}"
            consider(p)
    if len(reg) > target:
        rng_r.shuffle(reg)
        reg = reg[:target]
    rng_r.shuffle(reg)
    reg_rows, reg_truth = [], []
    for k, (row, p) in enumerate(reg):
        row = dict(row, id=str(k + 1))
        reg_rows.append(row)
        reg_truth.append((row["id"], p.person_id, "1" if p.pid in study_ids else "0"))

    b_people = {pid for pid, (a_ids, b_ids) in by_person.items() if b_ids}
    a_people = {pid for pid, (a_ids, b_ids) in by_person.items() if a_ids}
    both = a_people & b_people
    manifest = {
        "generator": "heldout-7",
        "people": n,
        "seed": seed,
        "reference_dates": {"agency_a": iso(A_DATE), "agency_b": iso(B_DATE), "agency_b_from": iso(B_START),
                            "register": iso(REG_DATE)},
        "counts": {
            "records_a": len(rows_a), "records_b": len(rows_b),
            "people_a": len(a_people), "people_b": len(b_people), "people_both": len(both),
            "overlap_share_of_smaller": round(len(both) / max(1, min(len(a_people), len(b_people))), 4),
            "truth_pairs": len(truth), "register_rows": len(reg_rows),
            "register_rows_study_people": sum(1 for r in reg_truth if r[2] == "1"),
        },
        "files": {"agency_a.csv": LAYOUT["agency_a"], "agency_b.csv": LAYOUT["agency_b"],
                  "register.csv": LAYOUT["register"],
                  "truth.csv": "id_a,id_b: every pair of an A record and a B record of the same person",
                  "truth_records.csv": "agency,id,person_id: every record of both extracts",
                  "register_truth.csv": "id,person_id,in_study: the person behind each register row "
                                        "(in_study 1 = holds a record in agency_a or agency_b)"},
        "rates": RATES,
        "surname_form_variants": SURNAME_VARIANTS_DOC,
    }
    return rows_a, rows_b, truth, truth_records, reg_rows, reg_truth, manifest


def write_csv(path, header, rows, dict_rows=True):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow([r[c] for c in header] if dict_rows else r)


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"error: {message}\n")
        sys.exit(2)


def main(argv=None):
    ap = OneLineParser(description="heldout-7 synthetic record-linkage data (Wrexham and the border)")
    ap.add_argument("outdir")
    ap.add_argument("--people", type=int, required=True, help="people in the study population (A or B)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--force", action="store_true", help="replace existing output files")
    args = ap.parse_args(argv)
    if args.people < 10:
        ap.error("--people must be at least 10")
    out = args.outdir
    if os.path.exists(out) and not os.path.isdir(out):
        ap.error(f"{out} exists and is not a folder")
    existing = [f for f in OUTPUT_FILES if os.path.exists(os.path.join(out, f))]
    if existing and not args.force:
        ap.error(f"{len(existing)} output file(s) already in {out} (e.g. {existing[0]}); use --force to replace them")
    os.makedirs(out, exist_ok=True)
    rows_a, rows_b, truth, truth_records, reg_rows, reg_truth, manifest = generate(args.people, args.seed)
    tmp = {f: os.path.join(out, f".{f}.{os.getpid()}.partial") for f in OUTPUT_FILES}
    try:
        write_csv(tmp["agency_a.csv"], A_COLUMNS, rows_a)
        write_csv(tmp["agency_b.csv"], B_COLUMNS, rows_b)
        write_csv(tmp["truth.csv"], ["id_a", "id_b"], truth, dict_rows=False)
        write_csv(tmp["truth_records.csv"], ["agency", "id", "person_id"], truth_records, dict_rows=False)
        write_csv(tmp["register.csv"], REG_COLUMNS, reg_rows)
        write_csv(tmp["register_truth.csv"], ["id", "person_id", "in_study"], reg_truth, dict_rows=False)
        with open(tmp["manifest.json"], "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False)
            f.write("\n")
        for f in OUTPUT_FILES:
            os.replace(tmp[f], os.path.join(out, f))
    finally:
        for f in OUTPUT_FILES:
            if os.path.exists(tmp[f]):
                os.remove(tmp[f])
    c = manifest["counts"]
    print(f"heldout-7: {args.people} people, seed {args.seed} -> {out}")
    print(f"  agency_a.csv  {c['records_a']} records of {c['people_a']} people (health, GP registrations)")
    print(f"  agency_b.csv  {c['records_b']} records of {c['people_b']} people (council education/social care)")
    share = 100 * c['people_both'] / max(1, min(c['people_a'], c['people_b']))
    print(f"  in both: {c['people_both']} people ({share:.1f}% of the smaller file's people)")
    print(f"  truth.csv     {c['truth_pairs']} pairs")
    print(f"  register.csv  {c['register_rows']} rows ({c['register_rows_study_people']} of them study people)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
