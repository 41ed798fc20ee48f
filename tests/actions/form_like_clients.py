"""Form-like clients: first messages that give many details at once, and a player that takes
such a client through the whole enquiry without Rasa (tests/actions/form_harness.py).

Written for this purpose (issue 14, "fewer turns for form-like clients"); never taken from
tests/evaluation/. Each entry: the NLU intent that starts the enquiry, the language, the
first message and every field value it gives (slot values as the form stores them).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.common import SKIPPED
from actions.enquiry_form import FORM_SLOTS, current_concern
from tests.actions.form_harness import run_form

Y = date.today().year + 1  # a title expiry next year
EXT, NEW, SETTLE, APPT, PICKUP = ("enquiry_extend_permit", "enquiry_new_permit", "enquiry_settlement_permit",
                                  "enquiry_appointment", "enquiry_card_pickup")
ADDRESS = {"address": "Musterstraße 12, 10115 Berlin", "postal_code": "10115"}

FIRST_MESSAGES: list[tuple[str, str, str, dict[str, Any]]] = [
    # -- German ---------------------------------------------------------------------------
    (EXT, "de", f"Hallo, ich bin Ayşe Yılmaz, geboren am 03.03.1995 in Ankara, bin Türkin und möchte meine "
                f"Aufenthaltserlaubnis verlängern. Sie läuft am 30.06.{Y} ab.",
     {"given_names": "Ayşe", "family_name": "Yılmaz", "date_of_birth": "1995-03-03", "place_of_birth": "Ankara",
      "nationality": "TUR", "title_kind": "residence_permit", "title_expiry": f"{Y}-06-30"}),
    (EXT, "de", "Guten Tag, mein Name ist Mustermann, Max. Geb. 4.7.1990, Staatsangehörigkeit: syrisch. "
                "Ich möchte meine Aufenthaltserlaubnis verlängern.",
     {"given_names": "Max", "family_name": "Mustermann", "date_of_birth": "1990-07-04", "nationality": "SYR",
      "title_kind": "residence_permit"}),
    (EXT, "de", f"Ich heiße Olena Kovalenko, ukrainische Staatsangehörigkeit, wohne in der Musterstraße 12, "
                f"10115 Berlin und möchte meine Blaue Karte verlängern, die am 15.01.{Y} abläuft. "
                f"Meine E-Mail: olena.k@example.org",
     {"given_names": "Olena", "family_name": "Kovalenko", "nationality": "UKR", "title_kind": "blue_card",
      "title_expiry": f"{Y}-01-15", "email": "olena.k@example.org", "purpose": "blue_card", **ADDRESS}),
    (EXT, "de", "Verlängerung Aufenthaltserlaubnis zum Studium. Name: Rahul Sharma, geboren 1998-11-20 in Pune, "
                "Inder, Tel. 0176 55512345",
     {"purpose": "study", "given_names": "Rahul", "family_name": "Sharma", "date_of_birth": "1998-11-20",
      "place_of_birth": "Pune", "nationality": "IND", "phone": "+4917655512345", "title_kind": "residence_permit"}),
    (EXT, "de", "Hallo, mein Aufenthaltstitel läuft am 3.5. ab und ich möchte ihn verlängern. Ich bin "
                "Vietnamesin, geboren am 1. Februar 1992.",
     {"title_expiry": f"{Y}-05-03", "nationality": "VNM", "date_of_birth": "1992-02-01", "title_kind": "residence_permit"}),
    (EXT, "de", "Ich möchte meine Aufenthaltserlaubnis verlängern. Ich komme aus dem Iran, bin am 12.08.85 in "
                "Teheran geboren und wohne Musterstraße 12 10115 Berlin.",
     {"title_kind": "residence_permit", "nationality": "IRN", "date_of_birth": "1985-08-12",
      "place_of_birth": "Teheran", "address": "Musterstraße 12 10115 Berlin", "postal_code": "10115"}),
    (EXT, "de", "Verlängerung meiner Aufenthaltserlaubnis für Beschäftigung. Ich bin Marco Rossi aus Brasilien, "
                "Geburtsdatum 21.9.1987, E-Mail marco.rossi@example.com, Handy +49 151 2345678",
     {"given_names": "Marco", "family_name": "Rossi", "nationality": "BRA", "date_of_birth": "1987-09-21",
      "email": "marco.rossi@example.com", "phone": "+491512345678", "title_kind": "residence_permit",
      "purpose": "employment"}),
    (NEW, "de", "Ich möchte eine Aufenthaltserlaubnis zum Studium beantragen. Ich bin Chen Jing, chinesische "
                "Staatsangehörigkeit, geboren am 5. März 2001 in Wuhan, E-Mail chen.jing@example.org.",
     {"purpose": "study", "given_names": "Chen", "family_name": "Jing", "nationality": "CHN",
      "date_of_birth": "2001-03-05", "place_of_birth": "Wuhan", "email": "chen.jing@example.org"}),
    (SETTLE, "de", "Niederlassungserlaubnis beantragen: Ich bin Fatima Haddad, Staatsangehörigkeit Marokko, "
                   "geb. 02.02.1980 in Casablanca, Anschrift Musterstraße 12, 10115 Berlin, mein Titel ist "
                   f"eine Blaue Karte, gültig bis 31.10.{Y}.",
     {"given_names": "Fatima", "family_name": "Haddad", "nationality": "MAR", "date_of_birth": "1980-02-02",
      "place_of_birth": "Casablanca", "title_kind": "blue_card", "title_expiry": f"{Y}-10-31", **ADDRESS}),
    (APPT, "de", "Ich brauche einen Termin. Ich heiße Ivan Petrov, bin Russe, geboren 7.1.1979, meine E-Mail "
                 "ist ivan.petrov@example.net",
     {"given_names": "Ivan", "family_name": "Petrov", "nationality": "RUS", "date_of_birth": "1979-01-07",
      "email": "ivan.petrov@example.net"}),
    (EXT, "de", "Moin, Aufenthaltserlaubnis verlängern bitte. Vorname Ayşe, Nachname Demir, geboren am "
                "03.03.1995, Staatsangehörigkeit türkisch",
     {"given_names": "Ayşe", "family_name": "Demir", "date_of_birth": "1995-03-03", "nationality": "TUR",
      "title_kind": "residence_permit"}),
    (EXT, "de", "Ich bin Afghanin und heiße Mariam Ahmadi. Meine Aufenthaltserlaubnis gilt bis 01.04." f"{Y} "
                "und soll verlängert werden. Ich wohne in der Musterstraße 12, 10115 Berlin.",
     {"nationality": "AFG", "given_names": "Mariam", "family_name": "Ahmadi", "title_kind": "residence_permit",
      "title_expiry": f"{Y}-04-01", **ADDRESS}),
    (EXT, "de", "Guten Tag! Ich heiße Kwame Mensah, bin aus Ghana und am 30.12.1993 geboren. Meine "
                "Aufenthaltserlaubnis läuft bald ab, Ablaufdatum 28.02." f"{Y}.",
     {"given_names": "Kwame", "family_name": "Mensah", "nationality": "GHA", "date_of_birth": "1993-12-30",
      "title_kind": "residence_permit", "title_expiry": f"{Y}-02-28"}),
    (APPT, "de", "Termin bitte: Name Yusuf Kaya, türkischer Staatsbürger, Tel 030 1234567, geb 1.1.1970",
     {"given_names": "Yusuf", "family_name": "Kaya", "nationality": "TUR", "phone": "+49301234567",
      "date_of_birth": "1970-01-01"}),
    (PICKUP, "de", "Ich möchte meine Karte abholen. Ich bin Anna Nowak, Polin, geboren am 14.6.1999, "
                   "anna.nowak@example.org",
     {"given_names": "Anna", "family_name": "Nowak", "nationality": "POL", "date_of_birth": "1999-06-14",
      "email": "anna.nowak@example.org"}),
    (EXT, "de", "ich bin Priya Patel, indische Staatsbürgerin, mein Visum zum Studium läuft am 31. August ab",
     {"given_names": "Priya", "family_name": "Patel", "nationality": "IND", "purpose": "study",
      "title_expiry": f"{Y - 1 if date(Y - 1, 8, 31) >= date.today() else Y}-08-31"}),
    (EXT, "de", "Hallo, ich möchte meinen Reisepass nicht ändern sondern die Aufenthaltserlaubnis verlängern. "
                "Ich heiße Lina Haddad und bin 1996 am 4.4. geboren? Nein: geboren am 04.04.1996.",
     {"given_names": "Lina", "family_name": "Haddad", "title_kind": "residence_permit", "date_of_birth": "1996-04-04"}),
    # -- English --------------------------------------------------------------------------
    (EXT, "en", f"Hi, I'm Arjun Mehta, an Indian citizen born on 12 May 1990 in Mumbai. I want to extend my "
                f"residence permit, which expires on 30 June {Y}. Email arjun.mehta@example.com",
     {"given_names": "Arjun", "family_name": "Mehta", "nationality": "IND", "date_of_birth": "1990-05-12",
      "place_of_birth": "Mumbai", "title_kind": "residence_permit", "title_expiry": f"{Y}-06-30",
      "email": "arjun.mehta@example.com"}),
    (EXT, "en", "Hello, my name is Tran Thi Mai, from Vietnam, date of birth 1994-07-15. I need to extend my "
                "Blue Card. My address is Musterstraße 12, 10115 Berlin.",
     {"given_names": "Tran Thi", "family_name": "Mai", "nationality": "VNM", "date_of_birth": "1994-07-15",
      "title_kind": "blue_card", "purpose": "blue_card", **ADDRESS}),
    (EXT, "en", "Extension of my residence permit for study. Name: Garcia, Sofia. DOB 03/04/1997, Mexican, "
                "phone +49 170 1234567",
     {"purpose": "study", "given_names": "Sofia", "family_name": "Garcia", "date_of_birth": "1997-04-03",
      "nationality": "MEX", "phone": "+491701234567", "title_kind": "residence_permit"}),
    (EXT, "en", f"I am John Smith, US citizen, born March 3rd 1985. My residence permit is valid until "
                f"{Y}-09-01 and I want to renew it. I live at Musterstraße 12 10115 Berlin",
     {"given_names": "John", "family_name": "Smith", "nationality": "USA", "date_of_birth": "1985-03-03",
      "title_kind": "residence_permit", "title_expiry": f"{Y}-09-01", "address": "Musterstraße 12 10115 Berlin",
      "postal_code": "10115"}),
    (NEW, "en", "I'd like to apply for a residence permit for employment. I'm Nigerian, my name is Chinedu Okafor, "
                "born 1 January 1991 in Lagos, email chinedu.okafor@example.org",
     {"purpose": "employment", "nationality": "NGA", "given_names": "Chinedu", "family_name": "Okafor",
      "date_of_birth": "1991-01-01", "place_of_birth": "Lagos", "email": "chinedu.okafor@example.org"}),
    (SETTLE, "en", "Settlement permit please. My name is Elena Popescu, I'm from Moldova, born 22.10.1983, my "
                   f"current title is a residence permit valid until 15.03.{Y}.",
     {"given_names": "Elena", "family_name": "Popescu", "nationality": "MDA", "date_of_birth": "1983-10-22",
      "title_kind": "residence_permit", "title_expiry": f"{Y}-03-15"}),
    (APPT, "en", "I need an appointment. I am Ahmed Hassan, Egyptian, born 5/6/1988, ahmed.hassan@example.com, "
                 "mobile 0157 12345678",
     {"given_names": "Ahmed", "family_name": "Hassan", "nationality": "EGY", "date_of_birth": "1988-06-05",
      "email": "ahmed.hassan@example.com", "phone": "+4915712345678"}),
    (EXT, "en", "my blue card expires 1st of february and I want to extend it. I'm Kenji Tanaka from Japan, "
                "born in Osaka on 10 October 1989",
     {"title_kind": "blue_card", "title_expiry": f"{Y}-02-01", "given_names": "Kenji", "family_name": "Tanaka",
      "nationality": "JPN", "place_of_birth": "Osaka", "date_of_birth": "1989-10-10", "purpose": "blue_card"}),
    (EXT, "en", "Hi! Extending my residence permit (employment). Surname: Okoye, first name: Grace. Nationality: "
                "Kenya. Date of birth: 12.12.1992. Address: Musterstraße 12, 10115 Berlin",
     {"purpose": "employment", "given_names": "Grace", "family_name": "Okoye", "nationality": "KEN",
      "date_of_birth": "1992-12-12", "title_kind": "residence_permit", **ADDRESS}),
    (EXT, "en", "I'm a Pakistani national, Imran Khan, born in Lahore, 8 August 1986. Residence permit expires "
                f"31.07.{Y}, please extend. imran.khan@example.org",
     {"nationality": "PAK", "given_names": "Imran", "family_name": "Khan", "place_of_birth": "Lahore",
      "date_of_birth": "1986-08-08", "title_kind": "residence_permit", "title_expiry": f"{Y}-07-31",
      "email": "imran.khan@example.org"}),
    (PICKUP, "en", "I want to pick up my card. I'm Maria Silva, Brazilian, born 09/09/1999, phone 0171 7654321",
     {"given_names": "Maria", "family_name": "Silva", "nationality": "BRA", "date_of_birth": "1999-09-09",
      "phone": "+491717654321"}),
    (NEW, "en", "Residence permit for my studies please: Lee Min-jun, South Korean, born 2002-02-14 in Busan, "
                "living at Musterstraße 12, 10115 Berlin, minjun.lee@example.com",
     {"purpose": "study", "nationality": "KOR", "date_of_birth": "2002-02-14", "place_of_birth": "Busan",
      "email": "minjun.lee@example.com", **ADDRESS}),
    (EXT, "en", "Hello, I'm Turkish, Mehmet Öztürk, born 1.3.1991 in Izmir. My residence permit runs out on "
                f"20 November {Y}. Please extend it.",
     {"nationality": "TUR", "given_names": "Mehmet", "family_name": "Öztürk", "date_of_birth": "1991-03-01",
      "place_of_birth": "Izmir", "title_kind": "residence_permit", "title_expiry": f"{Y}-11-20"}),
    (APPT, "en", "Appointment needed. Name: Sara Cohen; citizenship: Israel; DOB: 1990-02-28; "
                 "e-mail sara.cohen@example.org",
     {"given_names": "Sara", "family_name": "Cohen", "nationality": "ISR", "date_of_birth": "1990-02-28",
      "email": "sara.cohen@example.org"}),
    (EXT, "en", "I want to extend my residence permit. I'm from Syria, born on 2 April 1995, and my passport "
                "number is N12345678.",
     {"title_kind": "residence_permit", "nationality": "SYR", "date_of_birth": "1995-04-02"}),
    (EXT, "en", "please extend my residence permit, I am Sam Taylor from Australia, tel +61 412 345 678",
     {"title_kind": "residence_permit", "given_names": "Sam", "family_name": "Taylor", "nationality": "AUS",
      "phone": "+61412345678"}),
    # -- nothing implausible: a document is no name, a birthday or a passport's date no title expiry --
    (EXT, "de", "Hallo, ich bin Blaue Karte Inhaberin und möchte verlängern, geboren am 4.4.1990",
     {"title_kind": "blue_card", "purpose": "blue_card", "date_of_birth": "1990-04-04"}),
    (EXT, "de", "Geboren am 12.03.1990, Aufenthaltserlaubnis verlängern, Staatsangehörigkeit: Syrien",
     {"date_of_birth": "1990-03-12", "title_kind": "residence_permit", "nationality": "SYR"}),
    (EXT, "en", f"I am a student from India and I want to extend my residence permit; my passport expires 12.12.{Y}",
     {"nationality": "IND", "title_kind": "residence_permit", "purpose": "study"}),
    (EXT, "de", f"Mein Reisepass läuft am 1.2.{Y} ab, meine Aufenthaltserlaubnis am 30.9.{Y}. Ich bin Deutschlehrerin "
                "aus Kolumbien.",
     {"title_kind": "residence_permit", "nationality": "COL"}),  # the title's date is asked
    (EXT, "en", "Hi, I'm Ali from Iraq, born 1990, my residence permit should be extended, I speak German",
     {"nationality": "IRQ", "title_kind": "residence_permit"}),
    (EXT, "de", "Aufenthaltserlaubnis verlängern. Ich bin Nguyen Thi Lan aus Vietnam. Ich wohne in Berlin, "
                "Musterstraße 12, 10115. lan.nguyen@example.org",
     {"title_kind": "residence_permit", "given_names": "Nguyen Thi", "family_name": "Lan", "nationality": "VNM",
      "email": "lan.nguyen@example.org", "address": "Musterstraße 12, 10115", "postal_code": "10115"}),
]


def first_turn(intent: str, text: str, language: str):
    """The form's activation on the first message (requested_slot not set yet)."""
    return run_form({}, text, intent=intent, language=language)


def taken(turn) -> dict[str, Any]:
    """The field values one turn stored (not the form's bookkeeping)."""
    return {k: v for k, v in turn.slots.items() if k in FORM_SLOTS and k not in ("concern", "confirmed")
            and v not in (None, "", SKIPPED)}


def play_enquiry(intent: str, text: str, language: str, answers: dict[str, str], skip_rest: str | None = None,
                 limit: int = 40) -> tuple[int, dict[str, Any]]:
    """A form-like client from the first message to the summary: answers each required question
    from `answers` (typed text) and skips each optional one, one by one ("/skip"), or, given
    `skip_rest` (the words of the button), all together where the question offers it.
    Returns the number of questions the assistant asked (the summary counted as one) and the slots."""
    turn = first_turn(intent, text, language)
    slots = {k: v for k, v in turn.slots.items() if k != "prepared_question"}
    questions = 0
    for _ in range(limit):
        field = slots.get("requested_slot")
        if field is None or field == "confirmed":
            return questions + (field == "confirmed"), slots
        questions += 1
        offered = [b.get("payload") for m in (turn.slots.get("prepared_question") or {}).get("messages", [])
                   for b in (m.get("buttons") or [])]
        if not current_concern(slots).is_optional(field):
            reply = answers[field]
        elif skip_rest and skip_rest in offered:
            reply = skip_rest
        else:
            reply = "/skip"
        turn = run_form(slots, reply, intent="skip" if reply == "/skip" else "inform", language=language)
        slots.update({k: v for k, v in turn.slots.items() if k != "prepared_question"})
    raise AssertionError("the form did not reach the summary")
