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
