"""Checks 2 and 8: responses in both languages that match; every response the actions send exists."""

from __future__ import annotations

from bot.staffcheck.responses import check_action_responses_exist, check_response_languages, is_referenced_by_code
from tests.staffcheck.conftest import introduced, response_block

HEADER = "version: '3.1'\nresponses:\n"
ENGLISH_ONLY = "  - condition:\n    - type: slot\n      name: language\n      value: en\n    text: Extra\n"


def test_response_without_english_variation_is_reported(copy):
    copy.replace("domain/responses_general.yml",
                 "  - condition:\n    - type: slot\n      name: language\n      value: en\n    text: Goodbye! All the best with your matter.\n",
                 "")
    problems = introduced(check_response_languages, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [("domain/responses_general.yml", 27, "response 'utter_goodbye'")]
    assert problems[0].what == "has no English variation"


def test_third_variation_and_unconditioned_variation_are_reported(copy):
    copy.write("domain/responses_test.yml", HEADER
               + response_block("utter_twice_english", "Hallo", "Hello", ENGLISH_ONLY)
               + "  utter_no_condition:\n  - text: Hallo\n")
    problems = introduced(check_response_languages, copy)
    found = {(p.name, p.what) for p in problems}
    assert ("response 'utter_twice_english'", "has a second or unknown variation for language 'en'") in found
    assert ("response 'utter_no_condition'", "has a variation without a language condition") in found
    assert ("response 'utter_no_condition'", "has no German variation") in found
    assert all(p.file == "domain/responses_test.yml" for p in problems)


def test_placeholders_and_buttons_must_match_between_languages(copy):
    buttons = "    buttons:\n    - title: Menu\n      payload: /show_menu\n"
    copy.write("domain/responses_test.yml", HEADER
               + response_block("utter_case_number", "Ihre Nummer: {case_number}", "Your number: {case_numbr}")
               + response_block("utter_one_button", "Menü?", "Menu?", buttons))
    problems = {p.name: p for p in introduced(check_response_languages, copy)}
    assert "only German: {case_number}; only English: {case_numbr}" in problems["response 'utter_case_number'"].what
    assert problems["response 'utter_case_number'"].line == 3
    assert "German variation has 0 button(s), the English one 1" in problems["response 'utter_one_button'"].what


def test_response_sent_by_an_action_but_missing_from_the_domain_is_reported(copy):
    copy.write("actions/extra.py", 'def run(dispatcher):\n    dispatcher.utter_message(response="utter_does_not_exist")\n')
    problems = introduced(check_action_responses_exist, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [("actions/extra.py", 2, "response 'utter_does_not_exist'")]


def test_ask_action_without_its_question_is_reported(copy):
    copy.replace("domain/core.yml", "  - action_ask_confirmed\n", "  - action_ask_confirmed\n  - action_ask_shoe_size\n")
    problems = introduced(check_action_responses_exist, copy)
    assert [(p.file, p.name) for p in problems] == [("domain/core.yml", "response 'utter_ask_shoe_size'")]


def test_refusal_code_without_its_response_is_reported(copy):
    copy.replace("actions/uploads.py", '"empty",', '"empty", "too_ugly",')
    problems = introduced(check_action_responses_exist, copy)
    assert [p.name for p in problems] == ["response 'utter_upload_refused_too_ugly'"]


def test_names_the_actions_build_count_as_used(copy):
    project = copy.project()
    assert is_referenced_by_code(project, "utter_ask_title_serial")  # f"utter_ask_{self.field}"
    assert is_referenced_by_code(project, "utter_upload_refused_infected")  # f"utter_upload_refused_{reason}"
    assert is_referenced_by_code(project, "utter_menu")  # written out
    assert is_referenced_by_code(project, "utter_ask_rephrase")  # Rasa's two-stage fallback
    assert not is_referenced_by_code(project, "utter_nobody_sends_this")
