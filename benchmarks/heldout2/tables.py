"""Name, place and variant tables of the heldout2 generator (hand-written, no linkcore input).

Lists are ordered from most to least frequent within their group; the generator gives them
Zipf-like weights. Underscores stand for spaces inside one name ("St_John" -> "St John").
"""

# --------------------------------------------------------------------------------------------
# Geography: a Leicestershire-like area (one city and seven districts), postcode districts that
# cross local-authority boundaries (LE2, LE8, LE9), towns and localities.
# (local authority, kind, share of population, [(outward code, post town, [localities])])
# --------------------------------------------------------------------------------------------
LOCAL_AUTHORITIES = [
    ("Leicester", "city", 0.33, [
        ("LE1", "Leicester", ["City Centre", "St Margarets"]),
        ("LE2", "Leicester", ["Aylestone", "Knighton", "Clarendon Park", "Highfields", "Evington",
                              "Stoneygate"]),
        ("LE3", "Leicester", ["Braunstone", "Westcotes", "New Parks", "Western Park"]),
        ("LE4", "Leicester", ["Belgrave", "Rushey Mead", "Beaumont Leys", "Stocking Farm"]),
        ("LE5", "Leicester", ["Humberstone", "Hamilton", "Netherhall", "Crown Hills"]),
    ]),
    ("Charnwood", "county", 0.17, [
        ("LE11", "Loughborough", ["Shelthorpe", "Thorpe Acre", "Nanpantan", "Storer"]),
        ("LE12", "Loughborough", ["Shepshed", "Quorn", "Sileby", "Mountsorrel",
                                  "Barrow upon Soar"]),
        ("LE7", "Leicester", ["Syston", "Anstey", "Rearsby", "East Goscote"]),
    ]),
    ("Hinckley and Bosworth", "county", 0.11, [
        ("LE10", "Hinckley", ["Burbage", "Barwell", "Hinckley"]),
        ("LE9", "Leicester", ["Earl Shilton", "Desford", "Stoney Stanton"]),
        ("CV13", "Nuneaton", ["Market Bosworth", "Sheepy Magna", "Twycross"]),
    ]),
    ("North West Leicestershire", "county", 0.10, [
        ("LE67", "Coalville", ["Whitwick", "Ibstock", "Thringstone", "Coalville"]),
        ("LE65", "Ashby-de-la-Zouch", ["Ashby", "Packington"]),
        ("DE74", "Derby", ["Castle Donington", "Kegworth"]),
        ("DE12", "Swadlincote", ["Measham", "Appleby Magna"]),
    ]),
    ("Blaby", "county", 0.09, [
        ("LE8", "Leicester", ["Blaby", "Whetstone", "Countesthorpe"]),
        ("LE19", "Leicester", ["Enderby", "Narborough", "Braunstone Town"]),
        ("LE9", "Leicester", ["Cosby", "Huncote"]),
    ]),
    ("Harborough", "county", 0.09, [
        ("LE16", "Market Harborough", ["Great Bowden", "Lubenham", "Market Harborough"]),
        ("LE17", "Lutterworth", ["Broughton Astley", "Ullesthorpe", "Lutterworth"]),
        ("LE8", "Leicester", ["Fleckney", "Kibworth"]),
    ]),
    ("Melton", "county", 0.05, [
        ("LE13", "Melton Mowbray", ["Melton Mowbray"]),
        ("LE14", "Melton Mowbray", ["Asfordby", "Waltham on the Wolds", "Long Clawson"]),
    ]),
    ("Oadby and Wigston", "county", 0.06, [
        ("LE18", "Wigston", ["South Wigston", "Wigston Magna"]),
        ("LE2", "Leicester", ["Oadby"]),
    ]),
]
COUNTY = "Leicestershire"

# Places outside the area that movers came from (outward code, post town).
ELSEWHERE = [
    ("NG7", "Nottingham"), ("NG9", "Nottingham"), ("DE22", "Derby"), ("DE1", "Derby"),
    ("CV1", "Coventry"), ("CV11", "Nuneaton"), ("B23", "Birmingham"), ("B10", "Birmingham"),
    ("NN1", "Northampton"), ("PE2", "Peterborough"), ("E7", "London"), ("N17", "London"),
    ("SE15", "London"), ("M14", "Manchester"), ("LS8", "Leeds"), ("S11", "Sheffield"),
    ("BD8", "Bradford"), ("L15", "Liverpool"), ("BS5", "Bristol"), ("CF24", "Cardiff"),
]

# Letters used in the last two characters of a postcode's inward code.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_STEMS = """Church Station Victoria Park Mill King Queen London Manor Oak Elm Ash Beech Willow
Meadow Orchard Kingfisher Belgrave Narborough Melton Humberstone Evington Aylestone Welford
Uppingham Hinckley Groby Fosse Abbey Bradgate Charnwood Beaumont Braunstone Glenfield Sandringham
Windsor Balmoral Highfield Springfield Stoneygate Clarendon Westcotes Tudor Hazel Holly Rowan
Cedar Birch Chestnut Lime Sycamore Hawthorn Laburnum Poplar Maple Juniper Heather Primrose
Bluebell Foxglove Lavender Cherry Walnut Ivy Shakespeare Milton Tennyson Byron Wordsworth Keats
Chaucer Dickens Austen Bronte Kipling Nelson Wellington Churchill Gladstone Peel Cromwell Grange
Vicarage Rectory Farm Chapel School Hall Castle Bridge Brook Spring Well Hill Forest Wood Green
Common Field Barley Wheatfield Windmill Marlborough Devonshire Cambridge Oxford Warwick Stamford
Ashby Burton Derby Coventry Nottingham Lutterworth Wigston Oadby Knighton Gipsy Fairfield
Brookfield Greenfield Moorfield Ashfield Mayfield Westfield Northfield Southfield Eastfield
Cavendish Grosvenor Stanley Spencer Mostyn Ratcliffe Latimer Hastings Ferrers Beaumanor Soar
Wreake Sence Trent Avon Swithland Rothley Quorn Cropston Kirby Thurnby Scraptoft Keyham
Gaulby Houghton Stoughton Wistow Saffron Lubbesthorpe Leicester Granby Belvoir Rutland Loughborough
Imperial Jubilee Coronation Albion Regent Prince Duke Albert Alexandra Empress""".split()

# (suffix, weight, abbreviation or "")
STREET_SUFFIXES = [
    ("Road", 30, "Rd"), ("Street", 16, "St"), ("Close", 11, "Cl"), ("Avenue", 8, "Ave"),
    ("Lane", 8, "Ln"), ("Drive", 7, "Dr"), ("Way", 4, ""), ("Crescent", 4, "Cres"),
    ("Gardens", 3, "Gdns"), ("Court", 2, "Ct"), ("Place", 2, "Pl"), ("Grove", 2, "Gr"),
    ("Terrace", 1, "Ter"), ("Walk", 1, ""), ("Mews", 1, ""), ("Rise", 1, ""), ("View", 1, ""),
]

HOUSE_NAMES = """Rose_Cottage The_Cottage Ivy_Cottage The_Old_Rectory The_Old_Vicarage The_Barn
Orchard_House The_Bungalow Woodlands Fairview Hillcrest Meadow_View The_Old_School_House
Yew_Tree_Cottage The_Stables Laurel_Bank Holly_Lodge Brook_House The_Laurels Oak_Lodge
Church_Farm Manor_Farm Home_Farm The_Old_Forge Westfield_House""".split()

BLOCK_NAMES = """Beaumont Kingfisher Clarendon Victoria Abbey Windsor Regent Heron Swallow Albion
Bradgate Jubilee Lancaster Sovereign Grange Brunel Hastings Latimer Ratcliffe
St_Margarets""".split()
BLOCK_KINDS = ["House", "Court", "Tower", "Lodge", "Point"]

# --------------------------------------------------------------------------------------------
# Origins of names (household level), and their shares in the city and in the county districts.
# --------------------------------------------------------------------------------------------
ORIGIN_SHARES = {
    #             city   county
    "british":    (0.43, 0.840),
    "irish":      (0.02, 0.020),
    "indian":     (0.20, 0.045),
    "sikh":       (0.05, 0.012),
    "pakistani":  (0.05, 0.008),
    "bangladeshi": (0.03, 0.004),
    "west_african": (0.03, 0.010),
    "somali":     (0.03, 0.002),
    "caribbean":  (0.025, 0.008),
    "polish":     (0.05, 0.030),
    "romanian":   (0.03, 0.010),
    "chinese":    (0.015, 0.008),
    "arab":       (0.02, 0.003),
}

# Probability that a UK-born child of this origin gets a name from the British lists.
ANGLICISED = {
    "british": 1.0, "irish": 0.6, "indian": 0.08, "sikh": 0.05, "pakistani": 0.03,
    "bangladeshi": 0.03, "west_african": 0.35, "somali": 0.03, "caribbean": 0.6,
    "polish": 0.35, "romanian": 0.3, "chinese": 0.45, "arab": 0.05,
}

# British given names by birth cohort: (first year of cohort, male list, female list).
BRITISH_GIVEN = [
    (1900,
     """John William George James Kenneth Robert Peter Ronald Dennis Derek Arthur Frederick
     Albert Thomas Raymond Roy Harold Leslie Donald Stanley Eric Alan Brian Norman Walter Ernest
     Frank Douglas Gordon Charles Edward Henry Joseph Cyril Sidney Herbert Reginald Alfred""",
     """Margaret Joan Mary Patricia Dorothy Jean Doris Joyce Barbara Betty Irene Eileen Sheila
     Audrey Elsie Kathleen Brenda Vera Phyllis Edna Gladys Marjorie Pamela Sylvia Maureen Iris
     Winifred Elizabeth Hilda Ivy Violet Lilian Florence Ethel Mabel Evelyn Beryl June Rita"""),
    (1945,
     """David John Michael Peter Paul Stephen Robert Christopher Alan Richard Anthony Ian Keith
     Martin Graham Colin Philip Andrew Trevor Barry Kevin Terence Geoffrey Malcolm Nigel Roger
     Gary Mark Neil Steven William James Brian Derek Kenneth Raymond Clive Dennis""",
     """Susan Linda Christine Margaret Janet Patricia Carol Elizabeth Mary Anne Jennifer Sandra
     Gillian Pauline Jacqueline Lesley Valerie Maureen Julie Karen Diane Wendy Elaine Barbara
     Angela Brenda Jean Sheila Kathleen Denise Lynn Sally Judith Hilary Teresa Yvonne Ann-Marie
     Jane Alison Heather"""),
    (1965,
     """David Paul Mark Andrew John Richard Michael Stephen Darren Lee Christopher Ian Jason
     Matthew Robert Simon Neil Gary Craig Wayne Daniel James Steven Anthony Carl Dean Scott
     Stuart Martin Jonathan Shaun Philip Kevin Adam Peter Nicholas Timothy Russell Glen""",
     """Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Karen Samantha Rachel Julie Louise
     Kelly Amanda Tracey Donna Deborah Alison Elizabeth Dawn Sharon Victoria Zoe Kerry Catherine
     Jennifer Angela Rebecca Laura Anne-Marie Joanna Jacqueline Hayley Natalie Suzanne Lindsey
     Caroline Gemma Lucy"""),
    (1985,
     """Daniel Thomas James Jack Joshua Matthew Ryan Luke Adam Samuel Christopher Benjamin Jordan
     Liam Callum Jake Connor Lewis Michael Alexander Nathan Bradley Kieran Jamie Harry Oliver
     William Aaron Charlie Joseph Jacob Reece Ashley Dean Tom Sam Scott Craig Kyle Dylan""",
     """Jessica Emily Sophie Lauren Hannah Rebecca Chloe Amy Charlotte Laura Emma Megan Sarah
     Katie Danielle Georgia Holly Bethany Jade Ellie Lucy Amber Stacey Gemma Natalie Abigail
     Olivia Shannon Courtney Rachel Jasmine Leah Paige Kayleigh Rachael Zoe Samantha Alice Eleanor
     Naomi"""),
    (2005,
     """Oliver Jack Harry Noah George Charlie Jacob Leo Alfie Oscar Freddie Arthur Theo Archie
     Thomas Joshua Henry William James Max Ethan Isaac Riley Teddy Jaxon Lucas Finley Harrison
     Logan Mason Joseph Alexander Samuel Tommy Reggie Albie Ronnie Louie Jenson Daniel""",
     """Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Grace Sophia Evie Freya
     Charlotte Florence Ivy Willow Rosie Sophie Daisy Millie Phoebe Evelyn Harper Sienna Ruby
     Lily-Mae Ellie-May Esme Matilda Elsie Maisie Layla Darcie Scarlett Erin Imogen Alice
     Hallie"""),
]

# Less common British, Welsh and Scottish given names (any cohort).
BRITISH_RARE_MALE = """Barnaby Rupert Tristan Jasper Felix Hugo Rhys Gareth Owen Euan Fraser Angus
Hamish Dafydd Emrys Gethin Iwan Alistair Duncan Lachlan Rory Callan Ellis Elliot Gabriel Jude
Rowan Ashton Brandon Cameron Dominic Edmund Fergus Gregory Howard Ivor Jeremy Julian Lloyd Marcus
Miles Nathaniel Quentin Rodney Rufus Seth Sebastian Toby Tobias Vincent Warren Wesley Zachary
Declan Hector Ralph Stanley Barney Cecil Desmond Lionel Percy Maurice Nigel Graeme Kris
Ross""".split()
BRITISH_RARE_FEMALE = """Bronwen Cerys Ffion Rhiannon Carys Eilidh Morag Kirsty Fiona Ailsa Catriona
Iona Isobel Seren Gwen Nia Megan-Louise Annabel Beatrice Clementine Cordelia Delilah Edith
Felicity Harriet Imelda Jemima Juliet Kimberley Lorna Marianne Nerys Octavia Penelope Rosalind
Sabrina Tabitha Ursula Verity Wilhelmina Yvette Zara Alexa Bonnie Cassie Della Fern Georgina
Hazel Ingrid Josephine Lara Mabel Nell Ottilie Pippa Romilly Stella Tamsin Vanessa Wren""".split()

GIVEN = {
    "irish": (
        """Patrick Sean Liam Ciaran Declan Niall Eoin Conor Padraig Cian Michael Dermot Eamon
        Seamus Brendan Kieran Fergal Donal Cathal Ronan""",
        """Siobhan Niamh Aoife Roisin Ciara Orla Mairead Sinead Bridget Eileen Grainne Aisling
        Caoimhe Deirdre Maeve Nuala Clodagh Sorcha Una Fionnuala"""),
    "indian": (
        """Raj Sanjay Ashok Vijay Rakesh Nitin Amit Pravin Dinesh Kiran Hitesh Mahesh Rajesh
        Anil Sunil Jayesh Arjun Rohan Dev Krish Aarav Vihaan Nikhil Manoj Bharat Ketan Mukesh
        Paresh Yogesh Dhruv Ishaan Kishan Naresh Rahul Vishal Suresh Ramesh Harish Jignesh""",
        """Priya Anjali Sunita Meena Hema Nisha Kavita Jaya Bhavna Rekha Asha Pooja Riya Diya
        Anika Shreya Hansa Kalpana Manisha Sneha Mira Nita Usha Sonal Heena Jyoti Komal Dipti
        Bhavisha Kajal Nirali Krupa Sapna Vanita Pushpa Shobha Leela Aanya Avni Saanvi"""),
    "sikh": (
        """Harjit Gurpreet Jasbir Sukhwinder Kulwant Manjit Amrik Balwinder Harpreet Jaswinder
        Ranjit Parminder Arjan Jaskaran Gurdeep Kuldip Surinder Rajinder Davinder Jagdeep
        Harvinder Amarjit Tejinder Sukhdev Gurjit""",
        """Harjinder Manjit Gurpreet Jaspreet Kulwinder Rajinder Simran Navneet Amandeep Harleen
        Manpreet Baljit Sukhjeet Parmjit Jasvir Ravinder Kiranjit Harkiran Gurleen Balvinder
        Jasleen Sharanjit Mandeep Rupinder Amrit"""),
    "pakistani": (
        """Mohammed Muhammad Ali Imran Tariq Asif Zubair Bilal Hamza Ibrahim Yusuf Adam Omar
        Abdul Shahid Khalid Nasir Rizwan Faisal Sajid Ayaan Zayn Haris Usman Amir Waqas Adnan
        Kamran Naveed Shoaib Arif Zahid Aamir Irfan Hassan""",
        """Fatima Ayesha Zainab Maryam Nazia Shabana Rubina Samina Nasreen Farzana Hafsa Khadija
        Amina Sana Iqra Noor Safia Shazia Yasmin Sumaiya Aleena Anaya Hania Mehreen Saima Tahira
        Uzma Zara Bushra Sadia Fozia Parveen Kauser Nabila"""),
    "bangladeshi": (
        """Mohammed Abdul Mohammad Rahim Karim Jamal Kamal Shahid Rashid Habib Anwar Shafiq
        Sayed Faruk Abu Nurul Mizanur Mahbub Shamim Rubel Tanvir Raihan Arif Imran Ayaan""",
        """Fatema Rokeya Shirin Nasima Rehana Shahanara Salma Jesmin Rumana Taslima Parvin
        Shamima Hasina Ruksana Nazma Sultana Sabina Tahmina Sumaya Ayesha Maryam Tasnim Nusrat
        Farhana Sharmin"""),
    "west_african": (
        """Oluwaseun Chinedu Emeka Tunde Kwame Kofi Samuel David Emmanuel Daniel Joseph Michael
        Tobi Ayo Femi Chukwuemeka Olumide Kayode Babatunde Yaw Kwabena Nnamdi Ikenna Obinna
        Godfrey Felix Isaac Ebuka Kelechi Adewale""",
        """Blessing Grace Chioma Ngozi Funmilayo Adaeze Abena Ama Esther Faith Precious Favour
        Temitope Deborah Folake Yetunde Adunni Nneka Ifeoma Akosua Efua Comfort Patience Joy
        Mercy Ruth Olamide Damilola Ololade Chiamaka"""),
    "somali": (
        """Abdi Mohamed Ahmed Abdirahman Abdullahi Hassan Hussein Omar Ali Yusuf Abdikarim
        Mahad Said Ismail Abdiaziz Farah Liban Khadar Mustafe Jama""",
        """Fartun Hodan Amina Sagal Hibo Ayan Fadumo Asha Hawa Khadra Ubah Sahra Ifrah Ikran
        Nimco Deeqa Layla Safiya Zamzam Maryan"""),
    "caribbean": (
        """Marcus Andre Delroy Winston Leroy Tyrone Jermaine Devon Clive Errol Jerome Kyle Jaden
        Rashid Shaquille Lloyd Trevor Carlton Desmond Everton Nathaniel Kareem Dwayne Courtney""",
        """Marcia Beverley Sharon Jasmine Keisha Tanisha Shanice Monique Yvonne Hyacinth
        Claudette Chantelle Natasha Janice Paulette Sonia Jacinta Simone Tamara Kezia Aaliyah
        Jada Shauna Beverly Maxine"""),
    "polish": (
        """Piotr Krzysztof Tomasz Paweł Michał Marcin Łukasz Jakub Kamil Mateusz Andrzej Adam
        Grzegorz Wojciech Dariusz Marek Rafał Bartosz Szymon Filip Antoni Jan Przemysław""",
        """Anna Katarzyna Agnieszka Magdalena Joanna Monika Ewa Małgorzata Natalia Zuzanna Maria
        Aleksandra Karolina Marta Justyna Beata Dorota Barbara Julia Zofia Wiktoria Paulina
        Sylwia"""),
    "romanian": (
        """Andrei Ionuț Mihai Alexandru Florin Gabriel Constantin Marius Bogdan Adrian Vasile
        Darius Vytautas Jonas Mantas Dmitri Ivan Nikolai Petar Georgi""",
        """Ioana Elena Maria Andreea Alina Cristina Mihaela Gabriela Daniela Ana Roxana Ruta Inga
        Egle Olga Svetlana Irina Yana Desislava Milena"""),
    "chinese": (
        """Wei Jun Hao Ming Jian Kevin Michael Chi Ka_Wai Wing Yong Lei Tao Feng Bo Chun Kwok
        Peter Jason Tony""",
        """Mei Li Xiao Ying Jing Hui Lily Grace Man_Yee Yan Xin Na Lan Fang Wai_Ling Winnie Joyce
        Amy Fiona Shirley"""),
    "arab": (
        """Ahmad Mohammad Khaled Mustafa Omar Ali Hussein Karim Samir Tariq Yousef Faris Rami
        Nabil Hamza Zakaria Bashir Walid Fadi Majid""",
        """Fatima Layla Noor Mariam Huda Rania Samira Amal Dalia Hana Lina Yasmin Zahra Salma
        Reem Nour Aya Dina Rasha Widad"""),
}

# Surnames. British: a frequent head (Zipf) and a long tail built from place-name parts.
BRITISH_SURNAMES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood
Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott
Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson
Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams
Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes
Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham
Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford
Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien
Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett
Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland
Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Dean Lane
Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter
Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert
Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber
Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Lynch Goodwin Barton
Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood Jennings Holt Kemp Poole
Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley
Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley
Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows
Briggs Storey Pickering Dale Fitzgerald McKenzie Ashton Vaughan MacDonald Fraser Sanderson
O'Sullivan D'Arcy Fitzpatrick St_John""".split()

SURNAME_PARTS_HEAD = """Ash Brad Whit Hol Pem Bur Cart Hay Mar Wal Wat Wor Ather Black Brom Brough
Cald Chad Clif Crom Dar Ding Eg Fair Farn Gar Gold Green Hab Hart Hax Hed Hep Hor Kes Kirk Lang
Lath Lid Lit Mal Mid Mor New North Pen Pick Ram Rat Red Rid Roth Rush Sal Sand Shep Shot Sil
Stan Ston Strat Sud Thorn Tod Twy Up Wad Wake Wel Wen West Whal Wig Win Wood""".split()
SURNAME_PARTS_TAIL = """worth ley ton shaw well field ford ham bury by wick wood hurst combe cliffe
don land more stead thwaite wright man ridge ington dale cott borough sey well brook gate""".split()

SURNAMES = {
    "irish": """Murphy Kelly O'Brien Byrne Ryan O'Connor O'Sullivan Walsh McCarthy O'Neill Doyle
    Gallagher Quinn Flanagan Doherty McLaughlin Kavanagh Brennan Nolan Maguire O'Reilly
    McGuinness Donnelly Hennessy Mulligan""",
    "indian": """Patel Mistry Shah Parmar Solanki Chauhan Lad Chavda Joshi Pandya Modi Mehta
    Desai Thakkar Lakhani Kotecha Vaghela Makwana Gohil Rathod Tailor Valand Karia Dattani
    Ruparelia Popat Kara Bhatt Vyas Pancholi Sharma Gupta Kumar Naik Rana D'Souza""",
    "sikh": """Sandhu Gill Dhillon Sidhu Bains Johal Atwal Grewal Sahota Bhamra Virdi Kalsi Rai
    Dhaliwal Randhawa Chahal Mann Sohal Bhogal Matharu""",
    "pakistani": """Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Rehman Shah Malik Butt Qureshi
    Sheikh Mirza Aslam Javed Hassan Anwar Bashir Riaz Rafiq Saleem Nawaz Yousaf Abbasi""",
    "bangladeshi": """Miah Uddin Islam Rahman Choudhury Ahmed Hussain Ali Begum Hoque Khatun
    Sarkar Alam Haque Kabir Sheikh Molla Talukder Bhuiyan Rashid""",
    "west_african": """Okafor Adeyemi Okonkwo Mensah Boateng Asante Owusu Adebayo Oluwole Eze
    Nwosu Osei Appiah Ogunleye Adeleke Nwachukwu Afolabi Ibrahim Agyeman Danso Oyelaran
    Okoro Obi Ogundipe N'Diaye Diallo""",
    "somali": """Mohamed Abdi Ahmed Hassan Ali Omar Farah Yusuf Ismail Osman Warsame Aden Jama
    Hussein Abdullahi Nur Guled Egal Dahir Mohamud""",
    "caribbean": """Campbell Brown Williams Johnson Francis Thomas Clarke Grant Henry Reid Morgan
    Gordon Bailey Edwards Stewart Richards Walker Lewis Robinson McKenzie Forbes Samuels
    Bennett Hylton Powell""",
    "polish": """Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński
    Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Krawczyk Piotrowski Grabowski
    Nowakowski Pawłowski Michalski Król Wieczorek Jabłoński Wróbel""",
    "romanian": """Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu
    Kazlauskas Petrauskas Jankauskas Ivanov Petrov Georgiev Dimitrov Balan Rusu""",
    "chinese": """Chan Wong Li Lee Zhang Wang Chen Liu Lam Cheung Ng Ho Yang Huang Lin Leung Tang
    Chow Yip Zhao""",
    "arab": """Al-Hassan Haddad Saleh Mansour Nasser Khalil Hamdan Al-Ali Aziz Ibrahim Karim
    Darwish Najjar Abboud Said Al-Sayed Farouk Hamid Kassem Yassin""",
}

# Sikh naming: Singh (men) and Kaur (women), as surname or as middle name.
SIKH_MALE, SIKH_FEMALE = "Singh", "Kaur"
FEMALE_ONLY_SURNAMES = {"Begum", "Khatun", "Bibi"}

# Polish surnames take a feminine form.
POLISH_FEMININE = [("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")]

# --------------------------------------------------------------------------------------------
# Nicknames and spelling variants.
# --------------------------------------------------------------------------------------------
NICKNAMES = {
    "William": ["Bill", "Will", "Billy", "Liam"], "Margaret": ["Peggy", "Maggie", "Meg", "Madge"],
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"], "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie",
    "Eliza"], "Richard": ["Rick", "Dick", "Richie"], "James": ["Jim", "Jimmy", "Jamie"],
    "Michael": ["Mike", "Mick", "Mickey"], "Thomas": ["Tom", "Tommy"], "Christopher": ["Chris",
    "Kit"], "Anthony": ["Tony"], "Catherine": ["Kate", "Cathy", "Katie"], "Katherine": ["Kate",
    "Kathy", "Katie"], "Patricia": ["Pat", "Trish", "Patsy"], "Susan": ["Sue", "Susie"],
    "Jennifer": ["Jenny", "Jen"], "Rebecca": ["Becky", "Becca"], "Alexander": ["Alex", "Sandy"],
    "Samuel": ["Sam", "Sammy"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Joseph": ["Joe",
    "Joey"], "Stephen": ["Steve"], "Steven": ["Steve"], "Andrew": ["Andy", "Drew"], "David":
    ["Dave", "Davey"], "Edward": ["Ted", "Ed", "Eddie", "Ned"], "Henry": ["Harry", "Hal"],
    "Frederick": ["Fred", "Freddie"], "Charles": ["Charlie", "Chas"], "Jacqueline": ["Jackie"],
    "Deborah": ["Debbie", "Debs"], "Victoria": ["Vicky", "Tori"], "Samantha": ["Sam", "Sammy"],
    "Nicola": ["Nicky"], "Abigail": ["Abbie", "Abby"], "Benjamin": ["Ben", "Benny"], "Jonathan":
    ["Jon", "Jonny"], "Timothy": ["Tim"], "Kenneth": ["Ken", "Kenny"], "Ronald": ["Ron",
    "Ronnie"], "Leslie": ["Les"], "Albert": ["Bert", "Albie"], "Dorothy": ["Dot", "Dolly",
    "Dottie"], "Mary": ["Molly", "Polly", "Mae"], "Sarah": ["Sally"], "Helen": ["Nell"],
    "Gillian": ["Gill", "Jill"], "Pamela": ["Pam"], "Christine": ["Chris", "Chrissie"],
    "Barbara": ["Babs", "Barbs"], "Raymond": ["Ray"], "Terence": ["Terry"], "Geoffrey": ["Geoff"],
    "Nicholas": ["Nick", "Nicky"], "Philip": ["Phil"], "Gregory": ["Greg"], "Douglas": ["Doug"],
    "Lawrence": ["Laurie", "Larry"], "Alfred": ["Alf", "Alfie"], "Arthur": ["Art"], "Patrick":
    ["Pat", "Paddy"], "Joshua": ["Josh"], "Jacob": ["Jake"], "Nathaniel": ["Nat", "Nathan"],
    "Oliver": ["Ollie"], "Isabella": ["Bella", "Izzy"], "Olivia": ["Liv", "Livvy"], "Amelia":
    ["Millie", "Amy"], "Eleanor": ["Ellie", "Nell"], "Charlotte": ["Lottie", "Charlie"],
    "Florence": ["Flo", "Florrie"], "Josephine": ["Jo", "Josie"], "Joanne": ["Jo"], "Joanna":
    ["Jo"], "Penelope": ["Penny"], "Frances": ["Fran"], "Theodore": ["Theo", "Teddy"],
    "Zachary": ["Zac", "Zach"], "Sebastian": ["Seb"], "Jessica": ["Jess"], "Natalie": ["Nat"],
    "Danielle": ["Dani"], "Georgina": ["Georgie", "Gina"], "Valerie": ["Val"], "Janet": ["Jan"],
    "Kathleen": ["Kath", "Kathy"], "Winifred": ["Winnie"], "Phyllis": ["Phyl"], "Mohammed":
    ["Mo"], "Muhammad": ["Mo"], "Oluwaseun": ["Seun"], "Babatunde": ["Tunde"], "Olumide":
    ["Mide"], "Chukwuemeka": ["Emeka"], "Oluwole": ["Wole"], "Katarzyna": ["Kasia"],
    "Małgorzata": ["Gosia"], "Aleksandra": ["Ola"], "Krzysztof": ["Chris", "Krzys"],
    "Piotr": ["Peter"], "Tomasz": ["Tom"], "Jakub": ["Kuba", "Jake"], "Gurpreet": ["Preet"],
    "Harjinder": ["Jindy"], "Sukhwinder": ["Sukhi"], "Rajinder": ["Raj"], "Harvinder": ["Harv"],
    "Rajesh": ["Raj"], "Jaswinder": ["Jas"], "Jaspreet": ["Jas"], "Abdirahman": ["Abdi"],
    "Abdullahi": ["Abdi"], "Alexandru": ["Alex"], "Aleksander": ["Alex"], "Lilian": ["Lily"],
    "Ann-Marie": ["Annie"], "Anne-Marie": ["Annie"], "Lily-Mae": ["Lily"], "Ellie-May": ["Ellie"],
}

FIRST_NAME_VARIANTS = [
    ["Mohammed", "Muhammad", "Mohammad", "Mohamed", "Muhammed"], ["Catherine", "Katherine",
    "Kathryn", "Catharine"], ["Stephen", "Steven"], ["Sean", "Shaun", "Shawn"], ["Philip",
    "Phillip"], ["Geoffrey", "Jeffrey"], ["Zoe", "Zoey"], ["Isobel", "Isabel", "Isabelle"],
    ["Leigh", "Lee"], ["Carl", "Karl"], ["Lindsey", "Lindsay"], ["Tracey", "Tracy"], ["Kerry",
    "Kerrie"], ["Jaden", "Jayden", "Jaiden"], ["Aisha", "Ayesha"], ["Fatima", "Fatimah",
    "Fatema"], ["Yusuf", "Yousef", "Yousuf"], ["Hayley", "Haley", "Hailey"], ["Ann", "Anne"],
    ["Marc", "Mark"], ["Nicola", "Nichola"], ["Rebecca", "Rebekah"], ["Sara", "Sarah"],
    ["Alan", "Allan", "Allen"], ["Brian", "Bryan"], ["Neil", "Neal"], ["Matthew", "Mathew"],
    ["Anthony", "Antony"], ["Jacqueline", "Jaqueline"], ["Deborah", "Debra"], ["Gillian",
    "Jillian"], ["Elizabeth", "Elisabeth"], ["Teresa", "Theresa"], ["Lesley", "Leslie"],
    ["Priya", "Preeya"], ["Harjit", "Harjeet"], ["Gurpreet", "Gurprit"], ["Jaspreet",
    "Jasprit"], ["Oluwaseun", "Oluseun"], ["Maryam", "Mariam", "Maryum"], ["Hussein",
    "Hussain", "Husain"], ["Abdirahman", "Abdurahman"], ["Ahmad", "Ahmed"], ["Khadija",
    "Khadijah"], ["Caitlin", "Kaitlyn", "Katelyn"], ["Jasmine", "Jasmin", "Yasmin"], ["Lewis",
    "Louis"], ["Ellie", "Elly"], ["Gemma", "Jemma"], ["Ashley", "Ashleigh"], ["Connor",
    "Conor"], ["Aaron", "Aron"], ["Freya", "Freyja"], ["Layla", "Leila", "Laila"], ["Rachel",
    "Rachael"], ["Kayleigh", "Kayley", "Kaylee"], ["Jon", "John"], ["Dennis", "Denis"],
    ["Brenda", "Brendah"], ["Sophia", "Sofia"], ["Amelia", "Emelia"], ["Darcie", "Darcey",
    "Darcy"], ["Niamh", "Neve", "Neeve"], ["Siobhan", "Shivaun"], ["Roisin", "Rosheen"],
]

SURNAME_VARIANTS = [
    ["Clarke", "Clark"], ["Thompson", "Thomson", "Tomson"], ["Reid", "Reed", "Read"], ["Smith",
    "Smyth", "Smythe"], ["Hussain", "Hussein", "Husain", "Hossain"], ["Choudhury", "Chowdhury",
    "Choudhry", "Chaudhry"], ["Rahman", "Rehman"], ["Uddin", "Udin"], ["Ahmed", "Ahmad"],
    ["Mohamed", "Mohammed", "Mohamud"], ["Miah", "Mia", "Meah"], ["Begum", "Begam"],
    ["McDonald", "MacDonald", "Macdonald"], ["Stevens", "Stephens"], ["Phillips", "Philips"],
    ["Matthews", "Mathews"], ["Davies", "Davis"], ["Gray", "Grey"], ["Bailey", "Baily",
    "Bayley"], ["Mistry", "Mistri"], ["Chauhan", "Chohan"], ["Dhillon", "Dhilon"], ["Lee",
    "Li"], ["Nowak", "Novak"], ["O'Brien", "O'Brian", "O'Bryan"], ["O'Neill", "O'Neil"],
    ["Walsh", "Welsh"], ["Murphy", "Murphey"], ["Nicholls", "Nichols"], ["Mahmood",
    "Mahmud", "Mehmood"], ["Qureshi", "Kureshi"], ["Yousaf", "Yusuf", "Yousuf"], ["Haque",
    "Hoque", "Huq"], ["Khatun", "Khatoon"], ["Osman", "Othman"], ["Abdi", "Abdy"], ["Sandhu",
    "Sindhu"], ["Johal", "Jouhal"], ["Atkinson", "Adkinson"], ["Hewitt", "Hewett"], ["Pearce",
    "Pierce", "Pearse"], ["Jeffries", "Jefferies", "Jeffreys"], ["Cooke", "Cook"], ["Browne",
    "Brown"], ["Greene", "Green"], ["Wilkinson", "Wilkenson"], ["Nicholson", "Nicolson"],
    ["Robertson", "Roberson"], ["Gibbs", "Gibb"], ["Mensah", "Mensa"], ["Boateng", "Boaten"],
]

# Keyboard neighbours (UK QWERTY) for typing errors.
KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]

# Rule-based sound-alike spellings, tried when a name has no listed variant.
PHONETIC_RULES = [
    ("ph", "f"), ("ck", "k"), ("ie", "y"), ("ey", "y"), ("y", "ie"), ("ee", "ea"), ("ea", "ee"),
    ("ou", "ow"), ("z", "s"), ("s", "z"), ("mm", "m"), ("ll", "l"), ("nn", "n"), ("tt", "t"),
    ("rr", "r"), ("th", "t"), ("c", "k"), ("k", "c"), ("ai", "ay"), ("ay", "ai"), ("i", "y"),
    ("son", "sen"), ("oe", "o"), ("ae", "e"), ("w", "v"), ("j", "g"), ("dh", "d"), ("kh", "k"),
    ("oo", "u"), ("u", "oo"), ("ei", "ie"), ("an", "en"),
]

TITLES_MALE = ["Mr"]
TITLES_FEMALE_MARRIED = ["Mrs", "Mrs", "Mrs", "Ms"]
TITLES_FEMALE_SINGLE = ["Miss", "Miss", "Ms"]
