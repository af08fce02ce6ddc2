"""An official publishes and corrects a report in a real browser."""
import pyotp

from tests.conftest import PASSWORDS, second_factor_code
from tests.e2e.conftest import LIVE_USERS, live_app


def sign_in(page, live_server, role, email=None, password=None, violations=None):
    """Sign in through the forms, second factor included (enrolling the first time)."""
    email = email or LIVE_USERS[role][0]
    page.goto(live_server + "/entrar")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password or PASSWORDS[role])
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_load_state()
    if "/entrar/activar-segundo-factor" in page.url:
        assert violations is None or violations(page) == []
        secret = page.locator("code.secret").inner_text()
        page.get_by_label("Código").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Activarlo").click()
        assert page.locator("h1").inner_text() == "Sus códigos de recuperación"
        assert page.locator(".recovery-codes li").count() == 10
        assert violations is None or violations(page) == []
        page.get_by_role("link", name="Continuar").click()
    elif "/entrar/segundo-factor" in page.url:
        assert violations is None or violations(page) == []
        page.get_by_label("Código").fill(second_factor_code(live_app(), email))
        page.get_by_role("button", name="Continuar").click()
    page.wait_for_url(live_server + "/")


def test_an_official_publishes_then_corrects_a_report(page, live_server, serious_violations):
    sign_in(page, live_server, "official")
    page.goto(live_server + "/metas/S7.7")
    page.get_by_role("link", name="Publicar un reporte").click()
    assert serious_violations(page) == []

    page.get_by_label("Trimestre").select_option("2021-T3")
    page.get_by_label("Estado").select_option("en_ejecucion")
    page.get_by_label("Avance físico (%)").fill("35")
    page.get_by_label("Cantidad entregada").fill("2")
    page.get_by_label("Qué se hizo").fill("Redes instaladas en dos asentamientos.")
    page.get_by_label("Fuentes, una por línea").fill("Informe N° 031-2021-GDU")
    page.get_by_role("button", name="Publicar el reporte").click()
    page.wait_for_url("**/metas/S7.7#reportes")
    assert "Reporte de 2021-T3 publicado." in page.locator("main").inner_text()
    assert "Entregado: 2 de 6" in page.locator(".goal-now").inner_text()

    page.get_by_role("link", name="Corregir este reporte").click()
    page.get_by_label("Avance físico (%)").fill("40")
    page.get_by_label("Motivo de la corrección").fill("Se sumó un tercer tramo.")
    page.get_by_role("button", name="Publicar la corrección").click()
    page.wait_for_url("**/metas/S7.7#reportes")
    report = page.locator("article.report")
    assert "Motivo: Se sumó un tercer tramo." in report.inner_text()
    page.get_by_text("Ver la versión anterior").click()
    assert "Avance físico\n35 %" in report.locator("details").inner_text()
    assert serious_violations(page) == []


def test_bad_input_is_explained_next_to_the_field(page, live_server, serious_violations):
    sign_in(page, live_server, "official")
    page.goto(live_server + "/metas/S7.6/reportes/nuevo")
    page.get_by_label("Avance físico (%)").fill("140")
    page.get_by_role("button", name="Publicar el reporte").click()
    error = page.locator("#progress_pct-error")
    assert error.inner_text() == "Avance físico debe estar entre 0 y 100."
    assert page.get_by_label("Avance físico (%)").get_attribute("aria-invalid") == "true"
    assert serious_violations(page) == []


def test_admin_pages_are_accessible(page, live_server, serious_violations):
    sign_in(page, live_server, "admin", violations=serious_violations)
    for path in ("/admin/cuentas", "/admin/auditoria", "/comites/COPALE/alcance", "/comites/"):
        page.goto(live_server + path)
        assert serious_violations(page) == [], path
