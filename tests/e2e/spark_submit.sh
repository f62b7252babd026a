#!/usr/bin/env bash
# End-to-end test through a real spark-submit (the one pyspark==3.5.5 installs into .venv) and a real
# standalone cluster (a Master and two Workers of the same pyspark, on loopback):
#   1. demo data (small days; drift from day 1 and labels that arrive the same night, so that the
#      two nights retrain, shadow-score and challenge), 2. the training workflow on embedded Spark
#      (under bin/test: the lakehouse airflow.sh's demo trained on the same reference batch, copied),
#   3. the nightly workflow for day 01 as an application jar under spark-submit, checked with SQL,
#   4. the same nightly run again, 5. broken workflows under spark-submit (unknown job, cycle, a step
#      that fails): a non-zero exit and one `esteira: error:` line each,
#   6. one query afterwards: the rerun and the failed runs duplicated or wrote nothing, and the
#      failed run is recorded in workflow_runs; night 02 under spark-submit (local[2]), in the
#      background while 7 runs (the local reference 7 is compared with),
#   7. the cluster, from a copy of the lakehouse as 2 trained it: night 01 with `bin/esteira --master
#      spark://` (an embedded driver; the jar shipped to executors) and an executor killed mid-night,
#      night 02 with `esteira submit --deploy-mode cluster` and relative paths, both retraining on the
#      cluster's executors, a query with `esteira submit` in client mode; every table compared with the local lakehouse of 2-6; the traps: a relative
#      lakehouse refused by a cluster-mode driver, a failed cluster-mode driver's exit code and error
#      line reaching the caller, executors' logs quiet; the cluster stopped, no process left.
# Prints `ok - ...` / `FAIL - ...` per check on stdout, diagnostics as `# ...` on stderr, and ends
# with exactly one line `spark-submit e2e: N passed, M failed`; exits 1 if any check failed.
# Set ESTEIRA_E2E_KEEP=1 to keep the temporary folder (logs, lakehouse) for a look afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JAR="jobs/target/esteira.jar"
MODEL="loan_default"

# Hermetic: no Spark or Hadoop setting from the caller's environment.
unset SPARK_CONF_DIR HADOOP_CONF_DIR YARN_CONF_DIR SPARK_HOME ESTEIRA_JAVA_OPTS

TMP="$(mktemp -d "${TMPDIR:-/tmp}/esteira-e2e.XXXXXX")"
source "$ROOT/tests/e2e/lib/cluster.bash"
LOCAL_REFERENCE=
cleanup() {
  stop_cluster
  # The background local reference of g (still running only when the script ends early): let it end
  # before its folder is removed.
  [[ -z "$LOCAL_REFERENCE" ]] || wait "$LOCAL_REFERENCE" 2>/dev/null || true
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
# This repository's config, with a policy that retrains on the first drifted night (no cool-down) and
# challenges on one night's labels: two nights then hold a retraining each, a shadow and a challenge.
export ESTEIRA_CONF="$TMP/conf"
cp -r "$ROOT/conf" "$ESTEIRA_CONF"
sed -i -e 's/^\(  cooldown_batches:\) [0-9]*/\1 0/' -e 's/^\(  min_labelled:\) 500/\1 250/' "$ESTEIRA_CONF/policies/loan_default.yaml"
SUITE=spark-submit
source "$ROOT/tests/e2e/lib/checks.bash"

# Executors are short-lived JVMs on small data too: C1 only, like every JVM of the e2e tests, and the
# shared class archive when bin/test made one (lib/checks.bash).
sed -i "s|^  conf: {}.*|  conf: {spark.executor.extraJavaOptions: \"$E2E_JIT${E2E_CDS:+ $E2E_CDS}\"}|" "$ESTEIRA_CONF/esteira.yaml"
grep -q 'spark.executor.extraJavaOptions' "$ESTEIRA_CONF/esteira.yaml" || { echo "spark_submit.sh: conf/esteira.yaml has no 'conf: {}' line to set" >&2; exit 1; }

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
    --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$ROOT/conf/log4j2.properties $E2E_JIT${E2E_CDS:+ $E2E_CDS}" \
    --class dev.esteira.cli.Main \
    "$JAR" --conf-dir "$ESTEIRA_CONF" --lakehouse "${SUBMIT_LAKE:-$LAKE}" "$@"
}

# query NAME SQL: runs one SQL query with bin/esteira and loads its single result row into shell
# variables R_<column> (null becomes empty). Returns non-zero if the query or the JSON is bad.
query() {
  local name="$1" sql="$2" vars
  run "$name" bin/esteira -q --lakehouse "${QUERY_LAKE:-$LAKE}" sql "$sql" --format json
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
# Five days written, two run: the labels of day N arrive on day N+3 and are moved to day N (labels
# that arrive the same night), so that each night's labels are there for its performance and challenge.
# Two nights hold what the cluster must show: night 01 retrains (cool-down 0), night 02 shadow-scores
# the challenger, challenges it on that night's labels and retrains again.
run demo_data bin/esteira demo-data --out "$LANDING" --days 5 --drift-from-day 1 --rows 300 --reference-rows 1500
if [[ $RC -eq 0 && -f "$LANDING/reference.csv" && -f "$LANDING/daily/day-01.csv" ]]; then
  ok "demo-data wrote the reference batch and day-01"
  for d in 1 2; do mv -f "$LANDING/labels/arrived-day-0$((d + 3)).csv" "$LANDING/labels/arrived-day-0$d.csv"; done
else
  fail "demo-data (exit $RC)"
  show_err demo_data
  finish
fi
if [[ -f "$JAR" ]]; then ok "application jar $JAR exists"; else fail "no $JAR (run mvn package)"; finish; fi

# --- b. training on embedded Spark ---------------------------------------------------------------
# Under bin/test, airflow.sh's demo has trained on this very reference batch (the demo data's seed and
# 1,500 reference rows; cmp checks it): its lakehouse as trained is copied instead (lib/checks.bash).
if cmp -s "$LANDING/reference.csv" "${ESTEIRA_E2E_SHARED_DIR:-/nonexistent}/trained/landing/reference.csv" \
  && shared_lakehouse trained "$LAKE"; then
  ok "the lakehouse as airflow.sh's demo trained it on the same reference batch (training workflow on embedded Spark)"
else
  run training bin/esteira --lakehouse "$LAKE" run workflows/training.yaml \
    --param "data_dir=$LANDING" --param "model=$MODEL"
  if [[ $RC -eq 0 ]] && grep -q "run training-.*: succeeded" "$LOGS/training.out"; then
    ok "training workflow on embedded Spark succeeded"
  else
    fail "training workflow on embedded Spark (exit $RC)"
    show_err training
    finish
  fi
fi
# The cluster's nights (h) start from this lakehouse as trained, copied: the same v1 on both sides, so
# that every table can be compared after the same nights. The nights retrain on the cluster (the
# policy's cool-down is 0), so MLlib's training runs on its executors all the same.
CLAKE="$TMP/clake"
cp -a "$LAKE" "$CLAKE"

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

# --- g. night 02 under spark-submit: the local reference for the cluster ----------------------------
# What every table must hold alike on both lakehouses: rows and their values (hashes summed, so the
# order of rows does not matter); statistics from sketches compared within a tolerance (see below).
# Left out: times, run ids, artifact paths and checksums, and dataset version numbers (the rerun of
# day 01 and the failed runs of f made commits on the local lakehouse only).
FP_SQL="
SELECT
  (SELECT count(*) FROM predictions) AS pred_n,
  (SELECT count(*) FROM predictions WHERE version > 1) AS pred_later_versions,
  (SELECT sum(xxhash64(model, version, batch, row_id, prediction, probability)) FROM predictions) AS pred_h,
  (SELECT count(*) FROM dataset_versions) AS dv_n,
  (SELECT sum(xxhash64(dataset, batch, row_count)) FROM dataset_versions) AS dv_h,
  (SELECT concat_ws(',', collect_list(concat(version, ':', stage))) FROM (SELECT version, stage FROM model_versions ORDER BY version)) AS stages,
  (SELECT sum(xxhash64(model, version, stage, to_json(array_sort(map_entries(metrics))), batch)) FROM model_versions) AS mv_h,
  (SELECT sum(xxhash64(model, version, kind, from_stage, to_stage, name, value, accepted)) FROM model_transitions) AS tr_h,
  (SELECT count(*) FROM drift_metrics) AS dm_n,
  (SELECT sum(xxhash64(target, batch, comparison, column, metric, status, drifted, alerting)) FROM drift_metrics) AS dm_h,
  (SELECT sum(abs(coalesce(value, 0))) FROM drift_metrics) AS dm_sum,
  (SELECT count(*) FROM performance) AS pf_n,
  (SELECT sum(xxhash64(model, version, batch, kind, metric, labelled, predictions, alerting)) FROM performance) AS pf_h,
  (SELECT sum(abs(coalesce(value, 0))) FROM performance) AS pf_sum,
  (SELECT count(*) FROM profiles) AS pr_n
"
# fingerprint NAME LAKE: the FP_SQL row of LAKE as JSON in $LOGS/NAME.out.
fingerprint() { run "$1" bin/esteira -q --lakehouse "$2" sql "$FP_SQL" --format json; }

# Night 02 (local[2]) and the reference's fingerprint run in the background while h starts the
# cluster and runs the same nights on it: they share no file with h, and small-data Spark
# processes leave much of two cores idle, mostly waiting on one driver thread (the night and the query
# are off the critical path; how much sharing the cores gives back: README, Tests).
# Their outcomes are checked after h, from the exit codes they leave in $LOGS.
(
  submit nightly_02 -q run workflows/nightly.yaml --param day=02 --param "data_dir=$LANDING"
  echo "$RC" >"$LOGS/nightly_02.rc"
  fingerprint fp_local "$LAKE"
) &
LOCAL_REFERENCE=$!

# --- h. the same nights on a standalone cluster ----------------------------------------------------

OPENS="$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' "$ROOT/pom.xml")"
if start_cluster "$TMP/cluster"; then
  ok "standalone cluster: a Master and two Workers alive at $CLUSTER_MASTER"
else
  fail "standalone cluster did not start"
  sed 's/^/#   /' "$TMP/cluster/"*.log | tail -n 20 >&2
  finish
fi

# Night 01 with an embedded driver (bin/esteira --master spark://), which ships the application jar to
# the executors; an executor is killed with SIGKILL while it runs: the worker starts another one and
# the night goes on.
rm -f "$LOGS/killed_executor"
bin/esteira -q --master "$CLUSTER_MASTER" --lakehouse "$CLAKE" run workflows/nightly.yaml \
  --param day=01 --param "data_dir=$LANDING" \
  >"$LOGS/cluster_night_01.out" 2>"$LOGS/cluster_night_01.err" &
night=$!
# Once the night has scored (the predictions table exists), so that the kill lands in a later step.
while kill -0 "$night" 2>/dev/null; do
  pid="$(pgrep -f CoarseGrainedExecutorBackend | head -n 1 || true)"
  if [[ -n "$pid" && -d "$CLAKE/predictions" ]]; then
    kill -9 "$pid" && echo "$pid" >"$LOGS/killed_executor" && note "killed executor $pid"
    break
  fi
  sleep 1
done
RC=0
wait "$night" || RC=$?
if [[ $RC -eq 0 ]] && grep -q "run nightly-.*: succeeded" "$LOGS/cluster_night_01.out"; then
  ok "night 01 with bin/esteira --master spark:// on the cluster succeeded (executors in their own JVMs)"
else
  fail "night 01 with bin/esteira --master spark:// (exit $RC)"
  show_err cluster_night_01 30
fi
if [[ -s "$LOGS/killed_executor" ]] && grep -Eq "Executor app-.*finished with state [A-Z]+.*(exitStatus|code) 137" "$TMP/cluster/"worker*.log; then
  ok "an executor (pid $(cat "$LOGS/killed_executor")) was killed mid-night and the night still succeeded"
else
  fail "no executor was killed during night 01 (or the cluster did not notice)"
fi

# Night 02 in cluster deploy mode, with the lakehouse and the workflow given as relative paths: submit
# makes them absolute, adds Java 17's flags for the driver, waits and passes on the driver's exit code.
rel_lake="$(realpath --relative-to="$ROOT" "$CLAKE")"
run cluster_night_02 bin/esteira -q --master "$CLUSTER_MASTER" --lakehouse "$rel_lake" submit --deploy-mode cluster \
  --spark-conf "spark.driver.extraJavaOptions=$E2E_JIT${E2E_CDS:+ $E2E_CDS}" \
  run workflows/nightly.yaml --param day=02 --param "data_dir=$LANDING"
if [[ $RC -eq 0 ]] && grep -qs "run nightly-.*: succeeded" "$TMP/cluster/"work*/driver-*/stdout; then
  ok "night 02 in cluster deploy mode succeeded (the driver's stdout on its worker says so)"
else
  fail "night 02 in cluster deploy mode (exit $RC)"
  show_err cluster_night_02 30
fi

# A query with esteira submit in client mode: spark-submit's driver here, its executors on the cluster.
run cluster_client bin/esteira -q --master "$CLUSTER_MASTER" --lakehouse "$CLAKE" submit \
  --spark-conf "spark.driver.extraJavaOptions=$E2E_JIT${E2E_CDS:+ $E2E_CDS}" \
  sql "SELECT count(DISTINCT row_id) AS scored FROM predictions WHERE batch = 'day-02'" --format json
if [[ $RC -eq 0 ]] && tr -d ' \n' <"$LOGS/cluster_client.out" | grep -Eq '"scored":300[,}]'; then
  ok "esteira submit in client mode on the cluster: a query's answer printed by the local driver"
else
  fail "esteira submit in client mode (exit $RC): $(tr -d '\n' <"$LOGS/cluster_client.out" | cut -c1-100)"
  show_err cluster_client 30
fi

# The local reference of g, then every table alike on both lakehouses.
RC=0
wait "$LOCAL_REFERENCE" || RC=$?
LOCAL_REFERENCE=
note "local reference (night 02, fingerprint): ended $RC"
RC="$(cat "$LOGS/nightly_02.rc" 2>/dev/null || echo none)"
if [[ $RC == 0 ]]; then ok "nightly day 02 under spark-submit succeeded"; else fail "nightly day 02 (exit $RC)"; show_err nightly_02 30; fi
fingerprint fp_cluster "$CLAKE"
if python3 - "$LOGS/fp_local.out" "$LOGS/fp_cluster.out" >"$LOGS/fp_compare.out" 2>&1 <<'PY'
import json, sys
local, cluster = (json.load(open(p))[0] for p in sys.argv[1:3])
bad = []
for key, a in local.items():
    b = cluster.get(key)
    if key.endswith("_sum"):
        # Sums of statistics: within 0.1 % (quantile sketches may merge in another order on a cluster).
        if a is None or b is None or abs(a - b) > 1e-3 * max(1.0, abs(a)):
            bad.append("%s: local %s, cluster %s" % (key, a, b))
    elif a != b:
        bad.append("%s: local %s, cluster %s" % (key, a, b))
print("; ".join(bad) if bad else "equal: " + json.dumps(local))
sys.exit(1 if bad else 0)
PY
then
  ok "every table of the cluster's lakehouse equals the local one ($(cut -c1-160 "$LOGS/fp_compare.out"))"
else
  fail "cluster and local lakehouses differ: $(cat "$LOGS/fp_compare.out")"
fi
if python3 -c '
import json, sys
row = json.load(open(sys.argv[1]))[0]
sys.exit(0 if row["pred_later_versions"] > 0 and "2:" in row["stages"] and "3:" in row["stages"] else 1)' "$LOGS/fp_cluster.out" 2>/dev/null; then
  ok "the cluster's nights retrained (v2, v3) and scored with a later version ($(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(r["stages"], r["pred_later_versions"], "rows")' "$LOGS/fp_cluster.out"))"
else
  fail "no retraining, shadow or challenge on the cluster: $(cat "$LOGS/fp_cluster.out")"
fi

# Trap: spark-submit alone, cluster mode, a relative lakehouse: the driver refuses it in one line
# instead of writing a new lakehouse in its worker's folder (spark-submit itself exits 0 either way).
run raw_relative "$SPARK_HOME/bin/spark-submit" --master "$CLUSTER_MASTER" --deploy-mode cluster \
  --conf spark.standalone.submit.waitAppCompletion=true --conf "spark.driver.extraJavaOptions=$OPENS" \
  --class dev.esteira.cli.Main "$ROOT/$JAR" --conf-dir "$ESTEIRA_CONF" --lakehouse lake -q registry list
if grep -qs "^esteira: error: --lakehouse 'lake' is relative" "$TMP/cluster/"work*/driver-*/stderr \
    && ! ls -d "$TMP/cluster/"work*/driver-*/lake >/dev/null 2>&1; then
  ok "a cluster-mode driver refuses a relative lakehouse in one line and writes nothing"
else
  fail "a relative lakehouse in cluster mode was not refused (spark-submit exit $RC)"
fi

# Trap: a cluster-mode driver that fails: its exit code and error line reach the caller.
run cluster_failing bin/esteira -q --master "$CLUSTER_MASTER" --lakehouse "$CLAKE" submit --deploy-mode cluster \
  registry show no_such_model
expect_error cluster_failing "unknown model 'no_such_model'"

# Trap: executors log as quietly as the driver: only their start-up lines at INFO, none per task.
max_info=0
for f in "$TMP/cluster/"work*/app-*/*/stderr; do
  n="$(grep -c ' INFO ' "$f" || true)"
  (( n > max_info )) && max_info=$n
done
if (( max_info > 0 && max_info <= 100 )); then
  ok "executors' logs quiet: at most $max_info INFO lines per executor (start-up only)"
else
  fail "executors' logs: $max_info INFO lines in one executor's stderr (expected 1..100)"
fi

stop_cluster
left="$(cluster_processes)"
check_eq "no process of the cluster left after it was stopped" "$left" 0

finish
