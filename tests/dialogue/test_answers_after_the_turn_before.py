"""Follow-ups that depend on the turn before, and questions that got a wrong or no answer
(issue 14, the blind set's failure kinds; our own wording, never a set's).

- what a fee depends on (the matter, the reason of a visa extension, the age);
- a person and age carried from the turn before to a new question ("and the fee exactly?");
- where the card is made, whether it can be done by phone, whether one gets something in
  writing, how early to apply (honestly not published, with the office's phone numbers);
- EU citizens named by a nationality adjective, what a settlement permit needs, the purposes
  of a residence permit, a ready card that cannot be picked up in person;
- typos in the words that name a fact ("fingerprnts", "childen under 18", "pasport foto").
"""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said

PHONES = "99-2421"
HONEST = {"de": "keine verlässliche Auskunft", "en": "no reliable information"}


def _last(texts: list[str], language: str):
    *_, outcome = conversation(texts, language)
    assert not outcome.start_enquiry, texts
    assert outcome.unclear is None, (texts, outcome)
    return outcome


def _says(outcome, words) -> None:
    text = said(outcome)
    for word in words:
        assert word.lower() in text.lower(), (word, text)


def _buttons(outcome) -> list[str]:
    return [b["payload"] for r in outcome.replies for b in r.buttons]


# -- what a fee depends on --------------------------------------------------------------------

@pytest.mark.parametrize("texts, language, words", [
    (["Wie teuer ist es, mein Visum hier verlängern zu lassen?", "Und wovon hängt der Betrag ab?"], "de",
     ["Grund", "25", "60"]),
    (["Was zahle ich, wenn ich mein Visum verlängere?", "von was hängt das denn ab?"], "de", ["Grund", "60"]),
    (["what would I pay to get my visa extended here?", "depends on what?"], "en", ["reason", "25", "60"]),
    (["price for a visa extension pls", "ok and what does that depend on"], "en", ["reason", "60"]),
    # A fixed fee: the matter and the age decide (minors half).
    (["Was kostet mich die Verlängerung der Aufenthaltserlaubnis?", "hängt das von irgendwas ab?"], "de",
     ["96", "Hälfte"]),
    (["how much is a residence permit?", "what does the amount depend on?"], "en", ["100", "half"]),
])
def test_what_a_fee_depends_on(texts, language, words):
    outcome = _last(texts, language)
    _says(outcome, words)


def test_what_something_else_depends_on_is_said_honestly():
    """After an answer that is no fee, the seeds do not say what it depends on: honestly, with the numbers."""
    outcome = _last(["Was muss ich mitbringen?", "wovon hängt das ab?"], "de")
    _says(outcome, [PHONES])


# -- a person and age carried to a new question --------------------------------------------

@pytest.mark.parametrize("texts, language, words, absent", [
    (["my boy is 11, does he have to be there in person?", "and the fee for extending his permit, how much exactly?"],
     "en", ["48"], []),
    (["Meine Tochter ist 9 – muss die zum Termin mit?", "Und was kostet dann genau die Verlängerung?"], "de",
     ["48"], []),
    (["does my 15 year old need to give fingerprints?", "what is the fee for a new permit then?"], "en", ["50"], []),
    # A person named again in the new question is that person.
    (["Muss meine Tochter (9) mitkommen?", "Was kostet die Verlängerung für mich?"], "de", ["96"], ["48"]),
])
def test_the_person_and_age_carry_to_the_next_question(texts, language, words, absent):
    outcome = _last(texts, language)
    _says(outcome, words)
    for word in absent:
        assert word not in said(outcome)


# -- follow-ups on the card ---------------------------------------------------------------

@pytest.mark.parametrize("texts, language", [
    (["what's an eAT?", "who produces it?"], "en"),
    (["tell me about the electronic residence card", "and where do they make them?"], "en"),
    (["Was ist denn dieser eAT?", "und wo wird der gemacht?"], "de"),
    (["Wie lange muss ich auf meine Karte warten?", "wer stellt die eigentlich her?"], "de"),
])
def test_where_the_card_is_made(texts, language):
    outcome = _last(texts, language)
    assert outcome.frame.topic == "card_made", outcome.frame
    _says(outcome, ["Bundesdruckerei"])


@pytest.mark.parametrize("text, language", [
    ("how long until the new card is ready for me?", "en"),
    ("wann ist meine neue Karte denn fertig?", "de"),
])
def test_how_long_the_card_takes_is_weeks(text, language):
    outcome = _last([text], language)
    _says(outcome, ["Bundesdruckerei", "Wochen" if language == "de" else "weeks"])


# -- by phone -----------------------------------------------------------------------------

@pytest.mark.parametrize("texts, language, words", [
    (["what do I need for permanent residence?", "could I sort that out over the phone?"], "en", [PHONES, "in person"]),
    (["Wie beantrage ich die Niederlassungserlaubnis?", "geht das auch telefonisch?"], "de", [PHONES, "Telefon"]),
    (["how does extending my permit work?", "can i just do it by phone"], "en", [PHONES, "in person"]),
    (["Wie läuft die Verlängerung ab?", "kann ich das am Telefon erledigen?"], "de", [PHONES, "persönlich"]),
])
def test_doing_a_matter_by_phone_is_answered_never_the_form(texts, language, words):
    outcome = _last(texts, language)
    _says(outcome, words)


def test_an_appointment_by_phone_is_the_appointment_answer():
    outcome = _last(["can I book an appointment by phone?"], "en")
    assert outcome.frame.topic == "appointments"
    _says(outcome, [PHONES])


# -- something in writing -------------------------------------------------------------------

@pytest.mark.parametrize("texts, language", [
    (["my residence permit runs out in three weeks, what do I have to do?", "will I get some paper for that?"], "en"),
    (["What is the Fiktionswirkung?", "and do I get a paper that proves it?"], "en"),
    (["Meine Aufenthaltserlaubnis läuft bald aus. Was tun?", "bekomme ich dafür irgendeinen Nachweis?"], "de"),
    (["Was bedeutet Fiktionswirkung?", "krieg ich da ein Papier in die Hand?"], "de"),
])
def test_something_in_writing_is_the_confirmation(texts, language):
    outcome = _last(texts, language)
    assert outcome.frame.topic == "confirmation", outcome.frame
    _says(outcome, ["Bestätigung" if language == "de" else "confirmation"])


# -- how early (not published: honest, with the numbers) ------------------------------------

@pytest.mark.parametrize("texts, language", [
    (["How do I renew my Blue Card?", "how long before it runs out can I send the application?"], "en"),
    (["Ich muss meine Aufenthaltserlaubnis verlängern.", "wie früh kann ich das machen?"], "de"),
    (["how soon can I apply for the extension?"], "en"),
])
def test_how_early_to_apply_is_honestly_not_published(texts, language):
    outcome = _last(texts, language)
    _says(outcome, [HONEST[language], PHONES])


# -- EU citizens, settlement permit, purposes, pick-up -----------------------------------------

@pytest.mark.parametrize("text, language, country", [
    ("Ich bin Portugiesin – brauche ich hier überhaupt so eine Karte?", "de", "Portugal"),
    ("als Österreicher, muss ich einen Aufenthaltstitel beantragen?", "de", "Österreich"),
    ("i'm dutch, do i have to get a residence permit?", "en", "Netherlands"),
    ("Greek citizen here - is a residence card required for me?", "en", "Greece"),
])
def test_an_eu_citizen_named_by_nationality_needs_no_title(text, language, country):
    outcome = _last([text], language)
    _says(outcome, [country, "EU"])


@pytest.mark.parametrize("text, language, words", [
    ("what would I need to get a settlement permit?", "en", ["staff", PHONES]),
    ("Was brauche ich eigentlich für die Niederlassungserlaubnis?", "de", ["Mitarbeiter", PHONES]),
    ("which papers do I need for permanent residence?", "en", ["staff", "passport"]),
])
def test_what_a_settlement_permit_needs_is_explained_by_staff(text, language, words):
    outcome = _last([text], language)
    _says(outcome, words)


@pytest.mark.parametrize("text, language, words", [
    ("for what reasons can someone get a residence permit?", "en", ["work", "study", "humanitarian"]),
    ("what can a residence permit be given for?", "en", ["work", "study"]),
    ("Aus welchen Gründen kann man eine Aufenthaltserlaubnis bekommen?", "de", ["Studium", "humanitär"]),
])
def test_the_purposes_of_a_residence_permit(text, language, words):
    outcome = _last([text], language)
    _says(outcome, words)


@pytest.mark.parametrize("text, language, words", [
    ("My card is ready but I'm abroad and can't collect it myself. What now?", "en", ["authoris", "form"]),
    ("Die Karte liegt zur Abholung bereit, aber ich kann nicht persönlich hin. Was kann ich machen?", "de",
     ["bevollmächtigte", "Formular"]),
    ("meine neue karte ist fertig und ich bin verreist, wie bekomme ich die?", "de", ["bevollmächtigte"]),
])
def test_a_ready_card_that_cannot_be_picked_up_in_person_is_the_authorised_person(text, language, words):
    outcome = _last([text], language)
    assert outcome.frame.topic == "pickup", outcome.frame
    _says(outcome, words)


# -- typos in the words that name a fact ----------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("from what age are fingerprnts taken?", "en", ["6"]),
    ("do kids have to give there fingreprints?", "en", ["6"]),
    ("do childen under 18 pay less?", "en", ["half"]),
    ("zahlen Kinder unter 18 weniger?", "de", ["Hälfte"]),
    ("is a pasport foto needed?", "en", ["biometric"]),
    ("brauch ich ein pasfoto?", "de", ["biometrisch"]),
    ("was kostet ein neuer aufenthaltstitl?", "de", ["100"]),
    ("my permit expirs next month can i stil work", "en", ["Fiktionswirkung"]),
    ("old stikers in my pasport, are they still ok?", "en", ["2021"]),
])
def test_typos_still_reach_the_fact(text, language, words):
    outcome = _last([text], language)
    _says(outcome, words)


def test_an_age_bound_is_no_age():
    """ "under 18" names minors, not an 18-year-old (who would pay the full fee)."""
    outcome = _last(["do children under 18 pay the full fee?"], "en")
    assert outcome.frame.age is None and outcome.frame.minor
    _says(outcome, ["half"])


# -- more follow-ups of the same kinds -------------------------------------------------------

@pytest.mark.parametrize("texts, language, words", [
    # A title about to run out is not an expired one.
    (["I'm studying and my permit is about to run out. Can I go on studying after it expires if I apply on time?"],
     "en", ["study"]),
    (["Ich hab meine Verlängerung schon beantragt.", "meine Erlaubnis läuft aber morgen ab, ist das ein Problem?"],
     "de", ["Fiktionswirkung"]),
    # The fee of another matter named as "the first time".
    (["Was kostet eine Verlängerung?", "und wenn ich das erste Mal eine Aufenthaltserlaubnis beantrage?"], "de", ["100"]),
    # Fingerprints "from how many years": the age 6, not "not published".
    (["ab wie vielen jahren müssen kinder fingerabdrücke abgeben?"], "de", ["6"]),
    # Late for the appointment: be on time (seed), what happens then is not published.
    (["Brauche ich einen Termin?", "und wenn ich mich verspäte?"], "de", ["pünktlich", PHONES]),
    (["do I need an appointment?", "what if I show up late?"], "en", ["on time", PHONES]),
    # When an answer comes: as quickly as possible (no status enquiries).
    (["I sent my extension through the contact form.", "when will I get a reply?"], "en", ["as quickly as possible"]),
    (["Ich hab das Kontaktformular abgeschickt.", "wann bekomme ich eine Antwort?"], "de", ["so schnell wie möglich"]),
    # Where the application goes: the contact form (or here).
    (["Wie verlängere ich meine Aufenthaltserlaubnis?", "wohin muss ich den antrag schicken?"], "de", ["Kontaktformular"]),
    (["how do I renew my permit?", "where do I send my application to?"], "en", ["contact form"]),
])
def test_more_follow_ups_reach_the_seed_fact(texts, language, words):
    outcome = _last(texts, language)
    _says(outcome, words)


# -- second round: the thing a follow-up is about, statements before a question ---------------

def test_a_person_after_what_the_fee_depends_on_asks_that_fee():
    *_, outcome = conversation(["How much to extend a visa?", "what does it depend on?", "and for my 10 year old?"], "en")
    assert outcome.frame.topic == "fee" and outcome.frame.age == 10
    _says(outcome, ["12.50", "30"])


@pytest.mark.parametrize("text, language, topic, words", [
    # A statement before the comma names what the question after it is for.
    ("got my renewal appointment next week, what do I have to bring?", "en", "documents", ["passport", "photo"]),
    ("Mein Termin zur Verlängerung ist am Montag, was soll ich alles mitnehmen?", "de", "documents", ["Nationalpass"]),
    # "wie komme ich da ran?" after a statement about the ready card: the pick-up.
    ("Meine Karte liegt seit einer Woche bereit, ich bin aber im Krankenhaus. Wie komme ich jetzt an die Karte?", "de",
     "pickup", ["bevollmächtigte"]),
    # Fingerprints "from how many years": the age 6, not "not published".
    ("ab wie viel jahren nimmt man bei kindern fingerabdrücke?", "de", "appearance", ["6"]),
    # "book" is an appointment.
    ("and how do I book the collection of my card?", "en", "appointments", [PHONES]),
    # E-mails are no longer the way: the contact form.
    ("can't I simply email the office my question?", "en", "contact", ["contact form"]),
])
def test_statements_and_words_before_a_question(text, language, topic, words):
    outcome = _last([text], language)
    assert outcome.frame.topic == topic, outcome.frame
    _says(outcome, words)


def test_the_first_time_is_the_issue_fee():
    outcome = _last(["What does an extension cost?", "and when I apply for the first time?"], "en")
    _says(outcome, ["100"])


@pytest.mark.parametrize("texts, language, topic, words, absent", [
    (["if my permit runs out while I'm still waiting for my appointment, am I ok?"], "en", "fiktion", ["Fiktionswirkung"],
     ["refrain"]),
    (["Kann ich einfach so vorbeikommen, oder muss ich vorher was ausmachen?"], "de", "appointments", [PHONES], []),
    (["Brauche ich einen Termin für die Verlängerung?", "ok und was soll ich dann dabei haben?"], "de", "documents",
     ["Kopie", "Foto"], []),
    (["why can't I just send you guys an e-mail anymore?"], "en", "contact", ["contact form"], []),
    (["what's the going rate to renew a residence permit?"], "en", "fee", ["96"], []),
    (["what exactly is an eAT?"], "en", "eat", ["chip"], []),
])
def test_more_wordings_of_known_topics(texts, language, topic, words, absent):
    outcome = _last(texts, language)
    assert outcome.frame.topic == topic, outcome.frame
    _says(outcome, words)
    for word in absent:
        assert word not in said(outcome)


@pytest.mark.parametrize("texts, language, words", [
    (["what is the fiktionswirkung", "will I have proof of that?"], "en", ["confirmation"]),
    (["what is the fiktionswirkung", "do I get a document for my employer?"], "en", ["confirmation"]),
    (["Was ist die Fiktionswirkung?", "bekomme ich dafür eine Bescheinigung?"], "de", ["Bestätigung"]),
    (["Was ist die Fiktionswirkung?", "was zeige ich meinem Arbeitgeber?"], "de", ["Bestätigung"]),
    (["when can I apply for an extension?"], "en", ["no reliable", PHONES]),
    (["Wie lange vor Ablauf kann ich die Verlängerung beantragen?"], "de", ["keine verlässliche", PHONES]),
    (["what types of residence permits are there?"], "en", ["visa", "settlement"]),
    (["Meine Karte ist abholbereit, ich bin aber krank. Was tun?"], "de", ["bevollmächtigte"]),
    (["Warum muss ich zweimal kommen?", "wer druckt die Karten?"], "de", ["Bundesdruckerei"]),
    (["my son is 4, does he need fingerprints?", "how much for his new permit?"], "en", ["50"]),
    (["I want to renew my blue card, how does that work?", "is it possible to do it via phone?"], "en", [PHONES]),
])
def test_other_wordings_of_the_same_kinds(texts, language, words):
    _says(_last(texts, language), words)


@pytest.mark.parametrize("texts, language, topic, words", [
    (["were do they print the cards"], "en", "card_made", ["Bundesdruckerei"]),
    # A question with request words ("Antrag bearbeitet") is answered, never the form.
    (["Darf ich weiter arbeiten, während mein Antrag bearbeitet wird?"], "de", "fiktion", ["Fiktionswirkung"]),
    (["can I keep my job while you process my application?"], "en", "fiktion", ["Fiktionswirkung"]),
])
def test_questions_with_misleading_words(texts, language, topic, words):
    outcome = _last(texts, language)
    assert outcome.frame.topic == topic, outcome.frame
    _says(outcome, words)


@pytest.mark.parametrize("texts, language, words", [
    (["Was kostet es, das Visum zu verlängern?", "woran liegt das?"], "de", ["Grund"]),
    (["what's the cost of a new residence permit?", "is that the same for everyone?"], "en", ["half"]),
    (["Was ist ein eAT?", "Wo kommt der her?"], "de", ["Bundesdruckerei"]),
    (["how do I get a settlement permit?", "could I just call instead?"], "en", [PHONES]),
    (["Wie verlängere ich meine Aufenthaltserlaubnis?", "bekomm ich da irgendwas in die Hand?"], "de", ["Bestätigung"]),
    (["how do I extend my permit?", "how far ahead can I do that?"], "en", ["no reliable", PHONES]),
    (["Wie verlängere ich meine Aufenthaltserlaubnis?", "wie weit im Voraus geht das?"], "de",
     ["keine verlässliche", PHONES]),
    (["how many weeks before it expires should I send the extension?"], "en", ["no reliable", PHONES]),
    (["Ich bin Französin, muss ich irgendwas beantragen um hier zu wohnen?"], "de", ["EU"]),
    (["how many weeks until my card is done?"], "en", ["weeks", "Bundesdruckerei"]),
    (["Wie viele Wochen dauert es bis zur Karte?"], "de", ["Wochen"]),
])
def test_yet_other_wordings(texts, language, words):
    _says(_last(texts, language), words)


@pytest.mark.parametrize("text, language", [
    ("what else does my friend need to bring to pick up my card?", "en"),
    ("what must my sister have with her to collect my eAT?", "en"),
])
def test_what_someone_brings_to_pick_up_the_card_is_the_authorisation(text, language):
    outcome = _last([text], language)
    assert outcome.frame.topic == "documents" and outcome.frame.occasion == "pickup", outcome.frame
    _says(outcome, ["form", HONEST[language], PHONES])
    assert "national passport" not in said(outcome)


@pytest.mark.parametrize("text, language, words", [
    ("children undr 18 fee?", "en", ["half"]),
    ("do children under the age of 16 pay less?", "en", ["half"]),
])
def test_an_age_bound_with_a_slip_or_words_between(text, language, words):
    outcome = _last([text], language)
    assert outcome.frame.age is None and outcome.frame.minor
    _says(outcome, words)


def test_a_date_after_bis_is_no_age_bound():
    [outcome] = conversation(["Mein Titel ist gültig bis 12.05. Was muss ich tun?"], "de")
    assert outcome.frame.person is None


@pytest.mark.parametrize("text, language, words", [
    ("Wie lange dauert es, bis der neue eAT da ist?", "de", ["Wochen"]),
    ("when will my new card arrive?", "en", ["weeks"]),
    ("my eAT is ready for collection but I'm out of the country", "en", ["authoris"]),
])
def test_when_the_card_comes_and_when_it_is_ready(text, language, words):
    _says(_last([text], language), words)


def test_someone_allowed_to_collect_the_card_is_the_pick_up():
    """ "to collect" names the pick-up as what is done; the card after it is what is collected."""
    outcome = _last(["is my neighbour allowed to collect my eAT?"], "en")
    assert outcome.frame.topic == "pickup", outcome.frame
    _says(outcome, ["16", "form"])
