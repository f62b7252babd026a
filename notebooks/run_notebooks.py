"""Executes Esteira's notebooks against a lakehouse and writes each executed notebook and its HTML.

Run through bin/notebooks (which makes sure .venv exists). Every notebook runs in its own kernel
with $ESTEIRA_LAKEHOUSE set, so its parameters cell (LAKEHOUSE = None) opens that lakehouse. A cell
that fails is named (notebook, cell number, first line of the error) and makes the exit code 1; the
other notebooks still run, and the failed notebook is written up to the failure for a look.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_one(path, out, timeout):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from nbconvert import HTMLExporter

    start = time.monotonic()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}})
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        error = e
    except Exception as e:  # the kernel died or could not start
        error = e
    failed_cell = None
    if error is not None:
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failed_cell = (i, cell)
                break
    executed = out / path.name
    nbformat.write(nb, executed)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (out / (path.stem + ".html")).write_text(html, encoding="utf-8")
    took = time.monotonic() - start
    if error is None:
        images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                     if "image/png" in o.get("data", {}))
        return f"notebooks: {path.name}: ok, {images} charts ({took:.0f}s) -> {executed}", None
    if failed_cell:
        i, cell = failed_cell
        err = next(o for o in cell.outputs if o.get("output_type") == "error")
        first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        msg = f"{path.name} cell {i} ({first[:60]!r}): {err.get('ename')}: {str(err.get('evalue')).splitlines()[0] if err.get('evalue') else ''}"
    else:
        msg = f"{path.name}: {type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"
    return None, msg


def main(argv=None):
    p = argparse.ArgumentParser(prog="bin/notebooks", description=__doc__.splitlines()[0])
    p.add_argument("--lakehouse", metavar="DIR",
                   help="the lakehouse (default: $ESTEIRA_LAKEHOUSE, else ./lakehouse, the demo's)")
    p.add_argument("--out", metavar="DIR", default="notebooks-out",
                   help="where the executed notebooks and their HTML go (default: notebooks-out)")
    p.add_argument("--jobs", metavar="N", type=int, default=1,
                   help="notebooks run at once, each with its own kernel and Spark driver (default: 1)")
    p.add_argument("--timeout", metavar="S", type=int, default=600, help="seconds a cell may take (default: 600)")
    p.add_argument("notebooks", nargs="*", metavar="NAME", help="only these notebooks (e.g. drift); default: all")
    a = p.parse_args(argv)

    lake = a.lakehouse or os.environ.get("ESTEIRA_LAKEHOUSE") or str(HERE.parent / "lakehouse")
    lake_path = Path(lake).expanduser().resolve()
    if not (lake_path / "models").is_dir() and not (lake_path / "profiles").is_dir():
        print(f"bin/notebooks: error: {lake}: no Esteira lakehouse there (no models or profiles table); "
              f"run bin/esteira demo first or give --lakehouse DIR", file=sys.stderr)
        return 1
    os.environ["ESTEIRA_LAKEHOUSE"] = str(lake_path)
    books = sorted(HERE.glob("*.ipynb"))
    if a.notebooks:
        wanted = {n.removesuffix(".ipynb") for n in a.notebooks}
        unknown = wanted - {b.stem for b in books}
        if unknown:
            print(f"bin/notebooks: error: no notebook {', '.join(sorted(unknown))} in {HERE} "
                  f"(there are: {', '.join(b.stem for b in books)})", file=sys.stderr)
            return 2
        books = [b for b in books if b.stem in wanted]
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"notebooks: running {len(books)} notebooks on {lake_path}, writing to {out}", file=sys.stderr)
    if a.jobs <= 1:
        results = [run_one(b, out, a.timeout) for b in books]
    else:
        # Processes, not threads: each kernel manager then has its own event loop and ZMQ context.
        with ProcessPoolExecutor(max_workers=a.jobs) as pool:
            results = list(pool.map(run_one, books, [out] * len(books), [a.timeout] * len(books)))
    failures = []
    for ok, err in results:
        if ok:
            print(ok, file=sys.stderr)
        else:
            failures.append(err)
            print(f"bin/notebooks: error: {err}", file=sys.stderr)
    if failures:
        print(f"bin/notebooks: {len(failures)} of {len(books)} notebooks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
