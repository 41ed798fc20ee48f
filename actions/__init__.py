"""The action server: forms, validation, submission, uploads and answers.

rasa-sdk registers every action class found in the submodules of this package.
"""

from bot.logsafety import quiet_libraries

# The backend client's httpx would log URLs (conversation ids, tokens) at INFO.
quiet_libraries()
