"""Follow-ups that change only the topic, the person's age, the title or a condition reach the
seed fact for that frame (issue 14, sealed set's failure kinds; our own wording, never the set's).

- a related topic right after an answer (content/questions.yml `after`/`after_words`): the eAT
  after the old sticker, the card's weeks after its visits, other documents after the list,
  the virus scan after the uploads;
- a title said to expire soon (`expiring`): what to do is to apply on time (with the enquiry
  offered), and whether one may keep working is the Fiktionswirkung;
- "what do I do with it?" after the confirmation was named (`about_it`): save and print;
- whether the office writes first (the invitation);
- a 16- or 17-year-old's card picked up by someone else; the Blue Card after a visa;
- the purposes of a residence permit, and a purpose named after them (or honestly not stated).
"""

from __future__ import annotations

import pytest

from actions.dialogue.understand import Context
from tests.dialogue.helpers import conversation, form_turn, said, turn


def _buttons(outcome) -> list[str]:
    return [b["payload"] for r in outcome.replies for b in r.buttons]


# -- a related topic right after an answer -------------------------------------------------

@pytest.mark.parametrize("first, second, language, topic, words", [
    ("Gilt das Etikett in meinem alten Reisepass eigentlich noch?", "und was gibts heutzutage stattdessen?", "de", "eat",
     ["eAT", "Chip"]),
    ("is the label in my old passport still any good?", "ok so whats the replacement", "en", "eat", ["eAT", "chip"]),
    ("Warum muss ich wegen der Karte zweimal aufs Amt?", "und wie lang dauert das dann ungefähr?", "de", "card_wait",
     ["Wochen", "Bundesdruckerei"]),
    ("how often do i need to go in for the card", "how long does that take tho", "en", "card_wait",
     ["weeks", "Bundesdruckerei"]),
    ("Was muss ich zum Termin alles mitbringen?", "sonst noch was?", "de", "documents_more", ["Sachbearbeiter", "99-2421"]),
    ("what papers do i have to bring along", "and what if they want more from me?", "en", "documents_more",
     ["caseworker", "99-2421"]),
    ("muss ich lohnabrechnungen mitbringen?", "anythng else?", "en", "documents_more", ["caseworker"]),
    ("Welche Papiere soll ich mitnehmen?", "war das alles?", "de", "documents_more", ["Sachbearbeiter"]),
    ("do i need any paperwork for the appointment", "is that everything?", "en", "documents_more", ["caseworker"]),
    ("do I still need the sticker in my passport?", "so what do people get now?", "en", "eat", ["eAT"]),
    ("Kann ich meine Unterlagen als Anhang schicken?", "ist das auch sicher?", "de", "safety", ["Viren"]),
    ("can I attach my documents here?", "and is that secure?", "en", "safety", ["virus"]),
])
def test_a_related_topic_right_after_an_answer(first, second, language, topic, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == topic, follow.frame
    for word in words:
        assert word in said(follow), (word, said(follow))


@pytest.mark.parametrize("first, second, language, asked", [
    # A follow-up naming a person is about that person, not about other documents.
    ("Welche Unterlagen brauche ich?", "und für meinen anderen Sohn?", "de", "documents"),
    # "how long" after the fee is no question about the card (the processing time is not published).
    ("What does an extension cost?", "and how long does it take?", "en", "not_covered"),
    # "mehr" after the fee asks about the fee, not about more documents.
    ("Was kostet die Verlängerung?", "kostet das für Kinder mehr?", "de", "fee"),
])
def test_after_words_do_not_lead_elsewhere(first, second, language, asked):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == asked, follow.frame
    if asked == "not_covered":
        assert "99-2421" in said(follow)


def test_how_long_the_card_is_valid_is_not_published():
    """ "wie lange" after the eAT asks about validity here, which the seeds do not state (not the weeks of making it)."""
    _, follow = conversation(["Was ist der eAT?", "und wie lang ist der dann gültig?"], "de")
    assert follow.frame.topic == "not_covered" or "keine verlässliche Auskunft" in said(follow)
    assert "99-2421" in said(follow)


def test_uploading_documents_asks_how_to_send_them_not_the_list():
    [outcome] = conversation(["Kann ich meine Unterlagen auch als Anhang hochladen?"], "de")
    assert outcome.frame.topic == "uploads" and "Nationalpass" not in said(outcome)


def test_after_words_ask_nothing_without_the_topic_before():
    """ "what replaced it?" with no old sticker before is no question about the eAT."""
    [outcome] = conversation(["whats the replacement?"], "en")
    assert outcome.frame is None or outcome.frame.topic != "eat"


# -- a title that expires soon --------------------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("Meine Blaue Karte läuft Ende des Monats ab. Was ist jetzt zu tun?", "de", ["rechtzeitig", "Fiktionswirkung", "speichern"]),
    ("meine aufenthaltserlaubnis lauft in 10 tagen ab was muss ich da jetzt machen", "de", ["rechtzeitig", "Kontaktformular"]),
    ("my residence permit is expiring at the end of the month, what do i need to do?", "en", ["on time", "Fiktionswirkung"]),
    ("permit expires in like 3 weeks. what should i do now", "en", ["on time", "contact form", "99-2421"]),
    # One answer: applying on time says the Fiktionswirkung too ("runs out" alone names it).
    ("my permit runs out next month, what now?", "en", ["on time", "Fiktionswirkung"]),
])
def test_what_to_do_when_the_title_expires_soon_is_to_apply_on_time(text, language, words):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "process" and outcome.frame.expiring
    for word in words:
        assert word in said(outcome), (word, said(outcome))
    assert "/enquiry_extend_permit" in _buttons(outcome)   # the extension is offered, not started
    assert len([r for r in outcome.replies if r.text]) == 2   # the answer and the offer
    assert not outcome.start_enquiry


@pytest.mark.parametrize("texts, language, word", [
    (["Wie weit ist eigentlich meine Anfrage?", "mein Aufenthaltstitel läuft übermorgen ab – darf ich dann noch arbeiten?"],
     "de", "rechtmäßig"),
    (["any news on my application?", "my permit expires on monday, can I still stay here legally?"], "en", "lawful"),
    (["my blue card expires on friday and I have no appointment yet, am I allowed to keep my job?"], "en", "Blue Card"),
])
def test_keeping_work_or_stay_with_a_title_that_expires_soon_is_the_fiktionswirkung(texts, language, word):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == "fiktion", outcome.frame
    assert word in said(outcome)
    assert "/enquiry_extend_permit" in _buttons(outcome)


@pytest.mark.parametrize("text, language", [
    ("Wie läuft das mit der Verlängerung ab?", "de"),     # how it goes, no expiry
    ("Mein Titel ist schon abgelaufen, was nun?", "de"),   # already expired: not "soon"
])
def test_how_it_goes_or_an_expired_title_is_not_expiring(text, language):
    [outcome] = conversation([text], language)
    assert not outcome.frame.expiring


# -- "what do I do with it?" ----------------------------------------------------------------

@pytest.mark.parametrize("texts, language", [
    (["Ich hab nach dem Absenden so eine Bestätigung gekriegt. Was mach ich jetzt damit?"], "de"),
    (["Bekomme ich nach dem Absenden eigentlich was Schriftliches?", "und was mache ich damit?"], "de"),
    (["got a confirmation after sending the form. so what do i do with it now?"], "en"),
    (["will I get a confirmation?", "what should I do with that?"], "en"),
    (["Hab übers Kontaktformular verlängert und ne Bestätigung gekriegt. Muss ich die aufheben?"], "de"),
])
def test_what_to_do_with_the_confirmation_is_save_and_print(texts, language):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == "confirmation"
    words = ["speichern", "drucken"] if language == "de" else ["save", "print"]
    assert all(w in said(outcome) for w in words), said(outcome)


# -- the office writes first ----------------------------------------------------------------

@pytest.mark.parametrize("texts, language, word", [
    (["Wie kriege ich einen Termin?", "schreibt ihr mich an, wenn mein Visum ausläuft?"], "de", "anzuschreiben"),
    (["Wie kriege ich einen Termin?", "meldet sich die Behörde von selbst bei mir?"], "de", "anzuschreiben"),
    (["how do i book an appointment", "do you guys contact me before my permit runs out?"], "en", "write to you"),
    (["will the office remind me when my passport is about to expire?"], "en", "write to you"),
    (["does the office send a letter when my permit is running out?"], "en", "write to you"),
])
def test_whether_the_office_writes_first_is_the_invitation(texts, language, word):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == "invitation"
    assert word in said(outcome) and "99-2421" in said(outcome)


# -- a teenager's card, the Blue Card after a visa ------------------------------------------

@pytest.mark.parametrize("first, second, language, words", [
    ("Darf meine Freundin meinen eAT abholen?", "und den von meinem Sohn, der ist 16?", "de", ["16", "Formular"]),
    ("can my brother collect my residence card?", "what about my daughter's, she's 17", "en", ["17", "16", "form"]),
])
def test_a_teenagers_card_can_be_picked_up_from_16(first, second, language, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "pickup" and follow.frame.age in (16, 17)
    for word in words:
        assert word in said(follow), (word, said(follow))


def test_picking_up_the_eat_asks_about_the_pick_up_only():
    [outcome] = conversation(["Kann jemand anders meine eAT-Karte für mich abholen?"], "de")
    assert outcome.frame.topic == "pickup"
    assert "Kreditkartenformat" not in said(outcome)


@pytest.mark.parametrize("first, second, language, topic, words, absent", [
    ("Gilt die Fiktionswirkung auch bei einem Arbeitsvisum?", "und bei der Blauen Karte?", "de", "fiktion",
     ["Blaue Karte", "rechtzeitig"], "nationales Visum"),
    ("does the fiktionswirkung cover a work visa?", "and for my EU blue card?", "en", "fiktion",
     ["Blue Card", "on time"], "national visa"),
    ("Was kostet die Verlängerung von einem Studentenvisum?", "und bei einer Blauen Karte?", "de", "fee", ["96"], "25"),
])
def test_the_blue_card_after_a_visa_is_the_blue_cards_answer(first, second, language, topic, words, absent):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == topic and follow.frame.title == "blue_card"
    assert follow.frame.matter != "visa_extension"
    for word in words:
        assert word in said(follow), (word, said(follow))
    assert absent not in said(follow)


# -- purposes of a residence permit ---------------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("Aus welchen Gründen kriegt man eine Aufenthaltserlaubnis?", "de", ["Studium", "humanitären", "Heilbehandlung"]),
    ("what purposes can a residence permit be given for?", "en", ["study", "humanitarian", "medical treatment"]),
])
def test_the_purposes_of_a_residence_permit(text, language, words):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "purposes"
    for word in words:
        assert word in said(outcome), (word, said(outcome))


@pytest.mark.parametrize("first, second, language, purpose, words", [
    ("Aus welchen Gründen kriegt man eine Aufenthaltserlaubnis?", "auch zum Studieren?", "de", "study", ["Studiums", "Ja"]),
    ("Wer braucht überhaupt einen Aufenthaltstitel?", "und für ne Therapie im Krankenhaus?", "de", "medical_treatment",
     ["Heilbehandlung"]),
    ("what purposes can a residence permit be given for?", "and if I need surgery here?", "en", "medical_treatment",
     ["medical treatment", "Yes"]),
    ("what purposes can a residence permit be given for?", "what about for an apprenticeship?", "en", "vocational_training",
     ["no reliable information", "99-2421"]),
])
def test_a_purpose_named_after_the_purposes(first, second, language, purpose, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "purposes" and follow.frame.purpose == purpose
    for word in words:
        assert word in said(follow), (word, said(follow))
    assert "nicht zuständig" not in said(follow) and "not responsible" not in said(follow)


def test_a_purpose_word_after_another_topic_is_no_purpose_question():
    _, follow = conversation(["Was kostet eine Verlängerung?", "und für mein Studium?"], "de")
    assert follow.frame.topic != "purposes"


# -- the status in the seed's word; a safety question inside the form -----------------------

def test_the_status_answer_says_the_seeds_word():
    [outcome] = conversation(["wie ist der aktuelle stand bei meinem antrag?"], "de")
    assert outcome.frame.topic == "status" and "Sachstandsanfragen" in said(outcome)


@pytest.mark.parametrize("text", [
    "darf ich die Geburtsurkunde als Anhang mitschicken? und ist das sicher?",
    "can I send my birth certificate as an attachment? is that safe?",
])
def test_safety_after_an_attachment_question_inside_the_form(text):
    asked = form_turn(text, "given_names", concern="data_change")
    assert asked[-1].startswith("ask safety"), asked


# -- counts, repeated clauses, statements that complete a question --------------------------

@pytest.mark.parametrize("first, second, language, words", [
    ("Was kostet die Verlängerung?", "und was kostet das für 2 kinder?", "de", ["48", "minderjährig"]),
    ("how much is the extension", "and for my 3 kids?", "en", ["48", "minor"]),
])
def test_a_number_before_children_counts_them_it_is_no_age(first, second, language, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.person == "child" and follow.frame.age is None
    for word in words:
        assert word in said(follow), (word, said(follow))


@pytest.mark.parametrize("first, second, language", [
    ("do i need to come in person", "what about my husband, does he have to come too?", "en"),
    ("Muss ich persönlich kommen?", "und meine Frau, muss die auch mit?", "de"),
])
def test_two_clauses_asking_the_same_are_answered_once(first, second, language):
    _, follow = conversation([first, second], language)
    texts = [r.text for r in follow.replies if r.text]
    assert len(texts) == len(set(texts)) == 1, texts


@pytest.mark.parametrize("texts, language, word", [
    (["does my husband need a residence permit? he is spanish"], "en", "EU"),
    (["Wer braucht eigentlich einen Aufenthaltstitel?", "und meine Mutter? sie kommt aus Brasilien"], "de", "Visum"),
])
def test_a_statement_after_a_question_completes_it(texts, language, word):
    *_, outcome = conversation(texts, language)
    assert len([r for r in outcome.replies if r.text]) == 1 and word in said(outcome)


@pytest.mark.parametrize("texts, language, topic, word", [
    (["Hab vor 2 Wochen was über das Formular geschickt und noch nix gehört"], "de", "status", "Sachstandsanfragen"),
    (["Hab vor 2 Wochen was über das Formular geschickt und noch nix gehört",
      "meine Aufenthaltserlaubnis läuft aber am Freitag ab, was jetzt?"], "de", "process", "rechtzeitig"),
    (["hey what happens to my job when my permit expires while I wait for the appointment?"], "en", "fiktion", "working"),
    (["can i just email you my documents?"], "en", "contact", "contact form"),
    (["Brauch ich nen Termin?", "und wie mach ich den aus?"], "de", "appointments", "99-2421"),
])
def test_more_ways_to_ask_on(texts, language, topic, word):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == topic, outcome.frame
    assert word in said(outcome)


@pytest.mark.parametrize("texts, language, topic, words", [
    # "what's the age?" asks on about the answer before it.
    (["do kids need fingerprints", "whats the age?"], "en", "appearance", ["6"]),
    # "sie" doing what the previous question was about: what she brings to the pick-up.
    (["Kann meine Frau die Karte für mich abholen?", "was muss sie mitbringen?"], "de", "documents", ["Vollmacht", "99-2421"]),
    # Bringing one's kids to the appointment is whether they must come, not family reunification.
    (["what happens at the appointment", "do I need to bring my kids?"], "en", "appearance", ["6", "person"]),
])
def test_asking_on_about_the_person_or_the_answer(texts, language, topic, words):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == topic, outcome.frame
    for word in words:
        assert word in said(outcome), (word, said(outcome))


@pytest.mark.parametrize("texts, language, words, absent", [
    # A tourist's visa is a Schengen visa: no Fiktionswirkung (never the national visa's answer).
    (["whats fiktionswirkung", "and if my visa is a tourist one?"], "en", ["does not apply", "Schengen"], "national visa"),
    (["Was bedeutet Fiktionswirkung?", "und wenn ich nur als Tourist hier bin?"], "de", ["gilt die Fiktionswirkung nicht"],
     "nationales Visum"),
])
def test_a_tourist_visa_is_a_schengen_visa(texts, language, words, absent):
    *_, outcome = conversation(texts, language)
    assert outcome.frame.topic == "fiktion" and outcome.frame.title == "schengen_visa", outcome.frame
    for word in words:
        assert word in said(outcome), (word, said(outcome))
    assert absent not in said(outcome)


def test_a_fee_with_a_missing_h_is_still_the_fee():
    [outcome] = conversation(["gebür fürs visum verlängern?"], "de")
    assert outcome.frame.topic == "fee" and "25" in said(outcome) and "60" in said(outcome)


def test_the_sticker_with_a_typo_is_still_the_old_title():
    """A word with "*" matches endings but no typos: the plain word stays for "stiker", "aufklber"."""
    [outcome] = conversation(["is the stiker in my old pasport still ok?"], "en")
    assert outcome.frame.topic == "old_titles" and "2021" in said(outcome)
