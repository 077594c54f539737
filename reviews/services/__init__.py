"""Every write to quarters and reviews. Each service checks who may do it (the workflow table,
`reviews.workflow`), checks the state, writes the audit trail (`reviews.events`) and enqueues
follow-up work once the transaction commits.

    quarters     opening a quarter, its policy, starting its jobs, closing and reopening it
    generation   a quarter's reviews, made from the catalogue
    inputs       one review's figures and ratings
    grid         many reviews' ratings by one assessor, each row alone (the rating grid)
    figures      a quarter's figures in bulk (targets, the figures file)
    transitions  submit, return, approve (one or many), reopen; submit all, approve all
    scores       scoring submitted reviews (the worker)
    jobs         running a quarter's background jobs chunk by chunk
    warnings     verbal warnings: HR's notice and acknowledgement
    reminders    the director's reminder of reviews waiting for approval
    sweep        queueing again the background work whose task was lost
"""

from reviews.services.common import QUARTER_CLOSED, require_open
from reviews.services.figures import (
    FiguresOutcome,
    FiguresRefused,
    cycle_set_figures,
    cycle_set_targets,
)
from reviews.services.generation import reviews_generate_chunk
from reviews.services.inputs import (
    review_inputs_changed,
    review_rate,
    review_self_rate,
    review_set_figures,
)
from reviews.services.jobs import job_fail, job_run
from reviews.services.quarters import (
    cycle_close,
    cycle_generate,
    cycle_open,
    cycle_policy_update,
    cycle_reopen,
    cycle_rescore,
)
from reviews.services.reminders import director_remind
from reviews.services.scores import review_score, reviews_score_batch
from reviews.services.sweep import Swept, due_work_sweep
from reviews.services.transitions import (
    BatchOutcome,
    SetChanged,
    review_approve,
    review_reopen,
    review_reopen_for_appeal,
    review_return,
    review_submit,
    reviews_approve,
    reviews_approve_batch,
    reviews_submit_batch,
)
from reviews.services.warnings import warning_acknowledge, warning_notify

__all__ = [
    "QUARTER_CLOSED",
    "BatchOutcome",
    "FiguresOutcome",
    "FiguresRefused",
    "SetChanged",
    "Swept",
    "cycle_close",
    "cycle_generate",
    "cycle_open",
    "cycle_policy_update",
    "cycle_reopen",
    "cycle_rescore",
    "cycle_set_figures",
    "cycle_set_targets",
    "director_remind",
    "due_work_sweep",
    "job_fail",
    "job_run",
    "require_open",
    "review_approve",
    "review_inputs_changed",
    "review_rate",
    "review_reopen",
    "review_reopen_for_appeal",
    "review_return",
    "review_score",
    "review_self_rate",
    "review_set_figures",
    "review_submit",
    "reviews_approve",
    "reviews_approve_batch",
    "reviews_generate_chunk",
    "reviews_score_batch",
    "reviews_submit_batch",
    "warning_acknowledge",
    "warning_notify",
]
