"""A live portal on 127.0.0.1 and Debian's Chromium driven by Playwright."""
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_app
from tests.live import serving

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags that keep Chromium from reaching out to the network at start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def required(what, hint):
    """Missing tools fail the run in CI and skip it, with the reason, elsewhere."""
    message = f"{what} is missing: {hint}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


LIVE_USERS = {
    "official": ("planeamiento@ilo.gob.pe", "Oficina de Planeamiento", ()),
    "admin": ("admin@ilo.gob.pe", "Administración del portal", ()),
    "moderator": ("copale@example.org", "Rosa Quispe", ("COPALE",)),
    "resident": ("luis@example.org", "Luis Mamani", ()),
}


_live = {}


def live_app():
    """The app the live server runs, to prepare data for a test."""
    return _live["app"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The portal as deployed (CSRF on), with one account of each staff role."""
    from models import db
    from portal.services.accounts import create_user
    from tests.conftest import PASSWORDS

    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('live') / 'portal.sqlite3'}",
                    WTF_CSRF_ENABLED=True, FILES_ROOT=str(tmp_path_factory.mktemp("files")))
    with app.app_context():
        for role, (email, name, committees) in LIVE_USERS.items():
            create_user(email, name, role, PASSWORDS[role], committees)
        db.session.commit()
    _live["app"] = app
    with serving(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        required("Chromium", "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts: one per person taking part."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        required("axe-core", "run npm ci")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def serious_violations(axe_source):
    """axe-core's serious and critical findings on the page as it stands."""
    def check(page):
        page.add_script_tag(content=axe_source)
        result = page.evaluate("async () => await axe.run(document, "
                               "{resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(node["target"][0] for node in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
    return check
