"""The country profile's figures: the HTML profile, the PDF rendered and then
served from storage, and a public profile under 32 concurrent readers from the cache
against the bare Django view (gunicorn, 2 workers, wrk)."""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.figures import ROOT, _bench_users, _wrk

CYCLE = 2025
PORT = 8766


def _median_ms(client, url: str, repeat: int = 7) -> tuple[float, int, int]:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries), response.status_code


def _published(iso: str) -> None:
    from django.utils import timezone

    from assessments.models import Publication

    Publication.objects.update_or_create(
        country_id=iso,
        cycle=CYCLE,
        defaults={
            "audience": "public",
            "published_by": _bench_users(),
            "published_at": timezone.now(),
        },
    )


def _pdf_render(iso: str) -> list[dict]:
    from assessments import pdf

    started = time.perf_counter()
    pdf.render_and_store(iso, CYCLE, "full", "en")  # the first in the process: fonts loaded
    cold = time.perf_counter() - started
    warm = []
    for language in ("fr", "es"):
        started = time.perf_counter()
        pdf.render_and_store(iso, CYCLE, "full", language)
        warm.append(time.perf_counter() - started)
    return [
        {
            "name": "profile PDF rendered and stored, first in a process (s)",
            "value": f"{cold:.2f}",
            "goal": "< 10 s",
        },
        {
            "name": "profile PDF rendered and stored, next ones (s, fr and es)",
            "value": " / ".join(f"{t:.2f}" for t in warm),
            "goal": "< 10 s",
        },
    ]


def _serve(env: dict):
    return subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = subprocess.run(  # noqa: S603
            ["curl", "-sf", f"{base}/bench/constant/"],  # noqa: S607
            capture_output=True,
        )
        if done.returncode == 0:
            return
        time.sleep(0.5)


def _public_load(iso: str, storage_root: str) -> list[dict]:
    import shutil

    if not shutil.which("wrk"):
        return [{"name": "public profile throughput", "value": "wrk missing"}]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
        "PROFILES_ROOT": storage_root,
    }
    server = _serve(env)
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait_for(base)
        _wrk(f"{base}/bench/constant/", {}, 3)
        bare, bare_p99 = _wrk(f"{base}/bench/constant/", {})
        results = [
            {
                "name": "bare Django view, constant JSON (req/s; p99 ms)",
                "value": f"{bare:.0f}; {bare_p99:.1f}",
            }
        ]
        for label, path in [
            ("public profile, from the cache", f"/public/{iso}/{CYCLE}/"),
            ("public profile without the cache", f"/bench/public-uncached/{iso}/{CYCLE}/"),
            ("public profile PDF, from storage", f"/public/{iso}/{CYCLE}.pdf"),
        ]:
            _wrk(base + path, {}, 3)
            rps, p99 = _wrk(base + path, {})
            results.append(
                {
                    "name": f"{label} (req/s; p99 ms)",
                    "value": f"{rps:.0f}; {p99:.1f}",
                    "baseline": f"{bare:.0f}",
                    "ratio": f"{rps / bare:.2f}",
                    "goal": "32 readers",
                }
            )
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def profile() -> list[dict]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from assessments.models import ConsolidatedScore

    storage_root = tempfile.mkdtemp(prefix="bench-profiles-")
    # PDFs of this run only, so that the render is measured, not found already stored.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "profiles": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": storage_root},
            },
        }
    ).enable()
    if not ConsolidatedScore.objects.filter(stale=False).exists():
        from assessments.recompute import recompute_all  # the recompute figure was skipped

        recompute_all()
    score = ConsolidatedScore.objects.filter(cycle=CYCLE, assessments__gt=0).order_by("country_id")
    iso = score.values_list("country_id", flat=True).first()
    if iso is None:
        return [{"name": "profile", "value": f"no validated scores in {CYCLE}"}]
    client = Client()
    client.force_login(_bench_users())
    url = f"/dashboards/country/{iso}/{CYCLE}/profile/"
    dashboard, _, _ = _median_ms(client, f"/dashboards/country/{iso}/?cycle={CYCLE}")
    ms, queries, status = _median_ms(client, url)
    results = [
        {
            "name": f"profile page {url} (ms; queries) vs its dashboard",
            "value": f"{ms:.0f}; {queries}q",
            "baseline": f"{dashboard:.0f}",
            "ratio": f"{ms / dashboard:.2f}x",
            "goal": f"< 150 ms (HTTP {status})",
        }
    ]
    results += _pdf_render(iso)
    ms, queries, status = _median_ms(client, url.replace("/profile/", "/profile.pdf"))
    results.append(
        {
            "name": "profile PDF served from storage (ms; queries)",
            "value": f"{ms:.0f}; {queries}q",
            "goal": f"HTTP {status}",
        }
    )
    _published(iso)
    from assessments.pdf import render_and_store

    render_and_store(iso, CYCLE, "public", "en")
    results += _public_load(iso, storage_root)
    return results
