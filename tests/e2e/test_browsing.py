"""A resident browses the plan in a real browser."""
import pytest


def test_home_to_dimension_to_goal_then_english(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Plan de gobierno 2019–2022"
    page.get_by_role("link", name="Dimensión Social").click()
    page.wait_for_url("**/dimensiones/S")
    assert page.locator("h1").inner_text() == "Dimensión Social"

    page.get_by_role("link", name="S7.6", exact=True).click()
    page.wait_for_url("**/metas/S7.6")
    assert page.locator("h1").inner_text() == "Meta S7.6"
    assert "05 Proyectos de inversión para ampliación" in page.locator(".goal-statement").inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/metas/S7.6")
    assert page.locator("h1").inner_text() == "Goal S7.6"
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(live_server + "/dimensiones/E")
    assert page.locator("h1").inner_text() == "Económica dimension", "the choice is remembered"
    page.get_by_role("link", name="Español").click()
    assert page.locator("h1").inner_text() == "Dimensión Económica"


@pytest.mark.parametrize("path", ["/", "/dimensiones/S", "/metas/S7.6", "/api", "/metas/Z1.1",
                                  "/municipalidades", "/municipalidades?departamento=18",
                                  "/m/pacocha/", "/m/pacocha/metas/S1.2",
                                  "/municipalidades/metas?q=salud", "/municipalidades/datos",
                                  "/municipalidades/respuestas"])
def test_no_serious_accessibility_violations(page, live_server, serious_violations, path):
    page.goto(live_server + path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/dimensiones/S", "/metas/S7.6"])
def test_pages_fit_a_phone_screen(phone, live_server, path):
    phone.goto(live_server + path)
    overflow = phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert phone.locator("h1").is_visible()


def test_pages_run_under_the_content_security_policy(browser, live_server):
    """No bypass here: the policy the portal sends is the one the browser applies."""
    from tests.e2e.test_reporting import sign_in

    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in ("/", "/metas/S7.6", "/brecha", "/audiencia/2021-T4", "/entrar"):
        page.goto(live_server + path)
    sign_in(page, live_server, "resident")
    page.goto(live_server + "/metas/S4.2")
    page.get_by_label("Su comentario").fill("Hola")
    assert page.locator(".counter").inner_text() == "Quedan 1996 caracteres"
    context.close()
    assert refused == []
