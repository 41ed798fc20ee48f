"""The staff console: sign-in, learn from failed messages, edit, check, train, go live, unit inbox.

Started by `make run` on 127.0.0.1:INTAKE_CONSOLE_PORT (8090); accounts by
`python -m bot.console users add ...`. See docs/STAFF-GUIDE.md.
"""
