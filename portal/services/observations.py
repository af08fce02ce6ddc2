"""The vigilance committees' observations on goals and the municipality's answers."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from models import OBSERVATION_KINDS, Observation, ObservationResponse, db
from portal.permissions import committees_for, ensure_plan_open
from portal.translation import lazy_gettext as _l

from . import DomainError
from .feedback import clean_text
from .notifications import tell, tell_followers


MAX_OBSERVATION = 4000


def post_observation(user, goal, committee_code, kind, body, evidence_url):
    ensure_plan_open(goal)
    committee = next((c for c in committees_for(user, goal) if c.code == committee_code),
                     None)
    if committee is None:
        raise DomainError(_l("Your committee does not oversee this goal."), "committee")
    if kind not in OBSERVATION_KINDS:
        raise DomainError(_l("Choose the kind of observation."), "kind")
    body = clean_text(body, MAX_OBSERVATION, _l("Write the observation."))
    evidence_url = (evidence_url or "").strip() or None
    if evidence_url and (not evidence_url.startswith(("https://", "http://"))
                         or len(evidence_url) > 500 or " " in evidence_url):
        raise DomainError(_l("The evidence must be a link starting with https://"),
                          "evidence_url")
    observation = Observation(goal=goal, committee=committee, author_id=user.id, kind=kind,
                              body=body, evidence_url=evidence_url)
    db.session.add(observation)
    db.session.flush()
    tell_followers("observation_posted", f"observation:{observation.id}", goal,
                   f"observacion-{observation.id}", user.id, committee.id,
                   committee=committee.code)
    return observation


def respond(user, observation, body):
    ensure_plan_open(observation)
    if observation.response is not None:
        raise DomainError(_l("This observation already has the municipality's answer."))
    body = clean_text(body, MAX_OBSERVATION, _l("Write the answer."))
    try:
        with db.session.begin_nested():
            db.session.add(ObservationResponse(observation=observation, author_id=user.id,
                                               body=body))
    except IntegrityError:
        raise DomainError(_l("This observation already has the municipality's answer.")) \
            from None
    key, anchor = f"answer:{observation.id}", f"observacion-{observation.id}"
    committee = observation.committee.code
    tell_followers("observation_answered", key, observation.goal, anchor, user.id,
                   observation.committee_id, committee=committee)
    tell([observation.author_id], "observation_answered", key, observation.goal, anchor,
         committee=committee)


def observations_of(goal_id):
    return db.session.scalars(
        select(Observation).where(Observation.goal_id == goal_id)
        .order_by(Observation.created_at.desc())
        .options(joinedload(Observation.committee), joinedload(Observation.response),
                 joinedload(Observation.evidence))).unique().all()


def pending_observations(committee):
    """A committee's observations still waiting for the municipality's answer."""
    return db.session.scalars(
        select(Observation).where(Observation.committee_id == committee.id,
                                  ~Observation.response.has())
        .order_by(Observation.created_at).options(selectinload(Observation.goal))).all()
