"""Command-line operations: ``flask --app app plan import PATH`` and friends."""
import json
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from models import db
from portal.importers import PlanFormatError, parse_plan_file
from portal.importers.plan_json import plan_document
from portal.services import DomainError
from portal.services.plan import current_plan, import_plan, plan_tree

plan_cli = AppGroup("plan", help="Load and export the government plan.")
translate_cli = AppGroup("translate", help="Extract, update and compile the translations.")


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def plan_import(path):
    """Import the plan from its extracted text or its canonical JSON."""
    try:
        parsed = parse_plan_file(path)
        summary = import_plan(parsed)
        db.session.commit()
    except (PlanFormatError, DomainError) as error:
        db.session.rollback()
        raise click.ClickException(_("%(path)s was not imported: %(error)s",
                                     path=path, error=error)) from None
    for warning in parsed.warnings:
        click.echo(_("warning: %(warning)s", warning=warning), err=True)
    goals = sum(1 for _goal in parsed.goals())
    click.echo(_("Plan “%(title)s”: %(dimensions)s dimensions, %(goals)s goals.",
                 title=parsed.title, dimensions=len(parsed.dimensions), goals=goals))
    if summary.changed:
        click.echo(_("%(created)s entries created, %(updated)s updated, %(unchanged)s unchanged.",
                     created=summary.created, updated=summary.updated,
                     unchanged=summary.unchanged))
    else:
        click.echo(_("Nothing changed: the database already holds this plan."))


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


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def _translations_dir():
    return os.path.join(current_app.root_path, "translations")


@translate_cli.command("extract")
def translate_extract():
    """Collect the interface strings into translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--ignore-dirs", ".* node_modules",
             "-o", os.path.join(_translations_dir(), "messages.pot"), ".")


@translate_cli.command("update")
def translate_update():
    """Extract, then merge the new strings into every catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", os.path.join(_translations_dir(), "messages.pot"),
             "-d", _translations_dir(), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs that the portal reads."""
    _pybabel("compile", "-d", _translations_dir())


def register(app):
    app.cli.add_command(plan_cli)
    app.cli.add_command(translate_cli)
