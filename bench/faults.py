"""The portal under faults, with figures: `make faults`.

Two app servers behind HAProxy (tests/cluster.py) and a worker, with PostgreSQL and Redis
reached through TCP forwarders that can be cut, and a local SMTP server. Under a steady load
(readers of every goal page and the home page; residents replying to a comment, each reply
e-mailed to its author at once), each fault in turn for FAULT_SECONDS, then as long again to
recover: PostgreSQL away, Redis away, the SMTP server stopped, one app server killed (then
started again). Printed per phase: requests, answered 2xx/3xx, 503, other answers or errors
(must be 0 but for requests a dying server was answering), replies acknowledged (302) and
found in the database afterwards (must be equal); at the end, every reply's e-mail sent once.
"""
import http.cookiejar
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from run import ADMIN_URL, ROOT, NoRedirect, goal_paths

REDIS_DATABASE = 11
FAULT_SECONDS = float(os.environ.get("FAULT_SECONDS", "20"))
READERS = 4
WRITES_PER_SECOND = 3
RESIDENTS = 10
PASSWORD = "clave-de-prueba-de-fallas"
MARKER = "Respuesta bajo falla"
MARKED_DOWN_SECONDS = 2
IN_FLIGHT = "server killed, until marked down"


def fresh_database(name="portal_faults"):
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def seed(url):
    """The plan, residents who reply, and the comment they reply to, by its author."""
    import flask_migrate

    import config
    from app import create_app
    from models import db
    from portal.importers import parse_plan_file
    from portal.services.accounts import create_user
    from portal.services.feedback import post_comment
    from portal.services.plan import goal_by_code, import_plan

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url))
    with app.app_context():
        flask_migrate.upgrade()
        import_plan(parse_plan_file(ROOT / "data" / "plan-ilo-2019-2022.txt"))
        author = create_user("autora@example.org", "Autora", "resident", PASSWORD)
        for number in range(RESIDENTS):
            create_user(f"vecino{number}@example.org", f"Vecino {number}", "resident", PASSWORD)
        comment = post_comment(author, goal_by_code("S7.6"), "¿Cuándo empieza la obra?")
        db.session.commit()
        comment_id = comment.id
        db.session.remove()
        db.engine.dispose()
    return comment_id


def signed_in(base, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/entrar", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(base + "/entrar", urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": PASSWORD}).encode(), timeout=30)
    page = opener.open(base + "/metas/S7.6", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return "; ".join(f"{c.name}={c.value}" for c in jar), token


class Load:
    """Readers and repliers, each answer counted in the phase it came back in."""

    def __init__(self, base, paths, residents, comment_id):
        self.base, self.paths, self.residents = base, paths, residents
        self.comment_id = comment_id
        self.phase, self.counts, self.others = "start", {}, Counter()
        self.acknowledged = Counter()  # phase → replies answered 302
        self.bodies = {}  # phase → the bodies of those replies
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def count(self, status, method="GET"):
        kind = ("ok" if status is not None and status < 400 else
                "503" if status == 503 else "other")
        with self.lock:
            self.counts.setdefault(self.phase, Counter())[kind] += 1
            if kind == "other":
                self.others[f"{method} {status or 'no answer'}"] += 1

    def fetch(self, opener, request):
        try:
            with opener.open(request, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def read(self, number):
        opener = urllib.request.build_opener()
        sent = number
        while not self.stopping.is_set():
            self.count(self.fetch(opener, self.base + self.paths[sent % len(self.paths)]))
            sent += READERS

    def write(self):
        opener = urllib.request.build_opener(NoRedirect)
        started, sent = time.monotonic(), 0
        while not self.stopping.is_set():
            cookie, token = self.residents[sent % len(self.residents)]
            phase, body = self.phase, f"{MARKER} {sent}"
            request = urllib.request.Request(
                f"{self.base}/comentarios/{self.comment_id}/responder",
                data=urllib.parse.urlencode({"csrf_token": token, "body": body}).encode(),
                headers={"Cookie": cookie})
            status = self.fetch(opener, request)
            self.count(status, "POST")
            if status == 302:
                with self.lock:
                    self.acknowledged[phase] += 1
                    self.bodies.setdefault(phase, []).append(body)
            sent += 1
            time.sleep(max(0.0, started + sent / WRITES_PER_SECOND - time.monotonic()))

    def __enter__(self):
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(READERS)]
        self.threads.append(threading.Thread(target=self.write))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def reply_ids(url, bodies):
    """The ids of the replies stored with these bodies (each body is written once)."""
    import psycopg

    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute(
            "SELECT id FROM comment WHERE body = ANY(%s)", (bodies,))]


def main():
    import redis

    from tests.cluster import Cluster
    from tests.live import SmtpServer
    from tests.tcp_proxy import TcpProxy

    url = fresh_database()
    comment_id = seed(url)
    database_proxy, redis_proxy = TcpProxy(5432), TcpProxy(6379)
    database_proxy.start()
    redis_proxy.start()
    proxied_database = url.replace("127.0.0.1:5432", f"127.0.0.1:{database_proxy.port}")
    proxied_redis = f"redis://127.0.0.1:{redis_proxy.port}/{REDIS_DATABASE}"
    redis.Redis.from_url(proxied_redis).flushdb()
    smtp = SmtpServer()
    smtp.start()
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_USE_TLS": "false",
                "COMMENT_LIMIT": "1000000 per minute", "SIGN_IN_LIMIT": "1000000 per minute",
                "JOBS_RELAY_AFTER": 10}
    print(f"Faults · 2 app servers behind HAProxy · {READERS} readers, "
          f"{WRITES_PER_SECOND} replies/s · {FAULT_SECONDS:.0f} s each, then as long to recover")
    with Cluster(proxied_database, proxied_redis, jobs=True, **settings) as cluster:
        load = measure(cluster, database_proxy, redis_proxy, smtp, comment_id)
    smtp.stop()
    database_proxy.stop()
    redis_proxy.stop()
    report(url, load, smtp.inbox)


def measure(cluster, database_proxy, redis_proxy, smtp, comment_id):
    """The load, each fault in turn, and the wait for the e-mails; returns the load."""
    residents = [signed_in(cluster.base, f"vecino{n}@example.org") for n in range(RESIDENTS)]

    def fault(name, away, back):
        load.phase = name
        away()
        time.sleep(FAULT_SECONDS)
        back()
        load.phase = f"{name}: recovered"
        time.sleep(FAULT_SECONDS)

    with Load(cluster.base, goal_paths(cluster), residents, comment_id) as load:
        load.phase = "no fault"
        time.sleep(FAULT_SECONDS / 2)
        fault("PostgreSQL away", database_proxy.stop, database_proxy.start)
        fault("Redis away", redis_proxy.stop, redis_proxy.start)
        fault("SMTP server stopped", smtp.stop, smtp.start)
        # Until the balancer marks the server down (two failed checks, half a second
        # apart), a request it was answering is cut off: HAProxy sends a read again to the
        # other server, but never a form it cannot replay.
        load.phase = IN_FLIGHT
        cluster.kill(1)
        time.sleep(MARKED_DOWN_SECONDS)
        fault("one app server killed", lambda: None, cluster.servers[1].start)
    replies = sum(load.acknowledged.values())
    deadline = time.monotonic() + 600  # an e-mail that failed is tried again after 60 s
    while len(smtp.inbox.messages) < replies and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(5)  # a duplicate would arrive now
    return load


def report(url, load, inbox):
    print(f"\n{'phase':32}{'requests':>9}{'2xx/3xx':>9}{'503':>6}{'other':>7}"
          f"{'replies':>9}{'found':>7}")
    failed = False
    for phase, counts in load.counts.items():
        bodies = load.bodies.get(phase, [])
        found = len(reply_ids(url, bodies))
        failed |= (counts["other"] > 0 and phase != IN_FLIGHT) or found != len(bodies)
        print(f"{phase:32}{sum(counts.values()):>9}{counts['ok']:>9}{counts['503']:>6}"
              f"{counts['other']:>7}{len(bodies):>9}{found:>7}")
    if load.others:
        print("other answers: " + ", ".join(f"{what} × {count}"
                                            for what, count in load.others.items()))
    bodies = [body for phase in load.bodies.values() for body in phase]
    emailed = Counter()
    for _recipients, message in inbox.messages:
        emailed.update(re.findall(r"#comentario-(\d+)",
                                  message.get_body(("plain",)).get_content()))
    replied = {str(comment_id) for comment_id in reply_ids(url, bodies)}
    twice = sum(count > 1 for count in emailed.values())
    print(f"\nreplies acknowledged: {len(bodies)}; e-mailed to their author: "
          f"{len(replied & set(emailed))}; sent twice: {twice}")
    failed |= replied != set(emailed) or twice > 0
    print("\n     " + ("MISSED" if failed else "met") + "  no other errors (but requests cut "
          "off in flight by a server's death), every write acknowledged found, every e-mail "
          "sent once")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
