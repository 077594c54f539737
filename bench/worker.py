"""A real Celery worker process for the benchmark, and its memory as Linux reports it (several
may consume the same queue: each is one process, its memory read on its own).

The worker is `python -m celery -A hrperf worker --pool=solo` on a queue of its own, so the
task runs in the very process whose memory is read: VmRSS (resident now) and VmHWM (the peak
since start, or since `reset_peak`) from /proc/<pid>/status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from hrperf.celery import app

START_SECONDS = 60.0
STOP_SECONDS = 30.0


class WorkerError(RuntimeError):
    """The worker did not start, died, or its job failed; the message ends with its log."""


@dataclass(frozen=True)
class Memory:
    rss_kb: int
    peak_kb: int


class BenchWorker:
    """One solo worker consuming `queue`, logging to `log_path`."""

    def __init__(
        self, *, queue: str, environment: Mapping[str, str], log_path: Path, index: int = 0
    ) -> None:
        self.queue = queue
        self.name = f"bench-{os.getpid()}-{index}@localhost"
        self.log_path = log_path
        self._environment = {**environment, "CELERY_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "the worker is not started"
        return self._process.pid

    def start(self, *, purge: bool = True) -> None:
        """Start the worker and wait until it answers; `purge`: empty its queue first (not
        when it joins workers already started on the queue)."""
        if purge:
            purge_queue(self.queue)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
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
                    "--without-heartbeat",
                    "--queues",
                    self.queue,
                    "--hostname",
                    self.name,
                    "--loglevel",
                    "WARNING",
                ],
                cwd=settings.BASE_DIR,
                env=dict(self._environment),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while not self._answers_ping():
            if not self.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise WorkerError(f"The Celery worker did not start.\n{self.tail()}")
            time.sleep(0.2)

    def _answers_ping(self) -> bool:
        replies = app.control.ping(destination=[self.name], timeout=0.5)
        return any(self.name in reply for reply in replies or [])

    def is_alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def check_alive(self) -> None:
        if not self.is_alive():
            code = self._process.poll() if self._process else None
            raise WorkerError(f"The Celery worker died (exit code {code}).\n{self.tail()}")

    def memory(self) -> Memory | None:
        """The worker's resident memory now and its peak, or None where /proc cannot tell."""
        try:
            text = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        values: dict[str, int] = {}
        for line in text.splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
        if len(values) != 2:
            return None
        return Memory(rss_kb=values["VmRSS"], peak_kb=values["VmHWM"])

    def reset_peak(self) -> bool:
        """Start VmHWM again from the current RSS (Linux: "5" into clear_refs). False if refused."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5", encoding="ascii")
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """Warm shutdown (the task in hand is finished), SIGKILL if that takes too long; then
        drop what is still queued for it (warning notices the benchmark does not wait for)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=STOP_SECONDS)
        purge_queue(self.queue)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return f"(no worker log at {self.log_path})"
        return f"Last lines of {self.log_path}:\n" + "\n".join(text.splitlines()[-lines:])


def purge_queue(queue: str) -> None:
    """Empty the queue, including what a worker killed earlier left unacknowledged for it."""
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
