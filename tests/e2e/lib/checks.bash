# Shared by the e2e scripts (sourced, never run: bin/test runs only tests/e2e/*.sh).
# Before sourcing, set SUITE (the name in the last line) and LOGS (a folder for each command's output).
# Prints `ok - ...` / `FAIL - ...` per check on stdout and diagnostics as `# ...` on stderr; `finish`
# prints exactly one line `SUITE e2e: N passed, M failed` and exits 1 if any check failed.
PASSED=0
FAILED=0
# Every JVM these scripts start is short-lived (one command, one night, one Airflow task, the executors of
# one application) and works on small data: the C1 compiler alone compiles it. On two cores C2's
# compilations of Spark's code would take about 40 % of such a process's CPU (README, Tests); no result
# depends on the compiler. bin/esteira takes ESTEIRA_JAVA_OPTS; spark-submit, executors and Airflow tasks
# are given E2E_JIT by each script.
E2E_JIT="-XX:TieredStopAtLevel=1"
export ESTEIRA_JAVA_OPTS="-Xmx4g $E2E_JIT"
# Under bin/test the e2e scripts share one class-data sharing archive of a spark-submit driver (bin/test
# makes the folder ESTEIRA_E2E_CDS_DIR): airflow.sh's first Airflow task records it as every Airflow
# deployment's would (README, A cold task's cost), and the scripts after it give E2E_CDS to their Spark JVMs
# whose classpath is Spark's own (spark-submit drivers, notebook sessions, the cluster's executors), which
# then map those classes instead of loading them from the jars. -Xshare:auto: a JVM that finds no archive
# or one that does not match runs without it, never differently; a script run alone runs without.
E2E_CDS=""
if [[ -n "${ESTEIRA_E2E_CDS_DIR:-}" ]]; then
  e2e_archives=("$ESTEIRA_E2E_CDS_DIR"/driver-*.jsa)
  if [[ ${#e2e_archives[@]} -eq 1 && -f "${e2e_archives[0]}" && "${e2e_archives[0]}" != *[[:space:]]* ]]; then
    E2E_CDS="-XX:SharedArchiveFile=${e2e_archives[0]} -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
fi
# Under bin/test the scripts also hand on the demo lakehouses they build (bin/test makes the folder
# ESTEIRA_E2E_SHARED_DIR): airflow.sh's demo as trained (`trained`: demo --days 0 --drift-from-day 1
# --rows 300 --reference-rows 1500) and its local runner's copy after days 01 and 02 (`two-nights`).
# A later script that needs the same lakehouse copies it instead of building its own (a training and a
# night fewer each); run alone, or when the script before failed to leave it, it builds its own.
# share_lakehouse NAME DIR: leaves a copy of the lakehouse DIR as NAME (whole, or not at all).
share_lakehouse() {
  [[ -n "${ESTEIRA_E2E_SHARED_DIR:-}" && -d "$ESTEIRA_E2E_SHARED_DIR" ]] || return 0
  rm -rf "$ESTEIRA_E2E_SHARED_DIR/$1.part"
  cp -a "$2" "$ESTEIRA_E2E_SHARED_DIR/$1.part" && mv "$ESTEIRA_E2E_SHARED_DIR/$1.part" "$ESTEIRA_E2E_SHARED_DIR/$1"
}
# shared_lakehouse NAME DEST: copies the lakehouse left as NAME to DEST; fails when there is none.
shared_lakehouse() {
  [[ -n "${ESTEIRA_E2E_SHARED_DIR:-}" && -d "$ESTEIRA_E2E_SHARED_DIR/$1" ]] || return 1
  cp -a "$ESTEIRA_E2E_SHARED_DIR/$1" "$2"
}
T0=$SECONDS
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
note() { echo "# $*" >&2; }
finish() {
  note "done in $((SECONDS - T0))s"
  echo "$SUITE e2e: $PASSED passed, $FAILED failed"
  if [[ $FAILED -eq 0 ]]; then exit 0; else exit 1; fi
}
# The end of a command's stderr, after a failed check, so the log says why.
show_err() { tail -n "${2:-15}" "$LOGS/$1.err" | sed 's/^/#   /' >&2 || true; }
# check_eq DESCRIPTION ACTUAL EXPECTED
check_eq() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1 (got '$2', expected '$3')"; fi; }
# run NAME CMD...: runs CMD with stdout/stderr in $LOGS/NAME.{out,err}; sets RC (never exits).
run() {
  local name="$1" start=$SECONDS
  shift
  RC=0
  "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err" || RC=$?
  note "$name: exit $RC in $((SECONDS - start))s"
}
