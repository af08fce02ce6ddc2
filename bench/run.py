"""Serve the portal with gunicorn on 127.0.0.1, load it with wrk, print what was measured.

Run: make bench   (needs PostgreSQL and Redis on 127.0.0.1, and Debian's wrk)
"""
import gzip
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_WORKERS", "4")
SIZES = (100, 10_000, 100_000)
DEMO_PASSWORD = "demostracion-demo.example.org"
GOAL = "/metas/S7.6"
TARGETS = "goal and home ≥ 0.5 × bare; 100,000 within 20 % of 100; same queries; 0 lost"


def database(size):
    """A fresh PostgreSQL database filled by `flask demo` with `size` comments."""
    import psycopg

    name = f"portal_bench_{size}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "demo", "--comments",
                    str(size), "--database", url], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return url


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the production configuration on 127.0.0.1."""

    def __init__(self, database_url):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "PORTAL_CONFIG": "production", "FORCE_HTTPS": "0",
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL, "PORTAL_CACHE_KEY_PREFIX": f"bench-{self.port}:",
            "PORTAL_RATELIMIT_KEY_PREFIX": f"bench-{self.port}:",
            # Sessions over plain http on loopback; limits high enough to measure writes.
            "PORTAL_SESSION_COOKIE_SECURE": "false",
            "PORTAL_COMMENT_LIMIT": "1000000 per minute",
            "PORTAL_SIGN_IN_LIMIT": "1000000 per minute",
        }

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", WORKERS, "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "app:create_app()"],
            cwd=ROOT, env=self.env, start_new_session=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/acerca", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *_):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def wrk(url, script=None, *script_args):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if script:
        command += ["-s", script, url, "--", *script_args]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"),
            "non_2xx": int(errors.group(1)) if errors else 0, "output": output}


def queries_per_page(database_url, paths):
    """SQL statements each page issues, counted in process with the cache off."""
    from sqlalchemy import event

    import config
    from app import create_app
    from models import db

    app = create_app("production", SECRET_KEY="x" * 40, FORCE_HTTPS=False, PAGE_CACHE=False,
                     RATELIMIT_STORAGE_URI=REDIS_URL,
                     SQLALCHEMY_DATABASE_URI=config.database_url(database_url),
                     CACHE_TYPE="NullCache", CACHE_REDIS_URL=REDIS_URL)
    counts = {}
    with app.app_context():
        engine = db.engine
    for path in paths:
        statements = []

        def listener(*args, seen=statements):
            seen.append(args[2])
        event.listen(engine, "before_cursor_execute", listener)
        app.test_client().get(path, base_url="http://127.0.0.1")
        event.remove(engine, "before_cursor_execute", listener)
        counts[path] = len(statements)
    with app.app_context():
        db.engine.dispose()
    return counts


def transferred(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        encoding = response.headers.get("Content-Encoding")
    html = gzip.decompress(body).decode() if encoding == "gzip" else body.decode()
    loaded = re.findall(r'<(?:script|img|link)[^>]+(?:src|href)="([^"]+)"', html)
    third_party = [u for u in loaded if urllib.parse.urlsplit(u).netloc]
    return len(body), encoding, third_party


def signed_in_residents(server, count):
    """Residents of the demo signed in, each with the CSRF token of their session."""
    lines = []
    for number in range(count):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(server.base + "/entrar").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({
            "csrf_token": token, "email": f"vecino{number}@demo.example.org",
            "password": DEMO_PASSWORD}).encode()
        opener.open(server.base + "/entrar", data)
        page = opener.open(server.base + GOAL).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        lines.append(f"{cookie}\t{token}")
    return lines


def stored_comments(database_url, marker):
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM comment WHERE body LIKE %s",
                                  (f"{marker}%",)).fetchone()[0]


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"Portal benchmark · gunicorn {WORKERS} workers · wrk -t2 -c{CONNECTIONS} "
          f"-d{DURATION} · PostgreSQL + Redis on 127.0.0.1 · {os.cpu_count()} cores")
    urls = {size: database(size) for size in SIZES}
    results = {}
    for size in SIZES:
        with Server(urls[size]) as server:
            for name, path in (("bare", "/acerca"), ("home", "/"), ("goal", GOAL)):
                urllib.request.urlopen(server.base + path).read()  # warm the cache
                results[(size, name)] = wrk(server.base + path)
            if size == 10_000:
                size_bytes, encoding, third_party = transferred(server.base + GOAL)
                with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
                    handle.write("\n".join(signed_in_residents(server, 50)) + "\n")
                marker = f"bench{secrets.token_hex(4)}"
                posting = wrk(server.base + GOAL + "/comentarios",
                              str(ROOT / "bench" / "post_comments.lua"), handle.name,
                              GOAL + "/comentarios", marker)
                os.unlink(handle.name)
                accepted, refused = map(int, re.search(r"ACCEPTED (\d+) REFUSED (\d+)",
                                                       posting["output"]).groups())
                stored = stored_comments(urls[size], marker)
    queries = {size: queries_per_page(urls[size], ["/acerca", "/", GOAL]) for size in SIZES}

    bare = results[(10_000, "bare")]["rps"]
    print()
    print(f"{'page':<34}{'req/s':>10}{'p50':>10}{'p99':>10}{'× bare':>9}{'queries':>9}")
    for size in SIZES:
        for name, path in (("bare", "/acerca"), ("home", "/"), ("goal", GOAL)):
            row = results[(size, name)]
            label = f"{name} ({size:,} comments on S7.6)"
            ratio = row["rps"] / results[(size, "bare")]["rps"]
            print(f"{label:<34}{row['rps']:>10.0f}{row['p50']:>10}{row['p99']:>10}"
                  f"{ratio:>9.2f}{queries[size][path]:>9}")
    goal_small, goal_huge = results[(100, "goal")]["rps"], results[(100_000, "goal")]["rps"]
    print()
    print(f"goal page at 100,000 vs 100 comments: {goal_huge / goal_small:.2f}")
    print(f"goal page transferred: {size_bytes / 1024:.1f} KB ({encoding}); third-party "
          f"requests: {len(third_party)}")
    seconds = float(DURATION.rstrip("s"))
    lost = max(0, accepted - stored)
    print(f"comments posted by 50 concurrent residents: {accepted / seconds:.0f}/s; "
          f"accepted {accepted}, refused {refused}, stored {stored} "
          f"({stored - accepted} answered after wrk stopped counting), lost {lost}")
    met = all((
        results[(10_000, "goal")]["rps"] >= 0.5 * bare,
        results[(10_000, "home")]["rps"] >= 0.5 * bare,
        goal_huge >= 0.8 * goal_small,
        len({tuple(q.values()) for q in queries.values()}) == 1,
        refused == 0 and accepted <= stored,
        size_bytes < 60 * 1024 and not third_party,
        all(r["non_2xx"] == 0 for r in results.values()),
    ))
    print(f"targets ({TARGETS}; goal page < 60 KB, no third party): "
          f"{'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
