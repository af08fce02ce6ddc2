"""The portal with every municipality of Peru: one municipality's pages as they are with one
municipality alone, and the national pages, measured against the bare page of each database.

Two PostgreSQL databases filled by `flask demo`: Ilo alone, and Ilo with a clearly labelled
demonstration plan for every other municipality of the register (`--municipalities all`,
about 134,000 goals, imported as `plan import-many` does). Each is served by gunicorn and
its pages loaded with wrk in turn with its own bare page.

Run: make bench (after bench/run.py), or python bench/national.py
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (ADMIN_URL, BROWSER, CONNECTIONS, DURATION, GOAL, REDIS_URL,  # noqa: E402
                       ROOT, WORKERS, Server, in_turn, median_run, queries_per_page,
                       signed_in_residents, wrk)

COMMENTS = 1000
# One municipality's pages, at the bare addresses of the one first published (Ilo).
MUNICIPALITY_PAGES = (("home", "/"), ("goal", GOAL))
SIGNED_IN_PAGES = (("home, signed in", "/"), ("goal, signed in", GOAL))
# Another municipality's, under its address: only in the national database.
ANOTHER = (("Pacocha's home", "/m/pacocha/"), ("Pacocha's goal", "/m/pacocha/metas/S7.6"))
NATIONAL_PAGES = (("national home", "/municipalidades"),
                  ("national search", "/municipalidades/metas?q=salud"),
                  ("answers nationally", "/municipalidades/respuestas"))


def database(name, *demo):
    """A fresh PostgreSQL database filled by `flask demo`; returns its URL and what the
    command printed."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "demo", "--comments",
                           str(COMMENTS), "--database", url, *demo], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    return url, done.stdout


def national_data_built(url):
    """The national open data built as the worker builds it every night: its seconds, and
    the goals' CSV's rows and bytes as the command printed them."""
    with tempfile.TemporaryDirectory() as files:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "opendata",
                               "build"], cwd=ROOT, check=True, capture_output=True, text=True,
                              env={**os.environ, "DATABASE_URL": url, "FILES_ROOT": files})
        seconds = time.monotonic() - started
    goals = re.search(r"peru-metas\.csv: (\d+) filas, (\d+) bytes", done.stdout)
    return seconds, goals and tuple(map(int, goals.groups()))


def measured(*databases):
    """For each database (its URL and pages), each page and the bare page, loaded in turn in
    one run with those of the others, their servers up together, so that the ratios of one
    database to the other's are of one run (each page read once first, a signed-in
    resident's with their cookie): each load's median run, for each database."""
    with ExitStack() as servers:
        loads = {}
        for number, (url, pages) in enumerate(databases):
            server = servers.enter_context(Server(url))
            cookie = signed_in_residents(server, 1)[0].split("\t")[0]
            loads[number, "bare"] = lambda share, base=server.base: wrk(base + "/acerca",
                                                                         duration=share)
            for name, path in pages:
                headers = [f"Cookie: {cookie}"] if "signed in" in name else []
                loads[number, name] = lambda share, path=path, headers=headers, \
                    base=server.base: wrk(base + path, headers=headers, duration=share)
                asked = dict(header.split(": ", 1) for header in (*BROWSER, *headers))
                urllib.request.urlopen(urllib.request.Request(server.base + path,
                                                              headers=asked)).read()
        runs = {key: median_run(found) for key, found in in_turn(loads).items()}
    return [{name: run for (of, name), run in runs.items() if of == number}
            for number in range(len(databases))]


def main():
    print(f"National benchmark · gunicorn {WORKERS} workers · wrk -t2 -c{CONNECTIONS} "
          f"-d{DURATION} · PostgreSQL + Redis on 127.0.0.1 · {os.cpu_count()} cores")
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()
    one, _ = database("portal_bench_one")
    national, printed = database("portal_bench_national", "--municipalities", "all")
    # The command speaks Spanish, the portal's language.
    imported = re.search(r"(\d+) archivos de planes en ([\d.]+) s \(([\d.]+) por segundo\)",
                         printed)
    size = re.search(r"Base de datos: ([\d.]+) MB para (\d+) municipalidades", printed)
    data_seconds, data_goals = national_data_built(national)
    own = (*MUNICIPALITY_PAGES, *SIGNED_IN_PAGES)
    alone, everyone = measured((one, own), (national, (*own, *ANOTHER, *NATIONAL_PAGES)))
    both = [path for _, path in (*MUNICIPALITY_PAGES, *NATIONAL_PAGES)]
    queries = {"one": queries_per_page(one, both),
               "national": queries_per_page(national, [*both, *(p for _, p in ANOTHER)])}
    signed = {"one": queries_per_page(one, ["/", GOAL], signed_in=True),
              "national": queries_per_page(national, ["/", GOAL], signed_in=True)}

    print()
    print(f"{'page':<30}{'one: × bare':>12}{'all: × bare':>13}{'all ÷ one':>11}"
          f"{'queries one/all':>17}")
    kept = {}
    for name, path in own:
        ratio_one = alone[name]["rps"] / alone["bare"]["rps"]
        ratio_all = everyone[name]["rps"] / everyone["bare"]["rps"]
        kept[name] = ratio_all / ratio_one
        counted = signed if "signed in" in name else queries
        both = f"{counted['one'][path]}/{counted['national'][path]}"
        print(f"{name:<30}{ratio_one:>12.2f}{ratio_all:>13.2f}{kept[name]:>11.2f}{both:>17}")
    print()
    print(f"{'with every municipality':<30}{'req/s':>10}{'bare':>8}{'× bare':>9}{'queries':>9}")
    for name, path in (*ANOTHER, *NATIONAL_PAGES):
        row, bare = everyone[name], everyone["bare"]["rps"]
        print(f"{name:<30}{row['rps']:>10.0f}{bare:>8.0f}{row['rps'] / bare:>9.2f}"
              f"{queries['national'][path]:>9}")
    print()
    if imported:
        files, seconds, rate = imported.groups()
        print(f"import-many of every plan of the register: {files} plans in {seconds} s "
              f"({rate} plans a second)")
    if size:
        total, municipalities = size.groups()
        print(f"database: {total} MB for {municipalities} municipalities, "
              f"{float(total) * 1000 / int(municipalities):.0f} kB each")
    if data_goals:
        rows, size_bytes = data_goals
        print(f"national open data, every file built: {data_seconds:.0f} s (the goals' CSV: "
              f"{rows} rows, {size_bytes / 1e6:.1f} MB)")
    national_paths = [path for _, path in NATIONAL_PAGES]
    checks = {
        "a municipality's pages keep their ratio to bare within 10 %": all(
            ratio >= 0.9 for ratio in kept.values()),
        "with the same number of statements": all(
            queries["one"][path] == queries["national"][path]
            for _, path in MUNICIPALITY_PAGES) and signed["one"] == signed["national"],
        "national home, search and answers ≥ 0.3 × bare": all(
            everyone[name]["rps"] >= 0.3 * everyone["bare"]["rps"]
            for name, _ in NATIONAL_PAGES),
        "national pages in a constant number of statements": all(
            queries["one"][path] == queries["national"][path] for path in national_paths),
        "every plan of the register imported in under 10 minutes": bool(imported)
        and float(imported.group(2)) < 600,
        "the national open data built, every file, in under 10 minutes": bool(data_goals)
        and data_seconds < 600,
        "no error answers": all(row["non_2xx"] == 0 for row in (*alone.values(),
                                                                *everyone.values())),
    }
    for check, met in checks.items():
        print(f"{'met' if met else 'NOT MET':>8}  {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
