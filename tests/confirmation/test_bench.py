"""The render benchmark the benchmark suite calls."""

from __future__ import annotations

from bot.confirmation.bench import bench_render
from bot.confirmation.pdf import bench_render as bench_via_pdf


def test_bench_render_reports_milliseconds():
    result = bench_render(n=3)
    assert result["n"] == 3
    assert 0 < result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["median_ms"] < 5000  # a render that slow would stall the backend's submissions


def test_bench_is_reachable_from_the_pdf_module():
    assert bench_via_pdf(n=1)["n"] == 1
