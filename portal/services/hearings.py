"""Public accountability hearings: scheduling them, residents' written questions and the
municipality's answers, the acta, and what the printed summary holds by law."""
from dataclasses import dataclass, field
from datetime import timezone
from decimal import Decimal

from flask import current_app
from flask_babel import format_datetime
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Hearing, HearingQuestion, Observation, Plan, db
from models.base import aware, utcnow
from portal.context import FIRST, Context
from portal.permissions import ensure_plan_open
from portal.quarters import local, local_zone, plan_quarters, quarter_of
from portal.storage import storage
from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

from . import DomainError, moderation
from .feedback import clean_text
from .notifications import tell, tell_followers
from .plan import goal_by_code, of_municipality
from .progress import PlanProgress

MAX_PLACE = 200
MAX_QUESTION = 1000
MAX_ANSWER = 4000
PDF = b"%PDF-"


def schedule(actor, plan, held_at, place, first_quarter, last_quarter, questions_until):
    """A hearing on the plan; ``held_at`` and ``questions_until`` are naive local times
    (Ilo's), as an official types them."""
    ensure_plan_open(plan)
    zone = local_zone()
    place = " ".join((place or "").split())
    if not place:
        raise DomainError(_l("Say where the hearing is held."), "place")
    if len(place) > MAX_PLACE:
        raise DomainError(_l("The place may have at most %(max)s characters.", max=MAX_PLACE),
                          "place")
    quarters = plan_quarters(plan)
    for name, quarter in (("first_quarter", first_quarter), ("last_quarter", last_quarter)):
        if quarter not in quarters:
            raise DomainError(_l("The quarters must be of the plan's period, from %(first)s "
                                 "to %(last)s.", first=quarters[0], last=quarters[-1]), name)
    if quarters.index(first_quarter) > quarters.index(last_quarter):
        raise DomainError(_l("The first quarter covered comes before the last one."),
                          "first_quarter")
    held_at = held_at.replace(tzinfo=zone).astimezone(timezone.utc)
    questions_until = questions_until.replace(tzinfo=zone).astimezone(timezone.utc)
    # A hearing accounts for what is over: its quarters have ended when it is held.
    if quarter_of(held_at) <= last_quarter:
        raise DomainError(_l("A hearing accounts for quarters that have ended: %(quarter)s "
                             "is not over on the day of the hearing.", quarter=last_quarter),
                          "last_quarter")
    if questions_until > held_at:
        raise DomainError(_l("Questions must close before the hearing is held."),
                          "questions_until")
    if questions_until < utcnow():
        raise DomainError(_l("The deadline for questions has passed already: residents "
                             "would have no time to ask."), "questions_until")
    hearing = Hearing(plan=plan, held_at=held_at, place=place, first_quarter=first_quarter,
                      last_quarter=last_quarter, questions_until=questions_until,
                      created_by_id=actor.id)
    db.session.add(hearing)
    db.session.flush()
    return hearing


def hearings_of(context=FIRST):
    """The context's municipality's hearings, of every term: (coming, soonest first; past,
    latest first), each with its number of questions and of answers."""
    counts = (select(HearingQuestion.hearing_id, func.count().label("asked"),
                     func.count(HearingQuestion.answered_at).label("answered"))
              .where(HearingQuestion.hidden_at.is_(None))
              .group_by(HearingQuestion.hearing_id).subquery())
    rows = db.session.execute(
        select(Hearing, func.coalesce(counts.c.asked, 0), func.coalesce(counts.c.answered, 0))
        .outerjoin(counts, counts.c.hearing_id == Hearing.id)
        .where(Hearing.plan_id.in_(of_municipality(select(Plan.id), context)))
        .order_by(Hearing.held_at)).all()
    now = utcnow()
    coming = [row for row in rows if aware(row[0].held_at) >= now]
    past = [row for row in reversed(rows) if aware(row[0].held_at) < now]
    return coming, past


def next_hearing(plan):
    """The plan's next hearing, or None: shown on the home page and on its goals' pages,
    for it accounts for every goal of the plan."""
    return db.session.scalar(select(Hearing).where(
        Hearing.plan_id == plan.id, Hearing.held_at >= utcnow()).order_by(Hearing.held_at)
        .limit(1))


def open_for_questions(hearing, now=None):
    return (now or utcnow()) <= aware(hearing.questions_until)


def questions_by(user, hearing):
    return db.session.scalar(select(func.count()).select_from(HearingQuestion).where(
        HearingQuestion.hearing_id == hearing.id, HearingQuestion.author_id == user.id))


def ask(user, hearing, body, goal_code=None, committee_code=None):
    ensure_plan_open(hearing)
    if not open_for_questions(hearing):
        raise DomainError(_l("On %(date)s the questions for this hearing closed.",
                             date=format_datetime(aware(hearing.questions_until), "short")))
    limit = current_app.config["HEARING_QUESTIONS_PER_PERSON"]
    if questions_by(user, hearing) >= limit:
        raise DomainError(_nl("You have sent the one question each person may send for this "
                              "hearing.", "You have sent the %(num)s questions each person may "
                              "send for this hearing.", limit))
    body = clean_text(body, MAX_QUESTION, _l("Write your question."))
    goal = None
    goal_code = (goal_code or "").strip().upper()
    if goal_code:
        goal = goal_by_code(goal_code, full=False,
                            context=Context(plan_id=hearing.plan_id))
        if goal is None:
            raise DomainError(_l("There is no goal with the code %(code)s. Goal codes look "
                                 "like S7.6.", code=goal_code), "goal")
    committee = None
    if committee_code:
        committee = next((c for c in user.committees if c.code == committee_code), None)
        if committee is None:
            raise DomainError(_l("You can mark a question only for a committee you belong to."),
                              "committee")
    question = HearingQuestion(hearing=hearing, author_id=user.id, goal=goal,
                               committee=committee, body=body)
    db.session.add(question)
    db.session.flush()
    return question


def answer(user, question, body):
    if question.answered_at is not None:
        raise DomainError(_l("This question already has the municipality's answer."))
    if question.hidden_at is not None:
        raise DomainError(_l("This question is hidden; it is not answered."))
    question.answer = clean_text(body, MAX_ANSWER, _l("Write the answer."))
    question.answered_at, question.answered_by_id = utcnow(), user.id
    key, anchor = f"question:{question.id}", f"pregunta-{question.id}"
    details = {"hearing": question.hearing_id, "held": local(question.hearing.held_at)
               .date().isoformat()}
    if question.goal is not None:
        tell_followers("question_answered", key, question.goal, anchor, user.id, **details)
    tell([question.author_id], "question_answered", key, question.goal, anchor, **details)


def hide(user, question, reason):
    """Hidden from the hearing's page and its summary, and written on the moderation log as a
    comment's hiding is."""
    return moderation.hide(user, question, reason, None,
                           _l("Choose the reason for hiding the question."))


def restore(user, question):
    return moderation.restore(user, question, None, _l("This question is not hidden."))


def attach_acta(hearing, data):
    """Keep the hearing's acta: a PDF, checked by its content, within the size allowed."""
    limit = current_app.config["MAX_ACTA_BYTES"]
    if aware(hearing.held_at) > utcnow():
        raise DomainError(_l("The hearing takes place on %(date)s; its acta is published "
                             "after that.", date=format_datetime(aware(hearing.held_at), "short")),
                          "file")
    if not data:
        raise DomainError(_l("Choose the acta's PDF file."))
    if len(data) > limit:
        raise DomainError(_l("The acta may weigh at most %(max)s MB.", max=limit // 2**20))
    if not data.startswith(PDF):
        raise DomainError(_l("The acta must be a PDF document."))
    hearing.acta_key, hearing.acta_sha256 = storage().save(data, ".pdf")
    hearing.acta_uploaded_at = utcnow()


# The printed summary, with the sections the law asks for

ACHIEVED = ("cumplida", "cumplida_parcialmente")
DIFFICULT = ("paralizada", "no_cumplida", "cancelada")


@dataclass
class Budget:
    pim: Decimal = Decimal(0)
    devengado: Decimal = Decimal(0)
    goals: list = field(default_factory=list)  # (goal, revision) with a PIM or devengado

    @property
    def execution(self):
        """The share of the PIM accrued, in %; None without a PIM."""
        return (self.devengado / self.pim * 100).quantize(Decimal("0.1")) if self.pim else None


@dataclass
class HearingSummary:
    budget: dict  # dimension → Budget
    achievements: list  # (goal, revision, progress before)
    difficulties: list  # (goal, revision or None, why)
    observations: list
    questions: list


def in_period(hearing, quarter):
    return hearing.first_quarter <= quarter <= hearing.last_quarter


def summary(hearing, plan):
    """What the hearing accounts for, from the reports of its quarters."""
    quarters = plan_quarters(plan)
    start = quarters.index(hearing.first_quarter)
    progress = PlanProgress(plan, until=hearing.last_quarter)
    before = PlanProgress(plan, until=quarters[start - 1]) if start else None
    budget, achievements, difficulties = {}, [], []
    closing = hearing.last_quarter == quarters[-1]  # the term's end: what is not done is late
    for dimension in plan.dimensions:
        lines = budget.setdefault(dimension, Budget())
        for goal in dimension.goals:
            entry = progress.of(goal)
            reported = entry.report is not None and in_period(hearing, entry.report.quarter)
            revision = entry.revision if reported else None
            if revision is not None and (revision.pim or revision.devengado):
                lines.pim += revision.pim or 0
                lines.devengado += revision.devengado or 0
                lines.goals.append((goal, revision))
            earlier = before.of(goal).revision if before else None
            earlier_pct = earlier.progress_pct if earlier else Decimal(0)
            if revision is None:
                difficulties.append((goal, entry.revision, "silent"))
            elif revision.status in DIFFICULT:
                difficulties.append((goal, revision, revision.status))
            elif closing and revision.status != "cumplida":
                difficulties.append((goal, revision, "overdue"))
            elif revision.status in ACHIEVED or revision.progress_pct > earlier_pct:
                achievements.append((goal, revision, earlier_pct))
    observations = [o for o in db.session.scalars(
        select(Observation).join(Observation.goal).where(Observation.goal_id.in_(
            [goal.id for goal in plan.goals])).order_by(Observation.created_at)
        .options(selectinload(Observation.response), selectinload(Observation.committee),
                 selectinload(Observation.goal))) if in_period(hearing, quarter_of(o.created_at))]
    questions = [q for q in hearing.questions if q.hidden_at is None]
    return HearingSummary(budget, achievements, difficulties, observations, questions)
