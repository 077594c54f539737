"""The scoring benchmark (`make bench`, or `python -m bench --help`).

It builds a synthetic quarter in a database of its own, has a real Celery worker generate and
score it through the review services, computes the same figures with one SQL statement (the
floor), checks that both agree on every review and prints the times, the rates and the worker's
memory against the goals. See docs/benchmarks.md for the figures measured so far.

Modules: `cli` (options, the bench database, the report), `quarter` (the steps, on the current
Django database), `sql` (the hand-written statements), `worker` (the worker process).
"""
