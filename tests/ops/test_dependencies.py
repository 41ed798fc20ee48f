"""The rasa/rasa-sdk pairing warning is silenced for exactly the documented pairing."""

from __future__ import annotations

import warnings

import pytest
from rasa_sdk.utils import check_version_compatibility

import bot.ops.action_server  # noqa: F401 (installs the filter, as the action server does)


def test_the_documented_pairing_is_quiet_and_any_other_still_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bot.ops.action_server.silence_known_pairing_warning()  # in front of "error"
        check_version_compatibility("3.6.21")
        with pytest.raises(UserWarning, match="might not be compatible"):
            check_version_compatibility("3.7.1")


def test_the_locks_hold_the_documented_pairing():
    """docs/DEPENDENCIES.md and the warning filter are about Rasa 3.6.x with rasa-sdk 3.21.x:
    a lock that moves either must come with a new check of the pairing and of that text."""
    from tests.ops.test_locks import lock_entries

    rasa_version = lock_entries("rasa.lock")["rasa"][0]
    sdk_version = lock_entries("app.lock")["rasa-sdk"][0]
    assert rasa_version.startswith("3.6."), rasa_version
    assert sdk_version.startswith("3.21."), sdk_version
    # rasa-sdk 3.6 is what Rasa 3.6 brings into its own environment; the action server uses 3.21.
    assert lock_entries("rasa.lock")["rasa-sdk"][0].startswith("3.6.")
    assert "rasa-sdk" not in lock_entries("dev.lock")
