#!/usr/bin/env bash
# End-to-end test through a real spark-submit (the one pyspark==3.5.5 installs into .venv):
#   1. demo data (2 small days), 2. the training workflow on embedded Spark (bin/esteira),
#   3. the nightly workflow for day 01 as an application jar under spark-submit, checked with SQL,
#   4. the same nightly run again, 5. broken workflows under spark-submit (unknown job, cycle, a step
#      that fails): a non-zero exit and one `esteira: error:` line each,
#   6. one query afterwards: the rerun and the failed runs duplicated or wrote nothing, and the
#      failed run is recorded in workflow_runs.
# Prints `ok - ...` / `FAIL - ...` per check on stdout, diagnostics as `# ...` on stderr, and ends
# with exactly one line `spark-submit e2e: N passed, M failed`; exits 1 if any check failed.
# Set ESTEIRA_E2E_KEEP=1 to keep the temporary folder (logs, lakehouse) for a look afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JAR="jobs/target/esteira.jar"
MODEL="loan_default"

# Hermetic: this repository's config, and no Spark or Hadoop setting from the caller's environment.
export ESTEIRA_CONF="$ROOT/conf"
unset SPARK_CONF_DIR HADOOP_CONF_DIR YARN_CONF_DIR SPARK_HOME ESTEIRA_JAVA_OPTS

TMP="$(mktemp -d "${TMPDIR:-/tmp}/esteira-e2e.XXXXXX")"
cleanup() {
  if [[ "${ESTEIRA_E2E_KEEP:-}" == 1 ]]; then
    echo "# kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
LANDING="$TMP/landing"
LAKE="$TMP/lakehouse"
LOGS="$TMP/logs"
mkdir -p "$LOGS"

SUITE=spark-submit
source "$ROOT/tests/e2e/lib/checks.bash"

# submit NAME CLI-ARGS...: the CLI as an application jar under spark-submit (client mode, local[2]).
# The log4j2 file keeps Spark to warnings (without it spark-submit prints ~400 INFO lines per run).
# ROOT must not contain spaces: Spark splits extraJavaOptions on whitespace.
submit() {
  local name="$1"
  shift
  run "$name" "$SPARK_SUBMIT" \
    --master 'local[2]' \
    --driver-memory 2g \
    --conf spark.ui.enabled=false \
    --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties" \
    --class dev.esteira.cli.Main \
    "$JAR" --conf-dir conf --lakehouse "$LAKE" "$@"
}

# query NAME SQL: runs one SQL query with bin/esteira and loads its single result row into shell
# variables R_<column> (null becomes empty). Returns non-zero if the query or the JSON is bad.
query() {
  local name="$1" sql="$2" vars
  run "$name" bin/esteira -q --lakehouse "$LAKE" sql "$sql" --format json
  if [[ $RC -ne 0 ]]; then
    fail "$name: bin/esteira sql exited $RC"
    show_err "$name"
    return 1
  fi
  if ! vars="$(python3 -c '
import json, shlex, sys
rows = json.load(open(sys.argv[1]))
assert isinstance(rows, list) and len(rows) == 1, "expected one row, got %r" % (rows,)
for k, v in rows[0].items():
    print("R_%s=%s" % (k, shlex.quote("" if v is None else str(v))))
' "$LOGS/$name.out" 2>"$LOGS/$name.json.err")"; then
    fail "$name: sql --format json did not print one JSON row: $(tail -n 1 "$LOGS/$name.json.err")"
    return 1
  fi
  eval "$vars"
}

# Counts and facts the checks need, in one query (each bin/esteira sql starts a SparkSession).
STATE_SQL="
SELECT
  (SELECT count(*) FROM model_versions WHERE model = '$MODEL' AND stage = 'production') AS prod_versions,
  (SELECT max(version) FROM model_versions WHERE model = '$MODEL' AND stage = 'production') AS prod_version,
  (SELECT count(*) FROM predictions WHERE batch = 'day-01') AS day_preds,
  (SELECT count(*) FROM predictions WHERE batch = 'day-01' AND model = '$MODEL' AND version =
     (SELECT max(version) FROM model_versions WHERE model = '$MODEL' AND stage = 'production')) AS day_preds_prod,
  (SELECT count(DISTINCT row_id) FROM predictions WHERE batch = 'day-01') AS day_pred_ids,
  (SELECT count(*) FROM drift_metrics WHERE batch = 'day-01') AS day_drift,
  (SELECT count(*) FROM dataset_versions WHERE dataset = 'loans' AND batch = 'day-01') AS day_versions,
  (SELECT max(row_count) FROM dataset_versions WHERE dataset = 'loans' AND batch = 'day-01') AS day_version_rows,
  (SELECT count(*) FROM workflow_runs WHERE workflow = 'nightly' AND step = '*') AS nightly_runs,
  (SELECT count(*) FROM workflow_runs WHERE workflow = 'nightly' AND step = '*' AND state = 'succeeded'
     AND get_json_object(params, '\$.day') = '01'
     AND get_json_object(params, '\$.data_dir') = '$LANDING') AS nightly_ok,
  (SELECT count(*) FROM workflow_runs WHERE workflow = 'e2e_failing' AND step = '*' AND state = 'failed'
     AND error LIKE '%failed at step%') AS failing_runs,
  (SELECT count(*) FROM workflow_runs WHERE workflow = 'e2e_failing' AND step = 'ingest' AND state = 'failed'
     AND error LIKE 'input not found:%') AS failing_steps,
  (SELECT count(*) FROM predictions) AS n_predictions,
  (SELECT count(*) FROM drift_metrics) AS n_drift_metrics,
  (SELECT count(*) FROM profiles) AS n_profiles,
  (SELECT count(*) FROM dataset_versions) AS n_dataset_versions
"

# --- prerequisites: the venv with spark-submit, and the application jar --------------------------
if ! bin/setup-python; then
  fail "bin/setup-python"
  finish
fi
SPARK_SUBMIT="$ROOT/.venv/bin/spark-submit"
# pyspark's spark-submit finds SPARK_HOME with whatever `python3` is on PATH, which need not be the
# venv's: point it at the venv's pyspark explicitly.
SPARK_HOME="$(.venv/bin/python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
note "spark-submit: $SPARK_SUBMIT (SPARK_HOME=$SPARK_HOME), temp $TMP"

# --- a. demo data (bin/esteira also builds the jar here when the sources changed) -----------------
run demo_data bin/esteira demo-data --out "$LANDING" --days 2 --rows 300 --reference-rows 1500
if [[ $RC -eq 0 && -f "$LANDING/reference.csv" && -f "$LANDING/daily/day-01.csv" ]]; then
  ok "demo-data wrote the reference batch and day-01"
else
  fail "demo-data (exit $RC)"
  show_err demo_data
  finish
fi
if [[ -f "$JAR" ]]; then ok "application jar $JAR exists"; else fail "no $JAR (run mvn package)"; finish; fi

# --- b. training on embedded Spark ---------------------------------------------------------------
run training bin/esteira --lakehouse "$LAKE" run workflows/training.yaml \
  --param "data_dir=$LANDING" --param "model=$MODEL"
if [[ $RC -eq 0 ]] && grep -q "run training-.*: succeeded" "$LOGS/training.out"; then
  ok "training workflow on embedded Spark succeeded"
else
  fail "training workflow on embedded Spark (exit $RC)"
  show_err training
  finish
fi

# --- c. nightly for day 01 under spark-submit ----------------------------------------------------
submit nightly_1 run workflows/nightly.yaml --param day=01 --param "data_dir=$LANDING"
if [[ $RC -eq 0 ]] && grep -q "run nightly-.*: succeeded" "$LOGS/nightly_1.out"; then
  ok "nightly day 01 under spark-submit succeeded"
else
  fail "nightly day 01 under spark-submit (exit $RC)"
  show_err nightly_1 30
  finish
fi
# Quiet logging: no INFO line from Spark reached stderr.
if grep -Eq '^([0-9/]+ )?[0-9:]+ INFO ' "$LOGS/nightly_1.err"; then
  fail "spark-submit stderr has Spark INFO lines: the log4j2 configuration was not applied"
else
  ok "spark-submit stderr has no Spark INFO lines"
fi

# --- d. what the nightly run wrote ---------------------------------------------------------------
if query state_1 "$STATE_SQL"; then
  check_eq "one production version of $MODEL" "$R_prod_versions" 1
  check_eq "predictions for batch day-01" "$R_day_preds" 300
  check_eq "day-01 predictions all by $MODEL v$R_prod_version (production)" "$R_day_preds_prod" 300
  check_eq "day-01 predictions have distinct row ids" "$R_day_pred_ids" 300
  if [[ "$R_day_drift" -gt 0 ]]; then ok "drift_metrics has $R_day_drift rows for day-01"; else fail "drift_metrics has no rows for day-01"; fi
  check_eq "nightly run row (step '*') succeeded with day=01 and data_dir" "$R_nightly_ok" 1
  check_eq "one dataset_versions row for loans day-01" "$R_day_versions" 1
  check_eq "dataset_versions row_count for loans day-01" "$R_day_version_rows" 300
  B_predictions=$R_n_predictions B_drift_metrics=$R_n_drift_metrics
  B_profiles=$R_n_profiles B_dataset_versions=$R_n_dataset_versions
  before="$B_predictions/$B_drift_metrics/$B_profiles/$B_dataset_versions"
  note "after the first run: predictions/drift_metrics/profiles/dataset_versions = $before"
else
  finish
fi

# --- e. the same run again changes nothing -------------------------------------------------------
submit nightly_2 run workflows/nightly.yaml --param day=01 --param "data_dir=$LANDING"
if [[ $RC -eq 0 ]]; then ok "second nightly day 01 under spark-submit succeeded"; else fail "second nightly day 01 (exit $RC)"; show_err nightly_2 30; fi
# (checked below, together with the failed runs of f)

# --- f. broken workflows fail with one error line ------------------------------------------------
# expect_error NAME PATTERN: the last submit exited non-zero and its stderr has exactly one line
# `esteira: error: ...` matching PATTERN, no stack trace, and nothing else but Spark's WARN/ERROR
# log lines (the runs use -q, so no progress lines).
expect_error() {
  local name="$1" pattern="$2" err="$LOGS/$1.err" errors other
  if [[ $RC -ne 0 ]]; then ok "$name: exit code $RC"; else fail "$name: exit code 0, expected non-zero"; fi
  errors="$(grep -c '^esteira: error: ' "$err" || true)"
  other="$(grep -Evc '^esteira: error: |^([0-9/]+ )?[0-9:]+ (WARN|ERROR) ' "$err" || true)"
  if [[ "$errors" == 1 && "$other" == 0 ]] && grep -Eq "^esteira: error: .*$pattern" "$err"; then
    ok "$name: one line: $(grep '^esteira: error: ' "$err" | cut -c1-150)"
  else
    fail "$name: expected one 'esteira: error: ...$pattern...' line on stderr ($errors error lines, $other other lines)"
    show_err "$name"
  fi
}

cat >"$TMP/unknown_job.yaml" <<'EOF'
name: e2e_unknown_job
steps:
  - id: first
    job: no_such_job
    with: {dataset: loans}
EOF
submit unknown_job -q run "$TMP/unknown_job.yaml"
expect_error unknown_job "unknown job 'no_such_job'"

cat >"$TMP/cycle.yaml" <<'EOF'
name: e2e_cycle
steps:
  - id: a
    job: validate
    with: {dataset: loans, batch: day-01}
    depends_on: [b]
  - id: b
    job: validate
    with: {dataset: loans, batch: day-01}
    depends_on: [a]
EOF
submit cycle -q run "$TMP/cycle.yaml"
expect_error cycle "cycle"

# A step that fails while running (its input file does not exist), with no retries.
cat >"$TMP/failing.yaml" <<EOF
name: e2e_failing
retries: 0
steps:
  - id: ingest
    job: ingest
    with: {dataset: loans, path: "$LANDING/daily/day-99.csv", batch: day-99}
EOF
submit failing -q run "$TMP/failing.yaml"
expect_error failing "failed at step 'ingest'"

# --- e (continued). After the rerun and the failed runs: nothing duplicated, nothing written -----
# One query for both (each bin/esteira sql starts Spark): a count that changed points at the rerun
# or at a failed run; the logs in $TMP (ESTEIRA_E2E_KEEP=1) tell which.
if query state_2 "$STATE_SQL"; then
  check_eq "predictions count unchanged by the rerun and the failed runs" "$R_n_predictions" "$B_predictions"
  check_eq "drift_metrics count unchanged by the rerun and the failed runs" "$R_n_drift_metrics" "$B_drift_metrics"
  check_eq "profiles count unchanged by the rerun and the failed runs" "$R_n_profiles" "$B_profiles"
  check_eq "dataset_versions count unchanged by the rerun and the failed runs" "$R_n_dataset_versions" "$B_dataset_versions"
  check_eq "predictions for day-01 still 300" "$R_day_preds" 300
  # A rerun with the same parameters (and run_date) replaces its record; all of them succeeded.
  if [[ "$R_nightly_runs" -ge 1 && "$R_nightly_runs" == "$R_nightly_ok" ]]; then
    ok "nightly run rows all succeeded ($R_nightly_runs)"
  else
    fail "nightly run rows: $R_nightly_ok of $R_nightly_runs succeeded with day=01"
  fi
  check_eq "the failed run is recorded in workflow_runs (run row failed)" "$R_failing_runs" 1
  check_eq "the failed step is recorded in workflow_runs (input not found)" "$R_failing_steps" 1
fi

finish
