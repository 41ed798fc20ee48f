"""The conversation model: each client turn becomes a list of commands, applied in order.

Plain Python, testable without Rasa (tests/dialogue/):
  vocabulary  the words of content/questions.yml, matched with umlauts folded and one typo
  frame       the question frame carried across turns (topic, matter, title, person, age)
  understand  turn (Rasa parse + context) -> commands, a pure function; inside the form also
              skip, back, correct, cancel, puzzled (the form's parsers only say what the text could be)
  compose     the answer to one question frame, from the facts of content/knowledge.yml
  executor    applies the commands in order: replies, the new frame, whether the form starts;
              inside the form the moves as slot changes (execute_in_form)
The Rasa actions (actions/converse.py, actions/enquiry_form.py) only translate to and from Rasa.
"""
