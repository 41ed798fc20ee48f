"""The benchmark suite against real services: clamd, the backend on SQLite/PostgreSQL, the stack."""

from __future__ import annotations

import psycopg
import pytest

from bench import turns
from bench.submissions import POSTGRES_ADMIN_URL, bench_database, postgres_database
from bench.uploads import payload, raw_instream
from tests.scanning.samples import EICAR


def test_raw_instream_times_a_clean_scan_and_refuses_a_virus(clamd):
    data = payload(50_000)
    assert len(data) == 50_000 and data.startswith(b"%PDF")
    assert raw_instream(clamd.clamd_socket, data) > 0
    with pytest.raises(RuntimeError):
        raw_instream(clamd.clamd_socket, EICAR)


def test_submissions_on_sqlite_create_cases(tmp_path):
    result = bench_database(tmp_path, f"sqlite:///{tmp_path / 'backend.sqlite3'}", count=2, concurrencies=(1, 2))
    assert result["1"]["failures"] == 0 and result["2"]["failures"] == 0
    assert result["1"]["n"] == 2 and result["2"]["per_s"] > 0


@pytest.mark.postgres
def test_postgres_database_is_dropped_afterwards():
    try:
        with postgres_database() as url:
            name = url.rsplit("/", 1)[1]
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable: {error}")
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None


def test_turn_bench_runs_scripts_side_by_side_through_rasa_and_the_gateway(stack, monkeypatch):
    monkeypatch.setenv("INTAKE_RASA_TOKEN", stack.settings.rasa_token)  # /model/parse needs it
    sides = {"rasa_rest": stack.rasa_url, "gateway": stack.gateway_url}
    result = turns.single(sides, stack.rasa_url, rounds=1)
    for side in ("model_parse", "rasa_rest", "gateway"):
        assert result[side]["failures"] == 0
        assert result[side]["general"]["n"] == 2 and result[side]["enquiry"]["n"] == 4
    both = turns.concurrent(stack.gateway_url, 2)
    assert both["n"] == 2 * len(turns.SCRIPTS["de"]) and both["failures"] == 0 and both["enquiry"]["n"] == 8


def test_backends_compared_side_by_side_get_every_pdf_when_asked(tmp_path):
    from bench.submissions import compare_sides
    from bot.config import PROJECT_ROOT

    sides = [("thread", PROJECT_ROOT, 0), ("process", PROJECT_ROOT, 1)]
    result = compare_sides(tmp_path, sides, count=3, rounds=1, concurrencies=(2,), fetches=("immediately",))
    for label in ("thread", "process"):
        [run] = result[label]["runs"]
        measured = run["immediately"]["2"]
        assert measured["failures"] == 0 and measured["pdf"]["n"] == 3 and measured["fetch"] == "immediately"
        assert result[label]["median"]["immediately 2 pdfs_per_s"] > 0 and len(run["load"]) == 2
    assert result["thread"]["ratio_to_thread"]["immediately 2 per_s"] == 1.0
