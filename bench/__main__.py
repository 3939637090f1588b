"""`make bench`: speed figures measured as ratios against a baseline in the same run.

Builds (once) a synthetic data set in PostgreSQL — 200 countries × 5 cycles × 5 actors ×
the framework's indicators, 10,000 instruments, 20 country-reported instruments in each
country and cycle, the scores computed — then measures each figure against its baseline:

- full recompute vs one hand-written SQL statement that computes and writes the same
  area scores (INSERT … SELECT … GROUP BY); peak memory of the recompute;
- one assessment recomputed and stored, in milliseconds;
- importing a 100,000-row CSV vs a raw COPY of the same answers;
- hostile uploads: peak memory and seconds of each, against a tiny file;
- grid and dashboard pages: server time (and this process's CPU time), query count and
  largest chart, each page checked for the content it must show (charts, tables, the
  country's validated stock-taking with its mitigations and unmitigated incoherences);
- the fill-in page, one section and every section, of a draft on a 150-indicator
  framework of the bench's own (never published), against the password page: time,
  queries, size and element count;
- the scores API under gunicorn (2 workers) vs a bare Django view, with wrk;
- the country profile: the page, its PDF rendered and served from storage, a
  public profile under 32 concurrent readers from the cache vs the bare view.

Uses DATABASE_URL when set, else creates the database `coherence_bench` on
127.0.0.1:5432. Never run it against a database whose data you want to keep.
"""

import argparse
import os
import sys
import time

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/coherence_bench"


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--actors", type=int, default=5)
    parser.add_argument("--instruments", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["recompute", "one", "import", "uploads", "pages", "fill-in", "api", "profile"],
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith(("postgres://", "postgresql://")):
        print("make bench needs PostgreSQL: set DATABASE_URL=postgresql://…", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from bench import dataset, figures

    started = time.perf_counter()
    figures.clear_import_cycle()
    info = dataset.build(
        countries=args.countries,
        cycles=args.cycles,
        actors=args.actors,
        instruments=args.instruments,
    )
    print(f"data set: {info} (ready in {time.perf_counter() - started:.1f} s)\n")

    results = []
    if "recompute" not in args.skip:
        results += figures.full_recompute()
    if "one" not in args.skip:
        results += figures.one_assessment()
    if "import" not in args.skip:
        results += figures.import_csv(args.import_rows)
    if "uploads" not in args.skip:
        results += figures.hostile_uploads()
    if "pages" not in args.skip:
        results += figures.pages()
    if "fill-in" not in args.skip:
        results += figures.fill_in_page()
    if "api" not in args.skip:
        results += figures.api()
    if "profile" not in args.skip:
        from bench.profile import profile

        results += profile()
    print()
    print(f"{'figure':58} {'value':>14} {'baseline':>14} {'ratio':>8}  goal")
    for r in results:
        print(
            f"{r['name']:58} {r['value']:>14} {r.get('baseline', ''):>14} "
            f"{r.get('ratio', ''):>8}  {r.get('goal', '')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
