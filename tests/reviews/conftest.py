"""A real Celery worker process for the review tests, and the worked examples of scoring.md
built through the services so that the worker can score them.

The worker runs `python -m celery -A hrperf worker` against the test database, so it needs
PostgreSQL (it cannot share SQLite's in-memory test database) and Redis (REDIS_URL, best a
database number of its own, such as redis://127.0.0.1:6379/15). Without them the tests that use
it skip with the reason; with HRPERF_REQUIRE_SERVICES=1 they fail instead. Tests that hand rows
to the worker need `@pytest.mark.django_db(transaction=True)`: it only sees committed rows.

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from departments.models import Competency, Department, Employee
from hrperf.celery import app
from kpis.models import Kpi
from reviews import services
from reviews.models import CycleJob, Review, ReviewCycle
from tests.conftest import skip_or_fail, uses_postgresql

WORKER_QUEUE = "hrperf-test"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# A task whose worker died comes back after this many seconds (the broker's visibility timeout).
VISIBILITY_TIMEOUT = 10
WORKER_START_SECONDS = 60
WORKER_STOP_SECONDS = 20
DEADLINE_SECONDS = 30.0

# The four competencies common to every department (fixtures/catalogue.yaml), in order.
COMPETENCIES = (
    (
        "culture_loyalty",
        "认同公司企业文化，忠诚度高",
        "Embraces the company culture and is highly loyal",
    ),
    (
        "customer_industry_knowledge",
        "了解不同类型的客户及本行业的发展状况",
        "Understands different customer types and industry developments",
    ),
    ("internal_management", "注重内部管理", "Attaches importance to internal management"),
    ("learning_teamwork", "有学习意识和团队意识", "Willing to learn and works well in a team"),
)
COMPETENCY_CODES = tuple(code for code, _zh, _en in COMPETENCIES)


# -- worker processes --------------------------------------------------------------------------


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


def _database_url() -> str:
    database = settings.DATABASES["default"]
    user = quote(str(database.get("USER") or ""), safe="")
    password = str(database.get("PASSWORD") or "")
    credentials = user + (f":{quote(password, safe='')}" if password else "")
    host = quote(str(database.get("HOST") or "localhost"), safe="")
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(str(database['NAME']), safe='')}"


@pytest.fixture(scope="session")
def worker_environment(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The environment of a worker process: the test database, the test Redis, mail to files."""
    if not uses_postgresql():
        skip_or_fail(
            "A Celery worker process needs PostgreSQL: it cannot share SQLite's in-memory "
            "test database. Set DATABASE_URL=postgres://… to run the worker tests."
        )
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        skip_or_fail(
            "A Celery worker process needs Redis: set REDIS_URL, best to a database of its "
            "own, such as redis://127.0.0.1:6379/15."
        )
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        skip_or_fail(f"Redis at REDIS_URL={redis_url} does not answer: {error}")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hrperf.test_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path_factory.mktemp("worker-mail")),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def celery_worker_process(worker_environment: dict[str, str]) -> Iterator[WorkerProcess]:
    """A worker for the whole session, on the test queue; stopped before the database is
    dropped (this fixture depends on django_db_setup, so it is torn down first)."""
    if app.conf.task_default_queue != WORKER_QUEUE:
        pytest.fail(
            f"The test settings send tasks to {app.conf.task_default_queue!r}, "
            f"not to the test queue {WORKER_QUEUE!r}: unset CELERY_QUEUE.",
            pytrace=False,
        )
    purge_queue(WORKER_QUEUE)
    pool = WorkerPool(environment=worker_environment, queue=WORKER_QUEUE, label="worker")
    try:
        yield pool.start()
    finally:
        pool.stop_all()
        purge_queue(WORKER_QUEUE)


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


@pytest.fixture
def worker_mailbox(worker_environment: dict[str, str]) -> Mailbox:
    """The worker's mail, emptied for the test."""
    mailbox = Mailbox(Path(worker_environment["EMAIL_FILE_PATH"]))
    mailbox.clear()
    return mailbox


@pytest.fixture
def worker(
    celery_worker_process: WorkerProcess, worker_mailbox: Mailbox
) -> Iterator[WorkerProcess]:
    """The session worker, alive at the start of the test (with an empty mailbox) and idle at
    its end, so that nothing it still does meets the next test's data."""
    if not celery_worker_process.is_alive():
        pytest.fail(
            f"The Celery worker died. Last lines of its log:\n{celery_worker_process.tail()}",
            pytrace=False,
        )
    yield celery_worker_process
    wait_until(
        celery_worker_process.is_idle, what="the worker to be idle", worker=celery_worker_process
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        seen: set[int] = set()
        for value in getattr(item, "funcargs", {}).values():
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, WorkerProcess):
                report.sections.append((f"celery worker {value.name}", value.tail()))
            elif isinstance(value, WorkerPool):
                report.sections.extend(value.log_tails())
    return report


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


# -- a quarter ready for scoring: the worked examples of scoring.md --------------------------


def create_competencies() -> list[Competency]:
    return [
        Competency.objects.create(code=code, order=order, text_zh=zh, text_en=en)
        for order, (code, zh, en) in enumerate(COMPETENCIES, start=1)
    ]


def _kpi(
    department: Department,
    code: str,
    order: int,
    name_zh: str,
    name_en: str,
    direction: str,
    target: str | None,
    weight: int,
) -> None:
    Kpi.objects.update_or_create(
        code=code,
        defaults={
            "department": department,
            "order": order,
            "name_zh": name_zh,
            "name_en": name_en,
            "direction": direction,
            "unit": "percent" if target is not None else "yuan",
            "default_target": Decimal(target) if target is not None else None,
            "default_weight": weight,
        },
    )


def create_example_kpis(departments: Mapping[str, Department]) -> dict[str, Department]:
    """The KPIs of the departments of the worked examples, as the catalogue has them, and one
    department with a single KPI (example 4)."""
    sales, market = departments["SALES"], departments["MARKET"]
    keyacct = Department.objects.create(
        code="KEYACCT",
        seq=8,
        name_zh="大客户部",
        name_en="Key Account Department",
        head_position_zh="大客户部经理",
        head_position_en="Key Account Manager",
        source="seed",
    )
    quality = Department.objects.create(
        code="QUALITY",
        seq=31,
        name_zh="质量管理部",
        name_en="Quality Management Department",
        head_position_zh="质量管理部经理",
        head_position_en="Quality Manager",
        source="drafted",
    )
    _kpi(
        sales,
        "SALES_PLAN_RATE",
        1,
        "销售计划完成率",
        "Sales plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(sales, "SALES_REVENUE", 2, "销售额", "Sales revenue", "higher", None, 30)
    _kpi(sales, "SALES_EXPENSE_RATIO", 3, "销售费用率", "Sales expense ratio", "lower", "8", 20)
    _kpi(sales, "SALES_COLLECTION_RATE", 4, "销售回款率", "Collection rate", "higher", "95", 20)
    _kpi(
        market,
        "MARKET_DEV_PLAN_RATE",
        1,
        "市场开发计划完成率",
        "Market development plan completion rate",
        "higher",
        "100",
        40,
    )
    _kpi(
        market,
        "MARKET_RESEARCH_PLAN_RATE",
        2,
        "市场调研计划完成率",
        "Market research plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(
        market,
        "MARKET_AD_PLAN_RATE",
        3,
        "广告宣传计划完成率",
        "Advertising plan completion rate",
        "higher",
        "100",
        30,
    )
    _kpi(
        keyacct,
        "KEYACCT_DEV_PLAN_RATE",
        1,
        "大客户开发计划完成率",
        "Key account acquisition plan completion rate",
        "higher",
        "100",
        40,
    )
    _kpi(
        keyacct,
        "KEYACCT_RECORD_COMPLETENESS",
        2,
        "大客户档案完整率",
        "Key account record completeness rate",
        "higher",
        "100",
        20,
    )
    _kpi(
        keyacct, "KEYACCT_CHURN_RATE", 3, "大客户流失率", "Key account churn rate", "lower", "5", 40
    )
    _kpi(
        quality,
        "QUALITY_PLAN_RATE",
        1,
        "质量计划完成率",
        "Quality plan completion rate",
        "higher",
        "100",
        100,
    )
    return {**departments, "KEYACCT": keyacct, "QUALITY": quality}


@dataclass(frozen=True)
class WorkedExample:
    """One worked example of scoring.md: its inputs and the figures it must give."""

    number: int
    employee_no: str
    # KPI code -> {"target": …, "actual": …, "weight": …}, as HR enters them.
    lines: Mapping[str, Mapping[str, str]]
    director: tuple[int, int, int, int]
    hr: tuple[int, int, int, int]
    kpi_score: Decimal
    competency_score: Decimal
    total_score: Decimal
    grade: str
    pay_coefficient: Decimal
    verbal_warning: bool

    def expected(self) -> dict[str, object]:
        return {
            "kpi_score": self.kpi_score,
            "competency_score": self.competency_score,
            "total_score": self.total_score,
            "grade": self.grade,
            "pay_coefficient": self.pay_coefficient,
            "verbal_warning": self.verbal_warning,
        }


def _line(target: str, actual: str, weight: int) -> dict[str, str]:
    return {"target": target, "actual": actual, "weight": str(weight)}


WORKED_EXAMPLES = (
    WorkedExample(
        number=1,
        employee_no="E00002",  # SALES
        lines={
            "SALES_PLAN_RATE": _line("100", "92", 30),
            "SALES_REVENUE": _line("5000000", "5500000", 30),
            "SALES_EXPENSE_RATIO": _line("8", "10", 20),
            "SALES_COLLECTION_RATE": _line("95", "90", 20),
        },
        director=(4, 4, 3, 5),
        hr=(3, 4, 4, 4),
        kpi_score=Decimal("95.55"),
        competency_score=Decimal("78.00"),
        total_score=Decimal("92.04"),
        grade="A",
        pay_coefficient=Decimal("1.10"),
        verbal_warning=False,
    ),
    WorkedExample(
        number=2,
        employee_no="E00004",  # KEYACCT
        lines={
            "KEYACCT_DEV_PLAN_RATE": _line("100", "50", 40),
            "KEYACCT_RECORD_COMPLETENESS": _line("100", "80", 30),
            "KEYACCT_CHURN_RATE": _line("5", "0", 30),
        },
        director=(2, 2, 2, 2),
        hr=(2, 3, 2, 3),
        kpi_score=Decimal("80.00"),
        competency_score=Decimal("44.00"),
        total_score=Decimal("72.80"),
        grade="C",
        pay_coefficient=Decimal("0.90"),
        verbal_warning=False,
    ),
    WorkedExample(
        number=3,
        employee_no="E00003",  # MARKET
        lines={
            "MARKET_DEV_PLAN_RATE": _line("100", "40", 40),
            "MARKET_RESEARCH_PLAN_RATE": _line("100", "55", 30),
            "MARKET_AD_PLAN_RATE": _line("100", "60", 30),
        },
        director=(2, 2, 2, 2),
        hr=(3, 3, 3, 3),
        kpi_score=Decimal("50.50"),
        competency_score=Decimal("48.00"),
        total_score=Decimal("50.00"),
        grade="D",
        pay_coefficient=Decimal("0.70"),
        verbal_warning=True,
    ),
    WorkedExample(
        number=4,
        employee_no="E00005",  # QUALITY
        lines={"QUALITY_PLAN_RATE": _line("100", "60", 100)},
        director=(3, 3, 3, 3),
        hr=(3, 3, 3, 3),
        kpi_score=Decimal("60.00"),
        competency_score=Decimal("60.00"),
        total_score=Decimal("60.00"),
        grade="C",
        pay_coefficient=Decimal("0.90"),
        verbal_warning=False,
    ),
)


def fill_in(personas: Mapping[str, User], review: Review, example: WorkedExample) -> Review:
    """HR enters the figures and rates as HR, the director rates: all through the services."""
    lines = {line.code: line.pk for line in review.kpi_lines.all()}
    assert set(lines) == set(example.lines), (sorted(lines), sorted(example.lines))
    review = services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={lines[code]: values for code, values in example.lines.items()},
    )
    review = services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict(zip(COMPETENCY_CODES, example.director, strict=True)),
    )
    return services.review_rate(
        actor=personas["hr"],
        review=review,
        assessor_role="hr",
        ratings=dict(zip(COMPETENCY_CODES, example.hr, strict=True)),
    )


@dataclass
class WorkedQuarter:
    cycle: ReviewCycle
    reviews: dict[int, Review]  # by example number, submitted (and, once waited for, scored)


@pytest.fixture
def worked_quarter(
    personas: dict[str, User], departments: dict[str, Department], worker: WorkerProcess
) -> WorkedQuarter:
    """2026Q3 with a review for each worked example of scoring.md, filled in by HR and the
    director and submitted: the worker scores them (wait with `wait_until_scored`)."""
    all_departments = create_example_kpis(departments)
    create_competencies()
    hr = personas["hr"]
    hr.email = "hr@example.com"
    hr.save(update_fields=["email"])
    Employee.objects.create(
        employee_no="E00004",
        name="赵敏",
        department=all_departments["KEYACCT"],
        position="客户经理",
    )
    Employee.objects.create(
        employee_no="E00005", name="陈静", department=all_departments["QUALITY"], position="质检员"
    )
    cycle = services.cycle_open(actor=hr, period="2026Q3")
    wait_for_job(services.cycle_generate(actor=hr, cycle=cycle), worker)
    reviews: dict[int, Review] = {}
    for example in WORKED_EXAMPLES:
        review = Review.objects.get(cycle=cycle, employee__employee_no=example.employee_no)
        review = fill_in(personas, review, example)
        assert review.incomplete_reasons == [], review.incomplete_reasons
        reviews[example.number] = services.review_submit(actor=hr, review=review)
    return WorkedQuarter(cycle=cycle, reviews=reviews)
