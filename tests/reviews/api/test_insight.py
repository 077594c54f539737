"""The calibration endpoints: GET /api/v1/cycles/<period>/leniency and /nine-box (with the
reviews of one box by keyset), on the hand-built quarter of tests/helpers/insight.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers.api import error_of, field_names
from tests.helpers.insight import add_stars, calibration_quarter

pytestmark = pytest.mark.django_db
LENIENCY = "/api/v1/cycles/2026Q3/leniency"
NINE_BOX = "/api/v1/cycles/2026Q3/nine-box"
REFUSED = [
    ("head", 403),
    ("employee", 403),
    ("other_employee", 403),
    ("outsider", 404),
    (None, 401),
    ("token:payroll", 403),
]


@pytest.mark.parametrize("path", [LENIENCY, NINE_BOX + "?box=high-high"])
@pytest.mark.parametrize(("persona", "status"), [("hr", 200), ("director", 200), *REFUSED])
def test_only_hr_and_the_director_read_them(
    departments, fresh_quarter, call_as, path, persona, status
) -> None:
    calibration_quarter(departments, fresh_quarter)
    response = call_as(persona, "GET", path)
    assert response.status_code == status, response.content
    if status != 200:
        assert "孙丽" not in response.content.decode() and "4.67" not in response.content.decode()


def test_a_personal_token_of_hr_reads_them(departments, fresh_quarter, call_as) -> None:
    calibration_quarter(departments, fresh_quarter)
    assert call_as("token:hr", "GET", LENIENCY).status_code == 200


def test_leniency_figures(departments, fresh_quarter, call_as) -> None:
    calibration_quarter(departments, fresh_quarter)
    body = call_as("hr", "GET", LENIENCY).json()
    assert body["period"] == "2026Q3"
    assert body["gap"] == "0.50"
    assert body["department"] is None
    director, hr, own = body["assessors"]
    assert (director["assessor"], director["advisory"], director["flagged"]) == (
        "marketing_director",
        False,
        2,
    )
    assert director["division"] == {"count": 24, "mean": "4.00", "std_dev": "0.82"}
    assert director["departments"][1] == {
        "department": {"code": "SALES", "name": {"zh": "销售部", "en": "Sales Department"}},
        "count": 12,
        "mean": "4.67",
        "std_dev": "0.47",
        "difference": "0.67",
        "flagged": True,
    }
    assert [(row["difference"], row["flagged"]) for row in hr["departments"]] == [
        ("-0.50", False),
        ("0.50", False),
    ]
    assert (own["assessor"], own["advisory"], own["division"]["std_dev"]) == ("self", True, "1.12")


def test_leniency_of_one_department(departments, fresh_quarter, call_as) -> None:
    calibration_quarter(departments, fresh_quarter)
    body = call_as("director", "GET", LENIENCY + "?department=market").json()
    assert body["department"] == "MARKET"
    director = body["assessors"][0]
    assert [row["department"]["code"] for row in director["departments"]] == ["MARKET"]
    assert director["division"]["mean"] == "4.00"


@pytest.mark.parametrize("path", [LENIENCY, NINE_BOX])
def test_bad_filters_are_refused(departments, fresh_quarter, call_as, path) -> None:
    assert field_names(error_of(call_as("hr", "GET", path + "?department=NOPE"), 400)) == [
        "department"
    ]
    assert field_names(error_of(call_as("hr", "GET", path + "?grade=S"), 400)) == ["grade"]
    error_of(call_as("hr", "GET", path.replace("2026Q3", "2026Q1")), 404, "quarter_not_found")


def test_an_unknown_box_is_refused(fresh_quarter, call_as) -> None:
    assert field_names(error_of(call_as("hr", "GET", NINE_BOX + "?box=top-top"), 400)) == ["box"]


def test_nine_box_counts(departments, fresh_quarter, call_as) -> None:
    calibration_quarter(departments, fresh_quarter)
    body = call_as("hr", "GET", NINE_BOX).json()
    assert body["cuts"] == {"low": "70.00", "high": "85.00"}
    assert (body["scored"], body["not_scored"]) == (5, 1)
    assert "reviews" not in body
    boxes = {box["box"]: box for box in body["boxes"]}
    assert len(boxes) == 9
    assert boxes["high-high"] == {
        "box": "high-high",
        "kpi_band": "high",
        "competency_band": "high",
        "label": "明星",
        "count": 2,
        "share": "40.0",
    }
    assert boxes["low-low"]["share"] == "0.0"
    assert [box["box"] for box in body["boxes"][:3]] == ["low-high", "middle-high", "high-high"]


def test_nine_box_drill_down_by_keyset(departments, fresh_quarter, call_as) -> None:
    reviews = calibration_quarter(departments, fresh_quarter)
    add_stars(departments, fresh_quarter, 3)  # 5 in the box
    url = NINE_BOX + "?department=SALES&box=high-high&page_size=2"
    body = call_as("hr", "GET", url).json()
    assert body["department"] == "SALES"
    seen = [row["id"] for row in body["reviews"]["results"]]
    assert body["reviews"]["results"][0]["employee_no"] == "E00012"
    assert reviews["E00012"].pk == seen[0]
    next_url = body["reviews"]["next"]
    while next_url:
        page = call_as("hr", "GET", next_url).json()
        seen += [row["id"] for row in page["reviews"]["results"]]
        next_url = page["reviews"]["next"]
    assert len(seen) == 4 == len(set(seen))  # E00012 and the three stars; E00010 is in MARKET
    assert seen == sorted(seen)
    # a cursor of one box is not one of another
    cursor = body["reviews"]["next"].split("cursor=")[1].split("&")[0]
    other = NINE_BOX + f"?department=SALES&box=low-low&page_size=2&cursor={cursor}"
    error_of(call_as("hr", "GET", other), 400, "invalid_cursor")


def _queries(client, paths) -> list[int]:
    counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_queries_do_not_grow_with_the_quarter(
    departments, fresh_quarter, api_client_for
) -> None:
    calibration_quarter(departments, fresh_quarter)
    client = api_client_for("hr")
    paths = (LENIENCY, NINE_BOX + "?box=high-high")
    client.get(paths[0])
    few = _queries(client, paths)
    add_stars(departments, fresh_quarter, 30)
    assert _queries(client, paths) == few


@pytest.mark.parametrize("query", ["page_size=501", "page_size=0", "cursor=abc"])
def test_a_bad_page_is_refused_with_or_without_a_box(fresh_quarter, call_as, query) -> None:
    for box in ("", "box=high-high&"):
        error_of(call_as("hr", "GET", f"{NINE_BOX}?{box}{query}"), 400)


def test_an_empty_box_asks_for_none(departments, fresh_quarter, call_as) -> None:
    calibration_quarter(departments, fresh_quarter)
    body = call_as("hr", "GET", NINE_BOX + "?box=&department=").json()
    assert "reviews" not in body and body["department"] is None and body["scored"] == 5
