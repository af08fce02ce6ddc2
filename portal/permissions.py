"""Who may do what. Every rule is written here once; views, templates and tests ask it.

A rule is a named predicate over (user, object). Rules combine with ``&`` and ``|``.
Views declare theirs with ``@requires(NAME)`` (checked, as far as it can be without the
object, before the view runs) and, for rules about one object, call ``ensure(NAME, obj)``
once the object is loaded. Templates call ``can(NAME, obj)``; a page about one object hands
its templates ``can_on(obj)``. Services refuse what the same rules refuse (``ensure_plan_open``).
A test walks the URL map to prove that every write endpoint declares one.
"""
from datetime import timedelta
from functools import wraps

from flask import abort, g
from flask_login import current_user

from models import ROLES, Committee, Plan
from portal.context import FIRST
from portal.services import DomainError
from portal.translation import lazy_gettext as _l


class Rule:
    """``scoped`` rules are about one object (a goal, a comment) and need it to decide;
    ``precheck`` answers what can be known without it."""

    def __init__(self, check, needs_sign_in=True, scoped=False, precheck=None):
        self.check = check
        self.needs_sign_in = needs_sign_in
        self.scoped = scoped
        self._precheck = precheck or ((lambda _user: True) if scoped
                                      else (lambda user: self.check(user, None)))

    def __call__(self, user, obj=None):
        if self.needs_sign_in and not (user.is_authenticated and user.is_active):
            return False
        return bool(self.check(user, obj))

    def precheck(self, user):
        """Whether ``user`` may, as far as can be told before the object is loaded."""
        if self.needs_sign_in and not (user.is_authenticated and user.is_active):
            return False
        return bool(self._precheck(user))

    def __and__(self, other):
        return Rule(lambda u, o: self(u, o) and other(u, o),
                    self.needs_sign_in or other.needs_sign_in, self.scoped or other.scoped,
                    lambda u: self.precheck(u) and other.precheck(u))

    def __or__(self, other):
        return Rule(lambda u, o: self(u, o) or other(u, o),
                    self.needs_sign_in and other.needs_sign_in, self.scoped or other.scoped,
                    lambda u: self.precheck(u) or other.precheck(u))


def role(*names):
    unknown = set(names) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return Rule(lambda user, _obj: user.role in names)


def committees_for(user, goal):
    """The user's committees that oversee the goal's objective."""
    return [committee for committee in user.committees if goal.objective in committee.objectives]


def committee_for(user, goal):
    """The committee a member acts for on a goal (the first of theirs overseeing it); None
    when none does, as for an admin acting alone, or when there is no goal (a hearing
    question on the plan as a whole)."""
    return None if goal is None else next(iter(committees_for(user, goal)), None)


def oversees_goal(user, goal):
    """A committee member watching the goal's objective."""
    return committee_for(user, goal) is not None


def moderation_scope(user):
    """The objectives whose goals' threads ``user`` moderates, by id: None for every goal
    (an admin), else those their committees oversee (``moderate_goal``)."""
    if user.role == "admin":
        return None
    return [objective.id for committee in user.committees for objective in committee.objectives]


def oversees_question(user, question):
    """A committee member watching the goal a hearing question is about."""
    return question.goal is not None and oversees_goal(user, question.goal)


def plan_of(obj):
    """The plan something belongs to (a goal, what is said or reported about one, a
    hearing); None when it belongs to none."""
    if obj is None or isinstance(obj, Plan):
        return obj
    for parent in PARENTS:
        if getattr(obj, parent, None) is not None:
            return plan_of(getattr(obj, parent))
    return None  # a committee, an account: of no plan


# What leads from a row up to its plan: a dimension's plan, an objective's dimension, a
# goal's objective, a comment's (check's, report's…) goal, a question's hearing.
PARENTS = ("plan", "dimension", "objective", "goal", "hearing", "observation", "report",
           "revision")


def plan_open(_user, obj):
    """Nothing is added to a plan whose term has ended (asked without an object: no plan
    is in question). Moderating stays possible: a comment found to hold personal data must
    be hidden whenever it is found."""
    plan = plan_of(obj)
    return plan is None or plan.archived_at is None


def municipality_of(obj):
    """The municipality something belongs to, as staff accounts name it (None for the one
    first published): a committee's own, its plan's, or asked without an object, the
    request's."""
    if isinstance(obj, Committee):
        return obj.municipality_id
    plan = plan_of(obj)
    if plan is not None:
        return None if plan.address_municipality is None else plan.municipality_id
    return g.get("context", FIRST).municipality_id


def serves(user, obj):
    """A staff account acts only for its own municipality: on its plans, in its pages. A
    national admin serves none."""
    return not user.national and user.municipality_id == municipality_of(obj)


def national(user, _obj):
    """An admin of the national portal: gives each municipality its first admin."""
    return user.national


def manages(user, account):
    """An admin manages the residents' national accounts, and the staff of their own
    municipality."""
    return account.role == "resident" or account.municipality_id == user.municipality_id


def is_author(user, comment):
    return comment.author_id == user.id


def within_edit_window(created_at, now, minutes):
    """Whether a comment written at ``created_at`` may still be edited by its author: for
    ``minutes`` (``COMMENT_EDIT_MINUTES``) after it is written."""
    return now - created_at <= timedelta(minutes=minutes)


def in_committee_of(user, observation):
    return any(c.id == observation.committee_id for c in user.committees)


# Who must sign in with a second factor: the accounts that can publish or administer.
STAFF_ROLES = ("official", "admin")


def needs_second_factor(user):
    return user.role in STAFF_ROLES


EVERYONE = Rule(lambda _user, _obj: True, needs_sign_in=False)
SIGNED_IN = Rule(lambda _user, _obj: True)
STAFF_HOME = Rule(serves)
OFFICIAL = role("official") & STAFF_HOME
ADMIN = role("admin") & STAFF_HOME
# An admin of a municipality, wherever they are in the portal: not the national ones.
MUNICIPAL_ADMIN = role("admin") & Rule(lambda user, _obj: not national(user, _obj))
# Joined into every rule that adds to a plan.
PLAN_OPEN = Rule(plan_open, needs_sign_in=False, scoped=True)


def adding(rule):
    """``rule``, on a plan whose term has not ended; ``ensure`` tells who may otherwise
    that the plan is archived, rather than that they may not."""
    joined = rule & PLAN_OPEN
    joined.before_archive = rule
    return joined

RULES = {
    # Forms anybody may send: registering, signing in, choosing a language.
    "public": EVERYONE,
    "manage_own_account": SIGNED_IN,
    # Following and being told: anyone signed in, what can still happen.
    "follow": adding(SIGNED_IN),
    "publish_reports": adding(OFFICIAL),
    # Every municipality's admins manage the accounts of their own and read its audit log
    # (portal.views.admin), and its committees; a national admin gives each its first admin.
    "manage_accounts": MUNICIPAL_ADMIN,
    "manage_account": MUNICIPAL_ADMIN & Rule(manages, scoped=True),
    "manage_committees": ADMIN,
    "read_audit_log": MUNICIPAL_ADMIN,  # each municipality's admins, its own log
    "manage_municipalities": role("admin") & Rule(national),
    "moderate_goal": ADMIN | (role("moderator") & Rule(oversees_goal, scoped=True)),
    "moderate": role("moderator", "admin") & STAFF_HOME,
    # Officials speak through reports and answers; their badge marks their comments.
    "comment": adding(SIGNED_IN),
    # The rating is the citizens' verdict: the municipality does not rate itself.
    "rate": adding(role("resident", "moderator")),
    "flag_comment": adding(SIGNED_IN),
    "change_own_comment": adding(Rule(is_author, scoped=True)),
    "observe_goal": adding(role("moderator") & Rule(oversees_goal, scoped=True)),
    "respond_observation": adding(OFFICIAL),
    # Public hearings: the municipality schedules them and answers in writing; residents
    # and committee members ask; questions are moderated as comments are.
    "schedule_hearing": adding(OFFICIAL),
    "answer_question": OFFICIAL,
    "ask_question": adding(role("resident", "moderator")),
    "moderate_question": ADMIN | (role("moderator") & Rule(oversees_question, scoped=True)),
    # Evidence: the office on its reports, a committee on its own observations.
    "attach_report_evidence": adding(OFFICIAL),
    "attach_observation_evidence": adding(role("moderator")
                                          & Rule(in_committee_of, scoped=True)),
    "withdraw_evidence": ADMIN,
    "manage_places": ADMIN,
    # Residents (committee members are residents too) say whether they saw a delivery.
    "check_delivery": adding(role("resident", "moderator")),
    # A resident's check is reported and moderated as a comment is.
    "flag_check": adding(SIGNED_IN),
}


def can(name, obj=None, user=None):
    # The user itself, not the proxy: a page asks a few dozen times.
    return RULES[name](user if user is not None else current_user._get_current_object(), obj)


def can_on(obj):
    """``can`` for a page about ``obj``: a rule asked without an object is asked about it
    (on an archived plan's goal page, nobody may comment)."""
    return lambda name, other=None: can(name, obj if other is None else other)


def ensure_plan_open(obj):
    """What a service asks before adding to ``obj``'s plan: the ``PLAN_OPEN`` rule, refused
    in words."""
    if not plan_open(None, obj):
        raise DomainError(archived(plan_of(obj)))


def archived(plan):
    return _l("The %(start)s–%(end)s plan is archived: its record is kept as the term ended, "
              "and nothing new is added to it.", start=plan.period_start, end=plan.period_end)


def reader_kind(user):
    """What the rules read of a signed-in reader but their id: readers of one kind are shown
    the same pages, but for the holes that are each reader's own (``portal.page_cache.holes``)."""
    kind = ("national-admin" if user.national else user.role if user.municipality_id is None
            else f"{user.role}@{user.municipality_id}")
    if user.role != "moderator":
        return kind
    return kind + ":" + ",".join(sorted(committee.code for committee in user.committees))


def signed_in():
    return current_user.is_authenticated and current_user.is_active


def deny():
    """Anonymous visitors are sent to sign in; signed-in users get a 403 page."""
    from portal.extensions import login_manager

    if not signed_in():
        abort(login_manager.unauthorized())
    abort(403)


def ensure(name, obj=None):
    if not can(name, obj):
        before_archive = getattr(RULES[name], "before_archive", None)
        if before_archive is not None and before_archive(current_user._get_current_object(),
                                                         obj):
            abort(400, description=archived(plan_of(obj)))
        deny()


def requires(name):
    """Declare, and check as far as it can without the object, the rule a view answers to."""
    rule = RULES[name]

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if rule.needs_sign_in and not signed_in():
                deny()
            if not rule.precheck(current_user):
                deny()
            return view(*args, **kwargs)

        checked.required_rule = name
        return checked

    return decorate
