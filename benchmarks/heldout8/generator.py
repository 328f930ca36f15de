#!/usr/bin/env python3
"""Held-out test-data generator "ho8": a West Yorkshire housing register against a
council revenues & benefits (housing benefit / council tax support) system.

    python generator.py DIR --people N --seed S

Writes DIR/agency_a.csv (housing register), DIR/agency_b.csv (benefits), DIR/truth.csv
(id_a,id_b: every cross-agency pair of records of one person, duplicates included),
DIR/stats.json (realised rates) and DIR/README.md (the model).

Independent of linkcore: uses numpy, pandas and Faker's static name lists only (no Faker
randomness); every random draw comes from one numpy Generator seeded with S, so one seed
gives byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import os
import unicodedata
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pandas as pd

from faker.providers.person.en_GB import Provider as GB
from faker.providers.person.en_IE import Provider as IE
from faker.providers.person.pl_PL import Provider as PL
from faker.providers.person.ro_RO import Provider as RO
from faker.providers.person.sk_SK import Provider as SK
from faker.providers.person.yo_NG import Provider as NG
from faker.providers.person.en_IN import Provider as IN

REF_DATE = date(2025, 3, 31)  # extract date of the later agency

# ----------------------------------------------------------------------------------------
# Name frequency model (hand-made rank lists; weights 1/(rank+2)^s, s per list)
# ----------------------------------------------------------------------------------------

def zipf(n, s=1.0, k=2.0):
    w = 1.0 / (np.arange(n) + k) ** s
    return w / w.sum()


def with_tail(head, head_s, head_share, tail, tail_s=0.5):
    """head: rank-ordered hand list; tail: long list (order as given, flattened weights)."""
    head = list(dict.fromkeys(head))
    tail = [t for t in dict.fromkeys(tail) if t not in set(head)]
    hw = zipf(len(head), head_s) * head_share
    tw = zipf(len(tail), tail_s, k=10) * (1 - head_share) if tail else np.zeros(0)
    names = head + tail
    w = np.concatenate([hw, tw])
    return names, w / w.sum()


# White British first names by birth cohort
WB_M = {
    "old": ["John", "David", "Peter", "Michael", "Brian", "Alan", "Robert", "William", "Kenneth",
            "Keith", "Barry", "Derek", "Geoffrey", "Trevor", "Terence", "Roy", "Colin", "Dennis",
            "Malcolm", "Raymond", "Anthony", "James", "Ronald", "Stanley", "Harold", "Frank",
            "Eric", "Gordon", "Graham", "Norman", "Leslie", "Roger", "Clifford", "Bernard"],
    "mid": ["David", "Paul", "Mark", "Andrew", "Michael", "Stephen", "Richard", "Christopher",
            "Darren", "Lee", "Simon", "Jason", "Ian", "Gary", "Matthew", "Daniel", "Craig",
            "Wayne", "Neil", "Martin", "Steven", "Scott", "Dean", "Jonathan", "Carl", "Anthony",
            "Robert", "Stuart", "Philip", "Kevin", "Shaun", "Thomas", "James", "Adam", "Nicholas"],
    "young": ["Oliver", "Jack", "Harry", "Thomas", "James", "Joshua", "Charlie", "George",
              "Jacob", "Alfie", "Noah", "William", "Daniel", "Samuel", "Joseph", "Ethan",
              "Leo", "Oscar", "Archie", "Freddie", "Lewis", "Ryan", "Callum", "Liam", "Connor",
              "Kieran", "Jordan", "Tyler", "Kyle", "Bradley", "Reece", "Luke", "Mason", "Logan",
              "Harvey", "Max", "Theo", "Jake", "Benjamin", "Matthew"],
}
WB_F = {
    "old": ["Margaret", "Patricia", "Susan", "Christine", "Linda", "Jean", "Barbara", "Maureen",
            "Sandra", "Kathleen", "Carol", "Brenda", "Pauline", "Janet", "Elizabeth", "Mary",
            "Joan", "Sheila", "Valerie", "Doreen", "Irene", "Dorothy", "Anne", "Marjorie",
            "Jacqueline", "Gillian", "Eileen", "Beryl", "Pamela", "Shirley", "Joyce", "Elsie"],
    "mid": ["Sarah", "Claire", "Nicola", "Emma", "Lisa", "Joanne", "Michelle", "Helen", "Karen",
            "Rachel", "Louise", "Kelly", "Julie", "Amanda", "Tracey", "Donna", "Victoria",
            "Samantha", "Rebecca", "Kerry", "Dawn", "Angela", "Deborah", "Elizabeth",
            "Catherine", "Jennifer", "Laura", "Gemma", "Natalie", "Zoe", "Stacey", "Leanne"],
    "young": ["Olivia", "Amelia", "Emily", "Isla", "Ava", "Jessica", "Ella", "Sophie", "Lily",
              "Grace", "Chloe", "Mia", "Poppy", "Evie", "Isabella", "Charlotte", "Hannah",
              "Lucy", "Megan", "Ellie", "Holly", "Amy", "Katie", "Lauren", "Bethany", "Abigail",
              "Freya", "Millie", "Daisy", "Phoebe", "Ruby", "Scarlett", "Rebecca", "Jade",
              "Courtney", "Shannon", "Paige", "Elizabeth", "Alice", "Molly"],
}
WB_SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wood", "Robinson",
               "Thompson", "Wright", "Hall", "Green", "Clarke", "Shaw", "Jackson", "Harrison",
               "Johnson", "White", "Turner", "Holmes", "Lee", "Marshall", "Hirst", "Haigh",
               "Sutcliffe", "Greenwood", "Ackroyd", "Barraclough", "Brook", "Crowther",
               "Atkinson", "Hudson", "Kershaw", "Ellis", "Mitchell", "Bailey", "Lister",
               "Binns", "Firth", "Pickles", "Hanson", "Hartley", "Oldroyd", "Priestley", "Moore",
               "Roberts", "Williams", "Evans", "Hill", "Cooper", "Ward", "Morris", "Clark",
               "Lockwood", "Dawson", "Whiteley", "Armitage", "Holroyd", "Senior", "Booth"]
IRISH_FIRST_M = ["Patrick", "Sean", "Michael", "John", "Declan", "Ciaran", "Niall", "Conor",
                 "Padraig", "Eoin", "Seamus", "Liam", "Kieran", "Brendan", "Cathal", "Oisin",
                 "Dermot", "Fergal", "Colm", "Aidan"]
IRISH_FIRST_F = ["Mary", "Siobhan", "Aoife", "Niamh", "Bridget", "Ciara", "Sinead", "Roisin",
                 "Aisling", "Orla", "Maeve", "Grainne", "Caoimhe", "Deirdre", "Clodagh",
                 "Kathleen", "Eileen", "Saoirse", "Nuala", "Mairead"]
IRISH_SUR = ["Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Sullivan", "Walsh", "O'Connor",
             "McCarthy", "Doyle", "O'Neill", "Gallagher", "Kennedy", "Lynch", "Murray",
             "Quinn", "Moore", "McLaughlin", "O'Reilly", "Doherty", "Flanagan", "McDonnell",
             "O'Donnell", "Brennan", "Fitzgerald", "Keane", "Connolly", "Duffy"]
PAK_FIRST_M = ["Mohammed", "Muhammad", "Mohammad", "Ali", "Imran", "Asif", "Tariq", "Zahid",
               "Abdul", "Khalid", "Shahid", "Nadeem", "Sajid", "Waqas", "Usman", "Hamza",
               "Bilal", "Adnan", "Amjad", "Ibrahim", "Yusuf", "Zain", "Rizwan", "Faisal",
               "Irfan", "Arshad", "Javed", "Naveed", "Kamran", "Zubair", "Haroon", "Ayaan",
               "Rehan", "Aqib", "Umar", "Ismail", "Hassan", "Saqib", "Junaid", "Shabir"]
PAK_MIDDLE_M = ["Ali", "Asif", "Imran", "Tariq", "Zahid", "Shahid", "Nadeem", "Sajid", "Arif",
                "Younis", "Akram", "Aslam", "Iqbal", "Rafiq", "Saleem", "Hanif", "Bashir",
                "Nawaz", "Amin", "Yasin", "Zubair", "Idrees", "Haroon", "Ayub"]
PAK_FIRST_F = ["Fatima", "Aisha", "Ayesha", "Maryam", "Zainab", "Khadija", "Samina", "Nasreen",
               "Shazia", "Rubina", "Parveen", "Yasmin", "Sadia", "Amina", "Hafsa", "Hira",
               "Sana", "Nadia", "Saima", "Tahira", "Shabana", "Noreen", "Rukhsana", "Safia",
               "Iqra", "Mahnoor", "Anaya", "Inaya", "Zara", "Alisha", "Humaira", "Kauser",
               "Shahida", "Robina", "Nazia", "Asma"]
PAK_SUR = ["Hussain", "Khan", "Ahmed", "Ali", "Iqbal", "Akhtar", "Mahmood", "Shah", "Hussein",
           "Rehman", "Bibi", "Begum", "Mohammed", "Riaz", "Aslam", "Butt", "Rashid", "Saleem",
           "Malik", "Qureshi", "Mirza", "Chaudhry", "Javed", "Siddique", "Sultan", "Raja",
           "Yousaf", "Anwar", "Arshad", "Ashraf", "Bashir", "Hanif", "Nawaz", "Sadiq",
           "Younis", "Zaman", "Abbas", "Haq", "Kauser", "Parveen"]
BAN_FIRST_M = ["Mohammed", "Abdul", "Mohammad", "Shahid", "Rahim", "Jamal", "Kamal", "Faruk",
               "Shafiq", "Rubel", "Sohel", "Mizanur", "Habibur", "Anwar", "Nazrul", "Ashik"]
BAN_FIRST_F = ["Fatema", "Nasrin", "Rokeya", "Shirin", "Sultana", "Roksana", "Rahima",
               "Jahanara", "Taslima", "Salma", "Sumaiya", "Tasnim", "Farzana", "Halima"]
BAN_SUR = ["Begum", "Miah", "Uddin", "Rahman", "Ahmed", "Islam", "Hossain", "Ali", "Khatun",
           "Choudhury", "Chowdhury", "Khan", "Hoque", "Alam", "Sarker", "Bibi"]
SOM_FIRST_M = ["Mohamed", "Abdi", "Ahmed", "Ali", "Hassan", "Abdirahman", "Abdullahi",
               "Yusuf", "Ibrahim", "Omar", "Osman", "Mahad", "Mustafa", "Said", "Farah",
               "Abdikarim", "Hussein", "Adan", "Jama", "Warsame", "Nur", "Ismail", "Guled"]
SOM_FIRST_F = ["Fadumo", "Hodan", "Amina", "Khadra", "Sahra", "Hawa", "Ifrah", "Asha",
               "Halima", "Ayan", "Filsan", "Deqa", "Hibo", "Muna", "Ubah", "Nimco", "Sagal",
               "Faduma", "Hamdi", "Maryan", "Khadija", "Sumaya", "Nasra", "Ikran"]
ARAB_FIRST_M = ["Ahmad", "Mohammad", "Omar", "Khaled", "Mahmoud", "Rami", "Karwan", "Hiwa",
                "Rebin", "Dilshad", "Ammar", "Tariq", "Yousef", "Mustafa", "Ibrahim", "Hassan",
                "Bashar", "Samir", "Aras", "Zana"]
ARAB_FIRST_F = ["Fatima", "Nour", "Rana", "Layla", "Hana", "Zainab", "Shilan", "Avin",
                "Sara", "Rasha", "Dilan", "Aya", "Mariam", "Huda", "Rozhin", "Lana"]
ARAB_SUR = ["Al-Hassan", "Ahmad", "Mohammed", "Abdullah", "Ali", "Hussein", "Mahmoud",
            "Rashid", "Karim", "Aziz", "Salih", "Othman", "Al-Khatib", "Hamad", "Qader",
            "Rasul", "Mustafa", "Jaff", "Barzani", "Omar", "Ibrahim", "Al-Najjar"]
CHN_FIRST_M = ["Wei", "Jun", "Hao", "Lei", "Jie", "Ming", "Tao", "Yang", "Kai", "Chun",
               "Ka Wai", "Wing", "Kwok", "Yuk", "Zhiwei", "Peng"]
CHN_FIRST_F = ["Li", "Mei", "Xin", "Yan", "Ying", "Jing", "Hui", "Lan", "Xiao", "Fang",
               "Siu Ling", "Wai Man", "Yu", "Na", "Ting", "Qing"]
CHN_SUR = ["Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Chan", "Lee", "Yang", "Huang",
           "Zhao", "Wu", "Zhou", "Lau", "Cheung", "Ng", "Lin", "Xu", "Sun", "Ma", "Tang"]
INDIAN_FIRST_M = ["Rajesh", "Sanjay", "Amit", "Harpreet", "Gurpreet", "Jaswinder", "Manjit",
                  "Sukhdev", "Arjun", "Rahul", "Vijay", "Ravi", "Kuldip", "Balvinder", "Suresh",
                  "Deepak", "Anil", "Vikram", "Aryan", "Jasdeep"]
INDIAN_FIRST_F = ["Priya", "Harjit", "Kamaljit", "Manjit", "Sunita", "Anita", "Pooja",
                  "Neha", "Rajinder", "Gurmeet", "Kiran", "Asha", "Simran", "Meena",
                  "Jaspreet", "Navdeep", "Seema", "Amandeep"]
INDIAN_SUR_HEAD = ["Singh", "Kaur", "Patel", "Sharma", "Kumar", "Gill", "Sandhu", "Dhillon",
                   "Bains", "Sidhu", "Mistry", "Chauhan", "Parmar", "Gupta", "Bhogal", "Johal"]
CARIB_FIRST_M = ["Marcus", "Leon", "Delroy", "Winston", "Jermaine", "Andre", "Tyrone",
                 "Nathaniel", "Clive", "Errol", "Devon", "Curtis"]
CARIB_FIRST_F = ["Marcia", "Beverley", "Yvonne", "Janelle", "Simone", "Tanisha", "Jasmine",
                 "Shereen", "Sonia", "Monique", "Denise", "Keisha"]
CARIB_SUR = ["Campbell", "Brown", "Williams", "Thomas", "Francis", "Grant", "Morgan",
             "Reid", "Clarke", "Henry", "Lewis", "Edwards", "Richards", "Bennett", "Johnson",
             "Gordon", "Stewart", "Samuels"]


def _pl_female(s):
    for a, b in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if s.endswith(a):
            return s[: -len(a)] + b
    return s


GROUPS = {
    # name: share of households, household-size weights for sizes 1..7, middle-name prob
    "white_british": dict(share=0.600, hh=[0.33, 0.34, 0.14, 0.12, 0.05, 0.015, 0.005], mid=0.62),
    "pakistani": dict(share=0.130, hh=[0.08, 0.16, 0.15, 0.20, 0.18, 0.13, 0.10], mid=0.45),
    "indian": dict(share=0.025, hh=[0.15, 0.27, 0.2, 0.22, 0.1, 0.04, 0.02], mid=0.2),
    "bangladeshi": dict(share=0.015, hh=[0.08, 0.16, 0.17, 0.22, 0.18, 0.12, 0.07], mid=0.3),
    "polish": dict(share=0.045, hh=[0.25, 0.3, 0.2, 0.17, 0.06, 0.02, 0.0], mid=0.15),
    "slovak_roma": dict(share=0.02, hh=[0.1, 0.18, 0.18, 0.2, 0.16, 0.1, 0.08], mid=0.1),
    "romanian": dict(share=0.015, hh=[0.3, 0.3, 0.18, 0.14, 0.05, 0.03, 0.0], mid=0.1),
    "irish": dict(share=0.025, hh=[0.4, 0.33, 0.12, 0.1, 0.04, 0.01, 0.0], mid=0.6),
    "somali": dict(share=0.02, hh=[0.12, 0.14, 0.15, 0.18, 0.17, 0.13, 0.11], mid=0.05),
    "arab_kurdish": dict(share=0.02, hh=[0.3, 0.2, 0.15, 0.15, 0.1, 0.06, 0.04], mid=0.05),
    "nigerian": dict(share=0.015, hh=[0.25, 0.25, 0.2, 0.18, 0.08, 0.04, 0.0], mid=0.5),
    "caribbean": dict(share=0.015, hh=[0.38, 0.3, 0.15, 0.1, 0.05, 0.02, 0.0], mid=0.5),
    "chinese": dict(share=0.012, hh=[0.45, 0.3, 0.12, 0.1, 0.03, 0.0, 0.0], mid=0.05),
    "other_gb": dict(share=0.023, hh=[0.35, 0.33, 0.14, 0.12, 0.05, 0.01, 0.0], mid=0.5),
}


def build_name_tables():
    T = {}
    gb_sur_tail = list(GB.last_names.keys())
    ie_tail = list(IE.last_names)
    gbm, gbf = list(GB.first_names_male), list(GB.first_names_female)
    for cohort in ("old", "mid", "young"):
        T[("white_british", "M", cohort)] = with_tail(WB_M[cohort], 0.95, 0.85, gbm, 0.3)
        T[("white_british", "F", cohort)] = with_tail(WB_F[cohort], 0.95, 0.85, gbf, 0.3)
    T[("white_british", "S")] = with_tail(WB_SURNAMES, 0.75, 0.42, gb_sur_tail + ie_tail[:300], 0.35)
    T[("other_gb", "M")] = (gbm, zipf(len(gbm), 0.6))
    T[("other_gb", "F")] = (gbf, zipf(len(gbf), 0.6))
    T[("other_gb", "S")] = (gb_sur_tail, zipf(len(gb_sur_tail), 0.4))
    T[("irish", "M")] = with_tail(IRISH_FIRST_M, 0.9, 0.8, list(IE.first_names_male))
    T[("irish", "F")] = with_tail(IRISH_FIRST_F, 0.9, 0.8, list(IE.first_names_female))
    T[("irish", "S")] = with_tail(IRISH_SUR, 0.8, 0.6, ie_tail, 0.3)
    T[("pakistani", "M")] = (PAK_FIRST_M, zipf(len(PAK_FIRST_M), 1.25, 1.0))
    T[("pakistani", "F")] = (PAK_FIRST_F, zipf(len(PAK_FIRST_F), 0.8))
    T[("pakistani", "S")] = (PAK_SUR, zipf(len(PAK_SUR), 1.0, 1.5))
    T[("pakistani", "MID")] = (PAK_MIDDLE_M, zipf(len(PAK_MIDDLE_M), 0.7))
    T[("bangladeshi", "M")] = (BAN_FIRST_M, zipf(len(BAN_FIRST_M), 1.0))
    T[("bangladeshi", "F")] = (BAN_FIRST_F, zipf(len(BAN_FIRST_F), 0.8))
    T[("bangladeshi", "S")] = (BAN_SUR, zipf(len(BAN_SUR), 1.0))
    T[("indian", "M")] = with_tail(INDIAN_FIRST_M, 0.8, 0.7, list(IN.first_names_male))
    T[("indian", "F")] = with_tail(INDIAN_FIRST_F, 0.8, 0.7, list(IN.first_names_female))
    T[("indian", "S")] = with_tail(INDIAN_SUR_HEAD, 1.1, 0.75, list(IN.last_names), 0.3)
    plm = list(PL.male_last_names) + [s for s in PL.unisex_last_names[:400]]
    T[("polish", "M")] = (list(PL.first_names_male), zipf(len(PL.first_names_male), 0.8))
    T[("polish", "F")] = (list(PL.first_names_female), zipf(len(PL.first_names_female), 0.8))
    T[("polish", "S")] = (plm, zipf(len(plm), 0.7))
    T[("slovak_roma", "M")] = (list(SK.first_names_male), zipf(len(SK.first_names_male), 0.7))
    T[("slovak_roma", "F")] = (list(SK.first_names_female), zipf(len(SK.first_names_female), 0.7))
    skl = ["Horváth", "Kováč", "Balog", "Lakatoš", "Gaži", "Oláh", "Dudi", "Žiga", "Kandráč",
           "Červeňák", "Berky", "Pompa", "Mirga", "Ferko"]
    T[("slovak_roma", "S")] = with_tail(skl, 1.0, 0.7, list(SK.last_names), 0.3)
    T[("romanian", "M")] = (list(RO.first_names_male), zipf(len(RO.first_names_male), 0.8))
    T[("romanian", "F")] = (list(RO.first_names_female), zipf(len(RO.first_names_female), 0.8))
    T[("romanian", "S")] = with_tail(["Popescu", "Ionescu", "Popa", "Stan", "Dumitru",
                                       "Rusu", "Munteanu", "Constantin", "Stoica", "Moldovan"],
                                      0.9, 0.5, list(RO.last_names), 0.2)
    T[("somali", "M")] = (SOM_FIRST_M, zipf(len(SOM_FIRST_M), 1.0, 1.0))
    T[("somali", "F")] = (SOM_FIRST_F, zipf(len(SOM_FIRST_F), 0.8))
    T[("arab_kurdish", "M")] = (ARAB_FIRST_M, zipf(len(ARAB_FIRST_M), 0.9))
    T[("arab_kurdish", "F")] = (ARAB_FIRST_F, zipf(len(ARAB_FIRST_F), 0.8))
    T[("arab_kurdish", "S")] = (ARAB_SUR, zipf(len(ARAB_SUR), 0.8))
    T[("nigerian", "M")] = with_tail(["Oluwaseun", "Chinedu", "Emeka", "Tunde", "Femi",
                                       "Olumide", "Ikenna", "Chukwuemeka", "Segun", "David",
                                       "Samuel", "Daniel", "Emmanuel"], 0.8, 0.5,
                                      list(NG.first_names_male))
    T[("nigerian", "F")] = with_tail(["Funmilayo", "Chioma", "Ngozi", "Adaeze", "Blessing",
                                       "Grace", "Folake", "Yetunde", "Precious", "Esther",
                                       "Temitope"], 0.8, 0.5, list(NG.first_names_female))
    T[("nigerian", "S")] = with_tail(["Okafor", "Okonkwo", "Adeyemi", "Eze", "Nwosu",
                                       "Ogunleye", "Bello", "Obi", "Okoro"], 0.8, 0.4,
                                      list(NG.last_names), 0.2)
    T[("caribbean", "M")] = (CARIB_FIRST_M, zipf(len(CARIB_FIRST_M), 0.6))
    T[("caribbean", "F")] = (CARIB_FIRST_F, zipf(len(CARIB_FIRST_F), 0.6))
    T[("caribbean", "S")] = (CARIB_SUR, zipf(len(CARIB_SUR), 0.7))
    T[("chinese", "M")] = (CHN_FIRST_M, zipf(len(CHN_FIRST_M), 0.6))
    T[("chinese", "F")] = (CHN_FIRST_F, zipf(len(CHN_FIRST_F), 0.6))
    T[("chinese", "S")] = (CHN_SUR, zipf(len(CHN_SUR), 1.1, 1.0))
    return T


# Nicknames / short forms (formal -> informal) - the housing register records what people say
NICK = {
    "William": ["Bill", "Will", "Billy"], "Robert": ["Bob", "Rob", "Bobby"],
    "Richard": ["Rich", "Dick", "Richie"], "James": ["Jim", "Jimmy", "Jamie"],
    "Michael": ["Mike", "Mick", "Micky"], "David": ["Dave", "Davy"],
    "Christopher": ["Chris", "Kit"], "Anthony": ["Tony", "Ant"], "Stephen": ["Steve"],
    "Steven": ["Steve"], "Thomas": ["Tom", "Tommy"], "Matthew": ["Matt"],
    "Daniel": ["Dan", "Danny"], "Joseph": ["Joe", "Joey"], "Samuel": ["Sam", "Sammy"],
    "Benjamin": ["Ben"], "Jonathan": ["Jon", "Jonny"], "Nicholas": ["Nick", "Nicky"],
    "Andrew": ["Andy", "Drew"], "Peter": ["Pete"], "Kenneth": ["Ken", "Kenny"],
    "Terence": ["Terry"], "Raymond": ["Ray"], "Ronald": ["Ron", "Ronnie"],
    "Geoffrey": ["Geoff"], "Frederick": ["Fred", "Freddie"], "Alfred": ["Alf", "Alfie"],
    "Leslie": ["Les"], "Gerald": ["Gerry"], "Philip": ["Phil"], "Stanley": ["Stan"],
    "Bernard": ["Bernie"], "Harold": ["Harry"], "Gordon": ["Gordy"], "Charles": ["Charlie"],
    "Lewis": ["Lew"], "Frank": ["Frankie"], "Joshua": ["Josh"], "Alexander": ["Alex", "Sandy"],
    "Margaret": ["Maggie", "Peggy", "Maggy"], "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"],
    "Patricia": ["Pat", "Trish", "Patsy"], "Susan": ["Sue", "Susie"],
    "Christine": ["Chris", "Chrissie"], "Catherine": ["Cath", "Kate", "Cathy"],
    "Katherine": ["Kate", "Kathy"], "Kathleen": ["Kath", "Kathy"],
    "Jennifer": ["Jen", "Jenny"], "Rebecca": ["Becky", "Becca"], "Victoria": ["Vicky", "Tori"],
    "Samantha": ["Sam", "Sammy"], "Deborah": ["Debbie", "Debs"], "Jacqueline": ["Jackie"],
    "Pamela": ["Pam"], "Dorothy": ["Dot", "Dolly"], "Valerie": ["Val"], "Gillian": ["Gill"],
    "Barbara": ["Babs"], "Josephine": ["Jo", "Josie"], "Joanne": ["Jo"], "Jessica": ["Jess"],
    "Abigail": ["Abbie", "Abi"], "Isabella": ["Bella", "Izzy"], "Charlotte": ["Lottie"],
    "Amanda": ["Mandy"], "Sandra": ["Sandy"], "Nicola": ["Nicky", "Nikki"],
    "Bethany": ["Beth"], "Natalie": ["Nat"], "Jasmine": ["Jas"], "Olivia": ["Liv"],
    "Mohammed": ["Mo"], "Muhammad": ["Mo"], "Mohammad": ["Mo"], "Abdullahi": ["Abdi"],
    "Abdirahman": ["Abdi"], "Ibrahim": ["Ibby"], "Khadija": ["Dija"], "Fadumo": ["Fadi"],
    "Katarzyna": ["Kasia"], "Małgorzata": ["Gosia"], "Aleksandra": ["Ola"],
    "Krzysztof": ["Krzys"], "Wojciech": ["Wojtek"], "Aleksander": ["Olek"],
    "Agnieszka": ["Aga"], "Magdalena": ["Magda"], "Bartłomiej": ["Bartek"],
    "Oluwaseun": ["Seun"], "Chukwuemeka": ["Emeka"], "Olumide": ["Mide"],
    "Oluwaseyi": ["Seyi"], "Temitope": ["Tope"], "Funmilayo": ["Funmi"],
    "Padraig": ["Paddy"], "Patrick": ["Pat", "Paddy"], "Bridget": ["Bridie", "Biddy"],
    "Siobhan": ["Shiv"], "Declan": ["Dec"],
}
# Transliteration / spelling variant groups (each person has a canonical spelling; an agency
# may write another member of the group)
VARIANT_GROUPS = [
    ["Mohammed", "Muhammad", "Mohammad", "Mohamed", "Mohamad", "Muhammed", "Mohammod"],
    ["Hussain", "Hussein", "Husain", "Hossain", "Hussian"], ["Ahmed", "Ahmad", "Ahmet"],
    ["Yusuf", "Yousuf", "Yousef", "Yusef", "Yousaf"], ["Abdi", "Abdy"],
    ["Abdirahman", "Abdurahman", "Abdulrahman", "Abdul Rahman"],
    ["Abdullahi", "Abdullah", "Abdulahi"], ["Khadija", "Khadijah", "Kadija", "Khadeeja"],
    ["Fatima", "Fatimah", "Fatema", "Fatma"], ["Aisha", "Ayesha", "Aysha", "Ayisha"],
    ["Zainab", "Zaynab", "Zenab"], ["Hamza", "Hamzah"], ["Iqbal", "Ikbal"],
    ["Rehman", "Rahman", "Rehmaan"], ["Chaudhry", "Chaudhary", "Choudhry", "Chaudry"],
    ["Choudhury", "Chowdhury", "Choudhury"], ["Siddique", "Siddiqui", "Siddiq"],
    ["Qureshi", "Kureshi", "Quraishi"], ["Nur", "Noor", "Nour"],
    ["Ibrahim", "Ebrahim", "Ibraheem"], ["Osman", "Othman", "Usman", "Uthman"],
    ["Yasmin", "Yasmeen", "Yasmine"], ["Nasreen", "Nasrin", "Nasrine"],
    ["Parveen", "Perveen", "Parvin"], ["Shahida", "Shaheda"], ["Mustafa", "Mostafa", "Mustapha"],
    ["Hassan", "Hasan"], ["Farah", "Farrah"], ["Fadumo", "Faduma", "Fadumo"],
    ["Mahmood", "Mahmud", "Mehmood", "Mahmoud"], ["Rashid", "Rasheed"], ["Saleem", "Salim"],
    ["Khalid", "Khaled"], ["Yousef", "Youssef", "Yusuf"], ["Omar", "Umar", "Omer"],
    ["Maryam", "Mariam", "Maryan"], ["Amina", "Aminah", "Ameena"], ["Tariq", "Tarik", "Tareq"],
    ["Younis", "Yunus", "Younas"], ["Kauser", "Kausar", "Kawsar"], ["Miah", "Mia", "Meah"],
    ["Uddin", "Udin", "Uddeen"], ["Hoque", "Haque", "Huq", "Haq"],
    ["Chen", "Chan"], ["Huang", "Wong"], ["Zhang", "Cheung", "Chang"], ["Wu", "Ng"],
    ["Li", "Lee"], ["Liu", "Lau"], ["Zhou", "Chow"],
    ["Oluwaseun", "Oluseun"], ["Olumide", "Olamide"],
    ["Harpreet", "Harprit"], ["Gurpreet", "Gurprit"], ["Jaswinder", "Jasvinder"],
    ["Balvinder", "Balwinder"], ["Kuldip", "Kuldeep"], ["Sandhu", "Sindhu"],
]
VARIANT_OF = {}
for g in VARIANT_GROUPS:
    for nm in g:
        VARIANT_OF.setdefault(nm, [x for x in dict.fromkeys(g) if x != nm])

def strip_diacritics(s):
    s = s.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

# ----------------------------------------------------------------------------------------
# Geography: West Yorkshire postcode districts, towns, localities, streets
# ----------------------------------------------------------------------------------------
DISTRICTS = {}  # code -> (post town, locality list, weight)


def _add(area, nums, town, weight, locs=None):
    for n in nums:
        DISTRICTS[f"{area}{n}"] = (town, locs or [], weight)


_add("LS", range(1, 21), "Leeds", 1.0)
_add("LS", [25, 26, 27], "Leeds", 0.7)
_add("LS", [28], "Pudsey", 0.8)
_add("LS", [21], "Otley", 0.4)
_add("LS", [22], "Wetherby", 0.4)
_add("LS", [29], "Ilkley", 0.4)
_add("BD", range(1, 16), "Bradford", 1.1)
_add("BD", [16], "Bingley", 0.6)
_add("BD", [17, 18], "Shipley", 0.6)
_add("BD", [20, 21, 22], "Keighley", 0.6)
_add("WF", range(1, 5), "Wakefield", 0.9)
_add("WF", [12, 13], "Dewsbury", 0.8)
_add("WF", [16, 17], "Batley", 0.6)
_add("HX", range(1, 8), "Halifax", 0.6)
_add("HD", range(1, 10), "Huddersfield", 0.8)
LOCALITIES = {"LS8": ["Harehills", "Roundhay", "Gipton"], "LS9": ["Burmantofts", "Richmond Hill"],
              "LS6": ["Headingley", "Hyde Park"], "LS7": ["Chapeltown", "Chapel Allerton"],
              "LS11": ["Beeston", "Holbeck"], "LS12": ["Armley", "Wortley"],
              "BD3": ["Barkerend", "Thornbury"], "BD5": ["Little Horton", "West Bowling"],
              "BD7": ["Great Horton"], "BD8": ["Manningham", "Girlington"],
              "BD9": ["Heaton", "Frizinghall"], "HD1": ["Lockwood", "Springwood"],
              "WF13": ["Ravensthorpe", "Savile Town"], "HX1": ["Pellon", "Boothtown"]}
# ethnic clustering: group -> districts where it is over-represented (x weight)
CLUSTER = {
    "pakistani": (["BD3", "BD5", "BD7", "BD8", "BD9", "LS8", "LS11", "HD1", "WF13", "WF12",
                   "HX1", "BD21"], 12),
    "bangladeshi": (["LS8", "LS9", "BD3", "BD21"], 10),
    "indian": (["LS6", "LS7", "LS11", "HD1", "WF13", "BD5"], 8),
    "polish": (["LS9", "LS12", "BD3", "HD1", "WF1", "LS11"], 6),
    "slovak_roma": (["LS9", "LS8", "BD3", "BD8", "HD1"], 12),
    "romanian": (["LS9", "LS12", "BD3", "LS11"], 6),
    "somali": (["LS7", "LS8", "LS6", "BD3"], 12),
    "arab_kurdish": (["LS8", "LS7", "BD3", "BD8", "HD1"], 8),
    "nigerian": (["LS7", "LS8", "LS10", "BD5"], 5),
    "caribbean": (["LS7", "LS8", "HD1"], 6),
    "chinese": (["LS2", "LS6", "LS1", "BD7"], 8),
    "irish": (["LS6", "LS11", "LS12", "HD1"], 2),
}
STREET_A = ["Oak", "Ash", "Beech", "Elm", "Mill", "Church", "Chapel", "Station", "Victoria",
            "Albert", "Park", "Manor", "Moor", "Hall", "Bank", "Cross", "High", "Green",
            "Wood", "Spring", "Low", "Town", "Well", "Hill", "Bridge", "Canal", "School",
            "Prospect", "Clarence", "Cardigan", "Harehills", "Roundhay", "Manningham",
            "Lumb", "Thornton", "Bolton", "Otley", "Leeds", "Bradford", "Halifax", "Wakefield",
            "Dewsbury", "Heaton", "Horton", "Bowling", "Stanningley", "Kirkstall", "Cavendish",
            "Norman", "Brudenell", "Hyde Park", "Woodhouse", "Sholebroke", "Spencer", "Bankfield",
            "Ravenscliffe", "Thornhill", "Fairfield", "Westfield", "Eastfield", "Highfield",
            "Broad", "Lady", "Granby", "St Mary's", "St John's", "Queen's", "King's", "Cliffe",
            "Shay", "Crag", "Fold", "Ing", "Royd", "Clough", "Heights", "Carr", "Hebble"]
STREET_B = ["Street", "Road", "Lane", "Avenue", "Terrace", "Grove", "Close", "Crescent",
            "Way", "Drive", "Mount", "Place", "View", "Walk", "Gardens", "Court", "Row", "Square"]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# ----------------------------------------------------------------------------------------
# Corruption primitives
# ----------------------------------------------------------------------------------------
KB_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
KB_NEIGH = {}
for r, row in enumerate(KB_ROWS):
    for c, ch in enumerate(row):
        nb = set()
        for dr in (-1, 0, 1):
            rr = r + dr
            if 0 <= rr < 3:
                for dc in (-1, 0, 1):
                    cc = c + dc + (0 if dr == 0 else 0)
                    if 0 <= cc < len(KB_ROWS[rr]) and not (dr == 0 and dc == 0):
                        nb.add(KB_ROWS[rr][cc])
        KB_NEIGH[ch] = sorted(nb)


def typo(rng, s):
    if not s or len(s) < 2:
        return s
    letters = [i for i, ch in enumerate(s) if ch.isalpha()]
    if not letters:
        return s
    i = letters[rng.integers(len(letters))]
    kind = rng.random()
    ch = s[i]
    if kind < 0.45:  # neighbour substitution
        lo = ch.lower()
        nb = KB_NEIGH.get(lo)
        if not nb:
            return s
        new = nb[rng.integers(len(nb))]
        new = new.upper() if ch.isupper() else new
        return s[:i] + new + s[i + 1:]
    if kind < 0.65:  # deletion
        return s[:i] + s[i + 1:] if len(s) > 3 else s
    if kind < 0.8:  # doubled letter
        return s[:i] + ch + s[i:]
    if kind < 0.95:  # transposition with next
        if i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != ch:
            return s[:i] + s[i + 1] + ch + s[i + 2:]
        return s
    # vowel confusion
    vow = "aeiou"
    if ch.lower() in vow:
        new = vow[(vow.index(ch.lower()) + 1 + rng.integers(4)) % 5]
        return s[:i] + (new.upper() if ch.isupper() else new) + s[i + 1:]
    return s


def postcode_typo(rng, pc):
    out, inw = pc.split(" ")
    k = rng.random()
    if k < 0.4:  # inward letter substitution
        j = 1 + rng.integers(2)
        inw = inw[:j] + UNIT_LETTERS[rng.integers(len(UNIT_LETTERS))] + inw[j + 1:]
    elif k < 0.6:  # inward letters transposed
        inw = inw[0] + inw[2] + inw[1]
    elif k < 0.8:  # sector digit off by one
        d = int(inw[0])
        inw = str((d + (1 if rng.random() < 0.5 else -1)) % 10) + inw[1:]
    else:  # district digit wrong
        digs = [i for i, ch in enumerate(out) if ch.isdigit()]
        i = digs[-1]
        out = out[:i] + str((int(out[i]) + 1 + rng.integers(8)) % 10) + out[i + 1:]
    return f"{out} {inw}"


def valid_date(y, m, d):
    try:
        return date(y, m, d)
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------
# Rates (per agency; "A" housing register, "B" benefits)
# ----------------------------------------------------------------------------------------
RATES = {
    "A": dict(typo_first=0.025, typo_last=0.025, typo_middle=0.02, nickname=0.12,
              variant=0.22, strip_diacritics=1.0, first_middle_swap=0.03,
              known_by_middle=0.25, first_last_swap=0.008, first_last_swap_chinese=0.06,
              missing_first=0.004, missing_last=0.002, middle_recorded=0.55,
              missing_dob=0.04, missing_sex=0.03, sex_unknown=0.01, sex_wrong=0.004,
              missing_postcode=0.015, partial_postcode=0.025, postcode_typo=0.02,
              postcode_nospace_lower=0.10, missing_addr=0.01, missing_town=0.10,
              dob_transpose=0.012, dob_year1=0.008, dob_day=0.01, dob_month=0.004,
              dob_0101=0.006, dob_1900=0.002, dob_decade_swap=0.002,
              dbl_space=0.12, dbl_join=0.03, dbl_first_only=0.07, dbl_second_only=0.08,
              apostrophe=0.35, pl_masc_form=0.08, duplicate=0.02, case_upper=0.05,
              case_lower=0.02),
    "B": dict(typo_first=0.015, typo_last=0.015, typo_middle=0.01, nickname=0.03,
              variant=0.22, strip_diacritics=0.5, first_middle_swap=0.02,
              known_by_middle=0.10, first_last_swap=0.005, first_last_swap_chinese=0.04,
              missing_first=0.001, missing_last=0.001, middle_recorded=0.85,
              missing_dob=0.008, missing_sex=0.01, sex_unknown=0.005, sex_wrong=0.003,
              missing_postcode=0.02, partial_postcode=0.0, postcode_typo=0.008,
              postcode_nospace_lower=0.0, missing_addr=0.02, missing_town=0.0,
              dob_transpose=0.008, dob_year1=0.006, dob_day=0.006, dob_month=0.003,
              dob_0101=0.004, dob_1900=0.0, dob_decade_swap=0.001,
              dbl_space=0.10, dbl_join=0.02, dbl_first_only=0.08, dbl_second_only=0.10,
              apostrophe=0.5, pl_masc_form=0.05, duplicate=0.015, case_upper=1.0,
              case_lower=0.0),
}
PERSON_RATES = dict(
    p_household_A=0.56, p_household_B=0.56, p_drop_member=0.10,
    moved_household=0.14, moved_person=0.03, moved_same_district=0.55,
    surname_change=0.07,  # married women sharing husband's surname: other agency has maiden
    stepchild_surname=0.02, double_barrelled_wb=0.025, twins=0.03, refugee_0101=0.25,
)


# ----------------------------------------------------------------------------------------
# Population
# ----------------------------------------------------------------------------------------
def cohort(year):
    return "old" if year < 1960 else ("mid" if year < 1990 else "young")


def draw(rng, table):
    names, w = table
    return names[rng.choice(len(names), p=w)]


class Pop:
    def __init__(self, n, seed):
        self.rng = np.random.default_rng(seed)
        self.T = build_name_tables()
        self.n = n
        self.people = []
        self.households = []
        self._make_geography()
        self._make_people()

    # -- geography --------------------------------------------------------------------------
    def _make_geography(self):
        rng = self.rng
        self.dcodes = sorted(DISTRICTS)
        base = np.array([DISTRICTS[d][2] for d in self.dcodes])
        self.base_w = base / base.sum()
        n_hh_est = self.n / 2.6
        self.postcodes = defaultdict(list)  # district -> list of (postcode, street, start no)
        self.pc_count = Counter()
        used = set()
        for d, w in zip(self.dcodes, self.base_w):
            k = max(4, int(round(w * n_hh_est / 7)))
            streets = []
            for j in range(k):
                while True:
                    sector = rng.integers(1, 10) if rng.random() < 0.9 else 0
                    unit = "".join(UNIT_LETTERS[rng.integers(len(UNIT_LETTERS))] for _ in range(2))
                    pc = f"{d} {sector}{unit}"
                    if pc not in used:
                        used.add(pc)
                        break
                if streets and rng.random() < 0.3:
                    st, nxt = streets[-1]
                    start = nxt
                else:
                    st = f"{STREET_A[rng.integers(len(STREET_A))]} {STREET_B[rng.integers(len(STREET_B))]}"
                    start = 1
                streets.append((st, start + 30))
                self.postcodes[d].append([pc, st, start, 0])

    def district_weights(self, group):
        w = self.base_w.copy()
        if group in CLUSTER:
            ds, f = CLUSTER[group]
            for i, d in enumerate(self.dcodes):
                if d in ds:
                    w[i] *= f
        return w / w.sum()

    def new_address(self, group, district=None):
        rng = self.rng
        if district is None:
            district = self.dcodes[rng.choice(len(self.dcodes), p=self.district_weights(group))]
        lst = self.postcodes[district]
        entry = lst[rng.integers(len(lst))]
        pc, st, start, used = entry
        entry[3] += 1
        num = start + used * 2 + (rng.integers(2) if used > 12 else 0)
        flat = None
        if rng.random() < 0.15:
            flat = int(rng.integers(1, 12))
        town, _, _ = DISTRICTS[district]
        loc = LOCALITIES.get(district)
        locality = loc[rng.integers(len(loc))] if loc and rng.random() < 0.6 else ""
        return dict(postcode=pc, street=st, number=int(num), flat=flat, town=town,
                    locality=locality, district=district)

    # -- people -----------------------------------------------------------------------------
    def first_name(self, group, sex, year):
        if group == "white_british":
            return draw(self.rng, self.T[("white_british", sex, cohort(year))])
        if group == "caribbean" and self.rng.random() < 0.5:
            return draw(self.rng, self.T[("white_british", sex, cohort(year))])
        return draw(self.rng, self.T[(group, sex)])

    def middle_name(self, group, sex, year, first):
        rng = self.rng
        if rng.random() >= GROUPS[group]["mid"]:
            return ""
        for _ in range(5):
            if group == "pakistani" and sex == "M":
                m = draw(rng, self.T[("pakistani", "MID")])
            elif group == "white_british":
                m = draw(rng, self.T[("white_british", sex, cohort(year - 20))])
            elif group == "somali":
                m = draw(rng, self.T[("somali", "M")])
            else:
                m = self.first_name(group, sex, year)
            if m != first:
                return m
        return ""

    def surname(self, group):
        if group == "somali":
            return draw(self.rng, self.T[("somali", "M")])  # father's first name
        s = draw(self.rng, self.T[(group, "S")])
        return s

    def dob(self, age_lo, age_hi):
        rng = self.rng
        age = rng.uniform(age_lo, age_hi)
        d = REF_DATE - timedelta(days=int(age * 365.25))
        return d

    def _make_people(self):
        rng = self.rng
        gnames = list(GROUPS)
        gshare = np.array([GROUPS[g]["share"] for g in gnames])
        gshare /= gshare.sum()
        pid = 0
        while pid < self.n:
            g = gnames[rng.choice(len(gnames), p=gshare)]
            hw = np.array(GROUPS[g]["hh"])
            size = 1 + rng.choice(len(hw), p=hw / hw.sum())
            size = min(size, self.n - pid)
            addr = self.new_address(g)
            hid = len(self.households)
            members = []
            # head
            if size == 1:
                age = rng.choice([rng.uniform(18, 35), rng.uniform(35, 65), rng.uniform(65, 95)],
                                 p=[0.35, 0.35, 0.30])
            else:
                age = rng.uniform(20, 75) if rng.random() < 0.85 else rng.uniform(75, 92)
            lone_parent = size >= 2 and rng.random() < (0.3 if g in ("white_british", "caribbean") else 0.12)
            head_sex = "F" if (lone_parent and rng.random() < 0.9) else ("M" if rng.random() < 0.55 else "F")
            hd = self.dob(age, age + 1)
            fam_sur = self.surname(g)
            if g == "white_british" and rng.random() < PERSON_RATES["double_barrelled_wb"]:
                fam_sur = fam_sur + "-" + self.surname(g)
            head = self._person(pid, hid, g, head_sex, hd, fam_sur, role="head")
            members.append(head)
            pid += 1
            n_adults_extra = 0
            if size >= 2 and not lone_parent:
                # partner
                psex = "F" if head_sex == "M" else "M"
                if rng.random() < 0.03:
                    psex = head_sex
                page = max(18.0, age + rng.normal(-2 if psex == "F" else 2, 4))
                pd_ = self.dob(page, page + 1)
                married = rng.random() < (0.85 if g in ("pakistani", "bangladeshi", "indian", "somali", "arab_kurdish") else 0.55)
                maiden = self.surname(g) if psex == "F" else None
                if psex == "F" and married:
                    if g in ("pakistani", "bangladeshi"):
                        r = rng.random()
                        psur = ("Begum" if g == "bangladeshi" or r < 0.3 else "Bibi") if r < 0.45 else (fam_sur if r < 0.8 else maiden)
                    elif g in ("somali", "arab_kurdish", "chinese"):
                        psur = maiden
                    elif g == "polish":
                        psur = _pl_female(fam_sur)
                    else:
                        psur = fam_sur if rng.random() < 0.9 else (maiden + "-" + fam_sur if rng.random() < 0.5 else maiden)
                elif psex == "F":
                    psur = maiden
                else:
                    psur = self.surname(g) if (not married or head_sex == "M") else fam_sur
                p = self._person(pid, hid, g, psex, pd_, psur, role="partner",
                                 maiden=(maiden if (psex == "F" and married and psur != maiden) else None))
                members.append(p)
                pid += 1
                n_adults_extra = 1
            # children (or other adults)
            mother = next((m for m in members if m["sex"] == "F"), None)
            father = next((m for m in members if m["sex"] == "M"), None)
            k = 0
            while len(members) < size and pid < self.n:
                parent_age = age
                if parent_age > 60 and rng.random() < 0.7:
                    ca = rng.uniform(18, max(19, parent_age - 22))  # adult child / relative
                else:
                    lo = max(0.0, parent_age - 45)
                    hi = max(lo + 0.5, min(parent_age - 17, 30))
                    ca = rng.uniform(lo, hi)
                cd = self.dob(ca, ca + 1)
                csex = "M" if rng.random() < 0.51 else "F"
                if g == "somali":
                    csur = (father or head)["first"]
                elif g == "polish":
                    base = (father or head)["last"]
                    csur = _pl_female(base) if csex == "F" else base.replace("ska", "ski").replace("cka", "cki")
                elif g in ("pakistani", "bangladeshi") and csex == "F" and rng.random() < 0.3:
                    csur = "Begum" if g == "bangladeshi" else ("Bibi" if rng.random() < 0.5 else "Kauser")
                else:
                    csur = fam_sur
                    if lone_parent and rng.random() < 0.35:
                        csur = self.surname(g)  # father's surname, absent father
                    if g == "white_british" and rng.random() < PERSON_RATES["stepchild_surname"]:
                        csur = self.surname(g)
                c = self._person(pid, hid, g, csex, cd, csur, role="child")
                members.append(c)
                pid += 1
                k += 1
                if ca < 17 and rng.random() < PERSON_RATES["twins"] and len(members) < size and pid < self.n:
                    tsex = "M" if rng.random() < 0.5 else "F"
                    t = self._person(pid, hid, g, tsex, cd, csur, role="child")
                    members.append(t)
                    pid += 1
            for m in members:
                m["addr"] = addr
            self.households.append(dict(hid=hid, group=g, members=members, addr=addr))

    def _person(self, pid, hid, g, sex, dob, last, role, maiden=None):
        rng = self.rng
        first = self.first_name(g, sex, dob.year)
        mid = self.middle_name(g, sex, dob.year, first)
        if g in ("pakistani", "bangladeshi") and sex == "M" and first in VARIANT_OF.get("Mohammed", []) + ["Mohammed"] and not mid:
            mid = draw(rng, self.T[("pakistani", "MID")])
        dob_official = dob
        if g in ("somali", "arab_kurdish") and dob.year < 2010 and rng.random() < PERSON_RATES["refugee_0101"]:
            dob_official = date(dob.year, 1, 1)  # Home Office-assigned date, used by everyone
        p = dict(pid=pid, hid=hid, group=g, sex=sex, dob=dob_official, first=first, middle=mid,
                 last=last, role=role, maiden=maiden)
        self.people.append(p)
        return p


# ----------------------------------------------------------------------------------------
# Extracts
# ----------------------------------------------------------------------------------------
class Extractor:
    def __init__(self, pop: Pop):
        self.pop = pop
        self.rng = pop.rng
        self.log = {"A": Counter(), "B": Counter()}
        self.elig = {"A": Counter(), "B": Counter()}

    def ev(self, ag, name, applied, eligible=True):
        if eligible:
            self.elig[ag][name] += 1
            if applied:
                self.log[ag][name] += 1

    def choose_membership(self):
        rng = self.rng
        pr = PERSON_RATES
        inA, inB = {}, {}
        for h in self.pop.households:
            ha = rng.random() < pr["p_household_A"]
            hb = rng.random() < pr["p_household_B"]
            for m in h["members"]:
                # benefits system (B) rarely holds adult non-dependants; both drop some members
                inA[m["pid"]] = ha and rng.random() >= pr["p_drop_member"]
                dropB = pr["p_drop_member"] + (0.15 if (m["role"] == "child" and (REF_DATE.year - m["dob"].year) >= 19) else 0)
                inB[m["pid"]] = hb and rng.random() >= dropB
        # every person in at least one agency: people in neither are simply not in the study
        return inA, inB

    def addresses(self, inA, inB):
        """Address each agency holds. A moved household: the earlier extract has the old one."""
        rng = self.rng
        pr = PERSON_RATES
        addrA, addrB = {}, {}
        prev = {}
        for h in self.pop.households:
            moved = rng.random() < pr["moved_household"]
            newaddr = None
            if moved:
                d = h["addr"]["district"] if rng.random() < pr["moved_same_district"] else None
                newaddr = self.pop.new_address(h["group"], d)
            a_later = rng.random() < 0.5
            for m in h["members"]:
                old = h["addr"]
                new = newaddr if moved else old
                if rng.random() < pr["moved_person"]:  # moved on their own
                    new = self.pop.new_address(h["group"])
                    moved_p = True
                else:
                    moved_p = moved
                if a_later:
                    addrA[m["pid"]], addrB[m["pid"]] = new, old
                else:
                    addrA[m["pid"]], addrB[m["pid"]] = old, new
                prev[m["pid"]] = (old, new, moved_p)
        return addrA, addrB, prev

    # -- one record -----------------------------------------------------------------------------
    def record(self, ag, p, addr):
        rng = self.rng
        R = RATES[ag]
        ev = lambda name, applied, eligible=True: self.ev(ag, name, applied, eligible)
        first, mid, last = p["first"], p["middle"], p["last"]
        # surname history: other agency (or this one) may hold the maiden name
        if p.get("use_maiden", {}).get(ag):
            last = p["maiden"]
        # transliteration variants (per agency, independently)
        def variant(s):
            if s in VARIANT_OF:
                ap = rng.random() < R["variant"]
                ev("variant", ap)
                if ap:
                    v = VARIANT_OF[s]
                    return v[rng.integers(len(v))]
            return s
        first = variant(first)
        mid = " ".join(variant(w) for w in mid.split()) if mid else mid
        last = variant(last)
        # nickname
        if first in NICK:
            ap = rng.random() < R["nickname"]
            ev("nickname", ap)
            if ap:
                first = NICK[first][rng.integers(len(NICK[first]))]
        # known by middle name (Mohammed X -> X) / first-middle swap
        if mid and p["first"] in ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Abdul"):
            ap = rng.random() < R["known_by_middle"]
            ev("known_by_middle", ap)
            if ap:
                first, mid = mid, first
        elif mid:
            ap = rng.random() < R["first_middle_swap"]
            ev("first_middle_swap", ap)
            if ap:
                first, mid = mid, first
        # double-barrelled surnames
        if "-" in last and not last.startswith("Al-"):
            a, b = last.split("-", 1)
            u = rng.random()
            cuts = np.cumsum([R["dbl_space"], R["dbl_join"], R["dbl_first_only"], R["dbl_second_only"]])
            if u < cuts[0]:
                last = f"{a} {b}"; ev("dbl_barrel_variant", True)
            elif u < cuts[1]:
                last = a + b; ev("dbl_barrel_variant", True)
            elif u < cuts[2]:
                last = a; ev("dbl_barrel_variant", True)
            elif u < cuts[3]:
                last = b; ev("dbl_barrel_variant", True)
            else:
                ev("dbl_barrel_variant", False)
        elif last.startswith("Al-"):
            u = rng.random()
            ev("dbl_barrel_variant", u < 0.4)
            if u < 0.2:
                last = last[3:]
            elif u < 0.4:
                last = "Al " + last[3:] if rng.random() < 0.5 else "Al" + last[3:].lower()
        # apostrophes
        if "'" in last:
            ap = rng.random() < R["apostrophe"]
            ev("apostrophe_dropped", ap)
            if ap:
                last = last.replace("'", "" if rng.random() < 0.6 else " ")
        # Polish feminine surname written in masculine form
        if p["group"] == "polish" and p["sex"] == "F" and (last.endswith("ska") or last.endswith("cka")):
            ap = rng.random() < R["pl_masc_form"]
            ev("polish_masculine_form", ap)
            if ap:
                last = last[:-1] + "i"
        # diacritics
        if any(ord(c) > 127 for c in first + mid + last):
            ap = rng.random() < R["strip_diacritics"]
            ev("diacritics_stripped", ap)
            if ap:
                first, mid, last = (strip_diacritics(s) for s in (first, mid, last))
        # typos
        for fld, key in (("first", "typo_first"), ("last", "typo_last"), ("mid", "typo_middle")):
            val = {"first": first, "last": last, "mid": mid}[fld]
            if not val:
                continue
            ap = rng.random() < R[key]
            if ap:
                new = typo(rng, val)
                ap = new != val
                val = new
            ev(key, ap)
            if fld == "first": first = val
            elif fld == "last": last = val
            else: mid = val
        # first/last swap
        swp = R["first_last_swap_chinese"] if p["group"] == "chinese" else R["first_last_swap"]
        ap = rng.random() < swp
        ev("first_last_swap", ap)
        if ap:
            first, last = last, first
        # middle name recorded?
        if mid:
            rec = rng.random() < R["middle_recorded"]
            ev("middle_not_recorded", not rec)
            if not rec:
                mid = ""
        # missing names
        ap = rng.random() < R["missing_first"]; ev("missing_first", ap)
        if ap: first = ""
        ap = rng.random() < R["missing_last"]; ev("missing_last", ap)
        if ap: last = ""
        # date of birth
        dob = p["dob"]
        dob_s = dob
        u = rng.random()
        c = np.cumsum([R["missing_dob"], R["dob_transpose"], R["dob_year1"], R["dob_day"],
                       R["dob_month"], R["dob_0101"], R["dob_1900"], R["dob_decade_swap"]])
        kind = None
        if u < c[0]:
            dob_s, kind = None, "missing_dob"
        elif u < c[1]:
            if dob.day <= 12 and dob.day != dob.month:
                dob_s, kind = date(dob.year, dob.day, dob.month), "dob_transpose"
        elif u < c[2]:
            dob_s = valid_date(dob.year + (1 if rng.random() < 0.5 else -1), dob.month, dob.day) or dob
            kind = "dob_year1"
        elif u < c[3]:
            nd = dob.day + int(rng.choice([-1, 1, -10, 10], p=[0.35, 0.35, 0.15, 0.15]))
            dob_s = valid_date(dob.year, dob.month, nd) or dob
            kind = "dob_day"
        elif u < c[4]:
            dob_s = valid_date(dob.year, dob.month + (1 if rng.random() < 0.5 else -1), dob.day) or dob
            kind = "dob_month"
        elif u < c[5]:
            dob_s, kind = date(dob.year, 1, 1), "dob_0101"
        elif u < c[6]:
            dob_s, kind = date(1900, 1, 1), "dob_1900"
        elif u < c[7]:
            y = dob.year
            ny = y - y % 100 + (y % 10) * 10 + (y // 10) % 10
            if 1900 < ny <= REF_DATE.year and ny != y:
                dob_s, kind = valid_date(ny, dob.month, dob.day), "dob_decade_swap"
        for k in ("missing_dob", "dob_transpose", "dob_year1", "dob_day", "dob_month", "dob_0101",
                  "dob_1900", "dob_decade_swap"):
            ev(k, kind == k and (dob_s != dob))
        # sex
        sex = p["sex"]
        u = rng.random()
        c = np.cumsum([R["missing_sex"], R["sex_unknown"], R["sex_wrong"]])
        kind = "missing_sex" if u < c[0] else "sex_unknown" if u < c[1] else "sex_wrong" if u < c[2] else None
        for k in ("missing_sex", "sex_unknown", "sex_wrong"):
            ev(k, kind == k)
        if kind == "missing_sex":
            sex = ""
        elif kind == "sex_unknown":
            sex = "U"
        elif kind == "sex_wrong":
            sex = "M" if sex == "F" else "F"
        # address / postcode
        pc = addr["postcode"]
        u = rng.random()
        c = np.cumsum([R["missing_postcode"], R["partial_postcode"], R["postcode_typo"]])
        kind = "missing_postcode" if u < c[0] else "partial_postcode" if u < c[1] else "postcode_typo" if u < c[2] else None
        for k in ("missing_postcode", "partial_postcode", "postcode_typo"):
            ev(k, kind == k)
        if kind == "missing_postcode":
            pc = ""
        elif kind == "partial_postcode":
            pc = pc.split(" ")[0]
        elif kind == "postcode_typo":
            pc = postcode_typo(rng, pc)
        line1 = f"{addr['number']} {addr['street']}"
        if addr["flat"]:
            line1 = f"Flat {addr['flat']}, {line1}"
        if rng.random() < R["missing_addr"]:
            line1 = ""; ev("missing_addr", True)
        else:
            ev("missing_addr", False)
        town = addr["town"]
        if rng.random() < R["missing_town"]:
            town = ""; ev("missing_town", True)
        else:
            ev("missing_town", False)
        return dict(first=first, middle=mid, last=last, dob=dob_s, sex=sex, postcode=pc,
                    line1=line1, locality=addr["locality"], town=town)

    def run(self):
        rng = self.rng
        pop = self.pop
        inA, inB = self.choose_membership()
        addrA, addrB, prev = self.addresses(inA, inB)
        # surname change on marriage: one agency still has the maiden name
        for p in pop.people:
            p["use_maiden"] = {}
            if p["maiden"] and inA[p["pid"]] and inB[p["pid"]]:
                ap = rng.random() < PERSON_RATES["surname_change"]
                if ap:
                    p["use_maiden"]["A" if rng.random() < 0.5 else "B"] = True
                    self.log["A"]["surname_change_pairs"] += 1
            # surname-change eligibility counted once
            if p["maiden"] and inA[p["pid"]] and inB[p["pid"]]:
                self.elig["A"]["surname_change_pairs"] += 1
        recs = {"A": [], "B": []}
        for p in pop.people:
            for ag, member, addr in (("A", inA, addrA), ("B", inB, addrB)):
                if not member[p["pid"]]:
                    continue
                r = self.record(ag, p, addr[p["pid"]])
                r["pid"] = p["pid"]
                recs[ag].append(r)
                dup = rng.random() < RATES[ag]["duplicate"]
                self.ev(ag, "duplicate", dup)
                if dup:
                    old, new, moved = prev[p["pid"]]
                    a2 = old if (moved and rng.random() < 0.5) else addr[p["pid"]]
                    r2 = self.record(ag, p, a2)
                    r2["pid"] = p["pid"]
                    recs[ag].append(r2)
        return recs, inA, inB, prev


# ----------------------------------------------------------------------------------------
# Writing in each agency's layout
# ----------------------------------------------------------------------------------------
def titlecase(s):
    out = []
    for w in s.split(" "):
        parts = []
        for part in w.split("-"):
            if part[:2].lower() in ("o'", "d'") and len(part) > 2:
                parts.append(part[:2].upper()[0] + "'" + part[2:3].upper() + part[3:].lower())
            elif part[:2] == "Mc" and len(part) > 2:
                parts.append("Mc" + part[2].upper() + part[3:].lower())
            else:
                parts.append(part[:1].upper() + part[1:].lower())
        out.append("-".join(parts))
    return " ".join(out)


def write_A(recs, rng, log, elig):
    """Housing register: HousingRef, Forename, Middle Names, Surname, DOB (dd/mm/yyyy),
    Gender (M/F/U), Address 1, Address 2, Town, Postcode (as typed)."""
    rows = []
    ids = rng.choice(np.arange(1_000_000, 9_999_999), size=len(recs), replace=False)
    for r, i in zip(recs, ids):
        u = rng.random()
        case = "upper" if u < RATES["A"]["case_upper"] else ("lower" if u < RATES["A"]["case_upper"] + RATES["A"]["case_lower"] else "title")
        elig["case_not_title"] += 1
        if case != "title":
            log["case_not_title"] += 1
        f = lambda s: s.upper() if case == "upper" else (s.lower() if case == "lower" else s)
        pc = r["postcode"]
        if pc and rng.random() < RATES["A"]["postcode_nospace_lower"]:
            pc = pc.replace(" ", "") if rng.random() < 0.6 else pc.lower()
            log["postcode_format_variant"] += 1
        elig["postcode_format_variant"] += 1
        rows.append({
            "HousingRef": f"HR{i}",
            "Forename": f(r["first"]),
            "Middle Names": f(r["middle"]),
            "Surname": f(r["last"]),
            "DOB": r["dob"].strftime("%d/%m/%Y") if r["dob"] else "",
            "Gender": r["sex"],
            "Address 1": r["line1"],
            "Address 2": r["locality"],
            "Town": r["town"],
            "Postcode": pc,
        })
    return pd.DataFrame(rows), [f"HR{i}" for i in ids]


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def write_B(recs, rng):
    """Benefits: PERSON_REF, TITLE, SURNAME, FORENAME_1, FORENAME_2, BIRTH_DATE (DD-MON-YYYY),
    SEX (Male/Female/Not Known), ADDR_LINE_1, ADDR_LINE_2, POST_TOWN, PCODE — all capitals."""
    rows = []
    ids = rng.choice(np.arange(100_000_000, 999_999_999), size=len(recs), replace=False)
    for r, i in zip(recs, ids):
        sx = {"M": "Male", "F": "Female", "U": "Not Known", "": ""}[r["sex"]]
        age = (REF_DATE.year - r["dob"].year) if r["dob"] else 40
        if r["sex"] == "M":
            title = "MR" if age >= 16 else "MASTER"
        elif r["sex"] == "F":
            title = ["MRS", "MISS", "MS"][rng.choice(3, p=[0.5, 0.3, 0.2])] if age >= 16 else "MISS"
        else:
            title = ""
        if rng.random() < 0.02:
            title = ""
        d = r["dob"]
        rows.append({
            "PERSON_REF": str(i),
            "TITLE": title,
            "SURNAME": r["last"].upper(),
            "FORENAME_1": r["first"].upper(),
            "FORENAME_2": r["middle"].upper(),
            "BIRTH_DATE": f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}" if d else "",
            "SEX": sx,
            "ADDR_LINE_1": r["line1"].upper().replace(",", ""),
            "ADDR_LINE_2": r["locality"].upper(),
            "POST_TOWN": r["town"].upper(),
            "PCODE": r["postcode"].upper(),
        })
    return pd.DataFrame(rows), [str(i) for i in ids]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--people", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    pop = Pop(a.people, a.seed)
    ex = Extractor(pop)
    recs, inA, inB, prev = ex.run()
    # shuffle row order
    rng = pop.rng
    for ag in "AB":
        order = rng.permutation(len(recs[ag]))
        recs[ag] = [recs[ag][i] for i in order]
    dfA, idsA = write_A(recs["A"], rng, ex.log["A"], ex.elig["A"])
    dfB, idsB = write_B(recs["B"], rng)
    dfA.to_csv(os.path.join(a.dir, "agency_a.csv"), index=False)
    dfB.to_csv(os.path.join(a.dir, "agency_b.csv"), index=False)
    byA, byB = defaultdict(list), defaultdict(list)
    for r, i in zip(recs["A"], idsA):
        byA[r["pid"]].append(i)
    for r, i in zip(recs["B"], idsB):
        byB[r["pid"]].append(i)
    truth = [(x, y) for pid in sorted(byA) if pid in byB for x in byA[pid] for y in byB[pid]]
    pd.DataFrame(truth, columns=["id_a", "id_b"]).to_csv(os.path.join(a.dir, "truth.csv"), index=False)
    # statistics
    both = sum(1 for p in pop.people if inA[p["pid"]] and inB[p["pid"]])
    nA = sum(inA.values()); nB = sum(inB.values())
    moved_both = sum(1 for p in pop.people if inA[p["pid"]] and inB[p["pid"]] and prev[p["pid"]][2])
    groups = Counter(p["group"] for p in pop.people)
    stats = dict(
        people=a.people, seed=a.seed, households=len(pop.households),
        records_a=len(dfA), records_b=len(dfB), people_a=nA, people_b=nB, people_both=both,
        overlap_share_of_a=both / nA, overlap_share_of_b=both / nB, truth_pairs=len(truth),
        moved_share_of_both=moved_both / both,
        group_shares={g: round(c / a.people, 4) for g, c in sorted(groups.items())},
        dob_0101_official=sum(1 for p in pop.people if p["dob"].month == 1 and p["dob"].day == 1) / a.people,
        realised={ag: {k: dict(applied=ex.log[ag][k], eligible=ex.elig[ag][k],
                               rate=round(ex.log[ag][k] / ex.elig[ag][k], 4) if ex.elig[ag][k] else None)
                       for k in sorted(ex.elig[ag])} for ag in "AB"},
    )
    with open(os.path.join(a.dir, "stats.json"), "w") as fh:
        json.dump(stats, fh, indent=1)
    # the model description (README.md beside this script), with this run's realised figures
    here = os.path.dirname(os.path.abspath(__file__))
    model = open(os.path.join(here, "README.md")).read() if os.path.exists(os.path.join(here, "README.md")) else __doc__
    lines = [model, "", f"## This run: --people {a.people} --seed {a.seed}", "",
             f"records A {len(dfA)}, B {len(dfB)}; people A {nA}, B {nB}, both {both}; truth pairs {len(truth)}; "
             f"moved among people in both {moved_both / both:.3f}", "",
             "| corruption | A applied / eligible | B applied / eligible |", "|---|---|---|"]
    for k in sorted(set(ex.elig["A"]) | set(ex.elig["B"])):
        cell = lambda ag: (f"{ex.log[ag][k]} / {ex.elig[ag][k]} = {ex.log[ag][k] / ex.elig[ag][k]:.4f}"
                           if ex.elig[ag][k] else "-")
        lines.append(f"| {k} | {cell('A')} | {cell('B')} |")
    if os.path.abspath(a.dir) != here:
        with open(os.path.join(a.dir, "README.md"), "w") as fh:
            fh.write("\n".join(lines) + "\n")
    print(json.dumps({k: v for k, v in stats.items() if k not in ("realised",)}, indent=1))


if __name__ == "__main__":
    main()
