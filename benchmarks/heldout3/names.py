"""Name, place and street tables for the heldout3 generator, written from general knowledge of UK records.

Each list is in rough order of frequency; the generator turns rank into a Zipf-like weight, so the first
names of a list are far more common than the last. Nothing here was taken from linkcore.
"""

GROUPS = ("WB", "IR", "PL", "PK", "BD", "IN", "AF", "CB", "CN", "AR")

# ---- first names: (group, sex, era) -> names; era "o" born < 1960, "m" 1960-1989, "y" 1990+; "a" any era
FIRST = {
    ("WB", "M", "o"): """John David Michael Peter Robert Anthony Brian Alan William James Richard Kenneth Roy Keith
        Ronald Christopher George Dennis Derek Terence Raymond Stephen Paul Colin Barry Geoffrey Leslie Trevor
        Graham Frederick Arthur Norman Douglas Malcolm Eric Gordon Thomas Roger Donald Frank Harold Stanley Ernest
        Albert Walter Gerald Clifford Sidney Leonard Bernard Cyril Maurice Philip Dennis Victor Harry Henry""",
    ("WB", "M", "m"): """David Paul Mark Andrew Michael Stephen Richard Christopher Ian Darren Lee Craig Gary Neil
        Simon Jason Daniel Matthew James Robert John Steven Martin Anthony Kevin Jonathan Wayne Dean Scott Stuart
        Nicholas Carl Philip Peter Adam Thomas Benjamin Gareth Jamie Ryan Liam Alan Graham Shaun Sean Russell
        Timothy Glenn Dale Barry Colin Alexander Jeffrey Kieran Ross""",
    ("WB", "M", "y"): """Oliver Jack Harry George Charlie Jacob Thomas Noah William Oscar James Leo Alfie Joshua
        Freddie Archie Henry Ethan Isaac Alexander Joseph Samuel Daniel Logan Edward Lucas Max Mason Dylan Theo
        Harrison Lewis Luke Ryan Callum Kyle Connor Jake Tyler Liam Jayden Riley Arthur Benjamin Matthew Bradley
        Reece Nathan Owen Finley Louie Toby Jenson Rory Elliot Kian Declan Frankie Stanley""",
    ("WB", "F", "o"): """Margaret Patricia Mary Jean Joan Barbara Susan Elizabeth Christine Linda Sheila Dorothy
        Kathleen Valerie Brenda Pauline Janet Maureen Irene Sandra Doreen Ann Anne Carol Eileen Joyce Sylvia Marion
        Beryl Shirley Gillian Hazel Rita Betty Edna Pamela Jennifer Elsie Vera Audrey Winifred Evelyn Gladys
        Josephine Jacqueline Lilian Muriel June Iris Phyllis Rosemary Wendy""",
    ("WB", "F", "m"): """Sarah Claire Emma Nicola Lisa Joanne Michelle Helen Samantha Karen Rachel Louise Kelly
        Amanda Julie Laura Gemma Rebecca Victoria Donna Tracey Deborah Natalie Jennifer Catherine Katherine Kerry
        Stacey Hayley Zoe Lindsey Charlotte Jessica Amy Lucy Hannah Stephanie Angela Dawn Alison Caroline
        Elizabeth Susan Jacqueline Leanne Kirsty Lindsay Jane Suzanne Clare Sharon Tracy Kathryn Joanna Sally""",
    ("WB", "F", "y"): """Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie
        Jessica Chloe Ruby Freya Charlotte Daisy Phoebe Florence Millie Ellie Holly Megan Lauren Bethany Jade
        Chelsea Courtney Abigail Erin Amber Leah Molly Scarlett Harriet Matilda Layla Eva Hannah Rebecca Katie
        Georgia Paige Shannon Rosie Niamh Imogen Elsie Willow Maisie Summer Esme Sienna Lexi""",
    ("IR", "M", "a"): """Sean Patrick Michael John Liam Ciaran Declan Padraig Eoin Conor Brendan Seamus Kevin
        Darragh Cillian Oisin Niall Colm Dermot Fergal Tadhg Ruairi Cormac Donal""",
    ("IR", "F", "a"): """Mary Siobhan Niamh Aoife Ciara Sinead Bridget Roisin Orla Caoimhe Aisling Grainne
        Saoirse Deirdre Eimear Clodagh Maeve Catherine Ann Nuala Fionnuala Sorcha""",
    ("PL", "M", "a"): """Piotr Krzysztof Tomasz Paweł Marcin Michał Łukasz Jakub Kamil Mateusz Adam Andrzej Marek
        Grzegorz Wojciech Bartosz Dariusz Rafał Sebastian Jan Andrei Ionuţ Florin Mihai Vasile Gheorghe Darius
        Tomas Mindaugas Jonas Aleksandr Dmitri""",
    ("PL", "F", "a"): """Anna Katarzyna Agnieszka Magdalena Joanna Monika Aleksandra Ewa Justyna Karolina Natalia
        Paulina Marta Dorota Małgorzata Zofia Ioana Elena Maria Andreea Gabriela Beata Sylwia Edyta Renata
        Jolanta Kristina Ieva Olga Irina""",
    ("PK", "M", "a"): """Mohammed Muhammad Imran Adil Asif Tariq Zahid Shahid Naveed Usman Bilal Hamza Yusuf
        Ibrahim Zain Ayaan Abdul Rashid Khalid Kamran Faisal Abdullah Omar Amir Sajid Waqas Arif Nadeem Adnan
        Haroon Junaid Mustafa Zubair Saqib Irfan Wasim Ahmed Ali Haider""",
    ("PK", "F", "a"): """Fatima Aisha Ayesha Zainab Maryam Amina Khadija Nazia Shabana Samina Rukhsana Nasreen
        Farzana Shazia Sadia Hafsa Iqra Sana Saima Rubina Yasmin Aaliyah Inaya Hana Rehana Noor Sobia Tahira
        Parveen Kausar Zara Mehreen Humaira Anum""",
    ("BD", "M", "a"): """Mohammed Abdul Shahid Jamal Rahim Sohel Rubel Shafiq Kamrul Aminul Mizanur Habib Anwar
        Faruk Jahangir Shahin Mamun Ibrahim Rayyan Ayaan Yusuf Zakaria Imran Saiful Mahbub""",
    ("BD", "F", "a"): """Shamima Rehana Nazma Salma Taslima Rokeya Shirin Jesmin Nasima Fatema Sumaiya Tahmina
        Ruksana Shilpi Halima Sabina Aklima Rumana Maryam Aisha Safia Nadia Runa""",
    ("IN", "M", "a"): """Rahul Amit Sanjay Raj Vijay Arjun Rohan Anil Ravi Sunil Ashok Deepak Nikhil Vikram
        Harpreet Gurpreet Jaspal Manjit Sukhwinder Kuldip Rajinder Jagdeep Dev Krish Aarav Kiran Hitesh Nilesh
        Mahesh Pritpal Dilip Pradeep Rakesh Suresh Jasbir Paramjit Vishal Sandeep""",
    ("IN", "F", "a"): """Priya Anjali Pooja Neha Sunita Meera Asha Kavita Rekha Nisha Harjit Manpreet Gurpreet
        Jaspreet Kiran Amrit Simran Rajwinder Sonia Divya Shreya Anika Riya Hema Usha Bhavna Sukhjit Parminder
        Jyoti Komal Hansa Smita Nita Alka""",
    ("AF", "M", "a"): """Emmanuel Samuel David Daniel Michael Joseph Oluwaseun Chinedu Tunde Olusegun Kwame Kofi
        Yaw Ebuka Chukwuemeka Babajide Femi Adebayo Tobi Mohamed Abdi Abdirahman Hassan Ikechukwu Tendai Blessing
        Kelechi Obinna Kwabena Fiifi Isaac Moses""",
    ("AF", "F", "a"): """Grace Blessing Esther Mercy Faith Funmilayo Folake Adaeze Chioma Ngozi Abena Akua Ama
        Temitope Precious Joy Comfort Deborah Fadumo Hodan Amina Sagal Oluwatoyin Yetunde Nneka Adwoa Efua
        Patience Gift Tariro""",
    ("CB", "M", "a"): """Delroy Winston Leroy Jermaine Tyrone Marcus Andre Devon Clive Desmond Errol Lloyd Trevor
        Michael Anthony Dwayne Kemar Rohan Carlton Junior Nathaniel Reuben Elijah Joshua Kyrie""",
    ("CB", "F", "a"): """Marcia Beverley Shanice Tanisha Jasmine Paulette Claudette Sharon Natasha Yvonne
        Janet Charmaine Simone Keisha Aaliyah Chantelle Monique Maxine Gloria Hyacinth Jada""",
    ("CN", "M", "a"): """Wei Jun Hao Ming Jian Lei Yang Bo Tao Kai Chun Yu Zhi Long Feng Hong Wing Kin Ka Man""",
    ("CN", "F", "a"): """Li Mei Xin Ying Hui Jing Yan Xiao Lin Fang Ling Min Yi Qing Hua Wai Yee Siu Suk""",
    ("AR", "M", "a"): """Ahmed Mohamed Omar Yusuf Abdi Hassan Ali Mustafa Karim Khalid Mahmoud Samir Tarek Nabil
        Walid Said Ibrahim Abdullahi Osman Farhan Bashir Jamal Hamid""",
    ("AR", "F", "a"): """Fatima Amina Leila Nour Hodan Sara Mariam Hawa Ayan Zahra Rania Yasmin Huda Salma Hana
        Asma Layla Nadia Ikram Safiya Farhia Idil""",
}

# Caribbean people also carry common British names; handled by mixing in the WB table.

ANGLICISED = """Kevin Jason Tony Eric Peter Jimmy Alan Vincent Ken Raymond Michael Stanley David Jacky
    Amy Grace Helen Annie Joyce Vivian Winnie Cherry Jenny Michelle Candy Kitty Ivy Cindy""".split()

# ---- surnames: group -> names (frequency order). "+" marks a name a woman of the group takes in place of the
# family surname (Kaur, Begum ...); gendered Polish names are listed as male|female.
SURNAMES = {
    "WB": """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
        Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris
        Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
        Griffiths Mitchell Cook Carter Richardson Bailey Bell Shaw Miller Cox Richards Marshall Anderson Simpson
        Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes
        Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Dixon Harvey Graham Pearson Fletcher
        Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole
        Atkinson Bradley Spencer Dawson Ball Burton Watts Rose Booth Perry Grant Wells Armstrong Francis Rees Hayes
        Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone
        Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Williamson Bird Gardner Dean Lane Cooke
        Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls
        Hamilton Sutton McDonald Yates Hodgson Robson Curtis Hopkins Harper Coleman Watkins Moss Chambers Griffin
        Sharp Hardy Wheeler Potter Osborne Johnston Gordon Wallace George Jordan Hutchinson Rowe May Pritchard
        Gilbert Willis Miles Stevenson Stephenson Hammond Arnold Walters Hewitt Barber Nelson Slater Austin
        Whitehead Mann Frost Lambert Stephens Blake Goodwin Barton Woodward Thomson Cunningham Barnett Baxter
        Clayton Nash Greenwood Jennings Holt Kemp Poole Bond Stokes Tucker Davidson Fowler Heath Norman Middleton
        Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Douglas Dickinson Todd Barlow Peters Lucas Knowles
        Hartley Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows
        Briggs Storey Pike Fraser MacDonald McKenzie MacLeod McLean MacKay McGregor Mackintosh McIntyre McMillan
        MacKenzie Pugh Vaughan Llewellyn Prosser Bevan Howells Jenkinson Fitzpatrick Sinclair Murdoch Buchanan""",
    "IR": """Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill O'Reilly Doyle McCarthy Gallagher
        O'Doherty Kennedy Lynch Murray Quinn Moore McLaughlin O'Carroll Brennan Burke Collins Fitzgerald Keane
        Flanagan Duffy Nolan Maguire McGuinness O'Donnell Kavanagh Doherty Mulligan Hennessy""",
    "PL": """Nowak Kowalski|Kowalska Wiśniewski|Wiśniewska Wójcik Kowalczyk Kamiński|Kamińska
        Lewandowski|Lewandowska Zieliński|Zielińska Szymański|Szymańska Woźniak Dąbrowski|Dąbrowska
        Kozłowski|Kozłowska Jankowski|Jankowska Mazur Kwiatkowski|Kwiatkowska Krawczyk Piotrowski|Piotrowska
        Grabowski|Grabowska Pawłowski|Pawłowska Popescu Ionescu Popa Stan Dumitru Constantin Kazlauskas Petrov
        Ivanova Horvath Novak Kovacs Kaczmarek Zając Król Wieczorek Jabłoński|Jabłońska Majewski|Majewska
        Olszewski|Olszewska Stępień Malinowski|Malinowska Jaworski|Jaworska Adamczyk Dudek Nowicki|Nowicka Pawlak
        Górski|Górska Witkowski|Witkowska Walczak Sikora Baran Rutkowski|Rutkowska Michalski|Michalska Szewczyk
        Ostrowski|Ostrowska Tomaszewski|Tomaszewska Pietrzak Marciniak Wróbel Zalewski|Zalewska Jasiński|Jasińska
        Zawadzki|Zawadzka Sadowski|Sadowska Bąk Chmielewski|Chmielewska Włodarczyk Borkowski|Borkowska
        Czarnecki|Czarnecka Sawicki|Sawicka Sokołowski|Sokołowska Kubiak Maciejewski|Maciejewska Wilk
        Kalinowski|Kalinowska Lis Mazurek Wysocki|Wysocka Adamski|Adamska Kaźmierczak Sobczak Cieślak
        Głowacki|Głowacka Kołodziej Sikorski|Sikorska Szulc Makowski|Makowska Ziółkowski|Ziółkowska""",
    "PK": """Khan Hussain Ahmed Ali Akhtar Mahmood Iqbal Rehman Shah Aslam Chaudhry Butt Malik Mirza Qureshi Raza
        Javed Anwar Hussein Sheikh Saleem Riaz Hanif Rashid Bashir Yousaf Siddiqui Karim Nawaz Sadiq Arshad Latif
        Begum+ Bibi+""",
    "BD": """Miah Uddin Ahmed Rahman Islam Hussain Ali Hoque Haque Chowdhury Alom Khan Sarkar Hossain Karim
        Begum+ Khatun+ Bibi+""",
    "IN": """Patel Singh Sharma Shah Kumar Gill Sandhu Sidhu Mistry Parmar Chauhan Joshi Mehta Desai Solanki Bains
        Dhillon Grewal Johal Sohal Bhatti Rana Lal Chopra Kapoor Modi Thakkar Gupta Verma Nair Pillai Kaur+""",
    "AF": """Okafor Adeyemi Okonkwo Mensah Owusu Boateng Asante Adebayo Oladipo Ogunleye Eze Nwosu Afolabi Akinola
        Bello Ibrahim Mohamed Abdi Ali Hassan Osei Appiah Danso Ndlovu Mwangi Kamara Conteh Bangura Moyo Oyelaran
        Adeleke Ogundipe Agyeman Nkemelu""",
    "CB": """Campbell Brown Williams Thomas Clarke Edwards Francis Grant Robinson Henry Samuels Bailey Forbes
        McKenzie Powell Reid Morgan Gordon Lewis Johnson Richards Bennett Walker Wright Spence Gayle Lindo Dacres""",
    "CN": """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Chan Wong Cheung Lam Ng Lee Ho Leung Tang Lau Yip Tse""",
    "AR": """Mohamed Ahmed Hassan Ali Abdullahi Osman Yusuf Farah Warsame Jama Ibrahim Al-Sayed Al-Hashimi
        El-Masri Haddad Nasser Khalil Saleh Mansour Aziz Abdi Nur Hersi""",
}

# Yoruba/Igbo-style parts for the long tail of West African surnames.
AF_PRE = "Ade Olu Oye Aki Ogun Ola Afo Baba Odu Aya Oni Ako Eme Nwa Chi Obi".split()
AF_SUF = "bayo yemi wale nde labi tunde kunle sanya dipo femi jide gbenga nna ke kwu ora".split()

# English-style toponymic parts for the long tail of rare British surnames.
TAIL_PRE = """Ash Brad Brom Calder Chat Cold Crom Dun Elling Farn Gold Green Hal Hart Hather Hay Hol Kings Lang
    Lit Mar Mid Mor New Nor Old Pen Rad Ram Rid Ros Sand Shel Stan Stock Sut Thorn Wad War Wes Whit Wick Win Wood
    Wor Bram Carl Dal Eg Fen Gars Hux Kel Lox Mab Ock Pad Rox Sel Tad Ux Wal Ald Bick Chil Dray""".split()
TAIL_SUF = """ley ton worth field ford ham by well wood croft dale hurst more stead shaw bury wick combe den thorpe
    bridge cliffe gate land less low ridge stone wright""".split()

# ---- nicknames / short forms (formal -> forms people give)
NICK = {
    "Robert": "Bob Rob Bobby Robbie", "William": "Bill Will Billy Liam", "Richard": "Rich Rick Dick Richie",
    "Margaret": "Maggie Peggy Meg Margie", "Elizabeth": "Liz Beth Lizzie Betty Libby",
    "Catherine": "Kate Cathy Cath Katie", "Katherine": "Kate Kathy Kath Katie Kat", "Kathryn": "Kate Kathy",
    "James": "Jim Jimmy Jamie", "Michael": "Mike Mick Micky", "Thomas": "Tom Tommy", "Christopher": "Chris Kit",
    "Anthony": "Tony Ant", "Andrew": "Andy Drew", "Daniel": "Dan Danny", "David": "Dave Davy",
    "Stephen": "Steve", "Steven": "Steve", "Matthew": "Matt", "Nicholas": "Nick Nicky", "Jonathan": "Jon Jonny",
    "Joseph": "Joe Joey", "Samuel": "Sam Sammy", "Benjamin": "Ben Benny", "Alexander": "Alex Sandy Xander",
    "Edward": "Ed Ted Eddie Ned", "Frederick": "Fred Freddie", "Patricia": "Pat Trish Patsy",
    "Susan": "Sue Susie", "Jennifer": "Jenny Jen", "Rebecca": "Becky Becca", "Victoria": "Vicky Tori",
    "Samantha": "Sam Sammie", "Deborah": "Debbie Deb", "Kathleen": "Kath Kathy", "Patrick": "Pat Paddy",
    "Jacqueline": "Jackie", "Charlotte": "Charlie Lottie", "Abigail": "Abbie Abby", "Christine": "Chris Chrissie",
    "Josephine": "Jo Josie", "Joanne": "Jo", "Nicola": "Nicky Nikki", "Gillian": "Gill Jill", "Pamela": "Pam",
    "Kenneth": "Ken Kenny", "Leonard": "Len Lenny", "Ronald": "Ron Ronnie", "Terence": "Terry",
    "Raymond": "Ray", "Philip": "Phil", "Timothy": "Tim", "Harold": "Harry", "Henry": "Harry Hal",
    "Oliver": "Ollie", "Gerald": "Gerry", "Geoffrey": "Geoff", "Douglas": "Doug Dougie", "Gordon": "Gordy",
    "Stuart": "Stu", "Barbara": "Babs Barb", "Dorothy": "Dot Dottie", "Valerie": "Val", "Jean": "Jeannie",
    "Beryl": "Berry", "Sandra": "Sandy", "Amanda": "Mandy", "Rachel": "Rach", "Stephanie": "Steph",
    "Natalie": "Nat", "Jessica": "Jess Jessie", "Isabella": "Bella Izzy", "Amelia": "Millie Amy",
    "Florence": "Flo Florrie", "Matilda": "Tilly", "Harriet": "Hattie", "Eleanor": "Ellie Nell",
    "Zachary": "Zac", "Joshua": "Josh", "Nathan": "Nate", "Lawrence": "Larry Laurie", "Dennis": "Den",
    "Frank": "Frankie", "Albert": "Bert Albie", "Ernest": "Ernie", "Walter": "Wally", "Sidney": "Sid",
    "Stanley": "Stan", "Leslie": "Les", "Malcolm": "Mal", "Clifford": "Cliff", "Bernard": "Bernie",
    "Krzysztof": "Krzys Chris", "Małgorzata": "Gosia Margaret", "Katarzyna": "Kasia Kate", "Wojciech": "Wojtek",
    "Piotr": "Peter", "Paweł": "Paul", "Michał": "Michael", "Aleksandra": "Ola Alex", "Jakub": "Kuba",
    "Mohammed": "Mo", "Muhammad": "Mo", "Oluwaseun": "Seun", "Olusegun": "Segun", "Temitope": "Tope Temi",
    "Funmilayo": "Funmi", "Babajide": "Jide", "Chukwuemeka": "Emeka", "Oluwatoyin": "Toyin", "Ikechukwu": "Ike",
    "Abdirahman": "Abdi", "Abdullahi": "Abdi", "Siobhan": "Shiv", "Padraig": "Paddy", "Bridget": "Bridie Biddy",
    "Gurpreet": "Gary", "Harpreet": "Harry", "Sukhwinder": "Sukhi", "Rajinder": "Raj", "Jasbir": "Jas",
    "Gheorghe": "George", "Aleksandr": "Sasha", "Dmitri": "Dima",
}

# ---- spelling / transliteration variants: every name of a group may be written as any other of it
VARIANTS = [
    "Catherine Katherine Kathryn Catharine", "Stephen Steven", "Philip Phillip", "Geoffrey Jeffrey Jeffery",
    "Sean Shaun Shawn Seán", "Claire Clare", "Ann Anne", "Lindsey Lindsay Lyndsey", "Zoe Zoë Zoey",
    "Sophia Sofia", "Isobel Isabel Isabelle", "Mohammed Muhammad Mohammad Mohamed Muhammed Mohamad",
    "Yusuf Yousuf Yousef Yusef", "Aisha Ayesha Aysha", "Hussain Hussein Husain Hossain",
    "Chaudhry Chaudhary Choudhury Chowdhury Chaudhri", "Rehman Rahman Rahmaan", "Iqbal Ikbal",
    "Thomson Thompson", "Matthews Mathews", "Phillips Philips", "Reid Reed Read", "Gray Grey", "Clarke Clark",
    "Davies Davis", "Stephens Stevens", "Stephenson Stevenson", "Siobhan Siobhán Shevaun", "Niamh Neve Neamh",
    "Aoife Eva", "Sinead Sinéad Shinead", "Oisin Oisín Osheen", "Ciaran Ciarán Kieran", "Roisin Róisín Rosheen",
    "Fatima Fatimah Fatema", "Amina Aminah Ameena", "Mahmood Mahmud Mehmood", "Yousaf Yusuf Yousef",
    "Abdullahi Abdillahi", "Mohamed Mohammed Mahamed", "Ibrahim Ebrahim", "Osman Othman Usman",
    "Miah Mia Meah", "Uddin Udin", "Hoque Haque Hoq", "Islam Eslam", "Begum Begam", "Khatun Khatoon",
    "Zhou Chow Chou", "Chen Chan", "Wong Wang Huang", "Zhang Cheung Chang", "Li Lee Lei", "Wu Ng Woo",
    "Yang Yeung Young", "Liu Lau Lew", "Tse Xie Tsia", "Lam Lin Lum", "Ho He Hoh",
    "Olusegun Olushegun", "Funmilayo Funmilola", "Okonkwo Okonkow", "Adeyemi Adeyimi",
    "Oluwaseun Oluseun", "Chukwuemeka Chukwuemika", "Mensah Mensa", "Owusu Owusuh",
    "Nowak Novak", "Wójcik Wojcik Woycik", "Woźniak Wozniak Vozniak", "Krawczyk Kravchik", "Piotr Pyotr",
    "Andrei Andrey Andrii", "Aleksandr Alexander Aleksander", "Dmitri Dmitry Dimitri",
    "Ionuţ Ionut", "Gheorghe George Gheorge", "Natalia Natalya Nataliya", "Irina Iryna", "Olga Olha",
    "Harpreet Harprit", "Gurpreet Gurprit", "Jaspreet Jasprit", "Sukhwinder Sukhvinder", "Rajinder Rajindar",
    "Jasbir Jasvir", "Paramjit Paramjeet", "Manjit Manjeet", "Harjit Harjeet", "Kuldip Kuldeep",
    "Jagdeep Jagdip", "Sandeep Sandip", "Pradeep Pradip", "Dilip Dileep", "Deepak Dipak",
    "Kaur Kour", "Dhillon Dhilon", "Sandhu Sandu", "Chauhan Chohan", "Mistry Mistri",
    "MacDonald McDonald Macdonald", "MacKenzie McKenzie Mackenzie", "MacLeod McLeod Macleod",
    "MacKay McKay Mackay", "McGregor MacGregor", "McLean MacLean Maclean", "McMillan MacMillan Macmillan",
    "Mackintosh McIntosh MacIntosh", "McIntyre MacIntyre", "Fitzpatrick FitzPatrick",
    "O'Sullivan Sullivan", "O'Reilly Reilly O'Rielly", "O'Doherty Doherty", "O'Carroll Carroll",
    "Llewellyn Llewelyn Lewellen", "Nicholls Nichols", "Nicholson Nicolson", "Jenkinson Jenkison",
    "Hutchinson Hutchison", "Mitchell Mitchel", "Cunningham Cuningham", "Whitehead Whitehed",
]

# ---- places: (postcode area, town, highest district number, weight, ethnic profile)
AREAS = [
    ("E", "London", 20, 3.0, "le"), ("IG", "Ilford", 11, 1.0, "le"), ("N", "London", 22, 2.0, "lo"),
    ("NW", "London", 11, 1.5, "lo"), ("SE", "London", 28, 2.5, "lo"), ("SW", "London", 20, 2.0, "lo"),
    ("W", "London", 14, 1.5, "lo"), ("CR", "Croydon", 9, 1.0, "lo"), ("B", "Birmingham", 76, 3.0, "mi"),
    ("BD", "Bradford", 24, 1.5, "mi"), ("LE", "Leicester", 19, 1.5, "mi"), ("OL", "Oldham", 16, 0.8, "mi"),
    ("BB", "Blackburn", 12, 0.7, "mi"), ("LU", "Luton", 7, 0.6, "mi"), ("WV", "Wolverhampton", 16, 0.6, "mi"),
    ("M", "Manchester", 90, 2.5, "bc"), ("L", "Liverpool", 38, 1.5, "bc"), ("LS", "Leeds", 29, 2.0, "bc"),
    ("S", "Sheffield", 36, 1.6, "bc"), ("NG", "Nottingham", 34, 1.2, "bc"), ("NE", "Newcastle upon Tyne", 66, 1.5,
    "bc"), ("BS", "Bristol", 49, 1.5, "bc"), ("CF", "Cardiff", 48, 1.2, "bc"), ("G", "Glasgow", 84, 1.8, "bc"),
    ("EH", "Edinburgh", 55, 1.2, "bc"), ("CV", "Coventry", 47, 0.9, "bc"), ("PE", "Peterborough", 38, 0.9, "bc"),
    ("SL", "Slough", 9, 0.6, "bc"), ("RG", "Reading", 45, 0.9, "bc"), ("KT", "Kingston upon Thames", 24, 0.8, "bc"),
    ("EX", "Exeter", 39, 0.8, "ru"), ("TR", "Truro", 27, 0.5, "ru"), ("LN", "Lincoln", 13, 0.6, "ru"),
    ("NR", "Norwich", 35, 0.8, "ru"), ("IP", "Ipswich", 33, 0.7, "ru"), ("SY", "Shrewsbury", 25, 0.5, "ru"),
    ("LD", "Llandrindod Wells", 8, 0.15, "ru"), ("DG", "Dumfries", 16, 0.25, "ru"), ("PL", "Plymouth", 35, 0.7,
    "ru"), ("TA", "Taunton", 24, 0.5, "ru"), ("YO", "York", 62, 0.8, "ru"), ("HR", "Hereford", 9, 0.3, "ru"),
    ("CA", "Carlisle", 28, 0.4, "ru"), ("DH", "Durham", 9, 0.5, "ru"), ("WR", "Worcester", 15, 0.5, "ru"),
    ("GL", "Gloucester", 56, 0.7, "ru"), ("SA", "Swansea", 73, 0.8, "ru"), ("AB", "Aberdeen", 56, 0.6, "ru"),
    ("IV", "Inverness", 63, 0.3, "ru"), ("BT", "Belfast", 94, 0.9, "ni"), ("MK", "Milton Keynes", 46, 0.6, "bc"),
    ("DN", "Doncaster", 41, 0.8, "ru"), ("HU", "Hull", 20, 0.6, "ru"), ("ST", "Stoke-on-Trent", 21, 0.8, "ru"),
]

# ethnic profile -> weights over GROUPS
PROFILES = {
    "le": (34, 2, 7, 7, 10, 9, 13, 6, 4, 6),
    "lo": (45, 4, 7, 3, 2, 9, 10, 7, 5, 8),
    "mi": (62, 1, 4, 15, 3, 7, 3, 2, 1, 2),
    "bc": (72, 2, 6, 5, 1, 4, 4, 2, 2, 2),
    "ru": (92, 1.5, 3, 0.8, 0.2, 1, 0.5, 0.3, 0.4, 0.3),
    "ni": (50, 44, 3, 0.5, 0.2, 0.8, 0.3, 0.5, 0.5, 0.2),
}

STREET_A = """Church Station Victoria Park High Mill Green Manor Queens Kings Albert Grange New School London
    Springfield Richmond Chester Windsor York Alexandra Cavendish Beech Oak Elm Ash Willow Cedar Holly Hawthorn
    Meadow Orchard Brook Chapel Castle Market Bridge North South West Clarence Stanley Salisbury Derby Grosvenor
    Highfield Hillside Moorland Woodland Riverside Fairfield Broadway Princes Marlborough Wellington Nelson Trafalgar
    Hamilton Melbourne Shaftesbury Gladstone Jubilee Coronation Oxford Cambridge""".split()
STREET_B = """Road Street Avenue Lane Close Drive Gardens Crescent Way Place Grove Terrace Court Walk Rise Mews
    Hill View Park Square""".split()
BLOCK_NAMES = """Tower Heights Court House Point Lodge Mansions""".split()
CARE_NAMES = """Oakwood Beechwood Rosewood Meadowbank Ashgrove Sunnyside Fairhaven Willowbrook Elmhurst Hollybank
    Abbeyfield Highcroft Larchwood Brambles""".split()
HALL_NAMES = """Cavendish Rutherford Newton Faraday Darwin Brunel Pankhurst Turing Lovelace Mandela Seacole Hopper
    Attenborough Franklin""".split()
