"""Our clamd: config with fail-closed limits, start until PING, stop by PID, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.scanning.clamd_process import ClamdError, ClamdLimits, ClamdProcess, ping


def test_start_answers_ping_and_stop_removes_socket(tmp_path):
    process = ClamdProcess.from_settings(Settings(var_dir=tmp_path))
    with process:
        assert process.is_running()
        assert process.startup_s is not None and process.startup_s < 10
        assert process.socket_path == tmp_path / "run" / "clamd.sock"
        pid = process.pid
    assert not process.is_running()
    assert not ping(process.socket_path)
    assert not process.socket_path.exists()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_config_fails_closed_and_listens_on_the_socket_only(tmp_path):
    process = ClamdProcess.from_settings(Settings(var_dir=tmp_path))
    config = process.write_config().read_text()
    assert "AlertExceedsMax yes" in config
    assert f"LocalSocket {tmp_path / 'run' / 'clamd.sock'}" in config
    assert "TCPSocket" not in config
    limits = ClamdLimits.for_uploads(Settings().upload_max_file_bytes)
    assert limits.stream_max_bytes > Settings().upload_max_file_bytes
    # A member over MaxFileSize would be truncated and reported OK unless MaxScanSize alerts first.
    assert limits.max_file_bytes >= limits.max_scan_bytes


def test_missing_binary_says_how_to_install(tmp_path):
    process = ClamdProcess.from_settings(Settings(var_dir=tmp_path))
    process.binary = tmp_path / "no-clamd"
    with pytest.raises(ClamdError, match="apt-get install clamav-daemon"):
        process.start()


def test_no_signatures_is_an_error_with_clamd_s_reason(tmp_path):
    empty = tmp_path / "empty-db"
    empty.mkdir()
    process = ClamdProcess.from_settings(Settings(var_dir=tmp_path, clamd_database_dir=empty))
    with pytest.raises(ClamdError, match="(?i)database"):
        process.start(timeout=20)
    assert not process.is_running()


def test_second_daemon_on_a_live_socket_is_refused(own_clamd):
    other = ClamdProcess(
        socket_path=own_clamd.socket_path, database_dir=own_clamd.database_dir,
        run_dir=own_clamd.run_dir.parent / "other", limits=own_clamd.limits,
    )
    with pytest.raises(ClamdError, match="already answers"):
        other.start()
    assert own_clamd.is_running()


def test_restart_after_stop(own_clamd):
    own_clamd.stop()
    assert not own_clamd.is_running()
    own_clamd.start()
    assert own_clamd.is_running()


def test_bench_reports_both_paths():
    from bot.scanning.bench import bench_upload

    report = bench_upload(sizes=(200_000,), repeats=1)
    entry = report["sizes"][200_000]
    assert entry["accept_upload"]["median_ms"] > 0 and entry["raw_instream"]["median_ms"] > 0
    assert entry["ratio_upload_to_raw"] > 0
    assert {"list", "scan", "store"} <= entry["accept_upload_steps_median_ms"].keys()
