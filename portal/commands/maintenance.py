"""Operating the portal: consistent backups, and demonstration data for measuring it."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import flask_migrate
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from models import (Comment, Evidence, Goal, Hearing, Municipality, Observation,
                    ObservationResponse, Plan, Rating, Report, ReportRevision, User, db)
from models.base import utcnow
from models.cache import COMMENTS, RATINGS, addresses_of_goal, goal_scopes, note_change
from portal.importers import parse_plan_file
from portal.importers.structure import DEMO_LABEL
from portal.quarters import plan_quarters
from portal.services import DomainError
from portal.services.accounts import hasher
from portal.services.committees import seed_committees
from portal.services.municipalities import link_plans, seed_municipalities
from portal.services.places import seed_places
from portal.services.plan import import_plan, plan_tree
from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

DEMO_DOMAIN = "demo.example.org"
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


def restore(url, copy):
    """Load a copy ``backup`` wrote into the empty database at ``url``: SQLite's online
    backup the other way, or pg_restore in one transaction (all or nothing)."""
    copy = Path(copy)
    if not copy.is_file():
        raise DomainError(_l("There is no backup at %(path)s.", path=str(copy)))
    _copy_database(make_url(url), sqlite=lambda database: (f"file:{copy}?mode=ro", database),
                   postgresql=lambda plain: ["pg_restore", "--no-owner", "--exit-on-error",
                                             "--single-transaction", f"--dbname={plain}",
                                             str(copy)])


def restore_files(archive, root):
    """Put the files of an archive ``backup_files`` wrote under ``root``; a file already
    there with other content is refused, before anything is written. Returns how many."""
    root = Path(root)
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        for member in members:
            name = Path(member.name)
            if name.parts[0] != "files" or ".." in name.parts or name.is_absolute():
                raise DomainError(_l("%(name)s is not a file the portal keeps.",
                                     name=member.name))
            target = root.joinpath(*name.parts[1:])
            if target.exists() and target.read_bytes() != tar.extractfile(member).read():
                raise DomainError(_l("%(path)s exists with other content; restore into an "
                                     "empty folder.", path=str(target)))
        for member in members:
            target = root.joinpath(*Path(member.name).parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    return len(members)


def files_not_matching(store):
    """The files the database names whose content is missing or not what it recorded:
    (key, why) for each, none when every file is whole."""
    recorded = [*db.session.execute(select(Evidence.key, Evidence.sha256)),
                *db.session.execute(select(Hearing.acta_key, Hearing.acta_sha256)
                                    .where(Hearing.acta_key.is_not(None)))]
    wrong = []
    for key, digest in recorded:
        if not store.exists(key):
            wrong.append((key, "missing"))
            continue
        with store.open(key) as handle:
            if hashlib.sha256(handle.read()).hexdigest() != digest:
                wrong.append((key, "altered"))
    return wrong


def table_counts():
    """Rows in each table of the portal's database, by name."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def backup(url, output):
    """A consistent copy of the database: SQLite's online backup, or pg_dump's snapshot."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    _copy_database(make_url(url), sqlite=lambda database: (database, str(output)),
                   postgresql=lambda plain: ["pg_dump", "--format=custom", "--no-owner",
                                             f"--file={output}", plain])
    return output


def _copy_database(url, sqlite, postgresql):
    """Copy between a database and a file: for SQLite, from and to as ``sqlite`` names them
    (given the database's path), by SQLite's online backup; for PostgreSQL, by the
    command ``postgresql`` writes (given the database's plain URL)."""
    if url.get_backend_name() == "sqlite":
        source_name, target_name = sqlite(url.database)
        source = sqlite3.connect(source_name, uri=source_name.startswith("file:"))
        target = sqlite3.connect(target_name)
        with target:
            source.backup(target)
        source.close()
        target.close()
    elif url.get_backend_name() == "postgresql":
        command = postgresql(url.set(drivername="postgresql")
                             .render_as_string(hide_password=False))
        if shutil.which(command[0]) is None:
            raise DomainError(_l("%(command)s is needed; install the postgresql-client "
                                 "package.", command=command[0]))
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise DomainError(_l("%(command)s failed: %(error)s", command=command[0],
                                 error=result.stderr.strip()))
    else:
        raise DomainError(_l("Backups know SQLite and PostgreSQL only."))


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
    seed_municipalities()
    import_plan(parse_plan_file(plan_file))
    link_plans()  # the plan names its municipality as the register does
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
    note_change(db.session, COMMENTS, RATINGS, *goal_scopes(goal.code),
                wheres=addresses_of_goal(db.session, goal.id))


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


# The arrays of a JNE plan, by the code of their dimension.
JNE_ARRAYS = {"S": "dimensionSocial", "E": "dimensionEconomica", "A": "dimensionAmbiental",
              "I": "dimensionInstitucional"}


def national_plan_files(folder, department=None):
    """A JNE file of a demonstration plan for every municipality of the register (of a
    department: its two-digit code) without a plan: the first plan's shape, every text
    labelled as a demonstration, filed for its municipality's election of 2026. Returns the
    files written."""
    template = plan_tree()
    rows = {code: [] for code in JNE_ARRAYS}
    for dimension in template.dimensions:
        for problem in dimension.problems:
            for objective in problem.objectives:
                for goal in objective.goals:
                    rows[dimension.code].append({
                        "txPgProblema": f"{DEMO_LABEL} {problem.text}",
                        "txPgObjetivo": f"{DEMO_LABEL} {objective.text}",
                        "txPgIndicador": f"{DEMO_LABEL} Indicador de la meta {goal.code}",
                        "txPgMeta": f"{goal.text} {DEMO_LABEL}"})
    with_plan = select(Plan.municipality_id).where(Plan.municipality_id.is_not(None))
    paths = []
    for number, municipality in enumerate(db.session.scalars(
            select(Municipality).where(Municipality.id.not_in(with_plan),
                                       Municipality.ubigeo.startswith(department or ""))
            .order_by(Municipality.ubigeo)), start=1):
        document = {
            "datoGeneral": {
                "idPlanGobierno": 900000 + number,
                "txProcesoElectoral": f"{DEMO_LABEL} ELECCIONES REGIONALES Y MUNICIPALES 2026",
                "txOrganizacionPolitica": f"{DEMO_LABEL} Organización de prueba",
                "txTipoEleccion": municipality.kind.upper(),
                "txUbigeo": municipality.ubigeo,
            },
            **{JNE_ARRAYS[code]: [
                {"idPlanGobDimension": index, "idPgDimension": "SEAI".index(code) + 1, **row}
                for index, row in enumerate(items, start=1)] for code, items in rows.items()},
        }
        path = os.path.join(folder, f"plan-demostracion-{municipality.ubigeo}.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
        paths.append(path)
    return paths


def database_size():
    """The database's size on disk, in bytes."""
    if db.engine.url.get_backend_name() == "sqlite":  # its write-ahead log included
        path = db.engine.url.database
        return sum(os.path.getsize(name) for name in (path, f"{path}-wal")
                   if os.path.exists(name))
    return db.session.scalar(text("SELECT pg_database_size(current_database())"))


def demo_counts():
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("goals", Goal), ("reports", Report), ("comments", Comment), ("ratings", Rating),
        ("observations", Observation))}


def timestamp():
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
