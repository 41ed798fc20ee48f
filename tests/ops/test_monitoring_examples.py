"""The example Prometheus configuration and alert rules in deploy/monitoring/ are valid,
and the alerts fire on the situations they name (promtool's rule unit tests)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

MONITORING = PROJECT_ROOT / "deploy" / "monitoring"
PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian's prometheus) is not installed")

RULE_TESTS = """
rule_files: [{rules}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'intake_outbox_oldest_age_seconds{{job="actions", instance="a1"}}'
        values: '0 0 300 700 760 820'
      - series: 'intake_ready_check{{job="gateway", instance="g1", check="clamd"}}'
        values: '1 0 0 0 0 0'
      - series: 'intake_http_requests_total{{job="backend", status="200"}}'
        values: '0+100x30'
      - series: 'intake_http_requests_total{{job="backend", status="503"}}'
        values: '0+10x30'
    alert_rule_test:
      - eval_time: 5m
        alertname: IntakeOutboxStuck
        exp_alerts:
          - exp_labels: {{severity: page}}
            exp_annotations: {{summary: "Oldest waiting submission is 13m 40s old: is the backend reachable?"}}
      - eval_time: 2m
        alertname: IntakeOutboxStuck
        exp_alerts: []
      - eval_time: 4m
        alertname: IntakeClamdDown
        exp_alerts:
          - exp_labels: {{severity: page, instance: g1}}
            exp_annotations:
              summary: "clamd does not answer on g1: uploads are refused (clients are told to retry)"
      - eval_time: 25m
        alertname: IntakeHighErrorRate
        exp_alerts:
          - exp_labels: {{severity: page, job: backend}}
            exp_annotations: {{summary: "backend answers 9.091% of requests with 5xx"}}
"""


def promtool(*args: str, cwd: Path = MONITORING) -> subprocess.CompletedProcess:
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_alert_rules_are_valid_and_fire_when_they_should(tmp_path):
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = tmp_path / "alerts_test.yml"
    tests.write_text(RULE_TESTS.format(rules=MONITORING / "alerts.yml"))
    result = promtool("test", "rules", str(tests), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_prometheus_configuration_is_valid(tmp_path):
    token = tmp_path / "token"
    token.write_text("example")
    config = (MONITORING / "prometheus.yml").read_text().replace("/etc/prometheus/intake-metrics-token", str(token))
    (tmp_path / "prometheus.yml").write_text(config)
    shutil.copy(MONITORING / "alerts.yml", tmp_path / "alerts.yml")
    result = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dashboard_only_uses_metrics_the_services_define():
    from bot.ops import action_server, metrics  # noqa: F401 (registers every metric)
    from prometheus_client import REGISTRY

    names = {sample_name for family in REGISTRY.collect() for sample_name in
             [family.name, f"{family.name}_total", f"{family.name}_bucket"]}
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    used = {word for panel in dashboard["panels"] for target in panel["targets"]
            for word in __import__("re").findall(r"intake_[a-z_]+", target["expr"])}
    assert used and used <= names, used - names
