"""The action server: forms, validation, submission, uploads and answers.

rasa-sdk registers every action class found in the submodules of this package.
"""
