#!/usr/bin/env python3
"""Held-out generator 3: a synthetic UK population and K messy agency extracts of it, with the truth.

Independent of linkcore (written without reading its code, tests, docs or benchmarks); standard library only.
Deterministic: one seed and one set of options give byte-identical files.

    python benchmarks/heldout3/generator.py --people N --seed S --out DIR [--agencies K] [--force]
"""
from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import os
import random
import sys
import unicodedata
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names as T  # noqa: E402

VERSION = "heldout3-1.0"
REF = dt.date(2025, 6, 30)          # "today" of the population
REGISTER_DATE = dt.date(2024, 12, 1)  # electoral register publication date
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# ------------------------------------------------------------------------------------------------ weighted tables
class Table:
    """Weighted choice over a list, weights from rank (Zipf exponent s) or given."""

    def __init__(self, items, s=1.0, weights=None):
        self.items = list(items)
        w = weights if weights is not None else [1.0 / (i + 1) ** s for i in range(len(self.items))]
        self.cum, t = [], 0.0
        for x in w:
            t += x
            self.cum.append(t)
        self.total = t

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _split(s):
    return s.split()


FIRST = {k: Table(_split(v), s={"o": 0.6, "m": 0.55, "y": 0.35}.get(k[2], 0.6)) for k, v in T.FIRST.items()}
SURN = {g: Table(_split(v), s={"PK": 0.8, "BD": 0.8, "IN": 0.8, "CN": 0.8}.get(g, 0.5))
        for g, v in T.SURNAMES.items()}
_tail = [a + b for a in T.TAIL_PRE for b in T.TAIL_SUF]
random.Random("heldout3-tail").shuffle(_tail)
TAIL_T = Table(_tail, s=0.3)
AF_TAIL_T = Table([a + b.lower() for a in T.AF_PRE for b in T.AF_SUF], s=0.5)
NICK = {k: v.split() for k, v in T.NICK.items()}
VARIANT = {}
for line in T.VARIANTS:
    ws = line.split()
    for w in ws:
        VARIANT.setdefault(w, [])
        VARIANT[w] += [x for x in ws if x != w and x not in VARIANT[w]]
AREA_T = Table(T.AREAS, weights=[a[3] for a in T.AREAS])
PROF_T = {k: Table(T.GROUPS, weights=v) for k, v in T.PROFILES.items()}
STREET_A, STREET_B = Table(T.STREET_A, s=0.5), Table(T.STREET_B, s=0.7)


def strip_accents(s):
    """ASCII-fold a name the way most case-management systems store it."""
    s = s.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# ------------------------------------------------------------------------------------------------ population model
@dataclass
class Unit:
    postcode: str
    town: str
    street: str
    kind: str          # house / block / care / halls
    area: tuple
    cap: int
    used: int = 0


@dataclass
class Person:
    pid: str
    group: str
    sex: str
    first: str
    middles: list
    surname: str
    dob: dt.date
    hh: int
    addrs: list = field(default_factory=list)      # [(from_date, (line1, town, postcode))], oldest first
    prev_surname: str = ""
    surname_from: dt.date | None = None
    alias: str = ""                                # name the person goes by (anglicised, called name)
    married: bool = False
    title: str = ""

    def surname_at(self, d):
        return self.prev_surname if self.surname_from and d < self.surname_from else self.surname

    def addr_at(self, d):
        cur = self.addrs[0][1]
        for f, a in self.addrs:
            if f <= d:
                cur = a
        return cur

    def age(self, d=REF):
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))


class Places:
    """Postcode units with a realistic skew: most hold a handful of households, a few hold hundreds of people."""

    def __init__(self, rng):
        self.rng, self.open, self.seen = rng, {}, set()

    def _code(self, area):
        rng = self.rng
        while True:
            dist = 1 + int((area[2]) * rng.random() ** 1.6)
            pc = f"{area[0]}{dist} {rng.randrange(10)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
            if pc not in self.seen:
                self.seen.add(pc)
                return pc

    def new_unit(self, area, kind):
        rng = self.rng
        if kind == "house":
            cap = max(1, min(60, int(rng.lognormvariate(2.3, 0.6))))
            street = f"{STREET_A.pick(rng)} {STREET_B.pick(rng)}"
        elif kind == "block":
            cap = rng.randint(30, 120)
            street = f"{rng.choice(T.STREET_A)} {rng.choice(T.BLOCK_NAMES)}"
        elif kind == "care":
            cap = rng.randint(20, 70)
            street = f"{rng.choice(T.CARE_NAMES)} Care Home"
        else:
            cap = rng.randint(80, 350)
            street = f"{rng.choice(T.HALL_NAMES)} Hall"
        u = Unit(self._code(area), area[1], street, kind, area, cap)
        return u

    def household_unit(self, area=None):
        """A postcode unit with room for one more household (new units open as old ones fill)."""
        rng = self.rng
        area = area or AREA_T.pick(rng)
        kind = "block" if rng.random() < 0.07 else "house"
        key = (area[0], kind)
        lst = self.open.setdefault(key, [])
        if not lst or rng.random() < (0.08 if kind == "house" else 0.04):
            lst.append(self.new_unit(area, kind))
        u = lst[rng.randrange(max(0, len(lst) - 30), len(lst))]
        u.used += 1
        if u.used >= u.cap:
            lst.remove(u)
        return u

    def address(self, u, n):
        """Address line for the n-th household (or resident) of a unit."""
        if u.kind == "house":
            return (f"{n} {u.street}", u.town, u.postcode)
        if u.kind == "block":
            return (f"Flat {n}, {u.street}", u.town, u.postcode)
        if u.kind == "care":
            return (f"Room {n}, {u.street}", u.town, u.postcode)
        return (f"Flat {1 + n // 6}{'ABCDEF'[n % 6]}, {u.street}", u.town, u.postcode)


def rand_date(rng, lo, hi):
    return lo + dt.timedelta(days=rng.randrange(max(1, (hi - lo).days)))


def dob_for_age(rng, age):
    hi = dt.date(REF.year - age, REF.month, REF.day)
    return hi - dt.timedelta(days=rng.randrange(365))


def era(year):
    return "o" if year < 1960 else ("m" if year < 1990 else "y")


def first_name(rng, group, sex, year):
    if group == "WB" or (group == "CB" and rng.random() < 0.55) or (group == "IR" and rng.random() < 0.4):
        return FIRST[("WB", sex, era(year))].pick(rng)
    return FIRST[(group, sex, "a")].pick(rng)


def family_surname(rng, group):
    if group == "WB" and rng.random() < 0.45:
        return TAIL_T.pick(rng)
    if group == "AF" and rng.random() < 0.4:
        return AF_TAIL_T.pick(rng)
    while True:
        s = SURN[group].pick(rng)
        if not s.endswith("+"):
            return s


def gendered(surname, sex):
    if "|" in surname:
        m, f = surname.split("|")
        return f if sex == "F" else m
    return surname


class PopBuilder:
    def __init__(self, rng, places, prefix):
        self.rng, self.places, self.prefix = rng, places, prefix
        self.people, self.hh = [], 0

    def person(self, group, sex, dob, surname, hh):
        rng = self.rng
        p = Person(f"{self.prefix}{len(self.people) + 1:07d}", group, sex, first_name(rng, group, sex, dob.year),
                   [], gendered(surname, sex), dob, hh)
        nm = rng.choices([0, 1, 2], weights={"WB": (15, 70, 15), "IR": (20, 65, 15), "PL": (80, 18, 2),
                                             "CN": (70, 30, 0), "AF": (35, 50, 15)}.get(group, (45, 50, 5)))[0]
        for _ in range(nm):
            m = first_name(rng, group, sex, dob.year)
            if m != p.first:
                p.middles.append(m)
        if group in ("PK", "BD") and sex == "M" and rng.random() < 0.3 and p.first not in ("Mohammed", "Muhammad"):
            p.middles.insert(0, p.first)         # Mohammed <called name>: known by the middle name
            p.first = "Mohammed" if rng.random() < 0.6 else "Muhammad"
            p.alias = p.middles[0]
            p.middles = [m for m in p.middles if m not in ("Mohammed", "Muhammad")]
        if group == "IN" and rng.random() < 0.5:
            tag = "Singh" if sex == "M" else "Kaur"
            if p.surname not in ("Singh", "Kaur") and p.surname in ("Gill", "Sandhu", "Sidhu", "Bains", "Dhillon",
                                                                   "Grewal", "Johal", "Sohal"):
                p.middles = [tag]
        if group in ("PK", "BD", "IN") and sex == "F" and rng.random() < {"PK": 0.15, "BD": 0.35, "IN": 0.2}[group]:
            p.surname = {"PK": "Begum", "BD": "Begum", "IN": "Kaur"}[group] if rng.random() < 0.7 else \
                ("Bibi" if group == "PK" else ("Khatun" if group == "BD" else "Kaur"))
        if group == "CN" and rng.random() < 0.3:
            p.alias = rng.choice(T.ANGLICISED[:15] if sex == "M" else T.ANGLICISED[15:])
        if group == "WB" and rng.random() < 0.012:  # a double-barrelled family name
            p.surname = f"{p.surname}-{family_surname(rng, 'WB')}"
        self.people.append(p)
        return p

    def settle(self, members, unit, n, moved_p=0.13):
        """Give a household its current address and, for movers, the previous one."""
        rng = self.rng
        addr = self.places.address(unit, n)
        prev, when = None, None
        if rng.random() < moved_p:
            pu = self.places.household_unit(unit.area if rng.random() < 0.6 else None)
            prev = self.places.address(pu, pu.used)
            when = rand_date(rng, REF - dt.timedelta(days=4 * 365), REF)
        for p in members:
            if prev and p.dob < when:
                p.addrs = [(p.dob, prev), (when, addr)]
            else:
                p.addrs = [(p.dob, addr)]

    def group_for(self, area):
        return PROF_T[area[4]].pick(self.rng)

    def household(self):
        rng = self.rng
        self.hh += 1
        unit = self.places.household_unit()
        group = self.group_for(unit.area)
        kind = rng.choices(["single", "old1", "couple", "family", "lone", "shared", "oldcouple"],
                           weights=[18, 9, 23, 19, 8, 9, 9])[0]
        members = []
        fam = family_surname(rng, group)
        if kind in ("single", "old1", "shared"):
            k = 1 if kind != "shared" else rng.randint(2, 5)
            for _ in range(k):
                g = group if kind != "shared" or rng.random() < 0.6 else self.group_for(unit.area)
                age = int(rng.triangular(66, 100, 74)) if kind == "old1" else int(rng.triangular(18, 75, 27))
                sex = rng.choice("MF")
                members.append(self.person(g, sex, dob_for_age(rng, age), family_surname(rng, g), self.hh))
        else:
            if kind == "oldcouple":
                a = int(rng.triangular(62, 96, 68))
            elif kind == "couple":
                a = int(rng.triangular(19, 82, 62))
            else:
                a = int(rng.triangular(21, 60, 42))
            him_age = max(18, a + int(rng.gauss(2, 3)))
            ad = [None, None]
            if kind != "lone":
                g2 = group if rng.random() < 0.88 else self.group_for(unit.area)
                man = self.person(group, "M", dob_for_age(rng, him_age), fam, self.hh)
                married = rng.random() < (0.85 if kind == "oldcouple" else 0.6)
                woman = self.person(g2, "F", dob_for_age(rng, max(18, a)), fam if married else
                                    family_surname(rng, g2), self.hh)
                if married and woman.surname not in ("Begum", "Bibi", "Khatun", "Kaur"):
                    maiden = gendered(family_surname(rng, g2), "F")
                    lo = max(woman.dob + dt.timedelta(days=18 * 365), REF - dt.timedelta(days=45 * 365))
                    wed = rand_date(rng, lo, REF - dt.timedelta(days=30))
                    r = rng.random()
                    if r < 0.10:                    # kept her own name
                        woman.surname = maiden
                    else:                           # took his name, or joined both
                        if r < 0.14:
                            woman.surname = f"{maiden}-{woman.surname}"
                        woman.prev_surname, woman.surname_from = maiden, wed
                woman.married = man.married = married
                members += [man, woman]
                mother = woman
                kid_sur = fam if married or rng.random() < 0.6 else (
                    f"{gendered(fam, 'M')}-{woman.surname}" if rng.random() < 0.3 else woman.surname)
            else:
                mother = self.person(group, "F" if rng.random() < 0.88 else "M", dob_for_age(rng, a), fam, self.hh)
                members.append(mother)
                kid_sur = fam if rng.random() < 0.6 else family_surname(rng, group)
            if kind in ("family", "lone"):
                nk = rng.choices([1, 2, 3, 4, 5], weights=[38, 40, 15, 5, 2])[0]
                ma = mother.age()
                for _ in range(nk):
                    kage = rng.randint(0, min(24 if kind == "family" else 17, max(0, ma - 18)))
                    kd = dob_for_age(rng, kage)
                    kg = group if kind == "lone" or rng.random() < 0.5 else mother.group
                    kids = [self.person(kg, rng.choice("MF"), kd, kid_sur, self.hh)]
                    if rng.random() < 0.016:       # twins: same day, same surname, same address
                        twin = self.person(kg, rng.choice("MF"), kd, kid_sur, self.hh)
                        while twin.first == kids[0].first:
                            twin.first = first_name(rng, kg, twin.sex, kd.year)
                        kids.append(twin)
                    members += kids
            elif kind == "oldcouple" and rng.random() < 0.1:
                members.append(self.person(group, rng.choice("MF"), dob_for_age(rng, int(a - 28)), fam, self.hh))
        for p in members:
            p.title = title_for(rng, p)
        self.settle(members, unit, unit.used)
        # young adults who left home recently (and may still be on old lists at the parents' address)
        for p in members:
            if 18 <= p.age() <= 30 and len(p.addrs) == 1 and rng.random() < 0.25:
                pu = self.places.household_unit(unit.area if rng.random() < 0.7 else None)
                when = rand_date(rng, max(p.dob + dt.timedelta(days=17 * 365), REF - dt.timedelta(days=5 * 365)), REF)
                p.addrs = [(p.dob, self.places.address(pu, pu.used)), (when, p.addrs[0][1])]

    def institution(self, kind, limit):
        """Care home residents or a student hall: many unrelated people sharing one postcode."""
        rng = self.rng
        u = self.places.new_unit(AREA_T.pick(rng), kind)
        size = min(limit, rng.randint(u.cap // 2, u.cap))
        for i in range(size):
            self.hh += 1
            g = self.group_for(u.area) if kind == "care" or rng.random() < 0.7 else rng.choice(T.GROUPS)
            sex = "F" if kind == "care" and rng.random() < 0.68 else rng.choice("MF")
            age = int(rng.triangular(68, 103, 86)) if kind == "care" else rng.choice([18, 19, 19, 20, 20, 21, 22, 24])
            p = self.person(g, sex, dob_for_age(rng, age), family_surname(rng, g), self.hh)
            if kind == "care" and sex == "F" and rng.random() < 0.7:
                p.married, p.prev_surname = True, ""
            p.title = title_for(rng, p)
            addr = self.places.address(u, i + 1)
            if kind == "halls":                     # moved from the family home at the start of the year
                hu = self.places.household_unit()
                year = 2024 if age <= 19 or rng.random() < 0.4 else rng.choice([2022, 2023])
                p.addrs = [(p.dob, self.places.address(hu, hu.used)), (dt.date(year, 9, rng.randint(14, 28)), addr)]
            else:
                hu = self.places.household_unit(u.area)
                p.addrs = [(p.dob, self.places.address(hu, hu.used)),
                           (rand_date(rng, REF - dt.timedelta(days=6 * 365), REF), addr)]
        return size

    def build(self, n, institutions=True):
        rng = self.rng
        if institutions:
            care, halls = int(n * 0.012), int(n * 0.018)
            while care > 0:
                care -= self.institution("care", care)
            while halls > 0:
                halls -= self.institution("halls", halls)
        while len(self.people) < n:
            self.household()
        del self.people[n:]
        return self.people


def title_for(rng, p):
    if p.age() < 16:
        return ""
    if rng.random() < 0.012:
        return "Dr"
    if p.sex == "M":
        return "Mr"
    if p.married:
        return "Mrs" if rng.random() < 0.85 else "Ms"
    return "Miss" if p.age() < 30 and rng.random() < 0.6 else ("Ms" if rng.random() < 0.6 else "Miss")


# ------------------------------------------------------------------------------------------------ corruption
KEYB = {}
for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm"):
    for i, c in enumerate(row):
        KEYB[c] = (row[i - 1] if i else "") + (row[i + 1] if i + 1 < len(row) else "")
OCR = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("l", "1"), ("I", "l"), ("O", "0"), ("o", "0"),
       ("e", "c"), ("c", "e"), ("h", "b"), ("li", "h"), ("u", "v"), ("n", "h"), ("S", "5"), ("B", "8"),
       ("a", "o"), ("i", "l"), ("t", "f")]
PHON = [("ph", "f"), ("ck", "k"), ("ee", "ea"), ("ea", "ee"), ("ie", "y"), ("y", "ie"), ("ey", "y"),
        ("ou", "ow"), ("ai", "ay"), ("ll", "l"), ("tt", "t"), ("nn", "n"), ("ss", "s"), ("mm", "m"),
        ("son", "sen"), ("th", "t"), ("z", "s"), ("s", "z"), ("i", "y"), ("c", "k"), ("k", "c"), ("w", "v"),
        ("v", "w"), ("oo", "u"), ("er", "a"), ("a", "e"), ("sh", "ch"), ("j", "y")]
PC_SIMILAR = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z",
              "Z": "2", "6": "G", "G": "6", "N": "M", "M": "N", "U": "V", "E": "F", "F": "E"}


def typo(rng, s):
    if len(s) < 2:
        return s
    i = rng.randrange(len(s))
    op = rng.random()
    c = s[i]
    if op < 0.35 and c.lower() in KEYB:
        r = rng.choice(KEYB[c.lower()])
        return s[:i] + (r.upper() if c.isupper() else r) + s[i + 1:]
    if op < 0.6:
        return s[:i] + s[i + 1:] if len(s) > 3 else s
    if op < 0.8 and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + c + s[i:]


def ocr(rng, s):
    opts = [(a, b) for a, b in OCR if a in s]
    if not opts:
        return typo(rng, s)
    a, b = rng.choice(opts)
    idx = [i for i in range(len(s)) if s.startswith(a, i)]
    i = rng.choice(idx)
    return s[:i] + b + s[i + len(a):]


def phonetic(rng, s):
    low = s.lower()
    opts = [(a, b) for a, b in PHON if a in low[1:]]
    if not opts:
        return typo(rng, s)
    a, b = rng.choice(opts)
    idx = [i for i in range(1, len(low)) if low.startswith(a, i)]
    i = rng.choice(idx)
    return s[:i] + b + s[i + len(a):]


def name_variant(rng, s):
    v = VARIANT.get(s) or VARIANT.get(strip_accents(s))
    return rng.choice(v) if v else None


def surname_form(rng, s):
    """Mc/Mac spacing, apostrophes and hyphens as different clerks type them."""
    if "'" in s:
        return rng.choice([s.replace("'", ""), s.replace("'", " "), s.replace("'", "’"), s[:2] + s[2:].lower()])
    if "-" in s and not s.startswith(("Al-", "El-")):
        a, b = s.split("-", 1)
        return rng.choice([f"{a} {b}", b, a, a + b, f"{a} - {b}"])
    if s.startswith(("Al-", "El-")):
        return rng.choice([s.replace("-", " "), s[3:], s.replace("-", "")])
    if s.startswith("Mc") and len(s) > 2:
        return rng.choice(["Mc " + s[2:], "Mac" + s[2:], "Mc" + s[2:].lower()])
    if s.startswith("Mac") and len(s) > 3 and s[3].isupper():
        return rng.choice(["Mc" + s[3:], "Mac " + s[3:], "Mac" + s[3:].lower()])
    return None


def corrupt_name(rng, s, rates, kind):
    """One name through the error channel of an agency (at most two errors)."""
    if not s:
        return s
    n = 0
    for err in ("variant", "form", "phonetic", "ocr", "typo"):
        r = rates.get(f"{kind}_{err}", 0.0)
        if n >= 2 or rng.random() >= r:
            continue
        if err == "variant":
            v = name_variant(rng, s)
        elif err == "form":
            v = surname_form(rng, s)
        elif err == "phonetic":
            v = phonetic(rng, s)
        elif err == "ocr":
            v = ocr(rng, s)
        else:
            v = typo(rng, s)
        if v and v != s:
            s, n = v, n + 1
    return s


def corrupt_dob(rng, d, rates):
    """Returns (date or None, kind)."""
    r = rng.random()
    acc = 0.0
    for kind in ("dob_missing", "dob_swap", "dob_year", "dob_day", "dob_jan1", "dob_century"):
        acc += rates.get(kind, 0.0)
        if r < acc:
            break
    else:
        return d
    try:
        if kind == "dob_missing":
            return None
        if kind == "dob_swap":
            return dt.date(d.year, d.day, d.month) if d.day <= 12 and d.day != d.month else d
        if kind == "dob_year":
            y = str(d.year)
            if rng.random() < 0.7:
                y = y[:3] + str((int(y[3]) + rng.choice([1, -1, 2, 3, 5])) % 10)
            else:
                y = y[:2] + str((int(y[2]) + rng.choice([1, -1])) % 10) + y[3]
            return d.replace(year=int(y)) if int(y) <= REF.year else d
        if kind == "dob_day":
            nd = rng.choice([d.day + 1, d.day - 1, d.day + 10, d.day - 10, int(str(d.day)[::-1] or 1)])
            return d.replace(day=nd) if 1 <= nd <= 28 else d
        if kind == "dob_jan1":
            return dt.date(d.year, 1, 1)
        if kind == "dob_century":
            return dt.date(1900, 1, 1)
    except ValueError:
        return d
    return d


def corrupt_postcode(rng, pc, rates):
    r = rng.random()
    acc = 0.0
    for kind in ("pc_missing", "pc_unreadable", "pc_typo", "pc_partial", "pc_format"):
        acc += rates.get(kind, 0.0)
        if r < acc:
            break
    else:
        return pc
    if kind == "pc_missing":
        return ""
    if kind == "pc_unreadable":
        return rng.choice(["UNKNOWN", "N/A", "ZZ99 3VZ", "?", "NFA", "TBC", "XX1 1XX", "ZZ99 3WZ"])
    if kind == "pc_partial":
        return pc.split()[0]
    if kind == "pc_format":
        return rng.choice([pc.replace(" ", ""), pc.lower(), pc.replace(" ", "  "), " " + pc, pc + ".",
                           pc.replace(" ", "-")])
    chars = list(pc)
    pos = [i for i, c in enumerate(chars) if c != " "]
    i = rng.choice(pos)
    x = rng.random()
    if x < 0.35 and chars[i] in PC_SIMILAR:
        chars[i] = PC_SIMILAR[chars[i]]
    elif x < 0.6 and i + 1 < len(chars) and chars[i + 1] != " ":
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif chars[i].isdigit():
        chars[i] = str((int(chars[i]) + rng.choice([1, -1, 3])) % 10)
    else:
        chars[i] = rng.choice(UNIT_LETTERS)
    return "".join(chars)


# ------------------------------------------------------------------------------------------------ agencies
@dataclass
class Agency:
    key: str
    extract: dt.date
    lag_days: float        # mean age of the details held (how stale addresses and surnames are)
    rates: dict
    cover: float
    dup: float
    ascii_share: float     # share of records whose names lost their accents
    header: list
    id_fmt: str


COMMON = dict(first_variant=0.015, sur_variant=0.012, sur_form=0.35)

AGENCIES = [
    Agency("council", dt.date(2025, 3, 31), 200, dict(COMMON, first_typo=0.025, first_ocr=0.003, first_phonetic=0.012,
           sur_typo=0.02, sur_phonetic=0.01, sur_ocr=0.002, nick=0.05, initial=0.012, alias=0.5, mid_drop=0.3,
           mid_initial=0.12, swap=0.006, dob_missing=0.035, dob_swap=0.012, dob_year=0.007, dob_day=0.007,
           dob_jan1=0.003, sex_missing=0.03, sex_wrong=0.002, pc_missing=0.02, pc_unreadable=0.003, pc_typo=0.015,
           pc_partial=0.004, pc_format=0.04, old_surname=0.01, upper=0.06),
           0.60, 0.03, 0.35,
           ["CouncilRef", "Title", "Forenames", "Surname", "DateOfBirth", "Gender", "AddressLine1", "Town",
            "PostCode", "ServiceArea"], "LBX{:07d}"),
    Agency("gp", dt.date(2024, 9, 30), 420, dict(COMMON, first_typo=0.015, first_ocr=0.001, first_phonetic=0.008,
           sur_typo=0.012, sur_phonetic=0.008, sur_ocr=0.001, nick=0.012, initial=0.002, alias=0.25, mid_drop=0.12,
           mid_initial=0.03, swap=0.003, dob_missing=0.002, dob_swap=0.005, dob_year=0.003, dob_day=0.003,
           dob_jan1=0.001, dob_century=0.0005, sex_missing=0.004, sex_wrong=0.001, pc_missing=0.008,
           pc_unreadable=0.004, pc_typo=0.008, pc_partial=0.002, pc_format=0.01, old_surname=0.02),
           0.58, 0.02, 1.0,
           ["PATIENT_ID", "SURNAME", "FORENAME", "OTHER_FORENAMES", "DOB", "SEX", "ADDR1", "ADDR2", "POSTCODE",
            "REG_DATE"], "G{:08d}"),
    Agency("dwp", dt.date(2025, 6, 30), 260, dict(COMMON, first_typo=0.02, first_ocr=0.02, first_phonetic=0.025,
           sur_typo=0.02, sur_phonetic=0.025, sur_ocr=0.02, nick=0.006, initial=0.03, alias=0.4, mid_drop=0.4,
           mid_initial=0.2, swap=0.015, dob_missing=0.01, dob_swap=0.02, dob_year=0.01, dob_day=0.008,
           dob_jan1=0.004, sex_missing=0.01, sex_wrong=0.003, pc_missing=0.04, pc_unreadable=0.01, pc_typo=0.025,
           pc_partial=0.006, pc_format=0.02, old_surname=0.015),
           0.50, 0.04, 1.0,
           ["claimant_ref", "full_name", "birth_date", "sex", "address", "postcode", "benefit"], "CL{:09d}"),
    Agency("housing", dt.date(2025, 1, 15), 150, dict(COMMON, first_typo=0.04, first_ocr=0.002, first_phonetic=0.02,
           sur_typo=0.035, sur_phonetic=0.015, sur_ocr=0.001, nick=0.09, initial=0.01, alias=0.7, mid_drop=0.55,
           mid_initial=0.45, swap=0.01, dob_missing=0.08, dob_swap=0.04, dob_year=0.015, dob_day=0.01,
           dob_jan1=0.01, sex_missing=0.06, sex_wrong=0.004, pc_missing=0.015, pc_unreadable=0.002, pc_typo=0.03,
           pc_partial=0.003, pc_format=0.12, old_surname=0.02),
           0.45, 0.05, 0.5,
           ["person_ref", "tenancy_ref", "first_name", "middle_initial", "last_name", "dob", "gender", "house_no",
            "street", "postcode", "relationship"], "{:06d}"),
]


def agency_for(k):
    """Agency k (1-based); beyond four the layouts repeat with their own dates and ids."""
    base = AGENCIES[(k - 1) % len(AGENCIES)]
    if k <= len(AGENCIES):
        return base
    shift = dt.timedelta(days=-91 * ((k - 1) // len(AGENCIES)))
    return Agency(f"{base.key}{k}", base.extract + shift, base.lag_days, base.rates, base.cover, base.dup,
                  base.ascii_share, base.header, base.id_fmt.replace("{", f"{k}" + "{", 1))


def covered(rng, ag, people):
    """Which people an agency holds: its own eligibility and take-up, whole households more often than not."""
    hh_in = {}
    out = []
    for p in people:
        if p.dob > ag.extract - dt.timedelta(days=20):
            continue
        age = p.age(ag.extract)
        key = ag.key.rstrip("0123456789")
        if key == "dwp":
            pr = 0.0 if age < 16 else (0.8 if age >= 66 else ag.cover * 0.9)
        elif key == "housing":
            if p.hh not in hh_in:
                hh_in[p.hh] = rng.random() < ag.cover
            pr = 0.93 if hh_in[p.hh] else 0.0
        elif key == "council":
            if p.hh not in hh_in:
                hh_in[p.hh] = rng.random() < min(1.0, ag.cover / 0.88)
            pr = 0.88 if hh_in[p.hh] else 0.0
        else:
            pr = ag.cover * (0.85 if 18 <= age <= 30 else 1.0) + (0.1 if age >= 65 else 0.0)
        if rng.random() < pr:
            out.append(p)
    return out


def fmt_date(d, key):
    if d is None:
        return ""
    if key == "council":
        return d.strftime("%d/%m/%Y")
    if key == "gp":
        return d.isoformat()
    if key == "dwp":
        return d.strftime("%d") + ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                   "DEC"][d.month - 1] + d.strftime("%Y")
    return f"{d.month}/{d.day}/{d.year}"  # housing system: US order, no leading zeros


def make_record(rng, ag, p, rec_id, is_dup, extra):
    key = ag.key.rstrip("0123456789")
    R = ag.rates
    lag = rng.expovariate(1.0 / (ag.lag_days * (3 if is_dup else 1)))
    asof = max(p.dob + dt.timedelta(days=10), ag.extract - dt.timedelta(days=int(lag)))
    first = p.first
    if p.alias and rng.random() < R["alias"]:
        first = p.alias
    elif rng.random() < R["nick"] and first in NICK:
        first = rng.choice(NICK[first])
    middles = list(p.middles)
    if first == p.alias and p.alias in middles:
        middles.remove(p.alias)
    if middles and rng.random() < R["mid_drop"]:
        middles = [] if rng.random() < 0.8 else middles[:1]
    surname = p.surname_at(asof)
    if p.prev_surname and rng.random() < R["old_surname"]:
        surname = p.prev_surname
    ascii_ = rng.random() < ag.ascii_share
    if ascii_:
        first, surname, middles = strip_accents(first), strip_accents(surname), [strip_accents(m) for m in middles]
    first = corrupt_name(rng, first, R, "first")
    surname = corrupt_name(rng, surname, R, "sur")
    middles = [corrupt_name(rng, m, R, "first") for m in middles]
    if middles and rng.random() < R["mid_initial"]:
        middles = [m[0] for m in middles]
    if rng.random() < R["initial"]:
        first = first[0]
    if rng.random() < R["swap"] * (6 if p.group == "CN" else 1):
        first, surname = surname, first
    dob = corrupt_dob(rng, p.dob, R)
    sex = p.sex
    if rng.random() < R["sex_missing"]:
        sex = ""
    elif rng.random() < R["sex_wrong"]:
        sex = "F" if sex == "M" else "M"
    line1, town, pc = p.addr_at(asof)
    pc = corrupt_postcode(rng, pc, R)
    upper = key in ("gp", "dwp") or rng.random() < R.get("upper", 0.0)

    def cs(x):
        return x.upper() if upper else x

    if key == "council":
        title = p.title if rng.random() < 0.9 else ""
        if p.title in ("Mrs", "Ms", "Miss") and rng.random() < 0.05:
            title = rng.choice(["Mrs", "Ms", "Miss"])
        fn = " ".join([first] + middles)
        g = {"M": "M", "F": "F", "": rng.choice(["", "U"])}[sex]
        if rng.random() < 0.01:
            fn = fn.lower()
        return [rec_id, title, cs(fn), cs(surname), fmt_date(dob, key), g, line1, town, pc,
                rng.choice(["Council Tax", "Council Tax", "Housing Benefit", "Adult Social Care", "Parking",
                            "Waste", "Library", "Revenues"])]
    if key == "gp":
        parts = line1.split(", ")
        a1, a2 = (parts[0], parts[1]) if len(parts) > 1 else (line1, "")
        sx = {"M": "1", "F": "2", "": rng.choice(["0", "9"])}[sex]
        reg = rand_date(rng, max(p.dob, ag.extract - dt.timedelta(days=20 * 365)), ag.extract)
        return [rec_id, surname.upper(), first.upper(), " ".join(middles).upper(), fmt_date(dob, key), sx,
                a1.upper(), (a2 + (", " if a2 else "") + town).upper(), pc.upper(), reg.isoformat()]
    if key == "dwp":
        rest = " ".join([first] + middles)
        full = f"{surname.upper()}, {rest.title() if not rest.isupper() else rest}"
        if rng.random() < 0.02:
            full = f"{surname.upper()} {rest.upper()}"      # comma lost
        address = f"{line1.upper()}, {town.upper()}"
        sx = {"M": "Male", "F": "Female", "": "Not known"}[sex]
        ben = rng.choice(["PC", "PIP", "AA"]) if p.age(ag.extract) >= 66 else rng.choice(
            ["UC", "UC", "UC", "PIP", "ESA", "JSA", "CA"])
        return [rec_id, full, fmt_date(dob, key), sx, address, pc.replace(" ", "") if rng.random() < 0.85 else pc,
                ben]
    # housing
    parts = line1.split(" ", 1)
    if line1[0].isdigit():
        hn, street = parts[0], parts[1]
    else:
        hn, street = line1.split(", ")[0], line1.split(", ", 1)[-1]
    mi = middles[0][0] if middles else ""
    g = {"M": "Male", "F": "Female", "": rng.choice(["", "Not stated", "Prefer not to say"])}[sex]
    rel = extra.get("rel", "Household member")
    if rng.random() < 0.3:
        pc = pc.lower()
    return [rec_id, extra.get("tenancy", ""), cs(first), mi, cs(surname), fmt_date(dob, key), g, hn, street, pc, rel]


def build_agency(rng, ag, people):
    sel = covered(rng, ag, people)
    # housing relationship and tenancy references per household
    tenancy, lead = {}, set()
    for p in sel:
        if p.hh not in tenancy:
            tenancy[p.hh] = f"T{rng.randrange(10 ** 6, 10 ** 7)}"
            if p.age(ag.extract) >= 18:
                lead.add(p.pid)
    rows, owners = [], []
    space = 10 ** 6 if "{:06d}" in ag.id_fmt else (10 ** 8 if "{:08d}" in ag.id_fmt else 10 ** 7)
    if "{:09d}" in ag.id_fmt:
        space = 10 ** 9
    used = set()
    for p in sel:
        n = 1
        if rng.random() < ag.dup:
            n = 2 if rng.random() < 0.9 else 3
        for j in range(n):
            while True:
                num = rng.randrange(space // 10, space)
                if num not in used:
                    used.add(num)
                    break
            rid = ag.id_fmt.format(num)
            rel = "Lead tenant" if p.pid in lead else ("Child" if p.age(ag.extract) < 18 else
                                                        rng.choice(["Partner", "Joint tenant", "Household member",
                                                                    "Other adult"]))
            rows.append(make_record(rng, ag, p, rid, j > 0, {"tenancy": tenancy[p.hh], "rel": rel}))
            owners.append(p.pid)
    order = list(range(len(rows)))
    rng.shuffle(order)
    return [rows[i] for i in order], [owners[i] for i in order]


# ------------------------------------------------------------------------------------------------ register
def build_register(rng, main_people, others, size):
    """An edited-register-like reference list: adults at their address on the register date."""
    adults = [p for p in main_people if p.age(REGISTER_DATE) >= 18]
    oth = [p for p in others if p.age(REGISTER_DATE) >= 18]
    n_main = min(len(adults), int(size * 0.3))
    chosen = rng.sample(adults, n_main) + rng.sample(oth, min(len(oth), size - n_main))
    rng.shuffle(chosen)
    rows, truth = [], []
    for i, p in enumerate(chosen):
        first = p.first
        if p.alias and rng.random() < 0.4:
            first = p.alias
        elif first in NICK and rng.random() < 0.03:
            first = rng.choice(NICK[first])
        sur = p.surname_at(REGISTER_DATE)
        if rng.random() < 0.6:
            first, sur = strip_accents(first), strip_accents(sur)
        if rng.random() < 0.01:
            first = typo(rng, first)
        if rng.random() < 0.01:
            sur = typo(rng, sur)
        dob = p.dob.isoformat() if rng.random() < 0.6 else ""
        sex = p.sex if rng.random() < 0.95 else ""
        rid = f"R{i + 1:07d}"
        rows.append([rid, first, sur, dob, sex, p.addr_at(REGISTER_DATE)[2]])
        truth.append([rid, p.pid])
    return rows, truth


# ------------------------------------------------------------------------------------------------ main
def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--agencies", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="overwrite files of an earlier run in DIR")
    return ap.parse_args(argv)


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def main(argv=None):
    a = parse(argv)
    if a.people < 100 or a.people > 5_000_000:
        fail("--people must be between 100 and 5000000")
    if not 2 <= a.agencies <= 12:
        fail("--agencies must be between 2 and 12")
    outs = [f"agency_{k}.csv" for k in range(1, a.agencies + 1)] + [
        "truth.csv", "truth_all.csv", "register.csv", "register_truth.csv", "manifest.json"]
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        fail("--out exists and is not a folder")
    clash = [o for o in outs if os.path.exists(os.path.join(a.out, o))]
    if clash and not a.force:
        fail(f"--out already holds {clash[0]}; pass --force to overwrite")
    os.makedirs(a.out, exist_ok=True)

    places = Places(random.Random(f"heldout3:{a.seed}:places"))
    people = PopBuilder(random.Random(f"heldout3:{a.seed}:pop"), places, "P").build(a.people)
    ags, recs = [], []
    for k in range(1, a.agencies + 1):
        ag = agency_for(k)
        rows, owners = build_agency(random.Random(f"heldout3:{a.seed}:agency:{k}"), ag, people)
        ags.append(ag)
        recs.append((rows, owners))
    # register: about twice agency_1, mostly other people from the same model and places
    size = 2 * len(recs[0][0])
    need = int(size * 0.7 / 0.74) + 50
    others = PopBuilder(random.Random(f"heldout3:{a.seed}:others"), places, "Q").build(need, institutions=True)
    reg_rows, reg_truth = build_register(random.Random(f"heldout3:{a.seed}:register"), people, others, size)

    tmp = {}

    def put(name, header, rows):
        path = os.path.join(a.out, name + ".part")
        write_csv(path, header, rows)
        tmp[name] = path

    truth_all = []
    for k, (ag, (rows, owners)) in enumerate(zip(ags, recs), start=1):
        put(f"agency_{k}.csv", ag.header, rows)
        truth_all += [[f"agency_{k}", r[0], o] for r, o in zip(rows, owners)]
    by_person = {}
    for r, o in zip(*recs[1]):
        by_person.setdefault(o, []).append(r[0])
    pairs = sorted((r[0], b) for r, o in zip(*recs[0]) for b in by_person.get(o, []))
    put("truth.csv", ["id_a", "id_b"], pairs)
    put("truth_all.csv", ["agency", "record_id", "person_id"], truth_all)
    put("register.csv", ["id", "first_name", "surname", "date_of_birth", "sex", "postcode"], reg_rows)
    put("register_truth.csv", ["id", "person_id"], reg_truth)

    people_in = [len(set(o)) for _, o in recs]
    s1, s2 = set(recs[0][1]), set(recs[1][1])
    manifest = {
        "generator": VERSION, "seed": a.seed,
        "options": {"people": a.people, "agencies": a.agencies},
        "reference_date": REF.isoformat(), "register_date": REGISTER_DATE.isoformat(),
        "counts": {
            "people": len(people),
            "households": len({p.hh for p in people}),
            "postcodes": len({p.addr_at(REF)[2] for p in people}),
            "agencies": {f"agency_{k}": {"layout": ag.key, "extract_date": ag.extract.isoformat(),
                                          "records": len(r), "people": n, "duplicate_records": len(r) - n}
                         for k, (ag, (r, _), n) in enumerate(zip(ags, recs, people_in), start=1)},
            "people_in_agency_1_and_2": len(s1 & s2),
            "share_of_agency_1_people_in_agency_2": round(len(s1 & s2) / max(1, len(s1)), 4),
            "truth_pairs": len(pairs),
            "register_rows": len(reg_rows),
            "register_rows_from_population": sum(1 for _, pid in reg_truth if pid.startswith("P")),
        },
        "rates": {f"agency_{k}": {"lag_days_mean": ag.lag_days, "cover": ag.cover, "duplicates": ag.dup,
                                   "ascii_share": ag.ascii_share, **ag.rates}
                  for k, ag in enumerate(ags, start=1)},
    }
    mpath = os.path.join(a.out, "manifest.json.part")
    with open(mpath, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    tmp["manifest.json"] = mpath
    for name, path in tmp.items():
        os.replace(path, os.path.join(a.out, name))
    c = manifest["counts"]
    print(f"heldout3 {VERSION} seed={a.seed} people={c['people']} households={c['households']} "
          f"postcodes={c['postcodes']}")
    for name, v in c["agencies"].items():
        print(f"  {name} ({v['layout']}, extract {v['extract_date']}): {v['records']} records of {v['people']} "
              f"people, {v['duplicate_records']} duplicate records")
    print(f"  people in agency_1 and agency_2: {c['people_in_agency_1_and_2']} "
          f"({c['share_of_agency_1_people_in_agency_2']:.1%} of agency_1's people); truth pairs: {c['truth_pairs']}")
    print(f"  register: {c['register_rows']} rows, {c['register_rows_from_population']} of them people of the "
          f"population")
    print(f"  written to {a.out}")


if __name__ == "__main__":
    main()
