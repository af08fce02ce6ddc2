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
