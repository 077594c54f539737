"""REST API (v1) of the quarterly reviews: quarters and their background jobs, the reviews and
their workflow, and the verbal warnings.

Views parse, call a selector (reads) or a service (writes), and render; they hold no rule of
the domain. Who sees what is the selectors' (`reviews.selectors`): HR and the director see every
review, a department head their own department's (read-only), an employee their own approved
ones. As everywhere in the API: a list or an action that the caller's role does not give gets
403; an object the caller may not see is answered 404, whether it exists or not; a write on an
object the caller sees is allowed or refused (403) by the service.

    cycles        quarters, their policy and their background jobs
    reviews       a quarter's reviews, and one review
    actions       figures, ratings, submit, return, approve (one or many), reopen
    bulk          a quarter's reviews in bulk: submit all, approve all, figures of many
    grid          one assessor's rating grid: its rows, many rows saved at once
    warnings      verbal warnings
    serializers   how a review reads
"""
