#!/usr/bin/env python3
"""Held-out synthetic UK population and agency extracts for evaluating record linkage.

Written without reading linkcore's sources and without importing linkcore: the population model,
name tables, corruption model and rates are this generator's own. Standard library only, and
every random draw comes from ``random.Random.random()`` (a stream Python keeps stable), so one
seed and one set of options give byte-identical files.

    python benchmarks/heldout2/generator.py --people 20000 --seed 1 --out DIR [--agencies K]

See README.md beside this file for the files, the model and the rates.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import io
import json
import math
import platform
import sys
import time
import unicodedata
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tables as T  # noqa: E402  (the tables live beside this script)

GENERATOR = "heldout2"
VERSION = "1.0.0"
AS_OF = date(2026, 3, 31)  # the extracts' reference date: ages are counted to it
REGISTER_FACTOR = 2.0  # register size / population size
REGISTER_FROM_POPULATION = 0.30  # share of the population that is also on the register
OUTPUT_NAMES = ("truth.csv", "register.csv", "population.csv", "records.csv", "manifest.json")


# ----------------------------------------------------------------------------------------------
# Random numbers: one stream per purpose, derived from the seed by name.
# ----------------------------------------------------------------------------------------------
class Rng:
    """A seeded stream with the few draws the generator needs, all built on random()."""

    def __init__(self, seed: int, label: str) -> None:
        import random

        digest = hashlib.sha256(f"{GENERATOR}|{seed}|{label}".encode()).digest()
        self.u = random.Random(int.from_bytes(digest[:16], "big")).random

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.u() < p

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return min(int(self.u() * n), n - 1)

    def between(self, a: int, b: int) -> int:
        """An integer in [a, b]."""
        return a + self.below(b - a + 1)

    def pick(self, seq):
        """A uniformly chosen element."""
        return seq[self.below(len(seq))]

    def normal(self, mu: float, sd: float) -> float:
        """A normal draw (Box-Muller)."""
        u1 = max(self.u(), 1e-12)
        return mu + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * self.u())

    def shuffle(self, items: list) -> None:
        """Shuffle in place (Fisher-Yates)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


class Weighted:
    """Items with weights; pick() draws one in proportion to its weight."""

    def __init__(self, items, weights) -> None:
        self.items = list(items)
        self.cum, total = [], 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: Rng):
        i = bisect.bisect_right(self.cum, rng.u() * self.total)
        return self.items[min(i, len(self.items) - 1)]


def zipf(names, s: float) -> Weighted:
    """Names (a list or a whitespace-separated string) with weights 1/rank**s."""
    if isinstance(names, str):
        names = names.split()
    names = [n.replace("_", " ") for n in names]
    return Weighted(names, [1.0 / (k + 1) ** s for k in range(len(names))])


# ----------------------------------------------------------------------------------------------
# Name tables with their frequencies (fixed; they do not depend on the seed).
# ----------------------------------------------------------------------------------------------
# How concentrated each origin's surnames are (Zipf exponent): Patel, Chan and Wong are very
# common among people of Indian and Chinese origin; Polish and Romanian surnames are spread out.
SURNAME_SKEW = {"indian": 1.1, "chinese": 1.0, "sikh": 0.5, "polish": 0.3, "romanian": 0.3,
                "west_african": 0.5}


class Names:
    """Frequency-weighted name tables built once from tables.py."""

    def __init__(self) -> None:
        self.british_cohorts = [(y, zipf(m, 0.65), zipf(f, 0.65)) for y, m, f in T.BRITISH_GIVEN]
        self.british_rare = {"M": T.BRITISH_RARE_MALE, "F": T.BRITISH_RARE_FEMALE}
        self.given = {o: (zipf(m, 0.6), zipf(f, 0.6)) for o, (m, f) in T.GIVEN.items()}
        self.surnames = {o: zipf(s, SURNAME_SKEW.get(o, 0.8)) for o, s in T.SURNAMES.items()}
        head = zipf(T.BRITISH_SURNAMES, 0.55)
        tail_names, tail_weights = [], []
        fixed = Rng(0, "surname-tail-weights")  # tail weights are part of the model, not the seed
        for a in T.SURNAME_PARTS_HEAD:
            for b in T.SURNAME_PARTS_TAIL:
                tail_names.append(a + b)
                tail_weights.append(math.exp(fixed.normal(0.0, 0.6)))
        self.british_surname_head = head
        self.british_surname_tail = Weighted(tail_names, tail_weights)
        self.first_variants = _variant_index(T.FIRST_NAME_VARIANTS)
        self.last_variants = _variant_index(T.SURNAME_VARIANTS)

    def british_given(self, rng: Rng, sex: str, birth_year: int) -> str:
        i = max(k for k, (y, _, _) in enumerate(self.british_cohorts) if y <= birth_year or k == 0)
        r = rng.u()
        if r < 0.2:
            return rng.pick(self.british_rare[sex])
        if r < 0.34:  # a neighbouring cohort
            i = min(len(self.british_cohorts) - 1, max(0, i + rng.pick([-1, 1])))
        _, male, female = self.british_cohorts[i]
        return (male if sex == "M" else female).pick(rng)

    def british_surname(self, rng: Rng) -> str:
        if rng.chance(0.50):
            return self.british_surname_tail.pick(rng)
        return self.british_surname_head.pick(rng)


def _variant_index(groups) -> dict:
    """Map each lower-cased spelling to the other spellings of its group."""
    index = {}
    for g in groups:
        for name in g:
            index[name.lower()] = [x for x in g if x != name]
    return index


# ----------------------------------------------------------------------------------------------
# Geography: local authorities, postcode districts, sectors, units (10-20 addresses each).
# ----------------------------------------------------------------------------------------------
class Address:
    """One dwelling."""

    __slots__ = ("sub", "building", "number", "street", "locality", "town", "postcode", "la",
                 "kind")

    def __init__(self, sub, building, number, street, locality, town, postcode, la, kind):
        self.sub, self.building, self.number, self.street = sub, building, number, street
        self.locality, self.town, self.postcode = locality, town, postcode
        self.la, self.kind = la, kind


def build_geography(rng: Rng, n_addresses: int) -> tuple[list[Address], dict]:
    """Postcode units with 4-40 dwellings each (mostly 8-22), in sectors of districts of LAs."""
    suffixes = Weighted([s for s, _, _ in T.STREET_SUFFIXES], [w for _, w, _ in T.STREET_SUFFIXES])
    entries = [(la, kind, share / len(ds), d) for la, kind, share, ds in T.LOCAL_AUTHORITIES
               for d in ds]
    units_total = n_addresses / 15.5
    sectors_used: dict[str, list[int]] = {}
    streets_used: dict[str, set] = {}
    addresses: list[Address] = []
    stats = {"units": 0, "sectors": 0, "districts": len({d[0] for *_, d in entries})}
    for la, kind, share, (outward, town, localities) in entries:
        n_units = max(4, round(units_total * share * rng.u() * 0.4 + units_total * share * 0.8))
        n_sectors = max(1, min(4, math.ceil(n_units / 70)))
        free = [s for s in range(10) if s not in sectors_used.setdefault(outward, [])]
        if outward == "LE1":
            free = [s for s in free if 1 <= s <= 7]
        rng.shuffle(free)
        sectors = sorted(free[:n_sectors])
        sectors_used[outward].extend(sectors)
        used_streets = streets_used.setdefault(outward, set())
        stats["sectors"] += len(sectors)
        per_sector = [n_units // len(sectors) + (1 if i < n_units % len(sectors) else 0)
                      for i in range(len(sectors))]
        for sector, n in zip(sectors, per_sector, strict=True):
            locality = rng.pick(localities)
            pairs = [a + b for a in T.INWARD_LETTERS for b in T.INWARD_LETTERS]
            rng.shuffle(pairs)
            letters = sorted(pairs[:min(n, len(pairs))])
            street = None
            for pair in letters:
                postcode = f"{outward} {sector}{pair}"
                stats["units"] += 1
                r = rng.u()
                rural = kind == "county" and r < 0.08
                flats = not rural and r > 0.88
                if street is None or rural or not rng.chance(0.45):
                    street = _new_street(rng, suffixes, used_streets, rural)
                name, step, nxt = street
                if rural:
                    for _ in range(rng.between(4, 14)):
                        addresses.append(Address("", rng.pick(T.HOUSE_NAMES).replace("_", " "), "",
                                                 name, locality, town, postcode, la, "named"))
                elif flats:
                    block = (f"{rng.pick(T.BLOCK_NAMES).replace('_', ' ')} "
                             f"{rng.pick(T.BLOCK_KINDS)}")
                    for k in range(1, rng.between(12, 36) + 1):
                        addresses.append(Address(f"Flat {k}", block, str(nxt), name, locality,
                                                 town, postcode, la, "flat"))
                    street = (name, step, nxt + step)
                else:
                    for _ in range(rng.between(8, 22)):
                        addresses.append(Address("", "", str(nxt), name, locality, town,
                                                 postcode, la, "house"))
                        if rng.chance(0.02):
                            addresses.append(Address("", "", f"{nxt}A", name, locality, town,
                                                     postcode, la, "house"))
                        nxt += step
                    street = (name, step, nxt)
    return addresses, stats


def _new_street(rng: Rng, suffixes: Weighted, used: set, rural: bool):
    for _ in range(50):
        if rural:
            name = rng.pick(["Main Street", "Church Lane", "Back Lane", "Mill Lane",
                             f"{rng.pick(T.STREET_STEMS)} Lane"])
            if name in used and not name.startswith(("Main", "Church", "Back", "Mill")):
                continue
        else:
            name = f"{rng.pick(T.STREET_STEMS)} {suffixes.pick(rng)}"
            if name in used:
                continue
        used.add(name)
        break
    step = 2 if name.split()[-1] in ("Road", "Street", "Avenue", "Lane") and rng.chance(0.7) else 1
    return name, step, rng.between(1, 2) if step == 2 else 1


def elsewhere_address(rng: Rng) -> Address:
    """A previous address outside the area (a mover from elsewhere)."""
    outward, town = rng.pick(T.ELSEWHERE)
    postcode = f"{outward} {rng.below(10)}{rng.pick(T.INWARD_LETTERS)}{rng.pick(T.INWARD_LETTERS)}"
    suffix = rng.pick(["Road", "Street", "Avenue", "Close", "Lane", "Drive"])
    return Address("", "", str(rng.between(1, 160)), f"{rng.pick(T.STREET_STEMS)} {suffix}", "",
                   town, postcode, "(outside)", "house")


# ----------------------------------------------------------------------------------------------
# Population: households of people.
# ----------------------------------------------------------------------------------------------
class Person:
    """The true (uncorrupted) identity of one person."""

    __slots__ = ("pid", "hid", "first", "middles", "last", "maiden", "alt_last", "sex", "dob",
                 "origin", "addr", "prev", "ni", "goes_by", "uses_middle", "twin", "in_study")

    def __init__(self, **kw) -> None:
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


HOUSEHOLD_TYPES = {
    # one person, couple, couple + dependent children, couple + adult children, lone parent,
    # three generations, unrelated sharers
    "general": [0.31, 0.27, 0.17, 0.09, 0.09, 0.03, 0.04],
    "south_asian": [0.14, 0.18, 0.33, 0.10, 0.08, 0.15, 0.02],
}
HH_KINDS = ["single", "couple", "couple_kids", "couple_adult_kids", "lone_parent", "multigen",
            "sharers"]
SOUTH_ASIAN = {"indian", "sikh", "pakistani", "bangladeshi"}
TOOK_HUSBANDS_NAME = {"british": 0.85, "irish": 0.85, "indian": 0.85, "sikh": 0.6,
                      "pakistani": 0.55, "bangladeshi": 0.3, "west_african": 0.8, "somali": 0.0,
                      "caribbean": 0.8, "polish": 0.9, "romanian": 0.85, "chinese": 0.3,
                      "arab": 0.15}
TWIN_RATE = 0.016
JUNIOR_RATE = 0.02


class PopulationBuilder:
    """Make households at addresses until a number of people is reached."""

    def __init__(self, rng: Rng, names: Names, addresses: list[Address]) -> None:
        self.rng, self.names, self.addresses = rng, names, addresses
        origins = list(T.ORIGIN_SHARES)
        self.origin_by_kind = {
            "city": Weighted(origins, [T.ORIGIN_SHARES[o][0] for o in origins]),
            "county": Weighted(origins, [T.ORIGIN_SHARES[o][1] for o in origins]),
        }
        self.la_kind = {la: kind for la, kind, _, _ in T.LOCAL_AUTHORITIES}
        self.hh_types = {k: Weighted(HH_KINDS, w) for k, w in HOUSEHOLD_TYPES.items()}
        self.people: list[Person] = []
        self.households: list[list[Person]] = []
        self.ni_seen: set[str] = set()

    # -- names ---------------------------------------------------------------------------------
    def given(self, origin: str, sex: str, birth_year: int, uk_born: bool) -> str:
        rng = self.rng
        if origin == "british" or (uk_born and rng.chance(T.ANGLICISED[origin])):
            return self.names.british_given(rng, sex, birth_year)
        male, female = self.names.given[origin]
        return (male if sex == "M" else female).pick(rng)

    def surname(self, origin: str) -> str:
        if origin == "british":
            return self.names.british_surname(self.rng)
        if origin == "sikh":
            return self.names.surnames["sikh"].pick(self.rng)
        while True:
            s = self.names.surnames[origin].pick(self.rng)
            if s not in T.FEMALE_ONLY_SURNAMES:
                return s

    def middles(self, origin: str, sex: str, birth_year: int, uk_born: bool, first: str,
                father_first: str | None) -> list[str]:
        rng = self.rng
        out: list[str] = []
        if origin in ("british", "irish", "caribbean") or (uk_born and origin == "west_african"):
            p = 0.8 if birth_year >= 1945 else 0.65
            if rng.chance(p):
                n = 2 if rng.chance(0.14) else 1
                for _ in range(n):
                    m = self.names.british_given(rng, sex, birth_year)
                    if m != first and m not in out:
                        out.append(m)
        elif origin in ("indian",) and father_first and rng.chance(0.35):
            out.append(father_first)
        elif origin in ("somali", "arab") and rng.chance(0.8 if origin == "somali" else 0.4):
            out.append(father_first or self.given(origin, "M", birth_year - 30, False))
        elif origin in ("pakistani", "bangladeshi") and rng.chance(0.3):
            m = self.given(origin, sex, birth_year, False)
            if m != first:
                out.append(m)
        elif origin in ("west_african", "polish", "romanian", "chinese", "indian"):
            if rng.chance({"west_african": 0.5}.get(origin, 0.1)):
                m = self.given(origin, sex, birth_year, uk_born)
                if m != first:
                    out.append(m)
        return out

    # -- people --------------------------------------------------------------------------------
    def person(self, hid: int, origin: str, sex: str, age: float, last: str, *, maiden: str = "",
               father_first: str | None = None, dob_ordinal: int | None = None,
               first: str | None = None, alt_last: str = "") -> Person:
        rng = self.rng
        if dob_ordinal is None:
            dob_ordinal = AS_OF.toordinal() - int((max(age, 0.0) + rng.u()) * 365.2425)
        dob = date.fromordinal(dob_ordinal)
        uk_born = origin == "british" or (dob.year >= 1990 and rng.chance(0.75)) or (
            origin in ("irish", "caribbean") and dob.year >= 1965)
        if first is None:
            first = self.given(origin, sex, dob.year, uk_born)
        middles = self.middles(origin, sex, dob.year, uk_born, first, father_first)
        if origin == "sikh":
            title = T.SIKH_MALE if sex == "M" else T.SIKH_FEMALE
            if last in (T.SIKH_MALE, T.SIKH_FEMALE):
                last = title
            elif rng.chance(0.7):
                middles = [title]
                alt_last = alt_last or title
        if origin == "polish":
            if sex == "F":
                last, maiden = _feminine(last), _feminine(maiden)
            else:
                last = _masculine(last)
        age_years = (AS_OF - dob).days / 365.2425
        ni = self.ni_number() if age_years >= 16 and rng.chance(0.97) else ""
        goes_by = ""
        if first in T.NICKNAMES and rng.chance(0.3 if age_years >= 16 else 0.15):
            options = T.NICKNAMES[first]
            goes_by = options[0] if rng.chance(0.6) else rng.pick(options)
        p = Person(pid=len(self.people), hid=hid, first=first, middles=middles, last=last,
                   maiden=maiden if maiden != last else "", alt_last=alt_last, sex=sex, dob=dob,
                   origin=origin, addr=None, prev=None, ni=ni, goes_by=goes_by,
                   uses_middle=bool(middles) and middles[0] not in ("Singh", "Kaur")
                   and rng.chance(0.04), twin=False, in_study=False)
        self.people.append(p)
        return p

    def ni_number(self) -> str:
        rng = self.rng
        first_ok, second_ok = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
        while True:
            prefix = rng.pick(first_ok) + rng.pick(second_ok)
            if prefix in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
                continue
            ni = f"{prefix}{rng.below(1_000_000):06d}{rng.pick('ABCD')}"
            if ni not in self.ni_seen:
                self.ni_seen.add(ni)
                return ni

    # -- households ----------------------------------------------------------------------------
    def household(self, address_index: int) -> list[Person]:
        rng = self.rng
        addr = self.addresses[address_index]
        origin_table = self.origin_by_kind[self.la_kind.get(addr.la, "county")]
        origin = origin_table.pick(rng)
        kind = self.hh_types["south_asian" if origin in SOUTH_ASIAN else "general"].pick(rng)
        if addr.kind == "flat" and kind in ("couple_adult_kids", "multigen"):
            kind = "couple"
        hid = len(self.households)
        members: list[Person] = []

        if kind == "single":
            if rng.chance(0.45):
                age, sex = 60 + 35 * rng.u() ** 1.3, "F" if rng.chance(0.62) else "M"
            else:
                age, sex = 18 + 42 * rng.u() ** 0.9, "M" if rng.chance(0.55) else "F"
            members.append(self.adult_alone(hid, origin, sex, age))
        elif kind == "sharers":
            for _ in range(rng.between(2, 4)):
                o = origin_table.pick(rng)
                members.append(self.adult_alone(hid, o, rng.pick("MF"), 19 + 17 * rng.u()))
        elif kind == "couple":
            r = rng.u()
            age = 22 + 18 * rng.u() if r < 0.25 else 40 + 22 * rng.u() if r < 0.55 else (
                62 + 30 * rng.u() ** 1.3)
            members += self.couple(hid, origin, age, origin_table)
        elif kind in ("couple_kids", "couple_adult_kids"):
            young = kind == "couple_kids"
            mother_age = 24 + 28 * rng.u() if young else 45 + 24 * rng.u()
            parents = self.couple(hid, origin, mother_age, origin_table, mother_first=True)
            members += parents
            n = Weighted([1, 2, 3, 4, 5], [0.45, 0.38, 0.12, 0.04, 0.01]).pick(rng)
            members += self.children(hid, parents, n, 0 if young else 18, 17 if young else 34)
        elif kind == "lone_parent":
            sex = "F" if rng.chance(0.86) else "M"
            parent = self.adult_alone(hid, origin, sex, 19 + 36 * rng.u())
            members.append(parent)
            n = Weighted([1, 2, 3], [0.5, 0.35, 0.15]).pick(rng)
            members += self.children(hid, [parent], n, 0, 21, lone=True)
        else:  # multigen
            gp_age = 58 + 30 * rng.u()
            if rng.chance(0.6):
                elders = self.couple(hid, origin, gp_age, origin_table, allow_mixed=False)
            else:
                elders = [self.adult_alone(hid, origin, "F" if rng.chance(0.75) else "M", gp_age,
                                           widowed=True)]
            members += elders
            kids = self.children(hid, elders, 1, max(19, int(gp_age) - 40),
                                 max(20, int(gp_age) - 22), son_bias=0.7)
            members += kids
            child = kids[0] if kids else None
            if child is not None and rng.chance(0.75):
                age_c = (AS_OF - child.dob).days / 365.2425
                spouse = self.spouse_of(hid, child, origin, age_c)
                members.append(spouse)
                parents = [child, spouse] if child.sex == "M" else [spouse, child]
                members += self.children(hid, parents, rng.between(0, 3), 0, 17)

        for p in members:
            p.addr = address_index
        self.households.append(members)
        return members

    def adult_alone(self, hid, origin, sex, age, widowed=False) -> Person:
        rng = self.rng
        last, maiden = self.surname(origin), ""
        if sex == "F" and (widowed or (age > 35 and rng.chance(0.45))):
            # once married (widowed, divorced or separated): may still carry a married name
            if origin == "bangladeshi" and rng.chance(0.6):
                last = rng.pick(["Begum", "Begum", "Khatun", "Bibi"])
            elif rng.chance(TOOK_HUSBANDS_NAME[origin]):
                maiden, last = last, self.surname(origin)
        return self.person(hid, origin, sex, age, last, maiden=maiden)

    def couple(self, hid, origin, age, origin_table, mother_first=False, allow_mixed=True):
        """A woman and a man (or, 3 %, a same-sex couple); age is the woman's (or first's)."""
        rng = self.rng
        if rng.chance(0.03):
            sex_b = rng.pick("MF")
            a = self.adult_alone(hid, origin, sex_b, age)
            o2 = origin_table.pick(rng) if allow_mixed and rng.chance(0.2) else origin
            b = self.adult_alone(hid, o2, sex_b, max(18.0, age + rng.normal(0, 5)))
            return [a, b]
        his_age = max(18.0, age + rng.normal(2.5, 3.5))
        his_origin = origin
        her_origin = origin_table.pick(rng) if allow_mixed and rng.chance(0.08) else origin
        family = self.surname(his_origin)
        his_alt = ""
        if his_origin == "sikh" and rng.chance(0.3):
            his_alt, family = family, T.SIKH_MALE
        husband = self.person(hid, his_origin, "M", his_age, family, alt_last=his_alt)
        wife = self.spouse_of(hid, husband, her_origin, age, married_p=0.72 if age > 30 else 0.45)
        return [wife, husband] if mother_first else [husband, wife]

    def spouse_of(self, hid, partner: Person, origin, age, married_p=0.75) -> Person:
        """The partner of an existing person: takes (or not) a married surname."""
        rng = self.rng
        sex = "F" if partner.sex == "M" else "M"
        if sex == "M":  # the existing partner is the woman
            return self.person(hid, origin, "M", max(18.0, age + rng.normal(2.5, 3.5)),
                               self.surname(origin))
        birth = self.surname(origin)
        family = partner.last
        if partner.origin == "sikh" and family == T.SIKH_MALE:
            family = partner.alt_last or T.SIKH_FEMALE
        last, maiden, alt = birth, "", ""
        if rng.chance(married_p):
            if origin == "bangladeshi" and rng.chance(0.55):
                last = rng.pick(["Begum", "Begum", "Khatun"])
            elif origin == "sikh" and partner.origin == "sikh":
                if rng.chance(0.4):
                    last, alt = T.SIKH_FEMALE, (family if family != T.SIKH_FEMALE else "")
                else:
                    last, maiden = family, birth
            elif rng.chance(TOOK_HUSBANDS_NAME[origin]):
                last, maiden = family, birth
                if origin == "british" and rng.chance(0.05):
                    last = f"{birth}-{family}"  # a double-barrelled married name
        return self.person(hid, origin, "F", age, last, maiden=maiden, alt_last=alt)

    def children(self, hid, parents: list[Person], n, min_age, max_age, lone=False,
                 son_bias=0.5) -> list[Person]:
        rng = self.rng
        mother = next((p for p in parents if p.sex == "F"), parents[0])
        father = next((p for p in parents if p.sex == "M"), None)
        mother_age = (AS_OF - mother.dob).days / 365.2425
        origin = (father or mother).origin
        kids: list[Person] = []
        # the children's surname
        if father is not None and (father.last == mother.last or mother.maiden):
            base = father.last
        elif father is not None:
            r = rng.u()
            base = father.last if r < 0.65 else mother.last if r < 0.9 else (
                f"{mother.last}-{father.last}")
        else:
            base = mother.last if (lone and rng.chance(0.6)) else self.surname(origin)
        if base in ("Begum", "Khatun", "Bibi", T.SIKH_FEMALE):
            base = father.last if father is not None and father.last not in (
                T.SIKH_MALE,) else self.surname(origin)
        family_alt = father.alt_last if father is not None else ""
        k = 0
        while k < n:
            hi = min(max_age, mother_age - 17)
            lo = max(min_age, mother_age - 45)
            if hi < lo:
                break
            age = lo + (hi - lo) * rng.u()
            sex = "M" if rng.chance(son_bias) else "F"
            last, alt = base, ""
            if origin == "sikh":
                if base in (T.SIKH_MALE, T.SIKH_FEMALE):
                    last = T.SIKH_MALE if sex == "M" else T.SIKH_FEMALE
                    alt = family_alt
            elif origin == "somali" and father is not None and rng.chance(0.6):
                last = father.first  # patronymic
            elif origin == "bangladeshi" and rng.chance(0.35):
                last = self.surname(origin)
            first = None
            if (sex == "M" and father is not None and origin == "british"
                    and rng.chance(JUNIOR_RATE)):
                first = father.first  # a son named after his father
            father_first = father.first if father is not None else None
            child = self.person(hid, origin, sex, age, last, father_first=father_first,
                                first=first, alt_last=alt)
            kids.append(child)
            k += 1
            if rng.chance(TWIN_RATE):
                tsex = sex if rng.chance(0.6) else ("F" if sex == "M" else "M")
                twin_first = None
                for _ in range(10):  # twins never share a first name
                    cand = self.given(origin, tsex, child.dob.year, True)
                    if cand != child.first:
                        twin_first = cand
                        break
                twin = self.person(hid, origin, tsex, age, last, father_first=father_first,
                                   dob_ordinal=child.dob.toordinal(), first=twin_first,
                                   alt_last=alt)
                child.twin = twin.twin = True
                kids.append(twin)
                k += 1
        return kids


def _feminine(surname: str) -> str:
    for m, f in T.POLISH_FEMININE:
        if surname.endswith(m):
            return surname[: -len(m)] + f
    return surname


def _masculine(surname: str) -> str:
    for m, f in T.POLISH_FEMININE:
        if surname.endswith(f):
            return surname[: -len(f)] + m
    return surname


def build_population(seed: int, n_people: int):
    """The world (study population plus others for the register), its addresses and stats."""
    rng = Rng(seed, "population")
    names = Names()
    n_world = n_people + math.ceil((REGISTER_FACTOR - REGISTER_FROM_POPULATION) * n_people * 1.05)
    addresses, geo_stats = build_geography(Rng(seed, "geography"), int(n_world / 2.4 * 1.08) + 50)
    order = list(range(len(addresses)))
    rng.shuffle(order)
    builder = PopulationBuilder(rng, names, addresses)
    used = 0
    while len(builder.people) < n_world:
        if used >= len(order):
            raise RuntimeError("ran out of addresses")  # cannot happen with the sizes above
        builder.household(order[used])
        used += 1
    occupied = order[:used]
    # recent movers: whole households (9 %) and young adults on their own (15 % of 18-40 living
    # alone or sharing); most moves are local, a quarter come from elsewhere
    vacant_or_any = order[used:] + occupied
    elsewhere_rng = Rng(seed, "elsewhere")
    prev_addresses: list[Address] = []
    for members in builder.households:
        if rng.chance(0.09):
            prev = _previous_address(rng, elsewhere_rng, vacant_or_any, addresses, prev_addresses,
                                     members[0].addr)
            for p in members:
                p.prev = prev
        else:
            for p in members:
                age = (AS_OF - p.dob).days / 365.2425
                if 18 <= age < 40 and len(members) <= 4 and p.prev is None and rng.chance(0.06):
                    p.prev = _previous_address(rng, elsewhere_rng, vacant_or_any, addresses,
                                               prev_addresses, p.addr)
    # the study population: whole households in random order until n_people (the last trimmed)
    hh_order = list(range(len(builder.households)))
    rng.shuffle(hh_order)
    study: list[Person] = []
    for h in hh_order:
        for p in builder.households[h]:
            if len(study) < n_people:
                p.in_study = True
                study.append(p)
        if len(study) >= n_people:
            break
    study.sort(key=lambda p: p.pid)
    others = [p for p in builder.people if not p.in_study]
    stats = dict(geo_stats, addresses=len(addresses), households_in_world=len(builder.households),
                 people_in_world=len(builder.people))
    return study, others, addresses, prev_addresses, stats


def _previous_address(rng, elsewhere_rng, pool, addresses, prev_addresses, current) -> int:
    """Index of a previous address: local (75 %) or outside the area (25 %)."""
    if rng.chance(0.25):
        prev_addresses.append(elsewhere_address(elsewhere_rng))
        return -len(prev_addresses)  # negative: an address outside the area
    while True:
        a = rng.pick(pool)
        if a != current:
            return a


# ----------------------------------------------------------------------------------------------
# Corruption.
# ----------------------------------------------------------------------------------------------
def _keyboard_neighbours() -> dict:
    rows = T.KEYBOARD_ROWS
    pos = {c: (r, i) for r, row in enumerate(rows) for i, c in enumerate(row)}
    out = {}
    for c, (r, i) in pos.items():
        near = []
        for dr, di in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)):
            rr, ii = r + dr, i + di
            if 0 <= rr < len(rows) and 0 <= ii < len(rows[rr]):
                near.append(rows[rr][ii])
        out[c] = near
    return out


NEIGHBOURS = _keyboard_neighbours()


def _match_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new


def typo(s: str, rng: Rng) -> str:
    """One typing error: adjacent-key substitution, deletion, insertion, transposition, doubling."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 2:
        return s
    i = rng.pick(letters)
    c = s[i]
    op = rng.u()
    near = NEIGHBOURS.get(c.lower(), [])
    near = [n for n in near if n.isalpha()] or ["e"]
    if op < 0.35:
        return s[:i] + _match_case(rng.pick(near), c) + s[i + 1:]
    if op < 0.55 and len(letters) > 3:
        return s[:i] + s[i + 1:]
    if op < 0.70:
        return s[:i + 1] + _match_case(rng.pick(near), c) + s[i + 1:]
    if op < 0.90 and i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != c:
        return s[:i] + s[i + 1] + c + s[i + 2:]
    return s[:i] + c + s[i:]


def phonetic(s: str, variants: dict, rng: Rng) -> str:
    """A sound-alike spelling: a listed variant, else one spelling rule that applies."""
    listed = variants.get(s.lower())
    if listed:
        return rng.pick(listed)
    low = s.lower()
    rules = [(a, b) for a, b in T.PHONETIC_RULES if a in low[1:]]
    if not rules:
        return s
    a, b = rng.pick(rules)
    at = low.find(a, 1)
    out = s[:at] + b + s[at + len(a):]
    return out[0].upper() + out[1:] if out else s


def strip_accents(s: str) -> str:
    s = s.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def corrupt_dob(dob: date, kind: str, rng: Rng) -> date:
    """The wrong date of birth of one kind."""
    y, m, d = dob.year, dob.month, dob.day
    if kind == "dob_day_month_swap":
        return _safe_date(y, d, m)
    if kind == "dob_wrong_year":
        r = rng.u()
        if r < 0.6:
            y += rng.pick([-1, 1])
        elif r < 0.8 and (y % 10) != (y // 10) % 10:
            y = (y // 100) * 100 + (y % 10) * 10 + (y // 10) % 10  # 1975 -> 1957
        else:
            y += rng.pick([-10, 10])
        y = min(y, AS_OF.year)
        return _safe_date(y, m, d)
    if kind == "dob_day_typo":
        r = rng.u()
        if r < 0.4 and d < 10 and d * 10 + 0 <= 28:
            nd = d * 10 + rng.below(2) if d <= 2 else d + 10  # a missing/extra digit
        elif r < 0.6 and d >= 10 and (d % 10) * 10 + d // 10 <= 28 and d % 10 != 0:
            nd = (d % 10) * 10 + d // 10  # digits swapped: 13 -> 31 (kept valid)
        else:
            nd = d + rng.pick([-1, 1])
        nd = min(max(nd, 1), 28 if m == 2 else 30)
        if nd == d:
            nd = d - 1 if d > 1 else 2
        return _safe_date(y, m, nd)
    if kind == "dob_placeholder_0101":
        return date(y, 1, 1)
    if kind == "dob_placeholder_1900":
        return date(1900, 1, 1)
    raise ValueError(kind)


def _safe_date(y: int, m: int, d: int) -> date:
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1


def corrupt_postcode(pc: str, rng: Rng) -> str:
    """A mistyped postcode: wrong sector digit, unit letters swapped or wrong, district slip."""
    for _ in range(20):
        new = _postcode_slip(pc, rng)
        if new != pc:
            return new
    return pc


def _postcode_slip(pc: str, rng: Rng) -> str:
    outward, inward = pc.split(" ")
    r = rng.u()
    if r < 0.25:
        digits = [c for c in "0123456789" if c != inward[0]]
        inward = rng.pick(digits) + inward[1:]
    elif r < 0.45 and inward[1] != inward[2]:
        inward = inward[0] + inward[2] + inward[1]
    elif r < 0.70:
        pos = rng.pick([1, 2])
        letters = [c for c in T.INWARD_LETTERS if c != inward[pos]]
        inward = inward[:pos] + rng.pick(letters) + inward[pos + 1:]
    elif r < 0.85:
        # district slip: LE11 -> LE1 / LE12, LE4 -> LE14
        head = outward.rstrip("0123456789")
        num = outward[len(head):]
        new = num[:-1] if len(num) > 1 and rng.chance(0.5) else str(
            max(1, int(num) + rng.pick([-1, 1])))
        outward = head + new
    else:
        # O for 0 / I for 1 (letters typed for digits)
        inward = inward[0].replace("0", "O").replace("1", "I") + inward[1:]
        if inward[0].isdigit():
            outward = outward.replace("1", "I", 1) if "1" in outward else outward.replace(
                "0", "O", 1)
    return f"{outward} {inward}"


def corrupt_ni(ni: str, rng: Rng) -> str:
    """A mistyped NI number: a digit wrong, two digits swapped or the suffix letter wrong."""
    r = rng.u()
    digits = list(ni[2:8])
    if r < 0.5:
        i = rng.below(6)
        digits[i] = rng.pick([c for c in "0123456789" if c != digits[i]])
    elif r < 0.8:
        i = rng.below(5)
        if digits[i] == digits[i + 1]:
            digits[i] = str((int(digits[i]) + 1) % 10)
        else:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        return ni[:8] + rng.pick([c for c in "ABCD" if c != ni[8]])
    return ni[:2] + "".join(digits) + ni[8]


# ----------------------------------------------------------------------------------------------
# Agencies: who is in each extract, its corruption rates and its layout.
# ----------------------------------------------------------------------------------------------
# Per-record rates (before each agency's error scale), each applied independently unless said.
BASE_RATES = {
    "first_name_typo": 0.020,
    "last_name_typo": 0.018,
    "first_name_phonetic": 0.015,
    "last_name_phonetic": 0.010,
    "name_swap": 0.006,  # first and last name exchanged (x5 for names of Chinese origin)
    "first_name_missing": 0.002,
    "last_name_missing": 0.001,
    # date of birth: at most one of these per record (drawn together)
    "dob_missing": 0.010,
    "dob_day_month_swap": 0.010,  # applied only where day <= 12 and day != month
    "dob_wrong_year": 0.008,
    "dob_day_typo": 0.008,
    "dob_placeholder_0101": 0.005,
    "sex_missing": 0.006,
    "sex_wrong": 0.003,
    "postcode_typo": 0.015,
    "postcode_missing": 0.010,
    "address_missing": 0.008,
    "house_number_typo": 0.008,
    "ni_typo": 0.010,
    "ni_temporary": 0.004,  # an old-style temporary number (TN + date of birth + sex)
}
DOB_KINDS = ["dob_missing", "dob_day_month_swap", "dob_wrong_year", "dob_day_typo",
             "dob_placeholder_0101", "dob_placeholder_1900"]

AGENCIES = [
    dict(layout="council", label="Council tax, housing and council tax reduction",
         include_child=0.42, include_adult=0.61, error_scale=1.0, duplicate=0.020,
         stale_address=0.15, maiden_name=0.08, nickname=0.45, middle_as_first=0.6,
         sikh_surname=0.12, double_barrel_part=0.25, middle_dropped=0.10, ni_recorded=0.45,
         ni_missing=0.06, locality=0.7, dob_placeholder_1900=0.0, case_noise=0.03),
    dict(layout="health", label="GP practice registrations",
         include_child=0.60, include_adult=0.57, error_scale=1.3, duplicate=0.028,
         stale_address=0.55, maiden_name=0.15, nickname=0.25, middle_as_first=0.3,
         sikh_surname=0.15, double_barrel_part=0.30, middle_dropped=0.20, ni_recorded=0.0,
         ni_missing=0.0, locality=0.9, dob_placeholder_1900=0.002, case_noise=0.0),
    dict(layout="benefits", label="Benefits and pensions (DWP-style)",
         include_child=0.0, include_adult=0.66, error_scale=0.7, duplicate=0.010,
         stale_address=0.25, maiden_name=0.05, nickname=0.05, middle_as_first=0.2,
         sikh_surname=0.08, double_barrel_part=0.10, middle_dropped=1.0, ni_recorded=1.0,
         ni_missing=0.02, locality=0.5, dob_placeholder_1900=0.0, case_noise=0.0),
    dict(layout="schools", label="Schools: pupils and parent/carer contacts",
         include_child=0.80, include_adult=0.38, error_scale=1.0, duplicate=0.015,
         stale_address=0.30, maiden_name=0.10, nickname=0.6, middle_as_first=0.6,
         sikh_surname=0.12, double_barrel_part=0.25, middle_dropped=0.30, ni_recorded=0.0,
         ni_missing=0.0, locality=0.6, dob_placeholder_1900=0.0, case_noise=0.0),
]

LAYOUT_COLUMNS = {
    "council": ["ref", "title", "forenames", "surname", "date_of_birth", "sex", "ni_number",
                "address_line_1", "address_line_2", "town", "postcode"],
    "health": ["PATIENT_ID", "SURNAME", "FORENAME", "OTHER_FORENAMES", "DOB", "SEX", "ADDR1",
               "ADDR2", "ADDR3", "ADDR4", "POSTCODE"],
    "benefits": ["claimant_ref", "nino", "title", "first_name", "last_name", "birth_date",
                 "gender", "address", "postcode"],
    "schools": ["pupil_contact_id", "Forename", "Middle_Names", "Surname", "DOB", "Sex",
                "Address_1", "Address_2", "Town", "Post_Code"],
}


def agency_profile(k: int) -> dict:
    """The profile of agency k (1-based): the four layouts in turn, then again."""
    prof = dict(AGENCIES[(k - 1) % len(AGENCIES)])
    prof["name"] = f"agency_{k}"
    rates = {r: v * prof["error_scale"] for r, v in BASE_RATES.items()}
    if prof["ni_recorded"] == 0:
        rates.pop("ni_typo")
        rates.pop("ni_temporary")
    rates["dob_placeholder_1900"] = prof["dob_placeholder_1900"]
    prof["rates"] = rates
    return prof


class AgencyWriter:
    """Builds one agency's records from true identities."""

    def __init__(self, k: int, prof: dict, seed: int, addresses, prev_addresses, names: Names):
        self.k, self.prof, self.rates = k, prof, prof["rates"]
        self.rng = Rng(seed, f"agency-{k}")
        self.addresses, self.prev_addresses, self.names = addresses, prev_addresses, names
        self.counts: dict[str, int] = {}
        self.eligible: dict[str, int] = {}
        self.ids_seen: set[str] = set()
        dob_w = [self.rates.get(x, 0.0) for x in DOB_KINDS]
        self.dob_cum = [sum(dob_w[: i + 1]) for i in range(len(dob_w))]

    def _count(self, tag: str, tags: list[str]) -> None:
        tags.append(tag)
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def _elig(self, tag: str) -> None:
        self.eligible[tag] = self.eligible.get(tag, 0) + 1

    def new_id(self) -> str:
        rng, layout = self.rng, self.prof["layout"]
        cycle = (self.k - 1) // len(AGENCIES)
        while True:
            if layout == "council":
                rid = f"CT{rng.below(10**7):07d}"
            elif layout == "health":
                rid = f"{rng.between(10**9, 10**10 - 1)}"
            elif layout == "benefits":
                rid = f"C{rng.below(10**8):08d}"
            else:
                rid = f"S{rng.below(10**7):07d}"
            if cycle:
                rid = f"{cycle}{rid}"
            if rid not in self.ids_seen:
                self.ids_seen.add(rid)
                return rid

    def included(self, p: Person) -> bool:
        age = (AS_OF - p.dob).days / 365.2425
        prof = self.prof
        if prof["layout"] == "schools":
            p_in = prof["include_child"] if 4 <= age < 18 else (
                prof["include_adult"] if 22 <= age < 65 else 0.05)
        elif prof["layout"] == "benefits":
            p_in = prof["include_adult"] * (1.15 if age >= 66 else 1.0) if age >= 16 else 0.0
        else:
            p_in = prof["include_child"] if age < 18 else prof["include_adult"]
        return self.rng.chance(min(p_in, 0.98))

    def record(self, p: Person, flip_stale: bool | None = None) -> tuple[dict, list[str], bool]:
        """One record of person p: values after this agency's errors, the error tags, stale?"""
        rng, prof, rates = self.rng, self.prof, self.rates
        tags: list[str] = []
        first, middles, last = p.first, list(p.middles), p.last
        # person-level habits, used by this agency at its own rate
        if p.goes_by:
            self._elig("nickname")
            if rng.chance(prof["nickname"]):
                first = p.goes_by
                self._count("nickname", tags)
        if p.uses_middle and "nickname" not in tags:
            self._elig("middle_as_first")
            if rng.chance(prof["middle_as_first"]):
                first, middles = middles[0], [p.first] + middles[1:]
                self._count("middle_as_first", tags)
        if p.maiden:
            self._elig("maiden_name")
            if rng.chance(prof["maiden_name"]):
                last = p.maiden
                self._count("maiden_name", tags)
        if p.alt_last and "maiden_name" not in tags:
            self._elig("sikh_surname_variant")
            if rng.chance(prof["sikh_surname"]):
                last = p.alt_last
                self._count("sikh_surname_variant", tags)
        if "-" in last and p.origin == "british":
            self._elig("double_barrel_part")
            if rng.chance(prof["double_barrel_part"]):
                last = rng.pick(last.split("-"))
                self._count("double_barrel_part", tags)
        if middles and rng.chance(prof["middle_dropped"]):
            middles = []
            if prof["middle_dropped"] < 1.0:
                self._count("middle_name_dropped", tags)
        # address: a mover may still be at the previous address here
        stale = False
        if p.prev is not None:
            self._elig("stale_address")
            stale = rng.chance(prof["stale_address"]) if flip_stale is None else flip_stale
            if stale:
                self._count("stale_address", tags)
        a_idx = p.prev if stale else p.addr
        addr = self.prev_addresses[-a_idx - 1] if a_idx < 0 else self.addresses[a_idx]
        # name errors
        if rng.chance(rates["first_name_typo"]):
            first = typo(first, rng)
            self._count("first_name_typo", tags)
        if rng.chance(rates["last_name_typo"]):
            last = typo(last, rng)
            self._count("last_name_typo", tags)
        if rng.chance(rates["first_name_phonetic"]):
            new = phonetic(first, self.names.first_variants, rng)
            if new != first:
                first = new
                self._count("first_name_phonetic", tags)
        if rng.chance(rates["last_name_phonetic"]):
            new = phonetic(last, self.names.last_variants, rng)
            if new != last:
                last = new
                self._count("last_name_phonetic", tags)
        if rng.chance(rates["name_swap"] * (5 if p.origin == "chinese" else 1)):
            first, last = last, first
            self._count("name_swap", tags)
        if rng.chance(rates["first_name_missing"]):
            first = ""
            self._count("first_name_missing", tags)
        if rng.chance(rates["last_name_missing"]):
            last = ""
            self._count("last_name_missing", tags)
        # date of birth: at most one error
        dob: date | None = p.dob
        r = rng.u()
        kind = next((DOB_KINDS[i] for i, c in enumerate(self.dob_cum) if r < c), None)
        if kind == "dob_missing":
            dob = None
            self._count(kind, tags)
        elif kind == "dob_day_month_swap":
            if p.dob.day <= 12 and p.dob.day != p.dob.month:
                dob = corrupt_dob(p.dob, kind, rng)
                self._count(kind, tags)
        elif kind is not None:
            new = corrupt_dob(p.dob, kind, rng)
            if new != p.dob:
                dob = new
                self._count(kind, tags)
        sex: str | None = p.sex
        if rng.chance(rates["sex_missing"]):
            sex = None
            self._count("sex_missing", tags)
        elif rng.chance(rates["sex_wrong"]):
            sex = "F" if p.sex == "M" else "M"
            self._count("sex_wrong", tags)
        postcode: str | None = addr.postcode
        if rng.chance(rates["postcode_missing"]):
            postcode = None
            self._count("postcode_missing", tags)
        elif rng.chance(rates["postcode_typo"]):
            postcode = corrupt_postcode(addr.postcode, rng)
            self._count("postcode_typo", tags)
        number = addr.number
        if number and rng.chance(rates["house_number_typo"]):
            n = int("".join(c for c in number if c.isdigit()))
            number = str(max(1, n + rng.pick([-2, -1, 1, 2, 10])))
            self._count("house_number_typo", tags)
        address_missing = rng.chance(rates["address_missing"])
        if address_missing:
            self._count("address_missing", tags)
        # NI number
        ni = ""
        if prof["ni_recorded"] > 0 and p.ni and rng.chance(prof["ni_recorded"]):
            self._elig("ni_number")
            if rng.chance(prof["ni_missing"]):
                self._count("ni_missing", tags)
            elif rng.chance(rates["ni_temporary"]):
                d = p.dob
                ni = f"TN{d.day:02d}{d.month:02d}{d.year % 100:02d}{'M' if p.sex == 'M' else 'F'}"
                self._count("ni_temporary", tags)
            elif rng.chance(rates["ni_typo"]):
                ni = corrupt_ni(p.ni, rng)
                self._count("ni_typo", tags)
            else:
                ni = p.ni
        values = self.layout(p, first, middles, last, dob, sex, addr, number, postcode,
                             address_missing, ni, tags)
        return values, tags, stale

    # -- layouts -------------------------------------------------------------------------------
    def layout(self, p, first, middles, last, dob, sex, addr, number, postcode, address_missing,
               ni, tags) -> dict:
        rng, prof = self.rng, self.prof
        lay = prof["layout"]
        street_line = f"{number} {addr.street}".strip()
        premise = ", ".join(x for x in (addr.sub, addr.building) if x)
        locality = addr.locality if addr.locality and rng.chance(prof["locality"]) else ""
        if locality == addr.town:
            locality = ""
        age = (AS_OF - p.dob).days / 365.2425
        if lay == "council":
            lines = [x for x in (premise, street_line, locality) if x]
            line1 = lines[0]
            line2 = ", ".join(lines[1:])
            title = _title(p, rng) if age >= 16 else ""
            row = {"title": title, "forenames": " ".join([first] + middles).strip(),
                   "surname": last, "date_of_birth": dob.strftime("%d/%m/%Y") if dob else "",
                   "sex": sex or ("U" if rng.chance(0.5) else ""), "ni_number": ni,
                   "address_line_1": line1, "address_line_2": line2, "town": addr.town,
                   "postcode": postcode or ""}
            if address_missing:
                row.update(address_line_1="", address_line_2="", town="")
            if rng.chance(prof["case_noise"]):
                row = {k: v.upper() for k, v in row.items()}
                self._count("case_noise", tags)
        elif lay == "health":
            street = addr.street
            if rng.chance(0.4):
                street = _abbreviate(street)
            lines = [x for x in (premise, f"{number} {street}".strip(), locality, addr.town) if x]
            lines += [""] * (4 - len(lines))
            if address_missing:
                lines = ["", "", "", ""]
            pc = postcode or ""
            if pc and rng.chance(0.25):
                pc = pc.replace(" ", "")
            row = {"SURNAME": last, "FORENAME": first, "OTHER_FORENAMES": " ".join(middles),
                   "DOB": dob.isoformat() if dob else "",
                   "SEX": {"M": "1", "F": "2"}.get(sex or "", rng.pick(["0", "9", ""])),
                   "ADDR1": lines[0], "ADDR2": lines[1], "ADDR3": lines[2], "ADDR4": lines[3],
                   "POSTCODE": pc}
            row = {k: _health_text(v, rng) for k, v in row.items()}
        elif lay == "benefits":
            address = ", ".join(x for x in (premise, street_line, locality, addr.town) if x)
            if ni and len(ni) == 9 and not ni.startswith("TN") and rng.chance(0.7):
                ni = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}"
            row = {"nino": ni, "title": _title(p, rng), "first_name": first, "last_name": last,
                   "birth_date": dob.strftime("%d-%m-%Y") if dob else "",
                   "gender": {"M": "Male", "F": "Female"}.get(sex or "", ""),
                   "address": "" if address_missing else address, "postcode": postcode or ""}
        else:  # schools
            unit = " ".join(x for x in (addr.sub, addr.building) if x)
            line1 = f"{unit} {street_line}".strip() if unit else street_line
            pc = postcode or ""
            if pc and rng.chance(0.05):
                pc = pc.lower()
            row = {"Forename": first, "Middle_Names": " ".join(middles), "Surname": last,
                   "DOB": f"{dob.day}/{dob.month}/{dob.year}" if dob else "",
                   "Sex": {"M": "M", "F": "F"}.get(sex or "", ""),
                   "Address_1": "" if address_missing else line1,
                   "Address_2": "" if address_missing else locality,
                   "Town": "" if address_missing else addr.town, "Post_Code": pc}
        return row


def _title(p: Person, rng: Rng) -> str:
    if p.sex == "M":
        return "Dr" if rng.chance(0.01) else "Mr"
    married = bool(p.maiden) or p.last in ("Begum", "Khatun", "Kaur")
    return rng.pick(T.TITLES_FEMALE_MARRIED if married else T.TITLES_FEMALE_SINGLE)


def _abbreviate(street: str) -> str:
    words = street.split()
    for full, _, short in T.STREET_SUFFIXES:
        if words and words[-1] == full and short:
            return " ".join(words[:-1] + [short])
    return street


def _health_text(v: str, rng: Rng) -> str:
    """The GP system's text: upper case, no accents, apostrophes mostly dropped."""
    v = strip_accents(v).upper()
    if "'" in v and rng.chance(0.7):
        v = v.replace("'", "")
    return v


# ----------------------------------------------------------------------------------------------
# Register: the attacker's plaintext auxiliary list.
# ----------------------------------------------------------------------------------------------
def make_register(seed: int, study, others, addresses, prev_addresses, n_people: int):
    """About 2N people: 30 % of the population and others of the same model, lightly noisy."""
    rng = Rng(seed, "register")
    size = round(REGISTER_FACTOR * n_people)
    chosen = [p for p in study if rng.chance(REGISTER_FROM_POPULATION)]
    pool = list(others)
    rng.shuffle(pool)
    chosen += pool[: max(0, size - len(chosen))]
    rng.shuffle(chosen)
    rows, links = [], []
    seen: set[str] = set()
    for p in chosen:
        while True:
            rid = f"R{rng.below(10**8):08d}"
            if rid not in seen:
                seen.add(rid)
                break
        first = p.goes_by if p.goes_by and rng.chance(0.1) else p.first
        last = p.last
        if rng.chance(0.01):
            first = typo(first, rng)
        if rng.chance(0.01):
            last = typo(last, rng)
        a_idx = p.prev if (p.prev is not None and rng.chance(0.3)) else p.addr
        addr = prev_addresses[-a_idx - 1] if a_idx < 0 else addresses[a_idx]
        rows.append({"register_id": rid, "first_name": first,
                     "middle_name": p.middles[0] if p.middles else "", "last_name": last,
                     "date_of_birth": p.dob.isoformat(), "sex": p.sex, "postcode": addr.postcode})
        links.append((rid, p))
    return rows, links


# ----------------------------------------------------------------------------------------------
# Output.
# ----------------------------------------------------------------------------------------------
def csv_text(columns: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def generate(n_people: int, seed: int, n_agencies: int) -> tuple[dict[str, bytes], dict]:
    """Every output file's bytes, by name, and a summary of what was made."""
    names = Names()
    study, others, addresses, prev_addresses, stats = build_population(seed, n_people)
    files: dict[str, bytes] = {}
    person_records: list[list[list[str]]] = [[[] for _ in range(n_agencies)] for _ in study]
    index = {p.pid: i for i, p in enumerate(study)}
    record_rows: list[dict] = []
    agencies_meta = []
    for k in range(1, n_agencies + 1):
        prof = agency_profile(k)
        aw = AgencyWriter(k, prof, seed, addresses, prev_addresses, names)
        id_col = LAYOUT_COLUMNS[prof["layout"]][0]
        rows, meta_rows = [], []
        n_dups = 0
        for p in study:
            if not aw.included(p):
                continue
            reps = 1
            if aw.rng.chance(prof["duplicate"]):
                reps = 2
            first_stale = None
            for rep in range(reps):
                flip = None if rep == 0 or first_stale is None else (
                    not first_stale if aw.rng.chance(0.7) else None)
                values, tags, stale = aw.record(p, flip)
                if rep == 0:
                    first_stale = stale if p.prev is not None else None
                else:
                    n_dups += 1
                    tags = ["duplicate"] + tags
                rid = aw.new_id()
                values[id_col] = rid
                rows.append(values)
                person_records[index[p.pid]][k - 1].append(rid)
                meta_rows.append({"agency": prof["name"], "record_id": rid,
                                  "person_id": f"P{p.pid:07d}", "errors": ";".join(tags)})
        order = list(range(len(rows)))
        aw.rng.shuffle(order)
        rows = [rows[i] for i in order]
        record_rows += [meta_rows[i] for i in order]
        files[f"{prof['name']}.csv"] = csv_text(LAYOUT_COLUMNS[prof["layout"]], rows)
        aw.counts["duplicate"] = n_dups
        n_people_in = sum(1 for recs in person_records if recs[k - 1])
        agencies_meta.append({
            "file": f"{prof['name']}.csv", "kind": prof["label"], "layout": prof["layout"],
            "id_column": id_col, "columns": LAYOUT_COLUMNS[prof["layout"]],
            "records": len(rows), "people": n_people_in,
            "nominal_rates": {
                **{r: round(v, 5) for r, v in prof["rates"].items()},
                "duplicate": prof["duplicate"], "nickname (of people with one)": prof["nickname"],
                "middle_as_first (of people who use it)": prof["middle_as_first"],
                "maiden_name (of women with a married name)": prof["maiden_name"],
                "sikh_surname_variant (of people with one)": prof["sikh_surname"],
                "double_barrel_part (of double-barrelled surnames)": prof["double_barrel_part"],
                "stale_address (of recent movers)": prof["stale_address"],
                "middle_name_dropped (of people with one)": prof["middle_dropped"],
                "ni_recorded (of people with an NI number)": prof["ni_recorded"],
                "ni_missing (of NI numbers recorded)": prof["ni_missing"],
            },
            "applied_counts": dict(sorted(aw.counts.items())),
            "eligible_counts": dict(sorted(aw.eligible.items())),
        })
    # truth: every cross-agency pair of records of one person
    if n_agencies == 2:
        truth = [{"id_a": a, "id_b": b} for recs in person_records for a in recs[0]
                 for b in recs[1]]
        truth.sort(key=lambda r: (r["id_a"], r["id_b"]))
        files["truth.csv"] = csv_text(["id_a", "id_b"], truth)
    else:
        truth = []
        for recs in person_records:
            for i in range(n_agencies):
                for j in range(i + 1, n_agencies):
                    truth += [{"agency_a": f"agency_{i + 1}", "id_a": a,
                               "agency_b": f"agency_{j + 1}", "id_b": b}
                              for a in recs[i] for b in recs[j]]
        truth.sort(key=lambda r: (r["agency_a"], r["agency_b"], r["id_a"], r["id_b"]))
        files["truth.csv"] = csv_text(["agency_a", "id_a", "agency_b", "id_b"], truth)
    # overlap between each pair of agencies: the share of each one's people in the other
    overlaps = {}
    for i in range(n_agencies):
        for j in range(i + 1, n_agencies):
            both = sum(1 for recs in person_records if recs[i] and recs[j])
            ni_ = sum(1 for recs in person_records if recs[i])
            nj = sum(1 for recs in person_records if recs[j])
            overlaps[f"agency_{i + 1}~agency_{j + 1}"] = {
                "people_in_both": both, f"share_of_agency_{i + 1}": round(both / max(ni_, 1), 4),
                f"share_of_agency_{j + 1}": round(both / max(nj, 1), 4)}
    reg_rows, reg_links = make_register(seed, study, others, addresses, prev_addresses, n_people)
    files["register.csv"] = csv_text(["register_id", "first_name", "middle_name", "last_name",
                                      "date_of_birth", "sex", "postcode"], reg_rows)
    record_rows += [{"agency": "register", "record_id": rid,
                     "person_id": f"P{p.pid:07d}" if p.in_study else f"X{p.pid:07d}",
                     "errors": ""} for rid, p in reg_links]
    files["records.csv"] = csv_text(["agency", "record_id", "person_id", "errors"], record_rows)
    files["population.csv"] = csv_text(
        ["person_id", "household_id", "first_name", "middle_names", "last_name", "maiden_name",
         "alternative_surname", "known_as", "sex", "date_of_birth", "name_origin",
         "local_authority", "address", "postcode", "previous_postcode", "ni_number", "twin"],
        [_population_row(p, addresses, prev_addresses) for p in study])
    summary = {
        "people": len(study), "agencies": agencies_meta, "overlap": overlaps,
        "truth_pairs": len(truth),
        "register": {"records": len(reg_rows),
                     "from_population": sum(1 for _, p in reg_links if p.in_study)},
        "population": _population_stats(study, stats),
    }
    return files, summary


def _population_row(p: Person, addresses, prev_addresses) -> dict:
    a = addresses[p.addr]
    prev = ""
    if p.prev is not None:
        prev = (prev_addresses[-p.prev - 1] if p.prev < 0 else addresses[p.prev]).postcode
    line = ", ".join(x for x in (a.sub, a.building, f"{a.number} {a.street}".strip(), a.locality,
                                 a.town) if x)
    return {"person_id": f"P{p.pid:07d}", "household_id": f"H{p.hid:07d}", "first_name": p.first,
            "middle_names": " ".join(p.middles), "last_name": p.last, "maiden_name": p.maiden,
            "alternative_surname": p.alt_last, "known_as": p.goes_by, "sex": p.sex,
            "date_of_birth": p.dob.isoformat(), "name_origin": p.origin, "local_authority": a.la,
            "address": line, "postcode": a.postcode, "previous_postcode": prev,
            "ni_number": p.ni, "twin": "1" if p.twin else ""}


def _population_stats(study, geo) -> dict:
    bands = [(0, 15), (15, 30), (30, 45), (45, 60), (60, 75), (75, 200)]
    ages = [(AS_OF - p.dob).days / 365.2425 for p in study]
    n = max(len(study), 1)
    origins: dict[str, int] = {}
    for p in study:
        origins[p.origin] = origins.get(p.origin, 0) + 1
    return {
        "age_bands": {f"{a}-{b - 1 if b < 200 else '+'}": round(
            sum(1 for x in ages if a <= x < b) / n, 4) for a, b in bands},
        "female_share": round(sum(1 for p in study if p.sex == "F") / n, 4),
        "name_origins": {k: round(v / n, 4) for k, v in sorted(origins.items())},
        "households": len({p.hid for p in study}),
        "twins": sum(1 for p in study if p.twin),
        "recent_movers": sum(1 for p in study if p.prev is not None),
        "married_name_changes": sum(1 for p in study if p.maiden),
        "geography": geo,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, required=True, help="population size N (>= 100)")
    ap.add_argument("--seed", type=int, required=True, help="random seed (>= 0)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    ap.add_argument("--agencies", type=int, default=2, help="number of agency extracts (2-12)")
    ap.add_argument("--force", action="store_true", help="replace files already in --out")
    args = ap.parse_args(argv)
    if args.people < 100 or args.seed < 0 or not 2 <= args.agencies <= 12:
        print("error: need --people >= 100, --seed >= 0 and 2 <= --agencies <= 12",
              file=sys.stderr)
        return 2
    names = [f"agency_{k}.csv" for k in range(1, args.agencies + 1)] + list(OUTPUT_NAMES)
    if args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is not a folder", file=sys.stderr)
        return 2
    existing = [n for n in names if (args.out / n).exists()]
    if existing and not args.force:
        print(f"error: {len(existing)} output file(s) already in {args.out} "
              f"(e.g. {existing[0]}); use --force to replace them", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    files, summary = generate(args.people, args.seed, args.agencies)
    manifest = {
        "generator": GENERATOR, "version": VERSION,
        "python": platform.python_version(),
        "options": {"people": args.people, "seed": args.seed, "agencies": args.agencies},
        "as_of": AS_OF.isoformat(),
        "note": ("Held-out data: never tune anything against it; report its figures separately. "
                 "population.csv and records.csv are ground truth for analysis only."),
        **summary,
        "sha256": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(files.items())},
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        tmp = args.out / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(args.out / name)
    elapsed = time.perf_counter() - t0
    recs = ", ".join(f"{a['file']} {a['records']}" for a in summary["agencies"])
    print(f"{args.people} people -> {recs}; {summary['truth_pairs']} true pairs; register "
          f"{summary['register']['records']}; {elapsed:.1f} s; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
