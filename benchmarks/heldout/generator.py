#!/usr/bin/env python3
"""Held-out synthetic UK population and agency extracts for record-linkage evaluation.

Written independently of linkcore (it does not import it and was written without reading its
synthetic-data code or its tuned parameters). Everything here -- the population model, the
frequency weighting, the corruption model and its rates, the agency layouts -- exists only to
report linkage quality on data nobody tuning the linkage has looked at.  DO NOT tune anything
against it.  See README.md in this folder for the model and every rate.

Usage:
    python benchmarks/heldout/generator.py --people 20000 --seed 1 --out /tmp/heldout \
        [--agencies 2] [--style uk|mixed]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import time
from datetime import date

import numpy as np
import pandas as pd

GENERATOR_VERSION = "heldout-1"
REF_DATE = date(2024, 6, 30)          # "today" of the population (fixed for determinism)
REF_ORD = REF_DATE.toordinal()

# ----------------------------------------------------------------------------------------------
# Name material.  Faker's en_GB provider supplies raw name lists only; the frequency weighting,
# cohort effects, surname tail and everything else are this file's own.
# ----------------------------------------------------------------------------------------------
from faker.providers.person.en_GB import Provider as _FakerPerson  # noqa: E402

# Most common surnames in England and Wales, in (approximately) descending order.
TOP_SURNAMES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson
Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James
Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis
Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell
Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins
Murray Dixon Harvey""".split()

EXTRA_SURNAMES = """Ahmed Rahman Chowdhury Kaur Nguyen Wang Chen Kowalski Nowak Wisniewski Okafor
Adeyemi Mensah Hassan Mohamed Ibrahim Mahmood Iqbal Akhtar Sharma Gill Sandhu O'Brien O'Connor
O'Neill O'Sullivan O'Reilly O'Donnell McDonald MacDonald McCarthy Mackenzie McKenzie McLaughlin
MacLeod McGregor D'Souza Fernandes Pereira Rodrigues Kennedy Quinn Doherty Gallagher Byrne Walsh
Fraser Grant Ross Stewart Reid Reed Read Smyth Thomson Browne Clarke Cooke Harries Davidson
Nicholson Nicolson Jeffries Jefferies Mathews Philips Grey Macintosh McIntosh""".split()

SURNAME_STEMS = """Ash Black Brad Brook Crow Dun East Fair Green Hol Kirk Lang Mark North Pen Rad
Red Ship Stan Thorn War West Whit Wood Ather Bar Bram Brig Cal Chad Cran Dal Els Gar Hart Hay Lin
Mar Mid Mor Ral Ros Sax Shel Sil Stock Tam Wal Wen Ald Bick Cold Ever Grim Hum Ink Lock Nor Old
Pick Rowl Sand Tid Wat Wil Alder Beck Bur Car Cass Cot Dray Ed Fen Frith Gold Hal Hather Hex
Horn Ives Kin Lee Mal Mel Ne Ock Pad Pres Quin Rams Rud Sel Sker Stain Thurs Tod Tres Up Ver
Walm Wy Yar Ab Bel Bing Brom Chil Dart Dews Elm Farn Gos Hask Hux Kel Lud""".split()
SURNAME_SUFFIXES = """ley ton well worth wood field ford ham by more house land shaw ridge stone
wick burn combe dale hurst croft man er ington cott gate low brook""".split()

# (peak year, width in years) for names whose popularity is well known to peak in a cohort.
PEAK_FEMALE = {
    "Doris": (1922, 10), "Dorothy": (1925, 12), "Joan": (1930, 10), "Margaret": (1935, 13),
    "Jean": (1932, 10), "Joyce": (1930, 10), "Mary": (1935, 18), "Irene": (1928, 10),
    "Eileen": (1930, 10), "Sheila": (1940, 9), "Patricia": (1945, 10), "Brenda": (1945, 8),
    "Barbara": (1940, 10), "Maureen": (1945, 9), "Valerie": (1945, 8), "Shirley": (1942, 9),
    "Susan": (1958, 8), "Linda": (1955, 8), "Christine": (1952, 9), "Carol": (1955, 9),
    "Janet": (1950, 9), "Pauline": (1955, 8), "Elaine": (1962, 8), "Julie": (1966, 8),
    "Karen": (1966, 7), "Tracey": (1968, 6), "Tracy": (1968, 6), "Wendy": (1962, 8),
    "Michelle": (1972, 7), "Nicola": (1976, 7), "Lisa": (1971, 6), "Claire": (1978, 7),
    "Sarah": (1982, 9), "Emma": (1984, 9), "Rebecca": (1986, 8), "Laura": (1988, 8),
    "Gemma": (1986, 6), "Samantha": (1986, 7), "Kelly": (1984, 6), "Hannah": (1996, 7),
    "Jessica": (1996, 8), "Chloe": (1999, 7), "Lauren": (1993, 6), "Sophie": (1998, 8),
    "Emily": (2002, 9), "Olivia": (2012, 7), "Amelia": (2014, 6), "Isla": (2016, 5),
    "Ava": (2015, 6), "Lily": (2010, 7), "Mia": (2013, 6), "Freya": (2015, 6),
    "Poppy": (2013, 6), "Grace": (2010, 9), "Ella": (2011, 7), "Evie": (2014, 5),
    "Sophia": (2016, 5), "Isabella": (2012, 7), "Aisha": (2008, 12), "Fatima": (2008, 14),
    "Maryam": (2014, 8), "Zainab": (2012, 9), "Priya": (1990, 10), "Oliwia": (2012, 6),
    "Ivy": (2019, 5), "Willow": (2018, 4), "Rosie": (2008, 8), "Ellie": (2006, 7),
    "Dawn": (1968, 6), "Mandy": (1968, 6), "Carolyn": (1955, 8), "Andrea": (1970, 7),
    "Holly": (1995, 7), "Janice": (1950, 8), "Angela": (1962, 8), "Sharon": (1965, 7),
    "Deborah": (1962, 7), "Debra": (1962, 6), "Jacqueline": (1960, 8), "Gillian": (1960, 8),
    "Lorraine": (1965, 7), "Joanne": (1975, 7), "Kerry": (1980, 7), "Leanne": (1984, 6),
    "Kirsty": (1985, 6), "Stacey": (1987, 6), "Danielle": (1988, 7), "Charlotte": (1995, 14),
    "Amy": (1990, 8), "Megan": (1997, 7), "Jade": (1992, 6), "Georgia": (2000, 7),
    "Abbie": (2000, 6), "Paige": (1998, 5), "Shannon": (1997, 6), "Kayleigh": (1990, 5),
    "Chelsea": (1992, 5), "Ashleigh": (1990, 6), "Jasmine": (2003, 7), "Amber": (2003, 7),
    "Alice": (2012, 20), "Elizabeth": (1960, 40), "Anne": (1945, 10), "Ann": (1945, 10),
    "Rita": (1938, 8), "Sylvia": (1935, 9), "Hazel": (1935, 10), "June": (1932, 8),
    "Marion": (1935, 9), "Marian": (1940, 9), "Rosemary": (1945, 8), "Hilary": (1950, 8),
    "Judith": (1948, 8), "Diane": (1958, 7), "Denise": (1960, 7), "Yvonne": (1958, 7),
    "Lynn": (1955, 7), "Lynne": (1955, 7), "Lesley": (1958, 7), "Gail": (1960, 7),
    "Beverley": (1965, 7), "Tina": (1966, 6), "Donna": (1970, 7), "Joanna": (1975, 8),
    "Melanie": (1970, 7), "Natalie": (1985, 7), "Natasha": (1985, 7), "Victoria": (1985, 8),
    "Hayley": (1985, 6), "Katie": (1992, 7), "Lucy": (2000, 14), "Molly": (2008, 8),
}
PEAK_MALE = {
    "Albert": (1915, 10), "Ernest": (1918, 10), "Harold": (1925, 10), "Frederick": (1925, 12),
    "Stanley": (1928, 10), "Kenneth": (1935, 10), "Ronald": (1935, 10), "Dennis": (1935, 9),
    "Roy": (1937, 10), "Norman": (1932, 9), "Brian": (1945, 8), "Peter": (1948, 10),
    "John": (1950, 15), "Keith": (1950, 8), "Alan": (1950, 10), "David": (1958, 12),
    "Michael": (1962, 12), "Stephen": (1962, 8), "Paul": (1965, 8), "Mark": (1967, 7),
    "Andrew": (1970, 9), "Gary": (1968, 6), "Darren": (1972, 6), "Wayne": (1970, 6),
    "Lee": (1976, 7), "Craig": (1979, 6), "Christopher": (1982, 9), "Matthew": (1985, 8),
    "Daniel": (1988, 9), "James": (1990, 20), "Thomas": (1995, 15), "Joshua": (1998, 7),
    "Ryan": (1992, 7), "Jack": (2002, 10), "Callum": (2000, 6), "Harry": (2008, 10),
    "Charlie": (2011, 8), "Oliver": (2012, 8), "Alfie": (2011, 6), "Noah": (2016, 5),
    "George": (2016, 12), "Leo": (2018, 5), "Freddie": (2014, 6), "Archie": (2014, 6),
    "Muhammad": (2015, 8), "Oscar": (2014, 6), "Theo": (2018, 5), "Arthur": (2019, 4),
    "Mohammed": (2002, 15), "Omar": (2008, 10), "Yusuf": (2012, 8), "Jakub": (2012, 6),
    "Arjun": (2005, 10), "Ibrahim": (2010, 10), "Kacper": (2012, 5), "Henry": (2015, 12),
    "Guy": (1965, 8), "Bernard": (1930, 9), "Cyril": (1915, 8), "Francis": (1930, 10),
    "Clifford": (1935, 8), "Leslie": (1935, 9), "Maurice": (1935, 9), "Trevor": (1950, 7),
    "Barry": (1955, 7), "Clive": (1955, 7), "Colin": (1955, 8), "Malcolm": (1955, 8),
    "Nigel": (1962, 6), "Neil": (1966, 7), "Ian": (1962, 8), "Kevin": (1965, 7),
    "Philip": (1960, 9), "Graham": (1960, 8), "Martin": (1963, 9), "Simon": (1967, 7),
    "Jason": (1975, 6), "Dean": (1975, 7), "Carl": (1975, 7), "Jonathan": (1978, 8),
    "Adam": (1985, 8), "Luke": (1990, 8), "Jordan": (1995, 6), "Kieran": (1994, 6),
    "Connor": (1997, 6), "Liam": (1995, 7), "Dylan": (2005, 7), "Jake": (1998, 6),
    "Lewis": (1995, 7), "Kyle": (1993, 5), "Reece": (1995, 5), "Bradley": (1990, 6),
    "Cameron": (1995, 7), "Max": (2008, 7), "Toby": (2005, 8), "Jacob": (2008, 8),
    "Samuel": (2000, 10), "Benjamin": (2005, 10), "Alexander": (2008, 12),
    "William": (1960, 45), "Edward": (1935, 25), "Joseph": (1970, 45), "Raymond": (1938, 8),
    "Terence": (1945, 7), "Derek": (1945, 8), "Gordon": (1940, 9), "Donald": (1935, 9),
    "Douglas": (1935, 9), "Victor": (1930, 9), "Howard": (1950, 8), "Roger": (1948, 8),
    "Geoffrey": (1945, 8), "Robin": (1955, 8), "Robert": (1950, 20), "Richard": (1962, 12),
    "Anthony": (1962, 12), "Nicholas": (1975, 10), "Timothy": (1968, 8), "Scott": (1985, 9),
}
MINORITY_GIVEN = {"Aisha", "Fatima", "Maryam", "Zainab", "Priya", "Oliwia", "Omar", "Yusuf",
                  "Jakub", "Arjun", "Ibrahim", "Kacper", "Abdul"}
# extra given names not in Faker's lists (added to the pools)
EXTRA_FEMALE = ["Doris", "Ivy", "Willow", "Isla", "Ava", "Lily", "Mia", "Freya", "Poppy", "Ella",
                "Evie", "Sophia", "Isabella", "Aisha", "Fatima", "Maryam", "Zainab", "Priya",
                "Oliwia", "Peggy", "Gwendolyn", "Marjorie", "Matilda", "Florence", "Isabel",
                "Isobel", "Isabelle", "Louisa", "Theresa", "Elsie", "Edith", "Violet"]
EXTRA_MALE = ["Ernest", "Harold", "Noah", "Leo", "Freddie", "Archie", "Muhammad", "Oscar", "Theo",
              "Omar", "Yusuf", "Jakub", "Arjun", "Ibrahim", "Kacper", "Alfred", "Archibald",
              "Sidney", "Edmund", "Theodore", "Zachary", "Reginald", "Walter", "Cyril"]

# Nickname table: formal name -> informal forms that appear in records.
NICKNAMES = {
    "William": ["Bill", "Will", "Billy", "Liam"], "Margaret": ["Peggy", "Maggie", "Meg", "Margo"],
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"], "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie"],
    "Richard": ["Dick", "Rich", "Richie"], "James": ["Jim", "Jimmy", "Jamie"],
    "John": ["Jack", "Johnny"], "Edward": ["Ed", "Eddie", "Ted", "Ned"],
    "Thomas": ["Tom", "Tommy"], "Michael": ["Mike", "Mick", "Mickey"],
    "Christopher": ["Chris", "Kit"], "Anthony": ["Tony", "Ant"], "Antony": ["Tony"],
    "Joseph": ["Joe", "Joey"], "Daniel": ["Dan", "Danny"], "David": ["Dave", "Davy"],
    "Andrew": ["Andy", "Drew"], "Stephen": ["Steve"], "Steven": ["Steve"], "Matthew": ["Matt"],
    "Mathew": ["Matt"], "Nicholas": ["Nick", "Nicky"], "Alexander": ["Alex", "Sandy"],
    "Benjamin": ["Ben", "Benny"], "Samuel": ["Sam", "Sammy"], "Jonathan": ["Jon", "Jonny"],
    "Timothy": ["Tim"], "Peter": ["Pete"], "Patrick": ["Pat", "Paddy"],
    "Charles": ["Charlie", "Chas"], "Henry": ["Harry", "Hal"], "Frederick": ["Fred", "Freddie"],
    "Albert": ["Bert", "Al"], "Kenneth": ["Ken", "Kenny"], "Ronald": ["Ron", "Ronnie"],
    "Donald": ["Don"], "Leonard": ["Len", "Lenny"], "Gerald": ["Gerry"],
    "Lawrence": ["Larry", "Laurie"], "Philip": ["Phil"], "Phillip": ["Phil"],
    "Gregory": ["Greg"], "Douglas": ["Doug"], "Raymond": ["Ray"], "Terence": ["Terry"],
    "Jacob": ["Jake"], "Joshua": ["Josh"], "Nathan": ["Nate"], "Oliver": ["Ollie"],
    "Zachary": ["Zach"], "Theodore": ["Theo", "Ted"], "Alfred": ["Alf", "Alfie"],
    "Stanley": ["Stan"], "Sidney": ["Sid"], "Bernard": ["Bernie"], "Francis": ["Frank"],
    "Archibald": ["Archie"], "Dominic": ["Dom"], "Mohammed": ["Mo"], "Muhammad": ["Mo"],
    "Reginald": ["Reg"], "Walter": ["Wally"], "Edmund": ["Ed", "Ted"], "Ernest": ["Ernie"],
    "Harold": ["Harry"], "Cameron": ["Cam"], "Callum": ["Cal"],
    "Jennifer": ["Jenny", "Jen"], "Katherine": ["Kate", "Kathy", "Katie"],
    "Catherine": ["Cathy", "Kate", "Cath"], "Kathryn": ["Kate", "Kathy"],
    "Kathleen": ["Kath", "Kathy"], "Rebecca": ["Becky", "Becca"], "Susan": ["Sue", "Susie"],
    "Deborah": ["Debbie", "Deb"], "Debra": ["Debbie"], "Patricia": ["Pat", "Patty", "Trish"],
    "Victoria": ["Vicky", "Tori"], "Samantha": ["Sam", "Sammy"],
    "Alexandra": ["Alex", "Lexi", "Sandra"], "Jessica": ["Jess", "Jessie"],
    "Abigail": ["Abby", "Abbie"], "Charlotte": ["Charlie", "Lottie"],
    "Eleanor": ["Ellie", "Nell"], "Helen": ["Nell"], "Dorothy": ["Dot", "Dolly", "Dottie"],
    "Mary": ["Molly", "Polly", "May"], "Sarah": ["Sally"], "Ann": ["Annie"], "Anne": ["Annie"],
    "Christine": ["Chris", "Chrissie"], "Josephine": ["Jo", "Josie"], "Joanne": ["Jo"],
    "Joanna": ["Jo"], "Kimberley": ["Kim"], "Natalie": ["Nat"], "Nicola": ["Nicky"],
    "Pamela": ["Pam"], "Sandra": ["Sandy"], "Barbara": ["Babs", "Barb"], "Frances": ["Fran"],
    "Louise": ["Lou"], "Amanda": ["Mandy"], "Judith": ["Judy"], "Gillian": ["Gill", "Jill"],
    "Jacqueline": ["Jackie"], "Caroline": ["Carol", "Caz"], "Isabella": ["Bella", "Izzy"],
    "Isabel": ["Izzy"], "Olivia": ["Liv"], "Emily": ["Em"], "Matilda": ["Tilly"],
    "Florence": ["Flo"], "Harriet": ["Hattie"], "Valerie": ["Val"], "Beverley": ["Bev"],
    "Gwendolyn": ["Gwen"], "Marjorie": ["Madge"], "Stephanie": ["Steph"],
    "Vanessa": ["Nessa"], "Theresa": ["Tess"], "Teresa": ["Tess"], "Geraldine": ["Gerry"],
    "Georgina": ["Georgie", "Gina"], "Francesca": ["Fran", "Frankie"], "Rosemary": ["Rose"],
}

# Spelling-variant groups (phonetic misspellings of whole names, both directions).
VARIANT_GROUPS = [
    ["Stephen", "Steven"], ["Catherine", "Katherine", "Kathryn", "Catharine"], ["Jon", "John"],
    ["Philip", "Phillip"], ["Ann", "Anne"], ["Sara", "Sarah"], ["Clare", "Claire"],
    ["Geoffrey", "Jeffrey"], ["Thompson", "Thomson"], ["Smith", "Smyth"],
    ["Reid", "Reed", "Read"], ["Gray", "Grey"], ["Davis", "Davies"], ["Phillips", "Philips"],
    ["Matthews", "Mathews"], ["McDonald", "MacDonald"], ["Mackenzie", "McKenzie"],
    ["Zoe", "Zoey"], ["Sean", "Shaun", "Shawn"], ["Aaron", "Aron"],
    ["Mohammed", "Muhammad", "Mohammad", "Mohamed"], ["Isabel", "Isabelle", "Isobel"],
    ["Elliot", "Elliott"], ["Rebecca", "Rebekah"], ["Hayley", "Haley", "Hailey"],
    ["Lindsey", "Lindsay"], ["Leigh", "Lee"], ["Carly", "Carley"], ["Nicola", "Nichola"],
    ["Ashleigh", "Ashley"], ["Brown", "Browne"], ["Clark", "Clarke"], ["Cook", "Cooke"],
    ["Harris", "Harries"], ["Allen", "Allan", "Alan"], ["Neil", "Neal"], ["Stuart", "Stewart"],
    ["Macintosh", "McIntosh", "Mackintosh"], ["Nicholson", "Nicolson"],
    ["Jeffries", "Jefferies", "Jeffreys"], ["Tracey", "Tracy"], ["Rachael", "Rachel"],
    ["Lynn", "Lynne"], ["Carol", "Carole"], ["Marc", "Mark"], ["Karl", "Carl"],
    ["Glen", "Glenn"], ["Jayne", "Jane"], ["Katy", "Katie"], ["Martyn", "Martin"],
    ["Matthew", "Mathew"], ["Conor", "Connor"], ["Damian", "Damien"], ["Gary", "Garry"],
]
VARIANTS: dict[str, list[str]] = {}
for _g in VARIANT_GROUPS:
    for _n in _g:
        VARIANTS.setdefault(_n, [])
        VARIANTS[_n] += [m for m in _g if m != _n and m not in VARIANTS[_n]]

# Sound-alike spelling rules (regex, replacement); one applicable rule is applied once.
PHONETIC_RULES = [(re.compile(p, re.I), r) for p, r in [
    (r"ph", "f"), (r"ck", "k"), (r"c(?=[aou])", "k"), (r"ie$", "y"), (r"y$", "ie"),
    (r"ey$", "y"), (r"ei", "ie"), (r"ie(?!$)", "ei"), (r"ou", "ow"), (r"ae", "a"),
    (r"son$", "sen"), (r"sen$", "son"), (r"th", "t"), (r"^mac", "Mc"), (r"^mc", "Mac"),
    (r"ll", "l"), (r"tt", "t"), (r"nn", "n"), (r"ss", "s"), (r"rr", "r"),
    (r"(?<=[aeiou])([lnrt])(?=[aeiou])", r"\1\1"), (r"(?<=\w)i(?=\w)", "y"),
    (r"(?<=\w)y(?=\w)", "i"), (r"ee", "ea"), (r"ea", "ee"), (r"er$", "ar"), (r"an$", "en"),
    (r"en$", "an"), (r"ine$", "yn"), (r"z", "s"), (r"s(?=[aeiou])", "z"), (r"ch", "sh"),
    (r"wh", "w"), (r"(?<=[aeiou])ugh", "w"), (r"ks", "x"), (r"x", "ks"),
]]

# QWERTY neighbours (typos): same row left/right and the touching keys of the rows above/below.
_KB_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
KEY_NEIGHBOURS: dict[str, str] = {}
for _ri, _row in enumerate(_KB_ROWS):
    for _ci, _ch in enumerate(_row):
        _nb = [_row[j] for j in (_ci - 1, _ci + 1) if 0 <= j < len(_row)]
        if _ri > 0:   # row above is shifted half a key left: columns c and c+1 touch
            _nb += [_KB_ROWS[_ri - 1][j] for j in (_ci, _ci + 1) if j < len(_KB_ROWS[_ri - 1])]
        if _ri < 2:   # row below: columns c-1 and c touch
            _nb += [_KB_ROWS[_ri + 1][j] for j in (_ci - 1, _ci) if 0 <= j < len(_KB_ROWS[_ri + 1])]
        KEY_NEIGHBOURS[_ch] = "".join(dict.fromkeys(_nb))

# OCR-like confusions (from -> to).
OCR_PAIRS = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("l", "1"), ("I", "l"),
             ("l", "I"), ("O", "0"), ("o", "0"), ("e", "c"), ("c", "e"), ("h", "b"), ("b", "h"),
             ("u", "v"), ("v", "u"), ("w", "vv"), ("S", "5"), ("s", "5"), ("B", "8"),
             ("g", "q"), ("i", "l"), ("n", "h"), ("a", "o"), ("t", "f"), ("E", "F"),
             ("li", "h"), ("G", "C"), ("Z", "2")]
PC_OCR = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
          "2": "Z", "Z": "2", "6": "G", "G": "6", "D": "0", "Q": "O"}

# ----------------------------------------------------------------------------------------------
# Places.  Real UK postcode areas with a post town and a number of districts; weights are rough
# relative population sizes (this file's own choice).
# ----------------------------------------------------------------------------------------------
TOWNS = [  # (area, post town, number of districts, weight)
    ("B", "Birmingham", 40, 8), ("M", "Manchester", 40, 6), ("LS", "Leeds", 29, 5),
    ("L", "Liverpool", 38, 5), ("S", "Sheffield", 36, 5), ("BS", "Bristol", 41, 4),
    ("NE", "Newcastle upon Tyne", 70, 4), ("NG", "Nottingham", 25, 3), ("LE", "Leicester", 19, 3),
    ("CV", "Coventry", 47, 3), ("G", "Glasgow", 84, 5), ("EH", "Edinburgh", 55, 4),
    ("CF", "Cardiff", 24, 3), ("BT", "Belfast", 17, 3), ("PL", "Plymouth", 35, 2),
    ("SO", "Southampton", 53, 2), ("PO", "Portsmouth", 22, 2), ("NR", "Norwich", 35, 2),
    ("YO", "York", 62, 2), ("OX", "Oxford", 49, 2), ("CB", "Cambridge", 25, 2),
    ("EX", "Exeter", 39, 2), ("BN", "Brighton", 45, 2), ("HU", "Hull", 20, 2),
    ("ST", "Stoke-on-Trent", 21, 2), ("DE", "Derby", 75, 2), ("RG", "Reading", 45, 2),
    ("MK", "Milton Keynes", 19, 2), ("BD", "Bradford", 24, 3), ("WV", "Wolverhampton", 16, 2),
    ("SR", "Sunderland", 9, 2), ("PR", "Preston", 26, 2), ("BL", "Bolton", 9, 2),
    ("AB", "Aberdeen", 56, 2), ("DD", "Dundee", 11, 1), ("SA", "Swansea", 73, 2),
    ("IP", "Ipswich", 33, 1), ("CH", "Chester", 66, 2), ("LN", "Lincoln", 13, 1),
    ("GL", "Gloucester", 56, 1), ("SW", "London", 20, 3), ("SE", "London", 28, 4),
    ("N", "London", 22, 3), ("E", "London", 20, 3), ("W", "London", 14, 2),
    ("NW", "London", 11, 2), ("EC", "London", 4, 0.5), ("WC", "London", 2, 0.3),
]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SUBDISTRICT_LETTERS = "ABCDEFGHJKMNPRSTUVWXY"
STREET_WORDS = """High Church Station Victoria Park Mill Manor Queens Kings Albert London Chapel
School North South West New Green Oak Elm Beech Ash Willow Cedar Birch Orchard Meadow Springfield
Highfield Grange Windsor York Cambridge Richmond Marlborough Stanley Alexandra Nelson Wellington
Clarence Princes St John's St Mary's Broad Bridge Water Castle Abbey Priory Moor Valley Brook
Forest Heath Rose Holly Hawthorn Mount Market Sandy Long Cherry Lime Sycamore Poplar Chestnut
Rectory Vicarage Farm Hall Croft Field""".replace("St John's", "St_John's").replace(
    "St Mary's", "St_Mary's").split()
STREET_WORDS = [w.replace("_", " ") for w in STREET_WORDS]
STREET_SUFFIXES = [("Road", 25), ("Street", 18), ("Lane", 10), ("Avenue", 8), ("Close", 9),
                   ("Drive", 7), ("Way", 5), ("Gardens", 4), ("Crescent", 4), ("Court", 3),
                   ("Place", 3), ("Grove", 3), ("Terrace", 3), ("Hill", 1.5), ("Park", 1.5),
                   ("Mews", 1), ("Row", 1), ("Walk", 1), ("Green", 1), ("View", 1), ("Rise", 1),
                   ("Square", 0.5)]
ABBREV = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Avenue": "Ave", "Close": "Cl",
          "Drive": "Dr", "Crescent": "Cres", "Gardens": "Gdns", "Court": "Ct", "Place": "Pl",
          "Grove": "Gr", "Terrace": "Ter", "Square": "Sq"}
HOUSE_NAMES = ["Rose Cottage", "Ivy Cottage", "The Cottage", "The Old Rectory", "Holly House",
               "The Bungalow", "Orchard House", "Fern Lodge", "The Laurels", "Willow Barn",
               "Hillside", "The Stables", "Meadow View", "Oak Lodge"]

# Approximate UK population by 5-year age band (percent), ONS-like shape.
AGE_BANDS = [(0, 5, 5.4), (5, 10, 5.9), (10, 15, 6.0), (15, 20, 5.7), (20, 25, 5.9),
             (25, 30, 6.6), (30, 35, 6.9), (35, 40, 6.7), (40, 45, 6.3), (45, 50, 6.3),
             (50, 55, 6.9), (55, 60, 6.7), (60, 65, 5.8), (65, 70, 5.0), (70, 75, 5.0),
             (75, 80, 3.6), (80, 85, 2.4), (85, 90, 1.5), (90, 101, 0.8)]

# ----------------------------------------------------------------------------------------------
# Rates.  Population rates describe real life; corruption rates are per agency record and are
# multiplied by the agency's error multiplier (capped at 0.9).  All documented in README.md.
# ----------------------------------------------------------------------------------------------
POP_RATES = {
    "household_single": 0.30, "household_couple": 0.30, "household_couple_children": 0.26,
    "household_lone_parent": 0.10, "household_sharers": 0.04,
    "couple_same_sex": 0.05, "couple_married": 0.70, "married_woman_takes_name": 0.85,
    "married_couple_double_barrel": 0.03, "double_barrelled_birth_surname": 0.02,
    "twins": 0.015, "single_woman_name_changed_30_59": 0.30, "single_woman_name_changed_60p": 0.65,
    "middle_name": 0.50, "second_middle_name": 0.10, "household_moved": 0.30,
    "move_within_town": 0.60, "flat": 0.10, "named_house": 0.05,
}
SNAPSHOT_RATES = {  # not scaled by the agency multiplier
    "stale_surname": 0.30,   # record holds the other surname when the person has changed it
    "stale_address": 0.45,   # record holds the previous address when the household moved
    "nickname": 0.10,        # informal first name, when the first name has nicknames
    "duplicate": 0.03,       # a record gets a within-agency duplicate (itself re-corrupted)
    "duplicate_second": 0.15,  # ... of those, a second duplicate
}
ERROR_RATES = {  # per record, before the agency multiplier
    "first_missing": 0.005, "first_typo": 0.030, "first_ocr": 0.006, "first_phonetic": 0.020,
    "first_initial_only": 0.015, "name_swap": 0.012,
    "middle_dropped": 0.20, "middle_initial_only": 0.10, "middle_typo": 0.015,
    "surname_typo": 0.030, "surname_ocr": 0.006, "surname_phonetic": 0.020,
    "double_barrel_one_part": 0.20, "double_barrel_space": 0.15,
    "dob_missing": 0.040, "dob_year_off": 0.010, "dob_day_month_swap": 0.030,
    "dob_digit": 0.010, "dob_day_off": 0.005, "dob_placeholder": 0.002,
    "sex_missing": 0.010, "sex_wrong": 0.004,
    "postcode_missing": 0.030, "postcode_typo": 0.030,
    "address_missing": 0.020, "address_typo": 0.020,
    "whitespace": 0.030, "punctuation": 0.020,
}
TYPO_OPS = [("substitute", 0.35), ("delete", 0.25), ("insert", 0.20), ("transpose", 0.20)]

# Agency layouts.  Each writes names, dates, sex, postcodes and addresses its own way.
LAYOUTS = [
    dict(id="client_ref", id_fmt="CR{:07d}", multiplier=1.0,
         cols=["client_ref", "forename", "middle_names", "surname", "dob", "sex", "address",
               "postcode"],
         date="dmy_slash", sex="MF", missing_sex="", name_case="title", postcode="space",
         address="title_line_town", initial_dot=False),
    dict(id="id", id_fmt="{:d}", id_offset=10 ** 7, multiplier=1.4,
         cols=["id", "full_name", "first_name", "last_name", "date_of_birth", "gender",
               "address", "post_code"],
         date="iso", sex="MaleFemale", missing_sex="", name_case="upper", postcode="nospace",
         address="upper_abbrev_town", initial_dot=False),
    dict(id="person_ref", id_fmt="P-{:06d}", multiplier=0.7,
         cols=["person_ref", "given_names", "family_name", "birth_date", "sex_code",
               "address_line_1", "town", "postcode"],
         date="d_mon_y", sex="12", missing_sex="0", name_case="title", postcode="lower",
         address="title_line", initial_dot=True),
    dict(id="RecordID", id_fmt="{:d}", id_offset=5 * 10 ** 7, multiplier=1.8,
         cols=["RecordID", "FNAME", "MNAME", "LNAME", "DOB", "SEX", "ADDR1", "TOWN", "PCODE"],
         date="ymd_compact", sex="MFU", missing_sex="U", name_case="upper", postcode="space",
         address="upper_line", initial_dot=False),
]
DATE_FORMATS = ["dmy_slash", "iso", "d_mon_y", "ymd_compact"]
SEX_CODES = {"MF": ("M", "F"), "MaleFemale": ("Male", "Female"), "12": ("1", "2"),
             "MFU": ("M", "F")}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MIXED_RATE = 0.15  # --style mixed: share of records written in another (legacy) format


# ----------------------------------------------------------------------------------------------
# Frequency tables
# ----------------------------------------------------------------------------------------------
def build_surname_table(rng: random.Random):
    tail = list(dict.fromkeys(
        [s for s in _FakerPerson.last_names if s not in TOP_SURNAMES]
        + [s for s in EXTRA_SURNAMES if s not in TOP_SURNAMES]))
    synth = [a + b for a in SURNAME_STEMS for b in SURNAME_SUFFIXES]
    synth = [s for s in dict.fromkeys(synth) if s not in TOP_SURNAMES and s not in tail]
    rest = tail + synth
    rng.shuffle(rest)
    names = list(TOP_SURNAMES) + rest
    ranks = np.arange(1, len(names) + 1, dtype=float)
    # Zipf-like with a flatter head and a steeper tail (one pool cannot hold the real
    # long tail): Smith ~1.3 %, top 100 ~ 23 %, see README
    w = np.where(ranks <= 100, ranks ** -0.55, 100.0 ** -0.55 * (ranks / 100.0) ** -0.75)
    return names, w / w.sum()


def build_given_table(pool: list[str], peaks: dict, rng: random.Random):
    names = list(dict.fromkeys(pool))
    known = [n for n in names if n in peaks]
    other = [n for n in names if n not in peaks]
    rng.shuffle(known)
    rng.shuffle(other)
    # known-peak names are popular: interleave them into the upper ranks
    order = []
    ki = oi = 0
    while ki < len(known) or oi < len(other):
        if ki < len(known) and (oi >= len(other) or rng.random() < 0.85):
            order.append(known[ki]); ki += 1
        else:
            order.append(other[oi]); oi += 1
    base = (np.arange(1, len(order) + 1, dtype=float) + 6.0) ** -0.8
    # names of smaller communities: a quarter of the weight their rank would give
    base *= np.array([0.25 if n in MINORITY_GIVEN else 1.0 for n in order])
    peak = np.empty(len(order)); width = np.empty(len(order))
    for i, n in enumerate(order):
        if n in peaks:
            peak[i], width[i] = peaks[n]
        elif rng.random() < 0.15:          # evergreen
            peak[i], width[i] = rng.uniform(1920, 2020), 60.0
        else:
            peak[i], width[i] = rng.uniform(1915, 2022), rng.uniform(8, 25)
    return order, base, peak, width


def cohort_probs(base, peak, width, year, cap=0.045):
    """Given-name probabilities for one birth year: base popularity times a bell curve around
    the name's peak year (plus a floor), no name above `cap` of its cohort."""
    w = base * (0.03 + np.exp(-0.5 * ((year - peak) / np.maximum(width, 7.0)) ** 2))
    p = w / w.sum()
    for _ in range(5):
        p = np.minimum(p, cap)
        p = p / p.sum()
    return p


# ----------------------------------------------------------------------------------------------
# Population
# ----------------------------------------------------------------------------------------------
class Places:
    def __init__(self, n_households: int, rng: random.Random):
        self.rng = rng
        tw = [t[3] for t in TOWNS]
        self.town_idx = list(range(len(TOWNS)))
        self.town_w = tw
        n_streets = max(40, n_households // 14)
        sw = [s[1] for s in STREET_SUFFIXES]
        lastn = list(_FakerPerson.last_names)
        self.streets = []
        for _ in range(n_streets):
            t = rng.choices(self.town_idx, tw)[0]
            area, town, nd, _w = TOWNS[t]
            district = str(min(nd, 1 + int(rng.expovariate(1 / (nd / 2.5)))))
            if area in ("EC", "WC") or (area in ("SW", "W") and district == "1"):
                district += rng.choice(SUBDISTRICT_LETTERS)
            sector = str(rng.randrange(10))
            units = ["".join(rng.choices(UNIT_LETTERS, k=2)) for _ in range(rng.randint(1, 4))]
            word = rng.choice(STREET_WORDS) if rng.random() < 0.7 else rng.choice(lastn)
            suffix = rng.choices(STREET_SUFFIXES, sw)[0][0]
            self.streets.append(dict(town=town, town_i=t, outward=area + district,
                                     sector=sector, units=units, name=f"{word} {suffix}",
                                     used={}))
        self.by_town: dict[int, list[int]] = {}
        for i, s in enumerate(self.streets):
            self.by_town.setdefault(s["town_i"], []).append(i)

    def new_address(self, town_i: int | None = None):
        rng = self.rng
        if town_i is not None and town_i in self.by_town:
            si = rng.choice(self.by_town[town_i])
        else:
            si = rng.randrange(len(self.streets))
        s = self.streets[si]
        for _ in range(20):
            r = rng.random()
            if r < POP_RATES["named_house"]:
                line = f"{rng.choice(HOUSE_NAMES)}, {s['name']}"
            else:
                num = 1 + int(rng.expovariate(1 / 35.0))
                line = f"{num} {s['name']}"
                if r > 1 - POP_RATES["flat"]:
                    line = f"Flat {rng.randint(1, 24)}, {line}"
            if line not in s["used"]:
                break
        s["used"][line] = 1
        unit = rng.choice(s["units"])
        pc = f"{s['outward']} {s['sector']}{unit}"
        return line, s["town"], pc, s["town_i"]


_AGE_CACHE: dict = {}


def _adult_age(rng: random.Random, lo=18, hi=101, boost=None):
    """An age from the population pyramid restricted to [lo, hi), bands re-weighted by boost
    (a list of (from_age, multiplier)) for the household type."""
    key = (lo, hi, tuple(boost or ()))
    if key not in _AGE_CACHE:
        bands = [(a, b, w) for a, b, w in AGE_BANDS if b > lo and a < hi]
        ws = []
        for a, b, w in bands:
            for from_age, mult in (boost or []):
                if a >= from_age:
                    w = w * mult
            ws.append(w)
        _AGE_CACHE[key] = (bands, list(np.cumsum(ws)))
    bands, cum = _AGE_CACHE[key]
    a, b, _ = rng.choices(bands, cum_weights=cum)[0]
    return rng.randint(max(a, lo), min(b, hi) - 1)


AGE_BOOST = {"single": [(55, 1.8), (70, 2.0)], "couple": [(50, 2.5), (80, 0.6)]}


def make_population(n: int, rng: random.Random, nrng: np.random.Generator, tables,
                    id_prefix="P") -> pd.DataFrame:
    sur_names, sur_p = tables["surnames"]
    sur_cdf = np.cumsum(sur_p)
    pr = POP_RATES

    def draw_surname():
        s = sur_names[min(int(np.searchsorted(sur_cdf, rng.random())), len(sur_names) - 1)]
        if rng.random() < pr["double_barrelled_birth_surname"]:
            s2 = sur_names[min(int(np.searchsorted(sur_cdf, rng.random())), len(sur_names) - 1)]
            if s2 != s:
                s = f"{s}-{s2}"
        return s

    places = Places(int(n / 2.3) + 10, rng)
    people = []  # dicts: sex, age, surname, birth_surname, hh
    htypes = ["single", "couple", "couple_children", "lone_parent", "sharers"]
    hw = [pr["household_" + h] for h in htypes]
    hh = 0
    while len(people) < n:
        ht = rng.choices(htypes, hw)[0]
        members = []
        if ht == "single":
            age = _adult_age(rng, 18, 101, AGE_BOOST["single"])
            sex = rng.choice("MF") if age < 70 else ("F" if rng.random() < 0.65 else "M")
            s = draw_surname()
            birth = s
            if sex == "F":
                p = (pr["single_woman_name_changed_60p"] if age >= 60 else
                     pr["single_woman_name_changed_30_59"] if age >= 30 else 0.0)
                if rng.random() < p:
                    birth = draw_surname()
            members.append((sex, age, s, birth))
        elif ht in ("couple", "couple_children"):
            a1 = (_adult_age(rng, 26, 60) if ht == "couple_children"
                  else _adult_age(rng, 20, 101, AGE_BOOST["couple"]))
            a2 = max(18, int(round(a1 + rng.gauss(-2, 4))))
            same = rng.random() < pr["couple_same_sex"]
            s1 = draw_surname()
            s2 = draw_surname()
            if same:
                sx = rng.choice("MF")
                members += [(sx, a1, s1, s1), (sx, a2, s2, s2)]
                kid_surname = [s1]; mother_age = a1 if sx == "F" else a2
            else:
                married = rng.random() < pr["couple_married"]
                cur2 = s2
                if married and rng.random() < pr["married_couple_double_barrel"]:
                    s1 = cur2 = f"{s1}-{s2}"
                    members += [("M", a1, s1, s1.split("-")[0])]
                elif married and rng.random() < pr["married_woman_takes_name"]:
                    cur2 = s1
                    members += [("M", a1, s1, s1)]
                else:
                    members += [("M", a1, s1, s1)]
                members.append(("F", a2, cur2, s2))
                kid_surname = [s1] if married else [s1, s1, cur2]
                mother_age = a2
            if ht == "couple_children":
                members += _children(rng, mother_age, kid_surname)
        elif ht == "lone_parent":
            sex = "F" if rng.random() < 0.85 else "M"
            age = _adult_age(rng, 19, 58)
            s = draw_surname()
            birth = s
            if sex == "F" and age >= 25 and rng.random() < 0.4:
                birth = draw_surname()
            members.append((sex, age, s, birth))
            members += _children(rng, age, [s] if rng.random() < 0.8 else [draw_surname()],
                                 force=True)
        else:  # sharers: 2-4 unrelated adults
            for _ in range(rng.randint(2, 3)):
                s = draw_surname()
                members.append((rng.choice("MF"), _adult_age(rng, 18, 45), s, s))
        line, town, pc, ti = places.new_address()
        prev = ("", "", "")
        if rng.random() < pr["household_moved"]:
            pl, pt, ppc, _ = places.new_address(ti if rng.random() < pr["move_within_town"]
                                                else None)
            prev = (pl, pt, ppc)
        for (sex, age, s, birth) in members:
            people.append((sex, age, s, birth, hh, line, town, pc) + prev)
        hh += 1
    people = people[:n]
    df = pd.DataFrame(people, columns=["sex", "age", "last_name", "birth_surname", "household_id",
                                      "address", "town", "postcode", "prev_address", "prev_town",
                                      "prev_postcode"])
    # dates of birth: age in whole years, uniform within the year; twins share a date
    frac = nrng.random(len(df))
    dob_ord = REF_ORD - np.floor((df["age"].to_numpy() + frac) * 365.2425).astype(int)
    # twins: the second of an adjacent pair of same-household children copies the first's date
    hh_arr = df["household_id"].to_numpy(); age_arr = df["age"].to_numpy()
    is_twin = nrng.random(len(df)) < pr["twins"]
    for i in np.nonzero(is_twin)[0]:
        if i > 0 and hh_arr[i] == hh_arr[i - 1] and age_arr[i] < 18 and age_arr[i - 1] < 18:
            dob_ord[i] = dob_ord[i - 1]
    df["dob_ord"] = dob_ord
    df["yob"] = [date.fromordinal(int(o)).year for o in dob_ord]
    # given names by sex and 5-year birth cohort
    first = np.empty(len(df), dtype=object)
    middle = np.empty(len(df), dtype=object)
    has_mid = nrng.random(len(df)) < pr["middle_name"]
    two_mid = nrng.random(len(df)) < pr["second_middle_name"]
    for sex, key in (("M", "male"), ("F", "female")):
        order, base, peak, width = tables[key]
        arr = np.array(order, dtype=object)
        sm = (df["sex"] == sex).to_numpy()
        cohort = (df["yob"].to_numpy() // 5) * 5
        for c in np.unique(cohort[sm]):
            idx = np.nonzero(sm & (cohort == c))[0]
            p = cohort_probs(base, peak, width, c + 2.5)
            f = nrng.choice(len(arr), size=len(idx), p=p)
            m1 = nrng.choice(len(arr), size=len(idx), p=p)
            m2 = nrng.choice(len(arr), size=len(idx), p=p)
            clash = m1 == f
            m1[clash] = nrng.choice(len(arr), size=int(clash.sum()), p=p)
            first[idx] = arr[f]
            mids = []
            for j, i in enumerate(idx):
                if not has_mid[i] or arr[m1[j]] == arr[f[j]]:
                    mids.append("")
                elif two_mid[i] and m2[j] not in (m1[j], f[j]):
                    mids.append(f"{arr[m1[j]]} {arr[m2[j]]}")
                else:
                    mids.append(arr[m1[j]])
            middle[idx] = mids
    df["first_name"] = first
    df["middle_names"] = middle
    df["date_of_birth"] = [date.fromordinal(int(o)).isoformat() for o in dob_ord]
    df.insert(0, "person_id", [f"{id_prefix}{i:07d}" for i in range(len(df))])
    df["household_id"] = [f"{id_prefix}H{h:06d}" for h in df["household_id"]]
    return df[["person_id", "household_id", "first_name", "middle_names", "last_name",
               "birth_surname", "sex", "date_of_birth", "address", "town", "postcode",
               "prev_address", "prev_town", "prev_postcode"]]


def _children(rng: random.Random, mother_age: int, surnames: list[str], force=False):
    k = rng.choices([1, 2, 3, 4], [0.42, 0.40, 0.13, 0.05])[0]
    out = []
    for _ in range(k):
        for _try in range(6):
            mab = int(round(rng.gauss(30, 5.5)))
            age = mother_age - max(17, min(46, mab))
            if 0 <= age <= 21:
                sn = rng.choice(surnames)
                out.append((rng.choice("MF"), age, sn, sn))
                break
    if force and not out:
        out.append((rng.choice("MF"), rng.randint(0, max(0, min(17, mother_age - 18))),
                    surnames[0], surnames[0]))
    return out


# ----------------------------------------------------------------------------------------------
# Corruption primitives
# ----------------------------------------------------------------------------------------------
def _pos(rng: random.Random, n: int) -> int:
    # errors are rarer at the first character
    if n <= 1:
        return 0
    return 0 if rng.random() < 0.3 / n else rng.randrange(1, n)


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 2:
        return s
    op = rng.choices([o for o, _ in TYPO_OPS], [w for _, w in TYPO_OPS])[0]
    i = _pos(rng, len(s))
    c = s[i]
    if op == "substitute" or op == "insert":
        nb = KEY_NEIGHBOURS.get(c.lower())
        if not nb:
            return s[:i] + s[i + 1:] if op == "substitute" and c.isalpha() else s
        r = rng.choice(nb)
        if op == "substitute":
            return s[:i] + (r.upper() if c.isupper() else r) + s[i + 1:]
        # insertion: a neighbouring key struck together with the intended one, after it
        return s[:i + 1] + (r.upper() if s.isupper() else r) + s[i + 1:]
    if op == "delete":
        return s[:i] + s[i + 1:]
    j = i if i < len(s) - 1 else i - 1
    t = s[:j] + s[j + 1] + s[j] + s[j + 2:]
    if j == 0:
        t = t[0].upper() + t[1].lower() + t[2:] if s[:2].istitle() else t
    return t


def ocr(s: str, rng: random.Random) -> str:
    opts = [(a, b) for a, b in OCR_PAIRS if a in s]
    if not opts:
        return s
    a, b = rng.choice(opts)
    starts = [m.start() for m in re.finditer(re.escape(a), s)]
    i = rng.choice(starts)
    return s[:i] + b + s[i + len(a):]


def phonetic(s: str, rng: random.Random) -> str:
    if s in VARIANTS and rng.random() < 0.7:
        return rng.choice(VARIANTS[s])
    opts = [(p, r) for p, r in PHONETIC_RULES if p.search(s)]
    if not opts:
        return s
    p, r = rng.choice(opts)
    ms = list(p.finditer(s))
    m = rng.choice(ms)
    rep = m.expand(r)
    if m.group(0)[:1].isupper() and rep:
        rep = rep[0].upper() + rep[1:]
    elif rep and m.start() > 0:
        rep = rep.lower() if m.group(0).islower() else rep
    t = s[:m.start()] + rep + s[m.end():]
    return t[:1].upper() + t[1:] if t else t


def punctuate(s: str, rng: random.Random) -> str:
    if not s:
        return s
    if "'" in s and rng.random() < 0.7:
        return s.replace("'", rng.choice(["", " ", "`"]))
    if "-" in s and rng.random() < 0.7:
        return s.replace("-", rng.choice(["", " ", " - "]))
    r = rng.random()
    if r < 0.35:
        return s + "."
    if r < 0.55:
        return s + ","
    if r < 0.75:
        i = rng.randrange(1, len(s)) if len(s) > 1 else 1
        return s[:i] + rng.choice(["'", "-", "."]) + s[i:]
    return "(" + s + ")" if r < 0.85 else s + " -"


def whitespace(s: str, rng: random.Random) -> str:
    if not s:
        return s
    r = rng.random()
    if r < 0.35:
        return " " + s
    if r < 0.7:
        return s + rng.choice([" ", "  "])
    if " " in s:
        return s.replace(" ", "  ", 1)
    i = rng.randrange(1, len(s)) if len(s) > 1 else 1
    return s[:i] + " " + s[i:]


def postcode_typo(pc: str, rng: random.Random) -> str:
    chars = list(pc)
    idx = [i for i, c in enumerate(chars) if c != " "]
    r = rng.random()
    if r < 0.40:
        cand = [i for i in idx if chars[i] in PC_OCR]
        if cand:
            i = rng.choice(cand)
            chars[i] = PC_OCR[chars[i]]
            return "".join(chars)
    if r < 0.75:
        i = rng.choice(idx)
        c = chars[i]
        chars[i] = (rng.choice([d for d in "0123456789" if d != c]) if c.isdigit()
                    else rng.choice([L for L in "ABCDEFGHJKLMNPRSTUWXYZ" if L != c]))
        return "".join(chars)
    if r < 0.90 and len(idx) >= 2:
        k = rng.randrange(len(idx) - 1)
        i, j = idx[k], idx[k + 1]
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    i = rng.choice(idx)
    return "".join(chars[:i] + chars[i + 1:])


def _valid(y, m, d):
    try:
        return date(y, m, d)
    except ValueError:
        return None


def wrong_dob(d: date, kind: str, rng: random.Random) -> date:
    if kind == "year":
        return _valid(d.year + rng.choice([-1, 1]), d.month, d.day) or d
    if kind == "swap":
        return _valid(d.year, d.day, d.month) or d
    if kind == "day":
        return date.fromordinal(d.toordinal() + rng.choice([-1, 1]))
    # one digit of dd/mm/yyyy wrong (century digits left alone)
    for _ in range(10):
        s = f"{d.day:02d}{d.month:02d}{d.year:04d}"
        i = rng.choice([0, 1, 2, 3, 6, 7])
        s2 = s[:i] + rng.choice([c for c in "0123456789" if c != s[i]]) + s[i + 1:]
        nd = _valid(int(s2[4:]), int(s2[2:4]), int(s2[:2]))
        if nd and nd.toordinal() <= REF_ORD:
            return nd
    return d


# ----------------------------------------------------------------------------------------------
# Agency records
# ----------------------------------------------------------------------------------------------
def agency_error_rates(mult: float) -> dict:
    return {k: min(0.9, v * mult) for k, v in ERROR_RATES.items()}


def corrupt(p: dict, E: dict, rng: random.Random) -> dict:
    """One agency record of person p (canonical values after the snapshot and the errors);
    E = agency_error_rates(agency multiplier)."""
    S = SNAPSHOT_RATES
    rnd = rng.random
    first, middle, last = p["first_name"], p["middle_names"], p["last_name"]
    if p["birth_surname"] != last and rnd() < S["stale_surname"]:
        last = p["birth_surname"]
    addr, town, pc = p["address"], p["town"], p["postcode"]
    if p["prev_address"] and rnd() < S["stale_address"]:
        addr, town, pc = p["prev_address"], p["prev_town"], p["prev_postcode"]
    applied = []
    if first in NICKNAMES and rnd() < S["nickname"]:
        first = rng.choice(NICKNAMES[first]); applied.append("nickname")
    # names
    if rnd() < E["first_phonetic"]:
        first = phonetic(first, rng); applied.append("first_phonetic")
    if rnd() < E["first_typo"]:
        first = typo(first, rng); applied.append("first_typo")
    if rnd() < E["first_ocr"]:
        first = ocr(first, rng); applied.append("first_ocr")
    if "-" in last:
        if rnd() < E["double_barrel_one_part"]:
            last = rng.choice(last.split("-")); applied.append("double_barrel_one_part")
        elif rnd() < E["double_barrel_space"]:
            last = last.replace("-", " "); applied.append("double_barrel_space")
    if rnd() < E["surname_phonetic"]:
        last = phonetic(last, rng); applied.append("surname_phonetic")
    if rnd() < E["surname_typo"]:
        last = typo(last, rng); applied.append("surname_typo")
    if rnd() < E["surname_ocr"]:
        last = ocr(last, rng); applied.append("surname_ocr")
    if middle:
        if rnd() < E["middle_dropped"]:
            middle = ""; applied.append("middle_dropped")
        elif rnd() < E["middle_initial_only"]:
            middle = " ".join(m[0] for m in middle.split()); applied.append("middle_initial")
        elif rnd() < E["middle_typo"]:
            middle = typo(middle, rng); applied.append("middle_typo")
    initial = False
    if rnd() < E["first_initial_only"]:
        first = first[:1]; initial = True; applied.append("first_initial_only")
    if rnd() < E["first_missing"]:
        first = ""; applied.append("first_missing")
    if rnd() < E["name_swap"]:
        first, last = last, first; applied.append("name_swap")
    # date of birth
    dob = date.fromisoformat(p["date_of_birth"])
    if rnd() < E["dob_missing"]:
        dob = None; applied.append("dob_missing")
    else:
        r = rnd()
        acc = 0.0
        for kind, key in (("year", "dob_year_off"), ("digit", "dob_digit"),
                          ("day", "dob_day_off")):
            acc += E[key]
            if r < acc:
                dob = wrong_dob(dob, kind, rng); applied.append(key); break
        else:
            if dob.day <= 12 and dob.month <= 12 and dob.day != dob.month \
                    and rnd() < E["dob_day_month_swap"]:
                dob = wrong_dob(dob, "swap", rng); applied.append("dob_day_month_swap")
            elif rnd() < E["dob_placeholder"]:
                dob = date(1900, 1, 1); applied.append("dob_placeholder")
    # sex
    sex = p["sex"]
    if rnd() < E["sex_missing"]:
        sex = None; applied.append("sex_missing")
    elif rnd() < E["sex_wrong"]:
        sex = "F" if sex == "M" else "M"; applied.append("sex_wrong")
    # postcode and address
    if rnd() < E["postcode_missing"]:
        pc = None; applied.append("postcode_missing")
    elif rnd() < E["postcode_typo"]:
        pc = postcode_typo(pc, rng); applied.append("postcode_typo")
    if rnd() < E["address_missing"]:
        addr = None; applied.append("address_missing")
    elif rnd() < E["address_typo"]:
        addr = typo(addr, rng); applied.append("address_typo")
    # formatting noise on names
    if rnd() < E["punctuation"]:
        if rnd() < 0.6:
            last = punctuate(last, rng)
        else:
            first = punctuate(first, rng)
        applied.append("punctuation")
    if rnd() < E["whitespace"]:
        which = rng.randrange(3)
        if which == 0:
            first = whitespace(first, rng)
        elif which == 1:
            last = whitespace(last, rng)
        else:
            middle = whitespace(middle, rng) if middle else middle
        applied.append("whitespace")
    return dict(first=first, middle=middle, last=last, dob=dob, sex=sex, addr=addr, town=town,
                pc=pc, initial=initial, errors=applied)


def fmt_date(d: date | None, style: str) -> str:
    if d is None:
        return ""
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    if style == "iso":
        return d.isoformat()
    if style == "d_mon_y":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def fmt_postcode(pc: str | None, style: str) -> str:
    if not pc:
        return ""
    if style == "nospace":
        return pc.replace(" ", "")
    if style == "lower":
        return pc.lower()
    return pc


def fmt_case(s: str, style: str) -> str:
    return s.upper() if style == "upper" else s


def fmt_address(addr, town, style, rng: random.Random):
    if addr is None:
        return ("", town or "")
    if style in ("upper_abbrev_town",) and rng.random() < 0.8:
        parts = addr.rsplit(" ", 1)
        if len(parts) == 2 and parts[1] in ABBREV:
            addr = parts[0] + " " + ABBREV[parts[1]]
    if style.startswith("upper"):
        addr, town = addr.upper(), town.upper()
    return (addr, town)


def format_row(rec: dict, lay: dict, rid: str, mixed: bool, rng: random.Random) -> list:
    date_style, sex_style = lay["date"], lay["sex"]
    name_case, pc_style = lay["name_case"], lay["postcode"]
    if mixed and rng.random() < MIXED_RATE:
        date_style = rng.choice(DATE_FORMATS)
        sex_style = rng.choice(["MF", "MaleFemale"]) if lay["sex"] != "12" else "12"
        name_case = rng.choice(["upper", "title"])
        pc_style = rng.choice(["space", "nospace", "lower"])
    first = rec["first"]
    if rec["initial"] and lay["initial_dot"] and first:
        first = first + "."
    first = fmt_case(first, name_case)
    middle = fmt_case(rec["middle"], name_case)
    last = fmt_case(rec["last"], name_case)
    dob = fmt_date(rec["dob"], date_style)
    codes = SEX_CODES[sex_style]
    sex = lay["missing_sex"] if rec["sex"] is None else codes[0 if rec["sex"] == "M" else 1]
    pc = fmt_postcode(rec["pc"], pc_style)
    addr, town = fmt_address(rec["addr"], rec["town"], lay["address"], rng)
    c = lay["cols"][0]
    if c == "client_ref":
        full_addr = f"{addr}, {town}" if addr else ""
        return [rid, first, middle, last, dob, sex, full_addr, pc]
    if c == "id":
        given = " ".join(x for x in (rec["first"], rec["middle"]) if x.strip())
        if name_case == "upper":
            given = given.upper()
        full = f"{rec['last'].upper()}, {given}" if given.strip() else rec["last"].upper()
        full_addr = f"{addr}, {town}" if addr else ""
        return [rid, full, first, last, dob, sex, full_addr, pc]
    if c == "person_ref":
        given = " ".join(x for x in (first, middle) if x.strip())
        return [rid, given, last, dob, sex, addr, town if addr else "", pc]
    return [rid, first, middle, last, dob, sex, addr, town if addr else "", pc]


def _records(df: pd.DataFrame) -> list[dict]:
    cols = list(df.columns)
    return [dict(zip(cols, row)) for row in zip(*(df[c].tolist() for c in cols))]


def agency_membership(n: int, k: int, nrng: np.random.Generator) -> np.ndarray:
    """Boolean (n, k): about a third of people in every agency, most others in exactly one."""
    u = nrng.random(n)
    mem = np.zeros((n, k), dtype=bool)
    shared = u < 0.35
    mem[shared] = True
    some = (u >= 0.35) & (u < 0.93)
    idx = np.nonzero(some)[0]
    if k == 2:
        mem[idx, nrng.integers(0, 2, size=len(idx))] = True
        return mem
    for i, r in zip(idx, nrng.random(len(idx))):
        if k <= 2 or r < 0.7:
            size = 1
        else:
            size = int(nrng.integers(2, k))
        mem[i, nrng.choice(k, size=size, replace=False)] = True
    return mem


def agency_name(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def generate(n: int, seed: int, out: str, k: int = 2, style: str = "uk") -> dict:
    t0 = time.time()
    ss = np.random.SeedSequence(seed)
    s_tab, s_pop, s_out, s_mem, s_reg = ss.spawn(5)
    trng = random.Random(int(s_tab.generate_state(1)[0]))
    tables = {
        "surnames": build_surname_table(trng),
        "male": build_given_table(list(_FakerPerson.first_names_male) + EXTRA_MALE
                                  + [n_ for n_ in PEAK_MALE], PEAK_MALE, trng),
        "female": build_given_table(list(_FakerPerson.first_names_female) + EXTRA_FEMALE
                                    + [n_ for n_ in PEAK_FEMALE], PEAK_FEMALE, trng),
    }
    prng = random.Random(int(s_pop.generate_state(1)[0]))
    pnrng = np.random.default_rng(s_pop)
    pop = make_population(n, prng, pnrng, tables, "P")
    os.makedirs(out, exist_ok=True)
    pop.to_csv(os.path.join(out, "population.csv"), index=False)

    mnrng = np.random.default_rng(s_mem)
    mem = agency_membership(n, k, mnrng)
    people = _records(pop)
    mixed = style == "mixed"
    truth_records = []
    agency_ids: list[dict] = []   # per agency: person_id -> [record ids]
    counts = {}
    err_counts: dict[str, dict[str, int]] = {}
    for a in range(k):
        name = agency_name(a)
        lay = dict(LAYOUTS[a % len(LAYOUTS)])
        arng = random.Random(int(np.random.SeedSequence([seed, 1000 + a]).generate_state(1)[0]))
        anrng = np.random.default_rng(np.random.SeedSequence([seed, 2000 + a]))
        members = np.nonzero(mem[:, a])[0].tolist()
        recs_people = []
        for i in members:
            recs_people.append(i)
            if arng.random() < SNAPSHOT_RATES["duplicate"]:
                recs_people.append(i)
                if arng.random() < SNAPSHOT_RATES["duplicate_second"]:
                    recs_people.append(i)
        order = anrng.permutation(len(recs_people))
        ids = anrng.choice(10 ** 6 if "{:06d}" in lay["id_fmt"] else 10 ** 7,
                           size=len(recs_people), replace=False)
        ids = ids + lay.get("id_offset", 0)
        E = agency_error_rates(lay["multiplier"])
        rows = []
        ec: dict[str, int] = {}
        pid_to_ids: dict[str, list[str]] = {}
        for j, o in enumerate(order):
            p = people[recs_people[o]]
            rid = lay["id_fmt"].format(int(ids[j]))
            rec = corrupt(p, E, arng)
            for e in rec["errors"]:
                ec[e] = ec.get(e, 0) + 1
            rows.append(format_row(rec, lay, rid, mixed, arng))
            truth_records.append((name, rid, p["person_id"]))
            pid_to_ids.setdefault(p["person_id"], []).append(rid)
        df = pd.DataFrame(rows, columns=lay["cols"])
        df.to_csv(os.path.join(out, f"agency_{name}.csv"), index=False)
        counts[name] = len(df)
        err_counts[name] = dict(sorted(ec.items()))
        agency_ids.append(pid_to_ids)

    tr = pd.DataFrame(truth_records, columns=["agency", "id", "person_id"])
    tr.to_csv(os.path.join(out, "truth_records.csv"), index=False)
    pairs = []
    for a in range(k):
        for b in range(a + 1, k):
            ia, ib = agency_ids[a], agency_ids[b]
            for pid, ra in ia.items():
                rb = ib.get(pid)
                if rb:
                    for x in ra:
                        for y in rb:
                            pairs.append((agency_name(a), x, agency_name(b), y))
    pairs_df = pd.DataFrame(pairs, columns=["agency_a", "id_a", "agency_b", "id_b"])
    if k == 2:
        pairs_df = pairs_df[["id_a", "id_b"]]
    pairs_df.to_csv(os.path.join(out, "truth.csv"), index=False)

    # public register: 80 % of the population plus outsiders, 2x the mean agency size
    rnr = np.random.default_rng(s_reg)
    rrng = random.Random(int(s_reg.generate_state(2)[1]))
    target = int(round(2 * np.mean(list(counts.values()))))
    inside = rnr.choice(n, size=min(n, int(0.8 * n), target), replace=False)
    n_out = max(0, target - len(inside))
    reg_people = [people[i] for i in sorted(inside.tolist())]
    if n_out:
        outs = make_population(n_out, rrng, rnr, tables, "X")
        reg_people += _records(outs)
    reg_rows, reg_truth = [], []
    perm = rnr.permutation(len(reg_people))
    for row, o in enumerate(perm):
        p = reg_people[o]
        first, mid, last = p["first_name"], p["middle_names"], p["last_name"]
        if rrng.random() < 0.01:
            first = typo(first, rrng)
        if rrng.random() < 0.01:
            last = typo(last, rrng)
        if mid and rrng.random() < 0.10:
            mid = ""
        dob = p["date_of_birth"] if rrng.random() >= 0.01 else ""
        pc = p["postcode"] if rrng.random() >= 0.01 else ""
        reg_rows.append((first, mid, last, dob, p["sex"], pc))
        reg_truth.append((row, p["person_id"]))
    pd.DataFrame(reg_rows, columns=["first_name", "middle_name", "last_name", "date_of_birth",
                                    "sex", "postcode"]).to_csv(
        os.path.join(out, "register.csv"), index=False)
    pd.DataFrame(reg_truth, columns=["row", "person_id"]).to_csv(
        os.path.join(out, "register_truth.csv"), index=False)

    import faker
    manifest = {
        "generator": GENERATOR_VERSION, "people": n, "seed": seed, "agencies": k,
        "style": style, "reference_date": REF_DATE.isoformat(),
        "faker_version": faker.VERSION, "numpy_version": np.__version__,
        "records": counts, "truth_pairs": len(pairs_df), "register_rows": len(reg_rows),
        "register_outsiders": n_out,
        "agency_layouts": {agency_name(a): {kk: v for kk, v in LAYOUTS[a % len(LAYOUTS)].items()}
                           for a in range(k)},
        "population_rates": POP_RATES, "snapshot_rates": SNAPSHOT_RATES,
        "error_rates_base": ERROR_RATES, "mixed_style_rate": MIXED_RATE if mixed else 0.0,
        "errors_applied": err_counts,
        "notice": "held-out data: never tune linkage parameters against this generator",
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=False)
    manifest["seconds"] = round(time.time() - t0, 2)   # printed, not written (determinism)
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--agencies", type=int, default=2)
    ap.add_argument("--style", choices=["uk", "mixed"], default="uk")
    args = ap.parse_args(argv)
    if args.people < 50:
        ap.error("--people must be at least 50")
    if args.agencies < 2:
        ap.error("--agencies must be at least 2")
    if args.seed < 0:
        ap.error("--seed must be non-negative")
    m = generate(args.people, args.seed, args.out, args.agencies, args.style)
    print(json.dumps({k: m[k] for k in ("people", "seed", "agencies", "style", "records",
                                        "truth_pairs", "register_rows", "seconds")}))


if __name__ == "__main__":
    main()
