"""Operating the portal: consistent backups, and demonstration data for measuring it."""
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import flask_migrate
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from models import (Comment, Goal, Observation, ObservationResponse, Rating, Report, ReportRevision,
                    User, db)
from models.base import utcnow
from models.cache import COMMENTS, RATINGS, goal_scopes, note_change
from portal.importers import parse_plan_file
from portal.quarters import plan_quarters
from portal.services import DomainError
from portal.services.accounts import hasher
from portal.services.committees import seed_committees
from portal.services.places import seed_places
from portal.services.plan import import_plan, plan_tree
from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

DEMO_DOMAIN = "demo.example.org"
DEMO_LABEL = "[Demostración]"
DEMO_GOAL = "S7.6"


def backup_files(root, output):
    """The uploaded files (named by their content, never changed), as one archive beside
    the database's copy; None when there are none."""
    root = Path(root)
    if not root.is_dir() or not any(path.is_file() for path in root.rglob("*")):
        return None
    archive = Path(f"{output}.files.tar.gz")
    partial = archive.with_name(archive.name + ".part")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(root, arcname="files")
    partial.replace(archive)
    return archive


def backup(url, output):
    """A consistent copy of the database: SQLite's online backup, or pg_dump's snapshot."""
    url = make_url(url)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(output)
        with target:
            source.backup(target)
        source.close()
        target.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise DomainError(_l("pg_dump is needed to back up PostgreSQL; install the "
                                 "postgresql-client package."))
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner",
                                 f"--file={output}", plain], capture_output=True, text=True)
        if result.returncode != 0:
            raise DomainError(_l("pg_dump failed: %(error)s", error=result.stderr.strip()))
    else:
        raise DomainError(_l("Backups know SQLite and PostgreSQL only."))
    return output


def refuse_real_database(allow_real):
    """Demonstration data goes only into an empty database or one holding only demo data."""
    real_accounts = db.session.scalar(select(func.count()).select_from(User).where(
        ~User.email.endswith(f"@{DEMO_DOMAIN}")))
    if real_accounts and not allow_real:
        raise DomainError(_nl("This database holds %(num)s real account: demonstration "
                              "data never goes into a real database unless you say "
                              "--into-real-database.", "This database holds %(num)s real "
                              "accounts: demonstration data never goes into a real database "
                              "unless you say --into-real-database.", real_accounts))


def load_demo(plan_file, comments, allow_real=False):
    """Clearly labelled demonstration data: a report for every goal and quarter,
    ``comments`` comments each with its author's rating on goal S7.6, observations."""
    flask_migrate.upgrade()
    refuse_real_database(allow_real)
    import_plan(parse_plan_file(plan_file))
    seed_committees()
    seed_places()
    db.session.commit()
    if db.session.scalar(select(func.count()).select_from(Comment)):
        raise DomainError(_l("This database already holds demonstration data; start from an "
                             "empty one."))
    password_hash = hasher().hash("demostracion-" + DEMO_DOMAIN)
    now = utcnow()
    plan = plan_tree()
    official = User(email=f"municipalidad@{DEMO_DOMAIN}", role="official",
                    display_name=f"Municipalidad {DEMO_LABEL}", password_hash=password_hash,
                    confirmed_at=now)
    db.session.add(official)
    db.session.flush()
    _demo_reports(plan, official, now)
    _demo_thread(plan, comments, password_hash, now)
    _demo_observations(plan, official, password_hash, now)
    db.session.commit()
    return demo_counts()


def _demo_reports(plan, official, now):
    quarters = plan_quarters(plan)
    for number, goal in enumerate(plan.goals):
        for index, quarter in enumerate(quarters):
            progress = min(100, (index + 1) * (number % 7 + 3))
            status = ("cumplida" if progress == 100 else
                      "paralizada" if number % 9 == 0 else "en_ejecucion")
            report = Report(goal=goal, quarter=quarter, created_at=now)
            db.session.add(report)
            db.session.add(ReportRevision(
                report=report, number=1, status=status, progress_pct=Decimal(progress),
                delivered=min(goal.target, index // 4) if goal.target else None,
                narrative=f"{DEMO_LABEL} Avance del trimestre {quarter}.",
                sources=f"{DEMO_LABEL} Informe {index + 1}",
                cause="Falta de presupuesto" if status == "paralizada" else None,
                author=official, created_at=now))


def _demo_thread(plan, comments, password_hash, now):
    goal = next(g for g in plan.goals if g.code == DEMO_GOAL)
    first_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    users = [{"email": f"vecino{n}@{DEMO_DOMAIN}", "_display_name": f"Vecino {n} {DEMO_LABEL}",
              "role": "resident", "password_hash": password_hash, "confirmed_at": now,
              "created_at": now} for n in range(comments)]
    for start in range(0, comments, 5000):
        db.session.execute(insert(User), users[start:start + 5000])
    ids = list(range(first_id, first_id + comments))
    rows = [{"goal_id": goal.id, "author_id": user_id, "stars": n % 5 + 1,
             "body": f"{DEMO_LABEL} Comentario número {n} sobre los puestos de salud.",
             "created_at": now - timedelta(minutes=n)} for n, user_id in enumerate(ids)]
    ratings = [{"goal_id": goal.id, "user_id": user_id, "stars": n % 5 + 1, "created_at": now,
                "updated_at": now} for n, user_id in enumerate(ids)]
    for start in range(0, comments, 5000):
        db.session.execute(insert(Comment), rows[start:start + 5000])
        db.session.execute(insert(Rating), ratings[start:start + 5000])
    note_change(db.session, COMMENTS, RATINGS, *goal_scopes(goal.code))


def _demo_observations(plan, official, password_hash, now):
    from models import Committee

    for committee in db.session.scalars(select(Committee)).all():
        member = User(email=f"{committee.code.lower()}@{DEMO_DOMAIN}", role="moderator",
                      display_name=f"{committee.code} {DEMO_LABEL}", password_hash=password_hash,
                      confirmed_at=now, committees=[committee])
        db.session.add(member)
        db.session.flush()
        for objective in committee.objectives[:2]:
            for number, goal in enumerate(objective.goals[:2]):
                observation = Observation(
                    goal=goal, committee=committee, author_id=member.id,
                    kind=("observacion", "alerta", "recomendacion")[number % 3],
                    body=f"{DEMO_LABEL} Observación de {committee.code} sobre {goal.code}.",
                    created_at=now - timedelta(days=10 + number))
                db.session.add(observation)
                if number % 2 == 0:
                    db.session.add(ObservationResponse(
                        observation=observation, author_id=official.id,
                        body=f"{DEMO_LABEL} Respuesta de la municipalidad.", created_at=now))


def demo_counts():
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("goals", Goal), ("reports", Report), ("comments", Comment), ("ratings", Rating),
        ("observations", Observation))}


def timestamp():
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
