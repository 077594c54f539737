"""The benchmark's hand-written PostgreSQL: the synthetic inputs, the floor and the check.

Every statement takes `%(cycle)s` (a review cycle's id); the fill statements also take
`%(seed)s`. Pseudo-random numbers come from md5 of (seed, what, row id), so the same seed gives
the same quarter on any machine.
"""

# u(seed, what, id): a number in [0, 1) from the first 48 bits of an md5. Every operator in it
# is immutable (hence the explicit ::text casts), so PostgreSQL inlines it: twice as fast.
RANDOM_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_u(seed integer, what text, id bigint)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(md5(seed::text || ':' || what || ':' || id::text), 1, 12))
               ::bit(48)::bigint / 281474976710656.0
$$
"""

# fit(figure, unit, least, most): the figure as the line takes it (kpis/values.py): within the
# line's limits, and a whole number for a count.
FIT_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_fit(
    figure numeric, unit text, least_figure numeric, most_figure numeric
) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN most_figure IS NULL THEN fitted ELSE LEAST(fitted, most_figure) END
    FROM (
        SELECT GREATEST(CASE WHEN unit = 'count' THEN round(figure) ELSE figure END, least_figure)
            AS fitted
    ) AS within
$$
"""

# Each review has a level in [0, 1) (its employee's form this quarter, the mean of two uniform
# numbers, shared by its lines and ratings); each line a spread around it. Targets: the
# catalogue's default half of the time, otherwise HR's own with decimals; amounts without a
# default get one with cents; 4 % of lower-is-better lines have zero tolerance (target 0).
# Actuals carry 4 decimals; 10 % of lower-is-better lines have nothing gone wrong (actual 0).
FILL_LINES = """
WITH base AS (
    SELECT l.id,
           l.direction,
           k.default_target,
           (pg_temp.bench_u(%(seed)s, 'level', l.review_id)
            + pg_temp.bench_u(%(seed)s, 'level2', l.review_id)) / 2 AS level,
           pg_temp.bench_u(%(seed)s, 'spread', l.id) AS spread,
           pg_temp.bench_u(%(seed)s, 'target', l.id) AS pick,
           pg_temp.bench_u(%(seed)s, 'shape', l.id) AS shape
    FROM reviews_reviewkpiline l
    JOIN reviews_review r ON r.id = l.review_id
    JOIN kpis_kpi k ON k.id = l.kpi_id
    WHERE r.cycle_id = %(cycle)s
),
planned AS (
    SELECT id, direction, level, spread, shape,
           CASE
               WHEN direction = 'lower' AND pick < 0.04 THEN 0
               WHEN default_target IS NULL THEN round(10000 + pick * 4990000, 2)
               WHEN pick < 0.5 THEN default_target
               ELSE round(default_target * (0.8 + 0.4 * pick), 4)
           END AS target
    FROM base
)
UPDATE reviews_reviewkpiline AS l
SET target = pg_temp.bench_fit(p.target, l.unit, l.minimum, l.maximum),
    actual = pg_temp.bench_fit(CASE
        WHEN p.direction = 'higher'
            THEN round(p.target * (0.45 + 0.7 * p.level) * (0.85 + 0.3 * p.spread), 4)
        WHEN p.shape < 0.10 THEN 0
        WHEN p.target = 0 THEN round(0.5 + 3 * p.spread, 4)
        ELSE round(p.target * (1.55 - 0.7 * p.level) * (0.85 + 0.3 * p.spread), 4)
    END, l.unit, l.minimum, l.maximum)
FROM planned p
WHERE p.id = l.id
"""

# Every competency rated 1-5 by both assessors, leaning on the review's level.
FILL_RATINGS = """
INSERT INTO reviews_competencyrating
    (review_id, competency_id, assessor_role, value, comment, rated_at, rated_by_id)
SELECT r.id,
       c.id,
       a.role,
       1 + floor(5 * (0.3 * pg_temp.bench_u(%(seed)s, 'level', r.id)
                      + 0.3 * pg_temp.bench_u(%(seed)s, 'level2', r.id)
                      + 0.4 * pg_temp.bench_u(%(seed)s, a.role || ':' || c.code, r.id))),
       '',
       now(),
       NULL
FROM reviews_review r
CROSS JOIN departments_competency c
CROSS JOIN (VALUES ('marketing_director'), ('hr')) AS a (role)
WHERE r.cycle_id = %(cycle)s
"""

FILL_SUBMIT = """
UPDATE reviews_review
SET state = 'submitted', submitted_at = now(), updated_at = now(), incomplete_reasons = '[]'
WHERE cycle_id = %(cycle)s
"""

# Between two scoring runs: the reviews back as the fill left them (submitted, no figures) and
# their verbal warnings gone (with what a worker made of them), so that the next run does the
# same work.
RESUBMIT_WARNINGS = """
DELETE FROM reviews_verbalwarning
WHERE review_id IN (SELECT id FROM reviews_review WHERE cycle_id = %(cycle)s)
"""

RESUBMIT = """
UPDATE reviews_review
SET state = 'submitted', scored_revision = NULL, kpi_score = NULL, competency_score = NULL,
    total_score = NULL, grade = '', pay_coefficient = NULL, verbal_warning = false,
    grade_basis = NULL, scored_at = NULL, updated_at = now(), incomplete_reasons = '[]'
WHERE cycle_id = %(cycle)s
"""

# The floor: K, C and T of every review of the cycle in one statement, from the cycle's current
# policy (scoring.md). PostgreSQL's numeric arithmetic is exact for + and x; each division is
# carried to 30 decimal places (an operand cast to numeric(60, 30)), finer than the 28
# significant digits of the scoring module. round(x, 2) rounds half away from zero, which is
# half up for these non-negative figures. The grade and the warning use the rounded total.
FLOOR = """
CREATE TEMP TABLE bench_floor AS
WITH policy AS (
    SELECT kpi_share, director_weight, hr_weight, achievement_cap, achievement_floor,
           warning_threshold, band_s, band_a, band_b, band_c,
           coefficient_s, coefficient_a, coefficient_b, coefficient_c, coefficient_d
    FROM reviews_scoringpolicy
    WHERE cycle_id = %(cycle)s
    ORDER BY version DESC
    LIMIT 1
),
line AS (
    SELECT l.review_id,
           l.weight,
           CASE
               WHEN l.direction = 'higher' THEN 100 * l.actual::numeric(60, 30) / l.target
               WHEN l.actual = 0 THEN policy.achievement_cap
               ELSE 100 * l.target::numeric(60, 30) / l.actual
           END AS percent
    FROM reviews_reviewkpiline l
    JOIN reviews_review r ON r.id = l.review_id
    CROSS JOIN policy
    WHERE r.cycle_id = %(cycle)s
),
kpi AS (
    SELECT line.review_id,
           sum(line.weight * CASE
                   WHEN line.percent < policy.achievement_floor THEN 0
                   ELSE least(line.percent, policy.achievement_cap)
               END)::numeric(60, 30)
           / nullif(sum(line.weight), 0) AS k
    FROM line
    CROSS JOIN policy
    GROUP BY line.review_id
),
assessor AS (
    SELECT g.review_id,
           g.assessor_role,
           20 * sum(g.value)::numeric(60, 30) / count(*) AS score
    FROM reviews_competencyrating g
    JOIN reviews_review r ON r.id = g.review_id
    WHERE r.cycle_id = %(cycle)s
    GROUP BY g.review_id, g.assessor_role
),
competency AS (
    SELECT a.review_id,
           sum(CASE a.assessor_role
                   WHEN 'marketing_director' THEN policy.director_weight
                   WHEN 'hr' THEN policy.hr_weight
               END * a.score)::numeric(60, 30)
           / (policy.director_weight + policy.hr_weight) AS c
    FROM assessor a
    CROSS JOIN policy
    GROUP BY a.review_id, policy.director_weight, policy.hr_weight
),
rounded AS (
    SELECT kpi.review_id,
           round(kpi.k, 2) AS kpi_score,
           round(competency.c, 2) AS competency_score,
           round((policy.kpi_share * kpi.k + (100 - policy.kpi_share) * competency.c) / 100, 2)
               AS total_score
    FROM kpi
    JOIN competency ON competency.review_id = kpi.review_id
    CROSS JOIN policy
),
graded AS (
    SELECT rounded.*,
           CASE
               WHEN total_score >= policy.band_s THEN 'S'
               WHEN total_score >= policy.band_a THEN 'A'
               WHEN total_score >= policy.band_b THEN 'B'
               WHEN total_score >= policy.band_c THEN 'C'
               ELSE 'D'
           END AS grade,
           total_score < policy.warning_threshold AS verbal_warning
    FROM rounded
    CROSS JOIN policy
)
SELECT graded.*,
       CASE grade
           WHEN 'S' THEN policy.coefficient_s
           WHEN 'A' THEN policy.coefficient_a
           WHEN 'B' THEN policy.coefficient_b
           WHEN 'C' THEN policy.coefficient_c
           ELSE policy.coefficient_d
       END AS pay_coefficient
FROM graded
CROSS JOIN policy
"""

DROP_FLOOR = "DROP TABLE IF EXISTS bench_floor"

# The figures compared, in the order MISMATCHES gives them (worker's, then floor's, each).
FIELDS = (
    "kpi_score",
    "competency_score",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
)

# Every review of the cycle that the worker did not score, or scored otherwise than the floor
# (the first `limit`, each with the number of them all).
MISMATCHES = """
SELECT coalesce(r.id, f.review_id) AS review_id,
       r.state,
       count(*) OVER () AS mismatches,
       r.kpi_score, f.kpi_score,
       r.competency_score, f.competency_score,
       r.total_score, f.total_score,
       r.grade, f.grade,
       r.pay_coefficient, f.pay_coefficient,
       r.verbal_warning, f.verbal_warning
FROM (SELECT * FROM reviews_review WHERE cycle_id = %(cycle)s) r
FULL JOIN bench_floor f ON f.review_id = r.id
WHERE r.state IS DISTINCT FROM 'scored'
   OR r.kpi_score IS DISTINCT FROM f.kpi_score
   OR r.competency_score IS DISTINCT FROM f.competency_score
   OR r.total_score IS DISTINCT FROM f.total_score
   OR r.grade IS DISTINCT FROM f.grade
   OR r.pay_coefficient IS DISTINCT FROM f.pay_coefficient
   OR r.verbal_warning IS DISTINCT FROM f.verbal_warning
ORDER BY 1
LIMIT %(limit)s
"""

# What the quarter came to, by grade (from the floor): reviews and verbal warnings.
GRADES = """
SELECT grade, count(*), sum(verbal_warning::int)
FROM bench_floor
GROUP BY grade
ORDER BY position(grade IN 'SABCD')
"""
