"""Every save is checked like `make validate`; saved changes are recorded, committed and reversible."""

from __future__ import annotations

import subprocess

from tests.console.conftest import csrf_of

EXAMPLES_DE = "\n".join(f"wo kann ich beim amt parken {i}" for i in range(10))
EXAMPLES_EN = "\n".join(f"where can i park at the office {i}" for i in range(10))


def _git_log(project) -> str:
    return subprocess.run(["git", "-C", str(project), "log", "--format=%an|%s"], capture_output=True, text=True).stdout


def test_an_invalid_question_is_refused_in_plain_words_and_nothing_is_written(console, editor):
    project = console.state.console.project
    before = {p: p.read_text() for p in project.rglob("*.yml")}
    csrf = csrf_of(editor.get("/edit/new-question").text)
    response = editor.post("/edit/new-question", data={
        "csrf": csrf, "intent": "parking", "examples_de": "wo parken", "examples_en": EXAMPLES_EN,
        "answer_de": "Keine Parkplätze für {name}.", "answer_en": "No parking.", "source": "notice"})
    assert response.status_code == 422
    assert "has 1 German example, at least 10 are needed" in response.text
    assert "different placeholders" in response.text
    assert 'href="#examples_de"' in response.text and 'href="#answer_de"' in response.text  # points at the fields
    assert "wo parken" in response.text  # the form keeps what was typed
    assert {p: p.read_text() for p in project.rglob("*.yml")} == before


def test_a_new_question_is_saved_recorded_committed_and_undone(console, editor):
    project = console.state.console.project
    before = {p: p.read_text() for p in project.rglob("*.yml")}
    csrf = csrf_of(editor.get("/edit/new-question").text)
    response = editor.post("/edit/new-question", data={
        "csrf": csrf, "intent": "parking", "examples_de": EXAMPLES_DE, "examples_en": EXAMPLES_EN,
        "answer_de": "Das Amt hat keine Parkplätze.", "answer_en": "The office has no parking.",
        "source": "office notice"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "- faq_parking" in (project / "domain/core.yml").read_text()
    assert "utter_faq_parking" in (project / "data/rules/faq.yml").read_text()
    history = editor.get("/history").text
    assert "New question and answer &#39;faq_parking&#39;" in history and "anna.editor" in history
    assert "+    - wo kann ich beim amt parken 3" in history
    assert _git_log(project).splitlines()[0] == "anna.editor|New question and answer 'faq_parking'"

    change_id = response.headers["location"].split("=")[1]
    csrf = csrf_of(history)
    assert editor.post(f"/history/{change_id}/revert", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert {p: p.read_text() for p in project.rglob("*.yml")} == before
    assert _git_log(project).splitlines()[0].startswith("anna.editor|Undo change")


def test_an_example_edit_with_a_duplicate_of_another_intent_is_refused(console, editor):
    project = console.state.console.project
    csrf = csrf_of(editor.get("/edit/examples/faq_documents").text)
    current = editor.get("/edit/examples/faq_documents").text
    response = editor.post("/edit/examples/faq_documents/de", data={
        "csrf": csrf, "examples": "Was kostet das?\n" + "\n".join(f"welche unterlagen {i}" for i in range(12))})
    assert response.status_code == 422 and "also appears under" in response.text
    assert current  # the page rendered before
    assert "welche unterlagen 3" not in (project / "data/nlu/de/faq.yml").read_text()


def test_a_response_keeps_both_languages_and_button_payloads(console, editor):
    project = console.state.console.project
    csrf = csrf_of(editor.get("/edit/responses/utter_greet").text)
    response = editor.post("/edit/responses/utter_greet", data={
        "csrf": csrf, "text_de": "Guten Tag!", "text_en": "Hello!", "button_de_0": "Übersicht", "button_en_0": "Overview"},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    text = (project / "domain/responses_general.yml").read_text()
    assert "text: Guten Tag!\n" in text and "title: Übersicht" in text and text.count("payload: /show_menu") >= 2


def test_routing_rules_are_edited_as_text_and_checked_as_the_backend_loads_them(console, editor):
    project = console.state.console.project
    original = (project / "content/routing.yml").read_text()
    csrf = csrf_of(editor.get("/edit/file/routing").text)
    broken = original.replace("unit: B1", "unit: B99", 1)
    assert broken != original
    response = editor.post("/edit/file/routing", data={"csrf": csrf, "text": broken})
    assert response.status_code == 422 and "B99" in response.text
    assert (project / "content/routing.yml").read_text() == original
    changed = original.replace("# ", "# (reviewed) ", 1)
    assert editor.post("/edit/file/routing", data={"csrf": csrf, "text": changed}, follow_redirects=False).status_code == 303
    assert (project / "content/routing.yml").read_text() == changed


def test_only_the_listed_files_can_be_edited_as_text(editor):
    assert editor.get("/edit/file/..%2F..%2Fbot%2Fconfig.py").status_code == 404
    assert editor.get("/edit/file/knowledge").status_code == 404
