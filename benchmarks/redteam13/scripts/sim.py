"""Attacker's own simulated extracts, drawn from the public register only (no access to the population).
Partial register dates are completed at random. Error rates: those visible in the target file (20% missing dob)
plus guessed typo/duplicate rates."""
import sys, random, string, datetime
import pandas as pd
out, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
reg = pd.read_csv(f"{out}/register.csv", dtype=str, keep_default_na=False)
people = []
for r in reg.itertuples():
    parts = r.dob.split("-")
    y = int(parts[0]); m = int(parts[1]) if len(parts) > 1 else rng.randint(1, 12)
    d = int(parts[2]) if len(parts) > 2 else rng.randint(1, 28)
    people.append(dict(pid=r.pid, first=r.first, middle=r.middle, last=r.last, y=y, m=m, d=d, postcode=r.postcode,
                       ni="".join(rng.choice("ABCEGHJ") for _ in range(2)) + f"{rng.randrange(10**6):06d}A" if 2026 - y >= 16 else ""))
def typo(s):
    if len(s) < 3: return s
    i = rng.randrange(1, len(s)); return s[:i] + rng.choice(string.ascii_lowercase) + s[i + 1:]
def bad(y, m, d):
    u = rng.random()
    if u < 0.3 and d <= 12 and d != m: return (y, d, m)
    if u < 0.6: return (y, m, max(1, min(28, d + rng.choice([-1, 1, 10, -10]))))
    return (y + rng.choice([-1, 1, 10, -10]), m, d)
n_pop_est = int(len(people) / 0.88)
n = 12000
frac_people = [p for p in people]
for name in ("sim_a", "sim_b"):
    # the register covers ~88% of the population: draw n * 0.88 records from it
    k = int(n * 0.88)
    idx = rng.sample(range(len(people)), k - int(k * 0.02)); idx += rng.sample(idx, int(k * 0.02))
    rows = []
    for j, i in enumerate(idx):
        r = people[i]; f, l = r["first"], r["last"]
        if rng.random() < 0.03:
            if rng.random() < 0.5: f = typo(f)
            else: l = typo(l)
        dob = ""
        if rng.random() >= 0.20:
            y, m, d = r["y"], r["m"], r["d"]
            if rng.random() < 0.03: y, m, d = bad(y, m, d)
            dob = f"{d:02d}/{m:02d}/{y:04d}"
        rows.append(dict(id=f"S{j:06d}", first_name=f, middle_name=r["middle"] if (r["middle"] and rng.random() < 0.5) else "",
                         last_name=l, date_of_birth=dob, postcode=r["postcode"] if rng.random() > 0.02 else "",
                         ni_number=r["ni"] if (r["ni"] and rng.random() < 0.55) else "", _pid=r["pid"]))
    df = pd.DataFrame(rows)
    df.drop(columns=["_pid"]).to_csv(f"{out}/{name}.csv", index=False)
    df[["id", "_pid"]].rename(columns={"_pid": "pid"}).to_csv(f"{out}/{name}_truth.csv", index=False)
print("sim", out, len(people))
