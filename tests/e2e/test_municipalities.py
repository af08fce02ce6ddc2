"""Two municipalities in one portal, in a browser: a resident follows goals of both and is
told of reports in both; each municipality's office publishes on its own goals only."""
from tests.conftest import PASSWORDS
from tests.e2e.conftest import live_app
from tests.e2e.test_reporting import sign_in

RESIDENT = "ana.flores@example.org"
PACOCHA_OFFICE = "oficina@pacocha.example.org"


def accounts():
    from models import db
    from portal.services.accounts import create_user
    from portal.services.municipalities import staff_municipality

    with live_app().app_context():
        create_user(RESIDENT, "Ana Flores", "resident", PASSWORDS["resident"])
        create_user(PACOCHA_OFFICE, "Oficina de Pacocha [Demostración]", "official",
                    PASSWORDS["official"], (), staff_municipality("pacocha"))
        db.session.commit()


def publish(page, base, goal, quarter, narrative):
    page.goto(f"{base}{goal}/reportes/nuevo")
    page.get_by_label("Trimestre").select_option(quarter)
    page.get_by_label("Estado").select_option("en_ejecucion")
    page.get_by_label("Avance físico (%)").fill("25")
    page.get_by_label("Qué se hizo").fill(narrative)
    page.get_by_role("button", name="Publicar el reporte").click()
    page.wait_for_url(f"**{goal}#reportes")


def test_a_resident_is_told_in_both_and_each_office_acts_in_its_own(new_page, live_server,
                                                                    serious_violations):
    accounts()
    ana = new_page()
    sign_in(ana, live_server, "resident", email=RESIDENT)
    for goal in ("/metas/S5.1", "/m/pacocha/metas/S1.2"):
        ana.goto(live_server + goal)
        ana.get_by_role("button", name="Seguir", exact=True).click()
        assert ana.get_by_text("Siguiendo").is_visible()

    ilo = new_page()
    sign_in(ilo, live_server, "official")
    publish(ilo, live_server, "/metas/S5.1", "2021-T2", "Obra iniciada en Ilo.")
    pacocha = new_page()
    sign_in(pacocha, live_server, "official", email=PACOCHA_OFFICE)
    publish(pacocha, live_server, "/m/pacocha/metas/S1.2", "2027-T1", "Programa iniciado.")

    # Each office is refused on the other's goals, and not offered to publish there.
    for page, elsewhere in ((ilo, "/m/pacocha/metas/S1.2"), (pacocha, "/metas/S5.1")):
        page.goto(live_server + elsewhere)
        assert page.get_by_role("link", name="Publicar un reporte").count() == 0
        response = page.goto(live_server + elsewhere + "/reportes/nuevo")
        assert response.status == 403

    ana.goto(live_server + "/notificaciones")
    assert serious_violations(ana) == []
    assert ana.get_by_role("link", name="Meta S5.1: la municipalidad publicó su reporte de "
                                        "2021-T2 (En ejecución).").is_visible()
    ana.get_by_role("link", name="Meta S1.2 · Municipalidad Distrital de Pacocha: la "
                                 "municipalidad publicó su reporte de 2027-T1 (En ejecución)."
                    ).click()
    ana.wait_for_url("**/m/pacocha/metas/S1.2#reportes")
    assert "Programa iniciado." in ana.locator("#reportes").inner_text()
