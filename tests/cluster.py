"""Two app servers of the same code behind HAProxy, on 127.0.0.1, sharing one PostgreSQL and
one Redis: the portal as it runs in production, for the tests and the benchmark.

    with Cluster(database_url, redis_url) as cluster:
        cluster.base             # the load balancer
        cluster.servers[0].base  # one app server, reached directly
        cluster.kill(0)          # SIGKILL, as a machine that dies

With ``jobs=True`` an RQ worker runs beside them (``flask worker``).
"""
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"

# The load balancer asks each server /salud twice a second; two failures take it out of
# the rotation, one success puts it back. A request whose server fails before answering is
# sent to another (retry-on, redispatch): a reader never sees a server die.
HAPROXY_CONFIG = """\
global
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend portal
    bind 127.0.0.1:{port}
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /salud
    http-check expect status 200
{servers}
"""
SERVER_LINE = "    server app{number} 127.0.0.1:{port} check inter 500ms fall 2 rise 1"


def answers(url, seconds=30):
    """Wait until ``url`` answers 200; False if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    return False


class AppServer:
    """gunicorn serving the production configuration on a port of its own."""

    def __init__(self, environment, workers):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.environment, self.workers, self.process = environment, workers, None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "app:create_app()"],
            cwd=ROOT, env=self.environment, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not answers(self.base + "/salud"):
            raise RuntimeError(f"the app server on {self.port} did not start")

    def stop(self, how=signal.SIGTERM):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, how)
            self.process.wait(timeout=30)


class Cluster:
    def __init__(self, database_url, redis_url, servers=2, workers=2, jobs=False, **settings):
        """``jobs``: an RQ worker runs beside the servers (``flask worker``);
        ``settings``: PORTAL_* settings of every process, such as COMMENT_LIMIT."""
        self.folder = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
        prefix = f"cluster-{secrets.token_hex(4)}:"
        environment = {
            **os.environ, "PORTAL_CONFIG": "production", "FORCE_HTTPS": "0",
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "REDIS_URL": redis_url, "FILES_ROOT": str(self.folder / "files"),
            # One cache and one set of counters for every server, as in production.
            "PORTAL_CACHE_KEY_PREFIX": prefix, "PORTAL_RATELIMIT_KEY_PREFIX": prefix,
            "PORTAL_SESSION_COOKIE_SECURE": "false",  # plain http on loopback
            **{f"PORTAL_{name}": str(value) for name, value in settings.items()}}
        self.environment, self.jobs, self.worker = environment, jobs, None
        self.servers = [AppServer(environment, workers) for _ in range(servers)]
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.balancer = None

    def __enter__(self):
        try:
            for server in self.servers:
                server.start()
            config = self.folder / "haproxy.cfg"
            config.write_text(HAPROXY_CONFIG.format(port=self.port, servers="\n".join(
                SERVER_LINE.format(number=number, port=server.port)
                for number, server in enumerate(self.servers, 1))))
            self.balancer = subprocess.Popen([HAPROXY, "-db", "-f", str(config)],
                                             stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)
            if not answers(self.base + "/salud"):
                raise RuntimeError("the load balancer did not start")
            if self.jobs:
                self.worker = subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT,
                    env=self.environment, start_new_session=True,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except BaseException:
            self.__exit__()
            raise
        return self

    def kill(self, number):
        """Kill one app server at once, all its processes, as a machine that dies."""
        self.servers[number].stop(signal.SIGKILL)

    def __exit__(self, *_):
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            self.worker.wait(timeout=30)
        if self.balancer is not None and self.balancer.poll() is None:
            self.balancer.terminate()
            self.balancer.wait(timeout=10)
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
