"""Operating the portal: backups and demonstration data."""
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import create_engine, select, text

from models import Comment, db


def test_backup_is_a_consistent_copy(migrated_app, database_url, tmp_path):
    runner = migrated_app.test_cli_runner()
    output = tmp_path / "copia"
    result = runner.invoke(args=["backup", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Copia de seguridad escrita en" in result.output
    if database_url.startswith("sqlite"):
        copy = sqlite3.connect(output)
        assert copy.execute("SELECT count(*) FROM goal").fetchone() == (71,)
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
