"""Name, street and place tables for heldout-7, written from general knowledge.

Weights are rough relative frequencies chosen by hand (not taken from any
library or data set); lists without weights get Zipf-like weights by rank.
Canonical spellings keep diacritics and apostrophes; the generator decides how
each agency writes them.
"""

# ----------------------------------------------------------------- surnames
WELSH_SUR = (
    "Jones:130|Williams:70|Davies:68|Evans:45|Thomas:42|Roberts:40|Hughes:35|Lewis:28|"
    "Edwards:28|Griffiths:22|Morgan:20|Owen:18|Price:14|Parry:14|Lloyd:13|Rees:12|Jenkins:12|"
    "Morris:12|Phillips:11|James:10|Powell:9|Ellis:8|Pritchard:7|Rowlands:6|Pugh:6|Humphreys:6|"
    "Bowen:5|Vaughan:5|Watkins:5|Howells:4|Gittins:4|Foulkes:4|Pierce:4|Llewellyn:4|Bevan:4|"
    "Wynne:4|Griffith:4|Hopkins:4|Bellis:3|Maddocks:3|Probert:3|Prosser:3|Meredith:3|Peters:3|"
    "Kendrick:2|Gwynne:2|Tudor:2|Harries:2|Gough:2|Beddoes:1|Cadwaladr:1|Jarman:1|Bithell:1|"
    "Lloyd-Jones:1.2|Wynne-Jones:0.6|Rhys-Davies:0.4|Owen-Williams:0.5|Parry-Jones:0.6|"
    "Lloyd-Williams:0.5|Pryce-Jones:0.4|Hughes-Roberts:0.3|Lloyd Jones:0.5|Wyn Jones:0.4|"
    "Glyn Davies:0.3|Prys-Roberts:0.2"
)
ENGLISH_SUR = (
    "Smith:60|Taylor:30|Brown:28|Wilson:25|Johnson:22|Wright:20|Walker:20|Robinson:16|Wood:16|"
    "Thompson:16|White:15|Green:15|Hall:15|Clarke:14|Jackson:14|Turner:13|Hill:13|Harris:12|"
    "Cooper:12|Ward:11|Baker:11|King:11|Lee:11|Martin:11|Allen:10|Young:10|Mitchell:10|Carter:9|"
    "Moore:9|Parker:9|Bennett:9|Shaw:8|Cook:8|Harrison:8|Chapman:7|Bailey:7|Dixon:7|Mason:7|"
    "Simpson:6|Webb:6|Rogers:6|Barker:6|Marsh:6|Palmer:5|Holmes:5|Pearson:5|Stevens:5|Knight:5|"
    "Foster:5|Bradshaw:5|Birch:5|Cartwright:5|Hewitt:5|Tomlinson:4|Howarth:4|Sutton:4|"
    "Whitfield:4|Hesketh:4|Worthington:4|Dutton:4|Heywood:4|Platt:4|Lawson:4|Bebbington:3|"
    "Broadhurst:3|Kirkham:3|Fairclough:3|Ashworth:3|Leadbetter:3|Beckett:3|Nixon:3|Pickering:3|"
    "Plant:3|Greenall:2|Mottram:2|Ollerhead:2|Boffey:1|Cotgreave:1|Done:1|Twiss:1|"
    "Smith-Evans:0.4|Barrington-Ward:0.2|Ashton-Smith:0.3|Fox-Bennett:0.2|Hamilton-Smythe:0.1"
)
SCOTTISH_SUR = (
    "Campbell:14|MacDonald:12|McDonald:12|Stewart:12|Robertson:11|Thomson:10|Anderson:10|"
    "Scott:9|Murray:9|Reid:8|Ross:7|Fraser:7|Graham:7|MacLeod:6|Paterson:6|Cameron:6|"
    "Ferguson:6|Henderson:6|Mackenzie:5|McKenzie:5|McLean:5|Grant:5|Hamilton:5|McLeod:4|"
    "MacKay:4|McIntyre:4|MacGregor:4|McGregor:4|Munro:4|Kerr:4|Docherty:4|Mackay:3|Maclean:3|"
    "McCallum:3|McKinnon:3|MacPherson:3|McPherson:3|Sinclair:3|Sutherland:3|Buchanan:3|"
    "McAllister:3|Crawford:3|MacLachlan:2|Gillespie:2|Baird:2|McIntosh:2|Menzies:1|Dalziel:1"
)
IRISH_SUR = (
    "Murphy:18|Kelly:16|O'Brien:14|O'Neill:12|O'Connor:10|Byrne:10|Ryan:10|Walsh:10|"
    "O'Sullivan:9|Doyle:8|McCarthy:8|O'Reilly:7|Gallagher:7|Doherty:7|Kennedy:6|Lynch:6|"
    "Quinn:6|Brennan:5|McLaughlin:5|O'Donnell:5|Fitzgerald:5|Nolan:5|O'Hara:4|O'Leary:4|"
    "Kavanagh:4|Power:4|Duffy:4|Flanagan:4|Farrell:4|McGrath:4|Moran:3|Reilly:3|McCann:3|"
    "McKenna:3|McMahon:3|McCormack:3|McGowan:3|O'Dwyer:2|Hegarty:2|McGuinness:2|O'Rourke:2|"
    "O'Shea:2|Ó Súilleabháin:0.2"
)
# masculine/feminine forms
POLISH_SUR = (
    "Nowak/Nowak:12|Kowalski/Kowalska:9|Wiśniewski/Wiśniewska:7|Wójcik/Wójcik:6|"
    "Kowalczyk/Kowalczyk:6|Kamiński/Kamińska:6|Lewandowski/Lewandowska:6|Zieliński/Zielińska:5|"
    "Szymański/Szymańska:5|Woźniak/Woźniak:5|Dąbrowski/Dąbrowska:5|Kozłowski/Kozłowska:4|"
    "Jankowski/Jankowska:4|Mazur/Mazur:4|Kwiatkowski/Kwiatkowska:4|Krawczyk/Krawczyk:4|"
    "Piotrowski/Piotrowska:3|Grabowski/Grabowska:3|Nowakowski/Nowakowska:3|"
    "Pawłowski/Pawłowska:3|Michalski/Michalska:3|Król/Król:3|Wieczorek/Wieczorek:3|"
    "Jabłoński/Jabłońska:3|Wróbel/Wróbel:3|Majewski/Majewska:2|Olszewski/Olszewska:2|"
    "Stępień/Stępień:2|Jaworski/Jaworska:2|Malinowski/Malinowska:2|Górski/Górska:2|"
    "Sikora/Sikora:2|Błaszczyk/Błaszczyk:2|Żak/Żak:1|Gołębiowski/Gołębiowska:1|"
    "Chmielewski/Chmielewska:1|Szczepański/Szczepańska:1|Wasilewski/Wasilewska:1"
)
PORTUGUESE_SUR = (
    "Silva|Santos|Ferreira|Pereira|Oliveira|Costa|Rodrigues|Martins|Sousa|Fernandes|"
    "Gonçalves|Gomes|Lopes|Marques|Alves|Almeida|Ribeiro|Pinto|Carvalho|Teixeira|Moreira|"
    "Correia|Mendes|Nunes|Soares|Vieira|Monteiro|Cardoso|Rocha|Neves|Freitas|Abreu|Jardim|"
    "Faria|da Silva|dos Santos|de Sousa|da Costa|de Freitas|Conceição"
)
SA_SUR = {
    "gujarati": "Patel:25|Shah:6|Mistry:4|Parmar:4|Desai:3|Mehta:3|Joshi:3|Chauhan:2|Solanki:2|Pandya:1",
    "north_indian": "Sharma:6|Gupta:4|Kumar:5|Verma:2|Singh:3|Malhotra:2|Kapoor:2|Agarwal:2|Srivastava:1",
    "sikh": "Sandhu:3|Gill:4|Dhillon:3|Sidhu:2|Bains:2|Johal:2|Grewal:2|Sangha:2|Atwal:1|Virdi:1",
    "pakistani": "Khan:12|Ahmed:10|Hussain:9|Ali:9|Iqbal:4|Akhtar:3|Chaudhry:3|Butt:3|Malik:4|"
                 "Mahmood:4|Raza:2|Javed:2|Shah:3|Rashid:2|Aslam:2|Anwar:2",
    "bangladeshi": "Rahman:5|Uddin:4|Miah:4|Islam:3|Ahmed:4|Ali:4|Hoque:2|Choudhury:3|Alam:2|Hossain:2",
    "kerala": "Thomas:3|George:3|Joseph:3|Mathew:2|Varghese:2|Kurian:2|Jacob:2|Abraham:2|Philip:2|"
              "Nair:3|Menon:2|Pillai:2|Chacko:1|Cherian:1",
}
SA_SUB = "gujarati:0.22|north_indian:0.1|sikh:0.13|pakistani:0.28|bangladeshi:0.09|kerala:0.18"

CHINESE_SUR_PINYIN = "Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|Lin|He|Gao|Luo"
CHINESE_SUR_CANT = "Chan|Wong|Cheung|Lau|Leung|Ng|Ho|Lam|Lee|Yip|Tang|Kwok|Cheng|Tsang|Fung|Lai|Chow|Yeung|Tse|Mak"
ARABIC_SUR = (
    "Al-Hassan|Al-Ahmad|Haddad|Khalil|Al-Khatib|Saleh|Al-Ali|Nasser|Hamdan|Abdullah|Ibrahim|"
    "Youssef|Mahmoud|Al-Masri|Darwish|Hamoud|Al-Halabi|Sabbagh|Kassem|Othman|Suleiman|"
    "Al-Hamwi|Mustafa|Haj Ali|Al-Jasem"
)
WAFRICAN_SUR = (
    "Okafor|Adeyemi|Okonkwo|Eze|Adeleke|Balogun|Mensah|Owusu|Asante|Boateng|Ogunleye|Nwosu|"
    "Obi|Osei|Appiah|Adebayo|Oyelaran|Nwachukwu|Acheampong|Adjei"
)

# ------------------------------------------------------------- given names
# British-Isles cohort lists (by year of birth), rank order
COHORTS = [  # (last birth year, male, female)
    (1944,
     "John|William|George|Thomas|James|Robert|Arthur|Kenneth|Ronald|Frederick|Albert|Dennis|Roy|"
     "Leslie|Stanley|Harold|Eric|Alan|Gwilym|Emrys|Idris|Glyn|Ivor|Islwyn|Elwyn|Dilwyn|Hywel|"
     "Edward|Raymond|Henry|Walter|Alfred|Norman|Cyril",
     "Margaret|Mary|Joan|Dorothy|Doris|Irene|Joyce|Jean|Betty|Elizabeth|Eileen|Edna|Gwendoline|"
     "Megan|Gwyneth|Myfanwy|Blodwen|Olwen|Glenys|Mair|Nancy|Marjorie|Sheila|Audrey|Phyllis|"
     "Kathleen|Beryl|Evelyn|Vera|Hilda|Gladys|Marion"),
    (1964,
     "David|John|Michael|Peter|Paul|Stephen|Robert|Alan|Christopher|Richard|Keith|Brian|Gareth|"
     "Geraint|Alun|Huw|Emlyn|Gwyn|Gordon|Colin|Graham|Philip|Anthony|Terence|Malcolm|Ian|Derek|"
     "Trevor|Dafydd|Meirion|William|Kenneth|Raymond|Barry|Roger|Nigel",
     "Susan|Linda|Christine|Margaret|Patricia|Carol|Elizabeth|Janet|Jacqueline|Pauline|Sandra|"
     "Jennifer|Gillian|Helen|Anne|Ann|Eirlys|Eluned|Nerys|Glenys|Siân|Carys|Rhiannon|Lynne|"
     "Brenda|Valerie|Diane|Hilary|Wendy|Deborah|Julie|Kathleen|Barbara"),
    (1984,
     "David|Paul|Mark|Andrew|Richard|Stephen|Ian|Gareth|Darren|Lee|Jason|Craig|Neil|Simon|"
     "Matthew|Christopher|Rhys|Dylan|Emyr|Aled|Dewi|Wayne|Dean|Carl|Martin|Jonathan|Kevin|"
     "Scott|Michael|James|Anthony|Robert|Steven|Gavin|Leigh",
     "Sarah|Claire|Nicola|Emma|Lisa|Joanne|Michelle|Helen|Karen|Rachel|Rebecca|Catherine|Kelly|"
     "Donna|Tracey|Julie|Siân|Bethan|Rhian|Angharad|Nia|Ceri|Delyth|Lowri|Louise|Victoria|"
     "Amanda|Samantha|Kerry|Lindsay|Elizabeth|Gemma|Katherine|Natalie"),
    (2004,
     "Thomas|James|Daniel|Joshua|Matthew|Ryan|Jack|Luke|Liam|Callum|Jordan|Adam|Samuel|"
     "Bradley|Benjamin|Rhys|Dylan|Iwan|Gethin|Osian|Owain|Siôn|Aaron|Connor|Kieran|Jake|Nathan|"
     "Lewis|Jamie|Cai|Alexander|William|Joseph|Harry|Elliot",
     "Jessica|Sophie|Chloe|Emily|Lauren|Hannah|Megan|Rebecca|Amy|Charlotte|Ffion|Catrin|Elin|"
     "Cerys|Bethan|Siân|Courtney|Danielle|Jade|Shannon|Bethany|Georgia|Holly|Katie|Abbie|Nia|"
     "Alys|Gemma|Stacey|Caitlin|Eleanor|Olivia|Ellie|Zoë"),
    (2030,
     "Oliver|Jack|Harry|Charlie|Jacob|Alfie|Noah|Oscar|George|Leo|Freddie|Arthur|Theo|Archie|"
     "Jenson|Tomos|Osian|Cai|Elis|Harri|Macsen|Gruffydd|Iestyn|Mason|Riley|Logan|Harrison|"
     "Teddy|Dewi|Alexander|Thomas|William|Joshua|Henry|Finley",
     "Olivia|Amelia|Isla|Ava|Mia|Ella|Grace|Lily|Freya|Evie|Poppy|Sophia|Isabella|Millie|Ruby|"
     "Seren|Mali|Megan|Ffion|Alys|Nia|Efa|Cadi|Lili|Elsie|Willow|Daisy|Harper|Eira|Erin|"
     "Charlotte|Emily|Isabelle|Sophie|Chloë"),
]
GROUP_GIVEN = {  # extra names a group mixes into the cohort lists (share, male, female)
    "welsh": (0.30,
              "Dafydd|Huw|Ioan|Owain|Gethin|Dewi|Alun|Hywel|Ieuan|Gruffudd|Rhodri|Geraint|Gwilym|"
              "Emrys|Meirion|Rhun|Tudur|Gwion|Iorwerth|Aneurin|Elfed|Taliesin|Llŷr",
              "Catrin|Sioned|Angharad|Eleri|Heledd|Manon|Llinos|Siân|Mererid|Eirlys|Ffion|Glesni|"
              "Gwenllian|Lleucu|Myfanwy|Gwawr|Non|Elen|Gwenno|Meinir|Nerys|Rhian|Mared"),
    "scottish": (0.35,
                 "Iain|Alasdair|Hamish|Callum|Lachlan|Ruaridh|Euan|Fraser|Angus|Murdo|Ewan|Finlay|"
                 "Struan|Douglas|Gregor|Fergus",
                 "Morag|Catriona|Fiona|Ailsa|Eilidh|Mhairi|Kirsty|Isla|Shona|Iona|Morven|Seonaid|"
                 "Kirsteen|Rhona|Elspeth"),
    "irish": (0.35,
              "Seán|Pádraig|Ciarán|Eoin|Declan|Liam|Niall|Cormac|Oisín|Darragh|Conor|Colm|Dónal|"
              "Fergal|Cathal|Brendan",
              "Siobhán|Niamh|Aoife|Róisín|Orla|Caoimhe|Saoirse|Gráinne|Clodagh|Bríd|Aisling|Sinéad|"
              "Máire|Deirdre|Ciara|Nuala"),
    "english": (0.0, "", ""),
}
# long tail of less common first names (any era), drawn flat
TAIL_M = (
    "Adrian|Alistair|Ashley|Barry|Bernard|Carl|Clive|Colin|Dale|Damian|Darren|Dominic|Duncan|Elliott|"
    "Ellis|Ethan|Evan|Felix|Francis|Frank|Gary|Gavin|Geoffrey|Glen|Gordon|Grant|Gregory|Guy|Howard|Hugh|"
    "Isaac|Jared|Jay|Jeremy|Jesse|Joel|Jude|Julian|Justin|Karl|Keith|Kyle|Lawrence|Leon|Lloyd|Louis|"
    "Marcus|Martyn|Max|Miles|Morgan|Nathaniel|Neil|Niall|Noel|Oscar|Patrick|Phillip|Ralph|Reuben|Rhys|"
    "Robin|Rory|Ross|Rowan|Roy|Russell|Sebastian|Shane|Spencer|Stanley|Stuart|Toby|Travis|Tristan|"
    "Troy|Tyler|Vaughan|Victor|Vincent|Wayne|Wesley|Zachary|Aidan|Alec|Bryn|Caradog|Ceri|Deiniol|"
    "Elgan|Emyr|Garmon|Gerallt|Goronwy|Gwyndaf|Hedd|Heddwyn|Iolo|Ithel|Llewelyn|Medwyn|Meilir|Mostyn|"
    "Nefydd|Peredur|Prys|Rhydian|Sion|Trystan|Wil|Wyn|Aled|Bleddyn|Cledwyn|Derfel|Eifion|Gwion|Ifan"
)
TAIL_F = (
    "Abigail|Adele|Alison|Amber|Andrea|Angela|Annabel|Annette|April|Beatrice|Belinda|Bridget|Briony|"
    "Camilla|Caroline|Cassie|Cheryl|Clare|Cora|Daphne|Dawn|Denise|Dionne|Eden|Eloise|Esme|Fay|Felicity|"
    "Fern|Frances|Georgina|Gina|Hayley|Heather|Hollie|Imogen|India|Ivy|Jasmine|Jodie|Josephine|Judith|"
    "Julia|Kayleigh|Keeley|Kirsten|Lara|Leah|Lesley|Lorna|Lucinda|Lydia|Mabel|Maisie|Marie|Martha|"
    "Maxine|Melanie|Miriam|Molly|Naomi|Nina|Paige|Penelope|Phoebe|Rosalind|Rose|Rosie|Roxanne|Sadie|"
    "Scarlett|Sharon|Sheena|Sonia|Stella|Tamsin|Tanya|Teresa|Tess|Tilly|Una|Vanessa|Verity|Violet|"
    "Yvonne|Zara|Anwen|Awen|Beca|Betsan|Branwen|Buddug|Ceinwen|Ceridwen|Dilys|Dwynwen|Elan|Eluned|"
    "Enfys|Esyllt|Ffraid|Gwyneth|Hafwen|Heulwen|Ifanwy|Lowri|Luned|Mabli|Meleri|Morfudd|Nest|Olwen|"
    "Rhiannon|Sara|Tegwen|Tirion|Wenna|Ela|Begw|Gwenan|Haf|Leusa|Lisa|Mirain|Tesni|Tangwen"
)
WELSH_MIDDLES_M = "Wyn|Glyn|Lloyd|Rhys|Huw|Emlyn|Owen|Gareth|Tudor|Elis"
WELSH_MIDDLES_F = "Ann|Mai|Haf|Wyn|Eleri|Lloyd|Medi|Non|Gwen|Angharad"

POLISH_GIVEN_M = ("Piotr|Krzysztof|Andrzej|Tomasz|Paweł|Michał|Marcin|Łukasz|Jakub|Mateusz|Kamil|"
                  "Grzegorz|Wojciech|Bartosz|Adam|Marek|Dawid|Szymon|Kacper|Filip|Jan|Zbigniew|Rafał|"
                  "Przemysław|Sławomir|Mariusz")
POLISH_GIVEN_F = ("Anna|Katarzyna|Małgorzata|Agnieszka|Magdalena|Joanna|Monika|Aleksandra|Ewa|"
                  "Justyna|Natalia|Karolina|Marta|Dorota|Beata|Zuzanna|Julia|Maja|Zofia|Wiktoria|"
                  "Oliwia|Paulina|Żaneta|Bożena|Jolanta|Iwona|Urszula")
POLISH_KIDS_M = "Oliver|Jakub|Szymon|Filip|Kacper|Antoni|Aleksander|Nikodem|Adam|Leon|Oskar|Igor"
POLISH_KIDS_F = "Julia|Zuzanna|Lena|Maja|Amelia|Emilia|Hanna|Oliwia|Nikola|Wiktoria|Natalia|Zofia"
PORT_GIVEN_M = "João|José|António|Francisco|Manuel|Pedro|Rui|Tiago|Luís|Nuno|Gonçalo|Diogo|Sérgio|Vítor"
PORT_GIVEN_F = "Maria|Ana|Inês|Mariana|Beatriz|Sofia|Conceição|Fátima|Joana|Rita|Catarina|Leonor|Sónia"
SA_GIVEN = {
    "gujarati": ("Rajesh|Sanjay|Amit|Vikram|Arjun|Rohan|Ravi|Anil|Deepak|Suresh|Nikhil|Krishna|Aarav|Jayesh|Hitesh",
                 "Priya|Anjali|Neha|Pooja|Sunita|Kavita|Meera|Divya|Asha|Shreya|Ananya|Hetal|Nisha|Bhavna"),
    "north_indian": ("Rahul|Amit|Vikas|Rohit|Sandeep|Arun|Manoj|Ajay|Vivek|Ishaan|Aditya|Karan",
                     "Pooja|Neha|Priyanka|Shweta|Anita|Ritu|Swati|Aditi|Kiran|Sakshi|Isha"),
    "sikh": ("Harpreet|Gurpreet|Jaswinder|Manjit|Kuldeep|Harjit|Ranjit|Amandeep|Jaspal|Sukhwinder|Gurdeep|Arjan",
             "Harpreet|Gurpreet|Manpreet|Jasvir|Rajinder|Kiranjit|Simran|Navneet|Harleen|Jaspreet|Amrit"),
    "pakistani": ("Mohammed|Imran|Tariq|Asif|Zahid|Bilal|Usman|Hamza|Ayaan|Adnan|Faisal|Kamran|Shahid|Zain|Ibrahim",
                  "Fatima|Ayesha|Zainab|Maryam|Sana|Nadia|Shazia|Saima|Amina|Hafsa|Nazia|Rubina|Yasmin|Aleena"),
    "bangladeshi": ("Mohammed|Abdul|Rahim|Shahid|Jamal|Rafiq|Anwar|Sabbir|Ayaan|Ibrahim|Hamid",
                    "Fatema|Nasima|Rehana|Shirin|Taslima|Salma|Ruksana|Jannat|Tahmina|Amina|Habiba"),
    "kerala": ("Jose|Binu|Shibu|Anil|Sajan|Jobin|Tom|Alan|Jijo|Manoj|Sanju|Aby|Jithin",
               "Mini|Bindu|Sherin|Anu|Jincy|Ancy|Tintu|Reshma|Smitha|Divya|Neethu|Soumya"),
}
CHINESE_GIVEN_PINYIN = ("Wei|Jing|Xiaoming|Yan|Hui|Jun|Ming|Lei|Tao|Yu|Xin|Hao|Yiming|Zihan|Yuxuan|"
                        "Xiaoyu|Mengyao|Jiayi|Haoran|Li Na|Yu Ting|Zhiwei|Xue")
CHINESE_GIVEN_CANT = ("Ka Ming|Wing Yan|Siu Man|Chi Keung|Wai Ling|Hoi Yan|Kwok Wai|Mei Ling|Ka Yan|"
                      "Tsz Ching|Chun Kit|Wai Man|Hiu Tung|Man Kit|Pui Shan|Ho Yin")
CHINESE_ENGLISH_M = "Kenny|Ivan|Jason|Eric|Tommy|Ken|Peter|Alan|Raymond|Michael|Jacky|Dennis|Samuel|Ethan"
CHINESE_ENGLISH_F = "Alice|Winnie|Vivian|Cathy|Grace|Ivy|Joyce|Karen|Mandy|Queenie|Cherry|Emily|Chloe"
ARABIC_GIVEN_M = ("Mohammad|Ahmad|Omar|Khaled|Yousef|Mahmoud|Ali|Hassan|Hussein|Ibrahim|Abdullah|Rami|"
                  "Fadi|Tarek|Bilal|Zaid|Mustafa|Ammar|Khalil")
ARABIC_GIVEN_F = ("Fatima|Aisha|Layla|Nour|Rania|Hiba|Maryam|Amira|Lina|Rasha|Reem|Yasmin|Sara|Huda|"
                  "Dania|Rahaf|Ghadeer|Asmaa")
WAFRICAN_GIVEN_M = ("Oluwaseun|Chukwuemeka|Tunde|Kwame|Kofi|Kwabena|Chinedu|Segun|David|Samuel|Daniel|"
                    "Emmanuel|Olumide|Ifeanyi")
WAFRICAN_GIVEN_F = ("Chiamaka|Ngozi|Folasade|Funmilayo|Adaeze|Abena|Akosua|Efua|Blessing|Grace|Esther|"
                    "Precious|Temitope|Oluwatoyin")

# --------------------------------------------------- variant dictionaries
NICK = {
    "William": ["Bill", "Will", "Billy", "Liam"], "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "Richard": ["Rich", "Rick", "Dick"], "James": ["Jim", "Jimmy", "Jamie"], "John": ["Jack", "Johnny"],
    "Thomas": ["Tom", "Tommy", "Twm"], "David": ["Dave", "Dai", "Davy"], "Michael": ["Mike", "Mick"],
    "Christopher": ["Chris"], "Matthew": ["Matt"], "Daniel": ["Dan", "Danny"], "Samuel": ["Sam"],
    "Joshua": ["Josh"], "Benjamin": ["Ben"], "Alexander": ["Alex", "Alfie"], "Anthony": ["Tony"],
    "Stephen": ["Steve"], "Steven": ["Steve"], "Peter": ["Pete"], "Andrew": ["Andy"],
    "Edward": ["Ed", "Eddie", "Ted"], "Frederick": ["Fred", "Freddie"], "Alfred": ["Alf", "Alfie"],
    "Henry": ["Harry", "Hal"], "Kenneth": ["Ken", "Kenny"], "Ronald": ["Ron", "Ronnie"],
    "Gareth": ["Gaz"], "Dafydd": ["Dai", "Dave", "Dafy"], "Ieuan": ["Ianto"], "Gwilym": ["Gwil"],
    "Rhodri": ["Rhod"], "Nicholas": ["Nick"], "Jonathan": ["Jon", "Jonny"], "Timothy": ["Tim"],
    "Joseph": ["Joe", "Joey"], "Philip": ["Phil"], "Terence": ["Terry"], "Leslie": ["Les"],
    "Raymond": ["Ray"], "Arthur": ["Art"], "Archibald": ["Archie"], "Gruffydd": ["Gruff"],
    "Gruffudd": ["Gruff"], "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty", "Elsie"],
    "Margaret": ["Maggie", "Peggy", "Meg", "Mags"], "Catherine": ["Cath", "Kate", "Cathy"],
    "Katherine": ["Kate", "Katie", "Kath"], "Jennifer": ["Jenny", "Jen"], "Rebecca": ["Becky", "Becca"],
    "Victoria": ["Vicky", "Tori"], "Samantha": ["Sam"], "Susan": ["Sue", "Susie"],
    "Patricia": ["Pat", "Trish"], "Deborah": ["Debbie", "Debs"], "Jacqueline": ["Jackie"],
    "Christine": ["Chris", "Chrissie"], "Charlotte": ["Charlie", "Lottie"], "Abigail": ["Abbie", "Abi"],
    "Gwenllian": ["Gwen"], "Rhiannon": ["Rhi"], "Bethan": ["Beth"], "Eleanor": ["Ellie", "Nell"],
    "Isabella": ["Bella", "Izzy"], "Amelia": ["Millie", "Amy"], "Olivia": ["Liv", "Livvy"],
    "Gwendoline": ["Gwen", "Wendy"], "Dorothy": ["Dot", "Dolly"], "Kathleen": ["Kath", "Kathy"],
    "Gillian": ["Gill"], "Valerie": ["Val"], "Pamela": ["Pam"], "Barbara": ["Babs"],
    "Małgorzata": ["Gosia"], "Katarzyna": ["Kasia"], "Aleksandra": ["Ola"], "Agnieszka": ["Aga"],
    "Wojciech": ["Wojtek"], "Krzysztof": ["Krzys", "Chris"], "Przemysław": ["Przemek"],
    "Oluwaseun": ["Seun"], "Chukwuemeka": ["Emeka"], "Oluwatoyin": ["Toyin"], "Temitope": ["Tope"],
    "Funmilayo": ["Funmi"], "Folasade": ["Sade"], "Mohammed": ["Mo"], "Mohammad": ["Mo"],
    "Abdullah": ["Abdul"], "Natalie": ["Nat"], "Nicola": ["Nicky", "Nikki"], "Joanne": ["Jo"],
    "Louise": ["Lou"], "Angharad": ["Hari"], "Caitlin": ["Cait"], "Gethin": ["Geth"],
    "Llewellyn": ["Llew"], "Alasdair": ["Ali"], "Hamish": ["Ham"], "Pádraig": ["Paddy"],
    "Daniela": ["Dani"],
}
ANGLICISED = {
    "Dafydd": "David", "Ieuan": "Evan", "Gruffudd": "Griffith", "Gruffydd": "Griffith",
    "Hywel": "Howell", "Siôn": "John", "Gwilym": "William", "Iorwerth": "Edward", "Llŷr": "Lear",
    "Owain": "Owen", "Siân": "Jane", "Seán": "Shaun", "Pádraig": "Patrick", "Siobhán": "Joan",
    "Aoife": "Eva", "Máire": "Maura", "Dónal": "Donald", "Eoin": "Owen", "Bríd": "Bridget",
    "Łukasz": "Luke", "Paweł": "Paul", "Piotr": "Peter", "Michał": "Michael", "Jakub": "Jacob",
    "Tomasz": "Tom", "Katarzyna": "Katherine", "Małgorzata": "Margaret", "Wojciech": "Albert",
    "Krzysztof": "Christopher", "Andrzej": "Andrew", "Grzegorz": "Greg", "Marek": "Mark",
    "João": "John", "José": "Joseph", "António": "Anthony", "Mohammad": "Mohammed",
    "Yousef": "Joseph", "Ibrahim": "Abraham", "Mali": "Molly", "Efa": "Eva", "Cadi": "Katie",
    "Macsen": "Max", "Harri": "Harry", "Tomos": "Thomas", "Ioan": "John", "Gwenno": "Gwen",
    "Sioned": "Janet", "Catrin": "Catherine",
}
ALT_SPELL = {
    # surnames
    "Davies": ["Davis"], "Davis": ["Davies"], "Phillips": ["Philips"], "Thomson": ["Thompson"],
    "Thompson": ["Thomson"], "Stewart": ["Stuart"], "Rees": ["Rhys", "Reese"],
    "Griffiths": ["Griffith"], "Griffith": ["Griffiths"], "Humphreys": ["Humphries"],
    "Pritchard": ["Prichard"], "Lloyd": ["Loyd"], "Foulkes": ["Fowkes", "Foulks"],
    "Gittins": ["Gittings"], "Maddocks": ["Maddox"], "Pierce": ["Pearce"], "Rowlands": ["Rowland"],
    "Reid": ["Reed"], "Byrne": ["Byrnes", "Burne"], "Doherty": ["Docherty", "Dougherty"],
    "Docherty": ["Doherty"], "Kavanagh": ["Cavanagh"], "Walsh": ["Welsh"], "Clarke": ["Clark"],
    "Matthews": ["Mathews"], "Llewellyn": ["Llewelyn", "Llewelin"], "Howells": ["Howell"],
    "Gough": ["Goff"], "Wynne": ["Wynn"], "Gwynne": ["Gwyn"], "Meredith": ["Meridith"],
    "Prosser": ["Prossor"], "Hewitt": ["Hewett"], "Beddoes": ["Beddows"], "Chaudhry": ["Chaudhary"],
    "Choudhury": ["Chowdhury"], "Kendrick": ["Kenrick"],
    # given names
    "Rhys": ["Reece", "Rees"], "Catherine": ["Katherine", "Kathryn"], "Katherine": ["Catherine"],
    "Stephen": ["Steven"], "Steven": ["Stephen"], "Philip": ["Phillip"], "Sarah": ["Sara"],
    "Hannah": ["Hanna"], "Megan": ["Meghan", "Meagan"], "Carys": ["Caris"], "Cerys": ["Ceris"],
    "Siôn": ["Sion", "Shôn"], "Dylan": ["Dillon"], "Owain": ["Owen"], "Iain": ["Ian"],
    "Ian": ["Iain"], "Euan": ["Ewan"], "Lewis": ["Louis"], "Matthew": ["Mathew"],
    "Niamh": ["Neve"], "Gareth": ["Garreth"], "Zoë": ["Zoey"], "Kieran": ["Ciaran"],
    "Leigh": ["Lee"], "Lee": ["Leigh"], "Tracey": ["Tracy"], "Lindsay": ["Lindsey"],
    "Gemma": ["Jemma"], "Jade": ["Jayde"], "Ann": ["Anne"], "Anne": ["Ann"],
    "Alan": ["Allan", "Allen"], "Graham": ["Graeme"], "Brian": ["Bryan"], "Nicola": ["Nichola"],
    "Rachel": ["Rachael"], "Caitlin": ["Kaitlyn"], "Isla": ["Islay"], "Elliot": ["Elliott"],
    "Osian": ["Ossian"], "Cai": ["Kai"], "Elis": ["Ellis"], "Geraint": ["Gerraint"],
    "Lowri": ["Lowrie"], "Ffion": ["Fion"], "Freya": ["Freyja"], "Isabelle": ["Isabel"],
    "Sophie": ["Sophia"], "Ellie": ["Elly"], "Jon": ["John"], "Kirsty": ["Kirstie"],
    "Jacqueline": ["Jaqueline"], "Shannon": ["Shanon"], "Harri": ["Harry"], "Macsen": ["Maxen"],
    "Aaron": ["Aron"], "Connor": ["Conor"], "Conor": ["Connor"], "Bethany": ["Bethanie"],
}
TRANSLIT = {
    "Mohammed": ["Muhammad", "Mohammad", "Mohamed", "Muhammed"],
    "Mohammad": ["Mohammed", "Muhammad", "Mohamad", "Mohamed"],
    "Ahmad": ["Ahmed"], "Ahmed": ["Ahmad"], "Yousef": ["Youssef", "Yusuf", "Yousif"],
    "Youssef": ["Yousef", "Yusuf"], "Khaled": ["Khalid"], "Omar": ["Umar"],
    "Mahmoud": ["Mahmood", "Mahmud"], "Hussein": ["Husain", "Hussain"],
    "Hussain": ["Hussein", "Husain"], "Fatima": ["Fatema", "Fatimah"], "Fatema": ["Fatima"],
    "Aisha": ["Ayesha", "Aysha"], "Ayesha": ["Aisha"], "Layla": ["Leila", "Laila"],
    "Nour": ["Noor", "Nur"], "Maryam": ["Mariam"], "Reem": ["Rim"], "Yasmin": ["Yasmeen"],
    "Kassem": ["Qassem", "Qasim"], "Othman": ["Osman", "Uthman"], "Suleiman": ["Sulaiman"],
    "Abdullah": ["Abdallah"], "Chaudhry": ["Chaudhary", "Choudhury"], "Rahman": ["Rehman"],
    "Uddin": ["Udin"], "Miah": ["Meah", "Mia"], "Zainab": ["Zaynab"], "Hamza": ["Hamzah"],
    "Tarek": ["Tariq"], "Mustafa": ["Mostafa"], "Asmaa": ["Asma"], "Rasha": ["Rashaa"],
    "Hossain": ["Hussain"], "Hoque": ["Haque", "Huq"], "Ibrahim": ["Ebrahim"],
}

# --------------------------------------------------------------- geography
DISTRICTS = {
    # outward code, post town, localities (first one is the town's urban core), weight
    "area": [
        ("LL11", "WREXHAM", ["Wrexham", "Gwersyllt", "Brymbo", "Coedpoeth", "Bwlchgwyn", "Summerhill",
                             "Minera", "Pentre Broughton"], 26),
        ("LL12", "WREXHAM", ["Wrexham", "Gresford", "Rossett", "Llay", "Marford", "Burton"], 20),
        ("LL13", "WREXHAM", ["Wrexham", "Marchwiel", "Bangor-on-Dee", "Holt", "Overton", "Borras"], 28),
        ("LL14", "WREXHAM", ["Rhosllanerchrugog", "Ruabon", "Cefn Mawr", "Chirk", "Johnstown",
                             "Penycae", "Acrefair"], 22),
        ("LL20", "LLANGOLLEN", ["Glyn Ceiriog", "Llangollen", "Pontfadog"], 4),
    ],
    "near": [
        ("CH4", "CHESTER", ["Saltney", "Handbridge", "Lache"], 30),
        ("SY13", "WHITCHURCH", ["Whitchurch", "Tilstock"], 20),
        ("SY14", "MALPAS", ["Malpas", "Tilston"], 15),
        ("CH3", "CHESTER", ["Farndon", "Tattenhall", "Christleton"], 20),
        ("SY12", "ELLESMERE", ["Ellesmere", "Welshampton"], 15),
    ],
    "far": [
        ("CH1", "CHESTER", ["Chester", "Blacon"], 20), ("CH2", "CHESTER", ["Hoole", "Upton"], 18),
        ("CH5", "DEESIDE", ["Connah's Quay", "Queensferry", "Shotton"], 18),
        ("CH7", "MOLD", ["Mold", "Buckley"], 16), ("SY11", "OSWESTRY", ["Oswestry", "Gobowen"], 16),
        ("CH66", "ELLESMERE PORT", ["Ellesmere Port", "Great Sutton"], 12),
    ],
}
WELSH_PLACE = {
    "Wrexham": "Wrecsam", "Chirk": "Y Waun", "Ruabon": "Rhiwabon", "Gresford": "Gresffordd",
    "Bangor-on-Dee": "Bangor Is-y-Coed", "Overton": "Owrtyn", "Rossett": "Yr Orsedd", "Llay": "Llai",
    "Rhosllanerchrugog": "Rhos", "Cefn Mawr": "Cefn-mawr", "Penycae": "Pen-y-cae",
    "Marchwiel": "Marchwiail", "Johnstown": "Stryt Issa", "Brymbo": "Brymbo",
    "Gwersyllt": "Gwersyllt", "Coedpoeth": "Coed-poeth",
}
STREET_EN_BASE = (
    "Acton|Alexandra|Albert|Ash|Beech|Birch|Bersham|Bradley|Cambrian|Chester|Grosvenor|Holt|"
    "Kingsmills|Hope|Oak|Park|Percy|Queens|Rhosddu|Ruabon|Salisbury|Stansty|Victoria|Willow|"
    "Windsor|Erddig|Offa|Dee|Ceiriog|Alyn|Clywedog|Cunliffe|Gatefield|Pandy|Elm|Maple|Hawthorn|"
    "Meadow|Orchard|Brook|Mill|Church|Chapel|Station|School|Bridge|Well|Castle|Heath|Moss|Vicarage|"
    "Rectory|Hafod|Plas|Garden|Tudor|Glyndwr|Mount|Green|Wern|Poplar|Cedar|Laburnum|Jubilee|"
    "Coronation|Marlborough|Belgrave|Egerton|Fairfield|Highfield|Woodland|Ffrith|Pentre"
)
STREET_EN_TYPE = ("Road:30|Street:25|Avenue:10|Close:12|Drive:10|Lane:10|Crescent:5|Way:5|Grove:4|"
                  "Court:4|View:3|Gardens:3|Terrace:4|Place:2|Walk:2")
STREET_CY_PREFIX = "Ffordd:30|Heol:10|Lôn:10|Stryt:8|Maes:10|Bryn:8|Cae:6|Llys:8|Clos:6|Rhodfa:3|Pen y:3"
STREET_CY_ELEM = (
    "y Castell|Offa|Glyndŵr|Dewi|y Wern|Gwenfro|Cynan|Tudur|y Parc|Derwen|Llwyn|Eithin|Hafod|"
    "Celyn|Garmon|Madoc|Owain|y Nant|Elfed|Islwyn|Ceiriog|Cadfan|Bedwyr|Erddig|y Dre|Acton|"
    "Gwynedd|Powys|Talwrn|Bersham|Tŷ Gwyn|Onnen|Bedw|Masarn|y Ffynnon|yr Hafod|Alun"
)
BILINGUAL = [
    ("Church Street", "Stryt yr Eglwys"), ("Park Road", "Ffordd y Parc"), ("Mill Lane", "Lôn y Felin"),
    ("Chapel Street", "Stryt y Capel"), ("Station Road", "Ffordd yr Orsaf"), ("High Street", "Stryt Fawr"),
    ("Castle Street", "Stryt y Castell"), ("Hill Street", "Stryt y Bryn"), ("Bridge Street", "Stryt y Bont"),
    ("School Lane", "Lôn yr Ysgol"), ("Well Street", "Stryt y Ffynnon"), ("New Road", "Ffordd Newydd"),
    ("Mountain Road", "Ffordd y Mynydd"), ("Chester Road", "Ffordd Caer"), ("Ruabon Road", "Ffordd Rhiwabon"),
    ("Oak Drive", "Rhodfa'r Dderwen"), ("Meadow Close", "Clos y Ddôl"), ("Holt Road", "Ffordd Holt"),
]
HOUSE_NAMES = ("Bryn Awel|Tŷ Gwyn|Rose Cottage|The Old Rectory|Pen y Bryn|Hafod|Min y Nant|Bryn Teg|"
               "Glan yr Afon|The Willows|Ivy Cottage|Ty Newydd|Y Bwthyn|Brookside|The Laurels|Bron Haul|"
               "Cae Glas|Llwyn Onn|Orchard House|Yr Hen Ysgol|Fron Deg|The Old Chapel|Maes Gwyn|Tan y Bryn")
CARE_HOME_A = "Plas|Bryn|Llys|Tŷ|Pen y Bryn|The Beeches|Acton Park|Hafod|Cae Glas|Woodlands|Gresford|Erddig|Maes"
CARE_HOME_B = "Care Home|Nursing Home|Residential Home|Court|Lodge|House"
