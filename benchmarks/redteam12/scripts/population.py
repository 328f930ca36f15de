#!/usr/bin/env python3
"""Red team 12: synthetic UK population, agency extract, public register, truth.

usage: population.py --config {A,B} --seed S --out DIR

Writes DIR/population.csv (all people, scoring only), DIR/agency.csv (the data holder's extract,
~12,000 records, with entry errors), DIR/register.csv (the attacker's plaintext public register,
~24,000 people) and DIR/truth.csv (agency record_id -> register reg_id, or empty; scoring only).
"""
import argparse, csv, os, random, string, datetime as dt
from faker.providers.person.en_GB import Provider as GB
from faker.providers.person.en_IN import Provider as IN
from faker.providers.person.pl_PL import Provider as PL


CONFIGS = {
    # Leeds-like: several LS districts, English names with South Asian and Polish minorities.
    "A": dict(districts=["LS6", "LS7", "LS8", "LS11", "LS12", "LS17"], people=30000,
              first_zipf=1.05, sur_zipf=0.6, minority=dict(IN=0.10, PL=0.05), welsh=0.0,
              pc_per_sector=28),
    # Cardiff-like: CF districts, Welsh surname boost, smaller minorities, steeper first names.
    "B": dict(districts=["CF5", "CF11", "CF14", "CF23", "CF24", "CF3", "CF15"], people=29000,
              first_zipf=1.2, sur_zipf=0.72, minority=dict(IN=0.05, PL=0.03), welsh=0.6,
              pc_per_sector=22),
}
WELSH_SUR = ["Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Lewis", "Hughes",
             "Morgan", "Griffiths", "Edwards", "Owen", "Price", "Jenkins", "Rees", "Powell",
             "Pritchard", "Bowen", "Llewellyn", "Vaughan", "Parry", "Morris", "James", "Phillips"]
NICK = {"william": "bill", "robert": "bob", "elizabeth": "liz", "margaret": "maggie",
        "richard": "dick", "james": "jim", "michael": "mike", "thomas": "tom", "christopher": "chris",
        "katherine": "kate", "catherine": "cathy", "jennifer": "jenny", "anthony": "tony",
        "david": "dave", "daniel": "dan", "matthew": "matt", "joseph": "joe", "samuel": "sam",
        "benjamin": "ben", "alexander": "alex", "rebecca": "becky", "victoria": "vicky",
        "susan": "sue", "stephen": "steve", "andrew": "andy", "peter": "pete", "nicholas": "nick",
        "jonathan": "jon", "patricia": "pat", "deborah": "debbie", "timothy": "tim"}


def zipf_weights(n, s, rng):
    return [1.0 / (i + 1) ** s for i in range(n)]


def synth_rare_surnames(rng, n):
    syl1 = ["Ash", "Brad", "Cal", "Dun", "Ear", "Fen", "Gar", "Hal", "Ing", "Kel", "Lang", "Mar",
            "Nor", "Oak", "Pen", "Quar", "Rad", "Staf", "Thorn", "Ut", "Ver", "Wold", "Yar", "Bram",
            "Crom", "Dray", "Elm", "Fair", "Glen", "Hart", "Lock", "Mill", "Ross", "Shel", "Tur"]
    syl2 = ["ley", "ton", "by", "ford", "ham", "well", "wood", "field", "worth", "combe", "stead",
            "more", "land", "croft", "shaw", "dale", "gate", "hurst", "wick", "thorpe", "bury"]
    out = set()
    while len(out) < n:
        out.add(rng.choice(syl1) + rng.choice(syl2))
    return sorted(out)


def build_name_tables(cfg, rng):
    """first names: dict (sex, decade) -> (names, weights); surnames: (names, weights)."""
    tables = {}
    for sex, gb, inn, pl in (("M", GB.first_names_male, IN.first_names_male, PL.first_names_male),
                             ("F", GB.first_names_female, IN.first_names_female, PL.first_names_female)):
        gb = list(dict.fromkeys(gb)); inn = list(dict.fromkeys(inn)); pl = list(dict.fromkeys(pl))
        base = {n: rng.random() for n in gb}
        for dec in range(1920, 2030, 10):
            # popularity drifts by decade: score = base + decade noise
            score = {n: 0.45 * base[n] + 0.55 * rng.random() for n in gb}
            order = sorted(gb, key=lambda n: -score[n])
            w = zipf_weights(len(order), cfg["first_zipf"], rng)
            tot = sum(w)
            names, weights = list(order), [x / tot * (1 - sum(cfg["minority"].values())) for x in w]
            for key, lst in (("IN", inn), ("PL", pl)):
                share = cfg["minority"][key]
                ww = zipf_weights(len(lst), 0.8, rng); t = sum(ww)
                lst2 = list(lst); rng.shuffle(lst2)
                names += lst2; weights += [x / t * share for x in ww]
            tables[(sex, dec)] = (names, weights)
    gbs = list(GB.last_names.items())
    rng.shuffle(gbs)
    gbs.sort(key=lambda kv: -kv[1] * (0.5 + rng.random()))
    sur = [k for k, _ in gbs]
    w = zipf_weights(len(sur), cfg["sur_zipf"], rng)
    rare = synth_rare_surnames(rng, 700)
    sur += rare
    w += [w[-1] * 0.6 * rng.random() for _ in rare]
    if cfg["welsh"]:
        top = w[0]
        for i, n in enumerate(WELSH_SUR):
            if n in sur:
                w[sur.index(n)] = top * cfg["welsh"] / (1 + i) ** 0.7
            else:
                sur.append(n); w.append(top * cfg["welsh"] / (1 + i) ** 0.7)
    tot = sum(w); w = [x / tot * (1 - sum(cfg["minority"].values())) for x in w]
    for key, lst in (("IN", IN.last_names), ("PL", PL.last_names)):
        lst = list(dict.fromkeys(lst)); rng.shuffle(lst)
        ww = zipf_weights(len(lst), 0.9, rng); t = sum(ww)
        sur += lst; w += [x / t * cfg["minority"][key] for x in ww]
    return tables, (sur, w)


def rand_date(rng, year):
    d0 = dt.date(year, 1, 1)
    n = 366 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 365
    return d0 + dt.timedelta(days=rng.randrange(n))


def adult_age(rng):
    # rough UK adult pyramid 18..95
    while True:
        a = rng.randint(18, 95)
        p = 1.0 if a < 60 else max(0.05, 1.0 - (a - 60) / 40)
        if rng.random() < p:
            return a


def make_population(cfg, rng):
    tables, (sur, sw) = build_name_tables(cfg, rng)
    import itertools
    cum = {k: list(itertools.accumulate(v[1])) for k, v in tables.items()}
    scum = list(itertools.accumulate(sw))
    ref_year = 2026

    def first(sex, year):
        dec = min(2020, max(1920, year // 10 * 10))
        names, w = tables[(sex, dec)]
        return rng.choices(names, cum_weights=cum[(sex, dec)])[0]

    postcodes = []
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    for d in cfg["districts"]:
        for sec in range(1, 10):
            for _ in range(cfg["pc_per_sector"]):
                postcodes.append(f"{d} {sec}{rng.choice(letters)}{rng.choice(letters)}")
    postcodes = sorted(set(postcodes))
    people = []
    hh = 0
    sizes, sw_sizes = [1, 2, 3, 4, 5, 6, 7], [30, 34, 15, 13, 5, 2, 1]
    while len(people) < cfg["people"]:
        hh += 1
        pc = rng.choice(postcodes)
        size = rng.choices(sizes, sw_sizes)[0]
        surname = rng.choices(sur, cum_weights=scum)[0]
        members = []
        a1 = adult_age(rng)
        s1 = rng.choice("MF")
        members.append((s1, a1, surname))
        if size >= 2:
            if rng.random() < 0.8:  # couple
                s2 = "F" if s1 == "M" else "M"
                if rng.random() < 0.05: s2 = s1
                a2 = max(18, a1 + rng.randint(-6, 6))
                sn2 = surname if rng.random() < 0.8 else rng.choices(sur, cum_weights=scum)[0]
                members.append((s2, a2, sn2))
            else:  # sharers / adult relatives, own surnames
                members.append((rng.choice("MF"), adult_age(rng), rng.choices(sur, cum_weights=scum)[0]))
        young = min(m[1] for m in members)
        for _ in range(size - len(members)):
            if young >= 38 and rng.random() < 0.85 or young < 38:
                ca = max(0, min(young - 18, rng.randint(0, 22)))
                ca = rng.randint(0, max(0, min(17, young - 19))) if rng.random() < 0.8 else ca
            else:
                ca = adult_age(rng)
            members.append((rng.choice("MF"), ca, surname))
        twin_done = False
        for i, (sex, age, sn) in enumerate(members):
            year = ref_year - age - (1 if rng.random() < 0.5 else 0)
            dob = rand_date(rng, year)
            if i >= 2 and not twin_done and rng.random() < 0.03 and people and people[-1]["household"] == hh:
                dob = dt.date.fromisoformat(people[-1]["dob"]); twin_done = True  # twins
            fn = first(sex, dob.year)
            mid = ""
            if rng.random() < (0.55 if dob.year < 1960 else 0.7):
                mid = first(sex, dob.year)
                if mid == fn: mid = ""
                if mid and rng.random() < 0.08:
                    m2 = first(sex, dob.year)
                    if m2 not in (fn, mid): mid = mid + " " + m2
            if sn == surname and rng.random() < 0.02:
                sn = sn + "-" + rng.choices(sur, cum_weights=scum)[0]
            ni = ""
            if age >= 16:
                ni = (rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
                      + "".join(rng.choice(string.digits) for _ in range(6)) + rng.choice("ABCD"))
            people.append(dict(person_id=f"P{len(people):06d}", household=hh, first_name=fn,
                               middle_name=mid, surname=sn, sex=sex, dob=dob.isoformat(),
                               postcode=pc, ni_number=ni))
    return people


def typo(s, rng):
    if len(s) < 3: return s
    i = rng.randrange(1, len(s))
    op = rng.random()
    if op < 0.35: return s[:i] + rng.choice(string.ascii_lowercase) + s[i + 1:]
    if op < 0.6: return s[:i] + s[i + 1:]
    if op < 0.8 and i < len(s) - 1: return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i] + s[i:]


def agency_record(p, rng, postcodes):
    fn, mid, sn = p["first_name"], p["middle_name"], p["surname"]
    if fn.lower() in NICK and rng.random() < 0.06: fn = NICK[fn.lower()].capitalize()
    if rng.random() < 0.03: fn = typo(fn, rng)
    if rng.random() < 0.03: sn = typo(sn, rng)
    if mid and rng.random() < 0.35: mid = ""
    if mid and rng.random() < 0.02: mid = typo(mid, rng)
    d = dt.date.fromisoformat(p["dob"])
    dob = d.strftime("%d/%m/%Y")
    r = rng.random()
    if r < 0.012 and d.day <= 12 and d.day != d.month: dob = f"{d.month:02d}/{d.day:02d}/{d.year}"
    elif r < 0.02: dob = ""
    elif r < 0.03:
        s = list(dob); i = rng.choice([0, 1, 3, 4, 8, 9]); s[i] = rng.choice(string.digits)
        dob = "".join(s)
    pc = p["postcode"]
    r = rng.random()
    if r < 0.02: pc = ""
    elif r < 0.04: pc = rng.choice(postcodes)  # moved
    elif r < 0.05: pc = pc.replace(" ", "")
    ni = p["ni_number"]
    if ni and rng.random() < 0.1: ni = ""
    sex = {"M": rng.choice(["M", "Male", "m"]), "F": rng.choice(["F", "Female", "f"])}[p["sex"]]
    if rng.random() < 0.01: sex = ""
    case = rng.random()
    if case < 0.2: fn, mid, sn = fn.upper(), mid.upper(), sn.upper()
    return dict(first_name=fn, middle_name=mid, surname=sn, date_of_birth=dob, sex=sex, postcode=pc,
                ni_number=ni)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True); ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--agency", type=int, default=12000); ap.add_argument("--register", type=int, default=24000)
    a = ap.parse_args()
    cfg = CONFIGS[a.config]; rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    people = make_population(cfg, rng)
    postcodes = sorted({p["postcode"] for p in people})
    with open(os.path.join(a.out, "population.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(people[0])); w.writeheader(); w.writerows(people)
    idx = list(range(len(people)))
    # Register: ~24,000 people; agency: 12,000 people, 85% of them in the register.
    rng.shuffle(idx)
    reg_idx = idx[:a.register]
    in_reg = set(reg_idx)
    rest = idx[a.register:]
    n_in = int(a.agency * 0.85)
    ag_idx = rng.sample(reg_idx, n_in) + rng.sample(rest, min(len(rest), a.agency - n_in))
    rng.shuffle(ag_idx)
    reg_rows, reg_id = [], {}
    for j, i in enumerate(sorted(reg_idx, key=lambda _: rng.random())):
        p = people[i]
        rid = f"G{j:06d}"; reg_id[i] = rid
        r = rng.random()
        dob = p["dob"] if r < 0.6 else ""
        yob = p["dob"][:4] if r < 0.85 else ""
        mid = p["middle_name"] if rng.random() < 0.8 else ""
        reg_rows.append(dict(reg_id=rid, first_name=p["first_name"], middle_name=mid,
                             surname=p["surname"], postcode=p["postcode"], dob=dob, yob=yob))
    with open(os.path.join(a.out, "register.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(reg_rows[0])); w.writeheader(); w.writerows(reg_rows)
    ag_rows, truth = [], []
    for j, i in enumerate(ag_idx):
        rec = agency_record(people[i], rng, postcodes)
        rid = f"R{rng.randrange(10**8):08d}{j:05d}"
        ag_rows.append(dict(record_id=rid, **rec))
        truth.append(dict(record_id=rid, person_id=people[i]["person_id"], reg_id=reg_id.get(i, "")))
    with open(os.path.join(a.out, "agency.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(ag_rows[0])); w.writeheader(); w.writerows(ag_rows)
    with open(os.path.join(a.out, "truth.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(truth[0])); w.writeheader(); w.writerows(truth)
    print(a.out, "people", len(people), "households", people[-1]["household"], "postcodes",
          len(postcodes), "agency", len(ag_rows), "register", len(reg_rows))


if __name__ == "__main__":
    main()
