"""Rasa sets the conversation's language itself: a policy in Rasa's own process.

Runs inside Rasa (its venv imports this project: PYTHONPATH in bot.runner.environment),
so a turn needs no round trip to the action server just to decide the language (issue 17:
`action_validate_slot_mappings` used to do it every turn, sending the whole tracker).
After each client message it decides with ``bot.language`` (the one source of the
language logic) and returns a ``SlotSet("language", ...)`` as a *mandatory* prediction
event: Rasa applies those before the predicted action runs, whichever policy wins, so
the first response of the turn is already in the right language. It never predicts an
action itself (all probabilities 0, lowest priority).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_speedups
from bot.language import language_after_message, language_words, normalise_language_code

LANGUAGE_SLOT = "language"

# Every Rasa that loads the product's model loads this module first: the action server's
# answers are validated with a schema checked once, not per call (bot/rasa_speedups.py).
rasa_speedups.install()
# The words of content/questions.yml the language decision reads, loaded with the model (not in
# the first client's turn); a change of them needs a restart of Rasa, no training.
language_words()


def language_event(tracker: DialogueStateTracker) -> List[SlotSet]:
    """A SlotSet when the latest client message changes the conversation's language."""
    message = tracker.latest_message
    if tracker.latest_action_name != ACTION_LISTEN_NAME or not isinstance(message, UserUttered):
        return []
    metadata = message.metadata or {}
    # Scanning back stops at the latest answer, so this is cheap in long conversations.
    answered_before = any(isinstance(event, BotUttered) for event in reversed(tracker.events))
    current = tracker.get_slot(LANGUAGE_SLOT)
    chosen = language_after_message(message.text or "", current, normalise_language_code(metadata.get("language")),
                                    answered_before)
    return [SlotSet(LANGUAGE_SLOT, chosen)] if chosen != current else []


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(Policy):
    """Sets the `language` slot after every client message; predicts no action."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 0}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain), events=language_event(tracker))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LanguagePolicy":
        return cls(config, model_storage, resource, execution_context)
