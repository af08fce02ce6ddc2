"""A public hearing: scheduled by the office, a resident's question before the deadline,
the written answer, and both on the hearing's page and its printed summary."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.test_reporting import sign_in


def local(days, hour):
    moment = datetime.now(ZoneInfo("America/Lima")) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_a_question_asked_answered_and_printed(new_page, live_server, serious_violations):
    official = new_page()
    sign_in(official, live_server, "official")
    official.goto(live_server + "/audiencias")
    official.get_by_role("link", name="Programar una audiencia").click()
    assert serious_violations(official) == []
    official.get_by_label("Fecha y hora de la audiencia").fill(local(30, 10))
    official.get_by_label("Lugar").fill("Coliseo municipal de Pacocha")
    official.get_by_label("Primer trimestre del que rinde cuentas").select_option("2021-T1")
    official.get_by_label("Último trimestre del que rinde cuentas").select_option("2021-T4")
    official.get_by_label("Los vecinos pueden enviar preguntas hasta").fill(local(25, 18))
    official.get_by_role("button", name="Programar").click()
    official.wait_for_url("**/audiencias/*")
    hearing = official.url

    luis = new_page()
    sign_in(luis, live_server, "resident")
    luis.goto(live_server + "/audiencias")
    assert "Coliseo municipal de Pacocha" in luis.locator("main").inner_text()
    luis.set_viewport_size({"width": 360, "height": 740})
    for page in ("/", "/metas/S7.6"):  # where residents look first
        luis.goto(live_server + page)
        coming = luis.get_by_role("complementary", name="Próxima audiencia pública")
        assert "Coliseo municipal de Pacocha" in coming.inner_text()
        assert "los vecinos pueden enviar preguntas escritas" in coming.inner_text()
        assert luis.evaluate("document.documentElement.scrollWidth") <= 360
    coming.get_by_role("link", name="Preguntar sobre la meta S7.6").click()
    assert luis.url == hearing + "#preguntas"
    assert serious_violations(luis) == []
    luis.get_by_label("Su pregunta").fill("¿Cuándo abre el puesto de salud de Pacocha?")
    luis.get_by_label("Meta sobre la que pregunta").fill("S7.6")
    luis.get_by_role("button", name="Enviar la pregunta").click()
    assert "Su pregunta está publicada" in luis.locator(".alert").inner_text()
    question = luis.locator("article.question").filter(
        has_text="¿Cuándo abre el puesto de salud de Pacocha?")
    assert "Esperando la respuesta escrita de la municipalidad." in question.inner_text()

    official.goto(hearing)
    asked = official.locator("article.question").filter(
        has_text="¿Cuándo abre el puesto de salud de Pacocha?")
    asked.get_by_label("Respuesta de la municipalidad").fill(
        "En el primer trimestre de 2022, con el equipamiento completo.")
    asked.get_by_role("button", name="Publicar la respuesta").click()
    assert "La respuesta está publicada" in official.locator(".alert").inner_text()

    luis.goto(hearing)
    answered = luis.locator("article.question").filter(has_text="Pacocha")
    assert "En el primer trimestre de 2022" in answered.inner_text()
    luis.get_by_role("link", name="El resumen para la audiencia, para imprimir").click()
    assert luis.locator("h1").inner_text().startswith("Resumen para la audiencia pública del")
    questions = luis.locator("section").filter(
        has=luis.get_by_role("heading", name="Las preguntas de los vecinos y las respuestas"))
    assert "¿Cuándo abre el puesto de salud de Pacocha?" in questions.inner_text()
    assert "En el primer trimestre de 2022" in questions.inner_text()
    assert serious_violations(luis) == []
    luis.emulate_media(media="print")
    assert luis.locator(".site-header").is_hidden()
    assert luis.pdf(format="A4")[:4] == b"%PDF"
