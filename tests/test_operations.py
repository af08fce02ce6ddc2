"""Operating the portal: backups and demonstration data."""
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import flask_migrate
import pytest
from sqlalchemy import create_engine, select, text

import config
from app import create_app
from models import Comment, Hearing, Plan, User, db
from models.base import utcnow
from portal import jobs
from portal.commands.maintenance import files_not_matching, table_counts
from portal.importers import parse_plan_file
from portal.services.accounts import create_user
from portal.services.feedback import post_comment
from portal.services.hearings import attach_acta
from portal.services.plan import goal_by_code, import_plan
from portal.storage import storage
from tests.conftest import PASSWORDS, PLAN_FILE, text_of
from tests.live import drop_scratch_database, scratch_database


def test_backup_is_a_consistent_copy(migrated_app, database_url, tmp_path):
    runner = migrated_app.test_cli_runner()
    output = tmp_path / "copia"
    result = runner.invoke(args=["backup", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Copia de seguridad escrita en" in result.output
    if database_url.startswith("sqlite"):
        copy = sqlite3.connect(output)
        # Ilo's 71 goals and the second municipality's 10.
        assert copy.execute("SELECT count(*) FROM goal").fetchone() == (81,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:
        if shutil.which("pg_restore") is None:
            pytest.skip("pg_restore is not installed")
        listing = subprocess.run(["pg_restore", "--list", str(output)], capture_output=True,
                                 text=True, check=True).stdout
        assert "TABLE DATA public goal" in listing
        assert "TABLE DATA public report_revision" in listing


def test_backup_takes_the_uploaded_files_along(migrated_app, tmp_path, monkeypatch):
    import tarfile

    monkeypatch.setitem(migrated_app.config, "FILES_ROOT", str(tmp_path / "files"))
    with migrated_app.app_context():
        from portal.storage import storage
        key, _ = storage().save(b"%PDF-1.4 acta", ".pdf")
    output = tmp_path / "copia"
    result = migrated_app.test_cli_runner().invoke(args=["backup", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Archivos subidos escritos en" in result.output
    with tarfile.open(f"{output}.files.tar.gz") as archive:
        assert archive.extractfile(f"files/{key}").read() == b"%PDF-1.4 acta"


@pytest.fixture
def runner(migrated_app):
    """Commands run as in production: the demo opens a database of its own."""
    return migrated_app.test_cli_runner()


def test_demo_data_goes_into_a_separate_database_clearly_labelled(migrated_app, runner,
                                                                  tmp_path):
    target = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = runner.invoke(args=["demo", "--comments", "50", "--database", target])
    assert result.exit_code == 0, result.output
    assert "71 metas, 1136 reportes, 50 comentarios, 50 calificaciones" in result.output
    engine = create_engine(target)
    with engine.connect() as connection:
        emails = connection.execute(text("SELECT email FROM user_account")).scalars().all()
        bodies = connection.execute(text("SELECT body FROM comment")).scalars().all()
    assert emails and all(email.endswith("@demo.example.org") for email in emails)
    assert all(body.startswith("[Demostración]") for body in bodies)
    with migrated_app.app_context():  # the portal's own database is untouched
        assert db.session.scalar(select(Comment).limit(1)) is None
    again = runner.invoke(args=["demo", "--comments", "5", "--database", target])
    assert again.exit_code == 1 and "ya contiene datos de demostración" in again.output


def test_demo_data_never_goes_into_a_real_database_without_the_flag(migrated_app, runner,
                                                                    tmp_path):
    own = runner.invoke(args=["demo", "--database",
                              migrated_app.config["SQLALCHEMY_DATABASE_URI"]])
    assert own.exit_code == 1 and "separada" in own.output

    target = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    real = runner.invoke(args=["demo", "--comments", "0", "--database", target])
    assert real.exit_code == 0
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO user_account (email, display_name, password_hash, role, created_at) "
            "VALUES ('alcaldia@ilo.gob.pe', 'Alcaldía', 'x', 'official', CURRENT_TIMESTAMP)"))
    refused = runner.invoke(args=["demo", "--comments", "5", "--database", target])
    assert refused.exit_code == 1 and "1 cuenta real:" in refused.output


def test_a_backup_taken_while_residents_write_restores_whole(database_url, tmp_path):
    """The restore drill: residents write while the copy is taken; restored into a new
    database and files folder, it holds every write acknowledged before the copy began,
    its files match their SHA-256, and it serves the same goal pages."""
    names = [f"drill_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "restored")]
    source_url, restored_url = (scratch_database(database_url, tmp_path, name)
                                for name in names)
    source = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(source_url),
                        FILES_ROOT=str(tmp_path / "files"))
    with source.app_context():
        flask_migrate.upgrade()
        import_plan(parse_plan_file(PLAN_FILE))
        official = create_user("oficina@example.org", "Oficina", "official",
                               PASSWORDS["official"])
        resident = create_user("vecina@example.org", "Vecina", "resident",
                               PASSWORDS["resident"])
        db.session.flush()
        hearing = Hearing(plan_id=db.session.scalar(select(Plan.id)),
                          held_at=utcnow() - timedelta(days=2), place="Auditorio",
                          first_quarter="2021-T1", last_quarter="2021-T4",
                          questions_until=utcnow() - timedelta(days=3),
                          created_by_id=official.id)
        db.session.add(hearing)
        attach_acta(hearing, b"%PDF-1.4 acta de la audiencia")
        db.session.commit()
        resident_id = resident.id

    acknowledged, stop = [], threading.Event()

    def residents_write():
        with source.app_context():
            number = 0
            while not stop.is_set():
                number += 1
                post_comment(db.session.get(User, resident_id), goal_by_code("S7.6"),
                             f"Comentario {number} durante la copia")
                jobs.commit()
                acknowledged.append(f"Comentario {number} durante la copia")

    writer = threading.Thread(target=residents_write)
    writer.start()
    try:
        while len(acknowledged) < 5:
            time.sleep(0.05)
        before_copy = list(acknowledged)
        copy = tmp_path / "copia"
        result = source.test_cli_runner().invoke(args=["backup", "--output", str(copy)])
        assert result.exit_code == 0, result.output
        while len(acknowledged) < len(before_copy) + 5:  # writes go on after the copy
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join(timeout=30)

    restored = create_app("testing",
                          SQLALCHEMY_DATABASE_URI=config.database_url(restored_url),
                          FILES_ROOT=str(tmp_path / "restored-files"))
    result = restored.test_cli_runner().invoke(args=["restore", str(copy)])
    assert result.exit_code == 0, result.output
    assert "Se restauraron" in result.output
    with source.app_context():
        source_counts = table_counts()
    with restored.app_context():
        restored_counts = table_counts()
        bodies = set(db.session.scalars(select(Comment.body)))
        assert files_not_matching(storage()) == []
    assert set(before_copy) <= bodies
    written = {"comment", "cache_version", "outbox", "submission"}
    assert ({t: n for t, n in restored_counts.items() if t not in written}
            == {t: n for t, n in source_counts.items() if t not in written})
    assert len(before_copy) <= restored_counts["comment"] <= source_counts["comment"]
    for page in ("/metas/S1.1", "/dimensiones/E", "/audiencias"):
        assert text_of(restored.test_client().get(page)) == text_of(
            source.test_client().get(page))

    # A second restore into the now full database is refused, and changes nothing.
    again = restored.test_cli_runner().invoke(args=["restore", str(copy)])
    assert again.exit_code != 0 and "no está vacía" in again.output
    for app in (source, restored):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    for name in names:
        drop_scratch_database(database_url, name)


def test_demo_plans_for_the_municipalities_of_a_department(migrated_app, runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = runner.invoke(args=["demo", "--comments", "3", "--database", url,
                                 "--municipalities", "18"])
    assert result.exit_code == 0, result.output
    # Moquegua has 21 municipalities: Ilo's plan, and 20 demonstration plans in its shape.
    assert "20 archivos de planes en" in result.output
    assert "20 cargados, 0 sin cambios, 0 rechazados" in result.output
    assert "21 municipalidades con un plan" in result.output
    demo = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    page = demo.test_client().get("/m/pacocha/metas/S7.6").get_data(as_text=True)
    assert "[Demostración]" in page and "Proyectos de inversión" in page
    with demo.app_context():
        db.engine.dispose()
    bad = runner.invoke(args=["demo", "--database", url, "--municipalities", "Moquegua"])
    assert bad.exit_code == 2 and "18" in bad.output
