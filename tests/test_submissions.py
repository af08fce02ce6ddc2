"""A form sent twice (a double click, back and send again) acts once and shows its result."""
import re

import pyotp
import pytest
from sqlalchemy import select

from models import Comment, ModerationAction, Observation, ObservationResponse, Report, User, db
from tests.conftest import PASSWORDS, second_factor_code, text_of
from tests.test_thread import browser, comment_id, count

TOKEN = "a-form-drawn-once-1234"


def form_token(page, form=None):
    """The token of the page's first form, or of its form with this class."""
    if form is not None:
        page = re.search(r'<form [^>]*class="[^"]*' + form + r'[^"]*".*?</form>', page,
                         re.S).group(0)
    return re.search(r'name="once" type="hidden" value="([^"]+)"', page).group(1)


def test_forms_carry_a_token_of_their_own(app, make_user):
    reader = browser(app, make_user(), "resident")
    first = reader.get("/metas/S7.6").get_data(as_text=True)
    second = reader.get("/metas/S7.6").get_data(as_text=True)  # the forms from the cache
    assert form_token(first, "comment-form") != form_token(second, "comment-form")
    assert form_token(second, "rating-form") not in (form_token(first, "rating-form"),
                                                    form_token(second, "comment-form"))
    assert "__once_token__" not in second and "__csrf_token__" not in second


def test_a_comment_sent_twice_is_published_once(app, make_user):
    client = browser(app, make_user(), "resident")
    data = {"body": "Doble clic en publicar.", "stars": "4", "once": TOKEN}
    first = client.post("/metas/S7.6/comentarios", data=data)
    second = client.post("/metas/S7.6/comentarios", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert count(app, Comment, body="Doble clic en publicar.") == 1
    page = text_of(client.get(second.headers["Location"]))
    assert "Ya lo había enviado; se registró una sola vez." in page
    assert page.count("Doble clic en publicar.") == 1


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(app, make_user):
    client = browser(app, make_user(), "resident")
    refused = client.post("/metas/S7.6/comentarios", data={"body": "  ", "once": TOKEN})
    assert refused.status_code == 400
    # The refused form keeps its token.
    assert form_token(refused.get_data(as_text=True), "comment-form") == TOKEN
    done = client.post("/metas/S7.6/comentarios", data={"body": "Ahora sí.", "once": TOKEN})
    assert done.status_code == 302
    assert count(app, Comment, body="Ahora sí.") == 1


def test_tokens_are_each_users_own(app, make_user):
    for number in range(2):
        client = browser(app, make_user(), "resident")
        assert client.post("/metas/S7.6/comentarios", data={
            "body": f"Mismo formulario {number}.", "once": TOKEN}).status_code == 302
    assert count(app, Comment, body="Mismo formulario 0.") == 1
    assert count(app, Comment, body="Mismo formulario 1.") == 1


def test_the_same_words_sent_again_from_a_reloaded_form_are_published_once(app, make_user):
    """Going back reloads the form with a new token; the words are what is sent again."""
    client = browser(app, make_user(), "resident")
    for token in ("first-drawing-0000001", "second-drawing-000002", None):
        data = {"body": "Sin ficha."} | ({"once": token} if token else {})
        assert client.post("/metas/S7.6/comentarios", data=data).status_code == 302
    assert count(app, Comment, body="Sin ficha.") == 1
    client.post("/metas/S7.6/comentarios", data={"body": "Otra cosa."})
    assert count(app, Comment) == 2
    # A reply with the same words answers another conversation: it is a new one.
    parent = comment_id(app, "Otra cosa.")
    client.post(f"/comentarios/{parent}/responder", data={"body": "Sin ficha."})
    assert count(app, Comment, body="Sin ficha.") == 2


def test_a_report_sent_again_naming_another_quarter_is_not_published_twice(app, make_user):
    official = browser(app, make_user("official"), "official")
    data = {"quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "20",
            "narrative": "Obra en curso."}
    assert official.post("/metas/S7.6/reportes/nuevo", data=data).status_code == 302
    again = official.post("/metas/S7.6/reportes/nuevo", data=data | {"quarter": "2022-T4"})
    assert again.status_code == 302
    assert "Ya lo había enviado" in text_of(official.get(again.headers["Location"]))
    assert count(app, Report) == 1
    # Other words for another quarter are a new report.
    assert official.post("/metas/S7.6/reportes/nuevo", data=data | {
        "quarter": "2021-T4", "progress_pct": "30"}).status_code == 302
    assert count(app, Report) == 2


def test_a_report_sent_twice_is_published_once(app, make_user):
    official = browser(app, make_user("official"), "official")
    data = {"quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "45,5",
            "narrative": "Obra en curso.", "once": TOKEN}
    first = official.post("/metas/S7.6/reportes/nuevo", data=data)
    second = official.post("/metas/S7.6/reportes/nuevo", data=data)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        reports = db.session.scalars(select(Report).join(Report.goal)).all()
        assert [(r.quarter, len(r.revisions)) for r in reports] == [("2021-T3", 1)]
        assert str(reports[0].current.progress_pct) == "45.50"
    assert "45.5 %" in text_of(official.get("/metas/S7.6"))


def test_an_observation_its_answer_and_a_moderation_sent_twice_act_once(app, make_user):
    copale = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    observation = {"committee": "COPALE", "kind": "alerta", "body": "Falta el mobiliario.",
                   "once": TOKEN}
    for _ in range(2):
        assert copale.post("/metas/S4.1/observaciones", data=observation).status_code == 302
    assert count(app, Observation) == 1
    with app.app_context():
        observation_id = db.session.scalar(select(Observation.id))
    official = browser(app, make_user("official"), "official")
    for _ in range(2):
        answer = official.post(f"/observaciones/{observation_id}/respuesta",
                               data={"body": "Llega en marzo.", "once": TOKEN})
        assert answer.status_code == 302
    assert count(app, ObservationResponse) == 1

    resident = browser(app, make_user(), "resident")
    resident.post("/metas/S4.1/comentarios", data={"body": "Publicidad."})
    spam = comment_id(app, "Publicidad.")
    for _ in range(2):
        assert copale.post(f"/comentarios/{spam}/moderar", data={
            "action": "hide", "reason": "spam", "once": TOKEN + "-2"}).status_code == 302
    assert count(app, ModerationAction, comment_id=spam) == 1


def test_a_decimal_comma_is_read_and_thousands_separators_are_refused(app, make_user):
    official = browser(app, make_user("official"), "official")
    refused = official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "45,5",
        "narrative": "Obra.", "pim": "1.250,50"})
    assert refused.status_code == 400
    assert ("PIM debe ser un número sin separadores de miles, como 1250.50 o 1250,50."
            in text_of(refused))
    assert count(app, Report) == 0


def enrolling_official(app, runner, email="gerencia@ilo.gob.pe"):
    runner.invoke(args=["users", "create", "--email", email, "--name", "Gerencia",
                        "--role", "official"], input=PASSWORDS["official"] + "\n")
    client = app.test_client()
    client.post("/entrar", data={"email": email, "password": PASSWORDS["official"]})
    return client


def shown_secret(client):
    page = client.get("/entrar/activar-segundo-factor").get_data(as_text=True)
    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1), form_token(page)


def test_an_interrupted_enrolment_keeps_the_secret_already_scanned(app, runner):
    client = enrolling_official(app, runner)
    secret, _ = shown_secret(client)
    assert client.post("/entrar/activar-segundo-factor",
                       data={"code": "000000"}).status_code == 401
    # The sign-in is started again later (a new browser, or the time ran out).
    again = app.test_client()
    again.post("/entrar", data={"email": "gerencia@ilo.gob.pe",
                                "password": PASSWORDS["official"]})
    assert shown_secret(again)[0] == secret
    done = again.post("/entrar/activar-segundo-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert again.get("/reportes/importar").status_code == 200


def test_an_enrolment_confirmed_twice_shows_fresh_recovery_codes(app, runner):
    client = enrolling_official(app, runner)
    secret, token = shown_secret(client)
    cookie = client.get_cookie("session").value
    code = pyotp.TOTP(secret).now()
    first = client.post("/entrar/activar-segundo-factor", data={"code": code, "once": token})
    first_codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", first.get_data(True))
    # The second click left with the cookie the first answer had not replaced yet.
    second_click = app.test_client()
    second_click.set_cookie("session", cookie)
    second = second_click.post("/entrar/activar-segundo-factor",
                               data={"code": code, "once": token})
    assert second.status_code == 200
    assert "Ya había enviado este código" in text_of(second)
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", second.get_data(True))
    assert len(codes) == 10 and not set(codes) & set(first_codes)
    assert second_click.get("/reportes/importar").status_code == 200
    # Another code, or another form, gets no such help.
    third = app.test_client()
    third.set_cookie("session", cookie)
    assert third.post("/entrar/activar-segundo-factor",
                      data={"code": "000000", "once": token}).status_code == 302
    assert third.get("/reportes/importar").status_code == 302


def test_a_second_factor_sent_twice_signs_in_both_times(app, make_user):
    official = make_user("official")
    client = app.test_client()
    client.post("/entrar", data={"email": official[1], "password": PASSWORDS["official"]})
    token = form_token(client.get("/entrar/segundo-factor").get_data(as_text=True))
    cookie = client.get_cookie("session").value
    code = second_factor_code(app, official[1])
    first = client.post("/entrar/segundo-factor", data={"code": code, "once": token})
    assert first.status_code == 302
    second_click = app.test_client()
    second_click.set_cookie("session", cookie)
    second = second_click.post("/entrar/segundo-factor", data={"code": code, "once": token})
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second_click.get("/reportes/importar").status_code == 200
    # The same code in another form (a replay) is still refused.
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.post("/entrar/segundo-factor",
                       data={"code": code, "once": TOKEN}).status_code == 401
    # Sent again once signed in (back, then send): the portal, not an error.
    again = client.post("/entrar/segundo-factor", data={"code": code, "once": token})
    assert again.status_code == 302 and again.headers["Location"] == "/"


@pytest.mark.parametrize("email, name, message", [
    ("sin-arroba", "Gerencia", "no es una dirección de correo válida"),
    ("ok@ilo.gob.pe", "G", "El nombre debe tener entre 2 y 80 caracteres."),
    ("ok@ilo.gob.pe", "G" * 81, "El nombre debe tener entre 2 y 80 caracteres."),
])
def test_users_create_refuses_bad_input_without_a_traceback(app, runner, email, name, message):
    result = runner.invoke(args=["users", "create", "--email", email, "--name", name,
                                 "--role", "resident"], input=PASSWORDS["resident"] + "\n")
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email)) is None
