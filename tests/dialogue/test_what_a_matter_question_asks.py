"""What a question about a matter asks, by the kind of evidence (issue 14, dev4's failure kinds;
our own wording, never dev4's sentences): a word inside a longer phrase of another topic or
matter belongs to that phrase; a person said to reach an age asks what changes from that age; a
permit named with a purpose is one to be issued (answered how it goes, its enquiry offered); a
spouse coming to live with the client is family reunification; a statement that something must
be reported is the wish to report it."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, turn


def _buttons(outcome) -> list[str]:
    return [b["payload"] for r in outcome.replies for b in r.buttons]


# -- a word inside a longer phrase of another topic or matter ---------------------------------

@pytest.mark.parametrize("text", [
    "Welche Papiere geben einem das Recht, in Deutschland zu leben?",
    "what documents entitle someone to stay in Germany?",
    "which papers give me the right to stay here as a non-EU national?",
])
def test_papers_that_entitle_to_stay_ask_about_titles_not_what_to_bring(text):
    assert turn(text) == ["ask titles"]


@pytest.mark.parametrize("text", [
    "What kinds of documents let foreigners stay in Germany?",
    "Welche Aufenthaltspapiere gibt es eigentlich?",
])
def test_kinds_of_residence_papers_are_the_titles(text):
    assert turn(text) == ["ask titles"]


@pytest.mark.parametrize("text, expected", [
    ("will I receive something after I send the contact form?", ["ask confirmation"]),
    ("Bekomme ich was, nachdem ich das Kontaktformular abgeschickt habe?", ["ask confirmation"]),
    ("Who can apply for a settlement permit?", ["ask requirements settlement"]),
    ("Wer darf eigentlich eine Niederlassungserlaubnis beantragen?", ["ask requirements settlement"]),
])
def test_what_is_asked_about_the_thing_named(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, intent", [
    ("Bitte einen neuen Termin für mich", "enquiry_appointment"),
    ("Ich brauche einen neuen Termin", "enquiry_appointment"),
    ("I need a new appointment please", "enquiry_appointment"),
])
def test_a_new_appointment_is_the_appointment_not_a_new_permit(text, intent):
    assert turn(text, intent=intent) == ["start appointment"]


def test_a_new_permit_is_still_the_issue():
    assert turn("Ich brauche eine neue Aufenthaltserlaubnis", intent="enquiry_new_permit") == ["start residence_permit_issue"]


# -- a person reaching an age ----------------------------------------------------------------

@pytest.mark.parametrize("text, language, expected, words", [
    ("Unser Sohn hat bald seinen sechsten Geburtstag, gibt es da etwas zu beachten?", "de",
     "ask appearance child 6", ["Fingerabdrücke", "persönlich"]),
    ("our girl will turn six in spring, anything different for her extension?", "en",
     "ask appearance extension child 6", ["fingerprints", "in person"]),
    ("my boy turns sixteen next week, does anything change?", "en", "ask pickup child 16", ["authorised"]),
    ("my son turns 6 in two weeks, what do I need to know?", "en", "ask appearance child 6", ["fingerprints"]),
    ("Mein Sohn wird 18, was ändert sich?", "de", "ask fee child 18", ["volle Gebühr"]),
])
def test_a_person_reaching_an_age_asks_what_changes_from_it(text, language, expected, words):
    assert turn(text) == [expected]
    [outcome] = conversation([text], language)
    for word in words:
        assert word in said(outcome), said(outcome)


@pytest.mark.parametrize("text", [
    "Die Aufenthaltserlaubnis ist drei Jahre gültig, oder?",
    "Meine Karte wird in sechs Wochen fertig, sagt man.",
])
def test_numbers_as_words_are_no_ages_when_they_count_time(text):
    assert not any(" 3" in t or " 6" in t for t in turn(text))


# -- a permit named with a purpose -----------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("Wie komme ich an eine Aufenthaltserlaubnis zur Arbeitsaufnahme?", "de"),
    ("Wie geht man vor, wenn man für ein Studium eine Aufenthaltserlaubnis braucht?", "de"),
    ("How do I get a residence permit to work here?", "en"),
    ("how would I go about a permit for my studies?", "en"),
    ("How can I apply for a permit to do an apprenticeship here?", "en"),
])
def test_how_to_get_a_permit_for_a_purpose_is_answered_and_its_issue_offered(text, language):
    [outcome] = conversation([text], language)
    assert not outcome.start_enquiry
    assert (outcome.frame.topic, outcome.frame.matter) == ("process", "issue"), outcome.frame
    assert "/enquiry_new_permit" in _buttons(outcome)


@pytest.mark.parametrize("text, expected", [
    ("Can I keep studying when my permit runs out?", ["ask fiktion"]),
    ("Can I keep working after my permit expires?", ["ask fiktion"]),
])
def test_a_purpose_the_client_pursues_with_a_held_title_names_no_new_permit(text, expected):
    assert turn(text) == expected


def test_a_permit_for_a_purpose_has_the_issue_fee():
    assert turn("Was kostet eine Aufenthaltserlaubnis zum Studium?") == ["ask fee issue"]


# -- a spouse coming to live with the client ------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("Kann meine Frau zu mir nach Deutschland ziehen?", "de", ["Ehegatten"]),
    ("Can my wife come and live with me here?", "en", ["family reunification"]),
])
def test_a_spouse_coming_to_live_with_the_client_is_family_reunification(text, language, words):
    [outcome] = conversation([text], language)
    assert (outcome.frame.topic, outcome.frame.purpose) == ("purposes", "family"), outcome.frame
    for word in words:
        assert word in said(outcome)
    assert "/enquiry_new_permit" in _buttons(outcome)


def test_the_fee_of_family_reunification_stays_a_fee():
    assert turn("Was kostet der Familiennachzug?") == ["ask fee family"]


# -- colloquial words and slips ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("was blechst du für ne verlängerung?", ["ask fee extension"]),
    ("how much will I be out of pocket for an extension?", ["ask fee extension"]),
    ("schick ich das per emial?", ["ask contact"]),
    ("what should I have ready for my appointment?", ["ask documents appointment"]),
    ("any progress on my application?", ["ask status"]),
    ("muss meine Kleine mit, sie ist 7?", ["ask appearance child 7"]),
    ("do the little ones need to tag along?", ["ask appearance child"]),
])
def test_colloquial_words_and_slips_name_their_topic(text, expected):
    assert turn(text) == expected


# -- a statement that it must be reported ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "Meine Karte ist gestohlen worden, ich muss das melden.",
    "Karte weg, das muss ich wohl melden",
])
def test_saying_a_loss_must_be_reported_starts_the_report(text):
    assert turn(text) == ["start lost_card"]


def test_asking_whether_a_loss_must_be_reported_is_answered():
    assert turn("Muss ich das melden, wenn meine Karte weg ist?") == ["ask process lost_card"]


# -- request verbs vs question words --------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Ich muss meine Blaue Karte verlängern", ["start residence_permit_extension"]),
    ("I have to renew my permit", ["start residence_permit_extension"]),
    ("ich brauch ne verlängerung für mein visum", ["start visa_extension"]),
    ("hey can u start my visa extension", ["start visa_extension"]),
    ("Could you open an extension for my Blue Card?", ["start residence_permit_extension"]),
])
def test_a_stated_need_or_a_request_verb_starts_the_enquiry(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I'd like to know how to extend my permit", ["ask process extension"]),
    ("Ich möchte wissen, wie ich meine Blaue Karte verlängere", ["ask process extension blue_card"]),
    ("tell me how to renew my visa", ["ask process visa_extension"]),
    ("Muss ich meine Blaue Karte verlängern?", ["ask process extension blue_card"]),
    ("Can I renew my permit through you?", ["ask process extension"]),
])
def test_a_question_about_the_same_matter_is_answered(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Which documents prove that I'm allowed to live here?", ["ask titles"]),
    ("Welche Dokumente gelten als Aufenthaltstitel?", ["ask titles"]),
    ("Was braucht man, um ein Visum zu verlängern?", ["ask documents visa_extension"]),
    ("Braucht meine Mutter ein Visum?", ["ask titles relative"]),
    ("What should my wife prepare for her residence permit extension?", ["ask documents extension relative"]),
    ("Kann ich eine Rückmeldung zum Bearbeitungsstand bekommen?", ["ask status"]),
    ("Bekomme ich irgendwas, wenn ich das Formular ausgefüllt habe?", ["ask confirmation"]),
    ("how can I reach you digitally?", ["ask contact"]),
    ("How do I apply for a Blue Card?", ["ask process issue blue_card"]),
])
def test_the_thing_asked_decides_the_topic(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, language", [
    ("can my father come here for medical treatment with a residence permit?", "en"),
    ("I want to join my wife in Germany, is that possible?", "en"),
    ("Ich möchte zu meiner Frau nach Deutschland ziehen, geht das?", "de"),
])
def test_whether_a_purpose_is_possible_is_answered_by_the_purposes(text, language):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "purposes" and outcome.frame.purpose, outcome.frame
    assert not outcome.start_enquiry and "/enquiry_new_permit" in _buttons(outcome)


@pytest.mark.parametrize("text, expected", [
    ("Könnt ihr mir einen Termin für die Abholung eintragen?", ["start appointment"]),
    ("Meine Tochter wird im März sechs, muss sie dann zum Termin mit?", ["ask appointments appointment child 6"]),
])
def test_requests_and_ages_in_other_words(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("wie viel muss man denn so abdrücken für die erste aufenthaltserlaubnis", ["ask fee issue"]),
    ("wo kann ich mich über den Stand erkundigen", ["ask status"]),
])
def test_slang_for_paying_and_asking_about_the_status(text, expected):
    assert turn(text) == expected


def test_a_misplaced_card_is_the_loss():
    assert turn("hab meine blaue karte verschlampt, was nun?") == ["ask process lost_card blue_card"]
    assert turn("hab meine blaue karte verschlampt", intent="enquiry_lost_card") == ["start lost_card"]
