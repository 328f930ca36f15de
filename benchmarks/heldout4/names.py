"""Name tables for the heldout4 generator.

Written from general knowledge of names in England (ONS baby-name rankings by
decade, the commonest surnames of England and Wales, and the naming customs of
the larger minority communities of an East Midlands city).  Lists are in rough
frequency order; a trailing "*k" multiplies an entry's rank weight by k (used
for very dominant names such as Patel, Singh/Kaur, Khan or Muhammad).
"""

# ---------------------------------------------------------------------------
# White British: five birth eras.
# ---------------------------------------------------------------------------
WB_M = {
    "e1": """John William George Robert Peter Michael David Thomas James Kenneth
        Ronald Dennis Derek Roy Brian Alan Raymond Frederick Arthur Albert Harold
        Stanley Leslie Norman Douglas Eric Gordon Keith Terence Anthony Geoffrey
        Donald Colin Bernard Walter Ernest Frank Charles Edward Richard Alfred
        Cyril Sidney Reginald Herbert Clifford Maurice Victor Harry Jack Joseph""",
    "e2": """David John Paul Mark Michael Stephen Andrew Peter Robert Richard Ian
        Gary Steven Christopher Anthony Alan Kevin Philip Martin Simon Nigel
        Graham Keith Trevor Colin Neil Darren Jonathan Timothy Brian Barry Roger
        Malcolm Terry Dean Carl Wayne Russell Jeremy Julian Adrian Clive Shaun
        Glenn Lee Phillip Geoffrey Kenneth""",
    "e3": """Paul David Mark James Andrew Richard Christopher Daniel Michael
        Matthew Lee Darren Jason Stephen Craig Robert Simon Steven Neil Scott
        Gareth Carl Adam Thomas Jonathan Anthony Martin Wayne Jamie Ben Ryan Dean
        Kevin Stuart Gavin Ashley Nicholas Philip Liam Luke Mathew Marc Shane
        Jon Karl Ross Danny Dale""",
    "e4": """Jack Thomas James Joshua Daniel Harry Samuel Joseph Matthew Callum
        Luke William Lewis Oliver Ryan Benjamin George Liam Jordan Adam Alexander
        Jake Connor Cameron Nathan Kieran Jamie Charlie Michael Tyler Bradley
        Ethan Reece Owen Kyle Aaron Dylan Max Alfie Sam Jacob Ben Declan Josh
        Brandon Louis Elliot Rhys Toby""",
    "e5": """Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo
        Arthur Archie Henry Theo Thomas William Joshua James Logan Ethan Isaac
        Lucas Max Teddy Finley Riley Mason Jaxon Reggie Albie Tommy Ronnie Louie
        Frankie Harrison Rory Hugo Elijah Alexander Dylan Joseph Sebastian Jude
        Edward Harvey Tyler Stanley Kai Ollie Bobby""",
}
WB_F = {
    "e1": """Margaret Mary Joan Patricia Doreen Dorothy Betty Jean Barbara Joyce
        Sheila Irene Kathleen Elizabeth Audrey Maureen Brenda Shirley Sylvia
        Pamela Valerie Eileen June Marjorie Doris Edna Gladys Iris Pauline Ann
        Jennifer Hilda Vera Elsie Beryl Rita Marion Olive Evelyn Gwendoline
        Winifred Phyllis Ivy Mavis Violet Lilian Muriel Ethel""",
    "e2": """Susan Julie Karen Linda Tracey Jacqueline Deborah Elizabeth Christine
        Sarah Margaret Patricia Janet Alison Sandra Jane Gillian Helen Amanda
        Lesley Carol Angela Wendy Diane Dawn Joanne Lorraine Beverley Michelle
        Catherine Anne Denise Kathryn Sharon Nicola Lynn Teresa Jennifer Pauline
        Caroline Debra Yvonne Elaine Heather Judith Carole Hazel Sally""",
    "e3": """Sarah Claire Emma Nicola Lisa Laura Rebecca Kelly Michelle Joanne
        Gemma Louise Amanda Rachel Helen Victoria Samantha Katie Hannah Amy
        Jennifer Stephanie Donna Kerry Lindsey Natalie Zoe Leanne Hayley Danielle
        Charlotte Lucy Jessica Catherine Kirsty Stacey Jodie Tracy Kate Vicky
        Melanie Joanna Emily Kimberley Sophie Jenna Carly Hollie""",
    "e4": """Chloe Emily Megan Jessica Sophie Lauren Charlotte Hannah Rebecca Amy
        Bethany Olivia Ellie Emma Holly Lucy Georgia Katie Jade Shannon Abigail
        Grace Courtney Paige Samantha Laura Danielle Amber Molly Eleanor Leah
        Jasmine Elizabeth Niamh Zoe Rachel Caitlin Natasha Kayleigh Sophia Millie
        Abbie Chelsea Ella Jodie Hayley Alice Kirsty""",
    "e5": """Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie
        Isabella Sophie Ivy Freya Harper Willow Charlotte Jessica Florence Rosie
        Ruby Daisy Phoebe Millie Evelyn Sienna Matilda Isabelle Maisie Esme Elsie
        Holly Alice Layla Darcie Scarlett Erin Luna Maya Ellie Lottie Aria Bonnie
        Thea Ada Hallie Orla""",
}
WB_MIDDLE_M = """James John David Michael Paul Thomas William Edward Lee Alan Robert
    Peter Anthony Richard George Andrew Charles Joseph Stephen Mark Christopher
    Henry Daniel Alexander Jack Arthur Frederick Matthew Ian Keith Dean Scott
    Owen Louis Jay Ray Albert"""
WB_MIDDLE_F = """Louise Marie Jane Elizabeth Anne Ann Rose Mae Grace May Victoria
    Jayne Lynn Joanne Margaret Mary Catherine Frances Emma Michelle Jean Amelia
    Alice Lily Hope Olivia Claire Leigh Dawn Patricia Florence Evelyn Kate Faith
    Ella Sophie Joan Lucy"""
WB_SURNAMES = """Smith*2 Jones Williams Taylor Brown Davies Evans Wilson Thomas
    Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green
    Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris
    Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson
    Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
    Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall
    Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers
    Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight
    Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey
    Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds
    Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
    Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan
    Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
    Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone
    Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy
    Williamson Bird Gardner Dean Lane Cooke Bates Henderson Parry Burgess
    Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren
    Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
    O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp
    Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan
    Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles
    Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson
    Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Lynch
    Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash
    Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson
    Fowler Heath Norman Middleton Lees Banks French Hickman Orton Bromley
    Tebbutt Loake Freestone Pochin Wigley Hurst Goddard Toon Wardle Kirk Ingram
    Smart Tomlinson Cartwright Chamberlain Swain Sanders Jarvis Howell Sheppard
    Flint Pickering Pratt Randall Jeffery Peacock Briggs Dyer Hancock Lucas
    Finch Warner Sykes Tyler Vaughan Gould Payne-Smith Cole-Hamilton"""
# Toponymic pieces used to make the long tail of rare English surnames.
WB_TAIL_A = """Ash Black Brad Brook Bur Chad Claver Cold Craw Dar Den Elling Fair
    Farn Green Hal Hather Hay Holl Kirk Lang Lid Mar Mid Mill Mor Nor Old Pen
    Rad Red Ridge Roth Sal Shel Stan Sud Thorn Wal Wes Whit Wind Wolver Wood
    Bram Cot Dun Ever Grims Hen Kettle Lough Mel Oad Quen Rat Sap Swith Thurl
    Ulver Wig Ab Bel Bir Cos Fox Hum Knigh Ly Syl Ack Ald Ap Arn Aw Bark Bea
    Bil Bing Birk Bolt Bos Brack Brer Brom Buck Cal Carl Chat Cher Chil Clif
    Cran Cul Dal Dray Eg Ely Fen Ful Gar Gil Gold Hack Ham Hart Hawk Hes Hol
    Hor Ing Kel Ken Kings Kir Lan Lea Lin Lox Lud Mal Man Mat Mere New Ock Or
    Pad Pick Pil Pres Rain Raw Ring Rip Rom Rush Sam Shap Shir Skel Smal Stain
    Stap Stow Sut Tad Tat Thurs Tod Tur Up Ward Wat Wed Wel Whel Wil Win Wor
    Yar"""
WB_TAIL_B = """ley ton field worth ham by ford wood well hurst stone bury dale shaw
    wick combe more croft thorpe den stead hill lock ridge ington over cott
    sall borough cliffe bridge ham ington ock mere well ley ton by land"""
# Pieces for rarer Polish and Yoruba/Igbo surnames.
POL_TAIL_A = """Bart Bogu Chmiel Czarn Dob Gaw Grab Jasi Kacz Klim Koz Kub Lis Mal
    Mich Nie Ol Pas Pietr Rad Sad Sob Stas Szczep Tom Urb Wal Wit Zab Zaw"""
POL_TAIL_B = """owski owicz ecki ak czyk iak ek ala ysz ewski"""
WAF_TAIL_A = """Ade Olu Oye Aki Ogun Oba Ola Afo Adew Nwa Oko Chi Obi Ige Ayo Bab
    Fol Ode Ona Eke Nna Ozo"""
WAF_TAIL_B = """bayo wole lami nde labi tunde kunle emi nwa kwe ike dipe yemi femi
    ola sanya gbemi"""

# ---------------------------------------------------------------------------
# Irish
# ---------------------------------------------------------------------------
IRISH_M = {
    "old": """Patrick Michael John Sean Seamus Brendan Thomas James Joseph Kevin
        Gerard Martin Francis Dermot Liam Declan Eamon Kieran Padraig Noel
        Desmond Cornelius Denis Timothy""",
    "young": """Sean Ciaran Conor Declan Liam Niall Eoin Padraig Kieran Colm
        Cathal Darragh Oisin Cian Ronan Shane Aidan Fergal Donal Brian Eoghan
        Diarmuid Rory Cormac""",
    "child": """Cian Oisin Fionn Darragh Conor Sean Jack Rory Tadhg Cillian Liam
        Finn Ronan Odhran""",
}
IRISH_F = {
    "old": """Mary Bridget Kathleen Margaret Eileen Siobhan Maureen Teresa Ann
        Catherine Philomena Bernadette Nora Patricia Deirdre Noreen Brid Sheila
        Josephine Agnes""",
    "young": """Siobhan Niamh Aoife Ciara Roisin Orla Mairead Sinead Grainne
        Aisling Maeve Deirdre Clodagh Emer Fiona Caitriona Eimear Sorcha Una
        Nuala""",
    "child": """Aoife Saoirse Caoimhe Niamh Ciara Orla Roisin Aisling Cliodhna
        Sadhbh Eabha Fiadh Grace""",
}
IRISH_SURNAMES = """Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor
    O'Neill O'Reilly Doyle McCarthy Gallagher O'Doherty Kennedy Lynch Murray
    Quinn Moore McLaughlin Carroll Connolly Daly O'Connell Dunne Brennan Burke
    Collins Fitzgerald Kavanagh McGrath Nolan Power Flanagan McNamara Mulligan
    Keane Sheehan Hogan Whelan O'Donnell Maguire Cullen Farrell Duffy Healy
    O'Mahony Tierney Donnelly Geraghty MacGiolla"""

# ---------------------------------------------------------------------------
# Gujarati Hindu (Leicester's largest minority community)
# ---------------------------------------------------------------------------
GUJ_M = {
    "old": """Ramesh Suresh Mahesh Dinesh Kishor Pravin Naresh Jayesh Bharat Vinod
        Rajesh Dilip Harish Mukesh Kirit Navin Jitendra Hasmukh Ashok
        Chandrakant Anil Sanjay Ramanlal Mohanlal Kantilal Jayantilal Arvind
        Bhupendra Manubhai Natwarlal Shantilal Yogesh Nitin""",
    "young": """Nikhil Rahul Amit Hitesh Ketan Vishal Nilesh Sagar Kunal Jay Ravi
        Rohan Karan Sunil Ajay Vijay Hemal Mitesh Bhavesh Deepak Manish Chirag
        Pritesh Kalpesh Nirav Paresh Tushar Dharmesh Sachin Viren""",
    "child": """Aarav Arjun Krish Dev Vihaan Reyansh Shaan Yash Neel Dhruv Rohan
        Aryan Ishaan Jai Kian Veer Rishi Om Ayan Aadi""",
}
GUJ_F = {
    "old": """Manjula Hansa Jyoti Sarla Kokila Bhanu Pushpa Nirmala Usha Sushila
        Savita Kanta Madhu Geeta Rekha Nita Bharti Hema Kalpana Daksha Ranjan
        Pramila Jayshree Induben Shanta Lalita Vimla Kusum Sudha Meena""",
    "young": """Priya Pooja Nisha Anjali Reena Sonal Dipa Hetal Krupa Nikita
        Komal Bhavna Mital Rupal Seema Neha Jinal Shital Dimple Payal Asha Kajal
        Rina Swati Heena Avni Sejal""",
    "child": """Anya Aanya Riya Diya Isha Kavya Tara Mira Saanvi Shreya Khushi
        Prisha Siya Jiya Anika Aisha Meera Navya Ria Sana""",
}
GUJ_SURNAMES = """Patel*9 Mistry*2 Parmar*2 Solanki*2 Chauhan Makwana Lad Shah*2
    Joshi Pandya Thakkar Modi Desai Bhatt Vyas Gohil Rathod Jadeja Mehta
    Kotecha Chudasama Lakhani Tailor Popat Ruparelia Karia Sodha Valand Pattni
    Dattani Majithia Gandhi Amin Suchak Raithatha Kanani Hirani Bhundia
    Vaghela Jethwa Chavda Rabadia Morjaria Sachdev Unadkat Bhagat"""

# ---------------------------------------------------------------------------
# Punjabi Sikh
# ---------------------------------------------------------------------------
SIKH_M = {
    "old": """Gurmit Sukhdev Kuldip Rajinder Baljit Amarjit Paramjit Harjit
        Gurdev Jaswant Mohinder Balwant Ajit Surinder Karnail Gurbachan Darshan
        Tarsem Avtar Harbans Jagjit Malkit""",
    "young": """Gurpreet Harpreet Manpreet Jaspreet Gurdeep Jagdeep Harjinder
        Sukhwinder Balvinder Jasvinder Kulwant Satnam Hardeep Sandeep Amandeep
        Kamaljit Ravinder Narinder Jatinder Rajvir Parminder Sukhjinder""",
    "child": """Arjun Jaskaran Manveer Gurveer Harvir Jasraj Amrit Navdeep Ekam
        Sehaj Tegbir Arjan Kiran Jai Raman""",
}
SIKH_F = {
    "old": """Surinder Kuldip Gurmit Paramjit Harbans Balbir Amarjit Jaswinder
        Mohinder Rajinder Charanjit Kulwant Sukhdev Darshan Gian Satwant Swaran
        Harjit""",
    "young": """Harpreet Gurpreet Manpreet Jaspreet Sukhwinder Jasvinder
        Rupinder Kamaljit Baljinder Harjinder Navjot Sarbjit Parminder Rajwinder
        Amandeep Kiranjit Sandeep Pardeep Ravinder Jaswant""",
    "child": """Simran Amrit Jasleen Harleen Navleen Gurleen Manleen Ekam Sehaj
        Jasmine Kiran Noor Harnoor Avneet Japneet Simar""",
}
SIKH_SURNAMES = """Singh*3 Sandhu Gill Dhillon Sidhu Bains Johal Atwal Virdi
    Sohal Bassi Kang Grewal Rai Chahal Mann Bhogal Hayre Sahota Dhaliwal
    Sangha Hundal Basra Kalsi Sehmi Matharu Kandola Chana Purewal Takhar
    Bhamra Dhami Heer Uppal Randhawa Pabla Nijjar Bhullar Khaira"""

# ---------------------------------------------------------------------------
# South Asian Muslim (Pakistani, Gujarati Muslim, Bangladeshi)
# ---------------------------------------------------------------------------
MUS_M = {
    "old": """Mohammed*2 Muhammad Abdul*2 Ghulam Mohammad Bashir Rashid Ismail
        Yusuf Ibrahim Hussain Akbar Aslam Anwar Latif Hanif Sadiq Rafiq Nazir
        Shafiq Iqbal Ayub Younis Salim Jamil Munir Abdul Yakub Abdullah Ahmed""",
    "young": """Mohammed*1.5 Muhammad*1.5 Imran Asif Tariq Zahid Shahid Khalid Arif
        Adil Faisal Usman Bilal Kashif Nadeem Naveed Waqas Amir Omar Hassan
        Rizwan Sajid Irfan Zubair Yasir Tahir Ayaz Junaid Shoaib Mohsin Arshad
        Ilyas Idris Salman""",
    "child": """Muhammad*2.5 Mohammed*1.2 Ibrahim Yusuf Zain Ayaan Hamza Musa Rayyan
        Zakariya Haroon Sufyan Isa Yahya Ali Adam Abdullah Umar Eesa Idris
        Ismail Zayn Bilal Hasan Hussain""",
}
MUS_F = {
    "old": """Fatima Bibi Khadija Amina Nasreen Parveen Rubina Shamim Shahnaz
        Zubeda Hajra Rashida Naseem Sakina Razia Jamila Halima Zainab Hawa
        Mumtaz Sughra Begum Rahima Jahanara""",
    "young": """Saima Shazia Nadia Farzana Rukhsana Yasmin Samina Shabana Sadia
        Hina Sana Aisha Ayesha Fatima Naila Asma Uzma Saira Nabila Bushra Kauser
        Tasneem Shaheen Salma Rehana Humera Sobia Zahida""",
    "child": """Maryam Fatima Aisha Zainab Hafsa Safa Inaya Hana Zara Noor Ayesha
        Mariam Sumaya Amna Ruqayyah Khadijah Iqra Aleena Anaya Hawa Zahra
        Eshal Haniya Sara Alisha""",
}
MUS_SURNAMES = """Khan*4 Hussain*2 Ahmed*2 Ali*2 Begum Akhtar Iqbal Mahmood
    Rahman Miah Patel*2 Bibi Uddin Islam Shah Bashir Aslam Rashid Mohammed
    Yousaf Mirza Qureshi Sheikh Malik Chaudhry Hanif Latif Anwar Siddiqui
    Mughal Butt Raja Nawaz Haq Karim Choudhury Hoque Ullah Hossain Bhayat Vali
    Loonat Mulla Desai Bharuchi Sidat Dadabhai Lorgat Pandor Kadodia Ravat
    Bux Hafeez Javed Saleem Zaman Naz"""

# ---------------------------------------------------------------------------
# Polish, Romanian, Lithuanian
# ---------------------------------------------------------------------------
POL_M = {
    "old": """Andrzej Jan Stanisław Krzysztof Tadeusz Józef Zbigniew Marek
        Jerzy Ryszard Henryk Kazimierz Janusz Władysław Wiesław""",
    "young": """Piotr Tomasz Paweł Krzysztof Marcin Michał Łukasz Jakub Kamil
        Mateusz Adam Dawid Marek Grzegorz Rafał Wojciech Szymon Bartosz Artur
        Sebastian Damian Przemysław Robert Maciej Daniel""",
    "child": """Jakub Antoni Jan Szymon Filip Aleksander Franciszek Mikołaj
        Wojciech Kacper Adam Oliwer Nikodem Igor Leon Oskar""",
}
POL_F = {
    "old": """Barbara Krystyna Danuta Teresa Elżbieta Halina Irena Grażyna Jadwiga
        Maria Zofia Bożena Ewa Janina""",
    "young": """Anna Katarzyna Magdalena Agnieszka Joanna Monika Aleksandra
        Karolina Małgorzata Ewa Natalia Justyna Marta Paulina Dominika Sylwia
        Beata Patrycja Kinga Izabela Weronika Edyta""",
    "child": """Zuzanna Julia Zofia Maja Hanna Lena Oliwia Amelia Alicja Laura
        Wiktoria Pola Nadia Emilia Natalia Maria""",
}
# Male forms; female forms derived (-ski -> -ska, -cki -> -cka, -dzki -> -dzka).
POL_SURNAMES = """Nowak*2 Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski
    Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur
    Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski Grabowski Zając
    Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski
    Olszewski Stępień Malinowski Jaworski Adamczyk Dudek Nowicki Pawlak Górski
    Witkowski Walczak Sikora Baran Rutkowski Michalak Szewczyk Ostrowski Tomaszewski
    Zalewski Wróblewski"""
ROM_M = {
    "old": """Ion Gheorghe Vasile Constantin Nicolae Dumitru Mihai Petru Ioan
        Florin Marin""",
    "young": """Andrei Alexandru Ionut Mihai Florin Gabriel Cristian Marius
        Stefan Bogdan Adrian Daniel Razvan Catalin Sorin Vlad Cosmin Laurentiu
        Valentin Ciprian Lucian""",
    "child": """David Luca Matei Andrei Alexandru Ştefan Darius Mihai Eric
        Gabriel Sebastian""",
}
ROM_F = {
    "old": """Maria Elena Ioana Ana Mariana Gheorghita Florica Viorica Doina
        Rodica Aurelia""",
    "young": """Andreea Alexandra Mihaela Cristina Gabriela Daniela Florentina
        Roxana Georgiana Ana Bianca Ioana Elena Alina Ramona Loredana Simona
        Adriana Larisa Denisa Madalina Oana""",
    "child": """Maria Sofia Ioana Daria Ana Alexia Bianca Eva Antonia Ilinca
        Rebecca Sara""",
}
ROM_SURNAMES = """Popescu Ionescu Popa Pop Radu Dumitru Stoica Stan Gheorghe Matei
    Ciobanu Rusu Munteanu Constantin Marin Tudor Florea Dinu Lungu Moldovan
    Mocanu Barbu Nistor Ene Cojocaru Ursu Sandu Lazar Toma Dobre Preda Olteanu
    Vasile Ilie Stanciu Enache Voicu Craciun Badea"""
LIT_M = {
    "old": """Jonas Petras Antanas Algirdas Vytautas Kazimieras Juozas Stasys""",
    "young": """Tomas Mantas Darius Andrius Jonas Lukas Paulius Vytautas Rokas
        Mindaugas Aurimas Justinas Marius Deividas Karolis Tadas""",
    "child": """Lukas Matas Jokubas Nojus Kajus Benas Dominykas Herkus Adomas""",
}
LIT_F = {
    "old": """Ona Janina Danute Irena Regina Aldona Birute Genovaite""",
    "young": """Ieva Rūta Agnė Laura Greta Jurgita Kristina Simona Vaida Inga
        Egle Giedre Aiste Rasa Neringa Indre""",
    "child": """Emilija Austėja Gabija Lėja Kamilė Ugnė Urtė Amelija Luka""",
}
LIT_SURNAMES = """Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas
    Žukauskas Butkus Paulauskas Urbonas Kavaliauskas Navickas Ramanauskas
    Savickas Rimkus Baranauskas Adomaitis Šimkus Lukoševičius Pocius Mockus"""

# ---------------------------------------------------------------------------
# West African (Nigerian, Ghanaian), Zimbabwean mixed in
# ---------------------------------------------------------------------------
WAF_M = {
    "old": """Samuel Emmanuel Joseph Michael Godwin Kwame Kofi Kwabena Yaw Kwaku
        Olusegun Adebayo Babatunde Chukwuemeka Oluwole Festus Sunday Tendai
        Christopher Augustine Peter Felix""",
    "young": """Oluwaseun Chukwuemeka Emeka Olumide Tunde Femi Oluwafemi Chinedu
        Ikenna Kwame Kofi Samuel Daniel David Emmanuel Michael Tobi Ebuka
        Segun Tatenda Farai Tafadzwa Kelvin Prince Godfrey Bright""",
    "child": """David Daniel Joshua Samuel Emmanuel Joel Elijah Jayden Caleb
        Favour Divine Marvellous Testimony Nathaniel Ayomide Tobiloba Chidera
        Kamsi Jesse Isaac""",
}
WAF_F = {
    "old": """Grace Esther Comfort Florence Victoria Mercy Akosua Ama Abena Efua
        Adwoa Funmilayo Folake Ngozi Yetunde Patience Beatrice Janet Rumbidzai
        Chipo""",
    "young": """Adaeze Chioma Ngozi Funmilayo Folake Yetunde Abimbola Blessing
        Grace Esther Precious Joy Favour Temitope Oluwakemi Chidinma Ifeoma
        Nneka Nyasha Ruvimbo Tariro Abena Akua Gifty Vanessa Sandra""",
    "child": """Precious Favour Blessing Grace Esther Divine Comfort Adaeze
        Chiamaka Tiwatope Ayomide Zion Gift Success Peace Jemima Naomi Abigail
        Chidinma Kemi""",
}
WAF_SURNAMES = """Okafor Okonkwo Adeyemi Adebayo Oladipo Ogunleye Eze Nwosu Obi
    Balogun Afolabi Mensah Asante Owusu Boateng Osei Appiah Agyeman Ofori Darko
    Adjei Bello Okoro Ibrahim Adeleke Akinola Ogundipe Oyelaran Nwachukwu Uche
    Amadi Ogbonna Moyo Ncube Dube Sibanda Ndlovu Mutasa Chikore Mhlanga Addo
    Antwi Badu Kusi Quaye Adekunle Ojo Oduya Fashola"""

# ---------------------------------------------------------------------------
# Somali (patronymic: middle = father's first name, surname = grandfather's)
# ---------------------------------------------------------------------------
SOM_M = {
    "old": """Mohamed*2 Ahmed Ali Hassan Abdi Abdullahi Omar Ismail Yusuf Farah
        Hussein Osman Aden Nur Abdirahman Abdikadir Mahamoud Dahir Jama Warsame
        Elmi Said Hersi Yasin Guled Muse Bashir""",
    "young": """Mohamed*2 Abdirahman Abdullahi Ahmed Ali Hassan Abdi Omar Ismail
        Yusuf Abdikarim Abdirizak Mustafa Mahad Liban Khalid Ayanle Hamza
        Mukhtar Sharmarke""",
    "child": """Mohamed*2 Yusuf Ibrahim Ayaan Abdirahman Hamza Zakariye Mahad
        Musa Adam Yahye Bilal Abdullahi Khalid""",
}
SOM_F = {
    "old": """Fadumo Amina Halima Sahra Faduma Hawa Khadija Maryan Asha Safiya
        Shukri Ubah Hodan Nimco Fartun Sadia Dahabo""",
    "young": """Hodan Sahra Hibo Ifrah Ayan Nimco Sagal Deeqa Ubah Ladan Asha
        Muna Khadra Idil Hamdi Ilhan Safiya Fadumo Amina Hamda Sucad Nasra""",
    "child": """Maryam Hafsa Sumaya Aisha Khadija Hanan Ikram Najma Samira Hibo
        Iman Sagal Hawa Amal""",
}

# ---------------------------------------------------------------------------
# Caribbean
# ---------------------------------------------------------------------------
CAR_M = {
    "old": """Delroy Winston Errol Leroy Clive Lloyd Trevor Desmond Carlton
        Neville Everton Hubert Cecil Lester Linton Rupert Vincent Cyril Uriah""",
    "young": """Marlon Jermaine Dwayne Kareem Tyrone Andre Marcus Leon Jason
        Damion Devon Omari Ricardo Nathan Wesley Craig Darren Troy""",
    "child": """Kai Jaden Malachi Tyrese Josiah Elijah Kayden Reuben Zion Tristan
        Jamal Isaiah""",
}
CAR_F = {
    "old": """Marcia Beverley Claudette Hyacinth Pauline Sonia Janet Paulette
        Yvonne Jacqueline Gloria Merle Icilda Lorna Cynthia Veronica Hortense""",
    "young": """Sharon Donna Natasha Keisha Shanice Tanisha Chantelle Michelle
        Simone Nicole Kerry-Ann Sherelle Latoya Tanya Monique Dionne""",
    "child": """Aaliyah Nia Amari Imani Zara Kiara Tiana Shania Jada Maya
        Naomi Anaya""",
}
CAR_SURNAMES = """Campbell Brown Williams Thomas Francis Clarke Johnson Grant
    Reid Gordon Powell Morgan Henry Samuels Bailey Gayle McKenzie Edwards Lewis
    Forbes Bennett Blake Walters Richards Stewart Robinson Wright Anderson
    DaCosta Spence Bryan Thompson Palmer Allen Ferguson McFarlane Lindo
    Nembhard Ricketts Lawrence Hinds Barrett Shaw Graham"""

# ---------------------------------------------------------------------------
# Chinese (Hong Kong Cantonese and mainland Pinyin romanisations)
# ---------------------------------------------------------------------------
CHN_M = {
    "old": """Kwok Wing Chun Siu Man Kam Wai Hon Yiu Kin Ming Tak""",
    "young": """Wei Jun Jie Ming Hao Lei Yong Tao Bo Lin Kevin Jason Eric Alan
        Raymond Vincent Kenneth Terence Wing Kin""",
    "child": """Ethan Ryan Lucas Aiden Oscar Hao Yu Zihan Haoran Kai Jayden""",
}
CHN_F = {
    "old": """Mei Lai Wai Yuk Siu Man Kam Fung Shuk Oi""",
    "young": """Mei Li Xin Ying Yan Hui Ling Fang Jing Jenny Karen Amy Grace Vivian
        Winnie Cindy Joyce Xiaoyan Min""",
    "child": """Chloe Emily Zoe Olivia Isabella Yutong Zixuan Xinyi Mia Hannah""",
}
# Two-syllable Cantonese/Pinyin given names (second part added to the first).
CHN_SECOND = """Wai Ming Kin Man Yee Ling Fai Chun Hung Kwan Yan Fung Lok Hei"""
CHN_SURNAMES = """Chan*2 Wong*2 Li Lee Cheung Lau Chen Wang Zhang Liu Yang Ng Ho
    Tang Leung Lam Yip Chow Tsang Lin Huang Zhao Wu Zhou Xu Sun Ma Hu Guo He
    Cheng Kwok Fung Yeung Choi Tam Mak Lo Siu Poon Tse"""

# ---------------------------------------------------------------------------
# Middle Eastern (Kurdish, Iraqi, Syrian, Afghan, Iranian)
# ---------------------------------------------------------------------------
MEA_M = {
    "old": """Mohammad Ahmad Karim Hassan Ali Abdullah Jamal Saleh Omar Hamid
        Rahim Aziz""",
    "young": """Rebin Aram Hawre Shvan Karwan Dler Sirwan Mohammad Ahmad Omid
        Reza Ali Hussein Yasser Mustafa Khaled Bilal Farhad""",
    "child": """Adam Ali Yusuf Omar Ahmad Karam Ibrahim Aland Lawand Danyar""",
}
MEA_F = {
    "old": """Fatima Zainab Leila Maryam Khadija Nasrin Soraya Samira Amira""",
    "young": """Shilan Rozhan Narin Shno Avin Lana Sara Zahra Maryam Leila
        Nour Rana Hana Parisa Shirin Roya""",
    "child": """Lana Sara Maryam Hana Lava Ava Sham Jana Lina Rayan""",
}
MEA_SURNAMES = """Ahmadi Rahimi Karimi Hosseini Mohammadi Rezaei Amiri Hamid Aziz
    Saleh Hassan Othman Mahmoud Abdullah Ibrahim Kareem Rasool Faraj Jaff
    Barzani Talabani Haidari Sharifi Noori Qadir Mustafa Salih Omer"""

# ---------------------------------------------------------------------------
# Variants used for agency errors.
# ---------------------------------------------------------------------------
NICKNAMES = {
    "William": ["Bill", "Will", "Billy"], "Robert": ["Bob", "Rob", "Bobby"],
    "Richard": ["Rich", "Dick", "Richie"], "Michael": ["Mike", "Mick"],
    "Christopher": ["Chris"], "Elizabeth": ["Liz", "Beth", "Lizzie"],
    "Margaret": ["Maggie", "Peggy", "Maggi"], "Catherine": ["Kate", "Cathy"],
    "Kathryn": ["Kate", "Kathy"], "Jennifer": ["Jenny", "Jen"],
    "Anthony": ["Tony"], "Stephen": ["Steve"], "Steven": ["Steve"],
    "Thomas": ["Tom", "Tommy"], "James": ["Jim", "Jamie", "Jimmy"],
    "Joseph": ["Joe"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"],
    "Samuel": ["Sam"], "Alexander": ["Alex", "Xander"], "Rebecca": ["Becky", "Becca"],
    "Victoria": ["Vicky", "Tori"], "Samantha": ["Sam"], "Nicholas": ["Nick"],
    "Benjamin": ["Ben"], "Jonathan": ["Jon", "Jonny"], "Andrew": ["Andy", "Drew"],
    "David": ["Dave"], "Peter": ["Pete"], "Edward": ["Ed", "Ted", "Eddie"],
    "Frederick": ["Fred", "Freddie"], "Patricia": ["Pat", "Trish"],
    "Susan": ["Sue", "Susie"], "Deborah": ["Debbie", "Debs"],
    "Jacqueline": ["Jackie"], "Kenneth": ["Ken"], "Ronald": ["Ron", "Ronnie"],
    "Terence": ["Terry"], "Timothy": ["Tim"], "Philip": ["Phil"],
    "Phillip": ["Phil"], "Charlotte": ["Charlie", "Lottie"], "Abigail": ["Abbie", "Abi"],
    "Eleanor": ["Ellie", "Nell"], "Alfred": ["Alf", "Alfie"], "Mohammed": ["Mo"],
    "Muhammad": ["Mo"], "Oluwaseun": ["Seun"], "Babatunde": ["Tunde"],
    "Chukwuemeka": ["Emeka"], "Oluwafemi": ["Femi"], "Temitope": ["Tope"],
    "Aleksandra": ["Ola"], "Katarzyna": ["Kasia"], "Małgorzata": ["Gosia"],
    "Paweł": ["Paul"], "Piotr": ["Peter"], "Wojciech": ["Wojtek"],
    "Krzysztof": ["Chris"], "Gurpreet": ["Gary"], "Harpreet": ["Harry"],
    "Jaswinder": ["Jas"], "Jasvinder": ["Jas"], "Sukhwinder": ["Sukhi"],
    "Nikhil": ["Nik"], "Rajesh": ["Raj"], "Alexandra": ["Alex", "Sasha"],
    "Gabriel": ["Gabi"], "Isabella": ["Bella", "Izzy"], "Isabelle": ["Izzy"],
    "Olivia": ["Liv"], "Amelia": ["Millie"], "Florence": ["Flo"],
    "Harrison": ["Harry"], "Henry": ["Harry"], "Theodore": ["Theo"],
    "Archibald": ["Archie"], "Gareth": ["Gaz"], "Joshua": ["Josh"],
    "Nathaniel": ["Nate"], "Zakariya": ["Zak"], "Zakariye": ["Zak"],
    "Ibrahim": ["Ibby"], "Abdirahman": ["Abdi"], "Abdullahi": ["Abdi"],
    "Sebastian": ["Seb"], "Dominika": ["Domi"], "Magdalena": ["Madzia"],
    "Jacob": ["Jake"], "Lewis": ["Lew"], "Gregory": ["Greg"], "Leonard": ["Len"],
    "Dorothy": ["Dot", "Dolly"], "Gwendoline": ["Gwen"], "Winifred": ["Winnie"],
}
ALT_SPELLINGS = {
    "Mohammed": ["Muhammad", "Mohammad", "Mohamed", "Muhammed", "Mohammod"],
    "Muhammad": ["Mohammed", "Muhammed", "Mohammad"],
    "Mohamed": ["Mohammed", "Maxamed", "Mohamud"],
    "Mohammad": ["Mohammed", "Muhammad"],
    "Ayesha": ["Aisha", "Aysha"], "Aisha": ["Ayesha", "Aishah"],
    "Fatima": ["Fatimah", "Fatma"], "Zainab": ["Zaynab", "Zenab"],
    "Khadija": ["Khadijah", "Khadeeja"], "Yusuf": ["Yousuf", "Yusef", "Yousef"],
    "Hussain": ["Hussein", "Husain"], "Hussein": ["Hussain", "Xuseen"],
    "Choudhury": ["Chowdhury", "Choudhry"], "Chaudhry": ["Chaudhary", "Choudhary"],
    "Stephen": ["Steven"], "Steven": ["Stephen"], "Catherine": ["Katherine", "Kathryn"],
    "Katherine": ["Catherine"], "Philip": ["Phillip"], "Phillip": ["Philip"],
    "Geoffrey": ["Jeffrey"], "Ann": ["Anne"], "Anne": ["Ann"],
    "Sean": ["Shaun", "Shawn"], "Shaun": ["Sean"], "Lee": ["Leigh"],
    "Hayley": ["Haley", "Hayleigh"], "Nicola": ["Nichola"], "Sophie": ["Sofie"],
    "Isabelle": ["Isobel", "Isabel"], "Zoe": ["Zoë"], "Jon": ["John"],
    "Mathew": ["Matthew"], "Matthew": ["Mathew"], "Marc": ["Mark"],
    "Tracey": ["Tracy"], "Tracy": ["Tracey"], "Lindsey": ["Lindsay"],
    "Jodie": ["Jody"], "Kirsty": ["Kirstie"], "Leanne": ["Lianne"],
    "Ryan": ["Rian"], "Callum": ["Calum"], "Jayden": ["Jaiden"],
    "Gurpreet": ["Gurprit"], "Jaspreet": ["Jasprit"], "Kuldip": ["Kuldeep"],
    "Sandeep": ["Sundeep"], "Pardeep": ["Pradeep"], "Jyoti": ["Jyothi"],
    "Priya": ["Preya"], "Hetal": ["Hetel"], "Oluwaseun": ["Oluseun"],
    "Ngozi": ["Ngozie"], "Chioma": ["Chiomah"], "Tendai": ["Tendayi"],
    "Wing": ["Wang"], "Lau": ["Lao"], "Chan": ["Chen"], "Zhou": ["Chow"],
    "Andreea": ["Andrea"], "Ionut": ["Ionuț"], "Mihaela": ["Michaela"],
    "Rūta": ["Ruta"], "Agnė": ["Agne"], "Siobhan": ["Shivaun"],
    "Niamh": ["Neve"], "Aoife": ["Eefa"], "Sinead": ["Shinead"],
    "Patel": ["Patell"], "Mistry": ["Mistri"], "Shah": ["Sha"],
    "Akhtar": ["Akhter"], "Rahman": ["Rehman"], "Qureshi": ["Kureshi"],
    "Hoque": ["Haque", "Hoq"], "Miah": ["Mia"], "Uddin": ["Udin"],
    "McDonald": ["MacDonald"], "Macdonald": ["McDonald"], "Thomson": ["Thompson"],
    "Thompson": ["Thomson"], "Clarke": ["Clark"], "Clark": ["Clarke"],
    "Mohammod": ["Mohammed"],
}

# Adjacent keys on a UK QWERTY keyboard (for keying errors).
QWERTY = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh",
    "u": "yij", "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx",
    "d": "sfec", "f": "dgrv", "g": "fhtb", "h": "gjyn", "j": "hkum", "k": "jli",
    "l": "kop", "z": "asx", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng",
    "n": "bmh", "m": "nj",
}

# Phonetic confusions made when a name is taken down by ear.
PHONETIC = [
    ("ph", "f"), ("ck", "k"), ("ee", "i"), ("ie", "y"), ("ey", "y"),
    ("ou", "u"), ("sh", "ch"), ("th", "t"), ("oo", "u"), ("ai", "ay"),
    ("z", "s"), ("v", "w"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("bh", "b"),
]
