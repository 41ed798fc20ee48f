"""What clients write in the end-to-end answer tests, and what each answer must contain.

Colloquial, misspelt, without umlauts; none of these messages is in the training data
(tests/answers/test_messages_are_unseen.py checks that).
"""

from __future__ import annotations

# topic -> language -> (messages, words every answer must contain, case-insensitive)
FAQ = {
    "fees": {
        "de": (["was kostet mich das eigentlich beim amt", "gebuehren fuer aufenthaltstitel??"],
               ["100 Euro", "96 Euro", "25 Euro bis 60 Euro", "Hälfte"]),
        "en": (["how much r the fees", "what do i have to pay at the office for a permit?"],
               ["EUR 100", "EUR 96", "EUR 25 to EUR 60", "half"]),
    },
    "documents": {
        "de": (["was soll ich alles mitbrigen zum termin", "welche papiere brauch ich da"],
               ["Nationalpass", "Kopie", "biometrisches Foto", "Einkommen"]),
        "en": (["wat documents shud i bring", "which paperwork do i take with me to the appointment"],
               ["passport", "copy", "biometric photo", "income"]),
    },
    "eat": {
        "de": (["was hat es mit dem eat auf sich", "wieso fingerabdruecke auf der karte, was ist das fuer ein chip"],
               ["01.09.2011", "Foto", "zwei Fingerabdrücke", "6 Jahren", "persönlich", "Identitätsnachweis",
                "Signatur", "Bundesdruckerei", "zweimal", "Wochen"]),
        "en": (["what is the eat card about", "why does the electronic card need my fingerprints"],
               ["1 September 2011", "photo", "two fingerprints", "age of 6", "in person", "electronic ID",
                "signature", "Bundesdruckerei", "twice", "weeks"]),
    },
    "pickup_proxy": {
        "de": (["darf mein cousin die karte fuer mich abholen", "kann jemand anderes meinen eat holen gehen"],
               ["16", "bevollmächtigte", "Formular"]),
        "en": (["can my flatmate go get my card for me", "is somebody else allowed to collect my eat"],
               ["16", "authorise", "form"]),
    },
    "appointments": {
        "de": (["wie bekomm ich einen termin bei euch", "kann ich einfach ohne termin vorbeikommen"],
               ["nur mit Termin", "schreiben", "pünktlich", "99-2421", "99-2422"]),
        "en": (["how can i book an apointment with you", "can i just walk in without an appointment"],
               ["only", "appointment", "write to you", "on time", "99-2421", "99-2422"]),
    },
    "status": {
        "de": (["was ist mit meinem antrag, hab seit wochen nix gehoert", "ist mein antrag schon bearbeitet worden"],
               ["so schnell wie möglich", "Nachfragen zum Stand"]),
        "en": (["whats happening with my application, no reply for ages", "has anybody processed my request yet"],
               ["as quickly as possible", "refrain from sending enquiries about the status"]),
    },
    "fiktionswirkung": {
        "de": (["was bedeutet diese fiktionswirkung genau", "mein titel laeuft ab bevor ich einen termin hab, darf ich weiter arbeiten"],
               ["rechtzeitig", "bis zu Ihrem Termin", "arbeiten", "Bestätigung"]),
        "en": (["what does fiktionswirkung mean exactly", "my permit runs out before my appointment, can i still keep my job"],
               ["on time", "until your appointment", "working", "confirmation"]),
    },
    "contact_channels": {
        "de": (["wieso nehmt ihr keine emails mehr an", "kann ich euch nicht einfach ne mail schicken"],
               ["Kontaktformular", "Assistent", "tausende", "mehrfach", "falsche Stelle", "Viren"]),
        "en": (["why dont you accept e-mails anymore", "cant i just send you an email instead"],
               ["contact form", "assistant", "thousands", "several times", "wrong department", "viruses"]),
    },
}

# Amount the computed fee must state, per message.
FEE_QUOTES = {
    "de": [("was kostet die verlängerung für meinen sohn, er ist 12", "48 Euro"),
           ("wie viel zahlt man fuer die verlaengerung bei nem kind von 9 jahren", "48 Euro"),
           ("was kostet die erteilung fuer meine tochter, sie ist 15", "50 Euro")],
    "en": [("how much is the extension for my son, he is 12", "EUR 48"),
           ("whats the fee to extend for my 9 year old kid", "EUR 48"),
           ("price of a new residence permit for my daughter, shes 15", "EUR 50")],
}

# Questions the office's published facts do not answer.
NOT_COVERED = {
    "de": ["wie lange dauert die bearbeitung der niederlassungserlaubnis",
           "darf ich mit der fiktionsbescheinigung nach frankreich reisen"],
    "en": ["how long does a settlement permit take to process",
           "can I travel to France with my Fiktionsbescheinigung"],
}

GREETINGS = {"de": ["hallo ihr lieben", "guten tach"], "en": ["good morning there", "hey hello"]}
# Very short messages the brief names: already typical training examples, so exempt from the unseen check.
SHORT = {"de": ["moin"], "en": ["hello?"]}
THANKS = {"de": ["dankeschöön, echt nett", "vielen dank fuer die hilfe"], "en": ["cheers, thanks a lot", "thank u so much"]}
INSULTS = {"de": ["was fuer ein dummer bot", "ihr seid so unfaehig"], "en": ["you stupid machine", "this is the worst bot ever"]}
GIBBERISH = ["asdfgh", "????", "jjjjkkkk lol"]
OTHER_OFFICES = {
    "de": ["ich will meinen fuehrerschein umschreiben lassen", "wo krieg ich das kindergeld beantragt", "ich muss meine wohnung anmelden"],
    "en": ["how do i swap my driving licence", "where can i apply for kindergeld", "i need to do my anmeldung"],
}

# Switch requests with negations and typos (message, language asked for).
SWITCH_REQUESTS = [("i cant speak german sorry", "en"), ("sprechen sie vielleicht englisch?", "en"),
                   ("englisch pls", "en"), ("mein englisch ist nicht gut, lieber deutsch", "de"),
                   ("could u answer in german", "de")]

ALL_MESSAGES = (
    [m for topic in FAQ.values() for messages, _ in topic.values() for m in messages]
    + [m for pairs in FEE_QUOTES.values() for m, _ in pairs]
    + [m for group in (NOT_COVERED, GREETINGS, THANKS, INSULTS, OTHER_OFFICES) for ms in group.values() for m in ms]
    + [m for m, _ in SWITCH_REQUESTS]
    + [m for m in GIBBERISH if m != "asdfgh"]  # "asdfgh" is the brief's own example, also a training example
)
