"""Officials and admins sign in with a password and a second factor (TOTP)."""
import re

import pyotp
import pytest
from sqlalchemy import select

from models import AuditEntry, User, db
from tests.conftest import PASSWORDS, second_factor_code, sign_in, text_of


def password_step(client, email, role="official"):
    return client.post("/entrar", data={"email": email, "password": PASSWORDS[role]})


def test_a_new_official_enrols_with_a_qr_code_and_gets_recovery_codes(app, runner):
    runner.invoke(args=["users", "create", "--email", "gerencia@ilo.gob.pe", "--name",
                        "Gerencia", "--role", "official"], input=PASSWORDS["official"] + "\n")
    client = app.test_client()
    first = password_step(client, "gerencia@ilo.gob.pe")
    assert first.headers["Location"] == "/entrar/activar-segundo-factor"
    assert client.get("/reportes/importar").status_code == 302  # not signed in yet

    page = client.get("/entrar/activar-segundo-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/entrar/activar-segundo-factor", data={"code": "000000"})
    assert wrong.status_code == 401
    assert "Ese código no es correcto" in text_of(wrong)

    done = client.post("/entrar/activar-segundo-factor",
                       data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/reportes/importar").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "gerencia@ilo.gob.pe"))
        assert user.totp_secret == secret and user.totp_enabled_at is not None


def test_an_enrolled_official_needs_the_code_after_the_password(app, make_user):
    official = make_user("official")
    client = app.test_client()
    assert password_step(client, official[1]).headers["Location"] == "/entrar/segundo-factor"
    assert client.get("/reportes/importar").status_code == 302
    wrong = client.post("/entrar/segundo-factor", data={"code": "123456"})
    assert wrong.status_code == 401
    assert "Ese código no es correcto, o ya fue usado." in text_of(wrong)
    code = second_factor_code(app, official[1])
    assert client.post("/entrar/segundo-factor", data={"code": code}).status_code == 302
    assert client.get("/reportes/importar").status_code == 200

    replay = app.test_client()
    password_step(replay, official[1])
    assert replay.post("/entrar/segundo-factor", data={"code": code}).status_code == 401


def test_a_recovery_code_works_once(app, make_user, runner):
    official = make_user("official")
    with app.test_request_context():
        from portal.services.second_factor import new_recovery_codes
        user = db.session.get(User, official[0])
        codes = new_recovery_codes(user)
        db.session.commit()
    client = app.test_client()
    password_step(client, official[1])
    used = client.post("/entrar/segundo-factor", data={"code": codes[0].upper()},
                       follow_redirects=True)
    assert "Usó un código de recuperación; quedan 9." in text_of(used)
    again = app.test_client()
    password_step(again, official[1])
    assert again.post("/entrar/segundo-factor", data={"code": codes[0]}).status_code == 401


def test_the_second_step_must_follow_the_password_soon(app, make_user):
    official = make_user("official")
    client = app.test_client()
    password_step(client, official[1])
    app.config["SECOND_FACTOR_SECONDS"] = -1
    try:
        response = client.post("/entrar/segundo-factor",
                               data={"code": second_factor_code(app, official[1])})
    finally:
        app.config["SECOND_FACTOR_SECONDS"] = 300
    assert response.headers["Location"] == "/entrar"
    assert client.get("/reportes/importar").status_code == 302


def test_the_second_step_without_a_password_sends_back_to_sign_in(client):
    assert client.get("/entrar/segundo-factor").headers["Location"] == "/entrar"
    assert client.post("/entrar/segundo-factor", data={"code": "123456"}) \
        .headers["Location"] == "/entrar"


def test_guessing_codes_is_throttled(app, make_user):
    official = make_user("official")
    client = app.test_client()
    password_step(client, official[1])
    for _attempt in range(5):
        assert client.post("/entrar/segundo-factor", data={"code": "111111"}).status_code == 401
    assert client.post("/entrar/segundo-factor", data={"code": "111111"}).status_code == 429


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_residents_and_committee_members_need_no_second_factor(app, make_user, role):
    user = make_user(role, committees=("COPALE",) if role == "moderator" else ())
    response = password_step(app.test_client(), user[1], role)
    assert response.headers["Location"] == "/"


def test_an_admin_resets_a_lost_second_factor(app, make_user):
    official = make_user("official")
    admin = make_user("admin")
    browser = app.test_client()
    sign_in(app, browser, admin[1], "admin")
    assert browser.post(f"/admin/cuentas/{official[0]}/segundo-factor").status_code == 302
    with app.app_context():
        assert db.session.get(User, official[0]).totp_secret is None
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.subject == official[1])) == "second_factor_reset"
    assert password_step(app.test_client(), official[1]).headers["Location"] == \
        "/entrar/activar-segundo-factor"
