"""Concerns and routing rules edited in forms: checked, saved with comments and order kept, refused per field."""

from __future__ import annotations

import difflib

import yaml

from bot.backend import routing
from bot.catalogue import FIELD_IDS, parse_catalogue
from bot.console.pages.catalogue import _rule_field
from bot.staffcheck import content
from bot.staffcheck.project import Project
from tests.console.conftest import csrf_of

CONCERNS, ROUTING = "content/concerns.yml", "content/routing.yml"


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _concern_form(editor, concern: str) -> dict[str, str]:
    """The form as the page fills it (every field's current choice)."""
    page = editor.get(f"/edit/concerns/{concern}").text
    data = {"csrf": csrf_of(page), "unit_family": "B",
            "name_de": "Verlängerung eines Visums im Bundesgebiet", "name_en": "Extension of a visa within Germany"}
    current = yaml.safe_load(open(editor.project / CONCERNS))["concerns"][concern]
    for fid in FIELD_IDS:
        data[f"field_{fid}"] = ("optional" if fid in current.get("optional", []) else "required") if fid in current["fields"] else "no"
    return data


def test_the_concern_form_lists_every_field_of_the_registry_with_its_label(console, editor):
    editor.headers["Accept-Language"] = "de"
    page = editor.get("/edit/concerns/visa_extension").text
    for fid in FIELD_IDS:
        assert f'id="field_{fid}"' in page, fid
    assert "Staatsangehörigkeit" in page and "Verlängerung eines Visums im Bundesgebiet" in page
    listing = editor.get("/edit/concerns").text
    assert 'href="/edit/concerns/card_pickup"' in listing and 'href="/edit/file/concerns"' in listing


def test_saving_a_concern_changes_only_its_lines_and_keeps_comments(console, editor):
    project = console.state.console.project
    editor.project = project
    before = (project / CONCERNS).read_text()
    data = _concern_form(editor, "visa_extension")
    data.update(name_de="Verlängerung eines Schengen-Visums", field_phone="no", field_existing_case_number="optional")
    response = editor.post("/edit/concerns/visa_extension", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/history?saved=")
    after = (project / CONCERNS).read_text()
    changed = _changed_lines(before, after)
    assert changed == [
        '-    name: {de: "Verlängerung eines Visums im Bundesgebiet", en: "Extension of a visa within Germany"}',
        '+    name: {de: "Verlängerung eines Schengen-Visums", en: "Extension of a visa within Germany"}',
        "-             title_kind, title_expiry, address, email, phone, message]",
        "-    optional: [phone]",
        "+             title_kind, title_expiry, address, email, message, existing_case_number]",
        "+    optional: [existing_case_number]",
    ], changed
    assert "# The document held decides" in after and after.startswith("# Concern catalogue")
    concern = parse_catalogue(yaml.safe_load(after)).concerns["visa_extension"]
    assert concern.label("de") == "Verlängerung eines Schengen-Visums"
    assert "phone" not in concern.field_ids() and concern.is_optional("existing_case_number")


def test_a_field_every_case_needs_cannot_be_dropped_and_the_message_points_at_it(console, editor):
    project = console.state.console.project
    editor.project = project
    before = (project / CONCERNS).read_text()
    data = _concern_form(editor, "visa_extension")
    data["field_email"] = "no"
    editor.headers["Accept-Language"] = "de"
    response = editor.post("/edit/concerns/visa_extension", data=data)
    assert response.status_code == 422 and 'href="#field_email"' in response.text
    assert "Diese Angabe braucht jeder Fall (email)" in response.text and "Every case needs" not in response.text
    data.update(field_email="required", name_en="  ")
    response = editor.post("/edit/concerns/visa_extension", data=data)
    assert response.status_code == 422 and 'href="#name_en"' in response.text
    assert (project / CONCERNS).read_text() == before


def _rule_data(editor, rule: str, **changes) -> dict[str, str]:
    page = editor.get(f"/edit/routing/rules/{rule}").text
    data = {"csrf": csrf_of(page), "unit": "A1", "note": "", "cond_nationality": "SYR", "cond_surname": "A-K",
            "cond_title_kind__permission_to_reside": "1", "cond_title_kind__toleration": "1"}
    data.update(changes)
    return data


def _table(project):
    catalogue = parse_catalogue(yaml.safe_load((project / CONCERNS).read_text()))
    return catalogue, routing.load_routing(catalogue, project / ROUTING)


def _unit_for(project, **facts) -> str:
    catalogue, table = _table(project)
    defaults = {"concern": "residence_permit_extension", "purpose": None, "title_kind": "toleration"}
    return routing.route(table, routing.facts_for(catalogue, **{**defaults, **facts})).unit


def test_saving_a_rule_moves_the_cases_it_matches_and_keeps_the_file(console, editor):
    project = console.state.console.project
    before = (project / ROUTING).read_text()
    assert _unit_for(project, nationality="SYR", family_name="Lahham") == "A5"
    data = _rule_data(editor, "a-syria-a1", cond_surname="a-m", note="example split of Syrian nationals between A1 and A5")
    response = editor.post("/edit/routing/rules/a-syria-a1", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    after = (project / ROUTING).read_text()
    assert _changed_lines(before, after) == [
        "-    when: {title_kind: [permission_to_reside, toleration], nationality: [SYR], surname: A-K}",
        "+    when: {title_kind: [permission_to_reside, toleration], nationality: [SYR], surname: A-M}"]
    assert _unit_for(project, nationality="SYR", family_name="Lahham") == "A1"


def test_a_new_rule_goes_where_it_is_placed_and_wins_before_the_general_ones(console, editor):
    project = console.state.console.project
    csrf = csrf_of(editor.get("/edit/routing/new").text)
    assert _unit_for(project, title_kind="residence_permit", nationality="UKR", family_name="Melnyk") == "E5"
    response = editor.post("/edit/routing/new", follow_redirects=False, data={
        "csrf": csrf, "id": "e1-ukraine", "unit": "E1", "before": "e5-europe", "note": "Beispiel",
        "cond_unit_family__E": "1", "cond_nationality": "ukr"})
    assert response.status_code == 303, response.text
    text = (project / ROUTING).read_text()
    assert ('  - id: e1-ukraine\n    note: "Beispiel"\n    unit: E1\n    when: {unit_family: E, nationality: UKR}\n'
            '  - id: e5-europe\n') in text
    assert _unit_for(project, title_kind="residence_permit", nationality="UKR", family_name="Melnyk") == "E1"


def test_a_rule_is_refused_field_by_field_in_the_readers_language(console, editor):
    project = console.state.console.project
    before = (project / ROUTING).read_text()
    editor.headers["Accept-Language"] = "de"
    cases = [({"cond_nationality": "SYR, XYZ"}, "cond_nationality", "„XYZ“ ist weder ein Ländercode"),
             ({"cond_surname": "K-A"}, "cond_surname", "„K-A“ ist kein Buchstabenbereich"),
             ({"unit": "Z9"}, "unit", "Bitte wählen Sie das Sachgebiet."),
             ({"cond_nationality": "", "cond_surname": "", "cond_title_kind__permission_to_reside": "",
               "cond_title_kind__toleration": ""}, "conditions", "mindestens eine Bedingung")]
    for changes, field, german in cases:
        response = editor.post("/edit/routing/rules/a-syria-a1", data=_rule_data(editor, "a-syria-a1", **changes))
        assert response.status_code == 422 and f'href="#{field}"' in response.text and german in response.text, field
    assert editor.post("/edit/routing/rules/a-syria-a1",
                       data=_rule_data(editor, "a-syria-a1", cond_concern__no_such_concern="1")).status_code == 422
    response = editor.post("/edit/routing/new", data={"csrf": csrf_of(editor.get("/edit/routing/new").text),
                                                      "id": "a-vietnam", "unit": "A1", "cond_surname": "A"})
    assert response.status_code == 422 and 'href="#id"' in response.text
    assert (project / ROUTING).read_text() == before


def test_a_problem_of_the_backends_loader_points_at_the_rule_field(console):
    """What the check on save reports for a rule (the backend's own words) links to the form field."""
    project = console.state.console.project
    path = project / ROUTING
    path.write_text(path.read_text().replace("when: {title_kind: [permission_to_reside, toleration], nationality: [VNM]}",
                                             "when: {title_kind: [permission_to_reside, toleration], nationality: [VNX]}"))
    [problem] = content.check_routing_rules(Project(project))
    assert "rule 'a-vietnam', field 'nationality'" in problem.what and _rule_field(problem) == "cond_nationality"


def test_the_new_forms_refuse_a_post_without_the_sessions_csrf_token(console, editor):
    project = console.state.console.project
    before = {rel: (project / rel).read_text() for rel in (CONCERNS, ROUTING)}
    editor.project = project
    concern = _concern_form(editor, "visa_extension") | {"name_de": "geändert"}
    rule = _rule_data(editor, "a-syria-a1", unit="A2")
    new = {"id": "e1-ukraine", "unit": "E1", "cond_nationality": "UKR"}
    for token in ("", "forged-token-from-another-site"):
        assert editor.post("/edit/concerns/visa_extension", data=concern | {"csrf": token}).status_code == 403
        assert editor.post("/edit/routing/rules/a-syria-a1", data=rule | {"csrf": token}).status_code == 403
        assert editor.post("/edit/routing/new", data=new | {"csrf": token}).status_code == 403
    assert {rel: (project / rel).read_text() for rel in before} == before


def test_the_expert_view_says_the_backends_routing_problem_in_german(console, editor):
    project = console.state.console.project
    before = (project / ROUTING).read_text()
    editor.headers["Accept-Language"] = "de"
    csrf = csrf_of(editor.get("/edit/file/routing").text)
    response = editor.post("/edit/file/routing", data={"csrf": csrf, "text": before.replace("surname: A-K}", "surname: K-A}")})
    assert response.status_code == 422
    assert "Regel &#39;a-syria-a1&#39;, Feld &#39;surname&#39;: der Bereich &#39;K-A&#39; läuft rückwärts" in response.text
    assert "runs backwards" not in response.text and (project / ROUTING).read_text() == before
