"""Own UK-like population generator (redteam13). Not derived from linkcore's synth.

usage: gen.py OUTDIR SEED SETTING   (SETTING: p1 = northern English town, p2 = mixed London borough)
Writes population.csv (truth), register.csv, agency_a.csv, agency_b.csv (+ truth columns in *_truth.csv).
"""
import sys, os, math, random, string
import numpy as np, pandas as pd
from faker.providers.person.en_GB import Provider as GB
from faker.providers.person.en_US import Provider as US
from faker.providers.person.en_IN import Provider as IN

out, seed, setting = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
rng = random.Random(seed)
REF_YEAR = 2026

TOP_UK = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
          "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
          "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
          "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen"]

def zipf_weights(n, s, off):
    return [1.0 / (i + off) ** s for i in range(n)]

P = dict(
    p1=dict(area=["BD", "HX"], n_people=26000, surname_s=1.0, first_s=1.0, first_off=5, sur_off=20, sigma=1.3, p_share_initial=0.15,
            p_junior=0.09, p_twin=0.016, p_asian=0.10, p_jan1=0.0, hh_per_pc=14),
    p2=dict(area=["E", "IG"], n_people=24000, surname_s=0.9, first_s=0.9, first_off=4, sur_off=30, sigma=1.8, p_share_initial=0.10,
            p_junior=0.05, p_twin=0.013, p_asian=0.35, p_jan1=0.012, hh_per_pc=18),
)[setting]

# ---- name vocabularies with own frequencies and decade dependence
def build_first(names, s, r):
    names = list(dict.fromkeys(names))
    base = zipf_weights(len(names), s, P['first_off'])
    r.shuffle(base)  # popularity not the faker order
    peaks = [r.uniform(1925, 2020) for _ in names]
    return names, np.array(base), np.array(peaks)

gb_m, gb_f = build_first(GB.first_names_male, P["first_s"], rng), build_first(GB.first_names_female, P["first_s"], rng)
in_m, in_f = build_first(IN.first_names_male, P["first_s"], rng), build_first(IN.first_names_female, P["first_s"], rng)

def first_dist(vocab, year):
    names, base, peaks = vocab
    w = base * np.exp(-((year - peaks) ** 2) / (2 * (P["sigma"] * 10) ** 2)) + 1e-6 * base
    return names, w / w.sum()

def draw_first(sex, year, asian, avoid=None, initial=None):
    vocab = (in_m if sex == "m" else in_f) if asian else (gb_m if sex == "m" else gb_f)
    names, p = first_dist(vocab, year)
    if initial is not None:
        mask = np.array([n[0] == initial for n in names])
        if mask.any():
            p = p * mask; p = p / p.sum()
    for _ in range(20):
        n = names[np.searchsorted(np.cumsum(p), rng.random() * 0.999999)]
        if not (n == avoid or (isinstance(avoid, set) and n in avoid)):
            return n
    return n

sn_uk = list(dict.fromkeys(TOP_UK + list(GB.last_names) + list(US.last_names)))
sn_uk_w = np.array(zipf_weights(len(sn_uk), P["surname_s"], P['sur_off'])); sn_uk_w /= sn_uk_w.sum()
sn_in = list(dict.fromkeys(IN.last_names)); rng.shuffle(sn_in)
sn_in_w = np.array(zipf_weights(len(sn_in), P["surname_s"], 8)); sn_in_w /= sn_in_w.sum()
cum_uk, cum_in = np.cumsum(sn_uk_w), np.cumsum(sn_in_w)

def draw_surname(asian):
    if asian:
        return sn_in[min(len(sn_in) - 1, np.searchsorted(cum_in, rng.random()))]
    return sn_uk[min(len(sn_uk) - 1, np.searchsorted(cum_uk, rng.random()))]

def dob_for_age(age):
    y = REF_YEAR - 1 - age
    if rng.random() < P["p_jan1"] and age > 16:
        return (y, 1, 1)
    doy = rng.randrange(365)
    import datetime
    d = datetime.date(y, 1, 1) + datetime.timedelta(days=doy)
    return (d.year, d.month, d.day)

# ---- postcodes
def make_postcodes(n):
    pcs = set()
    while len(pcs) < n:
        a = rng.choice(P["area"])
        dist = rng.randint(1, 22)
        pcs.add(f"{a}{dist} {rng.randint(1,9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")
    return sorted(pcs)

people = []
pid = 0
def person(first, middle, last, sex, dob, pc, hh, role):
    global pid
    pid += 1
    ni = None
    if REF_YEAR - dob[0] >= 16:
        ni = "".join(rng.choice("ABCEGHJKLMNPRSTWXYZ") for _ in range(2)) + f"{rng.randrange(10**6):06d}" + rng.choice("ABCD")
    people.append(dict(pid=pid, first=first, middle=middle, last=last, sex=sex, y=dob[0], m=dob[1], d=dob[2],
                       postcode=pc, hh=hh, role=role, ni=ni))
    return people[-1]

def maybe_middle(sex, year, asian, father_first=None):
    if rng.random() < (0.45 if asian else 0.65):
        if father_first and rng.random() < 0.15:
            return father_first
        return draw_first(sex, year + rng.randint(-15, 15), asian)
    return None

hh = 0
n_target = P["n_people"]
postcodes = make_postcodes(int(n_target / 2.4 / P["hh_per_pc"]) + 1)
while len(people) < n_target:
    hh += 1
    pc = postcodes[(hh - 1) % len(postcodes)] if rng.random() < 0.7 else rng.choice(postcodes)
    asian = rng.random() < P["p_asian"]
    t = rng.random()
    head_age = int(min(95, max(18, rng.gauss(47, 18))))
    hs = rng.choice("mf")
    hdob = dob_for_age(head_age)
    hsur = draw_surname(asian)
    hfirst = draw_first(hs, hdob[0], asian)
    head = person(hfirst, maybe_middle(hs, hdob[0], asian), hsur, hs, hdob, pc, hh, "head")
    if t < 0.30:  # single
        continue
    if t < 0.40:  # sharers
        for _ in range(rng.randint(1, 3)):
            a = rng.randint(19, 35); s = rng.choice("mf"); d = dob_for_age(a); asn = rng.random() < P["p_asian"]
            person(draw_first(s, d[0], asn), maybe_middle(s, d[0], asn), draw_surname(asn), s, d, pc, hh, "sharer")
        continue
    # couple
    ps = "f" if hs == "m" else "m"
    if rng.random() < 0.04: ps = hs
    pa = int(min(95, max(18, head_age + rng.gauss(-1 if hs == "m" else 2, 4))))
    pdob = dob_for_age(pa)
    init = hfirst[0] if rng.random() < P["p_share_initial"] else None
    pfirst = draw_first(ps, pdob[0], asian, avoid=hfirst, initial=init)
    psur = hsur if rng.random() < 0.78 else draw_surname(asian)
    partner = person(pfirst, maybe_middle(ps, pdob[0], asian), psur, ps, pdob, pc, hh, "partner")
    if t < 0.62 and head_age > 50:
        continue
    if t < 0.55:
        continue
    father = head if hs == "m" else (partner if ps == "m" else None)
    mother_age = min(head_age, pa)
    nk = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
    junior_done = False
    kids = 0
    used = {hfirst, pfirst}
    while kids < nk:
        ka = mother_age - rng.randint(20, 40)
        if ka < 0:
            break
        if ka > 28:
            kids += 1; continue
        twins = 2 if rng.random() < P["p_twin"] else 1
        kd = dob_for_age(ka)
        prev = None
        for _ in range(twins):
            s = rng.choice("mf")
            if s == "m" and father is not None and not junior_done and rng.random() < P["p_junior"] and prev is None:
                f = father["first"]; junior_done = True
            else:
                f = draw_first(s, kd[0], asian, avoid=used)
            prev = f; used.add(f)
            person(f, maybe_middle(s, kd[0], asian, father["first"] if father else None), hsur, s, kd, pc, hh, "child")
        kids += 1
    if rng.random() < 0.05 and head_age < 60:  # three generations
        ga = head_age + rng.randint(22, 35)
        if ga <= 100:
            s = rng.choice("mf"); d = dob_for_age(ga)
            person(draw_first(s, d[0], asian), maybe_middle(s, d[0], asian), hsur, s, d, pc, hh, "grandparent")

pop = pd.DataFrame(people)
pop.to_csv(f"{out}/population.csv", index=False)

def fmt_dob(y, m, d):
    return f"{d:02d}/{m:02d}/{y:04d}"

# ---- register: 88% of people, full dob for ~60% of all people, others partial
reg = []
for r in people:
    if rng.random() < 0.88:
        u = rng.random()
        if u < 0.68:
            dob = f"{r['y']:04d}-{r['m']:02d}-{r['d']:02d}"
        elif u < 0.88:
            dob = f"{r['y']:04d}-{r['m']:02d}"
        else:
            dob = f"{r['y']:04d}"
        reg.append(dict(pid=r["pid"], first=r["first"], middle=r["middle"] or "", last=r["last"], dob=dob,
                        postcode=r["postcode"]))
pd.DataFrame(reg).to_csv(f"{out}/register.csv", index=False)

# ---- agency extracts
def typo(s):
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))
    op = rng.random()
    if op < 0.35:
        return s[:i] + rng.choice(string.ascii_lowercase) + s[i + 1:]
    if op < 0.6:
        return s[:i] + s[i + 1:]
    if op < 0.8 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i] + s[i:]

def bad_dob(y, m, d):
    u = rng.random()
    if u < 0.3 and d <= 12 and d != m:
        return (y, d, m)
    if u < 0.6:
        nd = max(1, min(28, d + rng.choice([-10, -1, 1, 10])))
        return (y, m, nd)
    if u < 0.85:
        return (y + rng.choice([-10, -1, 1, 10]), m, d)
    return (y, max(1, min(12, m + rng.choice([-1, 1]))), d)

def extract(name, n, p_dup, tag):
    idx = rng.sample(range(len(people)), n - int(n * p_dup))
    dup = rng.sample(idx, int(n * p_dup))
    rows = []
    for k, i in enumerate(idx + dup):
        r = people[i]
        first, last = r["first"], r["last"]
        if rng.random() < 0.03:
            if rng.random() < 0.5: first = typo(first)
            else: last = typo(last)
        middle = r["middle"] if (r["middle"] and rng.random() < 0.5) else ""
        u = rng.random()
        if u < 0.20:
            dob = ""
        else:
            y, m, d = r["y"], r["m"], r["d"]
            if rng.random() < 0.03:
                y, m, d = bad_dob(y, m, d)
            dob = fmt_dob(y, m, d)
        pc = r["postcode"]
        if rng.random() < 0.02: pc = ""
        ni = r["ni"] if (r["ni"] and rng.random() < 0.55) else ""
        rows.append(dict(id=f"{tag}{k:06d}", first_name=first.upper() if rng.random() < 0.3 else first,
                         middle_name=middle, last_name=last, date_of_birth=dob, postcode=pc, ni_number=ni,
                         _pid=r["pid"]))
    rng.shuffle(rows)
    df = pd.DataFrame(rows)
    df.drop(columns=["_pid"]).to_csv(f"{out}/{name}.csv", index=False)
    df[["id", "_pid"]].rename(columns={"_pid": "pid"}).to_csv(f"{out}/{name}_truth.csv", index=False)

extract("agency_a", 12000, 0.02, "A")
extract("agency_b", 12000, 0.02, "B")
print(setting, "people", len(pop), "households", hh, "postcodes", pop.postcode.nunique(), "register", len(reg))
