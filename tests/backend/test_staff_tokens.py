"""Staff unit tokens: from the setting, or generated into a private file; only hashes kept."""

from __future__ import annotations

import json
import stat

import pytest

from bot.backend.security import StaffTokenError, hash_secret, load_staff_auth

UNITS = ["A2", "B1", "E-ZENTRAL"]


def test_tokens_from_the_setting_map_to_their_unit(tmp_path):
    auth = load_staff_auth(json.dumps({"A2": "a" * 32, "B1": "b" * 32}), tmp_path / "t.json", UNITS)
    assert (auth.unit_for("a" * 32), auth.unit_for("b" * 32), auth.unit_for("c" * 32)) == ("A2", "B1", None)
    assert not (tmp_path / "t.json").exists()
    assert "a" * 32 not in repr(vars(auth)) and hash_secret("a" * 32) in repr(vars(auth))


@pytest.mark.parametrize("configured, message", [
    ("{not json", "not valid JSON"),
    ('["a"]', "JSON object mapping unit to token"),
    (json.dumps({"Z9": "z" * 32}), "unit 'Z9'"),
    (json.dumps({"A2": "short"}), "shorter than 24"),
    (json.dumps({"A2": "s" * 32, "B1": "s" * 32}), "share a token"),
])
def test_bad_settings_are_refused_with_a_reason(tmp_path, configured, message):
    with pytest.raises(StaffTokenError, match=message):
        load_staff_auth(configured, tmp_path / "t.json", UNITS)


def test_without_the_setting_a_private_token_file_is_generated_once(tmp_path, capsys):
    path = tmp_path / "var" / "staff_tokens.json"
    first = load_staff_auth("", path, UNITS)
    tokens = json.loads(path.read_text())
    assert set(tokens) == set(UNITS) and all(len(t) >= 40 for t in tokens.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    printed = capsys.readouterr().out
    assert str(path) in printed and not any(t in printed for t in tokens.values())
    second = load_staff_auth("", path, UNITS)
    assert capsys.readouterr().out == ""  # nothing new: nothing printed
    assert first.unit_for(tokens["B1"]) == second.unit_for(tokens["B1"]) == "B1"
    load_staff_auth("", path, UNITS + ["E5"])  # a unit added to routing.yml gets a token too
    assert set(json.loads(path.read_text())) == set(UNITS) | {"E5"}
