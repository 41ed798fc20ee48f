"""The benchmark suite's own code paths, fast and without timing assertions."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import time

import pytest
import yaml

from bench.pipelines import held_out, to_raw, write_config
from bench.procs import descendants, rss_kib, tree_rss_mib
from bench import turns
from bench.profiles import action_call, top_frames
from bench.report import machine, table, targets
from bench.turns import growth_summary
from bench.stats import percentile, ratio, summary_ms
from bench.thresholds import RawPrediction, best_setting, outcome, replay, sweep


def test_percentile_uses_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7.0


def test_summary_is_in_milliseconds():
    summary = summary_ms([0.010, 0.020, 0.030])
    assert summary == {"n": 3, "p50_ms": 20.0, "p95_ms": 30.0, "max_ms": 30.0}
    assert ratio(30, 10) == 3.0


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def test_rss_counts_the_whole_process_tree():
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"], start_new_session=True)
    try:
        for _ in range(100):  # the shell needs a moment to fork its children and they to exec `sleep`
            # (a forked child has the shell's memory until its exec: measured then, the sums differ)
            if len(descendants(parent.pid)) == 3 and all(_command(pid) == "sleep" for pid in descendants(parent.pid)[1:]):
                break
            time.sleep(0.05)
        tree = descendants(parent.pid)
        assert len(tree) == 3 and tree[0] == parent.pid
        assert abs(tree_rss_mib(parent.pid) * 1024 - sum(rss_kib(pid) for pid in tree)) < 0.1 * 1024
        assert tree_rss_mib(parent.pid) * 1024 > rss_kib(parent.pid)
    finally:
        os.killpg(parent.pid, 9)
        parent.wait()
    assert rss_kib(parent.pid) == 0


def _prediction(expected, raw, confidence, second=0.0):
    return RawPrediction(expected, "text", raw, raw, confidence, second)


def test_fallback_replay_follows_rasa_rules():
    assert replay(_prediction("greet", "greet", 0.29), 0.3, 0.0) == "nlu_fallback"
    assert replay(_prediction("greet", "greet", 0.6, 0.59), 0.3, 0.02) == "nlu_fallback"
    assert replay(_prediction("greet", "greet", 0.6, 0.5), 0.3, 0.02) == "greet"
    assert outcome(_prediction("out_of_scope", "greet", 0.2), "nlu_fallback") == "right"
    assert outcome(_prediction("greet", "thank", 0.9), "thank") == "wrong"
    assert outcome(_prediction("greet", "greet", 0.2), "nlu_fallback") == "fallback"


def test_sweep_prefers_the_threshold_that_removes_wrong_answers():
    predictions = {"de": [_prediction("greet", "greet", 0.9), _prediction("greet", "thank", 0.2),
                          _prediction("out_of_scope", "greet", 0.25)]}
    best = best_setting(sweep(predictions))
    assert 0.25 < best["threshold"] <= 0.9
    assert best["languages"]["de"]["wrong"] == 0.0
    assert best["languages"]["de"]["out_of_scope_caught"] == 1.0


def test_config_and_parse_results_are_read_as_rasa_writes_them(tmp_path):
    config = yaml.safe_load(write_config(tmp_path, [{"name": "WhitespaceTokenizer"}]).read_text())
    assert config["pipeline"][-1]["name"] == "FallbackClassifier"
    parsed = {"intent": {"name": "nlu_fallback", "confidence": 0.3},
              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "greet", "confidence": 0.25},
                                 {"name": "thank", "confidence": 0.2}]}
    raw = to_raw("greet", "hallo", parsed)
    assert (raw.final, raw.raw, raw.confidence, raw.second) == ("nlu_fallback", "greet", 0.25, 0.2)


def test_held_out_messages_of_both_languages_are_read():
    for language in ("de", "en"):
        pairs = held_out(language)
        assert len(pairs) > 100
        assert any(intent == "out_of_scope" for intent, _ in pairs)


def test_table_names_every_section_and_failures():
    report = {
        "machine": machine(), "errors": {"uploads": "RuntimeError: clamd gone"},
        "training": {"train_s": 30.0, "model_mib": 5.0}, "startup_s": {"rasa": 20.0},
        "rss_idle_mib": {"rasa": 600.0, "total": 600.0},
        "single": {"model_parse": {"general": {"p50_ms": 8, "p95_ms": 12, "n": 4}},
                   "gateway": {"general": {"p50_ms": 80, "p95_ms": 120, "n": 4}}},
        "concurrent": {"gateway": {"concurrency": 20, "p50_ms": 300, "p95_ms": 450, "per_s": 12, "failures": 0}},
        "growth": {"gateway": {"turn_10": {"p50_ms": 80}, "late_turn": 205, "late": {"p50_ms": 88}, "ratio_p50": 1.1}},
        "pdf": {"median_ms": 300, "p95_ms": 350, "n": 3},
        "submissions": {"sqlite": {"start_s": 2, "1": {"per_s": 2, "p50_ms": 400, "p95_ms": 500, "failures": 0,
                                                       "pdf": {"p50_ms": 100, "p95_ms": 150}}},
                        "postgresql": {"skipped": "OperationalError: refused"}},
    }
    text = table(report)
    for expected in ("uploads: FAILED", "rasa train", "start to ready: rasa", "general turn, gateway",
                     "10.0x parse", "20 concurrent, gateway", "growth, gateway", "ratio 1.1", "confirmation PDF",
                     "submissions sqlite, 1 concurrent", "PDF p50 100 ms", "skipped: OperationalError",
                     "| general question / parse (p50) | 10.0 | <= 3x | **no** |",
                     "| turn 200 / turn 10 (p50) | 1.1 | <= 1.2 | yes |", "| training (s) | 30.0 | <= 30 | yes |",
                     "| start to ready, cached model (s) | - | <= 10 | - |"):
        assert expected in text


def test_intake_steps_are_read_from_the_gateway_log(tmp_path):
    from bench.uploads import intake_steps

    log = tmp_path / "gateway.log"
    old = "2026-01-01 INFO bot.scanning.intake: upload outcome=accepted size=100 declared_matches=True " \
          "timings_ms={'list': 9.0, 'scan': 90.0, 'store': 9.0, 'total': 120.0}\n"
    log.write_text(old)
    offset = log.stat().st_size
    with open(log, "a") as handle:
        for scan in (10.0, 20.0, 30.0):
            handle.write(old.replace("'scan': 90.0", f"'scan': {scan}"))
        handle.write(old.replace("size=100 ", "size=200 "))
        handle.write("2026-01-01 INFO bot.scanning.intake: upload outcome=infected size=100 declared_matches=True "
                     "timings_ms={'scan': 500.0}\n")
    steps = intake_steps(log, offset, 100)
    assert steps == {"list": 9.0, "scan": 20.0, "store": 9.0, "total": 120.0}
    assert intake_steps(tmp_path / "missing.log", 0, 100) == {}


def test_snapshot_freezes_the_data_every_candidate_sees(tmp_path):
    from bench.pipelines import snapshot

    first = snapshot(tmp_path / "one")
    assert (tmp_path / "one" / "data" / "nlu").is_dir()
    assert held_out("de", tmp_path / "one") == held_out("de")
    (tmp_path / "one" / "tests" / "nlu" / "de.yml").write_text("nlu: []\n")
    assert held_out("de", tmp_path / "one") == []
    assert snapshot(tmp_path / "two") == first


def test_markdown_has_a_row_per_candidate_and_language():
    from bench.pipelines import markdown

    quality = {"messages": 10, "accuracy": 0.9, "macro_f1": 0.88, "in_scope_fallback_rate": 0.1,
               "out_of_scope_caught_rate": 0.5, "out_of_scope_messages": 2}
    result = {"name": "lr", "train_s": 20, "start_s": 12, "rss_after_parsing_mib": 570,
              "parse": {"p50_ms": 5, "p95_ms": 9}, "quality": {"de": quality, "en": quality},
              "best_fallback": {"threshold": 0.3, "ambiguity_threshold": 0.02, "cost": 0.06, "summary": "s"}}
    text = markdown([result])
    assert "| lr | 20 | 12 | 570 | 5 / 9 | de | 90.0 % | 0.880 | 10.0 % | 50.0 % (of 2) |" in text
    assert "| lr | 0.3 | 0.02 | 0.06 | s |" in text


def test_growth_compares_turn_10_with_the_last_turns():
    latencies = [0.010] * 15 + [0.020] * 185 + [0.012] * 10
    summary = growth_summary(latencies)
    assert summary["turns"] == 210 and summary["late_turn"] == 205
    assert summary["turn_10"]["p50_ms"] == 10.0 and summary["late"]["p50_ms"] == 12.0
    assert summary["ratio_p50"] == 1.2


def test_every_target_is_listed_and_judged_only_when_measured():
    report = {"single": {"model_parse": {"general": {"p50_ms": 10}, "enquiry": {"p50_ms": 10}},
                         "stock_parse": {"general": {"p50_ms": 20}},
                         "gateway": {"general": {"p50_ms": 25}, "enquiry": {"p50_ms": 60}}},
              "concurrent": {"gateway": {"p95_ms": 400, "per_s": 30}, "bare_rest": {"per_s": 40}},
              "submissions": {"sqlite": {"8": {"per_s": 12.5}}}}
    judged = {entry["target"]: (entry["measured"], entry["met"]) for entry in targets(report)}
    assert judged["general question / parse (p50)"] == (2.5, True)
    assert judged["(reference) general question / stock Rasa's parse (p50)"] == (1.25, True)
    assert judged["enquiry turn / parse (p50)"] == (6.0, False)
    assert judged["20 concurrent enquiries p95 (ms)"] == (400, True)
    assert judged["20 concurrent turns/s, gateway / stock Rasa"] == (0.75, False)
    assert judged["submissions/s (receipts), SQLite, 8 clients"] == (12.5, True)
    assert judged["the same until every PDF was fetched (/s)"] == (None, None)
    assert judged["turn 200 / turn 10 (p50)"] == (None, None) and len(judged) == 10


def test_top_frames_rank_functions_by_their_own_time():
    from pyinstrument import Profiler

    def busy():
        total = 0
        for number in range(300_000):
            total += number * number
        return total

    profiler = Profiler(interval=0.0005)
    profiler.start()
    busy()
    profiler.stop()
    top = top_frames(profiler, limit=3)
    assert top and any("busy" in entry["function"] for entry in top)
    assert all(0 <= entry["share"] <= 1 for entry in top)


def test_an_action_call_carries_tracker_and_domain_like_rasa_sends_it():
    call = action_call("action_answer_question", "conv", {"events": []}, {"actions": []})
    assert set(call) == {"next_action", "sender_id", "tracker", "domain", "version"}
    assert turns.rest_body("s", "hi", "en")["metadata"] == {"channel": "rest", "language": "en"}
    assert turns.webhook("http://x") == "http://x/webhooks/rest/webhook"


def test_round_trips_count_actions_form_validation_and_custom_asks(monkeypatch):
    from bench import profiles

    listen = {"event": "action", "name": "action_listen"}
    turn = [{"event": "user"}]
    events = (turn + [{"event": "action", "name": "utter_greet"}, listen]  # greeting: none
              + turn + [{"event": "action", "name": "action_answer_question"}, listen]  # general: 1
              + turn + [{"event": "action", "name": "action_answer_question"}, listen]
              + turn + [{"event": "action", "name": "enquiry_form"},  # validate + custom ask
                        {"event": "slot", "name": "requested_slot", "value": "purpose"}, listen]
              + turn + [{"event": "action", "name": "enquiry_form"},  # validate + ask by response
                        {"event": "slot", "name": "requested_slot", "value": "given_names"}, listen]
              + turn + [{"event": "action", "name": "enquiry_form"}, listen]
              + turn + [{"event": "action", "name": "enquiry_form"},  # validate, prepared question sent
                        {"event": "slot", "name": "requested_slot", "value": "purpose"},
                        {"event": "slot", "name": "prepared_question", "value": {"field": "purpose"}},
                        {"event": "bot"}, {"event": "slot", "name": "prepared_question", "value": None}, listen])
    monkeypatch.setattr(profiles, "talk", lambda *args: None)
    monkeypatch.setattr(profiles, "tracker", lambda *args: {"events": events})
    monkeypatch.setattr(profiles, "domain", lambda *args: {
        "actions": ["action_answer_question", "validate_enquiry_form", "action_ask_purpose"],
        "forms": {"enquiry_form": {}}})
    counted = profiles.round_trips("http://rasa")
    assert counted["greet"]["per_turn"] == [0]
    assert counted["general"]["per_turn"] == [1, 1]
    assert counted["enquiry"]["per_turn"] == [2, 1, 1, 1] and counted["enquiry"]["max"] == 2


def test_profile_posts_show_the_product_rasa_and_action_server_their_tokens(monkeypatch):
    """The product's Rasa answers its REST channel only with X-Intake-Rasa-Token and the
    action server only calls with X-Intake-Action-Token: the profile stage sends both
    (it stopped at a 401 on 2026-12-02)."""
    import httpx

    from bench import profiles

    seen: list[tuple[str, str | None, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("X-Intake-Rasa-Token"),
                     request.headers.get("X-Intake-Action-Token")))
        return httpx.Response(200, json=[])

    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kwargs: real_client(transport=httpx.MockTransport(answer), **kwargs))
    monkeypatch.setenv("INTAKE_RASA_TOKEN", "rasa-token-for-the-test")
    profiles.talk("http://rasa", "sender", ["Hallo", "Danke"])
    assert seen == [("/webhooks/rest/webhook", "rasa-token-for-the-test", None)] * 2
    assert turns.rest_headers("") == {} and turns.rest_headers("t") == {"X-Intake-Rasa-Token": "t"}

    seen.clear()
    monkeypatch.setattr(profiles, "talk", lambda *args: None)
    monkeypatch.setattr(profiles, "tracker", lambda *args: {"events": []})
    monkeypatch.setattr(profiles, "domain", lambda *args: {"actions": []})
    profiles.action_call_growth("http://rasa", "http://actions", repeats=1, actions_token="actions-token")
    assert seen == [("/webhook", None, "actions-token")] * 2


def test_sides_are_label_checkout_and_optional_render_processes(tmp_path):
    from bench.submissions import parse_side

    assert parse_side(f"before={tmp_path}:1") == ("before", tmp_path, 1)
    assert parse_side(f"after={tmp_path}") == ("after", tmp_path, None)
    with pytest.raises(ValueError):
        parse_side("no-path")


def test_comparison_reports_medians_and_ratios_to_the_first_side():
    from bench.submissions import _medians, comparison_table

    def run(receipts, pdfs, cpu, load):
        entry = {"per_s": receipts, "pdfs_per_s": pdfs, "backend_cpu_ms_per_case": cpu,
                 "backend_main_cpu_ms_per_case": cpu / 5, "failures": 0,
                 "pdf": {"p50_ms": 100, "p95_ms": 200}}
        return {"after": {"8": entry}, "load": load}

    results = {}
    for label, rates in (("before", [(20, 2, 90), (30, 3, 100), (25, 4, 110)]),
                         ("after", [(40, 8, 60), (50, 9, 50), (45, 10, 40)])):
        runs = [run(r, p, cpu, [5.0, 6.0]) for r, p, cpu in rates]
        results[label] = {"runs": runs, "median": _medians(runs, (8,), ("after",))}
    for label in results:
        results[label]["ratio_to_before"] = {k: round(v / results["before"]["median"][k], 2)
                                             for k, v in results[label]["median"].items()}
    assert results["after"]["median"] == {"after 8 per_s": 45, "after 8 pdfs_per_s": 9,
                                          "after 8 backend_cpu_ms_per_case": 50, "after 8 backend_main_cpu_ms_per_case": 10}
    text = comparison_table(results)
    assert "| after | after | 8 | 45 | 9 | 50 | 100 / 200 | 0 | 1.8, 3.0, 0.5 | 5.0-6.0, 5.0-6.0, 5.0-6.0 |" in text


def test_cpu_seconds_count_the_process_tree():
    from bench.procs import cpu_seconds, tree_cpu_seconds

    busy = subprocess.Popen(["sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
    busy.wait(timeout=60)
    assert cpu_seconds(busy.pid) == 0.0  # gone
    assert tree_cpu_seconds(os.getpid()) >= cpu_seconds(os.getpid()) > 0


def test_turn_sides_are_label_checkout_and_never_the_stock_rasa(tmp_path):
    from bench.sides import parse_turn_side

    assert parse_turn_side(f"main={tmp_path}") == ("main", tmp_path.resolve())
    for bad in ("main", "=/work/main", f"stock_rasa={tmp_path}"):
        with pytest.raises(ValueError):
            parse_turn_side(bad)


def test_turn_comparison_reports_cpu_per_turn_and_ratios_round_by_round():
    from bench.sides import cpu_per_turn, summarise, turns_table

    assert cpu_per_turn({"rasa": 1.0, "gateway": 0.5}, {"rasa": 1.2, "gateway": 0.54}, 10) == \
        {"rasa": 20.0, "gateway": 4.0, "total": 24.0}

    def side(general: float, parse: float, per_s: list[float], cpu: float | None) -> dict:
        single = {"samples": {"general": [general, general], "enquiry": [2 * general]},
                  "parse_samples": {"general": [parse], "enquiry": [parse]}, "failures": 0, "load": [1.0, 1.5]}
        concurrent = [{"p95_ms": 500.0, "p50_ms": 200.0, "per_s": rate, "failures": 0, "load": [1.5, 2.0]}
                      for rate in per_s]
        if cpu is not None:
            single["cpu_ms_per_turn"] = {"rasa": cpu, "total": cpu}
            for entry in concurrent:
                entry["cpu_ms_per_turn"] = {"rasa": cpu / 2, "total": cpu / 2}
        return {"single": [single], "concurrent": concurrent}

    summary = summarise({"main": side(0.040, 0.010, [10.0, 20.0], 30.0),
                         "stock_rasa": side(0.020, 0.010, [40.0, 40.0], 20.0)})
    main = summary["main"]
    assert main["general_p50_ms"] == 40.0 and main["general_x_parse"] == 4.0 and main["enquiry_x_parse"] == 8.0
    assert main["concurrent_x_stock_per_s"] == [0.25, 0.5]
    assert main["single_cpu_ms_per_turn"] == {"rasa": 30.0, "total": 30.0}
    assert main["concurrent_cpu_ms_per_turn"]["rasa"] == 15.0 and main["load"] == [1.0, 2.0]
    assert summary["stock_rasa"]["single_cpu_ms_per_turn"] == {"rasa": 20.0, "total": 20.0}
    table = turns_table({"results": summary})
    assert "| main | 40.0 ms (4.0×)" in table and "10.0 (0.25), 20.0 (0.5)" in table and "| stock_rasa |" in table


def test_spy_summary_counts_a_sample_once_per_part_and_ranks_own_time(tmp_path):
    from bench.spy import read_raw, summarise

    raw = tmp_path / "raw.txt"
    raw.write_text("main (x.py);handle_message (rasa/core/processor.py);parse_message (rasa/core/processor.py);dot (np) 6\n"
                   "main (x.py);handle_message (rasa/core/processor.py);run (rasa/core/actions/action.py);dumps (json/) 3\n"
                   "main (x.py);select (selectors.py) 1\n"
                   "not a stack line\n")
    stacks = read_raw(raw)
    assert sum(stacks.values()) == 10
    summary = summarise(stacks, [("whole", ("handle_message (rasa/core/processor.py",)),
                                 ("nlu", ("parse_message (rasa/core/processor.py",)),
                                 ("json", ("json/", "dumps (json")), ("absent", ("nowhere",))])
    assert summary["parts"] == {"whole": 0.9, "nlu": 0.6, "json": 0.3, "absent": 0.0}
    assert summary["own"][0] == {"function": "dot (np)", "share": 0.6}
    assert read_raw(tmp_path / "missing.txt") == {}


def test_training_sides_name_a_checkout_and_extra_rasa_train_options(tmp_path):
    from bench.training import parse_training_side, training_table

    assert parse_training_side(f"before={tmp_path}") == ("before", tmp_path.resolve(), ())
    assert parse_training_side(f"after={tmp_path}:--skip-validation,--quiet") == (
        "after", tmp_path.resolve(), ("--skip-validation", "--quiet"))
    with pytest.raises(ValueError):
        parse_training_side("no-checkout")
    results = {"before": {"options": [], "runs": [{"train_cpu_s": 60.0, "train_s": 61.0, "load_average": 0.5}],
                          "median_cpu_s": 60.0, "median_wall_s": 61.0, "cpu_ratio": 1.0},
               "after": {"options": ["--skip-validation"], "runs": [{"train_cpu_s": 30.0, "train_s": 31.0,
                                                                     "load_average": 0.7}],
                         "median_cpu_s": 30.0, "median_wall_s": 31.0, "cpu_ratio": 0.5}}
    rows = training_table(results).splitlines()
    assert rows[2].startswith("| before | – | 60.0 | 61.0 (0.5) |") and rows[3].endswith("| 0.5 |")
