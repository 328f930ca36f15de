"""Name tables for the h6gen held-out generator.

Written from general knowledge of UK name frequencies (ONS surname counts, ONS baby-name
rankings by decade, and common naming conventions of the UK's larger minority communities).
Weights are relative within each table; they are rough, deliberately not copied from Faker.
Format: "Name:weight Name:weight ..." (weight defaults to 1).
"""


def T(s):
    out = []
    for tok in s.split():
        if ":" in tok:
            n, w = tok.rsplit(":", 1)
            out.append((n.replace("_", " "), float(w)))
        else:
            out.append((tok.replace("_", " "), 1.0))
    return out


# ---------------------------------------------------------------- British surnames
BRIT_SURNAMES = T("""
Smith:126 Jones:75 Williams:63 Taylor:56 Brown:51 Davies:46 Evans:36 Wilson:35 Thomas:35
Johnson:33 Roberts:33 Robinson:28 Thompson:28 Wright:27 Walker:27 White:26 Edwards:25 Hughes:25
Green:25 Hall:24 Lewis:24 Harris:24 Clarke:23 Jackson:22 Wood:22 Turner:21 Martin:21 Cooper:20
Hill:20 Ward:20 Morris:20 Moore:19 Clark:19 Lee:19 King:19 Baker:18 Harrison:18 Morgan:18
Allen:17 James:17 Scott:17 Phillips:16 Watson:16 Davis:16 Parker:16 Price:15 Bennett:15
Young:15 Griffiths:15 Mitchell:15 Kelly:14 Cook:14 Carter:14 Richardson:14 Bailey:14 Collins:14
Bell:13 Shaw:13 Murphy:13 Miller:13 Cox:13 Richards:13 Marshall:12 Anderson:12 Simpson:12
Ellis:12 Adams:12 Wilkinson:11 Foster:11 Chapman:11 Powell:11 Webb:11 Rogers:11 Gray:11
Mason:11 Hunt:10 Campbell:10 Matthews:10 Owen:10 Palmer:10 Holmes:10 Mills:10 Barnes:10
Knight:10 Lloyd:10 Butler:10 Russell:10 Barker:10 Fisher:9 Stevens:9 Jenkins:9 Murray:9
Dixon:9 Harvey:9 Graham:9 Pearson:9 Fletcher:8 Walsh:8 Gibson:8 Howard:8 Andrews:8 Stewart:8
Elliott:8 Reynolds:8 Saunders:8 Payne:8 Fox:8 Ford:8 Pearce:8 Day:7 Brooks:7 West:7
Lawrence:7 Cole:7 Atkinson:7 Bradley:7 Spencer:7 Dawson:7 Ball:7 Burton:7 O'Brien:6 Watts:7
Rose:7 Booth:7 Perry:7 Ryan:6 Grant:6 Wells:6 Armstrong:6 Francis:6 Rees:6 Hayes:6 Hart:6
Hudson:6 Newman:6 Barrett:6 Webster:6 Hunter:6 Gregory:6 Carr:6 Lowe:6 Page:6 Marsh:6
Riley:6 Dunn:6 Woods:6 Parsons:6 Berry:6 Stone:6 Reid:6 Holland:5 Hawkins:5 Harding:5
Porter:5 Robertson:5 Newton:5 Oliver:5 Reed:5 Kennedy:5 Williamson:5 Bird:5 Gardner:5 Dean:5
Lane:5 Cooke:5 Bates:5 Henderson:5 Parry:5 Burgess:5 Bishop:5 Walton:5 Burns:5 Nicholson:5
Shepherd:5 Ross:5 Cross:5 Long:5 Freeman:5 Warren:5 Nicholls:5 Hamilton:5 Byrne:4 Sutton:5
McDonald:5 Yates:5 Hodgson:5 Robson:5 Curtis:5 Hopkins:5 O'Connor:4 Harper:4 Coleman:4
Watkins:4 Moss:4 McCarthy:3 Chambers:4 O'Neill:4 Griffin:4 Sharp:4 Hardy:4 Wheeler:4
Potter:4 Osborne:4 Johnston:4 Gordon:4 Doyle:3 Wallace:4 George:4 Jordan:4 Hutchinson:4
Reeves:4 Pritchard:3 Lamb:4 Fowler:4 Mann:3 Bull:3 Hancock:3 Preston:3 Sanders:3 Wilkins:3
Barton:3 Cartwright:3 Hewitt:3 Whitehouse:3 Bowen:3 Haynes:3 Goodwin:3 Read:3 Slater:3
Norris:3 Thornton:3 Mellor:2 Holt:3 Tucker:3 Knowles:2 Randall:2 Dyer:2 Birch:2 Summers:2
Rowe:3 Howell:2 Frost:3 McKenzie:2 MacKenzie:1 McLean:2 MacLeod:1 McGregor:2 McKay:2
McIntyre:1 MacDonald:2 Hutchins:1 Bryant:3 Briggs:2 Steele:2 Lord:2 Kay:2 Tyler:2 Gilbert:3
Glover:3 Hale:2 Horton:2 Kirby:2 Lambert:3 Law:2 Leach:2 Mahoney:1 Mann:1 Mead:1 Noble:2
Norton:2 Owens:2 Peacock:2 Pugh:2 Quinn:2 Ramsey:1 Rhodes:2 Sims:2 Skinner:2 Stanley:2
Swift:2 Talbot:2 Townsend:2 Vaughan:2 Wade:2 Walters:2 Weaver:2 Whitaker:2 Wiley:1 Winter:2
Hickman:1 Heath:2 Parkes:2 Bloxham:1 Aston:2 Dale:2 Ashby:1 Boyce:1 Cotterill:1 Faulkner:2
Greaves:1 Higgins:2 Hollis:1 Ingram:2 Jarvis:2 Keeling:1 Lucas:2 Manning:2 Merrick:1 Nash:2
Pickering:2 Plant:1 Randle:1 Sheldon:1 Tomkins:1 Upton:1 Varley:1 Whitfield:1 Wilde:1
""")

# rare English toponymic surnames built from parts (a long tail)
SURNAME_PREFIX = ("Ash Brad Black Whit Thorn Hol Brom Cal Crom Dar Ell Farn Green Hart Kings Lang "
                  "Mar Mid Ned Ox Pen Ram Shel Stan Sut Wal War Wed Wick Win Ather Bram Brock Clay "
                  "Cold Cran Els Ever Fair Hather Mox Nether Orm Pick Rock Saw Staple Tarl Wain "
                  "Yard Bel Bur Chad Dun Hasel Lock Bax Bright Pres Roth Stod Tid").split()
SURNAME_SUFFIX = ("ton ley worth field ford shaw wood by well ham combe den ridge stone hurst land "
                  "more bury cliffe dale croft gate wick stead").split()

IRISH_SURNAMES = T("""
Murphy:10 Kelly:8 O'Sullivan:6 Walsh:7 O'Brien:6 Byrne:6 Ryan:6 O'Connor:6 O'Neill:5
O'Reilly:4 Doyle:5 McCarthy:5 Gallagher:4 O'Doherty:2 Doherty:4 Kennedy:4 Lynch:4 Murray:4
Quinn:4 Moore:3 McLaughlin:3 Carroll:3 Connolly:3 Daly:3 O'Connell:3 Dunne:3 Brennan:3
Burke:3 Collins:3 Fitzgerald:3 Flanagan:2 Nolan:3 McMahon:2 McGrath:3 O'Donnell:2 Kavanagh:2
Keane:2 Maguire:2 Power:2 Whelan:2 Sheehan:2 O'Shea:2 Duffy:2 Healy:2 Hogan:2 Boyle:2
McNamara:2 O'Mahony:1 McGuinness:1 Mulligan:1 Donnelly:2 Fitzpatrick:2 McCann:2 Hegarty:1
O'Driscoll:1 Costello:1 Devlin:1 Mc_Donagh:1
""")

CARIBBEAN_SURNAMES = T("""
Campbell:6 Brown:8 Williams:7 Thomas:5 Johnson:5 Francis:4 Clarke:5 Grant:4 Lewis:4 Reid:5
Bailey:3 Morgan:3 Henry:4 Gordon:3 Samuels:3 Thompson:4 Richards:3 McKenzie:3 Walker:3
Edwards:3 Gayle:3 Bennett:3 Forbes:2 Powell:3 Stewart:3 Morrison:2 Robinson:3 Spencer:2
Simpson:2 Anderson:2 Wright:3 Davis:2 Hinds:2 Barrett:2 Blake:2 Mullings:1 Facey:1 Ricketts:1
""")

POLISH_SURNAMES = T("""
Nowak:20 Kowalski:14 Wiśniewski:10 Wójcik:10 Kowalczyk:9 Kamiński:9 Lewandowski:9
Zieliński:8 Szymański:8 Woźniak:8 Dąbrowski:7 Kozłowski:7 Jankowski:6 Mazur:6
Wojciechowski:6 Kwiatkowski:6 Krawczyk:6 Kaczmarek:6 Piotrowski:6 Grabowski:5 Zając:5
Pawłowski:5 Michalski:5 Król:5 Wieczorek:4 Jabłoński:4 Wróbel:4 Nowakowski:4 Majewski:4
Olszewski:4 Stępień:4 Malinowski:4 Jaworski:4 Adamczyk:4 Dudek:4 Nowicki:4 Pawlak:4 Górski:4
Witkowski:3 Walczak:3 Sikora:3 Baran:3 Rutkowski:3 Michalak:3 Szewczyk:3 Ostrowski:3 Tomaszewski:3
Pietrzak:3 Marciniak:3 Duda:3 Zalewski:3 Wróblewski:3 Jakubowski:3 Jasiński:3 Zawadzki:3
Sadowski:3 Bąk:2 Chmielewski:2 Włodarczyk:2 Borkowski:2 Czarnecki:2 Sawicki:2 Sokołowski:2
Kubiak:2 Maciejewski:2 Szczepański:2 Kucharski:2 Wilk:2 Kalinowski:2 Lis:2 Mazurek:2
Wysocki:2 Adamski:2 Kaźmierczak:2 Wasilewski:2 Sobczak:2 Czerwiński:2 Andrzejewski:2
Cieślak:2 Głowacki:2 Zakrzewski:2 Kołodziej:2 Sikorski:2 Krajewski:2 Gajewski:2 Szulc:2
Baranowski:2 Laskowski:2 Brzeziński:2 Makowski:2 Ziółkowski:2 Przybylski:2
""")

ROMANIAN_SURNAMES = T("""
Popescu:8 Ionescu:5 Popa:7 Pop:6 Radu:5 Dumitru:5 Stan:4 Stoica:4 Gheorghe:4 Matei:3
Ciobanu:4 Rusu:4 Munteanu:4 Constantin:4 Florea:3 Mihai:3 Dinu:3 Lazăr:3 Tudor:3 Moldovan:3
Marin:3 Nistor:2 Ene:2 Sârbu:2 Barbu:3 Ursu:2 Oprea:3 Toma:2 Vasile:3 Ilie:2 Lungu:2
""")

SIKH_FAMILY = T("""
Gill:10 Sandhu:8 Sidhu:6 Dhillon:6 Bains:5 Johal:5 Atwal:3 Sangha:4 Basra:3 Grewal:4 Kang:4
Mann:3 Sohal:3 Virdi:3 Bhogal:3 Rai:3 Dhaliwal:4 Sahota:3 Cheema:3 Chahal:3 Bassi:3 Heer:2
Kalsi:3 Matharu:2 Panesar:2 Sehmi:2 Bhamra:2 Uppal:2 Lall:2 Khela:2 Hayer:2 Randhawa:3
""")

GUJARATI_SURNAMES = T("""
Patel:35 Shah:8 Mistry:6 Parmar:5 Chauhan:5 Solanki:4 Lad:2 Joshi:3 Mehta:3 Desai:3 Modi:2
Pandya:2 Vaghela:2 Makwana:3 Chudasama:2 Rathod:3 Thakkar:2 Gohil:2 Jethwa:2 Pindoria:1
Kotecha:2 Lakhani:2 Bhatt:2 Vyas:2 Sharma:4 Kumar:3 Gupta:2 Tailor:2 Chavda:2 Rana:1 Kanji:1
Vadgama:1 Ruparelia:1 Popat:2 Majithia:1 Varsani:1 Hirani:1 Kerai:1 Bhudia:1
""")

PAKISTANI_SURNAMES = T("""
Khan:25 Hussain:18 Ahmed:14 Ali:14 Akhtar:6 Mahmood:8 Iqbal:7 Shah:5 Malik:6 Butt:4 Raza:3
Rashid:4 Chaudhry:3 Aziz:3 Mirza:3 Bashir:3 Anwar:3 Javed:3 Sadiq:2 Yousaf:2 Rehman:3
Nawaz:3 Younis:2 Riaz:2 Arshad:2 Hanif:2 Zaman:3 Akram:3 Saleem:2 Aslam:2 Qureshi:3
Siddique:2 Mughal:2 Abbasi:1 Ashraf:2 Afzal:2 Latif:2 Sultan:1 Hameed:2 Majid:1 Kiani:1
""")
PAKISTANI_FEMALE_SURNAMES = T("Begum:5 Bibi:4 Kausar:1 Akhtar:2 Parveen:1")

BANGLADESHI_SURNAMES = T("""
Miah:10 Uddin:10 Rahman:10 Islam:8 Ahmed:8 Ali:8 Hoque:4 Choudhury:6 Hussain:4 Khan:4 Alom:3
Sarkar:2 Chowdhury:4 Karim:3 Ullah:4 Mahmud:2 Haque:3 Hossain:3 Molla:1 Sheikh:2 Bhuiyan:1
""")
BANGLADESHI_FEMALE_SURNAMES = T("Begum:15 Khatun:5 Bibi:3 Akter:3 Nessa:1")

WEST_AFRICAN_SURNAMES = T("""
Adeyemi:4 Adebayo:4 Ogunleye:2 Olawale:2 Balogun:3 Akinola:2 Adewale:2 Adeleke:2 Ogunbiyi:2
Oyelaran:1 Ojo:3 Afolabi:3 Adeniyi:2 Oladipo:2 Bakare:2 Oyewole:2 Fashola:1 Adesanya:2
Ogundipe:2 Okafor:4 Okonkwo:3 Eze:3 Nwosu:3 Obi:3 Chukwu:2 Nwachukwu:2 Okoro:3 Onyeka:1 Ibe:1
Okeke:3 Nwankwo:2 Ogbonna:2 Anyanwu:2 Okoye:2 Ibrahim:3 Bello:3 Musa:2 Abubakar:2 Sani:1
Mensah:5 Owusu:5 Boateng:4 Asante:4 Osei:4 Agyeman:3 Appiah:3 Acheampong:2 Amoah:3 Ofori:3
Darko:2 Addo:2 Badu:2 Quaye:2 Tetteh:2 Annan:2 Asamoah:2 Opoku:3 Frimpong:2 Kyei:1 Antwi:2
Sarpong:2 Johnson:2 Williams:2 Cole:1 Macauley:1 Kamara:2 Sesay:2 Conteh:1 Bangura:1
""")

CHINESE_SURNAMES = T("""
Chan:8 Wong:8 Li:6 Lee:5 Cheung:5 Lam:5 Ho:4 Leung:4 Ng:4 Wang:6 Zhang:5 Liu:5 Chen:6 Yang:3
Huang:3 Zhao:2 Wu:3 Zhou:2 Lin:3 Tang:3 Yip:2 Tse:2 Lau:3 Chow:3 Cheng:3 Kwok:2 Lo:2 Xu:2
Sun:2 Ma:2 Guo:2 He:2 Hu:2 Zhu:2 Tan:2
""")

SOMALI_SURNAMES = T("""
Mohamed:12 Abdi:8 Ahmed:8 Hassan:7 Hussein:5 Ali:8 Omar:4 Farah:6 Warsame:3 Jama:4 Osman:3
Yusuf:3 Nur:3 Abdullahi:4 Ibrahim:3 Adan:3 Mohamud:4 Egal:2 Ismail:3 Duale:2 Abdulle:2
Hersi:2 Aden:3 Elmi:2 Gedi:1 Samatar:1 Mohamoud:1
""")

# ---------------------------------------------------------------- British first names by birth cohort
BRIT_FIRST = {
    ("M", 0): T("""John:60 William:30 David:30 Peter:28 Michael:25 Robert:25 James:25 Brian:20
Kenneth:18 George:18 Ronald:16 Dennis:12 Derek:12 Alan:18 Anthony:14 Roy:12 Raymond:14 Thomas:14
Frederick:8 Harold:8 Arthur:10 Albert:6 Leslie:8 Ernest:6 Norman:10 Geoffrey:10 Keith:12 Colin:12
Roger:10 Terence:10 Barry:10 Gordon:8 Douglas:6 Donald:6 Frank:8 Stanley:6 Charles:10 Edward:10
Richard:12 Patrick:6 Philip:8 Bernard:6 Maurice:5 Malcolm:6 Trevor:8 Graham:8 Eric:8 Leonard:6
Sidney:4 Walter:4 Henry:6 Christopher:8 Gerald:5 Harry:4 Jack:4 Joseph:6 Francis:4 Clifford:3
Cyril:3 Reginald:3 Stephen:4 Ian:8 Alfred:3 Victor:4"""),
    ("F", 0): T("""Margaret:40 Patricia:28 Mary:30 Jean:25 Joan:20 Barbara:20 Sheila:15 Maureen:15
Dorothy:12 Doreen:10 Joyce:12 Brenda:14 Valerie:12 Christine:12 Sylvia:10 Betty:8 Pauline:10
Eileen:10 Elizabeth:18 Irene:8 Kathleen:12 Janet:12 Ann:14 Anne:12 Susan:6 Marjorie:6 Edna:4
Iris:6 Audrey:8 Gladys:3 Vera:5 Hilda:3 Phyllis:4 June:8 Shirley:12 Rita:5 Beryl:5 Marion:6
Muriel:3 Elsie:4 Ethel:3 Olive:4 Lilian:5 Evelyn:5 Gwendoline:3 Rose:4 Catherine:6 Josephine:5
Sandra:5 Carol:6 Jacqueline:3 Gillian:6 Rosemary:6 Frances:4 Winifred:3 Norma:4 Ivy:3"""),
    ("M", 1): T("""David:40 John:30 Paul:30 Stephen:28 Michael:28 Peter:18 Robert:22 Mark:28 Andrew:26
Ian:18 Richard:20 Gary:18 Christopher:20 Anthony:16 Alan:14 Kevin:16 Steven:14 Philip:14 Martin:16
Nigel:10 Simon:14 Keith:10 Neil:12 Brian:8 Graham:10 Colin:8 Timothy:8 Trevor:6 Jonathan:8
Darren:8 Carl:8 Dean:6 Wayne:8 Lee:6 Russell:5 Adrian:6 Julian:4 Roger:6 Stuart:8 Barry:6
Thomas:6 James:16 William:8 Kenneth:4 Raymond:5 Terence:4 Patrick:5 Shaun:5 Craig:4 Glenn:4
Jason:5 Gordon:3 Derek:3 Edward:6 Malcolm:4 George:4 Robin:4 Clive:4 Geoffrey:2 Jeffrey:3"""),
    ("F", 1): T("""Susan:30 Linda:22 Christine:18 Margaret:12 Janet:14 Patricia:10 Carol:18 Elizabeth:14
Mary:10 Anne:12 Julie:22 Karen:24 Jacqueline:14 Deborah:16 Sandra:14 Gillian:12 Jane:14 Lesley:8
Alison:14 Helen:16 Sarah:12 Tracey:14 Angela:14 Lynn:8 Pauline:8 Wendy:10 Diane:10 Amanda:14
Joanne:10 Nicola:10 Kim:5 Beverley:6 Dawn:10 Denise:8 Sharon:14 Lorraine:10 Michelle:12 Elaine:8
Catherine:10 Jennifer:6 Ruth:6 Judith:6 Valerie:4 Caroline:10 Teresa:6 Maria:6 Sally:6 Yvonne:6
Jill:5 Barbara:4 Joanna:4 Kathryn:5 Rachel:6 Tracy:4 Clare:4 Claire:5"""),
    ("M", 2): T("""Daniel:22 James:26 Matthew:24 Christopher:22 Michael:18 David:18 Andrew:14 Thomas:18
Paul:12 Mark:12 Richard:12 Robert:12 Adam:16 Luke:12 Ryan:14 Craig:10 Lee:8 Jamie:10 Scott:8
Stephen:8 Jonathan:8 Benjamin:12 Samuel:10 Joshua:12 Liam:10 Jack:10 Nathan:8 Ashley:6 Carl:5
Dean:5 Gareth:6 Jason:6 Kieran:6 Steven:6 Darren:5 Alexander:8 Joseph:10 Simon:5 Stuart:5 Sean:6
Peter:6 Anthony:6 Martin:4 Wayne:4 John:8 William:8 Oliver:5 Aaron:6 Callum:6 Jordan:8 Connor:5
Lewis:5 Dominic:4 Gavin:4 Neil:4 Philip:4 Kyle:4 Jake:6 George:4 Harry:4 Edward:4 Karl:3
Jacob:4 Ross:4 Mathew:1 Phillip:1"""),
    ("F", 2): T("""Sarah:24 Emma:22 Laura:20 Rebecca:16 Claire:14 Nicola:14 Lisa:12 Kelly:10 Michelle:10
Rachel:14 Gemma:14 Hannah:14 Amy:14 Jessica:12 Samantha:12 Stacey:6 Hayley:8 Victoria:10
Charlotte:14 Lauren:12 Natalie:8 Louise:8 Catherine:8 Joanne:8 Emily:10 Sophie:12 Danielle:8
Kirsty:6 Katie:10 Jennifer:8 Helen:8 Zoe:6 Kimberley:4 Leanne:6 Katherine:6 Stephanie:8 Jade:8
Chloe:10 Holly:6 Elizabeth:8 Amanda:4 Donna:5 Lucy:10 Kate:5 Jodie:5 Alice:4 Georgia:6
Melissa:4 Naomi:4 Abigail:6 Megan:8 Kerry:4 Joanna:4 Alexandra:5 Natasha:5 Rachael:2 Sara:2"""),
    ("M", 3): T("""Oliver:18 Jack:18 Harry:16 George:12 Noah:10 Charlie:14 Jacob:12 Thomas:12 Oscar:10
William:10 James:12 Leo:8 Alfie:10 Joshua:12 Freddie:8 Archie:8 Ethan:10 Isaac:6 Alexander:6
Joseph:8 Edward:4 Samuel:8 Max:6 Logan:6 Lucas:6 Daniel:8 Theo:6 Arthur:6 Dylan:6 Riley:6
Henry:6 Liam:6 Mason:6 Harrison:4 Tyler:6 Jake:6 Lewis:6 Callum:6 Connor:6 Kian:4 Luke:6 Ryan:6
Matthew:6 Benjamin:6 Jayden:4 Finley:6 Toby:4 Sebastian:4 Reuben:3 Louie:4 Teddy:4 Jenson:3
Elliot:4 Bobby:3 Frankie:3 Zachary:3 Nathan:4 Adam:4 Tommy:3 Rory:3 Hugo:2 Albie:3 Ronnie:3"""),
    ("F", 3): T("""Olivia:16 Amelia:16 Isla:10 Ava:10 Emily:14 Sophie:10 Grace:10 Mia:8 Poppy:8 Ella:10
Lily:12 Evie:8 Isabella:8 Sophia:6 Ivy:6 Freya:8 Jessica:10 Chloe:10 Ruby:10 Charlotte:8
Millie:8 Daisy:6 Phoebe:6 Florence:5 Alice:5 Holly:6 Megan:8 Lucy:8 Hannah:8 Ellie:10 Lauren:6
Erin:6 Molly:8 Scarlett:6 Matilda:4 Rosie:5 Evelyn:4 Willow:4 Elsie:4 Harper:3 Layla:5 Maisie:5
Eva:6 Imogen:5 Amber:6 Katie:6 Leah:6 Abigail:5 Bethany:6 Paige:5 Georgia:6 Caitlin:4
Jasmine:5 Summer:4 Darcy:3 Zara:3 Aimee:3 Eleanor:4 Emma:4 Isabelle:3 Isobel:2"""),
}
BRIT_MIDDLE_EXTRA = {
    "M": T("James:20 John:14 Michael:10 Edward:6 Thomas:8 Lee:6 Paul:6 David:8 William:8 Alan:6 Robert:6 Peter:4 Anthony:4 Charles:4 George:4 Jack:3"),
    "F": T("Louise:20 Marie:16 Jane:14 Ann:10 Elizabeth:14 Rose:12 Mae:6 Grace:8 Anne:6 Victoria:4 Jayne:3 Lynn:4 May:6 Jean:3 Catherine:3"),
}

IRISH_FIRST = {
    ("M", 0): T("Patrick:10 Michael:10 John:10 Sean:5 Seamus:3 Brendan:4 Declan:2 Gerard:4 Martin:4 Thomas:5 Kevin:3 Dermot:2 Liam:2 Eamon:2 James:5 Francis:3 Joseph:4"),
    ("F", 0): T("Mary:14 Bridget:6 Kathleen:6 Margaret:8 Siobhan:2 Mairead:2 Maureen:5 Eileen:5 Teresa:4 Noreen:3 Catherine:4 Deirdre:3 Patricia:4 Ann:3"),
    ("M", 1): T("Sean:8 Patrick:6 Michael:6 Declan:4 Brendan:3 Kevin:4 Gerard:3 Dermot:2 Ciaran:3 Liam:3 Martin:3 Paul:4 John:4 Padraig:2 Seán:1 Colm:2 Eoin:1"),
    ("F", 1): T("Siobhan:6 Mairead:3 Sinead:4 Deirdre:3 Niamh:3 Aoife:2 Orla:3 Roisin:3 Mary:5 Bernadette:3 Geraldine:3 Maria:3 Róisín:1 Clare:3 Catherine:3"),
    ("M", 2): T("Ciaran:5 Conor:6 Eoin:4 Sean:5 Cian:3 Padraig:2 Darragh:3 Niall:4 Ronan:3 Liam:4 Declan:2 Aidan:3 Shane:3 Kieran:3 Seán:1 Oisín:1"),
    ("F", 2): T("Niamh:6 Aoife:5 Orla:4 Roisin:4 Aisling:4 Ciara:5 Grainne:2 Sinead:4 Siobhan:3 Clodagh:2 Caoimhe:2 Emer:2 Róisín:1 Gráinne:1"),
    ("M", 3): T("Oisin:3 Cian:3 Conor:4 Darragh:3 Fionn:3 Jack:4 Sean:3 Liam:3 Cillian:2 Ronan:2 Oliver:2 Harry:2 Tadhg:1"),
    ("F", 3): T("Saoirse:4 Niamh:4 Aoife:4 Caoimhe:3 Ciara:3 Erin:3 Orla:3 Aoibheann:1 Sadhbh:1 Grace:2 Ava:2 Éabha:1"),
}

CARIBBEAN_FIRST = {
    ("M", 0): T("Delroy:4 Winston:5 Leroy:4 Errol:4 Clive:3 Lloyd:4 Desmond:3 Everton:3 Trevor:3 Carlton:3 Lincoln:2 Neville:3 Fitzroy:2 Earl:2 George:2"),
    ("F", 0): T("Marcia:4 Beverley:3 Claudette:3 Pauline:3 Hyacinth:3 Yvonne:3 Sonia:3 Jennifer:3 Audrey:3 Gloria:3 Veronica:3 Cynthia:3 Hortense:2 Joyce:3"),
    ("M", 1): T("Delroy:3 Winston:2 Leroy:3 Errol:2 Clive:2 Marlon:3 Andre:3 Dwayne:2 Junior:2 Everton:2 Carlton:2 Lloyd:2 Michael:3 Trevor:2"),
    ("F", 1): T("Marcia:3 Beverley:3 Claudette:2 Sonia:3 Yvonne:2 Michelle:3 Donna:3 Janice:2 Paulette:2 Sharon:3 Natalie:2 Carol:2"),
    ("M", 2): T("Jermaine:4 Tyrone:3 Kemar:2 Marlon:3 Andre:3 Dwayne:3 Shane:2 Kyle:2 Jamal:2 Ricardo:2 Leon:3 Nathan:2 Aaron:2"),
    ("F", 2): T("Shanice:3 Tanisha:2 Keisha:3 Chantelle:3 Jade:3 Simone:3 Danielle:3 Kadisha:1 Tia:2 Leah:2 Natasha:2 Aaliyah:1"),
    ("M", 3): T("Tyrese:3 Jaden:3 Kai:3 Malachi:3 Isaiah:2 Elijah:3 Jayden:3 Reuben:2 Josiah:2 Kaiden:2"),
    ("F", 3): T("Aaliyah:3 Nia:3 Tia:3 Amara:2 Imani:2 Jada:2 Kiara:2 Zaria:2 Amelia:2 Layla:2"),
}

POLISH_FIRST = {
    ("M", 0): T("Stanisław:3 Jan:4 Józef:3 Kazimierz:2 Tadeusz:3 Zbigniew:3 Jerzy:3 Andrzej:3"),
    ("F", 0): T("Maria:4 Krystyna:3 Barbara:3 Danuta:2 Halina:3 Teresa:3 Irena:3 Janina:2"),
    ("M", 1): T("Andrzej:5 Krzysztof:5 Tomasz:3 Marek:4 Dariusz:3 Zbigniew:3 Janusz:3 Jarosław:3 Piotr:4 Ryszard:2 Mirosław:2 Wiesław:2"),
    ("F", 1): T("Ewa:5 Anna:5 Beata:4 Dorota:4 Iwona:4 Renata:3 Małgorzata:4 Grażyna:2 Jolanta:3 Bożena:2 Elżbieta:3"),
    ("M", 2): T("Piotr:8 Krzysztof:6 Tomasz:8 Paweł:7 Marcin:8 Michał:7 Łukasz:7 Jakub:5 Kamil:5 Mateusz:5 Grzegorz:4 Adam:4 Rafał:4 Wojciech:4 Sebastian:4 Damian:4 Bartosz:4 Przemysław:3 Dawid:4 Artur:3 Robert:3 Szymon:3 Patryk:3 Maciej:3 Mariusz:3 Daniel:3 Radosław:2 Sławomir:2"),
    ("F", 2): T("Anna:8 Katarzyna:8 Magdalena:7 Agnieszka:7 Joanna:6 Małgorzata:5 Aleksandra:5 Monika:6 Marta:5 Justyna:4 Karolina:5 Natalia:4 Paulina:4 Sylwia:4 Żaneta:2 Agata:3 Edyta:3 Emilia:3 Marzena:2 Kinga:3 Weronika:3 Ewelina:3 Dominika:3 Patrycja:3"),
    ("M", 3): T("Jakub:6 Antoni:4 Szymon:4 Filip:5 Jan:4 Aleksander:4 Franciszek:3 Mikołaj:4 Wojciech:3 Oliver:4 Nikodem:3 Kacper:4 Igor:3 Oskar:3 Adrian:2 Dawid:2 Jack:2 Oliwer:2"),
    ("F", 3): T("Zuzanna:6 Julia:6 Lena:5 Maja:5 Hanna:4 Zofia:4 Amelia:4 Oliwia:5 Wiktoria:4 Alicja:3 Nikola:3 Laura:3 Natalia:3 Emilia:3 Lily:2 Maya:2"),
}

ROMANIAN_FIRST = {
    ("M", 1): T("Ion:4 Vasile:4 Constantin:3 Nicolae:3 Gheorghe:3 Mihai:3 Florin:3 Marian:3"),
    ("F", 1): T("Maria:5 Elena:5 Mihaela:3 Daniela:3 Gabriela:3 Cristina:3 Florentina:2 Mariana:3"),
    ("M", 2): T("Andrei:6 Alexandru:5 Ionuț:4 Mihai:5 Florin:4 Gabriel:4 Marian:3 Adrian:4 Cristian:4 Daniel:4 Bogdan:4 Ștefan:2 Răzvan:3 Cosmin:3 Claudiu:2 Sorin:2"),
    ("F", 2): T("Maria:4 Elena:5 Ioana:5 Andreea:5 Alexandra:4 Mihaela:4 Ana:3 Cristina:4 Gabriela:3 Daniela:3 Georgiana:3 Roxana:3 Alina:4 Nicoleta:3 Florentina:2 Larisa:2"),
    ("M", 3): T("David:4 Andrei:4 Alexandru:4 Luca:4 Matei:3 Ștefan:2 Darius:3 Rareș:2 Eric:2 Gabriel:3"),
    ("F", 3): T("Maria:4 Ioana:3 Sofia:4 Daria:3 Ana:3 Bianca:3 Alexia:3 Antonia:2 Eva:2 Delia:2"),
}

SIKH_FIRST_UNISEX = T("""Harpreet:6 Gurpreet:6 Manpreet:5 Jaspreet:4 Kamaljit:3 Sukhwinder:4 Jaswinder:4
Rajinder:4 Harjinder:4 Parminder:4 Kuldip:3 Balvinder:3 Amarjit:3 Surinder:4 Navdeep:3 Sandeep:3
Mandeep:3 Gurdeep:3 Ravinder:3 Harvinder:3 Jasbir:3 Paramjit:3 Kulwant:2 Baljit:3 Sarbjit:2
Balwinder:3 Kamaljeet:1 Daljit:2 Sukhdeep:2 Rupinder:2""")
SIKH_FIRST = {
    ("M", 0): T("Gurdev:3 Jagdish:2 Amrik:2 Harbhajan:3 Karam:2 Ajit:2 Gurmukh:2 Mohinder:2 Kartar:2 Gurbachan:2"),
    ("F", 0): T("Gurdev:1 Surjit:3 Harbans:2 Mohinder:2 Jaswant:2 Gurbachan:1 Kartar:1 Amrit:2 Sukhdev:1"),
    ("M", 1): T("Jaspal:3 Gurmukh:1 Sukhdev:2 Jagjit:2 Tarsem:2 Malkit:2 Avtar:2"),
    ("F", 1): T("Manjit:3 Paramjit:2 Sukhjit:2 Rajwant:2 Narinder:2 Kirandeep:1"),
    ("M", 2): T("Jaskaran:2 Arjun:2 Gurveer:2 Amandeep:2 Ranjit:2 Sunny:2 Jag:1"),
    ("F", 2): T("Simran:3 Jasleen:2 Amrit:2 Navneet:2 Harleen:2 Sukhmani:1 Kiran:2 Priya:2"),
    ("M", 3): T("Arjun:4 Jaskaran:3 Gurveer:3 Aran:3 Ekam:2 Jaivir:2 Harvir:2 Arjan:2 Sehaj:2 Jai:2 Veer:2"),
    ("F", 3): T("Jasleen:3 Simran:3 Amrit:2 Harleen:3 Navneet:2 Sukhmani:3 Jasmine:2 Priya:2 Jiya:2 Ekam:1 Gurleen:2 Mehak:2"),
}

GUJARATI_FIRST = {
    ("M", 0): T("Ramesh:3 Suresh:3 Mahendra:3 Kantilal:3 Jayantilal:2 Natvarlal:2 Dhirajlal:2 Mansukh:2 Vinod:3 Chandrakant:2 Harish:2 Arvind:3"),
    ("F", 0): T("Hansa:3 Kokila:3 Savita:3 Shanta:3 Kanta:3 Pushpa:3 Lalita:2 Jayshree:2 Sarla:2 Manjula:2 Usha:2"),
    ("M", 1): T("Rajesh:5 Sanjay:5 Hitesh:4 Ketan:4 Dipak:4 Deepak:3 Mahesh:4 Dinesh:4 Mukesh:4 Pravin:3 Bharat:4 Jayesh:3 Nilesh:4 Alpesh:3 Ashok:4 Vijay:4 Rakesh:4 Manoj:3 Anil:4 Sunil:4 Kiran:2 Navin:3 Girish:2 Bhupendra:2 Pankaj:2"),
    ("F", 1): T("Bhavna:4 Hema:4 Manisha:4 Rekha:4 Sangita:4 Jayshree:3 Nita:4 Meena:4 Usha:3 Sunita:4 Kiran:3 Nayna:3 Sheetal:3 Hetal:3 Mital:2 Minal:2 Daxa:2 Jyoti:3 Nisha:3 Smita:3"),
    ("M", 2): T("Amit:5 Nikhil:4 Hitesh:3 Jignesh:3 Kaushik:2 Pankaj:2 Rahul:5 Rohan:4 Vipul:3 Ketan:2 Viral:3 Chirag:3 Kunal:4 Mehul:3 Sachin:3 Nitin:3 Jay:3 Nishant:2 Sagar:3"),
    ("F", 2): T("Priya:5 Pooja:5 Anjali:4 Nisha:4 Kajal:3 Nikita:4 Dipali:3 Heena:3 Bhavisha:3 Krupa:3 Hetal:3 Rupal:3 Reena:3 Neha:4 Shital:3 Krishna:2 Payal:3 Shreya:3 Roshni:3"),
    ("M", 3): T("Arjun:4 Dev:4 Krish:5 Aarav:4 Vihaan:3 Aryan:4 Neel:3 Jay:3 Yash:3 Dhruv:3 Shiv:3 Rishi:3 Rohan:3 Ishaan:3 Veer:2 Kian:2"),
    ("F", 3): T("Ria:4 Riya:4 Anaya:3 Diya:4 Isha:3 Kavya:3 Tara:3 Shreya:3 Mira:3 Siya:3 Priya:2 Aanya:3 Myra:3 Anika:3 Sana:1"),
}
GUJARATI_MIDDLE = T("Kantilal:3 Rameshbhai:2 Jayantilal:3 Natvarlal:2 Mahendra:3 Vinod:3 Harish:2 Praful:2 Chandrakant:3 Dhirajlal:2 Mansukh:2 Navin:2 Arvind:3 Jagdish:2 Girish:2 Bhupendra:2 Kumar:4 Ramesh:3 Suresh:3 Pravin:2")

MUSLIM_FIRST = {
    "M": T("""Mohammed:40 Ahmed:5 Ali:5 Imran:6 Asif:5 Tariq:5 Zahid:4 Bilal:4 Usman:4 Hamza:5 Ayaan:3
Zain:4 Abdul:6 Adam:4 Yusuf:4 Ibrahim:4 Umar:4 Omar:3 Hassan:4 Hussain:3 Amir:3 Faisal:3 Kamran:3
Shahid:4 Nadeem:3 Sajid:3 Waqas:3 Adnan:3 Rizwan:3 Arif:3 Javed:3 Naveed:3 Rashid:3 Khalid:3
Saeed:2 Idris:2 Musa:2 Zakariya:3 Ismail:3 Ayub:2 Haroon:2 Shoaib:2 Aamir:2 Zubair:2 Irfan:3"""),
    "F": T("""Fatima:6 Aisha:6 Ayesha:4 Zainab:5 Maryam:6 Nusrat:3 Shazia:4 Samina:3 Rukhsana:3 Amina:4
Hafsa:4 Khadija:4 Nadia:4 Sana:4 Sadia:3 Saima:4 Nazia:3 Farzana:3 Shabana:3 Parveen:4 Nasreen:4
Shamim:2 Razia:2 Yasmin:4 Noor:3 Hania:2 Inaya:3 Eshal:2 Zara:3 Safa:2 Iqra:3 Mariam:3 Aleena:2
Shahida:2 Rubina:3 Salma:3 Halima:3 Anum:2 Sobia:2 Tahira:2 Khalida:2 Mehwish:2"""),
}
BANGLADESHI_FIRST = {
    "M": T("""Mohammed:30 Abdul:12 Shahid:3 Jamal:3 Kamal:3 Rafiq:3 Sayful:2 Shofiqul:2 Ruhul:2 Abu:4
Anwar:3 Mizanur:3 Rahim:3 Habib:3 Jahangir:2 Shahin:3 Sohel:3 Foysal:2 Rubel:2 Imran:3 Ayaan:2
Zakaria:2 Ibrahim:3 Yusuf:2 Musa:2 Rayyan:2 Tanvir:3 Nazmul:2 Ashik:2 Shamim:2"""),
    "F": T("""Fatima:4 Rokeya:3 Hasina:3 Shirin:3 Jasmin:3 Ruksana:3 Nazma:3 Shahina:3 Rehana:3 Salma:3
Sultana:3 Taslima:3 Nasima:3 Halima:3 Aisha:3 Maryam:3 Sumaiya:3 Tahmina:2 Sabrina:2 Khadija:3
Amina:3 Inaya:2 Hafsa:2 Anisa:2 Rumana:2 Shapla:2 Mahmuda:2"""),
}
MUSLIM_MIDDLE_M = T("Imran:4 Asif:4 Tariq:4 Zahid:3 Bilal:3 Usman:3 Hamza:3 Abdul:2 Shahid:4 Nadeem:3 Sajid:3 Rizwan:3 Arif:3 Javed:3 Naveed:3 Rashid:3 Khalid:3 Faisal:3 Kamran:3 Adnan:3 Ali:4 Amir:3 Yasin:3 Ilyas:3 Aslam:2 Akram:2 Zubair:2 Irfan:2")

WEST_AFRICAN_FIRST = {
    "M": T("""Samuel:6 Emmanuel:7 David:5 Daniel:5 Joseph:4 Victor:4 Michael:4 Peter:3 Stephen:3 Godwin:2
Oluwaseun:3 Olumide:2 Adebayo:3 Babatunde:3 Oluwatobi:2 Oluwafemi:2 Chinedu:3 Chukwuemeka:2
Emeka:2 Obinna:2 Ikenna:2 Chidi:2 Nnamdi:2 Uchenna:1 Kwame:3 Kofi:3 Kwabena:2 Kwaku:2 Yaw:2
Kojo:2 Kwasi:2 Ebenezer:2 Isaac:2 Abdul:1 Ibrahim:2 Musa:1 Joshua:3 Jayden:2 Joel:2 Nathan:2
Ethan:2 Elijah:2 Caleb:2 Tobi:2 Ayodele:2 Temitope:1 Damilola:1 Olamide:1"""),
    "F": T("""Grace:6 Blessing:5 Esther:4 Deborah:3 Comfort:3 Gift:2 Favour:3 Mercy:3 Patience:2 Joy:3
Elizabeth:3 Ruth:2 Precious:3 Faith:3 Victoria:2 Oluwaseun:2 Folasade:2 Funmilayo:2 Bukola:2
Yetunde:2 Titilayo:2 Adeola:2 Temitope:2 Damilola:2 Olamide:2 Ayodele:1 Chioma:3 Ngozi:3
Adaeze:2 Chiamaka:2 Nneka:2 Ifeoma:2 Chidinma:2 Uchenna:1 Ama:2 Akosua:2 Abena:3 Adwoa:2 Afua:2
Yaa:2 Efua:2 Abigail:2 Hannah:2 Esi:1 Fatmata:1 Zion:1 Nana:2 Christabel:1 Aminata:1"""),
}

CHINESE_FIRST = {
    "M": T("Wei:6 Jun:4 Ming:4 Lei:3 Hao:3 Yu:3 Xiaoming:2 Zihan:2 Yichen:2 Yuxuan:2 Zhiwei:2 Haoran:3 Tao:3 Peng:3 Jie:3 Kai:2 Bo:2 Chen:2 Kevin:2 Michael:2 Alan:1 Eric:2 Jason:1 Kenneth:1 Raymond:1 Daniel:2"),
    "F": T("Jing:5 Hui:4 Yan:4 Xin:3 Jiayi:3 Xinyi:3 Shuang:2 Lili:3 Fang:3 Min:3 Ying:4 Qian:3 Mei:3 Yue:2 Ling:3 Jenny:2 Wendy:2 Winnie:1 Karen:1 Vivian:2 Ivy:1 Gloria:1 Emily:2 Grace:1"),
}
CHINESE_ENGLISH_ALIAS = {
    "M": T("Kevin:3 Michael:3 Alan:2 Eric:3 Jason:3 Kenneth:2 Raymond:2 David:3 Tony:3 Peter:2 Jack:2 Leo:2"),
    "F": T("Jenny:3 Wendy:3 Winnie:2 Karen:2 Vivian:3 Ivy:2 Gloria:2 Emily:3 Grace:2 Amy:3 Helen:2 Lily:2"),
}

SOMALI_FIRST = {
    "M": T("Abdirahman:5 Abdullahi:5 Mohamed:8 Ahmed:4 Abdi:4 Hassan:4 Hussein:3 Ali:3 Omar:3 Ismail:3 Yusuf:3 Khadar:3 Faisal:2 Abdikarim:3 Mustafe:2 Liban:3 Guled:2 Said:2 Abdiaziz:2 Bashir:2"),
    "F": T("Hodan:3 Fadumo:4 Hawa:4 Sahra:4 Ayan:4 Amina:4 Asha:3 Halimo:3 Ifrah:3 Nimco:3 Sagal:3 Deqa:3 Hibo:3 Khadra:3 Muna:3 Ubah:2 Idil:3 Ikran:3 Hamdi:2 Sumaya:3"),
}

# ---------------------------------------------------------------- variants
NICKNAMES = {
    "Robert": "Bob Rob Robbie Bobby", "William": "Bill Will Billy Liam", "Catherine": "Kate Cathy Cath Katie",
    "Katherine": "Kate Kathy Katie Kath", "Kathryn": "Kate Kathy", "Elizabeth": "Liz Beth Lizzie Betty",
    "Margaret": "Maggie Peggy Meg", "Mohammed": "Mo Mohd Md", "Muhammad": "Mo Md", "Mohammad": "Mo",
    "Mohamed": "Mo Moha", "James": "Jim Jimmy Jamie", "John": "Jack Johnny", "Jonathan": "Jon Jonny",
    "Michael": "Mike Mick Mikey", "Christopher": "Chris Kit", "Anthony": "Tony Ant", "Thomas": "Tom Tommy",
    "Daniel": "Dan Danny", "Matthew": "Matt", "Andrew": "Andy Drew", "Richard": "Rich Rick Richie Dick",
    "Edward": "Ed Eddie Ted Ned", "Alexander": "Alex Sandy Xander", "Alexandra": "Alex Lexi Sandra",
    "Samuel": "Sam Sammy", "Samantha": "Sam Sammie", "Benjamin": "Ben Benji", "Joseph": "Joe Joey",
    "Joshua": "Josh", "Nicholas": "Nick Nicky", "Stephen": "Steve Stevie", "Steven": "Steve",
    "David": "Dave Davey", "Peter": "Pete", "Patrick": "Pat Paddy", "Patricia": "Pat Trish Patsy",
    "Susan": "Sue Susie", "Deborah": "Debbie Deb", "Jennifer": "Jen Jenny", "Rebecca": "Becky Becca",
    "Victoria": "Vicky Tori", "Charlotte": "Charlie Lottie", "Charles": "Charlie Chas Chuck",
    "Jessica": "Jess Jessie", "Abigail": "Abbie Abby", "Eleanor": "Ellie Nell", "Amanda": "Mandy",
    "Christine": "Chris Chrissie Tina", "Kimberley": "Kim", "Nathan": "Nate", "Timothy": "Tim Timmy",
    "Kenneth": "Ken Kenny", "Raymond": "Ray", "Ronald": "Ron Ronnie", "Donald": "Don", "Gerald": "Gerry",
    "Frederick": "Fred Freddie", "Harold": "Harry", "Henry": "Harry Hal", "Dorothy": "Dot Dottie",
    "Josephine": "Jo Josie", "Joanne": "Jo", "Joanna": "Jo", "Philip": "Phil", "Leonard": "Len Lenny",
    "Terence": "Terry", "Lawrence": "Laurie Larry", "Sandra": "Sandy", "Pamela": "Pam",
    "Beverley": "Bev", "Jacqueline": "Jackie Jacqui", "Frances": "Fran", "Oliver": "Olly Ollie",
    "Isabella": "Bella Izzy", "Isabelle": "Izzy Belle", "Amelia": "Millie Amy", "Matilda": "Tilly",
    "Theodore": "Theo Ted", "Zachary": "Zach Zac", "Gillian": "Gill Jill", "Valerie": "Val",
    "Barbara": "Barb Babs", "Christina": "Tina Chris", "Stephanie": "Steph", "Natalie": "Nat",
    "Natasha": "Tash Tasha", "Alison": "Ali", "Caroline": "Carol Caz", "Danielle": "Dani",
    "Gareth": "Gaz", "Gary": "Gaz", "Jacob": "Jake", "Lewis": "Lew", "Callum": "Cal",
    "Frederica": "Freddie", "Sebastian": "Seb", "Archibald": "Archie", "Alfred": "Alf Alfie",
    "Albert": "Bert Albie", "Arthur": "Art", "Reginald": "Reg", "Sidney": "Sid", "Stanley": "Stan",
    "Douglas": "Doug", "Malcolm": "Mal", "Bernard": "Bernie", "Geoffrey": "Geoff", "Jeffrey": "Jeff",
    "Graham": "Gray", "Trevor": "Trev", "Lesley": "Les", "Leslie": "Les", "Maureen": "Mo",
    "Kathleen": "Kath Kathy", "Bridget": "Bridie", "Siobhan": "Shiv", "Declan": "Dec",
    "Piotr": "Peter", "Krzysztof": "Chris", "Małgorzata": "Gosia", "Katarzyna": "Kasia Kate",
    "Aleksandra": "Ola Alex", "Wojciech": "Wojtek", "Tomasz": "Tom Tomek", "Paweł": "Paul",
    "Michał": "Michael", "Jakub": "Kuba Jake", "Agnieszka": "Aga", "Magdalena": "Magda",
    "Przemysław": "Przemek", "Grzegorz": "Greg", "Łukasz": "Luke",
    "Alexandru": "Alex", "Ionuț": "Ionut", "Andreea": "Andra",
    "Oluwaseun": "Seun", "Babatunde": "Tunde", "Funmilayo": "Funmi", "Temitope": "Tope Temi",
    "Chukwuemeka": "Emeka", "Oluwatobi": "Tobi", "Oluwafemi": "Femi", "Olumide": "Mide",
    "Folasade": "Sade", "Damilola": "Dami", "Abdirahman": "Abdi", "Abdullahi": "Abdi",
    "Harjinder": "Harj", "Sukhwinder": "Sukhi", "Rajinder": "Raj", "Rajesh": "Raj", "Kamaljit": "Kam",
    "Jaswinder": "Jas", "Jaspreet": "Jas", "Gurpreet": "Gurps", "Parminder": "Pam",
    "Ibrahim": "Ibby", "Abdullah": "Abdul", "Zakariya": "Zak", "Hamza": "Ham",
    "Nikhil": "Nik", "Krishna": "Krish",
}
NICKNAMES = {k: v.split() for k, v in NICKNAMES.items()}

SPELLING_GROUPS = [
    # transliteration (applied at the higher "translit" rate)
    ("T", "Mohammed Muhammad Mohammad Mohamed Muhammed Mohamad"), ("T", "Ahmed Ahmad Ahmet"),
    ("T", "Hussain Hussein Husain Hossain"), ("T", "Yusuf Yousaf Yousuf Yusef"),
    ("T", "Aisha Ayesha Aysha"), ("T", "Fatima Fatimah Fatema"), ("T", "Mahmood Mahmud Mehmood"),
    ("T", "Rahman Rehman"), ("T", "Chaudhry Chaudhary Choudhury Chowdhury"),
    ("T", "Abdirahman Abdurahman Abdurrahman"), ("T", "Abdullahi Abdullah"), ("T", "Mohamud Mahamud Mohamoud"),
    ("T", "Zainab Zaynab"), ("T", "Maryam Mariam"), ("T", "Khadija Khadijah"), ("T", "Usman Osman Uthman"),
    ("T", "Umar Omar"), ("T", "Ibrahim Ebrahim"), ("T", "Ismail Ismael"), ("T", "Hafsa Hafsah"),
    ("T", "Miah Mia Meah"), ("T", "Uddin Udin"), ("T", "Hoque Haque Huq"), ("T", "Akhtar Akter Akhter"),
    ("T", "Iqbal Ikbal"), ("T", "Harjinder Harjindar"), ("T", "Rajinder Rajindar"),
    ("T", "Sukhwinder Sukhvinder"), ("T", "Jaswinder Jasvinder"), ("T", "Kuldip Kuldeep"),
    ("T", "Mandeep Mandip"), ("T", "Sandeep Sandip"), ("T", "Navdeep Navdip"), ("T", "Gurdeep Gurdip"),
    ("T", "Dipak Deepak"), ("T", "Mistry Mistri"), ("T", "Pravin Praveen"), ("T", "Yasmin Yasmeen Jasmin"),
    ("T", "Parveen Perveen Parvin"), ("T", "Nasreen Nasrin"), ("T", "Shamim Shameem"),
    ("T", "Sikander Sikandar"), ("T", "Abdul Abdal"), ("T", "Hassan Hasan Xasan"),
    ("T", "Fadumo Faduma"), ("T", "Mohamed Maxamed"),
    # English spelling alternatives (applied at the lower "spelling" rate)
    ("E", "Steven Stephen"), ("E", "Catherine Katherine Kathryn Catharine"), ("E", "Philip Phillip"),
    ("E", "Geoffrey Jeffrey"), ("E", "Sarah Sara"), ("E", "Hannah Hanna"), ("E", "Leanne Lianne"),
    ("E", "Claire Clare"), ("E", "Ann Anne"), ("E", "Isobel Isabel Isabelle"), ("E", "Rachel Rachael"),
    ("E", "Tracey Tracy"), ("E", "Kerry Kerrie"), ("E", "Stacey Stacy"), ("E", "Alan Allan Allen"),
    ("E", "Brian Bryan"), ("E", "Neil Neal"), ("E", "Matthew Mathew"), ("E", "Sean Shaun Shawn"),
    ("E", "Niamh Neve"), ("E", "Zoe Zoey"), ("E", "Jodie Jodi"), ("E", "Aimee Amy"),
    ("E", "Louie Louis"), ("E", "Elliot Elliott"), ("E", "Kimberley Kimberly"), ("E", "Lindsay Lindsey"),
    ("E", "Jayne Jane"), ("E", "Jon John"), ("E", "Gray Grey"), ("E", "Clarke Clark"),
    ("E", "Thompson Thomson"), ("E", "Philips Phillips"), ("E", "Reid Reed Read"),
    ("E", "Davies Davis"), ("E", "Mathews Matthews"), ("E", "Nicholls Nichols"), ("E", "Cooke Cook"),
    ("E", "Stevens Stephens"), ("E", "Wright Right"), ("E", "Elliott Elliot"), ("E", "Lloyd Loyd"),
    ("E", "Jayden Jaden Jaiden"), ("E", "Kian Keane"), ("E", "Leigh Lee"), ("E", "Isla Islay"),
    ("E", "Freya Freyja"), ("E", "Evie Evey"), ("E", "Sophia Sofia"), ("E", "Layla Leila Laila"),
]
