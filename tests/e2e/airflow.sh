#!/usr/bin/env bash
# End-to-end test against a REAL Apache Airflow 3.3.2 started with bin/airflow-local (api-server,
# scheduler, dag-processor on 127.0.0.1, in a temporary AIRFLOW_HOME), driven through the Java client
# (bin/esteira airflow ...):
#   0. the tasks' class archive (esteira_factory._DriverClassArchive): its lock and its life, in Python;
#   1. a demo lakehouse (bin/esteira demo --days 0) and a copy of it for the local runner's reference
#      (under bin/test both are left for the later scripts as well: lib/checks.bash);
#   2. Airflow with the nightly workflow and a broken one (a cycle): the broken file is an import error
#      with Esteira's reason; wrong credentials and an unknown DAG are one-line errors;
#   3. the nightly DAG for day 01; for day 02 a batch that breaks its contract: the run fails, the
#      client names the task and fetches its log; the input is fixed, `clear` reruns the task and the
#      run ends success; a repeated run id is refused (409); day 01's first task recorded the class
#      archive and a later task's driver maps it;
#   4. meanwhile the local runner runs the same two days on the copy: every table of both lakehouses
#      must be equal in row counts and contents (timestamps aside; workflow_runs by its step states);
#   5. bin/airflow-local down leaves no process behind; the client then says Airflow is not reachable.
# Prints `ok - ...` / `FAIL - ...` per check on stdout, diagnostics as `# ...` on stderr, and ends with
# exactly one line `airflow e2e: N passed, M failed`; exits 1 if any check failed.
# Set ESTEIRA_E2E_KEEP=1 to keep the temporary folder (Airflow's home and logs, both lakehouses).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export ESTEIRA_CONF="$ROOT/conf"
unset SPARK_CONF_DIR HADOOP_CONF_DIR YARN_CONF_DIR SPARK_HOME ESTEIRA_JAVA_OPTS ESTEIRA_AIRFLOW_USER

TMP="$(mktemp -d "${TMPDIR:-/tmp}/esteira-airflow-e2e.XXXXXX")"
AFHOME="$TMP/airflow"
LAKE="$TMP/lake-airflow"      # what Airflow's tasks write
REF="$TMP/lake-local"         # the same start, run by the local runner
WF="$TMP/workflows"
LOGS="$TMP/logs"
mkdir -p "$LOGS" "$WF"
AIRFLOW_STARTED=0
BG_PIDS=()
cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ $AIRFLOW_STARTED == 1 ]]; then bin/airflow-local down --home "$AFHOME" >/dev/null 2>&1 || true; fi
  if [[ "${ESTEIRA_E2E_KEEP:-}" == 1 ]]; then echo "# kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

SUITE=airflow
source "$ROOT/tests/e2e/lib/checks.bash"
# expect_one_error NAME PATTERN: the last run exited 1 and its stderr is exactly one line
# `esteira: error: ...` matching PATTERN (progress lines, if any, start with `esteira: ` too and are
# not errors; -q keeps them away here).
expect_one_error() {
  local name="$1" pattern="$2" err="$LOGS/$1.err"
  if [[ $RC -eq 1 && "$(wc -l <"$err")" -eq 1 ]] && grep -Eq "^esteira: error: .*$pattern" "$err"; then
    ok "$name: exit 1, one line: $(cut -c1-160 "$err")"
  else
    fail "$name: expected exit 1 and one line 'esteira: error: ...$pattern...' (exit $RC, $(wc -l <"$err") lines)"
    show_err "$name"
  fi
}

# --- prerequisites ---------------------------------------------------------------------------------
if ! bin/setup-python >/dev/null; then fail "bin/setup-python"; finish; fi
run build bin/esteira --version
[[ $RC -eq 0 ]] || { fail "bin/esteira builds"; show_err build; finish; }
PORT="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export ESTEIRA_AIRFLOW_URL="http://127.0.0.1:$PORT"

# The workflows Airflow sees: the nightly one (without Esteira-level retries, so that the contract
# failure below costs one try, not two) and a broken one. The copy stops before the continuous-training
# steps: under Airflow each task is a spark-submit of its own (40 s here), and what this test proves
# (tasks, retries, clear, logs, the same tables as the local runner) needs only the first six;
# the loop's steps and their `when:` are tested in-process (ClosedLoopTest, WhenConditionTest).
sed 's/^retries: 1$/retries: 0/' workflows/nightly.yaml \
  | awk '/^  # Ground truth and continuous training/ {exit} {print}' >"$WF/nightly.yaml"
grep -q '^retries: 0$' "$WF/nightly.yaml" || { fail "could not set retries: 0 in the test copy of nightly.yaml"; finish; }
grep -q 'id: ingest_labels' "$WF/nightly.yaml" && ! grep -q 'id: retrain' "$WF/nightly.yaml" \
  || { fail "could not cut the test copy of nightly.yaml before its continuous-training steps"; finish; }
cat >"$WF/broken.yaml" <<'EOF'
name: broken
steps:
  - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [b]}
  - {id: b, job: validate, with: {dataset: loans, batch: x}, depends_on: [a]}
EOF

# --- 0. the tasks' class archive: one recorder at a time, kept only when its task succeeded -----------
# (what the running tasks below do with it is checked after day 01 and in day 02's task log)
if ESTEIRA_JAR="$ROOT/jobs/target/esteira.jar" ESTEIRA_CDS_DIR="$TMP/cds-check" ESTEIRA_TASK_CDS=on \
  .venv/bin/python - "$ROOT/workflows/airflow" >"$LOGS/cds_lock.out" 2>&1 <<'EOF'
import os, sys, time
sys.path.insert(0, sys.argv[1])
from esteira_factory import _DriverClassArchive as A
first, second = A.for_task(), A.for_task()
assert first.path == second.path, "one archive per jar, Spark and JDK"
opts = first.java_options()
assert opts.startswith("-XX:ArchiveClassesAtExit=" + first.path + ".") and first.recording, opts
assert second.java_options() == "" and second.recording is None, "a second task records nothing meanwhile"
open(first.recording, "wb").write(b"x")
first.finish(False)
assert not os.path.exists(first.path) and not os.listdir(os.path.dirname(first.path)), "a failed task's recording is dropped"
opts = second.java_options()
assert "-XX:ArchiveClassesAtExit=" in opts, "the lock was released"
open(second.recording, "wb").write(b"archive")
open(os.path.join(os.path.dirname(second.path), "driver-0123456789abcdef.jsa"), "wb").write(b"an older jar's")
second.finish(True)
assert open(second.path, "rb").read() == b"archive" and os.listdir(os.path.dirname(second.path)) == [os.path.basename(second.path)]
third = A.for_task()
assert third.java_options().startswith("-XX:SharedArchiveFile=" + second.path + " "), "later tasks map it"
os.remove(second.path)
stale = A.for_task()
open(stale.lock, "w").close()
assert stale.java_options() == "", "a fresh lock is respected"
old = time.time() - A.STALE_LOCK_SECONDS - 60
os.utime(stale.lock, (old, old))
assert "-XX:ArchiveClassesAtExit=" in stale.java_options(), "a lock left by a killed task expires"
stale.finish(False)
os.environ["ESTEIRA_TASK_CDS"] = "off"
assert A.for_task() is None
print("ok")
EOF
then ok "the tasks' class archive: one recorder at a time, a failed recording dropped, an older jar's archive removed, a stale lock expires, off when asked"
else fail "the tasks' class archive lock: $(tail -n 1 "$LOGS/cds_lock.out")"; fi

# --- 1. Airflow starts while the demo lakehouse is built (both take a while) ------------------------
mkdir -p "$LAKE"
# Each task's spark-submit driver with C1 only, as every JVM of the e2e tests (lib/checks.bash).
export ESTEIRA_TASK_JAVA_OPTS="$E2E_JIT"
# The tasks' class archive: where bin/test shares it with the e2e scripts after this one (lib/checks.bash).
CDS_DIR="${ESTEIRA_E2E_CDS_DIR:-$AFHOME/esteira-cds}"
export ESTEIRA_CDS_DIR="$CDS_DIR"
bin/airflow-local up --home "$AFHOME" --port "$PORT" --lakehouse "$LAKE" --workflows "$WF" --no-schedules \
  >"$LOGS/up.out" 2>"$LOGS/up.err" &
UP_PID=$!
AIRFLOW_STARTED=1
# Batches that drift from day 01, like the ones the later scripts need (they take copies: lib/checks.bash).
run demo bin/esteira -q --lakehouse "$LAKE" demo --days 0 --drift-from-day 1 --rows 300 --reference-rows 1500
if [[ $RC -eq 0 && -f "$LAKE/landing/daily/day-02.csv" ]]; then ok "demo lakehouse with a production model and day files"; else fail "demo (exit $RC)"; show_err demo; finish; fi
cp -a "$LAKE" "$REF"
share_lakehouse trained "$LAKE"
up_rc=0
wait "$UP_PID" || up_rc=$?
if [[ $up_rc -eq 0 ]] && grep -q "Airflow is up at http://127.0.0.1:$PORT" "$LOGS/up.out"; then
  ok "bin/airflow-local up: healthy ($(grep -o 'healthy after [0-9]* s' "$LOGS/up.err"))"
else
  fail "bin/airflow-local up (exit $up_rc)"
  tail -n 20 "$LOGS/up.err" | sed 's/^/#   /' >&2
  finish
fi
ESTEIRA_AIRFLOW_PASSWORD="$(cat "$AFHOME/password")"
export ESTEIRA_AIRFLOW_PASSWORD
AF=(bin/esteira -q airflow)

# --- 2. DAGs, import errors, one-line errors -------------------------------------------------------
# The DAG processor parses the files a few seconds after start: poll for up to 90 s.
for _ in $(seq 45); do
  run dags "${AF[@]}" dags --format json
  if [[ $RC -eq 0 ]] && grep -q '"esteira_nightly"' "$LOGS/dags.out"; then break; fi
  sleep 2
done
if grep -q '"esteira_nightly"' "$LOGS/dags.out"; then ok "esteira airflow dags lists esteira_nightly"; else fail "esteira_nightly never appeared"; show_err dags; finish; fi
for _ in $(seq 30); do
  run errors "${AF[@]}" errors
  if grep -q 'esteira_broken.py' "$LOGS/errors.out"; then break; fi
  sleep 2
done
if grep -q "esteira_broken.py .*$WF/broken.yaml: the steps form a cycle: " "$LOGS/errors.out"; then
  ok "the broken workflow is an import error with Esteira's reason: $(grep esteira_broken "$LOGS/errors.out" | cut -c1-160)"
else
  fail "esteira airflow errors does not show broken.yaml's cycle"
  sed 's/^/#   /' "$LOGS/errors.out" >&2
fi
if grep -q '"esteira_broken"' "$LOGS/dags.out"; then fail "a DAG was made of the broken workflow"; else ok "no DAG of the broken workflow"; fi

ESTEIRA_AIRFLOW_PASSWORD=wrong run bad_password "${AF[@]}" dags
expect_one_error bad_password "refused the credentials of user 'admin'"
if grep -qF -- "$ESTEIRA_AIRFLOW_PASSWORD" "$LOGS/bad_password.err"; then fail "the password appears in an error"; fi
run unknown_dag "${AF[@]}" trigger esteira_no_such_workflow --param day=01
expect_one_error unknown_dag "unknown DAG 'esteira_no_such_workflow'"

# --- 3. day 01 through Airflow, while the local runner does both days on the copy ------------------
# Every table of both lakehouses, as one row per table row (4 compares them): the local runner dumps its
# copy as soon as its two nights end, beside Airflow's day 02, so that only Airflow's dump is left after.
TABLES=(dataset_versions runs models model_transitions predictions profiles drift_metrics workflow_runs loans loan_labels)
SQL=""
for t in "${TABLES[@]}"; do
  SQL+="${SQL:+ UNION ALL }SELECT '$t' AS t, to_json(struct(*)) AS j FROM $t"
done
(
  nights_rc=0
  {
    bin/esteira -q --lakehouse "$REF" run "$WF/nightly.yaml" --param day=01 \
      && bin/esteira -q --lakehouse "$REF" run "$WF/nightly.yaml" --param day=02
  } >"$LOGS/local.out" 2>"$LOGS/local.err" || nights_rc=$?
  run dump_local bin/esteira -q --lakehouse "$REF" sql "$SQL" --limit 10000000 --format json
  # The notebooks phase reads this lakehouse (a production version, two nights that drift).
  [[ $nights_rc -ne 0 || $RC -ne 0 ]] || share_lakehouse two-nights "$REF"
  exit "$nights_rc"
) &
LOCAL_PID=$!
BG_PIDS+=("$LOCAL_PID")
run day01 "${AF[@]}" trigger esteira_nightly --run-id e2e-day-01 --param day=01 --wait --poll 3 --timeout 900
if [[ $RC -eq 0 ]] && grep -q 'run e2e-day-01: success' "$LOGS/day01.out"; then ok "day 01 through Airflow: success"; else fail "day 01 through Airflow (exit $RC)"; show_err day01; fi

# The first task found no class archive and recorded one; the ones after it map it (checked in 3's log).
cds_left="$(ls "$CDS_DIR" 2>/dev/null | tr '\n' ' ')"
if [[ "$cds_left" =~ ^driver-[0-9a-f]{16}\.jsa\ $ ]]; then ok "day 01 left one class archive for the tasks' drivers ($cds_left)"; else fail "the tasks' class archive folder after day 01 holds '$cds_left'"; fi

run duplicate "${AF[@]}" trigger esteira_nightly --run-id e2e-day-01 --param day=01
expect_one_error duplicate "already has a run with run id 'e2e-day-01'"

# Day 02's batch breaks the contract (an age of 150; the contract allows 18..100).
DAY2="$LAKE/landing/daily/day-02.csv"
cp "$DAY2" "$TMP/day-02.good.csv"
.venv/bin/python - "$DAY2" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
rows[1][rows[0].index("age")] = "150"
csv.writer(open(sys.argv[1], "w", newline="")).writerows(rows)
EOF
run day02 "${AF[@]}" trigger esteira_nightly --run-id e2e-day-02 --param day=02 --wait --poll 3 --timeout 900
expect_one_error day02 "run 'e2e-day-02' of DAG 'esteira_nightly' failed at task 'ingest'"
run day02_log "${AF[@]}" logs esteira_nightly e2e-day-02 ingest
if [[ $RC -eq 0 ]] && grep -q "esteira: error: .*age" "$LOGS/day02_log.out"; then
  ok "the failed task's log has Esteira's error: $(grep -m1 -o 'esteira: error: .*' "$LOGS/day02_log.out" | cut -c1-140)"
else
  fail "esteira airflow logs of the failed task (exit $RC) has no 'esteira: error: ...age...' line"
  show_err day02_log
  tail -n 5 "$LOGS/day02_log.out" | sed 's/^/#   /' >&2
fi
# The factory adds ESTEIRA_TASK_JAVA_OPTS to every task's driver: the spark-submit line in the task's log.
if grep -q "Spark-Submit cmd: .*spark.driver.extraJavaOptions=.* $E2E_JIT" "$LOGS/day02_log.out"; then
  ok "the task's spark-submit gave its driver ESTEIRA_TASK_JAVA_OPTS ($E2E_JIT)"
else
  fail "no 'Spark-Submit cmd: ... $E2E_JIT' in the task's log"
fi
if grep -q "Spark-Submit cmd: .*spark.driver.extraJavaOptions=.*-XX:SharedArchiveFile=$CDS_DIR/driver-" "$LOGS/day02_log.out"; then
  ok "a later task's driver maps the class archive (its spark-submit line)"
else
  fail "no '-XX:SharedArchiveFile=' of the class archive in day 02's task log"
fi
cp "$TMP/day-02.good.csv" "$DAY2"
run day02_clear "${AF[@]}" clear esteira_nightly e2e-day-02 ingest --wait --poll 3 --timeout 900
if [[ $RC -eq 0 ]] && grep -q 'run e2e-day-02: success' "$LOGS/day02_clear.out"; then ok "after the fix, clear reran ingest and the run ended success"; else fail "clear and rerun of day 02 (exit $RC)"; show_err day02_clear; fi
run status "${AF[@]}" status esteira_nightly e2e-day-02 --format json
if .venv/bin/python -c '
import json, sys
d = json.load(open(sys.argv[1]))
tries = {t["task_id"]: (t["state"], t["try_number"]) for t in d["tasks"]}
assert d["state"] == "success", d["state"]
assert tries["ingest"] == ("success", 2), tries
assert all(s == "success" for s, _ in tries.values()), tries
' "$LOGS/status.out" 2>"$LOGS/status.check"; then ok "status: every task success, ingest on its second try"; else fail "status of day 02: $(tail -n 1 "$LOGS/status.check")"; fi

local_rc=0
wait "$LOCAL_PID" || local_rc=$?
BG_PIDS=()
if [[ $local_rc -eq 0 ]]; then ok "the local runner ran days 01 and 02 on the copy"; else fail "local runner (exit $local_rc)"; tail -n 10 "$LOGS/local.err" | sed 's/^/#   /' >&2; fi

# --- 4. every table equal ---------------------------------------------------------------------------
# (the local copy's dump was made by the local runner's subshell of 3)
run dump_airflow bin/esteira -q --lakehouse "$LAKE" sql "$SQL" --limit 10000000 --format json
if .venv/bin/python - "$LOGS/dump_airflow.out" "$LOGS/dump_local.out" "$LAKE" "$REF" >"$LOGS/compare.out" 2>&1 <<'EOF'
import collections, json, sys
airflow_rows, local_rows = (json.load(open(p)) for p in sys.argv[1:3])
lake, ref = sys.argv[3], sys.argv[4]
VOLATILE = lambda k: k == "at" or k.endswith("_at") or k in ("duration_ms",)

def norm(v):
    # Paths name each lakehouse: compare them as if both were the reference.
    if isinstance(v, str):
        return v.replace(lake, ref)
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v

def tables(rows, airflow):
    out = collections.defaultdict(list)
    runs = collections.defaultdict(list)
    for r in rows:
        d = json.loads(r["j"])
        d = {k: norm(v) for k, v in d.items() if not VOLATILE(k)}
        if r["t"] == "workflow_runs":
            runs[d["run_id"]].append(d)
            continue
        out[r["t"]].append(json.dumps(d, sort_keys=True))
    # workflow_runs: run ids differ (Airflow's vs Esteira's), so compare each nightly run by its day:
    # the latest attempt of every step and the run row, their states, jobs, params and messages.
    for run_id, rs in runs.items():
        wf = rs[0]["workflow"]
        if wf != "nightly":
            for d in rs:
                out["workflow_runs"].append(json.dumps(d, sort_keys=True))
            continue
        day = json.loads([d for d in rs if d["step"] == "*"][0]["params"])["day"] if any(d["step"] == "*" for d in rs) else "?"
        latest = {}
        for d in rs:
            if d["step"] not in latest or d["attempt"] > latest[d["step"]]["attempt"]:
                latest[d["step"]] = d
        for step, d in latest.items():
            # to_json leaves out null fields: .get
            keep = {k: d.get(k) for k in ("workflow", "step", "job", "state", "message", "error")}
            if step != "*":
                keep["params"] = d.get("params")
            out["workflow_runs"].append(json.dumps(dict(keep, day=day), sort_keys=True))
    return {t: sorted(v) for t, v in out.items()}

a, b = tables(airflow_rows, True), tables(local_rows, False)
bad = 0
for t in sorted(set(a) | set(b)):
    ra, rb = a.get(t, []), b.get(t, [])
    if ra == rb:
        print(f"equal {t}: {len(ra)} rows")
    else:
        bad += 1
        only_a = sorted(set(ra) - set(rb))[:3]
        only_b = sorted(set(rb) - set(ra))[:3]
        print(f"DIFFERENT {t}: {len(ra)} rows by Airflow, {len(rb)} by the local runner")
        for x in only_a: print(f"  only Airflow: {x[:400]}")
        for x in only_b: print(f"  only local:   {x[:400]}")
sys.exit(1 if bad else 0)
EOF
then
  ok "every table equal between Airflow and the local runner ($(grep -c '^equal' "$LOGS/compare.out") tables: $(awk '/^equal/ {printf "%s%s %s", sep, $2, $3; sep=", "}' "$LOGS/compare.out" | tr -d ':'))"
else
  fail "tables differ between Airflow and the local runner"
  sed 's/^/#   /' "$LOGS/compare.out" >&2
  show_err dump_airflow 5
  show_err dump_local 5
fi
# Airflow owns the retries: exactly one failed attempt (ingest of day 02), recorded once.
if .venv/bin/python -c '
import json, sys
rows = [json.loads(r["j"]) for r in json.load(open(sys.argv[1])) if r["t"] == "workflow_runs"]
failed = [(r["run_id"], r["step"], r["attempt"]) for r in rows if r["state"] == "failed"]
assert failed == [("e2e-day-02", "ingest", 1)], failed
ingest = sorted((r["attempt"], r["state"]) for r in rows if r["run_id"] == "e2e-day-02" and r["step"] == "ingest")
assert ingest == [(1, "failed"), (2, "succeeded")], ingest
' "$LOGS/dump_airflow.out" 2>"$LOGS/attempts.check"; then
  ok "workflow_runs under Airflow: ingest of e2e-day-02 failed once (attempt 1), succeeded on attempt 2"
else
  fail "workflow_runs attempts under Airflow: $(tail -n 1 "$LOGS/attempts.check")"
fi

# --- 5. down leaves nothing behind ------------------------------------------------------------------
PGIDS="$(cat "$AFHOME"/pids/*.pid 2>/dev/null | tr '\n' ' ')"
run down bin/airflow-local down --home "$AFHOME"
AIRFLOW_STARTED=0
left=""
for g in $PGIDS; do left+="$(ps -eo pid=,pgid= | awk -v g="$g" '$2 == g { printf "%s ", $1 }')"; done
# Any process at all (a task's spark-submit included) that ran with this Airflow's home.
for e in /proc/[0-9]*/environ; do
  # (A process that ended since the glob: its environ is gone; the braces keep bash's own message quiet.)
  if { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "AIRFLOW_HOME=$AFHOME"; then left+="$(basename "$(dirname "$e")") "; fi
done
if [[ $RC -eq 0 && -z "$left" ]]; then ok "bin/airflow-local down: no process left (groups $PGIDS)"; else fail "bin/airflow-local down (exit $RC) left: $left"; show_err down; fi
run status_down bin/airflow-local status --home "$AFHOME"
check_eq "bin/airflow-local status after down exits 3" "$RC" 3
run unreachable "${AF[@]}" dags
expect_one_error unreachable "Airflow at http://127.0.0.1:$PORT is not reachable"

finish
