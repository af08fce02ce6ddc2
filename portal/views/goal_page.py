"""The goal page: the commitment, the official record and the citizen thread.

Its parts every reader of a kind sees alike (``SharedParts``) come from the cache, each kept
under the versions of what it shows (``PART_SCOPES``), and their data is read only when they
are drawn; what is the reader's own (their rating, the forms, following, what they may do
with their own comments) is drawn around them on every request, or left as holes filled on
the page's way out (``portal.page_cache.holes``). The goal's view builds it, and so do the
views of the thread's forms, with the form sent back, to show its errors in place.
"""
from typing import NamedTuple

from flask import current_app, render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.feedback import CommentForm, ObservationForm, RatingForm, ResponseForm
from models.base import utcnow
from models.cache import HEARINGS, PLAN, REPORTS, goal_scope, ratings_scope, thread_scope
from portal import terms
from portal.page_cache import Fragments, kept_form
from portal.views.pages import lazy
from portal.permissions import can, can_on, committees_for
from portal.services import checks, feedback, hearings, observations, ratings
from portal.services.progress import GoalProgress

# The kinds of reader a thread is drawn for: what each may do with a comment differs.
THREAD_KINDS = ("visitor", "signed-in", "moderator")

# What each shared part shows, so the versions it is kept under: the goal's own scopes are
# written as functions of its code. The thread and its count change with a comment, the
# ratings and the chart comparing them with the official progress with a rating too, the
# forms with the plan alone.
_GOAL = (PLAN, REPORTS, goal_scope)
PART_SCOPES = {
    "now": _GOAL, "record": _GOAL, "facts": _GOAL, "siblings": _GOAL, "observations": _GOAL,
    "checks": _GOAL,
    "ratings": (*_GOAL, ratings_scope), "compare": (*_GOAL, ratings_scope),
    "thread": (PLAN, thread_scope), "count": (PLAN, thread_scope),
    "hearing": (PLAN, HEARINGS),
    "comment_form": (PLAN,), "rating_form": (PLAN,),
}

def thread_position():
    order = request.args.get("orden")
    order = order if order in feedback.THREAD_ORDERS else feedback.THREAD_ORDERS[0]
    return order, max(request.args.get("pagina", 1, type=int), 1)


class SharedParts:
    """The goal page's parts every reader of a kind sees alike, named for this request's
    reader and thread page, and those the cache holds already."""

    def __init__(self, code):
        self.names = self._names(code)
        self.fragments = Fragments({
            name: tuple(scope(code) if callable(scope) else scope
                        for scope in PART_SCOPES[part.partition(":")[0]])
            for part, name in self.names.items() if name})

    @staticmethod
    def _names(code):
        order, page = thread_position()
        # "first": the plan first published, whose addresses carry no term.
        goal = f"goal:{terms.context().plan_id or 'first'}:{code}"
        record = ("record-official" if can("publish_reports")
                  else "record-admin" if can("withdraw_evidence") else "record")
        names = {part: f"{goal}:{part}" for part in ("now", "ratings", "compare", "facts",
                                                     "siblings", "count", "hearing")}
        names["record"] = f"{goal}:{record}"
        # An official answers observations in place, a committee adds evidence to its own:
        # theirs are drawn for them.
        names["observations"] = (None if can("respond_observation") or can("moderate")
                                 else f"{goal}:observations")
        names |= {f"thread:{kind}": f"{goal}:thread:{kind}:{order}:{page}"
                  for kind in THREAD_KINDS}
        # What residents saw, with the links each kind of reader may follow.
        names |= {f"checks:{kind}": f"{goal}:checks:{kind}" for kind in THREAD_KINDS}
        # The forms, with holes where each reader's tokens go (``kept_form``).
        names |= {f"comment_form:{rates}": f"{goal}:comment-form:{rates}" for rates in (0, 1)}
        names |= {f"rating_form:{stars}": f"{goal}:rating-form:{stars}" for stars in range(6)}
        return names

    def missing(self, *parts):
        return self.fragments.missing(*(self.names[part] for part in parts))


class ReadersMarks(NamedTuple):
    """What the goal page shows of its signed-in reader beyond their kind and its holes:
    whether they follow the goal and the stars they gave it. The page cache reads them
    before the page (``cached(readers=ReadersMarks.read)``), names the reader's page by them,
    and hands them to the view that draws it."""

    following: bool
    stars: int | None

    @classmethod
    def read(cls, code):
        """By the goal's code, before the goal is read."""
        return cls(*feedback.readers_marks(code.upper(), current_user, terms.context()))

    def __str__(self):
        return f"{int(self.following)}:{self.stars or 0}"


class GoalPage:
    """The goal page for this request's reader, with the form one of them sent back, if any.

    A form is built only for who sees it: building one starts a CSRF token in the session,
    and a page with a session of its own cannot come from the shared cache."""

    def __init__(self, goal, shared=None, *, marks=None, comment_form=None, rating_form=None,
                 observation_form=None, response_form=None, answering=None):
        self.goal, self.plan = goal, goal.objective.problem.dimension.plan
        self.marks = marks  # the reader's, when read already (``ReadersMarks``)
        self.archived = self.plan.archived_at is not None
        self.shared = shared or SharedParts(goal.code)
        self.comment_form, self.rating_form = comment_form, rating_form
        self.observation_form, self.response_form = observation_form, response_form
        self.answering = answering  # the observation whose answer came back
        # What the reader may do on this goal's page (nothing is added to an archived plan).
        self.can = can_on(goal)
        self.thread_kind = ("moderator" if can("moderate_goal", goal)
                            else "signed-in" if self.can("comment") else "visitor")

    def refusals(self):
        """A form sent to an archived plan's goal is not shown again: its refusal is."""
        if not self.archived:
            return []
        sent = (self.comment_form, self.rating_form, self.observation_form, self.response_form)
        return [message for form in sent if form is not None
                for messages in form.errors.values() for message in messages]

    def _observation_form(self):
        if not self.can("observe_goal"):
            return None
        form = self.observation_form or ObservationForm()
        form.committee.choices = [SelectChoice(c.code, c.name)
                                  for c in committees_for(current_user, self.goal)]
        return form

    def _parts(self, my_stars):
        """The names the template draws its shared parts by, for this reader: a form sent
        back with its errors is drawn for its reader, not kept."""
        names, kind = self.shared.names, self.thread_kind
        return names | {
            "thread": names[f"thread:{kind}"], "checks": names[f"checks:{kind}"],
            "comment_form": None if self.comment_form else names[
                f"comment_form:{int(self.can('rate'))}"],
            "rating_form": None if self.rating_form else names[f"rating_form:{my_stars or 0}"]}

    def _figures(self):
        """What the page counts, with what the ratings and the claim's tally count read in
        the same query when their parts are to be drawn."""
        goal, shared = self.goal, self.shared
        claim = goal.reports[0].current if goal.reports else None
        more = {}
        if shared.missing("ratings"):
            more["stars"] = ratings.star_columns(goal.id)
        if claim is not None and checks.claims_delivery(claim) and shared.missing("now"):
            more["tally"] = checks.tally_columns(claim.id)
        return claim, feedback.goal_figures(
            goal, current_user, counts=shared.missing("now", "count", f"thread:{self.thread_kind}"),
            marks=self.marks, more=more)

    def render(self, status=200):
        goal, plan = self.goal, self.plan
        order, page = thread_position()
        claim, figures = self._figures()
        return render_template(
            "plan/goal.html", goal=goal, can=self.can, archived=self.archived,
            refusals=self.refusals(), objective=goal.objective, problem=goal.objective.problem,
            dimension=goal.objective.problem.dimension, plan=plan,
            fragments=self.shared.fragments, parts=self._parts(figures.my_stars),
            progress=lazy(lambda: GoalProgress(goal.reports[0] if goal.reports else None,
                                               figures.latest_quarter)),
            tally=lazy(lambda: checks.tally_of(figures.more["tally"]) if "tally" in figures.more
                       else checks.tallies([claim.id])[claim.id]),
            committees=lazy(lambda: goal.objective.committees),
            coming_hearing=lazy(lambda: hearings.next_hearing(plan)),
            ratings=lazy(lambda: ratings.summary_of(figures.more["stars"])
                         if "stars" in figures.more else ratings.rating_summary(goal.id)),
            my_rating=figures.my_stars, comment_count=figures.comments,
            following=figures.following,
            observations=lazy(lambda: observations.observations_of(goal.id)),
            resident_checks=lazy(lambda: checks.checks_of_goal(goal, checks.CHECKS_SHOWN)
                                 if checks.may_have_checks(goal) else []),
            checks_shown=checks.CHECKS_SHOWN,
            load_thread=lambda: feedback.thread(goal, page, order,
                                                current_app.config["COMMENTS_PER_PAGE"],
                                                figures.conversations),
            order=order,
            comment_form=lazy(lambda: self.comment_form or kept_form(CommentForm))
            if self.can("comment") else None,
            rating_form=lazy(lambda: self.rating_form or kept_form(RatingForm))
            if self.can("rate") else None,
            observation_form=self._observation_form(),
            response_form=(self.response_form or ResponseForm())
            if self.can("respond_observation") else None,
            answering=self.answering,
            now=utcnow(),
        ), status
