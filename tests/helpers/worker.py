"""Real Celery worker processes for the tests, and waiting for what they do.

A worker runs `python -m celery -A hrperf worker` against the test database, so it needs
PostgreSQL (it cannot share SQLite's in-memory test database) and Redis (REDIS_URL, best a
database number of its own, such as redis://127.0.0.1:6379/15). The fixtures that start them
are in tests/fixtures/worker.py (the session worker) and tests/fixtures/browser.py (a worker of
the browser tests' own). Tests that hand rows to a worker need
`@pytest.mark.django_db(transaction=True)`: it only sees committed rows.

Each worker logs to a file under test-artifacts/; a failing test shows the last lines.
"""

from __future__ import annotations

import email.policy
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hrperf.celery import app
from reviews.models import CycleJob, Review

WORKER_QUEUE = "hrperf-test"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# A task whose worker died comes back after this many seconds (the broker's visibility timeout).
VISIBILITY_TIMEOUT = 10
WORKER_START_SECONDS = 60
WORKER_STOP_SECONDS = 20
DEADLINE_SECONDS = 30.0


@dataclass
class WorkerProcess:
    """One `celery worker` subprocess, consuming one queue."""

    name: str
    queue: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return f"(no log at {self.log_path})"
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, mid-task, acknowledging nothing."""
        if self.is_alive():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WORKER_STOP_SECONDS)

    def stop(self) -> None:
        """Warm shutdown (the task in hand is finished), then SIGKILL if it takes too long."""
        if self.is_alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WORKER_STOP_SECONDS)

    def answers_ping(self) -> bool:
        replies = app.control.ping(destination=[self.name], timeout=0.5)
        return any(self.name in reply for reply in replies or [])

    def is_idle(self) -> bool:
        """Nothing waiting in its queue and no task in hand (a solo worker answers only between
        tasks, so a reply at all means it is idle)."""
        if queue_length(self.queue):
            return False
        replies = app.control.inspect(destination=[self.name], timeout=0.5).active()
        if not replies or replies.get(self.name):
            return False
        return queue_length(self.queue) == 0


@dataclass
class WorkerPool:
    """Workers started by one test or session, each logging to its own file."""

    environment: Mapping[str, str]
    queue: str
    label: str
    workers: list[WorkerProcess] = field(default_factory=list)

    def start(self, **extra_environment: str) -> WorkerProcess:
        number = len(self.workers) + 1
        name = f"{self.label}-{number}-{os.getpid()}@localhost"
        ARTIFACTS.mkdir(exist_ok=True)
        log_path = ARTIFACTS / f"celery-{self.label}-{number}.log"
        environment = {**self.environment, "CELERY_QUEUE": self.queue, **extra_environment}
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "hrperf",
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--queues",
                    self.queue,
                    "--hostname",
                    name,
                    "--loglevel",
                    "INFO",
                ],
                cwd=settings.BASE_DIR,
                env=dict(environment),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(name=name, queue=self.queue, log_path=log_path, process=process)
        self.workers.append(worker)
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not worker.answers_ping():
            if not worker.is_alive() or time.monotonic() > deadline:
                worker.stop()
                pytest.fail(
                    f"The Celery worker {name} did not start (exit code {process.poll()}). "
                    f"Last lines of {log_path}:\n{worker.tail()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()

    def log_tails(self) -> list[tuple[str, str]]:
        return [(f"celery worker {w.name} ({w.log_path})", w.tail()) for w in self.workers]


def queue_length(queue: str) -> int:
    with app.connection_for_read() as connection:
        channel: Any = connection.default_channel
        # A queue nobody sent to yet does not exist in Redis: declaring it counts 0 messages.
        return int(channel.queue_declare(queue).message_count)


def purge_queue(queue: str) -> None:
    """Drop what waits in the queue, and what a dead worker of an earlier run left unacknowledged
    for it (it would come back after the visibility timeout)."""
    with app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        channel.queue_purge(queue)
        client = channel.client
        for tag, payload in client.hgetall(channel.unacked_key).items():
            try:
                routing_key = json.loads(payload)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if routing_key == queue:
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)


@dataclass(frozen=True)
class Mailbox:
    """The mail the worker sent: Django's file-based backend writes each message followed by a
    line of 79 dashes."""

    directory: Path

    def messages(self) -> list[EmailMessage]:
        separator = b"\n" + b"-" * 79 + b"\n"
        parser = BytesParser(policy=email.policy.default)
        messages: list[EmailMessage] = []
        for path in sorted(self.directory.iterdir()):
            for raw in path.read_bytes().split(separator):
                if raw.strip():
                    message = parser.parsebytes(raw)
                    assert isinstance(message, EmailMessage)
                    messages.append(message)
        return messages

    def clear(self) -> None:
        for path in self.directory.iterdir():
            path.unlink()


def wait_until(
    predicate: Callable[[], bool],
    *,
    what: str,
    worker: WorkerProcess | None,
    timeout: float = DEADLINE_SECONDS,
    interval: float = 0.1,
) -> None:
    """Poll until `predicate()` holds; past the deadline, fail with the worker's last log lines."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            log = f"\nLast lines of the worker's log:\n{worker.tail()}" if worker else ""
            pytest.fail(f"Waited {timeout:.0f} s for {what}, in vain.{log}", pytrace=False)
        if worker is not None and not worker.is_alive():
            pytest.fail(f"The worker died while waiting for {what}:\n{worker.tail()}")
        time.sleep(interval)


def wait_for_job(job: CycleJob, worker: WorkerProcess, timeout: float = DEADLINE_SECONDS) -> None:
    def finished() -> bool:
        job.refresh_from_db()
        return job.status in (CycleJob.Status.DONE, CycleJob.Status.FAILED)

    wait_until(finished, what=f"the {job.kind} job to finish", worker=worker, timeout=timeout)
    assert job.status == CycleJob.Status.DONE, job.error


def wait_until_scored(review: Review, worker: WorkerProcess) -> Review:
    """Wait until the worker has scored the review as it stands now (its current revision)."""

    def scored() -> bool:
        review.refresh_from_db()
        return review.state == Review.State.SCORED and review.scored_revision == review.revision

    wait_until(scored, what=f"review {review.pk} to be scored", worker=worker)
    return review
