"""Two checkouts of the portal side by side: the goal and home pages from the cache, for a
visitor and for a resident signed in, loaded in turn with the yardstick sending the same
bytes, so that a change to the cache is measured against the code before it in one run.

    git worktree add /tmp/before main
    python bench/compare.py /tmp/before .

Both serve the same demo database (300 comments) from gunicorn as `bench/run.py` does; the
worktree uses this checkout's virtualenv and compiled translations.
"""
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # noqa: E402
from bench.yardstick import capture  # noqa: E402

PAGES = (("goal", run.GOAL), ("home", "/"))


class At(run.Server):
    """The portal served from the checkout at ``root``."""

    def __init__(self, root, database_url):
        super().__init__(database_url)
        self.root = root

    def __enter__(self):
        served, run.ROOT = run.ROOT, self.root
        try:
            return super().__enter__()
        finally:
            run.ROOT = served


def loads_of(name, server):
    """Each page for a visitor and for a resident signed in, read twice first: what is
    measured is a page from the cache."""
    cookie = run.signed_in_residents(server, 1)[0].split("\t")[0]
    asked = dict(header.split(": ", 1) for header in run.BROWSER)
    loads = {}
    for page, path in PAGES:
        for signed_in in (False, True):
            headers = [f"Cookie: {cookie}"] if signed_in else []
            for _ in range(2):
                urllib.request.urlopen(urllib.request.Request(
                    server.base + path, headers={**asked, **dict(
                        header.split(": ", 1) for header in headers)})).read()
            label = f"{page}{', signed in' if signed_in else ''} · {name}"
            loads[label] = (lambda share, path=path, headers=headers:
                            run.wrk(server.base + path, headers=headers, duration=share))
    return loads


def main(before, after):
    url = run.database(300)
    with At(Path(before).resolve(), url) as old, At(Path(after).resolve(), url) as new:
        loads = {**loads_of("before", old), **loads_of("after", new)}
        asked = dict(header.split(": ", 1) for header in run.BROWSER)
        with run.Yardstick(capture(new.base, [path for _, path in PAGES], asked)) as yard:
            for page, path in PAGES:
                loads[f"{page} · yardstick"] = (lambda share, path=path:
                                                run.wrk(yard.base + path, duration=share))
            runs = {name: run.median_run(found) for name, found in run.in_turn(loads).items()}
    print(f"{'page':<32}{'req/s':>8}{'× yardstick':>13}")
    for name, found in runs.items():
        page = name.split(" · ")[0].split(",")[0]
        print(f"{name:<32}{found['rps']:>8.0f}"
              f"{found['rps'] / runs[f'{page} · yardstick']['rps']:>13.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
