"""The plan at a glance in a real browser: home charts, the promise gap, the snapshot."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from models import User, db
from tests.e2e.conftest import LIVE_USERS


@pytest.fixture(scope="module")
def published(live_server):
    """Reports and ratings on the live portal, so that the charts have something to draw."""
    from sqlalchemy import select

    from portal.services.accounts import create_user
    from portal.services.ratings import rate
    from portal.services.plan import goal_by_code
    from portal.services.reports import ReportInput, publish
    from tests.conftest import PASSWORDS
    from tests.e2e.conftest import live_app

    app = live_app()
    with app.test_request_context():
        official = db.session.scalar(select(User).where(
            User.email == LIVE_USERS["official"][0]))
        for code, pct in (("S1.1", "60"), ("E3.1", "25"), ("A7.1", "100")):
            status = "cumplida" if pct == "100" else "en_ejecucion"
            publish(official, goal_by_code(code), "2021-T4", ReportInput(
                status, Decimal(pct), 1 if status == "cumplida" else 0, "Avance del trimestre.",
                ("Informe 7",)))
        for number in range(3):
            voter = create_user(f"vecino{number}@example.org", f"Vecino {number}", "resident",
                                PASSWORDS["resident"])
            rate(voter, goal_by_code("S1.1"), 1)
        db.session.commit()
    return live_server


@pytest.mark.parametrize("path", ["/", "/brecha", "/audiencia/2021-T4", "/datos",
                                  "/buscar?q=educacion", "/objetivos/S1"])
def test_transparency_pages_are_accessible(page, published, serious_violations, path):
    page.goto(published + path)
    assert serious_violations(page) == []


def test_home_charts_then_the_gap_then_the_snapshot(page, published):
    page.goto(published + "/")
    chart = page.get_by_role("img", name="Avance físico promedio por dimensión")
    assert "Dimensión Social" in chart.text_content()
    page.get_by_role("link", name="Dónde discrepan el avance oficial y los vecinos").click()
    row = page.get_by_role("row").filter(has_text="S1.1")
    assert "60 puntos más de avance reportado del que perciben los vecinos" in row.inner_text()
    page.goto(published + "/")
    page.get_by_role("link", name="Resumen para la audiencia pública").first.click()
    assert page.locator("h1").inner_text() == "Resumen para la audiencia pública, 2021-T4"
    page.emulate_media(media="print")
    # Waited for: the print style applies once the page is drawn again.
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"


def test_screenshots(page, phone, published, tmp_path):
    """The pictures in the README; SCREENSHOT_DIR keeps them, otherwise they are checked only."""
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.goto(published + "/")
    page.screenshot(path=folder / "inicio.png")
    phone.goto(published + "/metas/S1.1")
    phone.screenshot(path=folder / "meta-movil.png")
    for name in ("inicio.png", "meta-movil.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
