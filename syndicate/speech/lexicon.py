"""The words of spoken entries: the tables a newsreader's style guide would have.

Units, currencies, abbreviations, number and symbol words, the words around the time that opens
each entry, the agencies whose photo credits are not read. The rules that use them are in
prepare.py; this module holds no logic. When a unit, a currency code or an abbreviation is read
wrongly because it is missing, add it here, not to the code: prepare.py builds its patterns from
these tables, so a new row is picked up as it is.

Units and currencies have one column per language (COLUMNS); a language without a column of its
own reads the English plural of a currency and leaves units as written.
"""
from __future__ import annotations

# Languages that write 4.500 for four thousand five hundred and 1,5 for one and a half.
COMMA_DECIMAL = {"vi", "de", "fr", "es", "it", "pt", "id", "nl", "ru", "tr", "pl", "da", "sv", "no", "cs", "ro", "uk"}
# Words for a range ("17-21"), the decimal point, "&", "+", "#5" and "-5".
WORDS = {  # to, point, and, plus, number, minus
    "en": ("to", "point", "and", "plus", "number", "minus"),
    "vi": ("đến", "phẩy", "và", "cộng", "số", "âm"),
    "hi": ("से", "दशमलव", "और", "प्लस", "नंबर", "माइनस"),
}
# Units as written after a number. English is spelt the American way ("kilometers"): flite
# mispronounces "kilometres". Longer units are tried first, whatever the order here.
UNITS = {  # unit: (English singular, English plural, Vietnamese, Hindi)
    "km/h": ("kilometer per hour", "kilometers per hour", "ki lô mét một giờ", "किलोमीटर प्रति घंटा"),
    "kph": ("kilometer per hour", "kilometers per hour", "ki lô mét một giờ", "किलोमीटर प्रति घंटा"),
    "mph": ("mile per hour", "miles per hour", "dặm một giờ", "मील प्रति घंटा"),
    "m/s": ("meter per second", "meters per second", "mét một giây", "मीटर प्रति सेकंड"),
    "km²": ("square kilometer", "square kilometers", "ki lô mét vuông", "वर्ग किलोमीटर"),
    "sq km": ("square kilometer", "square kilometers", "ki lô mét vuông", "वर्ग किलोमीटर"),
    "km": ("kilometer", "kilometers", "ki lô mét", "किलोमीटर"),
    "cm": ("centimeter", "centimeters", "xen ti mét", "सेंटीमीटर"),
    "mm": ("millimeter", "millimeters", "mi li mét", "मिलीमीटर"),
    "m": ("meter", "meters", "mét", "मीटर"),
    "ft": ("foot", "feet", "feet", "फ़ुट"),
    "kg": ("kilogram", "kilograms", "ki lô gam", "किलोग्राम"),
    "lbs": ("pound", "pounds", "pao", "पाउंड"),
    "lb": ("pound", "pounds", "pao", "पाउंड"),
    "ha": ("hectare", "hectares", "héc ta", "हेक्टेयर"),
    "kWh": ("kilowatt hour", "kilowatt hours", "ki lô oát giờ", "किलोवाट घंटा"),
    "kW": ("kilowatt", "kilowatts", "ki lô oát", "किलोवाट"),
    "MW": ("megawatt", "megawatts", "mê ga oát", "मेगावाट"),
    "GW": ("gigawatt", "gigawatts", "gi ga oát", "गीगावाट"),
    "°C": ("degree Celsius", "degrees Celsius", "độ C", "डिग्री सेल्सियस"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit", "độ F", "डिग्री फ़ारेनहाइट"),
    "°": ("degree", "degrees", "độ", "डिग्री"),
    "%": ("percent", "percent", "phần trăm", "प्रतिशत"),
}
CURRENCIES = {  # sign: (English singular, English plural, Vietnamese, Hindi)
    "US$": ("US dollar", "US dollars", "đô la Mỹ", "अमेरिकी डॉलर"),
    "$": ("dollar", "dollars", "đô la", "डॉलर"),
    "€": ("euro", "euros", "euro", "यूरो"),
    "£": ("pound", "pounds", "bảng Anh", "पाउंड"),
    "¥": ("yen", "yen", "yên", "येन"),
    "₹": ("rupee", "rupees", "rupee", "रुपये"),
    "₫": ("dong", "dong", "đồng", "डोंग"),
}
# The column of UNITS and CURRENCIES each language reads; English reads column 0 for "1".
COLUMNS = {"vi": 2, "hi": 3}
# Codes and other written forms of a currency sign. A new currency needs its row in CURRENCIES
# and its written forms in SIGNS_BEFORE or SIGNS_AFTER.
CURRENCY_CODES = {"USD": "US$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "Rs": "₹", "Rs.": "₹",
                  "VND": "₫", "đ": "₫"}
# Currency signs and codes as written before an amount ("$5", "Rs. 300") and after it ("25,000 VND").
SIGNS_BEFORE = ("US$", "$", "€", "£", "¥", "₹", "₫", "USD", "EUR", "GBP", "JPY", "INR", "VND", "Rs.", "Rs")
SIGNS_AFTER = ("USD", "EUR", "GBP", "JPY", "INR", "VND", "₫", "đ", "€")
# English: "$3.50" is "three dollars and fifty cents".
SUBUNITS = {"$": "cents", "US$": "cents", "€": "cents", "£": "pence"}
# English words for the short scales after a number ("$5m", "1.5bn").
SCALES = {"k": "thousand", "m": "million", "bn": "billion", "tn": "trillion"}
# Scale words after a number, in every language ("1.5 million", "5 triệu đồng").
SCALE_WORDS = ("thousand", "million", "billion", "trillion", "bn", "tn", "m", "k", "nghìn", "ngàn",
               "triệu", "tỷ", "tỉ", "हज़ार", "हजार", "लाख", "करोड़")
# English abbreviations, said in full. A full form ending in "." may end a sentence ("etc."): it
# keeps its full stop when the abbreviation is last or the next word has a capital.
# "a.m." and "p.m." are not here: flite and espeak-ng both say them right as written.
ABBREVIATIONS = {
    "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "Prof.": "Professor",
    "Gen.": "General", "Lt.": "Lieutenant", "Col.": "Colonel", "Capt.": "Captain", "Sgt.": "Sergeant",
    "Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative", "Pres.": "President",
    "Mt.": "Mount", "Ave.": "Avenue", "Rd.": "Road", "Blvd.": "Boulevard", "Dept.": "Department",
    "vs.": "versus", "e.g.": "for example", "i.e.": "that is", "approx.": "approximately",
    "etc.": "et cetera.", "Inc.": "Incorporated.", "Ltd.": "Limited.", "Corp.": "Corporation.",
    "Co.": "Company.", "Jr.": "Junior.", "Sr.": "Senior.",
}
# English initialisms read letter by letter: flite reads "US" as "us" ("U.S." needs no row).
INITIALISMS = ("US", "UK", "UN", "EU", "USA")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Abbreviations in other languages, as patterns of their written forms ("TP.HCM", "TP HCM").
LOCAL_ABBREVIATIONS = {
    "vi": {r"\bTP\.?\s?HCM\b": "Thành phố Hồ Chí Minh"},
}
# Photo and news agencies: a caption ending in one ("Jane Doe/AFP", "REUTERS/X") is a credit.
AGENCIES = ("AFP", "AP", "Reuters", "REUTERS", "EPA", "EPA-EFE", "Getty Images", "Xinhua", "VNA",
            "TTXVN", "PTI", "ANI")

# The time that opens each spoken entry, in the blog's zone: (on the hour, with minutes). {h} and
# {m} are the hour and the minute as said in the language (English says both in {h}: "eight
# thirty"), {part} the part of the day from DAY_PARTS. Other languages get "7:45.".
TIME_INTRO = {
    "en": ("At {h} {part}", "At {h} {part}"),
    "vi": ("Lúc {h} giờ.", "Lúc {h} giờ {m} phút."),
    "hi": ("{part} {h} बजे।", "{part} {h} बजकर {m} मिनट पर।"),
}
NAMED_HOURS = {"en": {0: "At midnight.", 12: "At noon."}}  # said instead, on the hour
DAY_PARTS = {  # language: (from hour, part of the day), in order
    "en": ((0, "a.m."), (12, "p.m.")),
    "hi": ((0, "रात"), (4, "सुबह"), (12, "दोपहर"), (16, "शाम"), (20, "रात")),
}
