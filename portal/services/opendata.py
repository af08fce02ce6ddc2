"""The national open data: each dataset of every municipality's plans in one file per format,
built in the background and sent as built.

Reading every plan of the register takes minutes, longer than a request may: the worker
builds the files every night (``schedule_national_data``), each read plan by plan and
written compressed to the file store as it is read, and records each file's latest build
(``DatasetFile``). A request only sends a file built. Each municipality's own datasets stay
live, drawn from its plan on request.
"""
import csv
import gzip
import io
import json
import os
import tempfile
from collections import namedtuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import DatasetFile, Municipality, Plan, db
from models.base import utcnow
from portal.extensions import cache
from portal.jobs import job, queue
from portal.opendata import DATASETS, csv_cells, json_object
from portal.quarters import next_local_time
from portal.services import DomainError
from portal.storage import storage
from portal.translation import lazy_gettext as _l

FORMATS = ("csv", "json")
# Plans read at a time, then let go of: a build holds one batch of trees in memory.
BATCH = 50
# When the nightly build starts, in Ilo's time, and how long the worker lets it run (every
# plan of the register took about two minutes; a queue's jobs are stopped after three).
BUILD_HOUR = 3
BUILD_SECONDS = 2 * 3600
# Held while a build runs, shared by every server: two builds at once would each replace the
# other's files. It lapses by itself if its build never ends.
BUILDING = "national-data-building"
# A file just built, as the build reports it.
Built = namedtuple("Built", "name extension key size rows")


def built():
    """The latest build of each national file, by (dataset, format)."""
    return {(file.name, file.extension): file
            for file in db.session.scalars(select(DatasetFile))}


def built_file(name, extension):
    return db.session.scalars(select(DatasetFile).where(
        DatasetFile.name == name, DatasetFile.extension == extension)).first()


def build_national(names=None):
    """Build the national files (of ``names``, or every dataset) from every plan of the
    register, and record each as it is done: a file replaced leaves the store once its
    successor is recorded. One build at a time: DomainError while another runs. Returns
    what was built (``Built``)."""
    app = current_app._get_current_object()
    if not cache.add(BUILDING, 1, timeout=BUILD_SECONDS):
        raise DomainError(_l("The national open data is being built already; its files are "
                             "recorded as each is done."))
    recorded = []
    try:
        # The rows give their files' addresses as the public portal has them.
        with app.test_request_context(base_url=app.config["PORTAL_URL"]):
            for name in names or DATASETS:
                recorded += _build(DATASETS[name])
    finally:
        cache.delete(BUILDING)
    return recorded


def _build(dataset):
    columns = [name for name, _ in dataset.national_columns]
    with tempfile.TemporaryDirectory() as folder:
        paths = {extension: os.path.join(folder, f"{dataset.name}.{extension}.gz")
                 for extension in FORMATS}
        with gzip.GzipFile(paths["csv"], "wb", mtime=0) as as_csv, \
                gzip.GzipFile(paths["json"], "wb", mtime=0) as as_json:
            sizes, rows = _write(dataset, columns, as_csv, as_json)
        recorded = []
        for extension in FORMATS:
            with open(paths[extension], "rb") as handle:
                key, _digest = storage().save(handle.read(), f".{extension}.gz")
            recorded.append(_record(dataset.name, extension, key, sizes[extension], rows))
        return recorded


def _write(dataset, columns, as_csv, as_json):
    """Every plan's rows, to both files as they are read; their sizes and rows."""
    sizes, rows = {"csv": 0, "json": 0}, 0

    def put(extension, out, text):
        data = text.encode()
        sizes[extension] += len(data)
        out.write(data)

    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\n")
    writer.writerow(columns)
    put("csv", as_csv, line.getvalue())
    put("json", as_json, "[")
    plan_ids = db.session.scalars(
        select(Plan.id).join(Municipality, Municipality.id == Plan.municipality_id)
        .order_by(Municipality.ubigeo, Plan.period_start)).all()
    order = {plan_id: position for position, plan_id in enumerate(plan_ids)}
    for start in range(0, len(plan_ids), BATCH):
        plans = db.session.scalars(
            select(Plan).where(Plan.id.in_(plan_ids[start:start + BATCH]))
            .options(selectinload(Plan.registered))).all()
        plans.sort(key=lambda plan: order[plan.id])
        line.seek(0)
        line.truncate()
        objects = []
        for row in dataset.national_rows(plans):
            writer.writerow(csv_cells(columns, row))
            objects.append(json.dumps(json_object(columns, row), ensure_ascii=False))
        put("csv", as_csv, line.getvalue())
        if objects:
            put("json", as_json, ("," if rows else "") + "\n" + ",\n".join(objects))
        rows += len(objects)
        db.session.expunge_all()  # the batch's trees let go of
    put("json", as_json, "\n]\n")
    return sizes, rows


def _record(name, extension, key, size, rows):
    """Record a file built, then let the one it replaces go from the store."""
    file = built_file(name, extension)
    replaced = None
    if file is None:
        file = DatasetFile(name=name, extension=extension)
        db.session.add(file)
    elif file.key != key:
        replaced = file.key
    file.key, file.size, file.rows, file.built_at = key, size, rows, utcnow()
    db.session.commit()
    if replaced and not db.session.scalar(select(DatasetFile.id).where(
            DatasetFile.key == replaced)):
        storage().delete(replaced)
    return Built(name, extension, key, size, rows)


@job
def build_national_data():
    """The worker's nightly build of the national files; it puts the next one on the
    schedule first, so that a build that fails leaves the next night's."""
    schedule_national_data()
    try:
        build_national()
    except DomainError:  # one asked for on the command line is under way: it stands
        current_app.logger.info("National open data already being built; the night's skipped")


def schedule_national_data(portal_queue=None):
    """Put the next nightly build (at BUILD_HOUR in Ilo) on the worker's schedule, once."""
    portal_queue = portal_queue or queue()
    if portal_queue is None:
        return
    moment = next_local_time(BUILD_HOUR)
    portal_queue.enqueue_at(moment, build_national_data, job_timeout=BUILD_SECONDS,
                            job_id=f"national-data-{moment:%Y-%m-%d}")
