"""Which parts of the content (scopes, ``models.cache``) a changed row belongs to: one table,
with a line for every model, so that a write bumps the versions of the pages that show it
and of no others.

A model that pages show and that is missing here would leave them stale; a test walks every
mapped model and requires it in ``SCOPES`` or in ``INVISIBLE``.
"""
from sqlalchemy import inspect

from models import (AuditEntry, CacheVersion, Comment, Committee, DatasetFile, Delivery,
                    DeliveryCheck, Dimension, Evidence, Flag, Follow, Goal, Hearing,
                    HearingQuestion, ModerationAction, Municipality, Notification,
                    NotificationSetting, Objective, Observation, ObservationResponse, OutboxEntry,
                    Place, Plan, Problem, Rating, RecoveryCode, Report, ReportRevision,
                    Submission, User, UserSession)
from models.accounts import committee_member
from models.cache import (ACCOUNTS, CHECKS, COMMENTS, HEARINGS, MODERATION,
                          MUNICIPALITIES, OBSERVATIONS, PLAN, RATINGS, REPORTS,
                          addresses_of_first, addresses_of_goal, addresses_of_municipality,
                          addresses_of_plan, goal_scope, ratings_scope, reader_scope,
                          spread, thread_scope)

# Rows no page shows: writing them leaves every cached page true. The versions themselves
# are written by statement, never as rows of the session; the national open data's page,
# which shows its files' builds, is not kept in the cache.
INVISIBLE = (RecoveryCode, Flag, AuditEntry, Submission, NotificationSetting, Delivery,
             CacheVersion, OutboxEntry, DatasetFile)


def _reader(_session, row):
    """What its reader is shown of themselves (``models.cache.reader_scope``): a session, a
    notification, a follow."""
    return (reader_scope(row.user_id),)


def _code(session, goal_id):  # by key: from the session's identity map when it is loaded
    return session.get(Goal, goal_id).code


def _of_goal(session, goal_id, *scopes):
    """``scopes`` of the pages of a goal's municipality (``models.cache.at``)."""
    return spread(scopes, addresses_of_goal(session, goal_id))


def _of_first(session, *scopes):
    """``scopes`` of the pages of the municipality first published, whose committees, places
    and hearings the portal holds."""
    return spread(scopes, addresses_of_first(session))


def _goal(session, goal_id, *scopes):
    """A goal's own scope and ``scopes``, of the pages of its municipality."""
    return _of_goal(session, goal_id, *scopes, goal_scope(_code(session, goal_id)))


def _goal_of_report(session, report_id):
    return session.get(Report, report_id).goal_id


def _goal_of_revision(session, revision_id):
    return _goal_of_report(session, session.get(ReportRevision, revision_id).report_id)


def _goal_of_observation(session, observation_id):
    return session.get(Observation, observation_id).goal_id


def _plan_of(session, obj):
    """The plan a row of the plan belongs to."""
    if isinstance(obj, Plan):
        return obj.id
    if isinstance(obj, Goal):
        return _plan_of_parent(session, obj, "objective", Objective, obj.objective_id)
    if isinstance(obj, (Objective, Problem)):
        return _plan_of_parent(session, obj, "dimension", Dimension, obj.dimension_id)
    return obj.plan_id


def _plan_of_parent(session, obj, relation, model, key):
    """The plan of a row's objective or dimension: kept for the transaction, for a plan
    imported flushes its seventy goals under a few objectives at once; the parent as the
    row holds it, else by key."""
    known = session.info.setdefault("plans_of", {})
    if (model, key) not in known:
        parent = obj.__dict__.get(relation) or session.get(model, key)
        known[(model, key)] = (parent.plan_id if model is Dimension else _plan_of_parent(
            session, parent, "dimension", Dimension, parent.dimension_id))
    return known[(model, key)]


def _plan(session, obj):
    return spread((PLAN,), addresses_of_plan(session, _plan_of(session, obj)))


def _of_hearing(session, hearing_id, *scopes):
    """``scopes`` of the pages of a hearing's municipality."""
    return spread(scopes, addresses_of_plan(session, session.get(Hearing, hearing_id).plan_id))


def _moderation(session, action):
    if action.question_id is not None:
        return _of_hearing(session, session.get(HearingQuestion, action.question_id).hearing_id,
                           MODERATION, HEARINGS)
    if action.check_id is not None:
        check = session.get(DeliveryCheck, action.check_id)
        return {*_of_goal(session, _goal_of_revision(session, check.revision_id), MODERATION),
                *scopes_of(session, check)}
    goal_id = session.get(Comment, action.comment_id).goal_id
    code = _code(session, goal_id)
    return _of_goal(session, goal_id, MODERATION, goal_scope(code), thread_scope(code))


def _evidence(session, evidence):
    if evidence.check_id is not None:
        return scopes_of(session, session.get(DeliveryCheck, evidence.check_id))
    if evidence.revision_id is not None:
        return _goal(session, _goal_of_revision(session, evidence.revision_id), REPORTS)
    return _goal(session, _goal_of_observation(session, evidence.observation_id), OBSERVATIONS)


# Each model, and the scopes a row of it belongs to (a function of the session and the row),
# each under the addresses of its municipality's pages (``models.cache.at``).
SCOPES = {
    # The plan, and what the goal pages name with it: on every page of its municipality.
    Plan: _plan, Dimension: _plan, Problem: _plan, Objective: _plan, Goal: _plan,
    # The committees and what they oversee, the places: their municipality's.
    Committee: lambda session, committee: spread(
        (PLAN,), addresses_of_municipality(session, committee.municipality_id)),
    Place: lambda session, place: spread(
        (PLAN,), addresses_of_municipality(session, place.municipality_id)),
    Municipality: lambda _session, _municipality: (MUNICIPALITIES,),
    Comment: lambda session, comment: _of_goal(session, comment.goal_id, COMMENTS, thread_scope(
        _code(session, comment.goal_id))),
    Rating: lambda session, rating: {*_of_goal(session, rating.goal_id, RATINGS, ratings_scope(
        _code(session, rating.goal_id))), reader_scope(rating.user_id)},
    Observation: lambda session, observation: _goal(session, observation.goal_id,
                                                    OBSERVATIONS),
    ObservationResponse: lambda session, response: _goal(
        session, _goal_of_observation(session, response.observation_id), OBSERVATIONS),
    ModerationAction: _moderation,
    Report: lambda session, report: _goal(session, report.goal_id, REPORTS),
    ReportRevision: lambda session, revision: _goal(
        session, _goal_of_report(session, revision.report_id), REPORTS),
    DeliveryCheck: lambda session, check: _goal(
        session, _goal_of_revision(session, check.revision_id), CHECKS),
    Evidence: _evidence,
    Hearing: lambda session, hearing: spread(
        (HEARINGS,), addresses_of_plan(session, hearing.plan_id)),
    HearingQuestion: lambda session, question: _of_hearing(session, question.hearing_id,
                                                           HEARINGS),
    User: lambda _session, user: (ACCOUNTS, reader_scope(user.id)),
    # What a signed-in reader is shown of themselves only (``portal.page_cache.readers``).
    UserSession: _reader, Notification: _reader, Follow: _reader,
}


def scopes_of(session, obj):
    """The parts of the content a changed row belongs to, under the addresses of its
    municipality's pages. A model in neither table (its test fails first) counts as shown
    on every page of the municipality first published."""
    if isinstance(obj, INVISIBLE):
        return ()
    return SCOPES.get(type(obj), lambda session, _obj: _of_first(session, PLAN))(session, obj)


# The tables of what a signed-in reader is shown of themselves, whose bulk statements say
# whose rows they changed (``models.cache.note_readers``).
READERS_TABLES = frozenset(model.__tablename__ for model in (
    User, UserSession, Notification, Follow, Rating)) | {committee_member.name}


def collection_scopes(obj):
    """The readers whose committees changed with a committee's members (or a user's
    committees): their kind names them (``portal.permissions.reader_kind``)."""
    if isinstance(obj, Committee):
        history = inspect(obj).attrs.members.history
        return {reader_scope(user.id) for user in (*history.added, *history.deleted)}
    if isinstance(obj, User) and inspect(obj).attrs.committees.history.has_changes():
        return {reader_scope(obj.id)}
    return ()
