#!/usr/bin/env bash
# End-to-end test of what analysts look at: the notebooks and the HTML reports.
#   1. a small demo lakehouse (1 simulated day that drifts, so there is drift, a production version and
#      its stage moves; under bin/test the one the Airflow phase's local runner left, with 2 such days),
#   2. bin/notebooks runs every notebook on it: each must succeed and hold at least one chart, and every
#      figure a notebook prints as `check: KEY = VALUE` must equal the same figure from `esteira sql`
#      over the same tables (one query, one JVM),
#   3. bin/notebooks names the notebook and the cell that failed, and refuses a folder that is no lakehouse,
#   4. `esteira report` writes one page per model and monitored dataset, with no script and no URL,
#   5. headless Chromium (Debian's, installed by bin/setup-browser) opens the reports: no console error,
#      no network request (checked on Chromium's own net log; a canary page with a script error and an
#      http image proves the checks can fail), and a screenshot goes to jobs/target/e2e/, or with
#      ESTEIRA_UPDATE_SCREENSHOT=1 to docs/report-screenshot.png, which the README shows (a test run
#      leaves the tree as it found it).
# Prints `ok - ...` / `FAIL - ...` per check on stdout, diagnostics as `# ...` on stderr, and ends with
# `notebooks e2e: N passed, M failed`; exits 1 if any check failed. ESTEIRA_E2E_KEEP=1 keeps the temp folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export ESTEIRA_CONF="$ROOT/conf"
unset SPARK_CONF_DIR HADOOP_CONF_DIR YARN_CONF_DIR SPARK_HOME ESTEIRA_JAVA_OPTS ESTEIRA_LAKEHOUSE

TMP="$(mktemp -d "${TMPDIR:-/tmp}/esteira-nb-e2e.XXXXXX")"
cleanup() {
  if [[ "${ESTEIRA_E2E_KEEP:-}" == 1 ]]; then echo "# kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
LAKE="$TMP/lakehouse"
LOGS="$TMP/logs"
mkdir -p "$LOGS"

SUITE=notebooks
source "$ROOT/tests/e2e/lib/checks.bash"
# The notebooks' Spark sessions are short-lived JVMs too: C1 only, as every JVM of the e2e tests.
export ESTEIRA_NOTEBOOK_JAVA_OPTS="$E2E_JIT${E2E_CDS:+ $E2E_CDS}"

# 0. What the phase needs besides .venv (bin/test's phase 2): a headless Chromium.
run setup-browser bin/setup-browser
if [[ $RC -ne 0 ]]; then fail "bin/setup-browser installs or finds chromium"; show_err setup-browser; finish; fi
CHROMIUM="$(tail -n 1 "$LOGS/setup-browser.out")"
ok "headless browser: $CHROMIUM"

# 1. The demo lakehouse: under bin/test the one airflow.sh's local runner left (training, then two nights
# whose batches drift; lib/checks.bash); alone, training and one night whose batch already drifts.
if shared_lakehouse two-nights "$LAKE"; then
  # Its nights ran the nightly workflow's first six steps (airflow.sh): measure performance as the later
  # step of a night would, so that the notebooks have estimates to chart (checked below).
  run performance bin/esteira -q --lakehouse "$LAKE" performance --model loan_default
  if [[ $RC -ne 0 ]]; then fail "performance on the shared demo lakehouse (exit $RC)"; show_err performance; finish; fi
  ok "demo lakehouse (airflow.sh's local runner's: 2 days, drifting) and its performance measured"
else
  run demo bin/esteira demo --lakehouse "$LAKE" --days 1 --drift-from-day 1 --rows 400 --reference-rows 1500
  if [[ $RC -ne 0 ]]; then fail "demo lakehouse"; show_err demo 30; finish; fi
  ok "demo lakehouse (1 day, drifting)"
fi

# 2 and 4 at once: the notebooks (two kernels at a time) while the report and the SQL run beside them.
python_checks_sql="$(cat <<'SQL'
SELECT 'versions.loan_default' AS k, CAST(count(*) AS STRING) AS v FROM models WHERE model = 'loan_default'
UNION ALL SELECT 'production.loan_default', CAST(max(version) AS STRING) FROM model_versions WHERE model = 'loan_default' AND stage = 'production'
UNION ALL SELECT 'scored_rows.loan_default', CAST(count(*) AS STRING) FROM predictions WHERE model = 'loan_default'
UNION ALL SELECT 'transitions.loan_default', CAST(count(*) AS STRING) FROM model_transitions WHERE model = 'loan_default'
UNION ALL SELECT 'drifted_cells.dataset:loans', CAST(count(DISTINCT column, batch) AS STRING) FROM drift_metrics WHERE target = 'dataset:loans' AND comparison = 'baseline' AND drifted
UNION ALL SELECT 'profiled_batches.dataset:loans', CAST(count(DISTINCT batch) AS STRING) FROM profiles WHERE target = 'dataset:loans'
UNION ALL SELECT 'runs.loan_default', CAST(count(*) AS STRING) FROM runs WHERE model = 'loan_default'
UNION ALL SELECT 'best_auc_roc.loan_default', format_string('%.4f', max(metrics['auc_roc'])) FROM runs WHERE model = 'loan_default' AND status = 'succeeded'
UNION ALL SELECT 'lineage_rows', CAST(count(*) AS STRING) FROM models
UNION ALL SELECT 'accepted_stage_moves', CAST(count(*) AS STRING) FROM model_transitions WHERE accepted AND kind = 'stage'
UNION ALL SELECT 'refused_moves', CAST(count(*) AS STRING) FROM model_transitions WHERE NOT accepted
UNION ALL SELECT 'workflow_step_rows', CAST(count(*) AS STRING) FROM workflow_runs WHERE step <> '*'
UNION ALL SELECT 'top_feature.loan_default', min(fi.column) FROM feature_importance fi JOIN model_versions mv
  ON fi.model = mv.model AND fi.run_id = mv.run_id
  WHERE mv.model = 'loan_default' AND mv.stage = 'production' AND fi.sample = 'holdout' AND fi.rank = 1
SQL
)"
(
  run report bin/esteira --lakehouse "$LAKE" report --out "$TMP/reports"
  echo "$RC" > "$LOGS/report.rc"
  run sql bin/esteira --lakehouse "$LAKE" -q --format json sql "$python_checks_sql"
  echo "$RC" > "$LOGS/sql.rc"
) &
side=$!
run notebooks bin/notebooks --lakehouse "$LAKE" --out "$TMP/nb" --jobs 2
nb_rc=$RC
wait "$side" || true

if [[ $nb_rc -eq 0 ]]; then ok "bin/notebooks ran every notebook"; else fail "bin/notebooks (exit $nb_rc)"; show_err notebooks 30; fi
if [[ "$(cat "$LOGS/sql.rc")" == 0 ]]; then ok "the figures from esteira sql"; else fail "esteira sql"; show_err sql; fi

# Each notebook: written as .ipynb and .html, at least one chart, and its check lines equal to SQL's.
py_rc=0
"$ROOT/.venv/bin/python" - "$TMP/nb" "$LOGS/sql.out" >"$LOGS/nbcheck.out" 2>"$LOGS/nbcheck.err" <<'PY' || py_rc=$?
import json, sys
from pathlib import Path
out, sql = Path(sys.argv[1]), sys.argv[2]
expected = {r["k"]: r["v"] for r in json.load(open(sql))}
bad = 0
seen = set()
for name in ["model_health", "drift", "lineage_audit", "experiments"]:
    nb = out / f"{name}.ipynb"
    if not nb.exists() or not (out / f"{name}.html").exists():
        print(f"FAIL - {name}: executed notebook or HTML missing"); bad += 1; continue
    cells = json.load(open(nb))["cells"]
    images = sum(1 for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    print(("ok" if images else "FAIL") + f" - {name}: {images} charts rendered"); bad += not images
    if name == "model_health":
        # The night's performance step wrote estimates: the notebook must chart them, not skip the chart.
        skipped = any("no performance recorded yet" in "".join(o.get("text", ""))
                      for c in cells for o in c.get("outputs", []))
        print(("FAIL" if skipped else "ok") + f" - {name} charts the performance per batch"); bad += skipped
    for c in cells:
        for o in c.get("outputs", []):
            for line in "".join(o.get("text", "")).splitlines():
                if line.startswith("check: "):
                    key, value = line[len("check: "):].split(" = ", 1)
                    seen.add(key)
                    want = expected.get(key)
                    same = want is not None and (value == want or (value.replace(".", "", 1).isdigit()
                                                                  and abs(float(value) - float(want)) < 1e-9))
                    print(("ok" if same else "FAIL") + f" - {name} prints {key} = {value}, SQL says {want}")
                    bad += not same
missing = set(expected) - seen
print(("ok" if not missing else "FAIL") + f" - every SQL figure was printed by a notebook (missing: {sorted(missing)})")
bad += bool(missing)
sys.exit(1 if bad else 0)
PY
# The python block prints its own ok/FAIL lines; count them into the totals.
cat "$LOGS/nbcheck.out"
PASSED=$((PASSED + $(grep -c '^ok - ' "$LOGS/nbcheck.out" || true)))
FAILED=$((FAILED + $(grep -c '^FAIL - ' "$LOGS/nbcheck.out" || true)))
if [[ $py_rc -ne 0 ]] && ! grep -q '^FAIL - ' "$LOGS/nbcheck.out"; then fail "checking the executed notebooks"; show_err nbcheck; fi

# 3. A failing cell is named; a folder that is no lakehouse is refused.
mkdir -p "$TMP/fake/models"
run nb-fail bin/notebooks --lakehouse "$TMP/fake" --out "$TMP/nb-fail" drift
if [[ $RC -eq 1 ]] && grep -q "error: drift.ipynb cell 3 " "$LOGS/nb-fail.err"; then
  ok "a failing cell: exit 1 naming the notebook and the cell ($(grep -m1 'error: drift' "$LOGS/nb-fail.err" | cut -c1-120))"
else
  fail "a failing cell (exit $RC)"; show_err nb-fail
fi
run nb-bad bin/notebooks --lakehouse "$TMP/nowhere" --out "$TMP/nb-bad"
if [[ $RC -eq 1 && "$(grep -c . "$LOGS/nb-bad.err")" -ge 1 ]] && grep -q "no Esteira lakehouse there" "$LOGS/nb-bad.err" && [[ ! -e "$TMP/nb-bad" ]]; then
  ok "no lakehouse: one error line, exit 1, nothing written"
else
  fail "no lakehouse (exit $RC)"; show_err nb-bad
fi

# 4. The reports.
MODEL_HTML="$TMP/reports/model-loan_default.html"
DATA_HTML="$TMP/reports/dataset-loans.html"
if [[ "$(cat "$LOGS/report.rc")" == 0 && -s "$MODEL_HTML" && -s "$DATA_HTML" && -s "$TMP/reports/index.html" ]]; then
  ok "esteira report wrote a page per model and dataset and an index"
else
  fail "esteira report"; show_err report
fi
if grep -q "report \[1/2\] model loan_default" "$LOGS/report.err"; then ok "report progress lines"; else fail "report progress lines"; show_err report; fi
for page in "$MODEL_HTML" "$DATA_HTML"; do
  if grep -qiE '<script|https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(|src=|<link' "$page"; then
    fail "$(basename "$page") has a script or an external reference: $(grep -oiE '<script|https?://[^"]*|url\([^)]*\)|src=[^ ]*|<link' "$page" | head -3 | tr '\n' ' ')"
  else
    ok "$(basename "$page"): no script, no URL, no external resource"
  fi
done

# 5. In the browser. Console messages go to stderr (--enable-logging=stderr); every URL request of the
# network stack goes to the net log (file:// pages do not). A canary page proves both checks can fail.
browse() { # NAME URL [extra flags]: dumps the DOM to $LOGS/NAME.out, console to .err, net log to NAME.netlog
  local name="$1" url="$2"
  shift 2
  run "$name" timeout 60 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions \
    --disable-background-networking --disable-component-update --disable-sync --disable-default-apps \
    --user-data-dir="$TMP/chrome-$name" --enable-logging=stderr --v=0 --log-net-log="$LOGS/$name.netlog" \
    --net-log-capture-mode=Default --virtual-time-budget=3000 "$@" --dump-dom "$url"
}
console_errors() { grep -E ':(INFO|ERROR|WARNING):CONSOLE|Uncaught' "$LOGS/$1.err" || true; }
requests() { grep -oE '"url":"(https?|wss?|ftp)://[^"]*' "$LOGS/$1.netlog" | grep -vE '://(clients[0-9]*|update|safebrowsing|accounts|www)\.google' || true; }
cat > "$TMP/canary.html" <<'HTML'
<!DOCTYPE html><html><body><p>canary</p><img src="http://127.0.0.1:9/pixel.png">
<script>console.error("canary console error"); undefinedFunction();</script></body></html>
HTML
browse canary "file://$TMP/canary.html"
if [[ -n "$(console_errors canary)" && -n "$(requests canary)" ]]; then
  ok "the browser checks see a console error and a network request on a canary page"
else
  fail "the canary page's console error ($(console_errors canary | wc -l) lines) or request ($(requests canary | wc -l)) went unseen"
  show_err canary
fi
for page in "$MODEL_HTML" "$DATA_HTML"; do
  name="browse-$(basename "$page" .html)"
  browse "$name" "file://$page"
  errors="$(console_errors "$name")"
  reqs="$(requests "$name")"
  if [[ $RC -eq 0 ]] && grep -q '<svg' "$LOGS/$name.out" && [[ -z "$errors" && -z "$reqs" ]]; then
    ok "$(basename "$page") loads in Chromium with charts, no console error, no network request"
  else
    fail "$(basename "$page") in Chromium (exit $RC): errors: ${errors:0:300} requests: ${reqs:0:300}"
  fi
done
run screenshot timeout 60 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run --hide-scrollbars \
  --user-data-dir="$TMP/chrome-shot" --window-size=1200,1500 --screenshot="$TMP/screenshot.png" "file://$DATA_HTML"
if [[ $RC -eq 0 && -s "$TMP/screenshot.png" ]]; then
  shot=jobs/target/e2e/report-screenshot.png
  [[ "${ESTEIRA_UPDATE_SCREENSHOT:-0}" == 1 ]] && shot=docs/report-screenshot.png
  mkdir -p "$(dirname "$shot")" && cp "$TMP/screenshot.png" "$shot"
  ok "screenshot written to $shot ($(wc -c < "$shot") bytes)"
else
  fail "screenshot"; show_err screenshot
fi
finish
