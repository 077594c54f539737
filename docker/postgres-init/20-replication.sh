#!/bin/sh
# Run once by the postgres image, when its data volume is new, and only when
# REPLICATION_PASSWORD is set: the login of the streaming replica (`postgres-replica`,
# docker-compose.yml `--profile replica`) and the one line of pg_hba.conf that lets it in.
# PostgreSQL 15's defaults already send WAL to replicas (wal_level replica, max_wal_senders 10).
set -eu
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
  exit 0
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v replication_password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
