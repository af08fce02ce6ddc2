"""Error pages: in the reader's language for visitors and signed-in users, never raw; limits
that count what was accepted; redirects that stay on the site; 405 answers that say what
is allowed."""
import io
import re

import pytest
from flask import abort

from tests.conftest import sign_in, text_of
from tests.test_hearings import ask, hearing, official  # noqa: F401 (fixtures)

TITLES = {
    400: ("No se pudo entender la solicitud", "The request could not be understood"),
    403: ("No tiene permiso para hacer esto", "You may not do this"),
    404: ("Página no encontrada", "Page not found"),
    405: ("Esta acción no está permitida aquí", "This action is not allowed here"),
    410: ("Esto ya no está aquí", "This is no longer here"),
    413: ("Lo que envió es demasiado grande", "What you sent is too large"),
    429: ("Demasiadas solicitudes", "Too many requests"),
    500: ("Algo falló de nuestro lado", "Something went wrong on our side"),
    503: ("El portal no está disponible en este momento",
          "The portal is not available right now"),
}
SMALL_LIMIT_MB = 2


def raised_on_the_about_page(code):
    def trigger(client, app, monkeypatch):
        def fail(*args, **kwargs):
            if code == 500:
                raise RuntimeError("an error nobody expected")
            abort(code)
        monkeypatch.setattr("portal.views.plan.render_template", fail)
        return client.get("/acerca")
    return trigger


def too_large(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", SMALL_LIMIT_MB * 2**20)
    return client.post("/metas/S7.6/comentarios",
                       data={"body": "x" * (SMALL_LIMIT_MB + 1) * 2**20})


def too_many(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT", "1 per minute")
    client.post("/clave/olvido", data={"email": "nadie@example.org"})
    return client.post("/clave/olvido", data={"email": "nadie@example.org"})


TRIGGERS = {
    400: lambda client, app, monkeypatch: client.get("/acerca?q=%00"),
    403: raised_on_the_about_page(403),
    404: lambda client, app, monkeypatch: client.get("/no-existe"),
    405: lambda client, app, monkeypatch: client.get("/metas/S7.6/comentarios"),
    410: raised_on_the_about_page(410),
    413: too_large,
    429: too_many,
    500: raised_on_the_about_page(500),
    503: raised_on_the_about_page(503),
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_every_error_page_is_in_the_readers_language(app, make_user, monkeypatch, code,
                                                     language, signed_in):
    client = app.test_client()
    if signed_in:
        sign_in(app, client, make_user()[1], "resident")
    if language == "en":
        client.set_cookie("idioma", "en")
    response = TRIGGERS[code](client, app, monkeypatch)
    assert response.status_code == code
    page = text_of(response)
    spanish, english = TITLES[code]
    assert (spanish if language == "es" else english) in page
    assert (english if language == "es" else spanish) not in page
    assert f'<html lang="{language}">' in response.get_data(as_text=True)
    if signed_in:
        assert ("Salir" if language == "es" else "Sign out") in page


@pytest.mark.parametrize("url", ["/metas/S7.6/reportes/2021-T3/evidencia",
                                 "/metas/S7.6/verificacion", "/metas/S7.6/comentarios"])
def test_an_oversize_upload_gets_the_413_page_with_the_limit(app, make_user, monkeypatch, url):
    """At the real limit: a signed-in reader's page has the sign-out form, which read the
    refused body again and turned the 413 into a bare 500."""
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # its check reads the body first
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(url, data={"body": "Comentario", "photo": (
        io.BytesIO(b"\xff\xd8" + b"0" * limit), "foto.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 413
    page = text_of(response)
    assert "Lo que envió es demasiado grande" in page
    assert f"El portal acepta como máximo {limit // 2**20} MB por envío" in page
    assert "Salir" in page


def test_a_text_over_the_form_memory_is_told_so_not_the_upload_limit(app, english):
    response = english.post("/metas/S7.6/verificacion",
                            data={"comment": "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)},
                            content_type="multipart/form-data")
    assert response.status_code == 413
    assert "A text you sent is far longer than any field of the portal takes" in \
        text_of(response)


def test_the_429_page_says_what_was_limited_when_to_retry_and_links_back(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    for number in range(5):
        assert client.post("/metas/S7.6/comentarios",
                           data={"body": f"Comentario {number}"}).status_code == 302
    limited = client.post("/metas/S7.6/comentarios", data={"body": "Uno más"},
                          headers={"Referer": "http://localhost/metas/S7.6?pagina=2"})
    assert limited.status_code == 429
    page = text_of(limited)
    assert "per 1 minute" not in page
    assert "Llegó al límite de comentarios por ahora." in page
    assert re.search(r"Puede volver a intentarlo dentro de \d+ segundos", page)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert 'href="/metas/S7.6?pagina=2"' in limited.get_data(as_text=True)


def test_the_429_page_of_sign_in_in_english_links_home_from_elsewhere(english):
    for _attempt in range(5):
        english.post("/entrar", data={"email": "nadie@example.org", "password": "no es esta"})
    limited = english.post("/entrar", data={"email": "nadie@example.org", "password": "otra"},
                           headers={"Referer": "https://elsewhere.example/entrar"})
    assert limited.status_code == 429
    page = text_of(limited)
    assert "You have reached the limit of sign-in attempts for now." in page
    assert re.search(r"You can try again in \d+ seconds", page)
    assert "elsewhere.example" not in limited.get_data(as_text=True)
    assert int(limited.headers["Retry-After"]) >= 1


def test_comments_sent_back_with_errors_do_not_count_against_the_limit(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    for body in ("", "   ", "x" * 10_000, "", "x" * 10_000):
        assert client.post("/metas/S7.6/comentarios", data={"body": body}).status_code == 400
    assert client.post("/metas/S7.6/comentarios",
                       data={"body": "Ahora sí, un comentario."}).status_code == 302


def test_questions_sent_back_with_errors_do_not_count_against_the_limit(app, make_user,
                                                                         hearing):  # noqa: F811
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    for body, goal in (("", ""), ("x" * 10_000, ""), ("¿Y esto?", "Z9.9"), ("  ", ""),
                       ("¿Y aquello?", "Q1.1")):
        assert ask(client, hearing, body, goal).status_code == 400
    assert ask(client, hearing, "¿Cuándo terminan los puestos de salud?", "S7.6") \
        .status_code == 302


def test_a_resident_changes_their_rating_often_without_being_refused(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    for stars in (5, 4, 3, 2, 1, 2, 3):
        assert client.post("/metas/S7.6/calificacion",
                           data={"stars": str(stars)}).status_code == 302


def test_failed_sign_ins_still_count(client):
    for _attempt in range(5):
        assert client.post("/entrar", data={"email": "nadie@example.org",
                                            "password": "no es la clave"}).status_code == 401
    assert client.post("/entrar", data={"email": "nadie@example.org",
                                        "password": "no es la clave"}).status_code == 429


@pytest.mark.parametrize("target", [
    "/%0Aenv%3B", "/%0D%0ASet-Cookie:%20x=1", "/%09/elsewhere.example", "/%E2%80%AE",
    "https://elsewhere.example/", "//elsewhere.example"])
def test_the_language_switch_refuses_a_target_with_control_characters(client, target):
    response = client.get(f"/idioma/en?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert response.headers["Set-Cookie"].startswith("idioma=en")


def test_the_language_switch_keeps_a_local_target(client):
    assert client.get("/idioma/en?next=/metas/S7.6%3Forden%3Dnuevo").headers["Location"] == \
        "/metas/S7.6?orden=nuevo"


def test_sign_in_refuses_a_next_with_control_characters(client, make_user):
    _, email = make_user()
    response = client.post("/entrar?next=%2F%0Aenv%3B", data={
        "email": email, "password": "una clave de vecina segura"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("method, url, allowed", [
    ("GET", "/metas/S7.6/comentarios", {"POST"}),
    ("DELETE", "/", {"GET", "HEAD"}),
    ("POST", "/api/v1/plan", {"GET", "HEAD"}),
    ("PUT", "/api/v1/goals/S7.6", {"GET", "HEAD"}),
])
def test_every_405_lists_the_allowed_methods(client, method, url, allowed):
    response = client.open(url, method=method)
    assert response.status_code == 405
    listed = {name.strip() for name in response.headers["Allow"].split(",")}
    assert allowed <= listed
    if url.startswith("/api/"):
        assert response.get_json()["error"]["status"] == 405
    else:
        assert "Esta acción no está permitida aquí" in text_of(response)
