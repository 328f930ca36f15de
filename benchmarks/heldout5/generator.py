#!/usr/bin/env python3
"""heldout5: an independent held-out generator of a UK-like population and two agency extracts.

    python generator.py OUTDIR --people N --seed S

Writes OUTDIR/agency_a.csv, OUTDIR/agency_b.csv, OUTDIR/truth.csv (id_a,id_b) and
OUTDIR/register.csv (a plaintext public register of 2*N people of the same population model).

The model is self-contained (hand-written name tables with era and community structure, Faker
locale lists only as long tails).  It is meant for held-out evaluation only; see README.md.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import os
import random
import string
import sys
import unicodedata

import pandas as pd

REF_DATE = dt.date(2025, 3, 31)          # extraction date of both agencies
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# ---------------------------------------------------------------------------------------------
# weighted sampling helpers
# ---------------------------------------------------------------------------------------------
class Dist:
    """Categorical distribution with cumulative weights (sampling with a random.Random)."""

    def __init__(self, items, weights):
        merged: dict = {}
        for it, w in zip(items, weights):
            if it and w > 0:
                merged[it] = merged.get(it, 0.0) + float(w)
        self.items = list(merged)
        self.cum = list(itertools.accumulate(merged.values()))
        self.total = self.cum[-1]

    def __call__(self, rnd: random.Random):
        return self.items[bisect.bisect_right(self.cum, rnd.random() * self.total)]

    def __len__(self):
        return len(self.items)


def zipf_weights(n, s=1.0, offset=2.0):
    return [1.0 / (r + offset) ** s for r in range(n)]


def head_tail(head, tail, head_share, rnd, s_head=0.9, s_tail=0.75, off_head=3.0, off_tail=8.0):
    """Head list in rank order gets head_share of the mass (Zipf), tail (shuffled) the rest."""
    head = list(dict.fromkeys(h for h in head if h))
    hs = set(head)
    tail = [t for t in dict.fromkeys(t for t in tail if t) if t not in hs]
    rnd.shuffle(tail)
    hw = zipf_weights(len(head), s_head, off_head)
    tw = zipf_weights(len(tail), s_tail, off_tail) if tail else []
    sh, st = sum(hw), (sum(tw) or 1.0)
    share = head_share if tail else 1.0
    return Dist(head + tail, [w / sh * share for w in hw] + [w / st * (1 - share) for w in tw])


def W(s: str):
    return [x.strip() for x in s.replace("\n", " ").split(",") if x.strip()]


# ---------------------------------------------------------------------------------------------
# name tables (hand written; rank order matters)
# ---------------------------------------------------------------------------------------------
BRIT_SURNAME_TOP = [  # (surname, approx. share of white-British population in %)
    ("Smith", 1.20), ("Jones", 0.92), ("Williams", 0.68), ("Taylor", 0.52), ("Brown", 0.50),
    ("Davies", 0.46), ("Evans", 0.37), ("Wilson", 0.35), ("Thomas", 0.33), ("Johnson", 0.32),
    ("Roberts", 0.31), ("Robinson", 0.27), ("Thompson", 0.27), ("Wright", 0.26), ("Walker", 0.26),
    ("White", 0.24), ("Edwards", 0.24), ("Hughes", 0.23), ("Green", 0.23), ("Hall", 0.23),
    ("Lewis", 0.22), ("Harris", 0.22), ("Clarke", 0.22), ("Jackson", 0.21), ("Wood", 0.21),
    ("Turner", 0.20), ("Martin", 0.20), ("Cooper", 0.19), ("Hill", 0.19), ("Ward", 0.19),
    ("Morris", 0.18), ("Moore", 0.18), ("Clark", 0.18), ("Lee", 0.17), ("King", 0.17),
    ("Baker", 0.17), ("Harrison", 0.17), ("Morgan", 0.16), ("Allen", 0.16), ("James", 0.16),
    ("Scott", 0.16), ("Phillips", 0.15), ("Watson", 0.15), ("Davis", 0.15), ("Parker", 0.15),
    ("Price", 0.14), ("Bennett", 0.14), ("Young", 0.14), ("Griffiths", 0.14), ("Mitchell", 0.14),
    ("Kelly", 0.14), ("Cook", 0.14), ("Carter", 0.14), ("Richardson", 0.13), ("Bailey", 0.13),
    ("Collins", 0.13), ("Bell", 0.13), ("Shaw", 0.13), ("Murphy", 0.13), ("Miller", 0.13),
    ("Cox", 0.13), ("Richards", 0.12), ("Marshall", 0.12), ("Anderson", 0.12), ("Simpson", 0.12),
    ("Ellis", 0.12), ("Adams", 0.12), ("Wilkinson", 0.11), ("Foster", 0.11), ("Chapman", 0.11),
    ("Powell", 0.11), ("Webb", 0.11), ("Rogers", 0.11), ("Gray", 0.11), ("Mason", 0.11),
    ("Hunt", 0.10), ("Campbell", 0.10), ("Matthews", 0.10), ("Owen", 0.10), ("Palmer", 0.10),
    ("Holmes", 0.10), ("Mills", 0.10), ("Barnes", 0.10), ("Knight", 0.10), ("Lloyd", 0.10),
    ("Butler", 0.10), ("Russell", 0.10), ("Barker", 0.10), ("Fisher", 0.10), ("Stevens", 0.10),
    ("Jenkins", 0.10), ("Murray", 0.10), ("Dixon", 0.10), ("Harvey", 0.10), ("Graham", 0.09),
    ("Pearson", 0.09), ("Ahmed", 0.0), ("Fletcher", 0.09), ("Walsh", 0.09), ("Kaur", 0.0),
    ("Gibson", 0.09), ("Howard", 0.09), ("Andrews", 0.09), ("Stewart", 0.09), ("Elliott", 0.09),
    ("Reynolds", 0.09), ("Saunders", 0.09), ("Payne", 0.09), ("Fox", 0.09), ("Ford", 0.09),
    ("Pearce", 0.08), ("Day", 0.08), ("Brooks", 0.08), ("West", 0.08), ("Lawrence", 0.08),
    ("Cole", 0.08), ("Atkinson", 0.08), ("Bradley", 0.08), ("Spencer", 0.08), ("Gill", 0.08),
    ("Dawson", 0.08), ("Ball", 0.08), ("Burton", 0.08), ("O'Brien", 0.08), ("Watts", 0.08),
    ("Rose", 0.08), ("Booth", 0.08), ("Perry", 0.08), ("Ryan", 0.08), ("Grant", 0.07),
    ("Wells", 0.07), ("Armstrong", 0.07), ("Francis", 0.07), ("Rees", 0.07), ("Hayes", 0.07),
    ("Hart", 0.07), ("Hudson", 0.07), ("Newman", 0.07), ("Barrett", 0.07), ("Webster", 0.07),
    ("Hunter", 0.07), ("Gregory", 0.07), ("Carr", 0.07), ("Lowe", 0.07), ("Page", 0.07),
    ("Marsh", 0.07), ("Riley", 0.07), ("Dunn", 0.07), ("Woods", 0.07), ("Parsons", 0.07),
    ("Berry", 0.07), ("Stone", 0.07), ("Reid", 0.07), ("Holland", 0.07), ("Hawkins", 0.07),
    ("Harding", 0.06), ("Porter", 0.06), ("Robertson", 0.06), ("Newton", 0.06), ("Oliver", 0.06),
    ("Reed", 0.06), ("Kennedy", 0.06), ("Williamson", 0.06), ("Bird", 0.06), ("Gardner", 0.06),
    ("Shah", 0.0), ("Dean", 0.06), ("Lane", 0.06), ("Cooke", 0.06), ("Bates", 0.06),
    ("Henderson", 0.06), ("Parry", 0.06), ("Burgess", 0.06), ("Bishop", 0.06), ("Walton", 0.06),
    ("Burns", 0.06), ("Nicholson", 0.06), ("Shepherd", 0.06), ("Ross", 0.06), ("Cross", 0.06),
    ("Long", 0.06), ("Freeman", 0.06), ("Warren", 0.06), ("Nicholls", 0.06), ("Hamilton", 0.06),
    ("Byrne", 0.06), ("Sutton", 0.06), ("McDonald", 0.06), ("Yates", 0.06), ("Hodgson", 0.06),
    ("Robson", 0.06), ("Curtis", 0.06), ("Hopkins", 0.06), ("O'Connor", 0.05), ("Harper", 0.05),
    ("Coleman", 0.05), ("Watkins", 0.05), ("Moss", 0.05), ("McCarthy", 0.05), ("Chambers", 0.05),
    ("O'Neill", 0.05), ("Griffin", 0.05), ("Sharp", 0.05), ("Hardy", 0.05), ("Wheeler", 0.05),
    ("Potter", 0.05), ("Osborne", 0.05), ("Johnston", 0.05), ("Gordon", 0.05), ("Doyle", 0.05),
    ("Wallace", 0.05), ("George", 0.05), ("Jordan", 0.05), ("Hutchinson", 0.05), ("Rowe", 0.05),
    ("Burke", 0.05), ("May", 0.05), ("Pritchard", 0.05), ("Gilbert", 0.05), ("Willis", 0.05),
    ("Higgins", 0.05), ("Read", 0.05), ("Miles", 0.05), ("Stevenson", 0.05), ("Stephenson", 0.05),
    ("Hammond", 0.05), ("Arnold", 0.05), ("Buckley", 0.05), ("Walters", 0.05), ("Hewitt", 0.05),
    ("Barber", 0.05), ("Nelson", 0.05), ("Slater", 0.05), ("Austin", 0.05), ("Sullivan", 0.05),
    ("Whitehead", 0.05), ("Mann", 0.05), ("Frost", 0.05), ("Lambert", 0.05), ("Stephens", 0.05),
    ("Blake", 0.05), ("Akhtar", 0.0), ("Lynch", 0.05), ("Goodwin", 0.05), ("Barton", 0.05),
    ("Woodward", 0.05), ("Thomson", 0.05), ("Cunningham", 0.05), ("Quinn", 0.05), ("Barnett", 0.05),
    ("Baxter", 0.05), ("Bibi", 0.0), ("Clayton", 0.05), ("Nash", 0.05), ("Greenwood", 0.05),
    ("Jennings", 0.05), ("Holt", 0.05), ("Kemp", 0.04), ("Poole", 0.04), ("Gallagher", 0.04),
    ("Bond", 0.04), ("Stokes", 0.04), ("Tucker", 0.04), ("Davidson", 0.04), ("Fowler", 0.04),
    ("Heath", 0.04), ("Norman", 0.04), ("Middleton", 0.04), ("Lawson", 0.04), ("Banks", 0.04),
    ("French", 0.04), ("Stanley", 0.04), ("Jarvis", 0.04), ("Gibbs", 0.04), ("Ferguson", 0.04),
    ("Hayward", 0.04), ("Carroll", 0.04), ("Douglas", 0.04), ("Dickinson", 0.04), ("Todd", 0.04),
    ("Barlow", 0.04), ("Peters", 0.04), ("Lucas", 0.04), ("Knowles", 0.04), ("Hartley", 0.04),
    ("Miah", 0.0), ("Simmons", 0.04), ("Morton", 0.04), ("Alexander", 0.04), ("Field", 0.04),
    ("Morrison", 0.04), ("Norris", 0.04), ("Townsend", 0.04), ("Preston", 0.04), ("Hancock", 0.04),
    ("Thornton", 0.04), ("Baldwin", 0.04), ("Burrows", 0.04), ("Briggs", 0.04), ("Storey", 0.04),
    ("Pollard", 0.04), ("Howell", 0.04), ("Mackenzie", 0.04), ("Macdonald", 0.03), ("Smyth", 0.02),
    ("O'Sullivan", 0.03), ("McLaughlin", 0.03), ("O'Donnell", 0.02), ("O'Reilly", 0.02),
    ("D'Arcy", 0.01), ("Ffrench", 0.005), ("ap Rhys", 0.002),
]

SURNAME_PREFIX = W("""Ash,Black,Brad,Brook,Bur,Cal,Cart,Chad,Clay,Cran,Dal,Dun,Ed,Fair,Gold,Green,Hal,
Hart,Hay,Hol,Kirk,Lang,Led,Lind,Mar,Mid,Mor,New,Nor,Oak,Pen,Rad,Red,Ros,Rud,Sal,Shel,Stan,Stock,
Sut,Thorn,Wal,Wes,Whit,Win,Wor,Ack,Bram,Crab,Don,Elm,Frith,Gar,Ham,Ing,Kings,Lock,Mil,Net,Ox,
Pick,Rain,Sand,Tap,Up,Wad,Brent,Cog,Haw,Fen""")
SURNAME_SUFFIX = W("""ley,ton,by,ham,wood,field,well,worth,bury,croft,thwaite,hurst,ridge,shaw,combe,
den,stone,land,more,ford,wick,cott,dale,gate,holme,bridge,lock,stead,hill,man,er,ing,low,sey""")

BRIT_FIRST = {  # era -> sex -> names in rank order
    1: {"M": W("""John,David,Michael,Peter,Robert,Anthony,Brian,Alan,William,James,Kenneth,Roy,
George,Ronald,Derek,Keith,Dennis,Colin,Geoffrey,Raymond,Frederick,Arthur,Stanley,Leslie,Terence,
Barry,Donald,Norman,Eric,Harold,Malcolm,Graham,Trevor,Roger,Patrick,Thomas,Richard,Ernest,Albert,
Frank,Gordon,Bernard,Walter,Cyril,Douglas,Sidney,Clifford,Gerald,Edward,Charles"""),
        "F": W("""Margaret,Patricia,Jean,Mary,Joan,Sheila,Barbara,Doreen,Brenda,Dorothy,Joyce,
Pauline,Valerie,Irene,Maureen,Christine,Elizabeth,Sylvia,June,Betty,Kathleen,Ann,Shirley,Janet,
Eileen,Audrey,Marjorie,Jennifer,Gillian,Hazel,Rita,Wendy,Elsie,Edna,Beryl,Phyllis,Vera,Gladys,
Marion,Josephine,Iris,Muriel,Olive,Pamela,Jacqueline,Rosemary,Doris,Lilian,Winifred,Evelyn""")},
    2: {"M": W("""David,Paul,Andrew,Mark,John,Michael,Stephen,Ian,Robert,Richard,Christopher,
Peter,Simon,Anthony,Kevin,Gary,Steven,Martin,James,Philip,Alan,Neil,Nigel,Timothy,Colin,Graham,
Jonathan,Nicholas,Darren,Adrian,Keith,Stuart,Lee,Shaun,Wayne,Dean,Carl,Trevor,Russell,Jason,
Julian,Barry,Brian,Clive,Derek,Duncan,Glen,Jeremy,Kenneth,Roger"""),
        "F": W("""Susan,Julie,Karen,Jacqueline,Deborah,Tracey,Jane,Helen,Diane,Sharon,Alison,
Elizabeth,Linda,Amanda,Sarah,Gillian,Carol,Angela,Nicola,Joanne,Lisa,Catherine,Wendy,Kim,
Michelle,Lorraine,Dawn,Beverley,Denise,Tina,Janet,Patricia,Caroline,Jennifer,Anne,Sally,Lynn,
Mandy,Elaine,Kathryn,Sandra,Teresa,Yvonne,Paula,Joanna,Fiona,Heather,Ruth,Jill,Debra""")},
    3: {"M": W("""Christopher,James,David,Daniel,Michael,Matthew,Andrew,Richard,Paul,Mark,Thomas,
Adam,Robert,John,Lee,Benjamin,Steven,Jonathan,Craig,Stephen,Simon,Nicholas,Peter,Anthony,
Alexander,Gary,Ian,Ryan,Luke,Jamie,Scott,Philip,Kevin,Martin,Samuel,Ashley,Carl,Liam,Dean,Wayne,
Joseph,Stuart,Gareth,Darren,Neil,Sean,Shaun,Ross,Kieran,Aaron"""),
        "F": W("""Sarah,Emma,Claire,Laura,Lisa,Rebecca,Gemma,Michelle,Kelly,Nicola,Rachel,Louise,
Victoria,Amy,Samantha,Hayley,Joanne,Stephanie,Jennifer,Katie,Natalie,Charlotte,Zoe,Jessica,
Lauren,Kirsty,Amanda,Donna,Danielle,Catherine,Helen,Kerry,Leanne,Hannah,Emily,Sophie,Jodie,
Stacey,Sian,Kimberley,Lindsay,Kathryn,Joanna,Clare,Elizabeth,Katherine,Naomi,Fiona,Carly,Jade""")},
    4: {"M": W("""Jack,Thomas,Oliver,Joshua,Harry,James,William,Samuel,Daniel,Charlie,Benjamin,
Joseph,Callum,George,Jake,Alfie,Luke,Matthew,Ethan,Lewis,Jacob,Mohammed,Dylan,Alexander,Ryan,Noah,
Leo,Oscar,Archie,Henry,Liam,Tyler,Max,Lucas,Freddie,Isaac,Theo,Logan,Arthur,Finley,Harrison,
Riley,Mason,Jayden,Kai,Reuben,Toby,Louis,Zachary,Connor"""),
        "F": W("""Olivia,Emily,Jessica,Sophie,Chloe,Lucy,Ellie,Amelia,Grace,Isla,Ava,Mia,Isabella,
Hannah,Charlotte,Megan,Lily,Ella,Evie,Poppy,Sophia,Holly,Freya,Katie,Lauren,Abigail,Rebecca,Amy,
Millie,Daisy,Erin,Ruby,Phoebe,Eleanor,Scarlett,Rosie,Florence,Willow,Zara,Harper,Bethany,Niamh,
Imogen,Maisie,Esme,Matilda,Layla,Aria,Ivy,Georgia""")},
}
BRIT_MIDDLE = {
    "M": W("""James,John,David,Michael,Robert,Paul,Thomas,William,Edward,Lee,Alexander,Anthony,
Peter,George,Charles,Andrew,Richard,Jack,Joseph,Daniel,Christopher,Henry,Mark,Stephen,Alan,Ian,
Frederick,Arthur,Albert,Jon,Scott,Dean,Ross,Oliver,Lewis,Matthew,Samuel,Luke,Francis,Patrick"""),
    "F": W("""Louise,Jane,Marie,Elizabeth,Ann,Anne,Rose,Grace,May,Lynn,Jayne,Victoria,Mary,
Margaret,Jean,Claire,Emma,Catherine,Alice,Lily,Michelle,Joan,Frances,Dawn,Elaine,Amy,Sarah,
Kate,Leigh,Lucy,Hope,Mae,Isabelle,Charlotte,Evelyn,Olivia,Patricia,Susan,Teresa,Joy"""),
}
ACCENTED_VARIANTS = {"Zoe": "Zoë", "Chloe": "Chloë", "Renee": "Renée", "Noel": "Noël",
                     "Anais": "Anaïs", "Jose": "José", "Rene": "René", "Andre": "André",
                     "Eloise": "Éloïse", "Beatrice": "Béatrice", "Desiree": "Désirée"}

IRISH_FIRST = {"M": W("""Sean,Patrick,Michael,John,Ciaran,Declan,Conor,Eoin,Liam,Padraig,Cian,
Darragh,Niall,Brendan,Seamus,Dermot,Fergal,Colm,Kieran,Ronan,Oisin,Aidan,Cormac,Donal,Eamon,Tadhg,
Shane,Kevin,Brian,Gerard,Fintan,Ruairi,Diarmuid,Cathal,Finbar,Thomas,James,Joseph,Martin,Aodhan"""),
               "F": W("""Siobhan,Niamh,Aoife,Mary,Catherine,Sinead,Roisin,Ciara,Orla,Grainne,
Bridget,Aisling,Clodagh,Deirdre,Eimear,Maeve,Saoirse,Caoimhe,Mairead,Nuala,Una,Fiona,Sorcha,
Aine,Brid,Eileen,Kathleen,Margaret,Teresa,Roisin,Orlaith,Meabh,Ailbhe,Emer,Treasa,Blathnaid""")}
IRISH_FADA = {"Sean": "Seán", "Padraig": "Pádraig", "Siobhan": "Siobhán", "Sinead": "Sinéad",
              "Roisin": "Róisín", "Grainne": "Gráinne", "Oisin": "Oisín", "Ruairi": "Ruairí",
              "Mairead": "Máiréad", "Aine": "Áine", "Brid": "Bríd", "Eamon": "Éamon",
              "Aodhan": "Aodhán", "Blathnaid": "Bláthnaid", "Meabh": "Méabh", "Una": "Úna"}
IRISH_SURNAME = W("""Murphy,Kelly,O'Sullivan,Walsh,Smith,O'Brien,Byrne,Ryan,O'Connor,O'Neill,
O'Reilly,Doyle,McCarthy,Gallagher,O'Doherty,Kennedy,Lynch,Murray,Quinn,Moore,McLoughlin,O'Carroll,
Connolly,Daly,O'Connell,Wilson,Dunne,Brennan,Burke,Collins,Campbell,Clarke,Johnston,Hughes,
O'Farrell,Fitzgerald,Brown,Martin,Maguire,Nolan,Flynn,Thompson,O'Callaghan,O'Donnell,Duffy,
O'Mahony,Boyle,Healy,O'Shea,White,Sweeney,Hayes,Kavanagh,Power,McGrath,Moran,Brady,Stewart,Casey,
O'Keeffe,Mac Gabhann,Ó Briain,Ní Bhriain,McNamara,Costello,Hegarty,O'Toole,O'Hara,O'Leary""")

POLISH_FIRST = {"M": W("""Piotr,Krzysztof,Andrzej,Tomasz,Paweł,Michał,Marcin,Łukasz,Jakub,Kamil,
Mateusz,Adam,Marek,Grzegorz,Wojciech,Dariusz,Mariusz,Rafał,Przemysław,Sebastian,Szymon,Bartosz,
Dawid,Damian,Artur,Janusz,Jan,Kacper,Filip,Zbigniew,Sławomir,Robert,Daniel,Maciej,Jarosław"""),
                "F": W("""Anna,Katarzyna,Małgorzata,Agnieszka,Barbara,Ewa,Magdalena,Joanna,
Aleksandra,Monika,Justyna,Natalia,Karolina,Marta,Beata,Dorota,Paulina,Agata,Izabela,Sylwia,
Kinga,Weronika,Zofia,Julia,Maja,Wiktoria,Patrycja,Emilia,Alicja,Żaneta,Grażyna,Urszula,Jolanta""")}
POLISH_SURNAME = W("""Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,
Szymański,Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Kwiatkowski,Wojciechowski,Krawczyk,
Kaczmarek,Piotrowski,Grabowski,Zając,Pawłowski,Michalski,Król,Wieczorek,Jabłoński,Wróbel,Nowakowski,
Majewski,Olszewski,Stępień,Malinowski,Jaworski,Adamczyk,Dudek,Nowicki,Pawlak,Górski,Witkowski,
Walczak,Sikora,Baran,Rutkowski,Michalak,Szewczyk,Ostrowski,Tomaszewski,Pietrzak,Zalewski,Wróblewski""")
LITH_ROM = {"M": W("""Mindaugas,Tomas,Darius,Andrius,Jonas,Vytautas,Ionut,Andrei,Alexandru,
Mihai,Florin,Marius,Bogdan,Cristian,Gheorghe,Ion,Vasile,Adrian,Nikolai,Dmitri,Ivan,Oleksandr"""),
            "F": W("""Rūta,Jurgita,Asta,Inga,Laura,Ioana,Elena,Maria,Andreea,Mihaela,Alina,
Cristina,Gabriela,Daniela,Oksana,Olena,Irina,Natalia,Svetlana,Simona,Raluca""")}
LITH_ROM_SURNAME = W("""Kazlauskas,Jankauskas,Petrauskas,Stankevičius,Vasiliauskas,Žukauskas,
Butkus,Popescu,Ionescu,Popa,Dumitru,Stan,Stoica,Gheorghe,Rusu,Munteanu,Matei,Constantin,Ciobanu,
Shevchenko,Kovalenko,Bondarenko,Ivanov,Petrov,Smirnov,Horvat,Nagy,Kovács""")

INDIAN_FIRST = {"M": W("""Rajesh,Sanjay,Anil,Sunil,Deepak,Ravi,Amit,Vijay,Ashok,Hitesh,Jayesh,
Nilesh,Rakesh,Suresh,Ramesh,Dinesh,Manoj,Pradeep,Arjun,Rohan,Aarav,Vivek,Nikhil,Kiran,Prakash,
Mahesh,Mukesh,Bharat,Harish,Kishore,Yash,Dev,Krishna,Ajay,Vikram,Naveen,Kunal,Rahul,Ishaan,Aditya"""),
                "F": W("""Priya,Sunita,Nisha,Pooja,Anita,Geeta,Meena,Bhavna,Hema,Kavita,Rekha,
Asha,Shilpa,Neha,Anjali,Divya,Jyoti,Seema,Sangeeta,Usha,Rina,Nita,Hetal,Krupa,Mira,Tara,Riya,
Ananya,Diya,Aisha,Shreya,Kajal,Poonam,Manisha,Leela,Lata,Parul,Swati,Deepa,Radha""")}
SIKH_FIRST = {"M": W("""Harpreet,Gurpreet,Jaswinder,Sukhwinder,Kuldeep,Manjit,Harjit,Balwinder,
Jasbir,Paramjit,Amrik,Gurdeep,Harvinder,Rajinder,Ranjit,Jagdeep,Kulwant,Satnam,Hardeep,Gurjit,
Arjan,Jasdeep,Manpreet,Navdeep,Simran,Tejinder,Davinder,Avtar,Inderjit,Karam"""),
              "F": W("""Harpreet,Gurpreet,Jaswinder,Sukhwinder,Manjit,Kuldeep,Balwinder,Jasbir,
Paramjit,Amarjit,Surinder,Rajinder,Harjinder,Navjot,Simran,Manpreet,Jaspreet,Gurleen,Harleen,
Kiranjit,Parminder,Narinder,Baljit,Jasleen,Ravneet,Amrit,Sukhjit,Gurdip,Inderpal,Charanjit""")}
INDIAN_SURNAME = W("""Patel,Shah,Mistry,Sharma,Gupta,Parmar,Chauhan,Joshi,Desai,Mehta,Kumar,
Solanki,Modi,Pandya,Thakkar,Lad,Chavda,Rana,Singh,Verma,Agarwal,Iyer,Nair,Pillai,Menon,Reddy,Rao,
Das,Bhatt,Trivedi,Vyas,Raval,Makwana,Gohil,Jadeja,Bhatti,D'Souza,Fernandes,D'Costa,Pereira""")
SIKH_SURNAME = W("""Sandhu,Gill,Dhillon,Sidhu,Bains,Johal,Grewal,Atwal,Sahota,Sangha,Randhawa,
Bassi,Chahal,Kang,Dhaliwal,Bhogal,Hayer,Hundal,Mann,Rai,Sohal,Khera,Virdi,Bhamra,Kalsi,Matharu""")

PAK_FIRST = {"M": W("""Mohammed,Muhammad,Imran,Asif,Tariq,Zubair,Adeel,Usman,Bilal,Hamza,Ayaan,
Imtiaz,Khalid,Nadeem,Shahid,Sajid,Waqar,Zahid,Naveed,Kamran,Amir,Faisal,Irfan,Javed,Rizwan,Arif,
Haroon,Ibrahim,Yusuf,Zain,Rehan,Danyal,Aadam,Ahmed,Ali,Omar,Mustafa,Saqib,Wasim,Aqib"""),
             "F": W("""Fatima,Aisha,Ayesha,Saima,Nazia,Shazia,Sana,Zara,Maryam,Amina,Rubina,
Samina,Nasreen,Parveen,Shabana,Farzana,Rukhsana,Nadia,Sadia,Hina,Iqra,Mahnoor,Hafsa,Khadija,
Zainab,Aleena,Anaya,Inaya,Sobia,Uzma,Nabila,Bushra,Tahira,Yasmin,Kiran,Sumaira,Asma,Alisha,Eman,Haleema""")}
PAK_SURNAME = W("""Khan,Hussain,Ahmed,Ali,Akhtar,Iqbal,Shah,Mahmood,Butt,Rashid,Malik,Riaz,
Aslam,Javed,Anwar,Bashir,Hanif,Rafiq,Saleem,Yousaf,Qureshi,Chaudhry,Mirza,Siddiqui,Zaman,Abbas,
Raza,Nawaz,Sadiq,Latif,Sultan,Mughal,Ashraf,Akram,Mehmood,Arshad,Hameed,Karim,Aziz,Farooq""")
BANGLA_FIRST = {"M": W("""Mohammed,Abdul,Shahid,Jamal,Rahim,Kamal,Faruk,Shamim,Anwar,Mizanur,
Mohammad,Abu,Shahin,Jahangir,Rashid,Habibur,Mahbub,Saiful,Rafiq,Sultan,Ayaan,Ibrahim,Yusuf,Rayyan,
Zakir,Delwar,Monir,Shafiq,Nazrul,Foyez"""),
                "F": W("""Rahima,Shamima,Nasima,Rokeya,Salma,Taslima,Jahanara,Rehana,Nazma,Amina,
Sultana,Ruksana,Shirin,Farida,Halima,Momtaz,Fahmida,Sabina,Tahmina,Lutfa,Aysha,Nusrat,Tasnim,
Sumaiya,Maryam,Safiya,Khadija,Ruma,Shapla,Mahmuda""")}
BANGLA_SURNAME = W("""Rahman,Uddin,Miah,Islam,Ahmed,Chowdhury,Hoque,Ali,Hussain,Alam,Khan,
Begum,Khatun,Akter,Haque,Karim,Hassan,Sarker,Talukder,Mia,Ullah,Bari,Kabir,Amin,Rashid,Mollah""")

CHINESE_SURNAME = W("""Wong,Chan,Li,Wang,Zhang,Chen,Liu,Lee,Cheung,Lam,Ng,Ho,Yang,Huang,Leung,
Tang,Yip,Chow,Lau,Zhao,Wu,Zhou,Lin,Tsang,Kwok,Yeung,Fung,Mak,Cheng,Chu,Lai,Xu,Sun,Ma,Zhu,Hu,
Guo,He,Gao,Luo,Tam,Choi,Siu,Kwan,Yu,Tan,Goh,Lim,Ong,Teo""")
CHINESE_GIVEN = {"M": W("""Wei,Lei,Jun,Hao,Jie,Tao,Zhiwei,Haoran,Yuxuan,Zihao,Ming,Xiaoming,Jian,
Bo,Chao,Peng,Qiang,Yong,Ka Wai,Siu Ming,Wai Man,Kwok Keung,Chi Wing,Man Kit,Chun Kit,Ho Yin,
Ka Ho,Wing Kei,Yiu Wah,Kin Wah,Hok Man,Tsz Hin"""),
                 "F": W("""Jing,Mei,Yan,Hui,Xin,Ying,Fang,Li Na,Xiaoyan,Jiahui,Yutong,Zihan,Min,
Na,Lan,Yu,Ting,Xue,Mei Ling,Yuk Lan,Suk Yee,Wai Ling,Siu Fong,Ka Yan,Hoi Yan,Wing Yan,Pui Shan,
Sze Wan,Man Yee,Lai Ming,Oi Ling,Ka Man""")}

WAFR_FIRST = {"M": W("""Emmanuel,Samuel,Daniel,David,Michael,Joseph,Oluwaseun,Olumide,Adebayo,
Babatunde,Ayodele,Olufemi,Oluwatobi,Chinedu,Emeka,Obinna,Chidi,Uchenna,Kwame,Kofi,Kwabena,Yaw,
Kwaku,Godwin,Prince,Ibrahim,Abdullahi,Tunde,Segun,Femi,Kehinde,Taiwo,Ikenna,Nnamdi,Kelechi,
Tobenna,Ebuka,Kojo,Kwesi,Isaac"""),
              "F": W("""Blessing,Precious,Favour,Grace,Joy,Esther,Deborah,Mercy,Patience,Comfort,
Temitope,Folasade,Funmilayo,Damilola,Abimbola,Titilayo,Yetunde,Bukola,Chiamaka,Ngozi,Nkechi,
Ifeoma,Adaeze,Chioma,Akua,Ama,Abena,Efua,Adwoa,Esi,Gifty,Victoria,Ruth,Oluwakemi,Omolara,
Kehinde,Taiwo,Adunni,Busola,Ebunoluwa""")}
WAFR_SURNAME = W("""Adebayo,Okafor,Okonkwo,Adeyemi,Olawale,Mensah,Owusu,Boateng,Asante,Osei,
Appiah,Agyeman,Ogunleye,Adeleke,Oyelaran,Eze,Nwosu,Obi,Okeke,Nwachukwu,Ogunbiyi,Akinola,Bello,
Abubakar,Danso,Asamoah,Acheampong,Addo,Ansah,Amoah,Ofori,Darko,Sarpong,Ojo,Adewale,Afolabi,
Oladipo,Okoro,Onyeka,Adeniyi,Oyewole,Akande,Coker,Williams,Johnson,Oduya,Ogunlesi,Oyedele""")

CARIB_FIRST = {"M": W("""Delroy,Winston,Leroy,Marlon,Jermaine,Tyrone,Kadeem,Errol,Clive,Lloyd,
Desmond,Neville,Everton,Devon,Andre,Courtney,Dwayne,Kareem,Rohan,Carlton,Wesley,Darnell,Kyle,
Tyrese,Jerome,Junior,Clinton,Trevor,Michael,Anthony"""),
               "F": W("""Marcia,Beverley,Shanice,Keisha,Andrea,Sonia,Yvonne,Jacqueline,Pauline,
Hyacinth,Claudette,Maxine,Simone,Tanisha,Jasmine,Shantelle,Jade,Chantelle,Kemi,Nadine,Michelle,
Janelle,Shereen,Paulette,Donna,Carmen,Novlette,Sharmaine,Tiana,Aaliyah""")}
CARIB_SURNAME = W("""Campbell,Brown,Williams,Grant,Francis,Gordon,Clarke,Thompson,Henry,Reid,
Morgan,Johnson,Bailey,Lewis,James,Samuels,McKenzie,Dacosta,Forbes,Richards,Edwards,Powell,
Walker,Robinson,Stewart,Bennett,Graham,Wright,Hamilton,Gayle,Spence,McFarlane,Blake,Ellis,Lindo,
Bryan,Morrison,Allen,Wilson,Barnes""")

ARAB_FIRST = {"M": W("""Mohamed,Ahmed,Abdullah,Omar,Yusuf,Khalid,Ali,Hassan,Ibrahim,Mustafa,
Abdirahman,Abdi,Farah,Mahmoud,Hussein,Samir,Karim,Tariq,Youssef,Hamza,Abdulaziz,Nasser,Faisal,
Saeed,Walid,Adnan,Jamal,Bilal,Idris,Zakaria,Abdikarim,Mohamud,Liban,Guled,Said"""),
              "F": W("""Fatima,Amina,Maryam,Hodan,Ayan,Hanan,Noor,Layla,Khadija,Sara,Huda,Rania,
Leila,Yasmin,Nadia,Salma,Aisha,Hawa,Sahra,Fadumo,Ikran,Hibo,Asha,Iman,Dalia,Rana,Lina,Mona,Samira,Zahra""")}
ARAB_SURNAME = W("""Al-Hassan,Al-Sayed,El-Amin,Abdullah,Hassan,Ibrahim,Mohamed,Ali,Farah,Abdi,
Omar,Yusuf,Nur,Warsame,Jama,Haji,Al-Rashid,Mansour,Haddad,Khalil,Saleh,Aden,Osman,Hersi,Egal,
Al-Khatib,El-Sayed,Nasser,Hamdan,Darwish,Qasim,Aziz,Abdulrahman,Ismail,Mahamud,Duale,Elmi,Gedi""")

OTHER_EU_FIRST = {"M": W("""José,João,António,Francisco,Luís,Marco,Giuseppe,Luca,Alessandro,
Matteo,Giovanni,Stefan,Thomas,Lukas,Jan,Pierre,Nicolas,Carlos,Miguel,Javier,Mehmet,Mustafa,
Ahmet,Emre,Hasan,Dimitrios,Nikolaos,Georgios,André,Rui"""),
                  "F": W("""Maria,Ana,Sofia,Inês,Beatriz,Giulia,Francesca,Chiara,Elena,Anna,
Sarah,Julia,Hannah,Léa,Camille,Marie,Lucía,Carmen,Ayşe,Fatma,Elif,Zeynep,Eleni,Georgia,Katerina,
Sónia,Cláudia,Rita,Patrícia,Joana""")}
OTHER_EU_SURNAME = W("""Silva,Santos,Ferreira,Pereira,Oliveira,Costa,Rodrigues,Martins,Gonçalves,
Sousa,Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Müller,Schmidt,Schneider,Fischer,
Weber,García,Fernández,López,Martínez,Dubois,Lefèvre,Moreau,Yılmaz,Kaya,Demir,Şahin,Çelik,
Papadopoulos,Georgiou,Nikolaidis,De Souza,Da Silva""")


def _faker(loc, attr):
    import importlib
    try:
        P = importlib.import_module("faker.providers.person." + loc).Provider
    except Exception:  # pragma: no cover - faker layout changes
        return []
    v = getattr(P, attr, None)
    if v is None:
        return []
    vals = list(v.keys()) if isinstance(v, dict) else list(v)
    return [x for x in vals if isinstance(x, str) and x and x.isascii() or _latin(x)]


def _latin(x):
    return isinstance(x, str) and all(ord(c) < 0x250 or c in " -'" for c in x)


# ---------------------------------------------------------------------------------------------
# variants: nicknames, spelling / transliteration classes
# ---------------------------------------------------------------------------------------------
NICKNAMES = {
    "William": ["Bill", "Will", "Billy", "Liam"], "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "Richard": ["Rich", "Rick", "Dick", "Richie"], "James": ["Jim", "Jimmy", "Jamie", "Jim"],
    "John": ["Jack", "Johnny", "Jon"], "Michael": ["Mike", "Mick", "Mickey", "Mike"],
    "Anthony": ["Tony", "Ant", "Tony"], "Christopher": ["Chris", "Kit", "Chris"],
    "Stephen": ["Steve"], "Steven": ["Steve"], "Thomas": ["Tom", "Tommy"],
    "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Andrew": ["Andy", "Drew"],
    "Benjamin": ["Ben", "Benji"], "Samuel": ["Sam", "Sammy"], "Joseph": ["Joe", "Joey"],
    "Edward": ["Ed", "Ted", "Eddie"], "Alexander": ["Alex", "Sandy", "Alex"],
    "Nicholas": ["Nick", "Nicky"], "Jonathan": ["Jon", "Johnny"], "Timothy": ["Tim"],
    "Peter": ["Pete"], "David": ["Dave", "Davy"], "Kenneth": ["Ken", "Kenny"],
    "Frederick": ["Fred", "Freddie"], "Gerald": ["Gerry"], "Geoffrey": ["Geoff"],
    "Terence": ["Terry"], "Leslie": ["Les"], "Raymond": ["Ray"], "Ronald": ["Ron", "Ronnie"],
    "Donald": ["Don"], "Philip": ["Phil"], "Charles": ["Charlie", "Chas", "Chuck"],
    "Alfred": ["Alf", "Alfie"], "Henry": ["Harry", "Hal"], "Patrick": ["Pat", "Paddy"],
    "Gregory": ["Greg"], "Douglas": ["Doug", "Dougie"], "Lawrence": ["Larry", "Laurie"],
    "Zachary": ["Zac", "Zach"], "Oliver": ["Ollie", "Olly"], "Nathaniel": ["Nat", "Nate"],
    "Margaret": ["Maggie", "Peggy", "Marge", "Meg"], "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty", "Eliza"],
    "Catherine": ["Kate", "Cathy", "Katie", "Cath"], "Katherine": ["Kate", "Kathy", "Katie", "Kath"],
    "Kathryn": ["Kate", "Kathy"], "Patricia": ["Pat", "Trish", "Patsy"], "Susan": ["Sue", "Susie"],
    "Deborah": ["Debbie", "Deb", "Debs"], "Jennifer": ["Jenny", "Jen", "Jenni"],
    "Rebecca": ["Becky", "Becca", "Bex"], "Samantha": ["Sam", "Sammy"], "Victoria": ["Vicky", "Tori", "Vikki"],
    "Alexandra": ["Alex", "Lexi", "Sandra"], "Jacqueline": ["Jackie", "Jacqui"],
    "Christine": ["Chris", "Chrissie", "Tina"], "Dorothy": ["Dot", "Dolly", "Dottie"],
    "Josephine": ["Jo", "Josie"], "Pamela": ["Pam"], "Abigail": ["Abbie", "Abby", "Gail"],
    "Eleanor": ["Ellie", "Nell", "Nora"], "Charlotte": ["Charlie", "Lottie"], "Amanda": ["Mandy"],
    "Gillian": ["Gill", "Jill"], "Kimberley": ["Kim"], "Natalie": ["Nat", "Tally"],
    "Stephanie": ["Steph"], "Jessica": ["Jess", "Jessie"], "Joanne": ["Jo"], "Nicola": ["Nicky", "Nikki"],
    "Isabella": ["Bella", "Izzy"], "Florence": ["Flo", "Florrie"], "Beatrice": ["Bea"],
    "Valerie": ["Val"], "Barbara": ["Babs", "Barb"], "Theresa": ["Tess", "Terri"],
    "Teresa": ["Tess", "Terri"], "Frances": ["Fran"], "Caroline": ["Carrie", "Caz"],
    "Mohammed": ["Mo", "Moh"], "Muhammad": ["Mo"], "Oluwaseun": ["Seun"], "Oluwatobi": ["Tobi"],
    "Oluwakemi": ["Kemi"], "Olufemi": ["Femi"], "Babatunde": ["Tunde"], "Abdullahi": ["Abdul"],
    "Abdirahman": ["Abdi"], "Aleksandra": ["Ola"], "Małgorzata": ["Gosia"],
    "Katarzyna": ["Kasia"], "Krzysztof": ["Chris", "Krzys"], "Grzegorz": ["Greg"],
    "Wojciech": ["Wojtek"], "Przemysław": ["Przemek"], "Padraig": ["Paddy", "Patrick"],
    "Rajesh": ["Raj"], "Sukhwinder": ["Sukhi"], "Harjit": ["Harry"], "Gurpreet": ["Garry", "Preet"],
    "Jaswinder": ["Jas"], "Harpreet": ["Harry", "Preeti"], "Kuldeep": ["Kully"],
    "Jermaine": ["Jay"], "Tyrone": ["Ty"], "Gabriella": ["Gabby"], "Georgina": ["Georgie"],
}
_VARIANT_CLASSES = [
    "Catherine,Katherine,Kathryn,Catharine,Kathrine", "Steven,Stephen", "Sean,Shaun,Shawn",
    "Philip,Phillip", "Ann,Anne", "Clare,Claire", "Geoffrey,Jeffrey", "Zoe,Zoey",
    "Lindsay,Lindsey", "Leanne,Lianne", "Hayley,Haley,Hailey", "Kirsty,Kirstie,Kirstey",
    "Carl,Karl", "Mohammed,Muhammad,Mohammad,Mohamed,Muhammed,Mohamad", "Ahmed,Ahmad",
    "Hussain,Hussein,Husain", "Yusuf,Yousaf,Yousuf,Yusef", "Aisha,Ayesha,Aysha,Ayesa",
    "Rahman,Rehman", "Chowdhury,Choudhury,Chaudhry,Choudhry", "Hoque,Haque,Hoq,Huq",
    "Miah,Mia", "Siobhan,Shivaun,Siobhain", "Niamh,Neve,Neave", "Thompson,Thomson,Tomson",
    "Reid,Reed,Read", "Macdonald,McDonald,MacDonald", "Mackenzie,McKenzie,MacKenzie",
    "Smith,Smyth", "Phillips,Philips", "Matthews,Mathews", "Stuart,Stewart", "Gray,Grey",
    "Clark,Clarke", "Nicola,Nichola", "Rebecca,Rebekah", "Jonathan,Johnathan,Jonathon",
    "Ashley,Ashleigh", "Jayden,Jaden,Jaiden", "Aidan,Aiden", "Connor,Conor", "Megan,Meghan,Meagan",
    "Sara,Sarah", "Hannah,Hanna", "Caitlin,Kaitlyn,Caitlyn", "Tyrone,Tyron", "Isobel,Isabel,Isabelle",
    "Sophie,Sophy", "Mustafa,Mustapha", "Abdirahman,Abdurahman,Abdirahmaan", "Khadija,Khadijah,Khadeeja",
    "Iqbal,Ikbal", "Mahmood,Mahmud,Mehmood", "Qureshi,Kureshi", "Zainab,Zaynab", "Fatima,Fatimah",
    "Maryam,Mariam,Mariyam", "Osei,Osey", "Chukwu,Chukwuh", "Olumide,Olumidey", "Oluwaseun,Oluseun",
    "Adebayo,Adebayor", "Mensah,Mensa", "Owusu,Owusuh", "Eileen,Aileen,Eilleen", "Kelly,Kelley",
    "Bryan,Brian", "Allan,Alan,Allen", "Neil,Neal", "Mathew,Matthew", "Marc,Mark", "Gareth,Garath",
    "Rachael,Rachel", "Louisa,Louise", "Tracy,Tracey", "Vicky,Vicki,Vikki", "Jon,John",
    "Wong,Wung", "Cheung,Chung", "Leung,Liang", "Lee,Li", "Chan,Chen", "Yeung,Yang", "Ng,Ang",
    "Kowalski,Kovalski", "Wojcik,Woycik", "Nowak,Novak", "Szymanski,Shymanski", "Khan,Kahn",
    "Begum,Begom", "Patel,Patell", "Singh,Sing", "Kaur,Kour", "Gill,Gil", "Ali,Aly",
    "O'Neill,O'Neil,O'Neal", "O'Reilly,O'Riley,Reilly", "McLoughlin,McLaughlin,MacLochlainn",
    "Davies,Davis", "Jeffries,Jefferies,Jeffreys", "Harvey,Hervey", "Powell,Powel",
    "Anderson,Andersen", "Stevenson,Stephenson", "Stevens,Stephens", "Hodgson,Hodgeson",
]
VARIANTS: dict[str, list[str]] = {}
for _cls in _VARIANT_CLASSES:
    _names = [x.strip() for x in _cls.split(",")]
    for _n in _names:
        VARIANTS.setdefault(_n, [])
        VARIANTS[_n] += [m for m in _names if m != _n and m not in VARIANTS[_n]]

PHONETIC_RULES = [  # (pattern, replacement) applied once, at one random matching position
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("k", "ck"), ("ie", "y"), ("y", "ie"), ("ee", "ea"),
    ("ea", "ee"), ("ou", "ow"), ("ai", "ay"), ("ay", "ai"), ("ei", "ie"), ("ie", "ei"),
    ("son", "sen"), ("c", "k"), ("k", "c"), ("z", "s"), ("s", "z"), ("th", "t"), ("oo", "u"),
    ("ll", "l"), ("nn", "n"), ("tt", "t"), ("ss", "s"), ("rr", "r"), ("l", "ll"), ("n", "nn"),
    ("i", "y"), ("y", "i"), ("w", "v"), ("v", "w"), ("x", "ks"), ("q", "k"), ("gh", "g"),
    ("dh", "d"), ("kh", "k"), ("sh", "s"), ("u", "oo"), ("ey", "y"), ("ine", "ene"), ("ah", "a"),
]

KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEYPOS = {c: (r, i + 0.3 * r) for r, row in enumerate(KEYBOARD_ROWS) for i, c in enumerate(row)}
NEIGHBOURS = {
    a: [b for b in _KEYPOS if b != a and abs(_KEYPOS[a][0] - _KEYPOS[b][0]) <= 1
        and abs(_KEYPOS[a][1] - _KEYPOS[b][1]) <= 1.0]
    for a in _KEYPOS
}
DIGIT_NEIGHBOURS = {str(d): [str(d - 1)] * (d > 0) + [str(d + 1)] * (d < 9) for d in range(10)}

# ---------------------------------------------------------------------------------------------
# geography (real postcode districts; sectors and units invented)
# ---------------------------------------------------------------------------------------------
REGIONS = {
    "west_yorkshire": W("LS1,LS2,LS4,LS6,LS7,LS8,LS9,LS11,LS12,LS13,LS15,LS17,LS28,BD1,BD3,BD4,"
                        "BD5,BD7,BD8,BD9,BD18,HX1,HX3,WF1,WF2,WF13,HD1,HD2"),
    "greater_manchester": W("M1,M4,M8,M9,M11,M13,M14,M15,M16,M19,M20,M21,M40,OL1,OL8,OL9,BL1,"
                            "BL3,SK1,SK4,M30,M33,WN1,M6"),
    "london_east": W("E1,E1W,E2,E3,E6,E7,E8,E10,E13,E14,E15,E17,EC1V,EC2A,N1,N1C,N15,N16,N17,"
                     "IG1,IG11,RM8,SE15,SE1,WC1H,W1T"),
    "west_midlands": W("B5,B6,B8,B9,B10,B11,B12,B15,B16,B18,B19,B20,B21,B23,B29,B73,CV1,CV2,CV6,"
                       "WV1,WV10,WS1,DY1,B66"),
}
ELSEWHERE = W("""L8,L15,NG7,LE2,LE4,LE5,BS5,CF24,CF5,G41,G31,EH6,BT9,PL4,S2,S11,NE4,SR2,DN1,
HU3,YO1,PE1,MK9,LU1,SL1,RG1,OX4,CB1,NR2,IP4,BN2,PO4,SO14,EX4,TR1,SW1A,SW9,NW10,CR0,HA0,UB3,
W1D,EC1A,AB10,DD1,IV2,LL57,SA1,NP20,CA1,LA1,PR1,BB1,FY1,CH1,ST4,TF1,HR1,GL1,BA1,TA1,DT1,SP1,
CT1,ME1,TN1,GU1,KT1,SM1,BR1,DA1,SS1,CM1,CO1,SG1,AL1,HP1,WD1,EN1""")
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"          # letters used in the inward unit


def random_postcode(rnd, district=None):
    d = district or rnd.choice(ELSEWHERE)
    return f"{d} {rnd.randrange(10)}{rnd.choice(UNIT_LETTERS)}{rnd.choice(UNIT_LETTERS)}"


# ---------------------------------------------------------------------------------------------
# population
# ---------------------------------------------------------------------------------------------
GROUP_SHARE = {  # England & Wales-like ethnic composition (rounded, with a regional skew below)
    "british": 0.715, "irish": 0.02, "polish": 0.03, "eastern": 0.015, "indian": 0.025,
    "sikh": 0.01, "pakistani": 0.03, "bangladeshi": 0.012, "chinese": 0.009,
    "west_african": 0.025, "caribbean": 0.013, "arabic": 0.014, "other_eu": 0.02, "mixed": 0.062,
}
BORN_ABROAD = {"british": 0.01, "irish": 0.6, "polish": 0.75, "eastern": 0.85, "indian": 0.45,
               "sikh": 0.35, "pakistani": 0.4, "bangladeshi": 0.45, "chinese": 0.7,
               "west_african": 0.55, "caribbean": 0.3, "arabic": 0.7, "other_eu": 0.8, "mixed": 0.1}


class Person:
    __slots__ = ("pid", "hid", "group", "sex", "first", "middles", "surname", "dob", "ni",
                 "prev_surname", "surname_change_y", "postcode", "prev_postcode", "move_y",
                 "known_by_middle", "alt_first", "religious_name", "born_abroad", "twin",
                 "junior", "begum_alt", "study")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    @property
    def age(self):
        d = self.dob
        return REF_DATE.year - d.year - ((REF_DATE.month, REF_DATE.day) < (d.month, d.day))


class PopulationModel:
    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        r = rnd
        # British surnames: ONS-like head + Faker tails + compound English place-name surnames
        head = [s for s, w in BRIT_SURNAME_TOP if w > 0]
        hw = [w for s, w in BRIT_SURNAME_TOP if w > 0]
        real = (_faker("en_GB", "last_names") + _faker("en_US", "last_names")
                + _faker("en_NZ", "last_names") + _faker("en_IE", "last_names"))
        compound = [p + s.lower() if not p.endswith(s[0]) else p + s[1:] for p, s in
                    itertools.product(SURNAME_PREFIX, SURNAME_SUFFIX)]
        hs = set(head)
        real = [t for t in dict.fromkeys(real) if t not in hs and " " not in t]
        rs = set(real)
        compound = [t for t in dict.fromkeys(compound) if t not in hs and t not in rs]
        r.shuffle(real)
        r.shuffle(compound)
        tail = real + compound          # invented place-name surnames form the rarest part
        tw = zipf_weights(len(tail), 0.7, 300.0)     # flat: the rarest names ~1/4 of the commonest
        head_mass = sum(hw) / 100.0      # ~0.29 of british people carry a top-300 surname
        st = sum(tw)
        self.brit_surname = Dist(head + tail, [w / 100 for w in hw] + [w / st * (1 - head_mass) for w in tw])
        # British first names per era/sex; a shared long tail
        self.brit_first = {}
        tails = {"M": _faker("en_GB", "first_names_male") + _faker("en_US", "first_names_male")
                 + _faker("en_NZ", "first_names_male") + _faker("en_IE", "first_names_male"),
                 "F": _faker("en_GB", "first_names_female") + _faker("en_US", "first_names_female")
                 + _faker("en_NZ", "first_names_female") + _faker("en_IE", "first_names_female")}
        old_tails = {"M": _faker("en_GB", "first_names_male") + _faker("en_IE", "first_names_male")[:120],
                     "F": _faker("en_GB", "first_names_female") + _faker("en_IE", "first_names_female")[:120]}
        for era, d in BRIT_FIRST.items():
            for sx, names in d.items():
                self.brit_first[era, sx] = head_tail(names, old_tails[sx] if era < 3 else tails[sx],
                                                     0.82 if era < 3 else 0.68, r)
        self.brit_middle = {sx: head_tail(BRIT_MIDDLE[sx], tails[sx], 0.85, r, s_head=0.7) for sx in "MF"}
        self.irish_first = {sx: head_tail(IRISH_FIRST[sx], _faker("en_IE", f"first_names_{'male' if sx == 'M' else 'female'}"), 0.8, r) for sx in "MF"}
        self.irish_surname = head_tail(IRISH_SURNAME, _faker("en_IE", "last_names"), 0.75, r, s_head=0.7)
        plm = [x for x in _faker("pl_PL", "male_last_names")] + [x for x in _faker("pl_PL", "unisex_last_names")][:1500]
        self.polish_surname = head_tail(POLISH_SURNAME, plm, 0.55, r, s_head=0.6)
        self.polish_first = {"M": head_tail(POLISH_FIRST["M"], _faker("pl_PL", "first_names_male"), 0.85, r),
                             "F": head_tail(POLISH_FIRST["F"], _faker("pl_PL", "first_names_female"), 0.85, r)}
        self.eastern_first = {sx: head_tail(LITH_ROM[sx], _faker("ro_RO", f"first_names_{'male' if sx == 'M' else 'female'}"), 0.7, r) for sx in "MF"}
        self.eastern_surname = head_tail(LITH_ROM_SURNAME, _faker("ro_RO", "last_names") + _faker("lt_LT", "last_names"), 0.6, r)
        self.indian_first = {sx: head_tail(INDIAN_FIRST[sx], _faker("en_IN", f"first_names_{'male' if sx == 'M' else 'female'}"), 0.7, r) for sx in "MF"}
        self.indian_surname = head_tail(INDIAN_SURNAME, _faker("en_IN", "last_names"), 0.8, r, s_head=1.1, off_head=1.0)
        self.sikh_first = {sx: head_tail(SIKH_FIRST[sx], [], 1.0, r, s_head=0.7) for sx in "MF"}
        self.sikh_surname = head_tail(SIKH_SURNAME, [], 1.0, r, s_head=0.8)
        self.pak_first = {sx: head_tail(PAK_FIRST[sx], _faker("en_PK", "first_names"), 0.8, r, s_head=1.0, off_head=1.0) for sx in "MF"}
        self.pak_surname = head_tail(PAK_SURNAME, _faker("en_PK", "last_names"), 0.85, r, s_head=1.1, off_head=1.0)
        self.bangla_first = {sx: head_tail(BANGLA_FIRST[sx], [], 1.0, r, s_head=1.0, off_head=1.0) for sx in "MF"}
        self.bangla_surname = head_tail([s for s in BANGLA_SURNAME if s not in ("Begum", "Khatun", "Akter")], [], 1.0, r, s_head=1.0, off_head=1.0)
        self.chinese_surname = head_tail(CHINESE_SURNAME, _faker("zh_CN", "last_romanized_names"), 0.9, r, s_head=0.9, off_head=2.0)
        self.chinese_given = {sx: head_tail(CHINESE_GIVEN[sx], _faker("zh_CN", "first_romanized_names"), 0.85, r, s_head=0.5) for sx in "MF"}
        wt = {sx: _faker("yo_NG", f"first_names_{'male' if sx == 'M' else 'female'}")
              + _faker("ig_NG", f"first_names_{'male' if sx == 'M' else 'female'}")
              + _faker("tw_GH", f"first_names_{'male' if sx == 'M' else 'female'}") for sx in "MF"}
        self.wafr_first = {sx: head_tail(WAFR_FIRST[sx], wt[sx], 0.65, r, s_head=0.6) for sx in "MF"}
        self.wafr_middle = {sx: head_tail(list(reversed(WAFR_FIRST[sx])), wt[sx], 0.4, r, s_head=0.5) for sx in "MF"}
        self.wafr_surname = head_tail(WAFR_SURNAME, _faker("yo_NG", "last_names") + _faker("ig_NG", "last_names")
                                      + _faker("tw_GH", "last_names") + _faker("ha_NG", "last_names"), 0.5, r, s_head=0.5)
        self.carib_first = {sx: head_tail(CARIB_FIRST[sx], [], 1.0, r, s_head=0.6) for sx in "MF"}
        self.carib_surname = head_tail(CARIB_SURNAME, [], 1.0, r, s_head=0.7)
        self.arab_first = {sx: head_tail(ARAB_FIRST[sx], [], 1.0, r, s_head=0.9) for sx in "MF"}
        self.arab_surname = head_tail(ARAB_SURNAME, [], 1.0, r, s_head=0.6)
        self.oeu_first = {sx: head_tail(OTHER_EU_FIRST[sx], _faker("it_IT", f"first_names_{'male' if sx == 'M' else 'female'}")
                                        + _faker("pt_PT", f"first_names_{'male' if sx == 'M' else 'female'}"), 0.7, r) for sx in "MF"}
        self.oeu_surname = head_tail(OTHER_EU_SURNAME, _faker("it_IT", "last_names") + _faker("pt_PT", "last_names")
                                     + _faker("tr_TR", "last_names"), 0.5, r, s_head=0.6)
        self.ni_used: set = set()

    # ---- names ------------------------------------------------------------------------------
    @staticmethod
    def era(year, rnd):
        y = year + rnd.gauss(0, 4)
        return 1 if y <= 1955 else 2 if y <= 1975 else 3 if y <= 1995 else 4

    def british_first(self, sex, year):
        r = self.rnd
        n = self.brit_first[self.era(year, r), sex](r)
        if n in ACCENTED_VARIANTS and r.random() < 0.2:
            n = ACCENTED_VARIANTS[n]
        return n

    def surname_for(self, group):
        r = self.rnd
        if group in ("british", "mixed"):
            if group == "mixed" and r.random() < 0.45:
                return self.surname_for(r.choice(["caribbean", "west_african", "pakistani", "indian",
                                                  "chinese", "arabic", "irish", "polish"]))
            return self.brit_surname(r)
        return {"irish": self.irish_surname, "polish": self.polish_surname,
                "eastern": self.eastern_surname, "indian": self.indian_surname,
                "sikh": self.sikh_surname, "pakistani": self.pak_surname,
                "bangladeshi": self.bangla_surname, "chinese": self.chinese_surname,
                "west_african": self.wafr_surname, "caribbean": self.carib_surname,
                "arabic": self.arab_surname, "other_eu": self.oeu_surname}[group](r)

    def given_names(self, p: Person):
        """first name, middle names and person-level name traits for p (group, sex, dob set)."""
        r, g, sx, year = self.rnd, p.group, p.sex, p.dob.year
        uk_born = not p.born_abroad
        mids: list[str] = []
        if g in ("british", "mixed") or (g == "caribbean" and uk_born and r.random() < 0.5):
            first = self.british_first(sx, year) if g != "caribbean" else (
                self.carib_first[sx](r) if r.random() < 0.4 else self.british_first(sx, year))
            if r.random() < 0.74:
                mids.append(self.brit_middle[sx](r))
                if r.random() < 0.09:
                    mids.append(self.brit_middle[sx](r) if r.random() < 0.7 else self.british_first(sx, year - 30))
            if r.random() < 0.035 and mids:
                p.known_by_middle = True
        elif g == "caribbean":
            first = self.carib_first[sx](r)
            if r.random() < 0.65:
                mids.append(self.brit_middle[sx](r))
        elif g == "irish":
            first = self.irish_first[sx](r)
            if first in IRISH_FADA and r.random() < 0.45:
                first = IRISH_FADA[first]
            if r.random() < 0.8:
                mids.append(r.choice(["Mary", "Patrick", "Joseph", "Anne", "Bernadette", "Francis",
                                      "Teresa", "Michael", "Bridget", "John", "Gerard", "Marie"])
                            if r.random() < 0.6 else self.irish_first[sx](r))
        elif g in ("polish", "eastern"):
            src = self.polish_first if g == "polish" else self.eastern_first
            if uk_born and r.random() < 0.35:
                first = self.british_first(sx, year)
            else:
                first = src[sx](r)
            if r.random() < 0.25:
                mids.append(src[sx](r))
        elif g == "indian":
            first = self.indian_first[sx](r)
            if r.random() < 0.4:
                mids.append(("Kumar" if sx == "M" else "Kumari") if r.random() < 0.4 else self.indian_first["M"](r))
        elif g == "sikh":
            first = self.sikh_first[sx](r)
            p.religious_name = "Singh" if sx == "M" else "Kaur"
            mids.append(p.religious_name)
        elif g in ("pakistani", "bangladeshi"):
            src = self.pak_first if g == "pakistani" else self.bangla_first
            first = src[sx](r)
            if sx == "M" and first in ("Mohammed", "Muhammad", "Mohammad", "Abdul", "Abu") and r.random() < 0.8:
                mids.append(src["M"](r))
                while mids[0] == first:
                    mids[0] = src["M"](r)
                if r.random() < 0.5:
                    p.known_by_middle = True     # Mohammed Imran Khan is known as Imran
            elif r.random() < 0.35:
                mids.append(src[sx](r))
        elif g == "chinese":
            given = self.chinese_given[sx](r)
            if uk_born or r.random() < 0.4:
                eng = self.british_first(sx, year)
                first, mids = (eng, [given]) if r.random() < 0.7 else (eng, [])
                if not uk_born:
                    p.alt_first = given
            else:
                first = given
        elif g == "west_african":
            first = self.wafr_first[sx](r)
            k = 1 if r.random() < 0.55 else 2 if r.random() < 0.6 else 0
            for _ in range(k):
                m = self.wafr_middle[sx](r)
                if m != first and m not in mids:
                    mids.append(m)
        elif g == "arabic":
            first = self.arab_first[sx](r)
            if r.random() < 0.35:
                mids.append(self.arab_first["M"](r))   # father's name
        else:  # other_eu
            first = self.oeu_first[sx](r)
            if r.random() < 0.35:
                mids.append(self.oeu_first[sx](r))
        mids = [m for m in mids if m != first]
        return first, mids

    def new_ni(self):
        r = self.rnd
        bad1, bad2 = set("DFIQUV"), set("DFIQUVO")
        while True:
            a = r.choice([c for c in string.ascii_uppercase if c not in bad1])
            b = r.choice([c for c in string.ascii_uppercase if c not in bad2])
            if a + b in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
                continue
            ni = f"{a}{b}{r.randrange(1000000):06d}{r.choice('ABCD')}"
            if ni not in self.ni_used:
                self.ni_used.add(ni)
                return ni


def polish_feminine(s):
    for m, f in (("dzki", "dzka"), ("ski", "ska"), ("cki", "cka")):
        if s.endswith(m):
            return s[: -len(m)] + f
    return s


def polish_masculine(s):
    for m, f in (("dzki", "dzka"), ("ski", "ska"), ("cki", "cka")):
        if s.endswith(f):
            return s[: -len(f)] + m
    return s


def dob_from_age(rnd, age):
    days = rnd.randrange(365)
    # a mild seasonal pattern: more births in late summer / early autumn
    d = REF_DATE - dt.timedelta(days=int(age * 365.25) + days)
    if rnd.random() < 0.08:
        d = d.replace(day=min(d.day, 28), month=rnd.choice([7, 8, 9, 10]))
        if d > REF_DATE:
            d = d.replace(year=d.year - 1)
    return d


def build_geography(rnd, n_people):
    """Units: (postcode, district, capacity in households, kind)."""
    region = rnd.choice(sorted(REGIONS))
    districts = REGIONS[region][:]
    rnd.shuffle(districts)
    n_households = n_people / 2.35
    n_districts = max(4, min(len(districts), round(n_households / 2600) + 3))
    districts = districts[:n_districts]
    # district sizes (Zipf-ish) and ethnic mix skew
    dsize = [1.0 / (i + 1.5) ** 0.6 for i in range(n_districts)]
    s = sum(dsize)
    dsize = [x / s for x in dsize]
    mixes = {}
    for d in districts:
        w = {}
        for g, sh in GROUP_SHARE.items():
            w[g] = sh if g == "british" else sh * math.exp(rnd.gauss(0, 0.8))
        # the whole region is more diverse than England as a whole
        w["british"] *= 0.9 if region != "london_east" else 0.7
        t = sum(w.values())
        mixes[d] = Dist(list(w), [v / t for v in w.values()])
    units = []
    for d, share in zip(districts, dsize):
        target = share * n_households * 1.3
        sectors = rnd.sample(range(10), k=min(10, max(2, round(target / 500))))
        used = set()
        cap_sum = 0
        while cap_sum < target:
            u = rnd.random()
            if u < 0.72:
                kind, cap = "street", max(3, int(rnd.gauss(15, 6)))
            elif u < 0.84:
                kind, cap = "flats", rnd.randint(30, 120)
            elif u < 0.97:
                kind, cap = "small", rnd.randint(1, 5)
            else:
                kind, cap = "terrace", rnd.randint(25, 45)
            sec = rnd.choice(sectors)
            while True:
                pc = f"{d} {sec}{rnd.choice(UNIT_LETTERS)}{rnd.choice(UNIT_LETTERS)}"
                if pc not in used:
                    used.add(pc)
                    break
            units.append((pc, d, cap, kind))
            cap_sum += cap
    return region, districts, mixes, units


# adults by single year of age (UK-like 5-year bands, 18-99) and each household role's affinity
_ADULT_BANDS = [(18, 24, 8.5), (25, 29, 6.8), (30, 34, 7.0), (35, 39, 6.8), (40, 44, 6.4),
                (45, 49, 6.5), (50, 54, 7.0), (55, 59, 6.9), (60, 64, 6.1), (65, 69, 5.3),
                (70, 74, 5.2), (75, 79, 3.9), (80, 84, 2.6), (85, 89, 1.6), (90, 94, 0.7),
                (95, 99, 0.2)]
_ROLE_AFFINITY = {  # role -> [(lo, hi, multiplier)]; ages outside every range are excluded
    "single": [(18, 24, 0.45), (25, 34, 0.9), (35, 54, 0.75), (55, 64, 1.0), (65, 74, 1.3), (75, 99, 2.6)],
    "couple": [(18, 24, 0.25), (25, 34, 1.0), (35, 49, 0.45), (50, 64, 1.25), (65, 84, 1.8), (85, 99, 0.7)],
    "family": [(20, 29, 0.6), (30, 39, 1.6), (40, 49, 1.7), (50, 56, 0.7)],
    "lone": [(19, 29, 1.0), (30, 44, 1.6), (45, 55, 0.5)],
    "adultkid": [(42, 54, 1.2), (55, 66, 1.0), (67, 75, 0.4)],
    "hmo": [(19, 24, 1.2), (25, 34, 1.4), (35, 49, 0.6)],
}
_AGE_DISTS: dict = {}


def role_age(rnd, role, young):
    key = (role, young)
    if key not in _AGE_DISTS:
        ages, ws = [], []
        for lo, hi, w in _ADULT_BANDS:
            for a in range(lo, hi + 1):
                m = sum(mult for l2, h2, mult in _ROLE_AFFINITY[role] if l2 <= a <= h2)
                if m > 0:
                    ages.append(a)
                    # migrant-heavy communities are younger
                    ws.append(w / (hi - lo + 1) * m * (math.exp(-(a - 30) / 35.0) if young else 1.0))
        _AGE_DISTS[key] = Dist(ages, ws)
    return _AGE_DISTS[key](rnd)


def household_type(rnd, group):
    sa = group in ("pakistani", "bangladeshi", "indian", "sikh")
    young = group in ("polish", "eastern", "west_african", "arabic", "other_eu", "chinese")
    types = ["single", "couple", "family", "lone", "multigen", "hmo", "adultkid"]
    if sa:
        w = [0.12, 0.14, 0.40, 0.07, 0.17, 0.03, 0.07]
    elif young:
        w = [0.24, 0.22, 0.27, 0.10, 0.03, 0.10, 0.04]
    elif group == "caribbean":
        w = [0.33, 0.16, 0.16, 0.24, 0.03, 0.03, 0.05]
    else:
        w = [0.31, 0.30, 0.19, 0.09, 0.01, 0.04, 0.06]
    return rnd.choices(types, weights=w)[0]


def generate_population(n_total, rnd: random.Random):
    model = PopulationModel(rnd)
    region, districts, mixes, units = build_geography(rnd, n_total)
    # slots: each household slot is a unit; flats prefer small households
    slots = [(pc, d, kind) for pc, d, cap, kind in units for _ in range(cap)]
    rnd.shuffle(slots)
    people: list[Person] = []
    households: list[list[Person]] = []
    pid = itertools.count()
    region_pcs = [u[0] for u in units]

    def prev_address(home_district):
        u = rnd.random()
        if u < 0.45:
            cands = [pc for pc in rnd.sample(region_pcs, min(8, len(region_pcs))) if pc.split()[0] == home_district]
            return cands[0] if cands else random_postcode(rnd, home_district)
        if u < 0.82:
            return rnd.choice(region_pcs)
        return random_postcode(rnd)

    def new_person(group, sex, age, hid, postcode):
        p = Person(pid=next(pid), hid=hid, group=group, sex=sex, postcode=postcode,
                   known_by_middle=False, twin=False, junior=False)
        p.dob = dob_from_age(rnd, max(0, age))
        p.born_abroad = rnd.random() < BORN_ABROAD[group] * (1.0 if age >= 18 else 0.35)
        if group == "arabic" and p.born_abroad and age >= 16 and rnd.random() < 0.12:
            p.dob = p.dob.replace(month=1, day=1)        # documented 1 January birthdays
        p.first, p.middles = model.given_names(p)
        if p.age >= 16 and rnd.random() < 0.975:
            p.ni = model.new_ni()
        return p

    def adult_age(lo, hi, mode=None):
        return int(rnd.triangular(lo, hi, mode if mode is not None else (lo + hi) / 2))

    hid = itertools.count()
    si = 0
    while len(people) < n_total and si < len(slots):
        pc, d, kind = slots[si]
        si += 1
        h = next(hid)
        group = mixes[d](rnd)
        t = household_type(rnd, group)
        if kind == "flats" and t in ("family", "multigen", "adultkid") and rnd.random() < 0.6:
            t = rnd.choice(["single", "couple", "hmo", "lone"])
        mem: list[Person] = []
        young = group not in ("british", "irish", "caribbean", "mixed")
        if t == "single":
            age = role_age(rnd, "single", young)
            sex = "F" if rnd.random() < (0.68 if age >= 70 else 0.46) else "M"
            p = new_person(group, sex, age, h, pc)
            if sex == "F" and 30 <= age <= 65 and rnd.random() < 0.12:   # reverted after divorce
                p.prev_surname, p.surname = model.surname_for(group), model.surname_for(group)
                p.surname_change_y = rnd.uniform(0, 12)
            else:
                p.surname = model.surname_for(group)
            mem.append(p)
        elif t == "hmo":
            for _ in range(rnd.randint(2, 5)):
                g2 = group if rnd.random() < 0.5 else mixes[d](rnd)
                p = new_person(g2, rnd.choice("MF"), role_age(rnd, "hmo", young), h, pc)
                p.surname = model.surname_for(g2)
                mem.append(p)
        else:
            # a couple or a lone parent, then children
            if t == "lone":
                pa = role_age(rnd, "lone", young)
                psex = "F" if rnd.random() < 0.86 else "M"
                parent = new_person(group, psex, pa, h, pc)
                parent.surname = model.surname_for(group)
                adults = [parent]
                mother = parent if psex == "F" else None
                father = parent if psex == "M" else None
            else:
                if t == "couple":
                    ma = role_age(rnd, "couple", young)
                elif t == "adultkid":
                    ma = role_age(rnd, "adultkid", young)
                else:
                    ma = role_age(rnd, "family", young)
                fa = max(18, int(ma + rnd.gauss(2.2, 3.5)))
                g2 = group if rnd.random() < 0.9 else mixes[d](rnd)
                same_sex = rnd.random() < 0.035 and t == "couple"
                father = new_person(group, "F" if same_sex and rnd.random() < 0.5 else "M", fa, h, pc)
                mother = new_person(g2, father.sex if same_sex else "F", ma, h, pc)
                father.surname = model.surname_for(group)
                mother.surname = model.surname_for(g2)
                married = rnd.random() < (0.82 if ma > 50 else 0.64 if ma > 34 else 0.45)
                keeps = {"chinese": 0.7, "arabic": 0.75, "sikh": 0.2, "other_eu": 0.4, "eastern": 0.1,
                         "polish": 0.1}.get(g2, 0.12)
                if married and not same_sex and rnd.random() > keeps:
                    maiden = mother.surname
                    if group == "polish" or g2 == "polish":
                        new = polish_feminine(father.surname)
                    elif rnd.random() < 0.035:
                        new = f"{maiden}-{father.surname}"
                    else:
                        new = father.surname
                    mother.prev_surname, mother.surname = maiden, new
                    mother.surname_change_y = rnd.uniform(0, max(0.5, min(ma - 19, 50)))
                    if mother.surname_change_y < 6:   # moved in on marriage
                        mother.prev_postcode = prev_address(d)
                        mother.move_y = mother.surname_change_y
                    if g2 in ("bangladeshi", "pakistani") and rnd.random() < 0.45:
                        mother.begum_alt = "Begum" if g2 == "bangladeshi" or rnd.random() < 0.5 else "Bibi"
                elif g2 in ("bangladeshi", "pakistani") and rnd.random() < 0.35:
                    mother.begum_alt = "Begum" if g2 == "bangladeshi" or rnd.random() < 0.6 else "Bibi"
                adults = [father, mother]
            mem.extend(adults)
            # children
            nkids = 0
            if t in ("family", "lone", "multigen"):
                nkids = rnd.choices([1, 2, 3, 4, 5], weights=[0.44, 0.37, 0.13, 0.045, 0.015])[0]
            elif t == "adultkid":
                nkids = rnd.choice([1, 1, 2])
            mum_age = (mother or adults[0]).age
            kid_ages = []
            for _ in range(nkids):
                if t == "adultkid":
                    a = rnd.randint(18, min(38, max(18, mum_age - 18)))
                else:
                    a = mum_age - rnd.randint(18, 42)
                    if a < 0 or a > 24:
                        a = rnd.randint(0, max(0, min(17, mum_age - 18)))
                kid_ages.append(a)
            kids: list[Person] = []
            twin_pair = nkids >= 2 and rnd.random() < 0.035
            for i, a in enumerate(kid_ages):
                kg = group if mother is None or mother.group == group or rnd.random() < 0.5 else mother.group
                if mother is not None and father is not None and mother.group != father.group:
                    kg = "mixed"
                sex = rnd.choice("MF")
                if twin_pair and i == 1:
                    sex = kids[0].sex if rnd.random() < 0.6 else ("M" if kids[0].sex == "F" else "F")
                k = new_person(kg, sex, a, h, pc)
                if twin_pair and i == 1:
                    k.dob = kids[0].dob
                    k.twin = kids[0].twin = True
                    if group == "west_african" and rnd.random() < 0.5:
                        kids[0].first, k.first = "Taiwo", "Kehinde"
                    elif rnd.random() < 0.3:        # alliterative twin names
                        for _ in range(30):
                            f2, m2 = model.given_names(k)
                            if f2[0] == kids[0].first[0] and f2 != kids[0].first:
                                k.first = f2
                                break
                # surname of the child
                if t == "lone":
                    u = rnd.random()
                    if u < 0.5:
                        k.surname = adults[0].surname
                    else:
                        other = model.surname_for(group)
                        if adults[0].sex == "F" and adults[0].prev_surname is None and rnd.random() < 0.4:
                            adults[0].prev_surname = other      # the mother once had the children's name
                            adults[0].surname_change_y = rnd.uniform(0.5, 10)
                        k.surname = other if u < 0.9 else f"{other}-{adults[0].surname}"
                else:
                    fs, ms = father.surname, mother.surname
                    if fs == ms or polish_masculine(ms) == fs:
                        k.surname = fs
                    else:
                        u = rnd.random()
                        k.surname = fs if u < 0.65 else ms if u < 0.83 else f"{fs}-{ms}" if u < 0.95 else f"{ms}-{fs}"
                    if "polish" in (group, kg) and k.sex == "F":
                        k.surname = polish_feminine(k.surname)
                    if father.sex == "M" and i == 0 and sex == "M" and rnd.random() < 0.02:
                        k.first = father.first
                        k.junior = True
                if k.group == "sikh" and k.religious_name is None:
                    k.religious_name = "Singh" if k.sex == "M" else "Kaur"
                kids.append(k)
            mem.extend(kids)
            if t == "multigen":
                for _ in range(rnd.choice([1, 1, 2])):
                    gp = new_person(group, "F" if rnd.random() < 0.6 else "M",
                                    min(100, (father or adults[0]).age + rnd.randint(22, 35)), h, pc)
                    gp.surname = (father or adults[0]).surname if rnd.random() < 0.7 else model.surname_for(group)
                    if gp.sex == "F" and rnd.random() < 0.75:     # married long ago
                        gp.prev_surname = model.surname_for(group)
                        gp.surname_change_y = rnd.uniform(30, 60)
                    mem.append(gp)
        # household move history
        if rnd.random() < 0.35:
            y = rnd.uniform(0, 5)
            old = prev_address(d)
            for p in mem:
                if p.prev_postcode is None or (p.move_y or 0) > y:
                    if p.age >= y:
                        p.prev_postcode, p.move_y = old, y
        households.append(mem)
        people.extend(mem)

    # communal establishments: care homes and student halls
    x_care, x_halls = n_total * 0.009 / 35, n_total * 0.008 / 105
    n_care = int(x_care) + (rnd.random() < x_care % 1)
    n_halls = int(x_halls) + (rnd.random() < x_halls % 1)
    for k in range(n_care + n_halls):
        care = k < n_care
        d = rnd.choice(districts)
        pc = random_postcode(rnd, d)
        for _ in range(rnd.randint(20, 50) if care else rnd.randint(50, 160)):
            h = next(hid)
            g = "british" if care and rnd.random() < 0.9 else mixes[d](rnd)
            if care:
                p = new_person(g, "F" if rnd.random() < 0.7 else "M", adult_age(72, 102, 86), h, pc)
                p.surname = model.surname_for(g)
                if p.sex == "F" and rnd.random() < 0.8:
                    p.prev_surname, p.surname_change_y = model.surname_for(g), rnd.uniform(40, 70)
                p.prev_postcode, p.move_y = prev_address(d), rnd.uniform(0, 4)
            else:
                p = new_person(g, rnd.choice("MF"), adult_age(18, 24, 19), h, pc)
                p.surname = model.surname_for(g)
                p.prev_postcode, p.move_y = (rnd.choice(region_pcs) if rnd.random() < 0.3 else random_postcode(rnd)), rnd.uniform(0, 2.5)
            households.append([p])
            people.append(p)
    # Sikh religious names; Polish surnames take the feminine form for women
    for p in people:
        if p.sex == "F" and p.group in ("polish", "mixed"):
            p.surname = polish_feminine(p.surname)
            if p.prev_surname:
                p.prev_surname = polish_feminine(p.prev_surname)
        if p.group == "sikh" and p.religious_name is None:
            p.religious_name = "Singh" if p.sex == "M" else "Kaur"
    return people, households, region


# ---------------------------------------------------------------------------------------------
# corruption primitives
# ---------------------------------------------------------------------------------------------
def strip_accents(s):
    s = s.replace("ł", "l").replace("Ł", "L").replace("ı", "i").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def keyboard_typo(s, rnd):
    if len(s) < 2:
        return s
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if not idx:
        return s
    i = rnd.choice(idx)
    c = s[i]
    low = c.lower()
    op = rnd.random()
    if op < 0.35 and low in NEIGHBOURS:                    # neighbouring key
        n = rnd.choice(NEIGHBOURS[low])
        return s[:i] + (n.upper() if c.isupper() else n) + s[i + 1:]
    if op < 0.58 and len(s) > 3:                           # dropped letter
        return s[:i] + s[i + 1:]
    if op < 0.75:                                          # doubled letter
        return s[:i] + c + s[i:] if not c.isupper() else s[:i + 1] + low + s[i + 1:]
    if op < 0.92 and i + 1 < len(s) and s[i + 1].isalpha():  # transposition
        a, b = s[i], s[i + 1]
        if i == 0:
            return b.upper() + a.lower() + s[2:] if a.isupper() else b + a + s[2:]
        return s[:i] + b + a + s[i + 2:]
    if low in NEIGHBOURS:                                  # inserted neighbour
        return s[:i + 1] + rnd.choice(NEIGHBOURS[low]) + s[i + 1:]
    return s


def phonetic_variant(s, rnd):
    if s in VARIANTS and rnd.random() < 0.8:
        return rnd.choice(VARIANTS[s])
    low = s.lower()
    rules = [(a, b) for a, b in PHONETIC_RULES if a in low[1:]]
    if not rules:
        return s
    a, b = rnd.choice(rules)
    starts = [i for i in range(1, len(low)) if low.startswith(a, i)]
    i = rnd.choice(starts)
    out = low[:i] + b + low[i + len(a):]
    return out[:1].upper() + out[1:] if s[:1].isupper() else out


def truncate_name(s, rnd):
    return s[: max(2, len(s) - rnd.randint(1, 3))] if len(s) > 5 else s


def apostrophe_variant(s, rnd):
    if "'" not in s:
        return s
    u = rnd.random()
    if u < 0.4:
        return s.replace("'", "")
    if u < 0.65:
        return s.replace("'", " ")
    if u < 0.8:
        return s.replace("'", "’")
    if u < 0.9:
        return s.replace("'", "`")
    return s.split("'", 1)[1]                               # O'Neill -> Neill


def hyphen_variant(s, rnd, p_first=0.5):
    if "-" not in s:
        return s
    a, b = s.split("-", 1)
    u = rnd.random()
    if a.lower() in ("al", "el"):                          # Al-Hassan: an article, not two names
        return f"{a} {b}" if u < 0.45 else f"{a}{b.lower()}" if u < 0.75 else b
    if u < 0.38:
        return a if rnd.random() < p_first else b
    if u < 0.75:
        return f"{a} {b}"
    if u < 0.88:
        return f"{a}{b.lower()}"
    return f"{b}-{a}"


def mc_variant(s, rnd):
    for pre in ("Mc", "Mac"):
        if s.startswith(pre) and len(s) > len(pre) + 1 and s[len(pre)].isupper():
            u = rnd.random()
            rest = s[len(pre):]
            if u < 0.4:
                return pre + rest.lower()
            if u < 0.7:
                return f"{pre} {rest}"
            return ("Mac" if pre == "Mc" else "Mc") + rest
    return s


def recase(s, mode):
    if not s:
        return s
    if mode == "upper":
        return s.upper()
    if mode == "lower":
        return s.lower()
    if mode == "title":
        return s.title()
    return s


def ws_noise(s, rnd):
    if not s:
        return s
    u = rnd.random()
    if u < 0.4:
        return " " + s
    if u < 0.8:
        return s + rnd.choice([" ", "  ", "\t"]) if rnd.random() < 0.9 else s + " "
    return s.replace(" ", "  ") if " " in s else s + "  "


def valid_date(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def corrupt_dob(d: dt.date, rnd, kind):
    if kind == "swap" and d.day <= 12 and d.day != d.month:
        return d.replace(day=d.month, month=d.day)
    if kind == "year":
        u = rnd.random()
        y = d.year
        if u < 0.45:
            y += rnd.choice([-1, 1])
        elif u < 0.65:
            s = str(y)
            y = int(s[:2] + s[3] + s[2])
        elif u < 0.85:
            y += rnd.choice([-10, 10])
        else:
            s = str(y)
            y = int(s[:3] + rnd.choice(DIGIT_NEIGHBOURS[s[3]]))
        nd = valid_date(y, d.month, d.day)
        return nd if nd and nd <= REF_DATE and y > 1900 else d
    if kind == "day":
        u = rnd.random()
        if u < 0.5:
            nd = d + dt.timedelta(days=rnd.choice([-1, 1]))
        elif u < 0.75 and d.day >= 10 and d.day % 10 != 0:
            nd = valid_date(d.year, d.month, int(str(d.day)[::-1]))
        else:
            nd = valid_date(d.year, d.month, int(rnd.choice(DIGIT_NEIGHBOURS[str(d.day)[-1]])) + 10 * (d.day // 10) or 1)
        return nd if nd and nd <= REF_DATE else d
    if kind == "month":
        m = d.month + rnd.choice([-1, 1])
        nd = valid_date(d.year, m, d.day) if 1 <= m <= 12 else None
        return nd if nd and nd <= REF_DATE else d
    if kind == "default":
        return d.replace(month=1, day=1)
    return d


def corrupt_postcode(pc, rnd):
    out, inw = pc.split()
    u = rnd.random()
    if u < 0.3:                                            # unit letter slip
        i = rnd.choice([1, 2])
        c = inw[i].lower()
        n = rnd.choice(NEIGHBOURS.get(c, ["a"])).upper()
        inw = inw[:i] + n + inw[i + 1:]
    elif u < 0.45:                                         # transposed unit letters
        inw = inw[0] + inw[2] + inw[1]
    elif u < 0.6:                                          # sector digit
        inw = rnd.choice(DIGIT_NEIGHBOURS[inw[0]]) + inw[1:]
    elif u < 0.72:                                         # district digit
        digs = [i for i, c in enumerate(out) if c.isdigit()]
        i = digs[-1]
        out = out[:i] + rnd.choice(DIGIT_NEIGHBOURS[out[i]]) + out[i + 1:]
    elif u < 0.85:                                         # look-alike characters
        table = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z"}
        cands = [i for i, c in enumerate(out + inw) if c in table]
        if cands:
            s = out + " " + inw
            i = rnd.choice(cands)
            i = i if i < len(out) else i + 1
            s = s[:i] + table[s[i]] + s[i + 1:]
            return s
        inw = inw[0] + inw[2] + inw[1]
    else:                                                  # dropped character
        inw = inw[:2] if rnd.random() < 0.5 else inw[0] + inw[2]
    return f"{out} {inw}"


# ---------------------------------------------------------------------------------------------
# agency rendering
# ---------------------------------------------------------------------------------------------
AGENCY_A = dict(  # council / benefits: caseworker entry, updated fairly often
    fresh=0.70, stale_mean=2.0,
    first_typo=0.012, first_phon=0.008, first_nick=0.015, first_initial=0.003, first_missing=0.002,
    first_with_middle=0.010, title=0.004, kbm=0.35, alt_first=0.5,
    mid_recorded=0.65, mid_initial=0.10, mid_typo=0.01,
    sur_typo=0.012, sur_phon=0.006, sur_hyphen=0.4, sur_apos=0.2, sur_mc=0.1, suffix=0.002,
    sur_missing=0.001, sur_trunc=0.002, swap_first_last=0.004, swap_chinese=0.06,
    religious_sur=0.25, begum=0.4, stale_surname_extra=0.01, polish_masc=0.05,
    dob_missing=0.004, dob_default=0.003, dob_swap=0.006, dob_year=0.005, dob_day=0.005,
    dob_month=0.002, dob_unpadded=0.02,
    sex_missing=0.005, sex_wrong=0.003,
    pc_missing=0.015, pc_typo=0.012, pc_nospace=0.02, pc_lower=0.01, pc_outward=0.003,
    ni_adult=0.62, ni_spaced=0.08, ni_lower=0.02, ni_typo=0.006, ni_nosuffix=0.01, ni_partner=0.003,
    typo_minority=2.0, upper=0.06, lower=0.015, retitle=0.12, ws=0.015, accents_kept=0.7,
)
AGENCY_B = dict(  # health: registration-time data, a legacy upper-case ASCII system for some
    fresh=0.40, stale_mean=4.0, legacy=0.35,
    first_typo=0.018, first_phon=0.012, first_nick=0.035, first_initial=0.001, first_missing=0.003,
    first_with_middle=0.006, title=0.008, kbm=0.7, alt_first=0.5, baby=0.3, unknown=0.001,
    mid_recorded=0.45, mid_initial=0.05, mid_typo=0.015,
    sur_typo=0.018, sur_phon=0.01, sur_hyphen=0.5, sur_apos=0.35, sur_mc=0.2, suffix=0.003,
    sur_missing=0.002, sur_trunc=0.004, swap_first_last=0.006, swap_chinese=0.10,
    religious_sur=0.35, begum=0.5, stale_surname_extra=0.03, polish_masc=0.12,
    dob_missing=0.012, dob_default=0.004, dob_placeholder=0.002, dob_swap=0.008, dob_year=0.006,
    dob_day=0.006, dob_month=0.002, dob_text=0.20, dob_timestamp=0.02,
    sex_unknown=0.015, sex_missing=0.005, sex_wrong=0.004,
    pc_missing=0.03, pc_typo=0.015, pc_space=0.04, pc_lower=0.15, pc_outward=0.004, pc_nfa=0.003,
    typo_minority=2.0, ws=0.02, accents_kept=0.3,
)
REGISTER = dict(  # a public register: recent, light errors, written like agency A
    fresh=0.85, stale_mean=1.0,
    first_typo=0.004, first_phon=0.002, first_nick=0.004, first_initial=0.0, first_missing=0.0,
    first_with_middle=0.003, title=0.0, kbm=0.2, alt_first=0.5,
    mid_recorded=0.5, mid_initial=0.2, mid_typo=0.003,
    sur_typo=0.004, sur_phon=0.002, sur_hyphen=0.2, sur_apos=0.1, sur_mc=0.05, suffix=0.0,
    sur_missing=0.0, sur_trunc=0.0, swap_first_last=0.001, swap_chinese=0.02,
    religious_sur=0.2, begum=0.3, stale_surname_extra=0.0, polish_masc=0.02,
    dob_missing=0.002, dob_default=0.001, dob_swap=0.002, dob_year=0.002, dob_day=0.002,
    dob_month=0.0, dob_unpadded=0.0,
    sex_missing=0.002, sex_wrong=0.001,
    pc_missing=0.003, pc_typo=0.004, pc_nospace=0.0, pc_lower=0.0, pc_outward=0.0,
    ni_adult=0.5, ni_spaced=0.0, ni_lower=0.0, ni_typo=0.002, ni_nosuffix=0.0, ni_partner=0.0,
    typo_minority=1.5, upper=0.0, lower=0.0, retitle=0.05, ws=0.0, accents_kept=0.8,
)
TITLES = {"M": ["Mr", "Mr.", "MR", "Dr", "Rev"], "F": ["Mrs", "Miss", "Ms", "Mrs.", "Dr"]}
SUFFIXES_JR = ["Jnr", "Jr", "Junior", "Jr."]
SUFFIXES = ["Snr", "II", "Jnr", "Sr", "III"]


def snapshot_lag(rnd, cfg):
    return 0.0 if rnd.random() < cfg["fresh"] else rnd.expovariate(1.0 / cfg["stale_mean"])


def true_record(p: Person, rnd, cfg, partners):
    """The person as this agency would hold them if keyed without error (names, stale values)."""
    lag = snapshot_lag(rnd, cfg)
    surname = p.surname
    if p.prev_surname and (p.surname_change_y or 0) < lag:
        surname = p.prev_surname
    elif p.prev_surname and (p.surname_change_y or 99) < 15 and rnd.random() < cfg["stale_surname_extra"]:
        surname = p.prev_surname                            # change never notified
    pc = p.postcode
    if p.prev_postcode and (p.move_y or 0) < lag:
        pc = p.prev_postcode
    first, mids = p.first, list(p.middles)
    if p.alt_first and rnd.random() < cfg["alt_first"]:
        first, mids = p.alt_first, [p.first] if rnd.random() < 0.3 else []
    if p.known_by_middle and mids and rnd.random() < cfg["kbm"]:
        first, mids = mids[0], ([first] if rnd.random() < 0.5 else []) + mids[1:]
    if p.religious_name:
        mids = [m for m in mids if m != p.religious_name]
        if rnd.random() < cfg["religious_sur"]:
            surname = p.religious_name                       # Kaur / Singh as the surname
        elif rnd.random() < 0.6:
            mids = [p.religious_name] + mids
    if p.begum_alt and rnd.random() < cfg["begum"]:
        surname = p.begum_alt
    if p.sex == "F" and surname != polish_masculine(surname) and rnd.random() < cfg["polish_masc"]:
        surname = polish_masculine(surname)
    return dict(first=first, mids=mids, surname=surname, dob=p.dob, sex=p.sex, pc=pc, lag=lag)


def name_noise(s, rnd, cfg, key, minority, accents_kept):
    if not s:
        return s
    mult = cfg["typo_minority"] if minority else 1.0
    if rnd.random() < cfg.get(f"{key}_phon", 0.004):
        s = phonetic_variant(s, rnd)
    if rnd.random() < cfg[f"{key}_typo"] * mult:
        s = keyboard_typo(s, rnd)
        if rnd.random() < 0.1:
            s = keyboard_typo(s, rnd)
    if not accents_kept:
        s = strip_accents(s)
    return s


def render(p: Person, rnd, cfg, agency, partners):
    tr = true_record(p, rnd, cfg, partners)
    first, mids, surname, dob, sex, pc = tr["first"], tr["mids"], tr["surname"], tr["dob"], tr["sex"], tr["pc"]
    minority = p.group not in ("british", "irish", "mixed", "caribbean")
    legacy = agency == "B" and rnd.random() < cfg["legacy"]
    accents = rnd.random() < cfg["accents_kept"] and not legacy

    # ---- first name
    if p.first in NICKNAMES and first == p.first and rnd.random() < cfg["first_nick"]:
        first = rnd.choice(NICKNAMES[first])
    if "-" not in first and " " in first and p.group == "chinese":   # two-syllable given names
        u = rnd.random()
        if u < 0.15:
            first = first.replace(" ", "-")
        elif u < 0.28:
            first = first.replace(" ", "").capitalize()
        elif u < 0.45:
            a, b = first.split(" ", 1)
            first, mids = a, [b] + mids
    first = name_noise(first, rnd, cfg, "first", minority, accents)
    mids = [name_noise(m, rnd, cfg, "mid", minority, accents) for m in mids]
    surname = surname if accents else strip_accents(surname)
    surname = hyphen_variant(surname, rnd) if rnd.random() < cfg["sur_hyphen"] else surname
    surname = apostrophe_variant(surname, rnd) if (rnd.random() < cfg["sur_apos"] or (legacy and rnd.random() < 0.6)) else surname
    surname = mc_variant(surname, rnd) if rnd.random() < cfg["sur_mc"] else surname
    if rnd.random() < cfg["sur_phon"]:
        surname = phonetic_variant(surname, rnd)
    if rnd.random() < cfg["sur_typo"] * (cfg["typo_minority"] if minority else 1.0):
        surname = keyboard_typo(surname, rnd)
    if rnd.random() < cfg["sur_trunc"]:
        surname = truncate_name(surname, rnd)

    # middle names: recorded or not, initials
    if mids and rnd.random() < cfg["mid_recorded"]:
        if rnd.random() < cfg["mid_initial"]:
            mids = [m[0] for m in mids] if rnd.random() < 0.7 else [mids[0][0]]
        elif len(mids) > 1 and rnd.random() < 0.35:
            mids = mids[:1]
    else:
        mids = []
    if mids and rnd.random() < cfg["first_with_middle"]:
        first, mids = f"{first} {mids[0]}", mids[1:]
    if rnd.random() < cfg["first_initial"]:
        first = first[:1]
    if rnd.random() < cfg["swap_first_last"] or (p.group == "chinese" and rnd.random() < cfg["swap_chinese"]):
        first, surname = surname, first
    if agency == "B" and p.age < 1 and rnd.random() < cfg["baby"]:
        first, mids = rnd.choice(["Baby", "BABY", "Baby of"]), []
    if agency == "B" and rnd.random() < cfg["unknown"]:
        first = "UNKNOWN"
    if rnd.random() < cfg["first_missing"]:
        first = ""
    if rnd.random() < cfg["sur_missing"]:
        surname = ""
    if rnd.random() < cfg["title"]:
        first = f"{rnd.choice(TITLES[p.sex])} {first}".strip()
    if p.junior and rnd.random() < 0.25:
        surname = f"{surname} {rnd.choice(SUFFIXES_JR)}"
    elif rnd.random() < cfg["suffix"]:
        if p.sex == "M":
            surname = f"{surname} {rnd.choice(SUFFIXES)}"
        elif p.prev_surname and p.prev_surname != surname:
            surname = f"{surname} (nee {p.prev_surname})"   # maiden name noted in the field

    # case conventions
    if legacy:
        first, surname, mids = first.upper(), surname.upper(), [m.upper() for m in mids]
    else:
        u = rnd.random()
        mode = ("upper" if u < cfg.get("upper", 0.0) else
                "lower" if u < cfg.get("upper", 0.0) + cfg.get("lower", 0.0) else
                "title" if u < cfg.get("upper", 0.0) + cfg.get("lower", 0.0) + cfg.get("retitle", 0.0) else None)
        if mode:
            first, surname, mids = recase(first, mode), recase(surname, mode), [recase(m, mode) for m in mids]
        if agency == "B" and rnd.random() < 0.1:
            surname = surname.upper()                       # surname in capitals, a clinical habit
    middle = " ".join(mids)
    if rnd.random() < cfg["ws"]:
        which = rnd.choice(["f", "s", "m"])
        if which == "f":
            first = ws_noise(first, rnd)
        elif which == "s":
            surname = ws_noise(surname, rnd)
        else:
            middle = ws_noise(middle, rnd)

    # ---- date of birth
    dob_s = ""
    u = rnd.random()
    d = dob
    for kind in ("swap", "year", "day", "month"):
        if rnd.random() < cfg[f"dob_{kind}"]:
            d = corrupt_dob(d, rnd, kind)
    if rnd.random() < cfg["dob_default"] or (p.born_abroad and p.group in ("arabic", "west_african", "bangladeshi") and rnd.random() < 0.02):
        d = corrupt_dob(d, rnd, "default")
    if agency == "B" and rnd.random() < cfg["dob_placeholder"]:
        d = dt.date(1900, 1, 1)
    if u >= cfg["dob_missing"]:
        if agency == "B":
            v = rnd.random()
            if v < cfg["dob_timestamp"]:
                dob_s = f"{d.isoformat()} 00:00:00"
            elif v < cfg["dob_timestamp"] + cfg["dob_text"]:
                dob_s = f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}" if rnd.random() < 0.6 else f"{d.day} {MONTHS[d.month - 1]} {d.year}"
            else:
                dob_s = d.isoformat()
        else:
            dob_s = (f"{d.day}/{d.month}/{d.year}" if rnd.random() < cfg["dob_unpadded"]
                     else f"{d.day:02d}/{d.month:02d}/{d.year}")

    # ---- sex
    sx = sex
    if rnd.random() < cfg["sex_wrong"]:
        sx = "M" if sx == "F" else "F"
    if agency == "B":
        sex_s = {"M": "Male", "F": "Female"}[sx]
        v = rnd.random()
        if v < cfg["sex_unknown"]:
            sex_s = "Unknown"
        elif v < cfg["sex_unknown"] + cfg["sex_missing"]:
            sex_s = ""
        if legacy and sex_s:
            sex_s = sex_s.upper() if rnd.random() < 0.5 else sex_s
    else:
        sex_s = "" if rnd.random() < cfg["sex_missing"] else sx

    # ---- postcode
    if rnd.random() < cfg["pc_typo"]:
        pc = corrupt_postcode(pc, rnd)
    if rnd.random() < cfg["pc_outward"]:
        pc = pc.split()[0]
    if agency == "B":
        if rnd.random() < cfg["pc_nfa"]:
            pc = "ZZ99 3VZ"                                  # no fixed abode pseudo-postcode
        pc_s = pc if rnd.random() < cfg["pc_space"] else pc.replace(" ", "")
        if rnd.random() < cfg["pc_lower"] and not legacy:
            pc_s = pc_s.lower()
    else:
        pc_s = pc.replace(" ", "") if rnd.random() < cfg["pc_nospace"] else pc
        if rnd.random() < cfg["pc_lower"]:
            pc_s = pc_s.lower()
    if rnd.random() < cfg["pc_missing"]:
        pc_s = ""

    rec = {"first": first, "middle": middle, "surname": surname, "dob": dob_s, "sex": sex_s, "pc": pc_s}

    # ---- NI number (agency A and the register only)
    if agency in ("A", "R"):
        ni = ""
        if p.ni and rnd.random() < cfg["ni_adult"]:
            ni = p.ni
            if rnd.random() < cfg["ni_partner"] and partners.get(p.pid):
                ni = partners[p.pid]                        # the partner's number keyed in
            if rnd.random() < cfg["ni_typo"]:
                i = rnd.randrange(2, 8)
                ni = ni[:i] + rnd.choice(DIGIT_NEIGHBOURS[ni[i]]) + ni[i + 1:]
            if rnd.random() < cfg["ni_nosuffix"]:
                ni = ni[:8]
            if rnd.random() < cfg["ni_spaced"]:
                ni = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8:]}".strip()
            if rnd.random() < cfg["ni_lower"]:
                ni = ni.lower()
        elif p.age >= 16 and agency == "A" and rnd.random() < 0.004:
            # a temporary reference number (TN + date of birth + sex)
            ni = f"TN{p.dob.day:02d}{p.dob.month:02d}{p.dob.year % 100:02d}{p.sex}"
        rec["ni"] = ni
    return rec


def unique_ids(rnd, n, fmt, space):
    return [fmt(x) for x in rnd.sample(range(space), n)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--people", type=int, default=20000, help="size of the study population N")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.people < 50:
        ap.error("--people must be at least 50")
    rnd = random.Random(args.seed)
    n = args.people
    n_total = int(n * 2.5)     # study population + other residents of the same area for the register
    people, households, region = generate_population(n_total, rnd)

    # study population: whole households in random order until N people
    order = list(range(len(households)))
    rnd.shuffle(order)
    study: list[Person] = []
    for hi in order:
        if len(study) >= n:
            break
        take = households[hi][: n - len(study)]
        study.extend(take)
        for p in take:
            p.study = True

    # partners (for the occasional partner's NI number keyed in)
    partners = {}
    for mem in households:
        adults = [p for p in mem if p.ni]
        if len(adults) >= 2:
            partners[adults[0].pid], partners[adults[1].pid] = adults[1].ni, adults[0].ni

    # membership: household propensity x age pattern, calibrated to ~60 % per agency
    hh_u = {}
    pa, pb = [], []
    for p in study:
        u = hh_u.setdefault(p.hid, (rnd.betavariate(2, 2), rnd.betavariate(2.5, 2.5)))
        age = p.age
        a = (0.50 if age < 16 else 0.56 if age < 25 else 0.64) * (0.55 + 0.9 * u[0])
        b = (0.60 if age < 18 else 0.50 if (age < 35 and p.sex == "M") else 0.58 if age < 65 else 0.70) * (0.6 + 0.8 * u[1])
        pa.append(a)
        pb.append(b)
    sa, sb = 0.60 * len(study) / sum(pa), 0.60 * len(study) / sum(pb)
    in_a = [rnd.random() < min(0.97, x * sa) for x in pa]
    in_b = [rnd.random() < min(0.97, x * sb) for x in pb]

    ids_a = iter(unique_ids(rnd, sum(in_a), lambda x: f"CT{x:07d}", 10_000_000))
    ids_b = iter(unique_ids(rnd, sum(in_b), lambda x: f"H{x:08d}", 100_000_000))
    rows_a, rows_b, truth = [], [], []
    for p, ia, ib in zip(study, in_a, in_b):
        ida = idb = None
        if ia:
            ida = next(ids_a)
            r = render(p, rnd, AGENCY_A, "A", partners)
            rows_a.append({"id": ida, "first_name": r["first"], "middle_name": r["middle"],
                           "surname": r["surname"], "dob": r["dob"], "sex": r["sex"],
                           "postcode": r["pc"], "ni_number": r["ni"]})
        if ib:
            idb = next(ids_b)
            r = render(p, rnd, AGENCY_B, "B", partners)
            rows_b.append({"id": idb, "forename": r["first"], "other_names": r["middle"],
                           "last_name": r["surname"], "birth_date": r["dob"], "gender": r["sex"],
                           "post_code": r["pc"]})
        if ida and idb:
            truth.append({"id_a": ida, "id_b": idb})

    # public register: 2N people of the whole area (overlapping the study population)
    reg_people = rnd.sample(people, min(len(people), 2 * n))
    ids_r = iter(unique_ids(rnd, len(reg_people), lambda x: f"ER{x:07d}", 10_000_000))
    rows_r = []
    for p in reg_people:
        r = render(p, rnd, REGISTER, "R", partners)
        rows_r.append({"id": next(ids_r), "first_name": r["first"], "middle_name": r["middle"],
                       "surname": r["surname"], "dob": r["dob"], "sex": r["sex"],
                       "postcode": r["pc"], "ni_number": r["ni"]})

    rnd.shuffle(rows_a)
    rnd.shuffle(rows_b)
    rnd.shuffle(rows_r)
    rnd.shuffle(truth)
    os.makedirs(args.outdir, exist_ok=True)
    for name, rows in (("agency_a.csv", rows_a), ("agency_b.csv", rows_b), ("truth.csv", truth),
                       ("register.csv", rows_r)):
        pd.DataFrame(rows).to_csv(os.path.join(args.outdir, name), index=False, encoding="utf-8")
    n_study_in_reg = sum(1 for p in reg_people if p.study)
    print(f"region={region} population={len(people)} study={len(study)} "
          f"agency_a={len(rows_a)} agency_b={len(rows_b)} true_pairs={len(truth)} "
          f"register={len(rows_r)} (of whom {n_study_in_reg} in the study population)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
