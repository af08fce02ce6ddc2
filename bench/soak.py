"""Hours, not seconds: `make soak` (SOAK_SECONDS, 600 by default).

The load of `make faults` (readers of every goal page and the home page, residents replying
three times a second) on two app servers behind HAProxy and a worker, with no fault, for a
bounded time. Every SAMPLE_SECONDS it samples each app server's resident memory (its
gunicorn processes together) and the database's connections. It fails on any answer but
2xx/3xx, on a write acknowledged and not stored, on memory that keeps climbing (the last
third of the run over the middle third by more than CLIMB), and on more connections than
the servers' pools allow.
"""
import os
import statistics
import sys
import time

from faults import REDIS_DATABASE, RESIDENTS, Load, fresh_database, reply_ids, seed, signed_in
from run import goal_paths

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
SAMPLE_SECONDS = float(os.environ.get("SOAK_SAMPLE_SECONDS", "30"))
CLIMB = 0.10  # and at least CLIMB_BYTES
CLIMB_BYTES = 5 * 2**20
WORKERS = 2
# SQLAlchemy's pool: 5 connections a process, 10 more at the most under a burst.
POOL_AT_MOST = 15


def resident_memory(process_group):
    """The resident memory of every process of a group (a gunicorn master and its workers)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getpgid(int(pid)) != process_group:
                continue
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except (OSError, ProcessLookupError):
            continue
    return total


def connections(url, name):
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                  (name,)).fetchone()[0] - 1  # not this one


def main():
    from tests.cluster import Cluster

    url = fresh_database("portal_soak")
    comment_id = seed(url)
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DATABASE}"
    import redis
    redis.Redis.from_url(redis_url).flushdb()
    settings = {"COMMENT_LIMIT": "1000000 per minute", "SIGN_IN_LIMIT": "1000000 per minute"}
    print(f"Soak · 2 app servers of {WORKERS} workers behind HAProxy · {SOAK_SECONDS:.0f} s, "
          f"sampled every {SAMPLE_SECONDS:.0f} s")
    samples = []
    with Cluster(url, redis_url, workers=WORKERS, jobs=True, **settings) as cluster:
        residents = [signed_in(cluster.base, f"vecino{n}@example.org")
                     for n in range(RESIDENTS)]
        with Load(cluster.base, goal_paths(cluster), residents, comment_id) as load:
            load.phase = "soak"
            started = time.monotonic()
            while time.monotonic() - started < SOAK_SECONDS:
                time.sleep(SAMPLE_SECONDS)
                sample = ([resident_memory(server.process.pid) for server in cluster.servers],
                          connections(url, "portal_soak"))
                samples.append(sample)
                print(f"{time.monotonic() - started:6.0f} s  memory "
                      + ", ".join(f"{memory / 2**20:.1f} MB" for memory in sample[0])
                      + f"  connections {sample[1]}", flush=True)

    counts = load.counts["soak"]
    bodies = load.bodies.get("soak", [])
    found = len(reply_ids(url, bodies))
    print(f"\nrequests {sum(counts.values())}: 2xx/3xx {counts['ok']}, 503 {counts['503']}, "
          f"other {counts['other']}; replies acknowledged {len(bodies)}, found {found}")
    failed = counts["503"] + counts["other"] > 0 or found != len(bodies)
    third = max(1, len(samples) // 3)
    for number in range(len(cluster.servers)):
        middle = statistics.median(s[0][number] for s in samples[third:2 * third] or samples)
        last = statistics.median(s[0][number] for s in samples[2 * third:] or samples)
        climbed = last - middle
        climbing = climbed > CLIMB * middle and climbed > CLIMB_BYTES
        failed |= climbing
        print(f"app server {number + 1}: resident memory {middle / 2**20:.1f} MB in the middle "
              f"third, {last / 2**20:.1f} MB in the last ({climbed / 2**20:+.1f} MB)"
              + ("  CLIMBING" if climbing else ""))
    allowed = (len(cluster.servers) * (WORKERS + 1) + 1) * POOL_AT_MOST
    most = max(sample[1] for sample in samples) if samples else 0
    failed |= most > allowed
    print(f"database connections: at most {most} (the pools allow {allowed})")
    print("\n     " + ("MISSED" if failed else "met") + "  no error answers, every write "
          "stored, memory steady, connections within the pools")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
