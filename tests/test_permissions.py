"""Who may do what: every write endpoint against every kind of visitor."""
import pytest

from app import create_app
from portal.permissions import can
from tests.conftest import PASSWORDS

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

VISITORS = ("anonymous", "resident", "moderator_right", "moderator_other", "official", "admin",
            "deactivated")
STAFF = {"official", "admin"}
EVERYONE = set(VISITORS)
SIGNED_IN = EVERYONE - {"anonymous", "deactivated"}

# endpoint → (method, url, the visitors it must let through). The goal is S4.1, which COPALE
# oversees and CODISEC does not.
MATRIX = {
    "accounts.register": ("POST", "/registro", EVERYONE),
    "accounts.sign_in": ("POST", "/entrar", EVERYONE),
    "accounts.sign_out": ("POST", "/salir", SIGNED_IN),
    "accounts.account": ("POST", "/cuenta", SIGNED_IN),
    "admin.account": ("POST", "/admin/cuentas/{user}", {"admin"}),
    "admin.set_active": ("POST", "/admin/cuentas/{user}/activo", {"admin"}),
    "committees.scope": ("POST", "/comites/COPALE/alcance", {"admin"}),
    "reports.new": ("POST", "/metas/S4.1/reportes/nuevo", {"official"}),
    "reports.correct": ("POST", "/metas/S4.1/reportes/2021-T1/corregir", {"official"}),
    "reports.import_csv": ("POST", "/reportes/importar", {"official"}),
}
# Pages that only show something to some visitors.
READ_MATRIX = {
    "admin.accounts": ("GET", "/admin/cuentas", {"admin"}),
    "admin.audit_log": ("GET", "/admin/auditoria", {"admin"}),
    "reports.import_csv": ("GET", "/reportes/importar", {"official"}),
    "reports.new": ("GET", "/metas/S4.1/reportes/nuevo", {"official"}),
    "accounts.account": ("GET", "/cuenta", SIGNED_IN),
}


def test_every_write_endpoint_declares_its_rule_and_is_in_the_matrix():
    app = create_app("testing")
    writes = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.methods & WRITE_METHODS}
    undeclared = sorted(e for e in writes
                        if not hasattr(app.view_functions[e], "required_rule"))
    assert undeclared == []
    assert writes == set(MATRIX)


@pytest.fixture
def visitor(app, make_user):
    """A client signed in as the named kind of visitor."""
    def sign_in(kind):
        client = app.test_client()
        role = {"moderator_right": "moderator", "moderator_other": "moderator",
                "deactivated": "resident"}.get(kind, kind)
        committees = {"moderator_right": ("COPALE",), "moderator_other": ("CODISEC",)}
        if kind == "anonymous":
            return client
        user = make_user(role, committees=committees.get(kind, ()))
        response = client.post("/entrar", data={"email": user[1], "password": PASSWORDS[role]})
        assert response.status_code == 302
        if kind == "deactivated":
            from models import User, db
            from models.accounts import utcnow
            with app.app_context():
                db.session.get(User, user[0]).deactivated_at = utcnow()
                db.session.commit()
        return client
    return sign_in


@pytest.fixture
def published_report(app, make_user):
    """S4.1 has a report for 2021-T1, so that its correction page exists."""
    from decimal import Decimal

    from models import User, db
    from portal.services.plan import goal_by_code
    from portal.services.reports import ReportInput, publish

    official_id, _ = make_user("official")
    with app.test_request_context():
        publish(db.session.get(User, official_id), goal_by_code("S4.1"), "2021-T1",
                ReportInput("en_ejecucion", Decimal("10.00"), 0, "Inicio del programa."))
        db.session.commit()


def answer(client, method, url, user_id):
    return client.open(url.format(user=user_id), method=method, data={})


def expected_denial(response, kind):
    if kind in ("anonymous", "deactivated"):
        return response.status_code == 302 and "/entrar" in response.headers["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("kind", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX) + [f"read:{e}" for e in sorted(READ_MATRIX)])
def test_authorization_matrix(app, visitor, make_user, published_report, endpoint, kind):
    method, url, allowed = (READ_MATRIX[endpoint[5:]] if endpoint.startswith("read:")
                            else MATRIX[endpoint])
    target_user, _ = make_user()
    client = visitor(kind)
    response = answer(client, method, url, target_user)
    if kind in allowed:
        assert response.status_code not in (401, 403, 404, 405), response.status_code
        assert "/entrar?" not in response.headers.get("Location", "")
    else:
        assert expected_denial(response, kind), (response.status_code, response.headers)


def test_templates_and_views_ask_the_same_rules(app, make_user):
    from models import User, db
    from portal.services.plan import goal_by_code

    with app.test_request_context():
        right = db.session.get(User, make_user("moderator", committees=("COPALE",))[0])
        other = db.session.get(User, make_user("moderator", committees=("CODISEC",))[0])
        admin = db.session.get(User, make_user("admin")[0])
        goal = goal_by_code("S4.1")
        assert can("moderate_goal", goal, user=right)
        assert not can("moderate_goal", goal, user=other)
        assert can("moderate_goal", goal, user=admin)
        assert can("moderate_goal", goal_by_code("I3.2"), user=other)
