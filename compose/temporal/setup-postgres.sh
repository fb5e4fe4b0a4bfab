#!/bin/sh
# One-shot (docker-compose.yml, service temporal-schema; tools/cluster runs it too): Temporal's two Postgres databases
# and their schemas, from the server's own schema/ folder (admin-tools has it in /etc/temporal/schema; tools/cluster
# points TEMPORAL_SCHEMA_DIR at the server module's). Safe to run on every start: an existing database only gets the
# schema versions it lacks.
set -eu

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12/${pair#*:}/versioned
  # update-schema succeeds only on a database that was set up before; otherwise create and set it up.
  if sql_tool --db "$db" update-schema -d "$dir" >/dev/null 2>&1; then
    echo "database $db: schema up to date"
  else
    echo "database $db: creating"
    sql_tool --db "$db" create
    sql_tool --db "$db" setup-schema -v 0.0
    sql_tool --db "$db" update-schema -d "$dir"
  fi
done
