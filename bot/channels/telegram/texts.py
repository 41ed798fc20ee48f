"""The bridge's own texts (everything else comes from the assistant), in German and English."""

from __future__ import annotations

# Sent to the assistant when someone presses Start, so it greets in the right language.
GREETING = {"de": "Hallo", "en": "Hello"}

TEXTS: dict[str, dict[str, str]] = {
    "unavailable": {
        "de": "Entschuldigung, der Assistent ist gerade nicht erreichbar. "
        "Bitte versuchen Sie es in einigen Minuten noch einmal.",
        "en": "Sorry, the assistant is not reachable right now. "
        "Please try again in a few minutes.",
    },
    "pdf_pending": {
        "de": "Ihre Eingangsbestätigung wird gerade erstellt. Bitte fragen Sie in einem Moment "
        "noch einmal danach: /confirmation",
        "en": "Your confirmation of receipt is being prepared. Please ask for it again in a moment: "
        "/confirmation",
    },
    "unsupported": {
        "de": "Ich kann Text, PDF-Dateien und Fotos lesen, aber keine anderen Nachrichten.",
        "en": "I can read text, PDF files and photos, but no other kinds of message.",
    },
    "file_too_large": {
        "de": "Diese Datei ist zu groß. Erlaubt sind höchstens {limit_mb} MB pro Datei.",
        "en": "This file is too large. Each file may have at most {limit_mb} MB.",
    },
    "file_refused": {
        "de": "Diese Datei konnte ich nicht annehmen. Bitte senden Sie ein PDF, JPG oder PNG.",
        "en": "I could not accept this file. Please send a PDF, JPG or PNG.",
    },
    "button_expired": {
        "de": "Diese Auswahl ist nicht mehr gültig. Bitte antworten Sie mit einer Nachricht.",
        "en": "This choice is no longer valid. Please answer with a message.",
    },
    "choose": {
        "de": "Bitte wählen Sie:",
        "en": "Please choose:",
    },
    "choose_language": {
        "de": "In welcher Sprache möchten Sie schreiben?",
        "en": "Which language would you like to write in?",
    },
    "private_only": {
        "de": "Bitte schreiben Sie mir in einem privaten Chat, nicht in einer Gruppe.",
        "en": "Please write to me in a private chat, not in a group.",
    },
}


# The command menu (set_my_commands), per language: command -> description (max. 256 chars).
COMMANDS: dict[str, dict[str, str]] = {
    "de": {
        "start": "Gespräch beginnen",
        "help": "Was der Assistent kann",
        "cancel": "Aktuelles Anliegen abbrechen (Angaben werden gelöscht)",
        "language": "Sprache wechseln (Deutsch/English)",
        "confirmation": "Meine Eingangsbestätigung erneut senden",
    },
    "en": {
        "start": "Start the conversation",
        "help": "What the assistant can do",
        "cancel": "Cancel the current enquiry (your details are deleted)",
        "language": "Change the language (Deutsch/English)",
        "confirmation": "Send my confirmation of receipt again",
    },
}
# The language buttons of /language: title -> message the assistant understands as a switch.
LANGUAGE_CHOICES = [("Deutsch", "bitte auf Deutsch"), ("English", "in English please")]


def text(key: str, language: str, **values: object) -> str:
    """One text in the given language."""
    return TEXTS[key][language].format(**values)


def both(key: str, **values: object) -> str:
    """One text in German and English, for moments when the language may be unknown."""
    return f"{text(key, 'de', **values)}\n\n{text(key, 'en', **values)}"


def language_of(language_code: str | None) -> str:
    """The assistant's language for a Telegram user's language_code (de* -> de, else en)."""
    return "de" if (language_code or "").lower().startswith("de") else "en"
