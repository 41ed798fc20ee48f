"""Follow-ups from the sealed4 replay that the follow-up work had turned into "no information":
an expiry stated *with* a question ("..., what happens then?") and a fixed price asked after a fee."""

import pytest

from tests.dialogue.helpers import conversation


@pytest.mark.parametrize("lang, first, follow_up", [
    ("en", "where is my application at?", "but my permit expires next week, what happens then?"),
    ("en", "do I need an appointment?", "my residence permit runs out in ten days, what now?"),
    ("de", "Wie weit ist mein Antrag?", "aber mein Titel läuft nächste Woche ab, was passiert dann?"),
    ("de", "Brauche ich einen Termin?", "meine Aufenthaltserlaubnis läuft in 10 Tagen aus, was mach ich jetzt?"),
])
def test_an_expiry_stated_with_a_question_gets_what_applies_then(lang, first, follow_up):
    last = conversation([first, follow_up], lang)[-1]
    text = " ".join(r.text for r in last.replies).lower()
    assert ("on time" in text or "fiktion" in text) if lang == "en" else ("rechtzeitig" in text or "fiktion" in text), text


@pytest.mark.parametrize("lang, first, follow_up, word", [
    ("en", "how much is a visa extension?", "why isn't there one fixed price?", "reason"),
    ("en", "what does extending my visa cost", "how come it's not a flat fee?", "reason"),
    ("de", "Was kostet eine Visumverlängerung?", "warum gibt es keinen festen Preis?", "grund"),
    ("de", "was kostet es das visum zu verlängern", "wieso ist das nicht einheitlich?", "grund"),
])
def test_a_fixed_price_asked_after_a_fee_gets_what_it_depends_on(lang, first, follow_up, word):
    last = conversation([first, follow_up], lang)[-1]
    assert word in " ".join(r.text for r in last.replies).lower()

