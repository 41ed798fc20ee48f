"""Prometheus metrics of every service, scraped by Debian's real `prometheus` server, and
free of personal data and ids."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import httpx
import pytest

from bot.runner.environment import free_port
from tests.e2e.chat import Chat, minimal_pdf
from tests.faults.helpers import answer_until_summary, person, start_other_enquiry

pytestmark = pytest.mark.slow
PROMETHEUS = shutil.which("prometheus")
# Label values may only be words, route templates, concern ids, model fingerprints, numbers.
SAFE_LABEL_VALUE = re.compile(r"^[A-Za-z0-9_./{}<>+:-]{0,80}$")


def endpoints(stack) -> dict[str, str]:
    """Every /metrics of the running stack (the Telegram bridge is tested in test_health)."""
    return {"gateway": f"{stack.gateway_url}/metrics", "backend": f"{stack.backend_url}/metrics",
            "actions": f"{stack.actions_url}/metrics"}


def scrape(stack, service: str) -> str:
    response = httpx.get(endpoints(stack)[service], timeout=10,
                         headers={"Authorization": f"Bearer {stack.settings.metrics_token}"})
    assert response.status_code == 200, response.text
    return response.text


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    """(name, labels, value) of every sample line."""
    from prometheus_client.parser import text_string_to_metric_families

    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples]


def value(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of one metric whose labels include the given ones."""
    return sum(v for n, ls, v in samples(text) if n == name and all(ls.get(k) == x for k, x in labels.items()))


@pytest.fixture(scope="module")
def activity(stack):
    """One submitted enquiry, one abandoned, a fallback and an upload: what the metrics count."""
    answers = person("Metrics")
    chat = Chat(stack.gateway_url, language="en")
    start_other_enquiry(chat)
    upload = chat.upload("Quellmann-Pass.pdf", minimal_pdf("metrics"))
    assert upload["accepted"], upload
    answer_until_summary(chat, answers)
    chat.press("send it")
    leaving = Chat(stack.gateway_url, language="de")
    leaving.say("/enquiry_other")
    assert "Wie heißen Sie" in leaving.text, leaving.text
    leaving.say("abbrechen")
    lost = Chat(stack.gateway_url, language="en")
    for nonsense in ("blorp", "zzzz zzzz", "???", "qqq xq"):  # below the NLU's fallback threshold
        lost.say(nonsense)
    return {"answers": answers, "senders": [chat.sender, leaving.sender, lost.sender]}


def test_metrics_need_the_token(stack):
    for url in endpoints(stack).values():
        assert httpx.get(url, timeout=10).status_code == 401
        assert httpx.get(url, timeout=10, headers={"Authorization": "Bearer wrong"}).status_code == 401
        # The internal service token is not the metrics token.
        assert httpx.get(url, timeout=10, headers={
            "Authorization": f"Bearer {stack.settings.internal_token}"}).status_code == 401


def test_each_service_counts_what_happened(stack, activity):
    gateway, backend, actions = (scrape(stack, name) for name in ("gateway", "backend", "actions"))
    assert value(gateway, "intake_turns_total", channel="rest", outcome="answered") >= 8
    assert value(gateway, "intake_turn_duration_seconds_count", channel="rest") >= 8
    assert value(gateway, "intake_uploads_total", verdict="accepted") >= 1
    assert value(gateway, "intake_scan_duration_seconds_count") >= 1
    assert value(gateway, "intake_http_requests_total", route="/webhooks/rest/webhook", status="200") >= 8
    assert value(gateway, "intake_http_request_duration_seconds_count", route="/api/uploads") >= 1
    assert any(n == "intake_model_info" and v == 1 for n, _, v in samples(gateway)), "model version missing"

    assert value(actions, "intake_enquiries_total", event="started", concern="other", language="en") >= 1
    assert value(actions, "intake_enquiries_total", event="submitted", concern="other", language="en") >= 1
    assert value(actions, "intake_enquiries_total", event="abandoned", concern="other", language="de") >= 1
    assert value(actions, "intake_submissions_total", outcome="stored") >= 1
    assert value(actions, "intake_fallbacks_total", language="en") >= 1
    assert value(actions, "intake_actions_total", action="action_submit_enquiry", outcome="ok") >= 1
    assert "intake_outbox_depth" in actions and "intake_outbox_oldest_age_seconds" in actions

    assert value(backend, "intake_cases_stored_total", status="created") >= 1
    # The PDF is rendered after the case is committed (bot/backend/pdf_worker.py): give the
    # render processes a moment (seen once in a CI-style run: scraped before the first render).
    deadline = time.monotonic() + 30
    while value(backend, "intake_pdf_render_seconds_count") < 1 and time.monotonic() < deadline:
        time.sleep(0.5)
        backend = scrape(stack, "backend")
    assert value(backend, "intake_pdf_render_seconds_count") >= 1
    assert value(backend, "intake_http_requests_total", route="/internal/cases", method="POST") >= 1


def test_no_personal_data_or_ids_in_metrics(stack, activity):
    forbidden = [*activity["senders"], "Quellmann", "zofia", "14.07.1983", "Quellmann-Pass", "blorp", "qqq xq"]
    for service in endpoints(stack):
        text = scrape(stack, service)
        for word in forbidden:
            assert word.lower() not in text.lower(), f"{word!r} in {service}'s metrics"
        for name, labels, _ in samples(text):
            for label, label_value in labels.items():
                assert SAFE_LABEL_VALUE.match(label_value), f"{service} {name} {label}={label_value!r}"
                assert not re.search(r"[0-9a-f]{12,}", label_value) or name == "intake_model_info", \
                    f"an id-like label value in {service} {name}: {label}={label_value!r}"


@pytest.mark.skipif(PROMETHEUS is None, reason="Debian's prometheus is not installed (scripts/install.sh installs it)")
def test_a_real_prometheus_scrapes_every_service(stack, activity, tmp_path):
    token_file = tmp_path / "metrics-token"
    token_file.write_text(stack.settings.metrics_token)
    token_file.chmod(0o600)
    jobs = "".join(
        f"""
  - job_name: {name}
    scrape_interval: 1s
    authorization: {{type: Bearer, credentials_file: {token_file}}}
    static_configs: [{{targets: ["{url.split('//')[1].split('/')[0]}"]}}]
""" for name, url in endpoints(stack).items())
    config = tmp_path / "prometheus.yml"
    config.write_text(f"global: {{scrape_interval: 1s, evaluation_interval: 1s}}\nscrape_configs:{jobs}")
    port = free_port()
    server = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"),
    )
    api = f"http://127.0.0.1:{port}/api/v1/query"

    def query(expression: str) -> list[dict]:
        try:
            body = httpx.get(api, params={"query": expression}, timeout=5).json()
        except (httpx.HTTPError, ValueError):
            return []
        return body.get("data", {}).get("result", [])

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            up = {r["metric"]["job"]: r["value"][1] for r in query("up")}
            turns = query('sum(intake_turns_total{outcome="answered"})')
            # Over all turns since the start (a rate() would be 0, hence NaN, without new turns).
            p95 = query("histogram_quantile(0.95, sum by (le) (intake_turn_duration_seconds_bucket))")
            if up == {"gateway": "1", "backend": "1", "actions": "1"} and turns and p95:
                break
            time.sleep(0.5)
        assert up == {"gateway": "1", "backend": "1", "actions": "1"}, (tmp_path / "prometheus.log").read_text()[-2000:]
        assert float(turns[0]["value"][1]) >= 8
        submitted = query('sum by (concern, language) (intake_enquiries_total{event="submitted"})')
        assert {"concern": "other", "language": "en"} in [r["metric"] for r in submitted]
        assert p95 and p95[0]["value"][1] != "NaN", "no turn latency quantile"
    finally:
        server.terminate()
        server.wait(timeout=10)
