"""Error pages on a phone: a signed-in resident who sends too much is told so, in Spanish,
on a page that fits the screen."""
from tests.e2e.conftest import live_app
from tests.e2e.test_reporting import sign_in


def test_a_comment_past_the_size_limit_gets_the_413_page_on_a_phone(phone, live_server,
                                                                     serious_violations):
    app = live_app()
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2**20  # the limit is read for each request
    try:
        sign_in(phone, live_server, "resident")
        phone.goto(live_server + "/metas/S7.6")
        with phone.expect_navigation():
            phone.locator("textarea[name=body]").first.evaluate(
                "area => { area.removeAttribute('maxlength'); "
                "area.value = 'x'.repeat(2 * 1024 * 1024); area.form.requestSubmit(); }")
        assert phone.locator("h1").inner_text() == "Lo que envió es demasiado grande"
        main = phone.locator("main").inner_text()
        assert "El portal acepta como máximo 1 MB por envío" in main
        assert phone.get_by_role("button", name="Salir").is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(phone) == []
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit


def test_a_comment_sent_back_on_a_phone_lands_on_its_error_summary(phone, live_server,
                                                                  serious_violations):
    sign_in(phone, live_server, "resident")
    phone.goto(live_server + "/metas/S7.6")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Publicar", exact=True).click()
    summary = phone.locator("#comment-errors")
    assert "Escriba algo antes de publicar." in summary.inner_text()
    assert phone.evaluate("document.activeElement.id") == "comment-errors"
    top, bottom = summary.evaluate(
        "box => [box.getBoundingClientRect().top, box.getBoundingClientRect().bottom]")
    assert -1 <= top and bottom <= phone.viewport_size["height"]  # in sight, not 2,500 px down
    summary.get_by_role("link", name="Su comentario").click()
    assert phone.evaluate("document.activeElement.name") == "body"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(phone) == []
