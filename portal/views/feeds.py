"""Atom feeds: new and corrected reports, new observations and answers."""
from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Observation, ObservationResponse, Report, ReportRevision, db
from models.base import aware, utcnow
from portal.views.i18n import current_language
from portal.labels import OBSERVATION_KIND_LABELS, REPORT_STATUS_LABELS
from portal.services.checks import tallies

ENTRIES = 50


def _revisions(goal_ids):
    return db.session.scalars(
        select(ReportRevision).join(ReportRevision.report).where(Report.goal_id.in_(goal_ids))
        .order_by(ReportRevision.created_at.desc()).limit(ENTRIES)
        .options(selectinload(ReportRevision.report).selectinload(Report.goal))).all()


def _observations(goal_ids):
    return db.session.scalars(
        select(Observation).where(Observation.goal_id.in_(goal_ids))
        .order_by(Observation.created_at.desc()).limit(ENTRIES)
        .options(selectinload(Observation.goal), selectinload(Observation.committee))).all()


def _responses(goal_ids):
    return db.session.scalars(
        select(ObservationResponse).join(ObservationResponse.observation)
        .where(Observation.goal_id.in_(goal_ids))
        .order_by(ObservationResponse.created_at.desc()).limit(ENTRIES)
        .options(selectinload(ObservationResponse.observation).selectinload(Observation.goal),
                 selectinload(ObservationResponse.observation)
                 .selectinload(Observation.committee))).all()


def _entries(goal_ids):
    revisions = _revisions(goal_ids)
    counted = tallies([revision.id for revision in revisions])
    for revision in revisions:
        goal = revision.report.goal
        title = (_("%(code)s: report for %(quarter)s corrected", code=goal.code,
                   quarter=revision.report.quarter) if revision.number > 1 else
                 _("%(code)s: report for %(quarter)s published", code=goal.code,
                   quarter=revision.report.quarter))
        summary = _("%(status)s, %(progress)s %% progress.",
                    status=REPORT_STATUS_LABELS[revision.status],
                    progress=f"{revision.progress_pct:f}".rstrip("0").rstrip("."))
        if revision.reason:
            summary += " " + _("Reason: %(reason)s", reason=revision.reason)
        tally = counted[revision.id]
        if tally.total:
            summary += " " + _("Residents who checked it: %(yes)s yes, %(partly)s in part, "
                               "%(no)s no, %(unknown)s don't know.", **tally.as_dict())
        yield (aware(revision.created_at), f"revision-{revision.id}", title,
               url_for("plan.goal", code=goal.code, _anchor=f"report-{revision.report.quarter}",
                       _external=True), f"{summary}\n\n{revision.narrative}")
    for observation in _observations(goal_ids):
        goal = observation.goal
        yield (aware(observation.created_at), f"observation-{observation.id}",
               _("%(code)s: %(kind)s from %(committee)s", code=goal.code,
                 kind=OBSERVATION_KIND_LABELS[observation.kind],
                 committee=observation.committee.code),
               url_for("plan.goal", code=goal.code, _anchor=f"observacion-{observation.id}",
                       _external=True), observation.body)
    for response in _responses(goal_ids):
        observation = response.observation
        yield (aware(response.created_at), f"response-{response.id}",
               _("%(code)s: the municipality answers %(committee)s",
                 code=observation.goal.code, committee=observation.committee.code),
               url_for("plan.goal", code=observation.goal.code,
                       _anchor=f"observacion-{observation.id}", _external=True), response.body)


def atom_feed(plan, goal=None):
    """The feed of the whole plan, or of one goal, as Atom XML bytes."""
    goals = [goal] if goal else plan.goals
    entries = sorted(_entries([g.id for g in goals]), key=lambda e: e[0], reverse=True)[:ENTRIES]
    feed = FeedGenerator()
    if goal:
        self_url = url_for("transparency.goal_feed", code=goal.code, _external=True)
        page_url = url_for("plan.goal", code=goal.code, _external=True)
        feed.title(_("Goal %(code)s: reports and observations", code=goal.code))
    else:
        self_url = url_for("transparency.plan_feed", _external=True)
        page_url = url_for("plan.home", _external=True)
        feed.title(_("%(municipality)s: reports and observations",
                     municipality=plan.municipality))
    feed.id(self_url)
    feed.link(href=self_url, rel="self")
    feed.link(href=page_url, rel="alternate")
    feed.author({"name": plan.municipality})
    feed.language(current_language())
    feed.updated(entries[0][0] if entries else utcnow())
    for moment, key, title, link, content in reversed(entries):
        entry = feed.add_entry()
        entry.id(f"{self_url}#{key}")
        entry.title(title)
        entry.link(href=link)
        entry.updated(moment)
        entry.published(moment)
        entry.content(content, type="text")
    return feed.atom_str(pretty=True)
