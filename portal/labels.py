"""What people read for each machine name; defined once, used by pages and tests."""
from models import (CADENCES, EVENTS, FOLLOW_KINDS, GOAL_KINDS, MODERATION_REASONS,
                    OBSERVATION_KINDS, REPORT_STATUSES, ROLES)
from portal.translation import lazy_gettext as _l

GOAL_KIND_LABELS = {
    "programa": _l("Programme"),
    "proyecto": _l("Project"),
    "plan": _l("Plan"),
    "otro": _l("Other commitment"),
}
assert set(GOAL_KIND_LABELS) == set(GOAL_KINDS), "every kind of goal needs a label"

ROLE_LABELS = {
    "resident": _l("Resident"),
    "moderator": _l("Committee member"),
    "official": _l("Municipal official"),
    "admin": _l("Administrator"),
}
assert set(ROLE_LABELS) == set(ROLES), "every role needs a label"

REPORT_STATUS_LABELS = {
    "no_iniciada": _l("Not started"),
    "en_ejecucion": _l("In progress"),
    "paralizada": _l("Halted"),
    "cumplida": _l("Fulfilled"),
    "cumplida_parcialmente": _l("Partly fulfilled"),
    "no_cumplida": _l("Not fulfilled"),
    "cancelada": _l("Cancelled"),
}
assert set(REPORT_STATUS_LABELS) == set(REPORT_STATUSES), "every status needs a label"
# Not a status anyone publishes: what a goal shows when the latest quarter has no report.
REPORT_STATUS_LABELS_WITH_SILENCE = {**REPORT_STATUS_LABELS, "sin_reporte": _l("No report")}

MODERATION_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or insulting"),
    "off_topic": _l("Not about this goal"),
    "personal_data": _l("Shows someone's personal data"),
}
assert set(MODERATION_REASON_LABELS) == set(MODERATION_REASONS)
# Why a comment is hidden: a moderator's reason, or the community's reports awaiting review.
HIDDEN_REASON_LABELS = {**MODERATION_REASON_LABELS,
                        "reported": _l("Reported by several people; awaiting review")}

OBSERVATION_KIND_LABELS = {
    "observacion": _l("Observation"),
    "alerta": _l("Alert"),
    "recomendacion": _l("Recommendation"),
}
assert set(OBSERVATION_KIND_LABELS) == set(OBSERVATION_KINDS)

MODERATION_ACTION_LABELS = {"hide": _l("Hidden"), "restore": _l("Restored")}

AUDIT_ACTION_LABELS = {
    "account_updated": _l("Role or committees changed"),
    "account_deactivated": _l("Account deactivated"),
    "account_reactivated": _l("Account reactivated"),
    "committee_scope_changed": _l("Committee scope changed"),
    "committee_created": _l("Committee created"),
    "admin_appointed": _l("Administrator given to the municipality"),
    "second_factor_reset": _l("Second factor reset"),
}

EVENT_LABELS = {
    "report_published": _l("A report is published"),
    "report_corrected": _l("A report is corrected"),
    "status_changed": _l("A goal changes status"),
    "observation_posted": _l("A committee posts an observation"),
    "observation_answered": _l("The municipality answers an observation"),
    "reply": _l("Someone replies to your comment"),
    "comment_hidden": _l("Your comment is hidden"),
    "comment_restored": _l("Your comment is shown again"),
    "comment_reported": _l("A comment is reported on a goal your committee watches"),
    "answer_due_soon": _l("A committee's observation will soon be due for an answer"),
    "answer_overdue": _l("A committee's observation is past its answer deadline"),
    "question_answered": _l("The municipality answers a question for a public hearing"),
    "check_hidden": _l("What you said you saw is hidden"),
    "check_restored": _l("What you said you saw is shown again"),
    "check_reported": _l("A resident's check is reported on a goal your committee watches"),
}
assert set(EVENT_LABELS) == set(EVENTS)

PLACE_KIND_LABELS = {"distrito": _l("District"), "centro_poblado": _l("Centro poblado"),
                     "sector": _l("Sector"), "lugar": _l("Place the plan names")}

CHECK_ANSWER_LABELS = {"yes": _l("Yes, it is there"), "partly": _l("In part"),
                       "no": _l("No, I don't see it"), "unknown": _l("I don't know")}

CADENCE_LABELS = {"now": _l("At once"), "weekly": _l("In a weekly digest"),
                  "never": _l("Never")}
assert set(CADENCE_LABELS) == set(CADENCES)

FOLLOW_KIND_LABELS = {"goal": _l("Goal"), "objective": _l("Objective"),
                      "dimension": _l("Dimension"), "committee": _l("Committee")}
assert set(FOLLOW_KIND_LABELS) == set(FOLLOW_KINDS)


def followed_name(kind, target):
    """What a person follows, named as they read it: "the Económica dimension", not "E"."""
    if kind == "dimension":
        return _l("the %(name)s dimension", name=target.name)
    if kind == "objective":
        return _l("the objective %(code)s", code=target.code)
    if kind == "committee":
        return _l("the committee %(code)s", code=target.code)
    return _l("the goal %(code)s", code=target.code)

LABELS = {
    "follow_kind": FOLLOW_KIND_LABELS,
    "goal_kind": GOAL_KIND_LABELS,
    "role": ROLE_LABELS,
    "status": REPORT_STATUS_LABELS_WITH_SILENCE,
    "audit_action": AUDIT_ACTION_LABELS,
    "hidden_reason": HIDDEN_REASON_LABELS,
    "observation_kind": OBSERVATION_KIND_LABELS,
    "moderation_action": MODERATION_ACTION_LABELS,
    "event": EVENT_LABELS,
    "cadence": CADENCE_LABELS,
    "check_answer": CHECK_ANSWER_LABELS,
    "place_kind": PLACE_KIND_LABELS,
}
