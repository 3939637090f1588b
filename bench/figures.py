"""Each figure of `make bench`, measured against a baseline in the same run."""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from django.db import connection, transaction

from assessments.models import Answer, Assessment, FrameworkVersion, Indicator

ROOT = Path(__file__).resolve().parents[1]
AREA_SQL = """
INSERT INTO bench_area_score (assessment_id, area, score)
SELECT ans.assessment_id, i.area_id,
       100 * SUM(i.weight * v.s) / NULLIF(SUM(CASE WHEN v.s IS NOT NULL THEN i.weight END), 0)
FROM assessments_answer ans
JOIN assessments_indicator i ON i.id = ans.indicator_id
CROSS JOIN LATERAL (
  SELECT ans.value / CASE i.answer_type WHEN 'yes_no' THEN 1 WHEN 'three_level' THEN 10
                                        WHEN 'scale' THEN 4 ELSE 100 END AS s
) v
GROUP BY ans.assessment_id, i.area_id
"""


def _timed(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x"


def full_recompute() -> list[dict]:
    from assessments import recompute

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_area_score "
            "(assessment_id bigint, area varchar(40), score double precision)"
        )

    def sql_baseline():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_area_score")
            cursor.execute(AREA_SQL)

    baseline = _timed(sql_baseline)
    ours = _timed(recompute.recompute_all, repeat=3)
    child = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, resource; django.setup();"
            "from assessments import recompute; recompute.recompute_all();"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "coherence.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    peak_mib = int(child.stdout.strip().splitlines()[-1]) / 1024
    return [
        {
            "name": "full recompute (s) vs SQL INSERT…SELECT GROUP BY",
            "value": f"{ours:.2f}",
            "baseline": f"{baseline:.2f}",
            "ratio": _ratio(ours, baseline),
            "goal": "≤ 3x",
        },
        {"name": "full recompute peak memory (MiB)", "value": f"{peak_mib:.0f}", "goal": "< 1024"},
    ]


def one_assessment() -> list[dict]:
    from assessments import recompute

    ids = list(
        Assessment.objects.filter(actor__code__startswith="B-").values_list("id", flat=True)[:20]
    )
    times = []
    for pk in ids:
        started = time.perf_counter()
        recompute.recompute_assessment(pk)
        times.append((time.perf_counter() - started) * 1000)
    return [
        {
            "name": "one assessment recomputed and stored (ms, median of 20)",
            "value": f"{statistics.median(times):.0f}",
            "goal": "< 300",
        }
    ]


IMPORT_CYCLE = 2030


def clear_import_cycle() -> None:
    """Take out the import figure's assessments (also those an interrupted run left)."""
    with transaction.atomic():
        doomed = Assessment.objects.filter(cycle=IMPORT_CYCLE, actor__code__startswith="B-")
        Answer.history.filter(assessment_id__in=doomed.values("id")).delete()
        Answer.objects.filter(assessment__in=doomed).delete()
        doomed.delete()


def import_csv(rows: int) -> list[dict]:
    from actors.models import Actor
    from assessments.exchange.importer import import_responses

    framework = FrameworkVersion.current()
    indicators = list(
        Indicator.objects.filter(version=framework).values_list("code", "id", "answer_type")
    )
    actors = list(
        Actor.objects.filter(code__startswith="B-").values_list("code", "country_id", "id")
    )
    per = len(indicators)
    needed = -(-rows // per)
    actors = actors[:needed]
    rng = np.random.default_rng(11)
    lines = ["country,cycle,actor,indicator,value,evidence"]
    copy_rows = []
    count = 0
    for code, iso, _actor_id in actors:
        for ind_code, _ind_id, answer_type in indicators:
            if count == rows:
                break
            value = {
                "yes_no": lambda: rng.choice(["yes", "no"]),
                "three_level": lambda: str(rng.choice([0, 5, 10])),
                "scale": lambda: str(rng.integers(0, 5)),
                "percent": lambda: f"{rng.uniform(0, 100):.1f}",
            }[answer_type]()
            lines.append(f"{iso},{IMPORT_CYCLE},{code},{ind_code},{value},from the ministry")
            copy_rows.append((code, ind_code, value))
            count += 1
    path = Path(tempfile.mkdtemp()) / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # Baseline: a raw COPY of the same answers into the answers table.
    clear_import_cycle()
    now = "2026-01-01T00:00:00Z"
    Assessment.objects.bulk_create(
        [
            Assessment(country_id=iso, cycle=IMPORT_CYCLE, actor_id=actor_id, framework=framework)
            for _code, iso, actor_id in actors
        ]
    )
    assessment_ids = dict(
        Assessment.objects.filter(cycle=IMPORT_CYCLE).values_list("actor__code", "id")
    )
    ind_ids = {c: (i, t) for c, i, t in indicators}
    stored = {"yes": 1.0, "no": 0.0}

    def raw_rows():
        for actor_code, ind_code, value in copy_rows:
            yield (
                assessment_ids[actor_code],
                ind_ids[ind_code][0],
                stored[value] if value in stored else float(value),
                False,
                "from the ministry",
                "[]",
                False,
                "",
                1,
                now,
            )

    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {Answer._meta.db_table} (assessment_id, indicator_id, value, na, evidence, "
            "instruments, flagged, flag_comment, revision, updated_at) FROM STDIN"
        ) as copy,
    ):
        for row in raw_rows():
            copy.write_row(row)
    baseline = time.perf_counter() - started
    clear_import_cycle()

    started = time.perf_counter()
    import_responses(str(path), status="draft")
    ours = time.perf_counter() - started
    clear_import_cycle()
    shutil.rmtree(path.parent)
    return [
        {
            "name": f"import of a {count:,}-row CSV (s) vs raw COPY",
            "value": f"{ours:.2f}",
            "baseline": f"{baseline:.2f}",
            "ratio": _ratio(ours, baseline),
            "goal": "≤ 10x",
        }
    ]


def _bench_users():
    from django.contrib.auth import get_user_model

    from actors.models import Membership

    user, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    Membership.objects.get_or_create(user=user, defaults={"role": "reviewer"})
    return user


# Each page with what it must show, so that an empty page cannot pass for a fast one: the
# ids of its charts and tables, and patterns of its content. {iso} is the first bench
# country (ABW), which has validated assessments, scores and stock-taking in every cycle.
_GRID = ['id="chart-grid"', 'id="table-grid"', r'class="figures"><strong>[1-9]']
_COUNTRY = [
    'id="chart-summary"',
    'id="chart-dimensions"',
    'id="chart-areas"',
    'id="table-divergence"',
    'id="chart-crosswalk-GCM"',
    # The tools-and-safeguards section: the validated stock-taking, its incoherences with
    # their mitigations, the unmitigated ones counted.
    'id="tools-safeguards"',
    'id="table-stock-instruments"',
    'id="table-stock-incoherences"',
    r"<td>[^<]+: bench(<br>|</td>)",  # a mitigation: its safeguard's name, how it helps
    r'id="unmitigated-count">[1-9]',
]
_REPORTED = "Reported instrument [0-9]+ of {iso}"
_INTERACTIONS = ['id="chart-matrix"', 'id="table-unmitigated"', 'id="table-incoherences"']
PAGES = [
    ("/grid/", _GRID),
    ("/grid/?country={iso}", _GRID),
    ("/grid/compare/?a={iso}&b={iso2}", ['id="chart-grid-a"', 'id="chart-grid-b"']),
    ("/dashboards/country/{iso}/", _COUNTRY),
    ("/dashboards/compare/?cycle=2025", ['id="chart-scatter"', 'id="chart-heatmap"']),
    ("/dashboards/interactions/", _INTERACTIONS),
    ("/dashboards/interests/{iso}/", ['id="chart-interests"', 'id="table-priorities"']),
    # Stock-taking: with 20 country-reported instruments in each country and cycle, named.
    ("/grid/?country={iso}&cycle=2025", [*_GRID, _REPORTED]),
    ("/dashboards/country/{iso}/?cycle=2025", [*_COUNTRY, _REPORTED]),
    ("/dashboards/interactions/?country={iso}&cycle=2025", [*_INTERACTIONS, _REPORTED]),
]


def _median_get(client, url: str, runs: int = 5):
    """A page's median time (ms) over `runs` warm requests, the median CPU time (ms) this
    process spent on it (PostgreSQL's excluded: on a busy machine the wall time grows with
    the load, the CPU time does not), its queries and the last response."""
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times, cpu = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    return statistics.median(times), statistics.median(cpu), len(queries), response


def pages() -> list[dict]:
    from django.test import Client

    from bench.dataset import bench_countries

    iso, iso2 = bench_countries(2)
    client = Client()
    client.force_login(_bench_users())
    out = []
    for template, shows in PAGES:
        url = template.format(iso=iso, iso2=iso2)
        ms, cpu, count, response = _median_get(client, url)
        body = response.content.decode()
        missing = [p for p in shows if not re.search(p.format(iso=iso), body)]
        if response.status_code != 200 or missing:
            raise AssertionError(f"{url} (HTTP {response.status_code}) does not show {missing}")
        charts = re.findall(
            r'<script id="[^"]*" type="application/json">(.*?)</script>', body, re.S
        )
        largest = max((len(c) for c in charts), default=0) / 1024
        out.append(
            {
                "name": f"page {url} (ms (CPU); queries; largest chart KB)",
                "value": f"{ms:.0f} ({cpu:.0f}); {count}q; {largest:.0f}",
                "goal": "< 150 ms, < 500 KB",
            }
        )
    return out


def _bench_fill_in():
    """A draft of a bench actor (cycle 2090, outside the data set's cycles) on the fill-in
    framework (dataset.fill_in_framework), every indicator answered, and a focal point of
    that actor."""
    from django.contrib.auth import get_user_model

    from actors.models import Actor, Membership
    from assessments import services
    from bench.dataset import fill_in_framework

    framework = fill_in_framework()
    actor = Actor.objects.filter(code__startswith="B-").order_by("code").first()
    user, _ = get_user_model().objects.get_or_create(username="bench-focal")
    Membership.objects.update_or_create(user=user, defaults={"role": "focal_point", "actor": actor})
    assessment = Assessment.objects.filter(actor=actor, cycle=2090).first()
    if assessment is None:
        assessment = services.create_assessment(actor=actor, cycle=2090, by=user)
    if assessment.framework_id != framework.pk:
        # Made by an older bench on the current version: moved, unanswered, to the bench's.
        with transaction.atomic():
            Answer.history.filter(assessment_id=assessment.pk).delete()
            Answer.objects.filter(assessment=assessment).delete()
            Assessment.objects.filter(pk=assessment.pk).update(framework=framework)
        assessment.refresh_from_db()
    if not assessment.answers.exists():
        values = {"yes_no": 1.0, "three_level": 5.0, "scale": 2.0, "percent": 50.0}
        services.save_answers(
            assessment,
            by=user,
            version=assessment.version,
            answers={
                i.code: services.AnswerInput(value=values[i.answer_type], evidence="bench")
                for i in assessment.framework.indicators.all()
            },
        )
    return user, assessment


class _ElementCount(HTMLParser):
    """Counts a page's elements, and those inside a <template> (inert: not in the
    document until a script copies them)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = self.in_templates = self.depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.elements += 1
        self.in_templates += self.depth > 0
        self.depth += tag == "template"

    def handle_startendtag(self, tag, attrs) -> None:
        self.elements += 1
        self.in_templates += self.depth > 0

    def handle_endtag(self, tag) -> None:
        self.depth -= tag == "template" and self.depth > 0


def element_count(html: str) -> tuple[int, int]:
    """(elements in the page, of which inside a <template>)."""
    parser = _ElementCount()
    parser.feed(html)
    parser.close()
    return parser.elements, parser.in_templates


def fill_in_page() -> list[dict]:
    """The fill-in page as a focal point opens it (one section: a dimension) and with
    every section on one page, on a framework of 150 indicators, against the password
    page in the same run; with the page's size and number of elements."""
    from django.test import Client

    user, assessment = _bench_fill_in()
    client = Client()
    client.force_login(user)

    def median_ms(url: str):
        ms, cpu, count, response = _median_get(client, url)
        assert response.status_code == 200, url
        return ms, cpu, count, response.content.decode()

    baseline, _cpu, _q, _b = median_ms("/accounts/password_change/")
    out = []
    total = assessment.framework.indicators.count()
    for query, what in (("", "one section"), ("?section=all", "every section")):
        ms, cpu, count, body = median_ms(f"/assessments/{assessment.pk}/{query}")
        questions = len(re.findall(r'<div class="indicator[^"]*" id="ind-', body))
        assert questions, f"no question on the fill-in page ({what})"
        elements, inert = element_count(body)
        out.append(
            {
                "name": f"fill-in page, {what} ({questions} of {total} indicators) "
                "(ms (CPU); queries; KB; elements (in <template>))",
                "value": f"{ms:.0f} ({cpu:.0f}); {count}q; {len(body.encode()) // 1024}; "
                f"{elements} ({inert})",
                "baseline": f"{baseline:.0f} ms (password page)",
                "ratio": _ratio(ms, baseline),
                "goal": "< 300 ms",
            }
        )
    return out


def _wrk(url: str, headers: dict, seconds: int = 10) -> tuple[float, float]:
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} non-2xx responses")
    return rps, float(p99.group(1)) * factor


def api() -> list[dict]:
    from io import StringIO

    from django.core.management import call_command

    from assessments.models import ConsolidatedScore

    if not shutil.which("wrk"):
        return [{"name": "API throughput", "value": "wrk missing", "goal": "apt-get install wrk"}]
    out = StringIO()
    call_command("create_partner_token", "bench-partner", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    # The figures before write and delete hundreds of thousands of rows: vacuum and flush
    # them now, so that neither autovacuum nor the checkpointer takes the CPU from the
    # server in the middle of the load test.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    score = ConsolidatedScore.objects.order_by("country_id", "cycle").first()
    port = 8765
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                subprocess.run(  # noqa: S603
                    ["curl", "-sf", f"{base}/bench/constant/"],  # noqa: S607
                    check=True,
                    capture_output=True,
                )
                break
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        auth = {"Authorization": f"Token {token}"}
        _wrk(f"{base}/bench/constant/", {}, 3)  # warm both workers
        bare_rps, bare_p99 = _wrk(f"{base}/bench/constant/", {})
        results = [
            {
                "name": "bare Django view, constant JSON (req/s; p99 ms)",
                "value": f"{bare_rps:.0f}; {bare_p99:.1f}",
            }
        ]
        for path in ["/api/v1/scores/", f"/api/v1/scores/{score.country_id}/{score.cycle}/"]:
            _wrk(base + path, auth, 3)
            rps, p99 = _wrk(base + path, auth)
            results.append(
                {
                    "name": f"{path} with a token (req/s; p99 ms)",
                    "value": f"{rps:.0f}; {p99:.1f}",
                    "baseline": f"{bare_rps:.0f}",
                    "ratio": f"{rps / bare_rps:.2f}",
                    "goal": "≥ 0.3, p99 < 50 ms",
                }
            )
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


__all__ = [
    "clear_import_cycle",
    "full_recompute",
    "one_assessment",
    "import_csv",
    "pages",
    "fill_in_page",
    "api",
]


def hostile_uploads() -> list[dict]:
    """Each hostile file read as the page reads it and as the command does,
    in a fresh process: peak memory added and seconds, against a tiny good file."""
    from bench.hostile import make_files, measure

    folder = Path(tempfile.mkdtemp())
    files = make_files(folder)
    results = []
    try:
        hostile = ("declared.xlsx", "junk.csv", "bomb.xlsx", "strings.xlsx", "moved-strings.xlsx")
        for name in (*hostile, "wide.csv"):
            tiny = files["tiny" + Path(name).suffix]
            for mode in ("page", "file"):
                base, hostile = measure(tiny, mode), measure(files[name], mode)
                extra = hostile["extra_mb"] - base["extra_mb"]
                results.append(
                    {
                        "name": f"hostile {name}, read as the {mode} (MB extra, s)",
                        "value": f"{extra:.1f} MB {hostile['seconds']:.2f} s",
                        "baseline": f"{base['seconds']:.2f} s",
                        "goal": "< 100 MB, < 5 s",
                    }
                )
    finally:
        shutil.rmtree(folder)
    return results
