"""Evidently's data drift report on pandas, on the parquet files bin/bench generated.

Prints read_s (parquet -> pandas) and report_s (the drift report alone, warm: run twice, the second
timed), so bin/bench can compare with Esteira's nightly profile + drift on the same rows and columns.
With --once the report runs once and nothing else: bin/bench times that process whole, as one night.
Usage: evidently_drift.py [--once] REF_DIR CUR_DIR
"""
import sys
import time

import pandas as pd


def run_report(ref, cur):
    try:  # Evidently >= 0.7
        from evidently import Report
        from evidently.presets import DataDriftPreset

        report = Report([DataDriftPreset()])
        return report.run(cur, ref)
    except ImportError:  # Evidently 0.4 - 0.6
        from evidently.report import Report
        from evidently.metric_preset import DataDriftPreset

        report = Report(metrics=[DataDriftPreset()])
        report.run(reference_data=ref, current_data=cur)
        return report


def main():
    args = sys.argv[1:]
    once = args[:1] == ["--once"]
    if once:
        args = args[1:]
    t = time.perf_counter()
    ref = pd.read_parquet(args[0]).drop(columns=["row_id"])
    cur = pd.read_parquet(args[1]).drop(columns=["row_id"])
    read_s = time.perf_counter() - t
    if not once:
        run_report(ref, cur)
    t = time.perf_counter()
    run_report(ref, cur)
    report_s = time.perf_counter() - t
    print(f"evidently.read_s={read_s:.3f}")
    print(f"evidently.report_s={report_s:.3f}")


if __name__ == "__main__":
    main()
