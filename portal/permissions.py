"""Who may do what. Every rule is written here once; views, templates and tests ask it.

A rule is a named predicate over (user, object). Rules combine with ``&`` and ``|``.
Views declare theirs with ``@requires(NAME)`` (checked before the view runs) and, for rules
about one object, call ``ensure(NAME, obj)`` once the object is loaded. Templates call
``can(NAME, obj)``. A test walks the URL map to prove that every write endpoint declares one.
"""
from datetime import timedelta
from functools import wraps

from flask import abort
from flask_login import current_user

from models import ROLES


class Rule:
    """``scoped`` rules are about one object (a goal, a comment) and need it to decide."""

    def __init__(self, check, needs_sign_in=True, scoped=False):
        self.check = check
        self.needs_sign_in = needs_sign_in
        self.scoped = scoped

    def __call__(self, user, obj=None):
        if self.needs_sign_in and not (user.is_authenticated and user.is_active):
            return False
        return bool(self.check(user, obj))

    def __and__(self, other):
        return Rule(lambda u, o: self(u, o) and other(u, o),
                    self.needs_sign_in or other.needs_sign_in, self.scoped or other.scoped)

    def __or__(self, other):
        return Rule(lambda u, o: self(u, o) or other(u, o),
                    self.needs_sign_in and other.needs_sign_in, self.scoped or other.scoped)


def role(*names):
    unknown = set(names) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return Rule(lambda user, _obj: user.role in names)


def oversees_goal(user, goal):
    """A committee member watching the goal's objective."""
    return any(goal.objective in committee.objectives for committee in user.committees)


def oversees_question(user, question):
    """A committee member watching the goal a hearing question is about."""
    return question.goal is not None and oversees_goal(user, question.goal)


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
OFFICIAL = role("official")
ADMIN = role("admin")

RULES = {
    # Forms anybody may send: registering, signing in, choosing a language.
    "public": EVERYONE,
    "manage_own_account": SIGNED_IN,
    # Following and being told: anyone signed in.
    "follow": SIGNED_IN,
    "publish_reports": OFFICIAL,
    "manage_accounts": ADMIN,
    "manage_committees": ADMIN,
    "read_audit_log": ADMIN,
    "moderate_goal": ADMIN | (role("moderator") & Rule(oversees_goal, scoped=True)),
    "moderate": role("moderator", "admin"),
    # Officials speak through reports and answers; their badge marks their comments.
    "comment": SIGNED_IN,
    # The rating is the citizens' verdict: the municipality does not rate itself.
    "rate": role("resident", "moderator"),
    "flag_comment": SIGNED_IN,
    "change_own_comment": Rule(is_author, scoped=True),
    "observe_goal": role("moderator") & Rule(oversees_goal, scoped=True),
    "respond_observation": OFFICIAL,
    # Public hearings: the municipality schedules them and answers in writing; residents
    # and committee members ask; questions are moderated as comments are.
    "schedule_hearing": OFFICIAL,
    "answer_question": OFFICIAL,
    "ask_question": role("resident", "moderator"),
    "moderate_question": ADMIN | (role("moderator") & Rule(oversees_question, scoped=True)),
    # Evidence: the office on its reports, a committee on its own observations.
    "attach_report_evidence": OFFICIAL,
    "attach_observation_evidence": role("moderator") & Rule(in_committee_of, scoped=True),
    "withdraw_evidence": ADMIN,
    "manage_places": ADMIN,
    # Residents (committee members are residents too) say whether they saw a delivery.
    "check_delivery": role("resident", "moderator"),
    # A resident's check is reported and moderated as a comment is.
    "flag_check": SIGNED_IN,
}


def can(name, obj=None, user=None):
    # The user itself, not the proxy: a page asks a few dozen times.
    return RULES[name](user if user is not None else current_user._get_current_object(), obj)


def reader_kind(user):
    """What the rules read of a signed-in reader but their id: readers of one kind are shown
    the same pages, but for the holes that are each reader's own (``portal.page_cache.holes``)."""
    if user.role != "moderator":
        return user.role
    return user.role + ":" + ",".join(sorted(committee.code for committee in user.committees))


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
        deny()


def requires(name):
    """Declare, and check as far as it can without the object, the rule a view answers to."""
    rule = RULES[name]

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if rule.needs_sign_in and not signed_in():
                deny()
            if not rule.scoped and not rule(current_user):
                deny()
            return view(*args, **kwargs)

        checked.required_rule = name
        return checked

    return decorate
