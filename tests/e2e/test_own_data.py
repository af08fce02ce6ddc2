"""A resident's own data on a phone: deleting the account, refused first without the
confirmation, then done, with the comments left signed "Cuenta eliminada"."""
from models import db
from portal.services.accounts import create_user
from portal.services.feedback import post_comment
from portal.services.plan import goal_by_code
from tests.conftest import PASSWORDS
from tests.e2e.conftest import live_app
from tests.e2e.test_reporting import sign_in

EMAIL = "se-va@example.org"


def test_a_resident_deletes_the_account_on_a_phone(phone, live_server, serious_violations):
    app = live_app()
    with app.test_request_context():
        leaving = create_user(EMAIL, "Rosa Se Va", "resident", PASSWORDS["resident"])
        db.session.flush()
        post_comment(leaving, goal_by_code("E5.1"), "El mercado sigue sin techo.")
        db.session.commit()
    sign_in(phone, live_server, "resident", email=EMAIL)
    phone.goto(live_server + "/cuenta")
    phone.get_by_role("link", name="Eliminar mi cuenta").click()
    assert phone.locator("h1").inner_text() == "Eliminar mi cuenta"
    assert serious_violations(phone) == []

    phone.get_by_label("Dejarlos, firmados como «Cuenta eliminada»").check()
    phone.get_by_label("Su contraseña").fill(PASSWORDS["resident"])
    with phone.expect_navigation():
        phone.get_by_role("button", name="Eliminar mi cuenta definitivamente").click()
    assert "Marque la casilla" in phone.locator("#form-errors").inner_text()
    assert phone.evaluate("document.activeElement.id") == "form-errors"  # no confirmation yet
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("Su contraseña").fill(PASSWORDS["resident"])
    phone.get_by_label("Entiendo que mi cuenta se elimina definitivamente",
                       exact=False).check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Eliminar mi cuenta definitivamente").click()
    assert "Su cuenta fue eliminada" in phone.locator("main").inner_text()
    assert phone.get_by_role("link", name="Entrar").is_visible()

    phone.goto(live_server + "/metas/E5.1")
    thread = phone.locator("#comentarios").inner_text()
    assert "El mercado sigue sin techo." in thread and "Cuenta eliminada" in thread
    assert "Rosa Se Va" not in phone.content()

    phone.goto(live_server + "/entrar")
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_label("Contraseña").fill(PASSWORDS["resident"])
    with phone.expect_navigation():
        phone.get_by_role("button", name="Entrar").click()
    assert "/entrar" in phone.url and phone.locator("#form-errors").is_visible()
