"""Who may do what: every write endpoint against every kind of visitor."""
import pytest

from app import create_app
from portal.permissions import can
from tests.conftest import sign_in

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The staff are Ilo's (the municipality first published) but for the two of the second
# municipality, Pacocha, and an admin of the national portal; residents' accounts are
# national.
VISITORS = ("anonymous", "resident", "moderator_right", "moderator_other", "official", "admin",
            "deactivated", "official_pacocha", "admin_pacocha", "admin_national")
STAFF = {"official", "admin"}
EVERYONE = set(VISITORS)
SIGNED_IN = EVERYONE - {"anonymous", "deactivated"}
ADMINS = {"admin", "admin_pacocha"}

# endpoint → (method, url, the visitors it must let through). The goal is S4.1, which COPALE
# oversees and CODISEC does not.
MATRIX = {
    "accounts.register": ("POST", "/registro", EVERYONE),
    "accounts.sign_in": ("POST", "/entrar", EVERYONE),
    "accounts.sign_out": ("POST", "/salir", SIGNED_IN),
    # Steps of signing in: without a password checked first they send back to /entrar.
    "accounts.second_factor_step": ("POST", "/entrar/segundo-factor", EVERYONE),
    "accounts.enrol_second_factor": ("POST", "/entrar/activar-segundo-factor", EVERYONE),
    "accounts.forgot_password": ("POST", "/clave/olvido", EVERYONE),
    "accounts.reset_password": ("POST", "/clave/nueva/x", EVERYONE),
    # The account is a resident's: every municipality's admins manage residents.
    "admin.reset_second_factor": ("POST", "/admin/cuentas/{user}/segundo-factor", ADMINS),
    "accounts.account": ("POST", "/cuenta", SIGNED_IN),
    "accounts.change_name": ("POST", "/cuenta/nombre", SIGNED_IN),
    "accounts.change_email": ("POST", "/cuenta/correo", SIGNED_IN),
    "accounts.unfollow": ("POST", "/cuenta/seguimientos/1/dejar", SIGNED_IN),
    "accounts.erase_account": ("POST", "/cuenta/eliminar", SIGNED_IN),
    "admin.account": ("POST", "/admin/cuentas/{user}", ADMINS),
    "admin.set_active": ("POST", "/admin/cuentas/{user}/activo", ADMINS),
    "committees.scope": ("POST", "/comites/COPALE/alcance", {"admin"}),
    "committees.create": ("POST", "/comites/nuevo", {"admin"}),
    "reports.new": ("POST", "/metas/S4.1/reportes/nuevo", {"official"}),
    "reports.correct": ("POST", "/metas/S4.1/reportes/2021-T1/corregir", {"official"}),
    "reports.import_csv": ("POST", "/reportes/importar", {"official"}),
    "feedback.post": ("POST", "/metas/S4.1/comentarios", SIGNED_IN),
    "feedback.reply": ("POST", "/comentarios/{comment}/responder", SIGNED_IN),
    "feedback.rate": ("POST", "/metas/S4.1/calificacion",
                      {"resident", "moderator_right", "moderator_other"}),
    # The comment is someone else's: nobody else may edit or delete it, not even an admin.
    "feedback.edit": ("POST", "/comentarios/{comment}/editar", set()),
    "feedback.delete": ("POST", "/comentarios/{comment}/eliminar", set()),
    "feedback.flag": ("POST", "/comentarios/{comment}/reportar", SIGNED_IN),
    "feedback.moderate": ("POST", "/comentarios/{comment}/moderar", {"moderator_right", "admin"}),
    "feedback.observe": ("POST", "/metas/S4.1/observaciones", {"moderator_right"}),
    "feedback.respond": ("POST", "/observaciones/{observation}/respuesta", {"official"}),
    "notifications.follow": ("POST", "/seguir/goal/S4.1", SIGNED_IN),
    "notifications.unfollow": ("POST", "/dejar-de-seguir/goal/S4.1", SIGNED_IN),
    "notifications.mark_read": ("POST", "/notificaciones/leidas", SIGNED_IN),
    "notifications.settings": ("POST", "/cuenta/avisos", SIGNED_IN),
    # A signed link: anybody holding it, signed in or not (it is refused when not valid).
    "notifications.unsubscribe": ("POST", "/avisos/baja/x", EVERYONE),
    "hearings.schedule": ("POST", "/audiencias/nueva", {"official"}),
    "hearings.ask": ("POST", "/audiencias/{hearing}/preguntas",
                     {"resident", "moderator_right", "moderator_other"}),
    "hearings.answer": ("POST", "/preguntas/{question}/respuesta", {"official"}),
    # The question is on S4.1: COPALE moderates it, as it does the goal's thread.
    "hearings.hide": ("POST", "/preguntas/{question}/ocultar", {"moderator_right", "admin"}),
    "hearings.restore": ("POST", "/preguntas/{question}/mostrar", {"moderator_right", "admin"}),
    "hearings.attach_acta": ("POST", "/audiencias/{hearing}/acta", {"official"}),
    "evidence.attach_to_report": ("POST", "/metas/S4.1/reportes/2021-T1/evidencia",
                                  {"official"}),
    # The observation is COPALE's: its members document it.
    "evidence.attach_to_observation": ("POST", "/observaciones/{observation}/evidencia",
                                       {"moderator_right"}),
    "evidence.withdraw": ("POST", "/evidencia/{evidence}/retirar", {"admin"}),
    # S4.1's report for 2021-T1 claims a delivery (0 delivered): residents may check it.
    "evidence.check": ("POST", "/metas/S4.1/verificacion",
                       {"resident", "moderator_right", "moderator_other"}),
    # A resident's check of S4.1 is reported as a comment is, and moderated by COPALE.
    "evidence.flag_check": ("POST", "/verificaciones/{check}/reportar", SIGNED_IN),
    "evidence.moderate_check": ("POST", "/verificaciones/{check}/moderar",
                                {"moderator_right", "admin"}),
    "places.manage": ("POST", "/admin/lugares", {"admin"}),
    "places.change": ("POST", "/admin/lugares/pacocha", {"admin"}),
    "national.admins": ("POST", "/municipalidades/administradores", {"admin_national"}),
}
# Pages that only show something to some visitors.
READ_MATRIX = {
    "admin.accounts": ("GET", "/admin/cuentas", ADMINS),
    "admin.audit_log": ("GET", "/admin/auditoria", ADMINS),
    "reports.import_csv": ("GET", "/reportes/importar", {"official"}),
    "reports.new": ("GET", "/metas/S4.1/reportes/nuevo", {"official"}),
    "accounts.account": ("GET", "/cuenta", SIGNED_IN),
    "notifications.inbox": ("GET", "/notificaciones", SIGNED_IN),
    "feedback.queue": ("GET", "/moderacion", {"moderator_right", "moderator_other", "admin"}),
    "feedback.moderate": ("GET", "/comentarios/{comment}/moderar", {"moderator_right", "admin"}),
    "hearings.schedule": ("GET", "/audiencias/nueva", {"official"}),
    "places.manage": ("GET", "/admin/lugares", {"admin"}),
    "national.admins": ("GET", "/municipalidades/administradores", {"admin_national"}),
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
    def signed_in_as(kind):
        client = app.test_client()
        role = {"moderator_right": "moderator", "moderator_other": "moderator",
                "deactivated": "resident"}.get(kind, kind.split("_")[0])
        committees = {"moderator_right": ("COPALE",), "moderator_other": ("CODISEC",)}
        if kind == "anonymous":
            return client
        user = make_user(role, committees=committees.get(kind, ()),
                         municipality="pacocha" if kind.endswith("_pacocha") else None,
                         national=kind == "admin_national")
        sign_in(app, client, user[1], role)
        if kind == "deactivated":
            from models import User, db
            from models.base import utcnow
            with app.app_context():
                db.session.get(User, user[0]).deactivated_at = utcnow()
                db.session.commit()
        return client
    return signed_in_as


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


@pytest.fixture
def thread_items(app, make_user):
    """A comment and a check on S4.1 by someone else, a COPALE observation awaiting an
    answer, and a hearing open for questions with one on S4.1."""
    from datetime import datetime, timedelta

    from models import Evidence, User, db
    from portal.services import checks
    from portal.services.feedback import post_comment
    from portal.services.observations import post_observation
    from portal.services.hearings import ask, schedule
    from portal.services.plan import current_plan, goal_by_code

    author_id, _ = make_user()
    member_id, _ = make_user("moderator", committees=("COPALE",))
    with app.test_request_context():
        goal = goal_by_code("S4.1")
        comment = post_comment(db.session.get(User, author_id), goal, "Un comentario.")
        check = checks.answer(db.session.get(User, author_id), goal, "no", "No vi los pupitres.")
        observation = post_observation(db.session.get(User, member_id), goal, "COPALE",
                                       "alerta", "Una alerta.", None)
        soon = datetime.now().replace(microsecond=0) + timedelta(days=10)
        hearing = schedule(db.session.get(User, member_id), current_plan(), soon,
                           "Auditorio", "2021-T1", "2021-T2", soon - timedelta(days=1))
        question = ask(db.session.get(User, author_id), hearing, "¿Y los pupitres?", "S4.1")
        evidence = Evidence(kind="pdf", key="00/none.pdf", sha256="0" * 64, size=1,
                            caption="Acta", taken_on=soon.date(), uploaded_by_id=member_id)
        observation.evidence.append(evidence)
        db.session.commit()
        ids = {"comment": comment.id, "observation": observation.id, "hearing": hearing.id,
               "question": question.id, "evidence": evidence.id, "check": check.id}
    return ids


def answer(client, method, url, user_id, items):
    return client.open(url.format(user=user_id, **items), method=method, data={})


def assert_answered(response, kind, allowed):
    """Let through when ``kind`` is allowed, else refused as its kind is."""
    if kind in allowed:
        assert response.status_code not in (401, 403, 404, 405), response.status_code
        assert "/entrar?" not in response.headers.get("Location", "")
    else:
        assert expected_denial(response, kind), (response.status_code, response.headers)


def expected_denial(response, kind):
    if kind in ("anonymous", "deactivated"):
        return response.status_code == 302 and "/entrar" in response.headers["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("kind", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX) + [f"read:{e}" for e in sorted(READ_MATRIX)])
def test_authorization_matrix(app, visitor, make_user, published_report, thread_items, endpoint,
                              kind):
    method, url, allowed = (READ_MATRIX[endpoint[5:]] if endpoint.startswith("read:")
                            else MATRIX[endpoint])
    target_user, _ = make_user()
    client = visitor(kind)
    response = answer(client, method, url, target_user, thread_items)
    assert_answered(response, kind, allowed)


def test_templates_and_views_ask_the_same_rules(app, make_user):
    from models import User, db
    from portal.permissions import committee_for, committees_for, moderation_scope
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
        # The committee a member acts for, and what each moderates, come from the same rules.
        assert [c.code for c in committees_for(right, goal)] == ["COPALE"]
        assert committee_for(right, goal).code == "COPALE"
        assert committee_for(other, goal) is None and committee_for(admin, goal) is None
        assert moderation_scope(admin) is None
        assert goal.objective_id in moderation_scope(right)
        assert goal.objective_id not in moderation_scope(other)


def test_every_rule_that_adds_is_refused_on_an_archived_plan_and_moderating_is_not(
        app, make_user):
    """The archived-plan rule is one predicate joined into the rules that add: asked about
    anything of the plan, it refuses; moderation is not among them."""
    from flask_login import login_user

    from models import Comment, User, db
    from models.base import utcnow
    from portal.permissions import RULES, can_on, plan_of
    from portal.services.plan import current_plan, goal_by_code

    with app.test_request_context():
        resident = db.session.get(User, make_user()[0])
        member = db.session.get(User, make_user("moderator", committees=("COPALE",))[0])
        goal = goal_by_code("S4.1")
        comment = Comment(goal=goal, author=resident, body="Sigue pendiente.")
        db.session.add(comment)
        db.session.flush()
        assert plan_of(comment) is plan_of(goal) is plan_of(goal.objective) is current_plan()
        assert can("comment", goal, user=resident) and can("change_own_comment", comment,
                                                           user=resident)
        login_user(resident)
        on_goal = can_on(goal)  # what the goal's page asks
        assert on_goal("comment") and on_goal("change_own_comment", comment)
        current_plan().archived_at = utcnow()
        assert not on_goal("comment") and not on_goal("change_own_comment", comment)
        adding = {name for name, rule in RULES.items() if hasattr(rule, "before_archive")}
        assert {"comment", "rate", "follow", "publish_reports", "observe_goal"} <= adding
        assert not adding & {"moderate_goal", "moderate_question", "withdraw_evidence"}
        for user in (resident, member):
            assert not can("comment", goal, user=user)
            assert not can("change_own_comment", comment, user=user)
            assert not can("rate", goal, user=user)
        assert not can("observe_goal", goal, user=member)
        assert can("moderate_goal", goal, user=member)
        # Asked without an object, a rule is not about a plan: the office's menu stays.
        assert can("comment", user=resident)



# The second municipality's pages: its staff act there, Ilo's do not.
SECOND_MATRIX = {
    "reports.new": ("POST", "/m/pacocha/metas/S1.1/reportes/nuevo", {"official_pacocha"}),
    "read:reports.new": ("GET", "/m/pacocha/metas/S1.1/reportes/nuevo", {"official_pacocha"}),
    "reports.import_csv": ("POST", "/m/pacocha/reportes/importar", {"official_pacocha"}),
    "read:reports.import_csv": ("GET", "/m/pacocha/reportes/importar", {"official_pacocha"}),
    "feedback.post": ("POST", "/m/pacocha/metas/S1.1/comentarios", SIGNED_IN),
    "feedback.rate": ("POST", "/m/pacocha/metas/S1.1/calificacion",
                      {"resident", "moderator_right", "moderator_other"}),
    # No committee oversees a goal of Pacocha yet.
    "feedback.observe": ("POST", "/m/pacocha/metas/S1.1/observaciones", set()),
    "notifications.follow": ("POST", "/m/pacocha/seguir/goal/S1.1", SIGNED_IN),
    # Its committees are its admins' to create; its staff moderate its goals.
    "committees.create": ("POST", "/m/pacocha/comites/nuevo", {"admin_pacocha"}),
    "read:committees.create": ("GET", "/m/pacocha/comites/nuevo", {"admin_pacocha"}),
    "read:feedback.queue": ("GET", "/m/pacocha/moderacion", {"admin_pacocha"}),
    "hearings.schedule": ("POST", "/m/pacocha/audiencias/nueva", {"official_pacocha"}),
    "places.manage": ("POST", "/m/pacocha/admin/lugares", {"admin_pacocha"}),
    "read:places.manage": ("GET", "/m/pacocha/admin/lugares", {"admin_pacocha"}),
    "read:hearings.schedule": ("GET", "/m/pacocha/audiencias/nueva", {"official_pacocha"}),
}


@pytest.mark.parametrize("kind", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(SECOND_MATRIX))
def test_authorization_in_the_second_municipality(app, visitor, endpoint, kind):
    method, url, allowed = SECOND_MATRIX[endpoint]
    response = visitor(kind).open(url, method=method, data={})
    assert_answered(response, kind, allowed)


@pytest.mark.parametrize("admin, staff, allowed", [
    ("admin", None, True), ("admin", "pacocha", False),
    ("admin_pacocha", "pacocha", True), ("admin_pacocha", None, False)])
def test_an_admin_manages_only_the_staff_of_their_own_municipality(app, visitor, make_user,
                                                                    admin, staff, allowed):
    official_id, email = make_user("official", municipality=staff)
    client = visitor(admin)
    listed = email in client.get("/admin/cuentas").get_data(as_text=True)
    response = client.post(f"/admin/cuentas/{official_id}/activo", data={"active": "0"})
    assert listed == allowed
    assert (response.status_code == 302) == allowed, response.status_code
    assert client.get(f"/admin/cuentas/{official_id}").status_code == (200 if allowed else 403)


def test_a_resident_made_staff_serves_the_admins_municipality(app, visitor, make_user):
    from models import User, db
    from portal.services.municipalities import municipality_by_address
    resident_id, _ = make_user()
    client = visitor("admin_pacocha")
    response = client.post(f"/admin/cuentas/{resident_id}", data={"role": "official"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, resident_id)
        assert (user.role, user.municipality_id) == (
            "official", municipality_by_address("pacocha").id)
    # Back to resident, the account is national again.
    client.post(f"/admin/cuentas/{resident_id}", data={"role": "resident"})
    with app.app_context():
        assert db.session.get(User, resident_id).municipality_id is None


def test_an_admin_reads_their_own_municipalitys_audit_log(app, visitor, make_user):
    resident_id, email = make_user()
    pacocha = visitor("admin_pacocha")
    pacocha.post(f"/admin/cuentas/{resident_id}/activo", data={"active": "0"})
    assert email in pacocha.get("/admin/auditoria").get_data(as_text=True)
    assert email not in visitor("admin").get("/admin/auditoria").get_data(as_text=True)
