"""Residents, a committee and the mayor's office on one goal, in real browsers."""
import re

from portal.extensions import mail
from tests.e2e.test_reporting import sign_in


def test_register_comment_report_hide_log_and_answer(new_page, live_server, serious_violations):
    # A resident registers, confirms the address, comments and rates.
    ana = new_page()
    with mail.record_messages() as outbox:
        ana.goto(live_server + "/registro")
        ana.get_by_label("Nombre que se muestra con sus comentarios").fill("Ana Flores")
        ana.get_by_label("Correo electrónico").fill("ana@example.org")
        ana.get_by_label("Contraseña (al menos 10 caracteres)").fill("el mar de ilo es azul")
        ana.get_by_label("Repita la contraseña").fill("el mar de ilo es azul")
        ana.get_by_role("button", name="Crear mi cuenta").click()
        assert ana.locator("h1").inner_text() == "Revise su correo"
    link = re.search(r"http://[^\s]+/confirmar/\S+", outbox[0].body).group(0)
    ana.goto(live_server + link[link.index("/confirmar/"):])
    sign_in(ana, live_server, None, "ana@example.org", "el mar de ilo es azul")

    ana.goto(live_server + "/metas/S4.1")
    ana.get_by_label("Su comentario").fill("Los talleres de lectura no llegaron a mi colegio.")
    stars = ana.get_by_role("group",
                            name="Su calificación de qué tan bien se cumple esta meta (opcional)")
    stars.get_by_label("2 de 5 estrellas").check()
    ana.get_by_role("button", name="Publicar", exact=True).click()
    comment = ana.locator("article.comment").first
    assert "Los talleres de lectura no llegaron" in comment.inner_text()
    assert "2.0 de 5" in ana.locator("#calificacion").inner_text()
    assert serious_violations(ana) == []

    # A second resident reports it.
    luis = new_page()
    sign_in(luis, live_server, "resident")
    luis.goto(live_server + "/metas/S4.1")
    luis.locator("article.comment").first.get_by_role("link", name="Reportar").click()
    luis.get_by_label("No trata de esta meta").check()
    assert serious_violations(luis) == []
    luis.get_by_role("button", name="Reportar").click()
    assert "Gracias" in luis.locator(".alert").inner_text()

    # The COPALE member finds it in the queue and hides it with a reason.
    rosa = new_page()
    sign_in(rosa, live_server, "moderator")
    rosa.get_by_role("link", name="Moderación", exact=True).click()
    assert serious_violations(rosa) == []
    rosa.get_by_role("link", name=re.compile("Meta S4.1")).click()
    rosa.get_by_label("Motivo").select_option("off_topic")
    rosa.get_by_label("Nota para el autor (opcional)").fill("Comente en la meta S4.5.")
    rosa.get_by_role("button", name="Ocultar el comentario").click()
    rosa.goto(live_server + "/metas/S4.1")
    assert "Comentario ocultado por COPALE: No trata de esta meta." in \
        rosa.locator("#comentarios").inner_text()

    # The public log shows the decision, never the text.
    luis.goto(live_server + "/moderacion/registro")
    log = luis.locator("main").inner_text()
    assert "COPALE" in log and "No trata de esta meta" in log
    assert "talleres de lectura" not in log
    assert serious_violations(luis) == []

    # The author learns why on her account page.
    ana.goto(live_server + "/cuenta")
    assert "Nota: Comente en la meta S4.5." in ana.locator("main").inner_text()

    # The committee posts an observation; the mayor's office answers it.
    rosa.goto(live_server + "/metas/S4.1")
    rosa.get_by_label("Tipo").select_option("alerta")
    rosa.get_by_label("Observación", exact=True).fill("No hay cronograma de capacitación.")
    rosa.get_by_role("button", name="Publicar la observación").click()
    assert "Esperando la respuesta de la municipalidad" in \
        rosa.locator("#observaciones").inner_text()

    office = new_page()
    sign_in(office, live_server, "official")
    office.goto(live_server + "/metas/S4.1")
    office.get_by_label("La respuesta de la municipalidad").fill(
        "El cronograma se publica el 15 de marzo.")
    office.get_by_role("button", name="Publicar la respuesta").click()
    observations = office.locator("#observaciones").inner_text()
    assert "El cronograma se publica el 15 de marzo." in observations
    assert "Esperando la respuesta" not in observations
    assert serious_violations(office) == []


def test_the_stars_are_rated_with_the_keyboard_and_read_as_radio_buttons(page, live_server,
                                                                        serious_violations):
    sign_in(page, live_server, "resident")
    page.goto(live_server + "/metas/S5.2")
    stars = page.get_by_role("group", name="¿Qué tan bien se está cumpliendo esta meta?")
    assert [stars.get_by_role("radio").nth(n).get_attribute("value") for n in range(5)] == \
        ["1", "2", "3", "4", "5"]
    first = stars.get_by_role("radio", name="1 de 5 estrellas")
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the arrows choose within the group, as for any radio
    assert stars.get_by_role("radio", name="3 de 5 estrellas").is_checked()
    glyph = stars.locator(".star-input:focus-visible + .star-glyph")
    assert glyph.evaluate("glyph => getComputedStyle(glyph).outlineStyle") == "solid"
    filled = stars.locator(".star-glyph").evaluate_all(
        "glyphs => glyphs.map(g => getComputedStyle(g, '::before').content)")
    assert filled == ['"★"', '"★"', '"★"', '"☆"', '"☆"']
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Su calificación: 3 de 5" in page.locator("#calificacion").inner_text()
    assert serious_violations(page) == []
