"""Geography for the heldout4 generator: an East Midlands city-and-suburbs
area covered by the LE postcode area.  Postcode districts, localities and post
towns follow the real pattern; streets and unit codes are invented, so a
generated postcode has the real shape (area, district, sector, unit) but is not
claimed to exist.
"""

# district, sectors, localities, post town, share of flats, weight in the area
DISTRICTS = [
    ("LE1", [1, 2, 3, 5, 6, 7], ["City Centre", "St Matthews", "St Margarets",
                                 "Highcross"], "LEICESTER", 0.75, 0.05),
    ("LE2", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
     ["Highfields", "Knighton", "Clarendon Park", "Aylestone", "Oadby",
      "Stoneygate", "Saffron", "Eyres Monsell"], "LEICESTER", 0.22, 0.22),
    ("LE3", [0, 1, 2, 3, 5, 6, 8, 9],
     ["Braunstone", "Westcotes", "New Parks", "Glenfield",
      "Leicester Forest East", "Fosse"], "LEICESTER", 0.15, 0.16),
    ("LE4", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
     ["Belgrave", "Beaumont Leys", "Rushey Mead", "Birstall", "Thurmaston",
      "Stocking Farm", "Mowmacre Hill"], "LEICESTER", 0.14, 0.20),
    ("LE5", [0, 1, 2, 3, 4, 5, 6],
     ["Evington", "Humberstone", "Hamilton", "Spinney Hills",
      "North Evington", "Rowlatts Hill", "Thurnby"], "LEICESTER", 0.12, 0.17),
    ("LE18", [1, 2, 3, 4], ["Wigston", "South Wigston", "Wigston Magna"],
     "WIGSTON", 0.10, 0.07),
    ("LE19", [0, 1, 2, 3, 4], ["Enderby", "Narborough", "Braunstone Town"],
     "LEICESTER", 0.08, 0.05),
    ("LE7", [1, 2, 3, 4, 7, 9], ["Syston", "Scraptoft", "Anstey"],
     "LEICESTER", 0.05, 0.04),
]

# Where communities cluster (multiplies a district's weight for the group).
AFFINITY = {
    "gujarati_hindu": {"LE4": 4.0, "LE5": 2.0, "LE2": 1.0, "LE18": 1.0},
    "punjabi_sikh": {"LE4": 2.0, "LE5": 2.0, "LE3": 1.5, "LE18": 2.0},
    "south_asian_muslim": {"LE5": 4.0, "LE2": 2.5, "LE1": 1.5},
    "somali": {"LE1": 3.0, "LE3": 2.5, "LE4": 2.0, "LE5": 1.5},
    "polish": {"LE3": 2.0, "LE2": 1.5, "LE4": 1.5},
    "romanian": {"LE3": 2.0, "LE2": 1.5, "LE1": 2.0},
    "lithuanian": {"LE3": 2.0, "LE2": 1.5},
    "west_african": {"LE2": 1.5, "LE3": 2.0, "LE4": 1.5, "LE1": 2.0},
    "caribbean": {"LE2": 2.5, "LE3": 1.5},
    "chinese": {"LE2": 2.0, "LE1": 2.5, "LE5": 1.0},
    "middle_eastern": {"LE1": 2.0, "LE3": 2.0, "LE2": 1.5},
    "white_british": {"LE18": 1.6, "LE19": 1.8, "LE7": 1.8, "LE3": 1.2, "LE4": 0.8,
                      "LE5": 0.7},
    "irish": {"LE2": 1.3, "LE3": 1.3},
}

STREET_BASES = """Acacia Ash Beech Birch Bradgate Belvoir Charnwood Church Mill
    Station Victoria Albert Queens Kings Park Ratcliffe Melton Uppingham
    Narborough Hinckley Welford Saffron Stoughton Gipsy Harrison Cossington
    Gresham Mere Hazel Rowan Willow Chestnut Sycamore Laburnum Elm Oak Linden
    Holly Lime Hawthorn Cedar Poplar Maple Juniper Orchard Meadow Brook Spinney
    Grange Manor Abbey Priory Chapel School Chester Windsor Warwick Stanley
    Gladstone Nelson Wellington Cromwell Tennyson Shelley Byron Milton Chaucer
    Dickens Keats Wordsworth Fosse Soar Wreake Sence Swithland Quorn Rothley
    Cropston Barkby Keyham Houghton Billesdon Tilton Launde Kibworth Fleckney
    Countesthorpe Blaby Whetstone Cosby Croft Sapcote Stoney Thurlaston Kirby
    Ratby Markfield Groby Anstey Thornton Bagworth Newtown Ellistown Ibstock
    Dorothy Mayfield Evington Guilford Mere Copdale Wycombe Hartington
    Lancaster Sussex Kent Norfolk Suffolk Dorset Devon Cornwall Somerset
    Catherine Bonchurch Loughborough Harrow Roberts Marfitt Ross Walk Checketts
    Buller Kensington Cambridge Oxford Hastings Lutterworth Glen Clarendon"""
STREET_SUFFIXES = [("Road", 30), ("Street", 22), ("Avenue", 10), ("Close", 10),
                   ("Lane", 7), ("Drive", 7), ("Crescent", 4), ("Way", 4),
                   ("Gardens", 2), ("Grove", 2), ("Place", 1), ("Terrace", 1),
                   ("Walk", 1), ("Rise", 1), ("Mews", 1)]
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl",
                 "Lane": "Ln", "Drive": "Dr", "Crescent": "Cres",
                 "Gardens": "Gdns", "Place": "Pl", "Terrace": "Terr",
                 "Grove": "Gr"}
BLOCK_NAMES = """Tennyson Shelley Byron Milton Chaucer Keats Wordsworth Attlee
    Bevan Morrison Churchill Eden Lansbury Clifton Sheridan Hawthorn Linden
    Rowan Juniper Falcon Kestrel Heron Merlin Osprey Swallow Wren Lark"""

# Unit letters used in real UK postcodes (C I K M O V are never used).
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
