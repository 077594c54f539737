#!/bin/sh
# Run once by the postgres image, when its data volume is new: the two roles of hrperf (README,
# "Two database roles"). hrperf_owner owns the database and runs the migrations; hrperf_app is
# what the web, worker and beat processes connect as, and owns nothing (`migrate` grants it
# what it needs).
set -eu
: "${HRPERF_OWNER_PASSWORD:?set HRPERF_OWNER_PASSWORD}"
: "${HRPERF_APP_PASSWORD:?set HRPERF_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$HRPERF_OWNER_PASSWORD" -v app_password="$HRPERF_APP_PASSWORD" <<'SQL'
CREATE ROLE hrperf_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE hrperf_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"DBNAME" OWNER TO hrperf_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
