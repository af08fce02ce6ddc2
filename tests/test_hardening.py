"""Security headers, CSRF on every form, and hostile input on every form."""
import pytest
from sqlalchemy import func, select

from app import create_app
from models import db
from tests.conftest import sign_in
from tests.test_config import REDIS
from tests.test_permissions import MATRIX

SCRIPT = "<script>alert(1)</script>"


def test_every_answer_carries_the_security_headers(client):
    for url in ("/", "/metas/S7.6", "/api/v1/plan", "/no-existe", "/static/portal.css"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookies_are_httponly_and_samesite(client, auth, make_user):
    auth.sign_in_as(make_user(), "resident")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_sends_secure_cookies_over_https_only(tmp_path):
    app = create_app("production", SECRET_KEY="x" * 40, **{**REDIS, "CACHE_TYPE": "NullCache"},
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    assert app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().get("/entrar", base_url="http://portal.example")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://portal.example/entrar")
    secure = app.test_client().get("/entrar", base_url="https://portal.example")
    assert "max-age" in secure.headers["Strict-Transport-Security"]


def row_counts(app):
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_a_post_without_a_valid_token_gets_400_and_changes_nothing(app, make_user, endpoint):
    method, url, _allowed = MATRIX[endpoint]
    admin = make_user("admin")
    client = app.test_client()
    sign_in(app, client, admin[1], "admin")
    before = row_counts(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.open(url.format(user=admin[0], comment=1, observation=1, hearing=1,
                                          question=1, evidence=1, check=1),
                               method=method, data={"csrf_token": "forged", "body": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert row_counts(app) == before


HOSTILE = {
    "huge": "x" * 100_000,
    "empty": "",
    "markup": SCRIPT + '<img src=x onerror="alert(2)">',
    "sql": "'; DROP TABLE goal; -- \" OR 1=1",
    "unknown": "ZZ99.9",
    "number": "1e309",
    "nul": "S1.1\x00",
}


@pytest.fixture
def staff(app, make_user):
    """Clients for each kind of author, and a comment and an observation to act on."""
    from models import User
    from portal.services.feedback import post_comment
    from portal.services.observations import post_observation
    from portal.services.plan import goal_by_code

    people = {role: make_user(role, committees=("COPALE",) if role == "moderator" else ())
              for role in ("resident", "moderator", "official", "admin")}
    clients = {}
    for role, user in people.items():
        clients[role] = app.test_client()
        sign_in(app, clients[role], user[1], role)
    with app.test_request_context():
        goal = goal_by_code("S4.1")
        other = make_user()
        comment = post_comment(db.session.get(User, other[0]), goal, "Comentario.")
        observation = post_observation(db.session.get(User, people["moderator"][0]), goal,
                                       "COPALE", "alerta", "Alerta.", None)
        db.session.commit()
        ids = {"comment": comment.id, "observation": observation.id,
               "user": people["resident"][0]}
    return clients, ids


# endpoint → (who sends it, url, the fields to fill with the hostile value)
FORMS = {
    "register": ("anonymous", "/registro", ["display_name", "email", "password",
                                             "password_again"]),
    "sign in": ("anonymous", "/entrar", ["email", "password"]),
    "forgot password": ("anonymous", "/clave/olvido", ["email"]),
    "new password": ("anonymous", "/clave/nueva/forged.token", ["new_password",
                                                                "new_password_again"]),
    "second factor": ("anonymous", "/entrar/segundo-factor", ["code"]),
    "password": ("resident", "/cuenta", ["current_password", "new_password",
                                         "new_password_again"]),
    "comment": ("resident", "/metas/S4.1/comentarios", ["body", "stars", "parent_id"]),
    "reply": ("resident", "/comentarios/{comment}/responder", ["body"]),
    "rate": ("resident", "/metas/S4.1/calificacion", ["stars"]),
    "flag": ("resident", "/comentarios/{comment}/reportar", ["reason"]),
    "moderate": ("moderator", "/comentarios/{comment}/moderar", ["action", "reason", "note"]),
    "observe": ("moderator", "/metas/S4.1/observaciones", ["committee", "kind", "body",
                                                            "evidence_url"]),
    "respond": ("official", "/observaciones/{observation}/respuesta", ["body"]),
    "report": ("official", "/metas/S7.6/reportes/nuevo", [
        "quarter", "status", "progress_pct", "delivered", "narrative", "sources", "cause", "pim",
        "devengado", "cui"]),
    "account": ("admin", "/admin/cuentas/{user}", ["role", "committees"]),
    "scope": ("admin", "/comites/COPALE/alcance", ["objectives"]),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_hostile_input_is_refused_or_stored_harmlessly(app, staff, form, kind):
    clients, ids = staff
    who, url, fields = FORMS[form]
    client = clients.get(who) or app.test_client()
    value = HOSTILE[kind]
    before = row_counts(app)
    response = client.post(url.format(**ids), data={name: value for name in fields})
    assert response.status_code < 500
    body = response.get_data(as_text=True)
    assert SCRIPT not in body and "<img src=x" not in body
    if response.status_code >= 400:
        assert row_counts(app) == before
    page = client.get("/metas/S4.1").get_data(as_text=True)
    assert SCRIPT not in page and "<img src=x" not in page


@pytest.mark.parametrize("form", sorted(FORMS))
def test_invalid_utf8_is_refused_without_harm(app, staff, form):
    clients, ids = staff
    who, url, fields = FORMS[form]
    client = clients.get(who) or app.test_client()
    before = row_counts(app)
    raw = "&".join(f"{name}=%FF%FE%C3%28" for name in fields).encode()
    response = client.post(url.format(**ids), data=raw,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert row_counts(app) == before


def test_a_valid_comment_with_markup_is_kept_as_text(app, staff):
    clients, _ = staff
    response = clients["resident"].post("/metas/S4.1/comentarios", data={"body": SCRIPT})
    assert response.status_code == 302
    html = clients["resident"].get("/metas/S4.1").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_addresses_and_codes_never_crash(client):
    for url in ("/metas/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/metas/%00", "/metas/S1.1%27%20OR%201=1", "/comentarios/999999/responder",
                "/audiencia/%3Cscript%3E", "/datos/..%2F..%2Fetc%2Fpasswd.csv",
                "/api/v1/goals/%3Cb%3E", "/dimensiones/%E2%80%AE"):
        response = client.get(url)
        assert response.status_code in (302, 400, 404), url
        if response.content_type == "application/json":
            continue  # data, not a page: a JSON string holds the code as text
        body = response.get_data(as_text=True)
        assert "<b>" not in body and "<script" not in body.split("<main")[-1], url
