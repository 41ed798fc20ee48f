"""A render benchmark for the benchmark suite: ``bench_render(n)`` -> timings in ms."""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timezone

from bot.confirmation.fiktion import FiktionDecision
from bot.confirmation.pdf import ConfirmationData, particulars_apart, render_confirmation


def sample_data(**overrides: object) -> ConfirmationData:
    """A realistic confirmation (fictitious person) for benchmarks and previews."""
    values: dict = dict(
        case_number="E4-2026-000123", unit="E4", language="de",
        received_at=datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc),
        given_names="Anna", family_name="Beispiel", date_of_birth=date(1990, 5, 17), nationality="UKR",
        concern_label_de="Verlängerung einer Aufenthaltserlaubnis oder Blauen Karte",
        concern_label_en="Extension of a residence permit or Blue Card",
        attachments=[("reisepass.pdf", "a" * 64), ("arbeitsvertrag.pdf", "b" * 64)],
        verification_code="K7Q2-M9XW-4TPA", verify_url="https://lea.example/verify/K7Q2-M9XW-4TPA",
        fiktion=FiktionDecision(True, "applies"), title_kind="residence_permit", title_expiry=date(2026, 4, 30),
    )
    values.update(overrides)
    return ConfirmationData(**particulars_apart(values))


def bench_render(n: int = 50) -> dict:
    """Render the sample confirmation ``n`` times; median and p95 in milliseconds."""
    data = sample_data()
    render_confirmation(data)  # fonts parsed and caches warm, as in a running backend
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        render_confirmation(data)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"n": n, "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[min(n - 1, int(n * 0.95))], 2), "max_ms": round(timings[-1], 2)}
