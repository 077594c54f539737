"""The writes of conversations, improvement plans and written warnings."""

from improvement.services.conversations import (
    ActionInput,
    conversation_acknowledge,
    conversation_record,
)
from improvement.services.escalation import (
    escalation_window,
    written_warning_acknowledge,
    written_warnings_escalate,
)
from improvement.services.plans import (
    GoalInput,
    plan_check_in,
    plan_create,
    plan_judge,
)

__all__ = [
    "ActionInput",
    "GoalInput",
    "conversation_acknowledge",
    "conversation_record",
    "escalation_window",
    "plan_check_in",
    "plan_create",
    "plan_judge",
    "written_warning_acknowledge",
    "written_warnings_escalate",
]
