"""The department catalogue: read a YAML file, check all of it, then load it into the database.

The file (see `fixtures/catalogue.yaml`) holds the assessment policy, the competencies common to
every department and the departments with their duties, KPIs and the qualifications of their
head. Every text is bilingual (`{zh: …, en: …}`).

`catalogue_read` parses and checks the whole document first and raises one `CatalogueError`
listing every problem with its place (list indices count from 0), for example
`departments[1] (SALES).kpis[0] (SALES_PLAN_RATE).default_weight: must be a whole number from
0 to 100`. Numbers with a fraction are read as exact `Decimal`s from their text.

`catalogue_load` writes a checked catalogue in one transaction, matching rows by code
(departments, KPIs, competencies) or by position (duties and qualification items within their
department, policy texts within their kind). Only rows whose values differ are saved, so a
second load of the same file changes nothing. Rows no longer in the file are deleted; one that
is still in use (a KPI, department or competency that reviews or employees refer to) is kept,
and a KPI kept that way is marked inactive.

Its modules:

* `read`: the file as YAML (`catalogue_read`);
* `check`: the parsed document into a `Catalogue` (`catalogue_check`), listing every problem;
* `specs`: the checked catalogue (`Catalogue`, `DepartmentSpec`…) and `CatalogueError`;
* `load`: the checked catalogue into the database (`catalogue_load`, `LoadReport`).

The KPIs of a department are checked and loaded by `kpis.catalogue`. The generic checks and
row syncing that both use are `departments.catalogue_checker` and `departments.catalogue_sync`,
outside this package so that `kpis.catalogue` can use them without importing it.
"""

from departments.catalogue.check import FORMAT_VERSION, MAX_EXPERIENCE_YEARS, catalogue_check
from departments.catalogue.load import (
    ADVISORY_LOCK_KEY,
    LoadReport,
    catalogue_load,
    default_path,
)
from departments.catalogue.read import catalogue_read
from departments.catalogue.specs import Catalogue, CatalogueError, CodedText, DepartmentSpec
from departments.catalogue_checker import LOWER_CODE, NO_TEXT, UPPER_CODE, Text
from departments.catalogue_sync import MAX_POSITION, KindCounts
from kpis.catalogue import MAX_WEIGHT, TARGET_DECIMAL_PLACES, TARGET_LIMIT, KpiSpec

__all__ = [
    "ADVISORY_LOCK_KEY",
    "FORMAT_VERSION",
    "LOWER_CODE",
    "MAX_EXPERIENCE_YEARS",
    "MAX_POSITION",
    "MAX_WEIGHT",
    "NO_TEXT",
    "TARGET_DECIMAL_PLACES",
    "TARGET_LIMIT",
    "UPPER_CODE",
    "Catalogue",
    "CatalogueError",
    "CodedText",
    "DepartmentSpec",
    "KindCounts",
    "KpiSpec",
    "LoadReport",
    "Text",
    "catalogue_check",
    "catalogue_load",
    "catalogue_read",
    "default_path",
]
