"""A resident follows a goal and is told, on the portal, when the municipality reports."""
import re

from tests.e2e.test_reporting import sign_in


def test_a_follower_sees_the_report_in_the_notifications(new_page, live_server,
                                                          serious_violations):
    luis = new_page()
    sign_in(luis, live_server, "resident")
    luis.goto(live_server + "/metas/S6.2")
    luis.get_by_role("button", name="Seguir", exact=True).click()
    assert "Usted sigue la meta S6.2" in luis.locator(".alert").inner_text()
    assert luis.get_by_text("Siguiendo").is_visible()

    official = new_page()
    sign_in(official, live_server, "official")
    official.goto(live_server + "/metas/S6.2/reportes/nuevo")
    official.get_by_label("Trimestre").select_option("2021-T1")
    official.get_by_label("Estado").select_option("en_ejecucion")
    official.get_by_label("Avance físico (%)").fill("20")
    official.get_by_label("Qué se hizo").fill("Convenio firmado con los productores.")
    official.get_by_role("button", name="Publicar el reporte").click()
    official.wait_for_url("**/metas/S6.2#reportes")

    luis.goto(live_server + "/")
    # Two for this report (more when other tests of the same server told Luis first).
    header = luis.get_by_role("link", name=re.compile(r"^Notificaciones \(\d+ sin leer\)$"))
    header.click()
    assert serious_violations(luis) == []
    luis.get_by_role("link", name="Meta S6.2: la municipalidad publicó su reporte de 2021-T1 "
                                  "(En ejecución).").click()
    luis.wait_for_url("**/metas/S6.2#reportes")
    assert "Convenio firmado con los productores." in luis.locator("#reportes").inner_text()
    luis.goto(live_server + "/notificaciones")
    luis.get_by_role("button", name="Marcar todas como leídas").click()
    assert luis.get_by_role("link", name="Notificaciones", exact=True).is_visible()
