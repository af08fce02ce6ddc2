"""Migrations that move data keep it: each is run on a database of its own at the revision
before, holding the rows it moves, then up and back down."""
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import flask_migrate
import pytest
from sqlalchemy import text

import config
from app import create_app
from models import db
from portal.importers import parse_plan_file
from portal.services.accounts import create_user
from portal.services.committees import seed_committees
from portal.services.plan import import_plan
from tests.conftest import PASSWORDS, PLAN_FILE
from tests.live import drop_scratch_database, scratch_database

# Hearing questions recorded who hid them in a column of their own, and were on no log.
QUESTIONS_OWN_HIDER, QUESTIONS_ON_THE_LOG = "f2b7c9d41e6a", "0405367a0b83"
HIDDEN_AT = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def scratch_app(database_url, tmp_path):
    """An app on an empty database of its own, of the kind the session tests on."""
    name = f"migration_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path, name)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_scratch_database(database_url, name)


def rows(statement, **values):
    return db.session.execute(text(statement), values).all()


# Columns today's services write that an older schema lacks: (table, column, type).
TODAYS_COLUMNS = (("cache_version", "pending", "BOOLEAN NOT NULL DEFAULT false"),
                  ("goal", "indicator", "TEXT"), ("plan", "municipality_id", "INTEGER"),
                  ("plan", "address_term", "VARCHAR(9)"),
                  ("plan", "address_municipality", "VARCHAR(120)"),
                  ("user_account", "municipality_id", "INTEGER"),
                  ("audit_entry", "municipality_id", "INTEGER"),
                  ("committee", "municipality_id", "INTEGER"),
                  ("user_account", "national", "BOOLEAN NOT NULL DEFAULT false"),
                  ("place", "municipality_id", "INTEGER"),
                  ("plan", "demonstration", "BOOLEAN NOT NULL DEFAULT false"))
# And the tables they read: the register, for where a page of a plan is kept in the cache.
TODAYS_TABLES = (("municipality",
                  "id INTEGER PRIMARY KEY, slug VARCHAR(120), ubigeo VARCHAR(6)"),)


@contextmanager
def todays_versions():
    """The rows below are written by today's services, which write columns today's schema
    has (a version pending its mirror, a goal's indicator, a plan's municipality and
    addresses, the municipality a staff account or a committee serves) and tables they read
    (the register): those, for the while."""
    for table, column, kind in TODAYS_COLUMNS:
        db.session.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    for table, columns in TODAYS_TABLES:
        db.session.execute(text(f"CREATE TABLE {table} ({columns})"))
    db.session.commit()
    yield
    for table, column, _kind in TODAYS_COLUMNS:
        db.session.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    for table, _columns in TODAYS_TABLES:
        db.session.execute(text(f"DROP TABLE {table}"))
    db.session.commit()
    db.session.close()


def write_questions_hidden_the_old_way():
    """A plan, a committee member, an admin and a resident, and three hearing questions: two
    hidden, by whom in a column of their own; returns the member's, the admin's and the
    committee's ids."""
    import_plan(parse_plan_file(PLAN_FILE))
    seed_committees()
    moderator = create_user("cms@example.org", "Comité de salud", "moderator",
                            PASSWORDS["moderator"], ("CMS",))
    admin = create_user("admin@example.org", "Administración", "admin", PASSWORDS["admin"])
    resident = create_user("vecina@example.org", "Vecina", "resident",
                           PASSWORDS["resident"])
    db.session.flush()
    moderator_id, admin_id = moderator.id, admin.id
    plan_id = db.session.scalar(text("SELECT id FROM plan"))
    goal_id = db.session.scalar(text("SELECT id FROM goal WHERE code = 'S7.6'"))
    cms = db.session.scalar(text("SELECT id FROM committee WHERE code = 'CMS'"))
    db.session.execute(text(
        "INSERT INTO hearing (id, plan_id, held_at, place, first_quarter, last_quarter,"
        " questions_until, created_by_id, created_at) VALUES (1, :plan, :at, 'Auditorio',"
        " '2021-T1', '2021-T4', :at, :admin, :at)"),
        {"plan": plan_id, "at": HIDDEN_AT, "admin": admin_id})
    question = ("INSERT INTO hearing_question (id, hearing_id, author_id, goal_id, body,"
                " created_at, hidden_at, hidden_reason, hidden_by_id) VALUES (:id, 1,"
                " :author, :goal, :body, :at, :hidden_at, :reason, :by)")
    for values in (
            {"id": 1, "goal": goal_id, "body": "Compre en mi tienda.", "hidden_at": HIDDEN_AT,
             "reason": "spam", "by": moderator_id},
            {"id": 2, "goal": None, "body": "Fuera de tema.", "hidden_at": HIDDEN_AT,
             "reason": "off_topic", "by": admin_id},
            {"id": 3, "goal": goal_id, "body": "¿Cuándo?", "hidden_at": None, "reason": None,
             "by": None}):
        db.session.execute(text(question), {"author": resident.id, "at": HIDDEN_AT,
                                            **values})
    db.session.commit()
    db.session.close()  # a migration runs on a connection of its own
    return moderator_id, admin_id, cms


def test_hidden_questions_stay_hidden_and_who_hid_them_goes_to_the_log(scratch_app):
    with scratch_app.app_context():
        flask_migrate.upgrade(revision=QUESTIONS_OWN_HIDER)
        with todays_versions():
            moderator_id, admin_id, cms = write_questions_hidden_the_old_way()
        flask_migrate.upgrade(revision=QUESTIONS_ON_THE_LOG)
        assert rows("SELECT id, hidden_at IS NOT NULL, hidden_reason, hidden_by_committee_id,"
                    " decided_at IS NOT NULL FROM hearing_question ORDER BY id") == [
            (1, True, "spam", cms, True), (2, True, "off_topic", None, True),
            (3, False, None, None, False)]
        assert rows("SELECT question_id, action, reason, committee_id, moderator_id"
                    " FROM moderation_action ORDER BY question_id") == [
            (1, "hide", "spam", cms, moderator_id), (2, "hide", "off_topic", None, admin_id)]
        db.session.close()

        flask_migrate.downgrade(revision=QUESTIONS_OWN_HIDER)
        assert rows("SELECT id, hidden_reason, hidden_by_id, hidden_at IS NOT NULL"
                    " FROM hearing_question ORDER BY id") == [
            (1, "spam", moderator_id, True), (2, "off_topic", admin_id, True),
            (3, None, None, False)]
        assert rows("SELECT count(*) FROM moderation_action") == [(0,)]


def test_plans_that_said_they_were_demonstrations_only_in_their_texts_are_marked(scratch_app):
    with scratch_app.app_context():
        flask_migrate.upgrade(revision="f3b5d7e9a1c4")
        db.session.execute(text(
            "INSERT INTO plan (id, title, municipality, party, period_start, period_end, source)"
            " VALUES (1, 'Plan de Gobierno 2027 - 2030', 'Pacocha',"
            " '[Demostración] Organización de prueba', 2027, 2030, 'demo.json'),"
            " (2, 'Plan de Gobierno 2019 - 2022', 'Ilo', 'Partido', 2019, 2022, 'plan.txt'),"
            " (3, 'Plan de Gobierno 2023 - 2026', 'Ilo', NULL, 2023, 2026, 'plan.txt')"))
        db.session.commit()
        db.session.close()
        flask_migrate.upgrade(revision="a8c0e2f4b6d1")
        assert [(id_, bool(mark)) for id_, mark in rows(
            "SELECT id, demonstration FROM plan ORDER BY id")] == [(1, True), (2, False),
                                                                   (3, False)]
        db.session.close()
        flask_migrate.downgrade(revision="f3b5d7e9a1c4")
        assert rows("SELECT count(*) FROM plan") == [(3,)]
