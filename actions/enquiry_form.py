"""The enquiry form: which fields a concern needs, reading each answer, corrections,
skips, interruptions, and the summary the client confirms.

Rasa asks ``requested_slot`` and calls ``validate_enquiry_form`` after every
client message while the form is active. We read the message ourselves (all
slots use custom mappings) because answers are free text in two languages, and
we decide the next question from the concern catalogue.
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import extraction
from actions.answers import INTERRUPTION_INTENTS, answer_interruption, offered_concern
from actions.follow_up import handle_follow_up, has_reference
from actions.field_registry import (
    BY_ID, FIELDS, FOLLOWERS, FORM_SLOTS, FREE_TEXT_FIELDS, INVALID_GROUP, NAME_FIELD, NUMBER_FIELDS, STRUCTURED_FIELDS,
    WHOLE_NAME,
)
from actions.field_registry import show as show_value
from actions.common import SKIPPED, button, label, language_of, latest_intent, latest_text
from actions.dialogue.commands import CancelEnquiry, Command, GoBack, Puzzled
from actions.dialogue.executor import FormState, execute_in_form
from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import LEAVING_INTENTS, Context, FormReading, Parse, interpret_in_form
from actions.replies import send
from actions.fields import age_on, today
from actions.uploads import report_upload, upload_limits
from bot.catalogue import Concern, load_catalogue
from bot.knowledge import format_date
from bot.rasa_speedups import PREPARED_QUESTION_SLOT

MAX_ATTEMPTS = 3
# What _on_answer returns when the client leaves in words no rule reads as leaving.
LEAVE: dict[str, Any] = {}
# Fields one question fills together: going back to or changing one clears them all.
# A field's own slots come from its kind (content/fields.yml: the address also fills the postal
# code); the name question ("Wie heißen Sie?") fills given and family name (`asked_after`).
QUESTION_GROUPS = {field.id: field.spec.slots for field in FIELDS if len(field.spec.slots) > 1}
for _leader, _followers in FOLLOWERS.items():
    _group = tuple(slot for fid in (_leader, *_followers) for slot in BY_ID[fid].spec.slots)
    QUESTION_GROUPS.update({fid: _group for fid in (_leader, *_followers)})


# Kinds whose parser takes almost any words (a name, a town): a value of an earlier answer said with
# a correcting word there is a correction even though it would parse ("ich meinte Studium").
ANY_WORDS_KINDS = frozenset({"full_name", "name", "place"})

# Slot: the concern the client named when the document held changed it (domain/core.yml).
CONCERN_NAMED = "concern_named"


def current_concern(slots: dict[str, Any]) -> Concern | None:
    return load_catalogue().concerns.get(slots.get("concern") or "")


def required_fields(slots: dict[str, Any]) -> list[str]:
    """The questions still to ask for this concern, in catalogue order: each field whose
    `ask_when:` conditions hold (content/fields.yml), and after it the fields `asked_after` it
    that the concern does not list itself."""
    concern = current_concern(slots)
    if concern is None:
        return ["concern"]
    listed = concern.field_ids()
    needed = ["concern"]
    for field in listed:
        if not BY_ID[field].asked(slots, concern):
            continue
        needed.append(field)
        needed += [f for f in FOLLOWERS.get(field, ()) if f not in listed and BY_ID[f].asked(slots, concern)]
    return needed + ["confirmed"]


def slots_of(field: str) -> tuple[str, ...]:
    """The slots one field fills (the address also its postal code; content/fields.yml kind)."""
    return BY_ID[field].spec.slots if field in BY_ID else (field,)


def missing_fields(slots: dict[str, Any]) -> list[str]:
    return [f for f in required_fields(slots) if slots.get(f) in (None, "")]


def open_optional_fields(slots: dict[str, Any], concern: Concern) -> list[str]:
    """The optional questions still to ask (what "skip all optional questions" would skip)."""
    return [f for f in missing_fields(slots) if concern.is_optional(f)]


def invalid_response(field: str, code: str, domain: dict) -> str:
    """Which response explains an invalid answer: utter_invalid_<field or group>_<code> where
    the domain has one ("utter_invalid_date_of_birth_future"), else utter_invalid_<group>."""
    group = INVALID_GROUP.get(field, field)
    for key in (field, group):
        name = f"utter_invalid_{key}_{code}"
        if code != "format" and name in domain.get("responses", {}):
            return name
    return f"utter_invalid_{group}"


class ValidateEnquiryForm(FormValidationAction):
    """Reads each answer of the enquiry and chooses the next question."""

    def name(self) -> str:
        return "validate_enquiry_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        slots = {name: tracker.get_slot(name) for name in FORM_SLOTS}
        slots[CONCERN_NAMED] = tracker.get_slot(CONCERN_NAMED)
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        language = language_of(tracker)
        updates: dict[str, Any] = {}

        if requested is None:
            updates.update(self._on_activation(dispatcher, tracker, slots, text, intent, language))
        else:
            outcome = await self._on_answer(dispatcher, tracker, domain, slots, requested, text, intent, confidence, language)
            if outcome is None:
                return []  # not an answer: reject, so a rule handles it (cancel, restart)
            if outcome is LEAVE:
                # A wish to leave in words the NLU did not read as one ("forget it, I'll just call
                # you"): no rule would cancel, so the form ends and the cancel action follows.
                return [SlotSet("failed_attempts", tracker.get_slot("failed_attempts") or {}),
                        SlotSet("requested_slot", None), FollowupAction("action_cancel_enquiry")]
            updates.update(outcome)
        if updates.get("concern") and updates["concern"] != slots.get("concern"):
            updates[CONCERN_NAMED] = None  # the client chose another concern: that one is named now

        slots.update(updates)
        updates.update(self._notes(dispatcher, slots, updates, language))
        slots.update(updates)
        events = [SlotSet(k, v) for k, v in updates.items()]
        missing = missing_fields(slots)
        if not missing:
            return events + [SlotSet("requested_slot", None)]
        return events + [SlotSet("requested_slot", missing[0]), prepared_question(missing[0], slots, language)]

    # -- the first message ------------------------------------------------------------

    def _on_activation(self, dispatcher, tracker, slots, text, intent, language) -> dict[str, Any]:
        catalogue = load_catalogue()
        updates: dict[str, Any] = {name: None for name in FORM_SLOTS}
        updates.update(skipped_fields=[], failed_attempts={}, submission_id=None, **{CONCERN_NAMED: None})
        concern = catalogue.by_intent(intent or "")
        if concern is None and slots.get("concern"):
            concern = catalogue.concerns.get(slots["concern"])  # chosen by the conversation model (action_converse)
        if concern is None and text and not text.startswith("/"):
            parsed = extraction.parse_field("concern", text, {}, None)
            concern = catalogue.concerns.get(parsed.value) if parsed.ok else None
        typed_request = intent == "start_enquiry" and not text.startswith("/")  # "yes please, start the enquiry"
        if concern is None and (intent != "start_enquiry" or typed_request) and (
                offered := offered_concern(tracker, asked=intent == "affirm")):
            concern = catalogue.by_intent(offered)  # "yes" or data right after an answer offered this enquiry
        if concern is not None:
            updates["concern"] = concern.id
            dispatcher.utter_message(response="utter_enquiry_start", concern_label=concern.label(language))
            dispatcher.utter_message(response="utter_upload_hint", **upload_limits())
            if text and not text.startswith("/"):
                updates.update(extraction.volunteered_facts(text, {}, concern))
        return updates

    # -- an answer to the requested question -------------------------------------------

    async def _on_answer(self, dispatcher, tracker, domain, slots, requested, text, intent, confidence, language):
        """The turn as the conversation model reads it (actions/dialogue/): a move (back,
        puzzled, cancel, a question, a correction, skip) carried out by its executor, or a
        value for the asked field, read here by the field's parser."""
        concern = current_concern(slots)
        is_payload = text.startswith("/")
        keep = {"failed_attempts": tracker.get_slot("failed_attempts") or {}}  # an event keeps the form active
        context = self._context(tracker, slots, requested, text, language, concern)
        commands = interpret_in_form(Parse(text, intent, confidence), context)
        state = self._state(slots, requested, language, concern)
        if commands and isinstance(commands[0], (GoBack, Puzzled, CancelEnquiry)):
            return self._carry_out(dispatcher, tracker, domain, commands, context, state, keep, concern)
        if intent == "goodbye" and confidence >= 0.6 and requested != "message":
            # "thx bye" in the middle: nothing is sent yet, say so instead of only asking again.
            dispatcher.utter_message(response="utter_enquiry_not_sent")
            return keep
        if intent in ("upload_received", "upload_refused") and is_payload:
            await report_upload(dispatcher, tracker, intent)
            return keep
        if intent == "switch_language" and (is_payload or confidence >= 0.6):
            dispatcher.utter_message(response="utter_language_switched")
            return keep
        if not is_payload and has_reference(text):
            # Case number + follow-up key (or the PDF's verification code): a follow-up to an
            # existing case, never the answer to this question (it would become a name, a case
            # number field, a message). Handled as one; then the same question again.
            dispatcher.utter_message(response="utter_follow_up_in_enquiry")
            await handle_follow_up(dispatcher, tracker)
            return keep

        if requested == "confirmed":
            return self._on_summary_answer(dispatcher, slots, text, intent, confidence, language, concern)
        if requested == "concern":
            return self._on_concern_answer(dispatcher, slots, text, intent, language)

        # A question (answered; the form then asks again), a document's name where a name is
        # asked, a correction of an earlier answer, or skip.
        moved = self._carry_out(dispatcher, tracker, domain, commands, context, state, keep, concern)
        if moved is not None:
            return moved

        # A general question in the middle ("Was kostet das?"): free-text fields would take it as an answer.
        asks = intent in INTERRUPTION_INTENTS and (is_payload or confidence >= 0.5)
        if asks and requested in FREE_TEXT_FIELDS and (is_payload or extraction.looks_like_question(text)):
            answer_interruption(dispatcher, tracker, intent, text, language)
            return keep

        parsed = extraction.parse_field(requested, text, slots, concern) if not is_payload else None
        if parsed is not None and not parsed.ok and (lead := _leading_part(text)):
            # "Ayşe Yılmaz, Türkin, geboren am 3.3.1995": the answer first, more facts after it.
            first = extraction.parse_field(requested, lead, slots, concern)
            parsed = first if first.ok else parsed
        if parsed is not None and parsed.ok:
            updates = extraction.to_slots(requested, parsed.value)
            updates.update(self._reset_attempts(tracker, requested))
            # Facts given in the same breath ("... und meine E-Mail ist a@b.de").
            for key, value in extraction.volunteered_facts(text, {**slots, **updates}, concern).items():
                if slots.get(key) in (None, "") and key not in updates:
                    updates[key] = value
            return updates

        if intent in INTERRUPTION_INTENTS and (asks and confidence >= 0.8 or extraction.looks_like_question(text)):
            answer_interruption(dispatcher, tracker, intent, text, language)
            return keep
        if is_payload:
            # A button of an earlier message ("Try again"): just ask the question again.
            return keep

        # The answer to a later question ("name@example.org" when asked for the birthday): keep it.
        later = self._answers_to_other_questions(text, slots, requested)
        if later:
            labels_ = ", ".join(label("fields", f, language) for f in later if f in BY_ID)
            dispatcher.utter_message(response="utter_noted_for_later", field_label=labels_)
            return {**keep, **later}

        return self._invalid(dispatcher, tracker, domain, requested, parsed, concern)

    @staticmethod
    def _context(tracker, slots, requested, text, language, concern) -> Context:
        """The model's view of the turn: the asked field and what its parser makes of the text."""
        typed = not text.startswith("/")
        parsed_ok = typed and requested not in ("concern", "confirmed") and bool(text) and (
            extraction.parse_field(requested, text, slots, concern).ok)
        found = extraction.find_correction(text, slots, concern) if typed else None
        correction = (found[0], found[1].value if found[1] is not None else None) if found else None
        if correction is None and typed and requested in BY_ID and BY_ID[requested].spec.kind != "text" and (
                not parsed_ok or BY_ID[requested].spec.kind in ANY_WORDS_KINDS):
            # "ich meinte Studium, nicht Ausbildung" while the name is asked: the purpose corrected.
            correction = extraction.corrected_by_value(text, slots, ["concern", *_answered_before(slots, requested)],
                                                       concern)
        if correction is None and typed and not parsed_ok and requested in BY_ID and BY_ID[requested].spec.kind != "text":
            correction = _restated(text, slots, requested, concern)
        named = extraction.named_field(text) if typed else None
        named = NAME_FIELD if named == "name" else named
        if named and _names_field(text, requested):
            named = None  # "no phone, only e-mail" while the phone is asked: about the asked field
        if named is None and typed:
            named = _named_by_kind(text, slots, requested)
        reading = FormReading(valid=parsed_ok, structured=parsed_ok and requested in STRUCTURED_FIELDS,
                              optional=concern is not None and concern.is_optional(requested),
                              declines=typed and (extraction.means_skip(text, requested)
                                                  or not parsed_ok and extraction.declines(text)),
                              correction=correction,
                              named=(named, _value_in(named, text, slots, concern)) if named else None,
                              names_asked=typed and _names_field(text, requested),
                              answer_first=typed and _answer_first(text, slots, requested, concern))
        return Context(language=language, frame=QuestionFrame.from_slot(tracker.get_slot("question_frame")),
                       requested=requested, concern=concern.id if concern else None, reading=reading)

    @staticmethod
    def _state(slots, requested, language, concern) -> FormState:
        fields = tuple(f for f in required_fields(slots) if f not in ("concern", "confirmed"))
        return FormState(requested=requested, fields=fields, values=slots,
                         labels={f: label("fields", f, language) for f in fields},
                         optional=frozenset(f for f in fields if concern is not None and concern.is_optional(f)),
                         skipped=tuple(slots.get("skipped_fields") or ()), skip_value=SKIPPED,
                         groups=QUESTION_GROUPS, store=extraction.to_slots,
                         show=lambda field, updates: shown_value(field, updates, language))

    def _carry_out(self, dispatcher, tracker, domain, commands: list[Command], context, state, keep, concern):
        """Slot updates of a move by the executor; None when the turn is a value for the field,
        and also None for cancel (the form rejects the turn, a rule ends the enquiry)."""
        outcome = execute_in_form(commands, context, state)
        if outcome.leave:
            intent, _ = latest_intent(tracker)
            return None if intent in LEAVING_INTENTS else LEAVE  # a leaving intent: its rule ends the enquiry
        if not outcome.moved:
            return None
        if outcome.invalid:  # a value the field cannot have: utter_invalid_<group>_implausible where there is one
            return self._invalid(dispatcher, tracker, domain, state.requested, extraction.f.Parsed(error="implausible"),
                                 concern)
        send(dispatcher, outcome.replies)
        return {**keep, **outcome.updates}

    @staticmethod
    def _answers_to_other_questions(text: str, slots: dict[str, Any], requested: str) -> dict[str, Any]:
        """Unmistakable values of other still-open questions (e-mail, Berlin address, stated facts)."""
        open_fields = set(missing_fields(slots)) - {requested, "concern", "confirmed"}
        if requested in NUMBER_FIELDS:  # digits there are the number asked for, not a phone number
            open_fields -= {field.id for field in FIELDS if field.spec.kind == "phone"}
        found = unmistakable_values(text, open_fields)
        concern = current_concern(slots)
        for key, value in extraction.volunteered_facts(text, slots, concern).items():
            if key in open_fields and key not in found:
                found[key] = value
        return found

    def _on_concern_answer(self, dispatcher, slots, text, intent, language):
        """The client chooses the matter: a button (its intent) or words naming it."""
        catalogue = load_catalogue()
        concern = catalogue.by_intent(intent or "")
        if concern is None and not text.startswith("/"):
            parsed = extraction.parse_field("concern", text, slots, None)
            concern = catalogue.concerns.get(parsed.value) if parsed.ok else None
        if concern is None:
            dispatcher.utter_message(response="utter_invalid_concern")
            return {"concern": None}
        dispatcher.utter_message(response="utter_enquiry_start", concern_label=concern.label(language))
        dispatcher.utter_message(response="utter_upload_hint", **upload_limits())
        return {"concern": concern.id}

    def _on_summary_answer(self, dispatcher, slots, text, intent, confidence, language, concern):
        """At the summary: a change, a question, the explicit yes, or a no."""
        is_payload = text.startswith("/")
        correction = extraction.find_correction(text, slots, concern)
        named = extraction.named_field(text)
        if correction is None and not is_payload:
            # "ich meinte Studium, nicht Ausbildung" at the summary: that answer changed.
            answered = [f for f in required_fields(slots) if f not in ("confirmed",) and slots.get(f) not in (None, "", SKIPPED)]
            by_value = extraction.corrected_by_value(text, slots, answered, concern)
            correction = (by_value[0], extraction.f.Parsed(by_value[1])) if by_value else None
        if correction:
            return self._apply_correction(dispatcher, slots, correction, language)
        # "Telefon" typed after "What would you like to change?": the field's name alone is the choice.
        names_only = named and extraction._strip_field_words(text) == ""
        if named and (intent in ("correct_field", "deny", "inform") or names_only) and named != "name":
            return self._apply_correction(dispatcher, slots, (named, None), language)
        # A value that can only be one field ("0170 9999999" for the skipped phone): take it as a change.
        if not is_payload and (values := unmistakable_values(text, set(required_fields(slots)))):
            field = next(iter(values))
            dispatcher.utter_message(response="utter_field_corrected", field_label=label("fields", field, language),
                                     value=shown_value(field, values, language))
            return {**values, "confirmed": None}
        if intent in INTERRUPTION_INTENTS and (is_payload or extraction.looks_like_question(text)):
            return self._interrupt(dispatcher, slots, intent, text, language)
        # Typed words only: a button's payload ("/correct_field") is its intent, never a yes.
        said_yes = (not is_payload and extraction.f.parse_yes_no(text).value is True
                    and not extraction.looks_like_question(text))
        if (intent == "affirm" and (is_payload or confidence >= 0.5 or said_yes)) or (
            said_yes and intent not in ("deny", "correct_field")
        ):
            return {"confirmed": "yes", "submission_id": uuid.uuid4().hex}
        if intent in ("deny", "correct_field") or text.startswith("/correct_field") or (
            not is_payload and extraction.f.parse_yes_no(text).value is False
        ):
            present = [f for f in required_fields(slots) if f not in ("concern", "confirmed")]
            buttons = [
                {"title": label("fields", f, language), "payload": f"{label('buttons', 'change', language)}: {label('fields', f, language)}"}
                for f in present
            ]
            dispatcher.utter_message(response="utter_what_to_change", buttons=buttons)
            return {"confirmed": None}
        if intent in INTERRUPTION_INTENTS:
            return self._interrupt(dispatcher, slots, intent, text, language)
        dispatcher.utter_message(response="utter_invalid_yes_no")
        return {"confirmed": None}

    def _interrupt(self, dispatcher, slots, intent, text, language):
        answer_interruption(dispatcher, None, intent, text, language)
        return {"confirmed": None}

    def _apply_correction(self, dispatcher, slots, correction, language) -> dict[str, Any]:
        field, parsed = correction
        field_slots = slots_of(field)
        if field == NAME_FIELD and parsed is None:
            field_slots = WHOLE_NAME
        if parsed is not None:
            updates = extraction.to_slots(field, parsed.value)
            dispatcher.utter_message(response="utter_field_corrected", field_label=label("fields", field, language),
                                     value=shown_value(field, updates, language))
        else:
            updates = {name: None for name in field_slots}
            dispatcher.utter_message(response="utter_field_will_change", field_label=label("fields", field, language))
        updates["confirmed"] = None
        return updates

    def _invalid(self, dispatcher, tracker, domain, requested, parsed, concern) -> dict[str, Any]:
        attempts = dict(tracker.get_slot("failed_attempts") or {})
        attempts[requested] = attempts.get(requested, 0) + 1
        code = parsed.error if parsed is not None else "format"
        dispatcher.utter_message(response=invalid_response(requested, code or "format", domain))
        if attempts[requested] >= MAX_ATTEMPTS:
            optional = concern is not None and concern.is_optional(requested)
            language = language_of(tracker)
            buttons = [button("buttons", "continue", language, "/inform")]
            hint = ""
            if optional:
                buttons.append(button("buttons", "skip", language, "/skip"))
                hint = label("phrases", "skip_hint", language)
            buttons.append(button("buttons", "cancel", language, "/cancel"))
            dispatcher.utter_message(response="utter_repeated_failure", skip_hint=hint, buttons=buttons)
            attempts[requested] = 0
        return {requested: None, "failed_attempts": attempts}

    @staticmethod
    def _reset_attempts(tracker: Tracker, requested: str) -> dict[str, Any]:
        attempts = dict(tracker.get_slot("failed_attempts") or {})
        attempts.pop(requested, None)
        return {"failed_attempts": attempts}

    # -- notes the client should hear once ------------------------------------------------

    @staticmethod
    def _concern_for_title(dispatcher, slots, concern, title_kind: str, language: str) -> dict[str, Any]:
        """The document held decides (content/concerns.yml, concern_by_title), from the concern the
        client NAMED: a D-visa holder who asks to "extend the visa" applies for a residence permit
        (§ 81 Abs. 4 S. 1); corrected to a Schengen visa, it is a visa extension again."""
        catalogue = load_catalogue()
        named_id = slots.get(CONCERN_NAMED) or concern.id
        named = catalogue.concerns.get(named_id) or concern
        target = named.concern_by_title.get(title_kind) or named.id
        title = catalogue.title_label(title_kind, language)
        if target == concern.id:
            return {}
        changes: dict[str, Any] = {"concern": target, CONCERN_NAMED: None if target == named.id else named.id}
        if target == named.id:
            dispatcher.utter_message(response="utter_concern_back_to_named", title=title,
                                     concern_label=named.label(language))
        else:
            dispatcher.utter_message(response="utter_concern_follows_title", title=title,
                                     concern_label=catalogue.concerns[target].label(language))
        return changes

    def _notes(self, dispatcher, slots, updates, language) -> dict[str, Any]:
        """Notes the client should hear once; returns slot changes they imply."""
        concern = current_concern(slots)
        changes: dict[str, Any] = {}
        if "title_expiry" in updates and updates["title_expiry"] and concern and concern.fiktionswirkung:
            expiry = date.fromisoformat(updates["title_expiry"])
            if expiry < today():
                dispatcher.utter_message(response="utter_title_expired_note", expiry=format_date(expiry, language))
        if updates.get("title_kind") == "schengen_visa" and concern:
            dispatcher.utter_message(response="utter_schengen_note")
        if concern and updates.get("title_kind"):
            changes.update(self._concern_for_title(dispatcher, slots, concern, updates["title_kind"], language))
        if updates.get("pickup_by_proxy") == "yes":
            born = slots.get("date_of_birth")
            if born and age_on(date.fromisoformat(born), today()) < 16:
                # Seed 002: pick-up by an authorised person only from the 16th birthday.
                dispatcher.utter_message(response="utter_pickup_proxy_too_young")
                changes["pickup_by_proxy"] = "no"
            else:
                dispatcher.utter_message(response="utter_pickup_proxy_info")
        return changes


_LEADING_PART = re.compile(r"^\s*([^,;]+?)\s*(?:[,;]|\.\s)\s*\S")


def _leading_part(text: str) -> str | None:
    """The part of a longer answer before its first comma or sentence end, if there is more."""
    match = _LEADING_PART.match(text)
    return match.group(1) if match else None


def _answer_first(text: str, slots: dict[str, Any], requested: str, concern: Concern | None) -> bool:
    """Whether the text's first part answers the asked field and facts of other fields follow it
    ("Ayşe Yılmaz, Türkin, geboren am 03.03.1995"): a form-like answer, not one long non-answer."""
    lead = _leading_part(text) if requested in WHOLE_NAME else None  # (only names are refused for too many words)
    if not lead or not extraction.parse_field(requested, lead, slots, concern).ok:
        return False
    return bool(extraction.volunteered_facts(text[text.find(lead) + len(lead):], {}, concern))


def _names_field(text: str, field: str) -> bool:
    """Whether the text names this field ("phone" in "no phone, only e-mail")."""
    words = extraction.FIELD_WORDS.get(field, []) + (extraction.FIELD_WORDS.get("name", []) if field in WHOLE_NAME
                                                     else [])
    return any(extraction._word_hit(text, word) for word in words)


def _answered_before(slots: dict[str, Any], requested: str) -> list[str]:
    """The fields answered before the asked one, in the form's order."""
    order = [f for f in required_fields(slots) if f not in ("concern", "confirmed")]
    before = order[:order.index(requested)] if requested in order else order
    return [f for f in before if slots.get(f) not in (None, "", SKIPPED)]


def _restated(text: str, slots: dict[str, Any], requested: str, concern: Concern | None) -> tuple[str, Any] | None:
    """An earlier answer given again with another value while another field is asked ("my birth
    date is 3.4.1990", "I was actually born in Kumasi"): (field, new value), a correction."""
    answered = [f for f in _answered_before(slots, requested) if BY_ID[f].spec.kind in extraction.RESTATED_KINDS]
    if not answered:
        return None
    facts = extraction.volunteered_facts(text, {**slots, **{f: None for f in answered}}, concern)
    return next(((f, facts[f]) for f in reversed(answered) if f in facts and facts[f] != slots.get(f)), None)


def _named_by_kind(text: str, slots: dict[str, Any], requested: str) -> str | None:
    """The latest answered field of a kind the text names when it names no field ("das Datum war
    falsch": the date of birth while the nationality is asked); not the asked field's own kind."""
    kinds = extraction.kinds_named(text) - {BY_ID[requested].spec.kind if requested in BY_ID else None}
    return next((f for f in reversed(_answered_before(slots, requested)) if BY_ID[f].spec.kind in kinds), None)


def _value_in(field: str, text: str, slots: dict[str, Any], concern: Concern | None) -> Any:
    """A value of a fixed-shape field said in a sentence ("no, my birthday is 4.5.1990"): the
    shortest ending of the text that parses. Names and other free text: None (asked again)."""
    if field not in STRUCTURED_FIELDS:
        return None
    words = text.split()
    for start in range(len(words) - 1, -1, -1):
        parsed = extraction.parse_field(field, " ".join(words[start:]).strip(" .!"), slots, concern)
        if parsed.ok:
            return parsed.value
    return None


_PHONE_ONLY = re.compile(r"^\s*(?:\+|00|0)\d[\d\s/()-]{6,}\d\s*$")
# Per kind: whether a text can only be a value of a field of that kind (an e-mail, a Berlin
# address, a bare phone number), whatever question was asked.
UNMISTAKABLE: dict[str, Any] = {
    "email": lambda text: "@" in text,
    "address": lambda text: re.search(r"[^\W\d_]{3,}.*\d", text),
    "phone": lambda text: _PHONE_ONLY.match(text),
}


def unmistakable_values(text: str, fields: set[str]) -> dict[str, Any]:
    """Values that can only belong to one field: an e-mail, a Berlin address, a bare phone number."""
    found: dict[str, Any] = {}
    for field in FIELDS:
        looks = UNMISTAKABLE.get(field.spec.kind)
        if field.id in fields and looks and looks(text) and (parsed := field.parse(text, {}, None)).ok:
            found.update(field.to_slots(parsed.value))
    return found


def format_value(field: str, value: Any, language: str) -> str:
    """A slot value as the client reads it in the summary (actions/field_registry.py)."""
    if value == SKIPPED:
        return label("values", "skipped", language)
    if value in (None, ""):
        return label("values", "not_given", language)
    return show_value(field, value, language)


def shown_value(field: str, updates: dict[str, Any], language: str) -> str:
    """A field's new value as the client reads it in the reply to a change ("Studium", "Ana Souza")."""
    if field in WHOLE_NAME:
        return " ".join(str(updates[f]) for f in WHOLE_NAME if updates.get(f))
    return format_value(field, updates.get(field), language)


def summary_text(slots: dict[str, Any], language: str) -> str:
    lines = []
    for field in required_fields(slots):
        if field == "confirmed":
            continue
        lines.append(f"• {label('fields', field, language)}: {format_value(field, slots.get(field), language)}")
    return "\n".join(lines)


def prepared_question(field: str, slots: dict[str, Any], language: str) -> SlotSet:
    """The next question exactly as its ask action would send it, handed to Rasa in a slot.

    Rasa's form then sends it itself (bot/rasa_speedups.py) instead of calling the action
    server a second time for ``action_ask_<field>``: one round trip per form turn (issue 17).
    """
    dispatcher = CollectingDispatcher()
    ask(dispatcher, field, slots, language)
    return SlotSet(PREPARED_QUESTION_SLOT, {"field": field, "messages": dispatcher.messages})


class ActionAskField(Action, ABC):
    """Asks one question of the form when Rasa has no prepared one (a form resumed without validation)."""

    @property
    @abstractmethod
    def field(self) -> str:
        """The slot this action asks for (set by each subclass below)."""

    def name(self) -> str:
        return f"action_ask_{self.field}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        ask(dispatcher, self.field, {name: tracker.get_slot(name) for name in FORM_SLOTS}, language_of(tracker))
        return []


def ask(dispatcher: CollectingDispatcher, field: str, slots: dict[str, Any], language: str) -> None:
    """One question of the form, with choices and a skip button where they apply."""
    concern = current_concern(slots)
    catalogue = load_catalogue()
    buttons: list[dict[str, str]] = []
    kwargs: dict[str, Any] = {}
    kind = BY_ID[field].spec.kind if field in BY_ID else field  # choices come with the kind (content/fields.yml)
    if field == "concern":
        buttons = [{"title": c.label(language), "payload": f"/{c.intent}"} for c in catalogue.concerns.values()]
    elif kind == "purpose" and concern:
        buttons = [{"title": catalogue.purpose_label(p, language), "payload": catalogue.purpose_label(p, language)} for p in concern.purposes]
    elif kind == "title_kind":
        buttons = [{"title": catalogue.title_label(k, language), "payload": catalogue.title_label(k, language)} for k in catalogue.title_kinds]
    elif kind == "yes_no":
        buttons = [button("buttons", "yes", language, label("buttons", "yes", language)),
                   button("buttons", "no", language, label("buttons", "no", language))]
    elif kind == "address":
        kwargs["area"] = extraction.f._office()["area_name"][language]
    elif field == "confirmed":
        kwargs["summary"] = summary_text(slots, language)
        buttons = [button("buttons", "submit", language, "/affirm"),
                   button("buttons", "change", language, "/correct_field"),
                   button("buttons", "cancel", language, "/cancel")]
    if concern is not None and concern.is_optional(field):
        buttons.append(button("buttons", "skip", language, "/skip"))
        if len(open_optional_fields(slots, concern)) > 1:
            # Skip the rest at once: the button sends its title, words of content/questions.yml (skip_rest).
            buttons.append(button("buttons", "skip_rest", language, label("buttons", "skip_rest", language)))
    dispatcher.utter_message(response=f"utter_ask_{field}", buttons=buttons or None, **kwargs)


# One ask action per question; rasa-sdk registers instances found at module level.
def _ask_action_class(field: str) -> type[Action]:
    return type(f"ActionAsk_{field}", (ActionAskField,), {"field": field, "__module__": __name__})


for _field in ("concern", *(spec.id for spec in FIELDS), "confirmed"):
    globals()[f"ActionAsk_{_field}"] = _ask_action_class(_field)
del _field
