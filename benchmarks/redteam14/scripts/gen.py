import random, csv, os, string, datetime
R = random.Random(14)
SUR = """SMITH JONES WILLIAMS TAYLOR BROWN DAVIES EVANS WILSON THOMAS JOHNSON ROBERTS ROBINSON THOMPSON WRIGHT WALKER WHITE EDWARDS HUGHES GREEN HALL LEWIS HARRIS CLARKE PATEL JACKSON WOOD TURNER MARTIN COOPER HILL WARD MORRIS MOORE CLARK LEE KING BAKER HARRISON MORGAN ALLEN JAMES SCOTT PHILLIPS WATSON DAVIS PARKER PRICE BENNETT YOUNG GRIFFITHS MITCHELL KELLY COOK CARTER RICHARDSON BAILEY COLLINS BELL SHAW MURPHY MILLER COX RICHARDS KHAN MARSHALL ANDERSON SIMPSON ELLIS ADAMS SINGH BEGUM WILKINSON FOSTER CHAPMAN POWELL WEBB ROGERS GRAY MASON ALI HUNT HUSSAIN CAMPBELL MATTHEWS OWEN PALMER HOLMES MILLS BARNES KNIGHT LLOYD BUTLER RUSSELL BARKER FISHER STEVENS JENKINS MURRAY DIXON HARVEY GRAHAM PEARSON AHMED FLETCHER WALSH KAUR GIBSON HOWARD ANDREWS STEWART ELLIOTT REYNOLDS SAUNDERS PAYNE FOX FORD PEARCE DAY BROOKS WEST LAWRENCE COLE ATKINSON BRADLEY SPENCER GILL DAWSON BALL BURTON O'BRIEN WATTS ROSE BOOTH PERRY RYAN GRANT WELLS ARMSTRONG FRANCIS REES HAYES HART HUDSON NEWMAN BARRETT WEBSTER HUNTER GREGORY CARR LOWE PAGE MARSH RILEY DUNN WOODS PARSONS BERRY STONE REID HOLLAND HAWKINS HARDING PORTER ROBERTSON NEWTON OLIVER REED KENNEDY WILLIAMSON BIRD GARDNER SHARP LANE COLE MOSS CHAMBERS PRESTON HODGSON""".split()
SUR = list(dict.fromkeys(SUR))
M = """OLIVER JACK HARRY GEORGE NOAH CHARLIE JACOB ALFIE FREDDIE OSCAR LEO LOGAN ARCHIE THEO THOMAS JAMES JOSHUA HENRY WILLIAM MAX LUCAS ETHAN ARTHUR MASON ISAAC HARRISON TEDDY FINLEY DANIEL RILEY EDWARD JOSEPH ALEXANDER ADAM REGGIE SAMUEL JAXON SEBASTIAN ELIJAH HARLEY TOBY ARLO DYLAN JUDE BENJAMIN RORY TOMMY JAKE LOUIE CARTER JENSON HUGO BOBBY FRANKIE OLLIE ZACHARY DAVID ALBIE LEWIS LUCA RONNIE JAYDEN WILLIE MICHAEL JOHN PAUL ANDREW MARK STEPHEN PETER RICHARD ROBERT CHRISTOPHER MATTHEW ANTHONY KEVIN GARY IAN SIMON NEIL LEE DARREN CRAIG WAYNE KEITH BRIAN KENNETH""".split()
F = """OLIVIA AMELIA ISLA AVA MIA IVY LILY ISABELLA ROSIE SOPHIA GRACE WILLOW FREYA EVIE ELLA DAISY SIENNA POPPY EMILY ELSIE ISABELLE MAYA ARIA ALICE LOLA HARPER EVELYN MILA SOPHIE MATILDA EVA PHOEBE RUBY MAISIE ESME FLORENCE BONNIE ELIZABETH SARAH LAURA EMMA JESSICA HANNAH CHARLOTTE REBECCA LUCY AMY GEMMA RACHEL CLAIRE NICOLA HELEN KAREN SUSAN JULIE MICHELLE TRACEY LISA JOANNE DONNA SAMANTHA DAWN ANGELA LOUISE KELLY VICTORIA MARGARET PATRICIA MARY JEAN CAROL LINDA ELAINE SHARON""".split()
def zipf_pick(lst, s=1.0):
    w = [1.0/(i+1)**s for i in range(len(lst))]
    return R.choices(lst, weights=w)[0]
def pc():
    return R.choice(["B","M","LS","S","NE","L","BS","CV"]) + str(R.randint(1,30)) + " " + str(R.randint(1,9)) + R.choice("ABDEFGHJLNPQRSTUWXYZ") + R.choice("ABDEFGHJLNPQRSTUWXYZ")
people = []
pid = 0
while len(people) < 3000:
    sur = zipf_pick(SUR, 0.9); post = pc(); n = R.choice([1,1,2,2,2,3,3,4,4,5])
    for j in range(n):
        sex = R.choice("MF")
        if j < 2: y = R.randint(1940, 2003)
        else: y = R.randint(2004, 2022)
        d = datetime.date(y,1,1) + datetime.timedelta(days=R.randint(0,364))
        s2 = sur if R.random() > 0.1 else zipf_pick(SUR, 0.9)
        people.append(dict(pid=pid, first=zipf_pick(M if sex=="M" else F, 1.0), sur=s2, sex=sex, dob=d.isoformat(), pc=post))
        pid += 1
os.makedirs("data", exist_ok=True)
with open("data/truth_people.csv","w",newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(people[0])); w.writeheader(); w.writerows(people)
reg = [p for p in people if R.random() < 0.6]
with open("data/register.csv","w",newline="") as f:
    w = csv.writer(f); w.writerow(["id","first_name","surname","sex","date_of_birth","postcode"])
    for p in reg: w.writerow([f"R{p['pid']}", p["first"], p["sur"], p["sex"], p["dob"], p["pc"]])
def typo(s):
    if len(s) < 3: return s
    i = R.randrange(len(s)); op = R.random()
    if op < .33: return s[:i] + s[i+1:]
    if op < .66: return s[:i] + R.choice(string.ascii_uppercase) + s[i+1:]
    if i < len(s)-1: return s[:i] + s[i+1] + s[i] + s[i+2:]
    return s
# state evolves over months: moves & surname changes (true state)
state = {p["pid"]: dict(p) for p in people}
AG = {"benefits": (0.45, 0.0), "housing": (0.40, 0.0), "counciltax": (0.5, 0.22)}
members = {a: set(p["pid"] for p in people if R.random() < AG[a][0]) for a in AG}
recerr = {}  # persistent per (agency,pid) errors
events = []
for m in range(1, 4):
    if m > 1:
        for p in people:
            s = state[p["pid"]]
            if R.random() < 0.03: s["pc"] = pc(); events.append((m, p["pid"], "move"))
            if R.random() < 0.01 and s["sex"] == "F": s["sur"] = zipf_pick(SUR, 0.9); events.append((m, p["pid"], "surname"))
        for a in AG:
            for q in list(members[a]):
                if R.random() < 0.03: members[a].discard(q)
            for p in people:
                if p["pid"] not in members[a] and R.random() < 0.02: members[a].add(p["pid"])
    for a, (share, missdob) in AG.items():
        rows = []
        for q in sorted(members[a]):
            s = state[q]
            k = (a, q)
            if k not in recerr:
                recerr[k] = dict(ft=R.random() < 0.03, st=R.random() < 0.03, nodob=R.random() < missdob, dobswap=R.random() < 0.01, seed=R.random())
            e = recerr[k]; rr = random.Random(e["seed"])
            fn = s["first"]; sn = s["sur"]
            if e["ft"]: R2 = R; fn = typo(fn)
            if e["st"]: sn = typo(sn)
            dob = "" if e["nodob"] else s["dob"]
            if e["dobswap"] and dob: y, mo, d = dob.split("-"); dob = f"{y}-{d}-{mo}" if int(d) <= 12 else dob
            # lag: update postcode in this agency with prob 0.7 each month
            rows.append([f"{a[:2]}{q:05d}", fn, sn, s["sex"], dob, s["pc"], q])
        with open(f"data/m{m}_{a}.csv","w",newline="") as f:
            w = csv.writer(f); w.writerow(["id","first_name","surname","sex","date_of_birth","postcode"])
            for r in rows: w.writerow(r[:-1])
        with open(f"data/m{m}_{a}_truth.csv","w",newline="") as f:
            w = csv.writer(f); w.writerow(["id","pid"])
            for r in rows: w.writerow([r[0], r[-1]])
with open("data/events.csv","w",newline="") as f:
    w = csv.writer(f); w.writerow(["month","pid","event"]); w.writerows(events)
print(len(people), len(reg), {a: len(members[a]) for a in AG}, len(events))
