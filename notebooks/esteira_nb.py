"""What every Esteira notebook shares: opening a lakehouse with PySpark and delta-spark, and one
temporary view per metadata table (the same names as `bin/esteira sql`), including `model_versions`,
each version's current stage and aliases replayed from the registry's log.

The notebooks run in the project's virtualenv (bin/setup-python: pyspark 3.5.5, delta-spark 3.3.2).
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TABLES = ["dataset_versions", "runs", "models", "model_transitions", "predictions", "profiles",
          "drift_metrics", "workflow_runs", "performance", "feature_importance", "explanations"]

# Tables written by appends (MetaTable.newestBy in the Java code): each change of a key is a new row and
# the newest by the stamp column is current; the view shows that row only, as `esteira sql` does.
NEWEST_BY = {"dataset_versions": (["dataset", "batch", "version"], "recorded_at"), "workflow_runs": (["run_id", "step", "attempt"], "recorded_at")}
# Tables written a partition at a time by appends (MetaTable.newestWriteOfPartition): the rows of each
# partition's newest write (by the stamp, alike for all rows of one write) are current.
NEWEST_WRITE_BY = {"drift_metrics": (["target", "batch"], "written_at"), "performance": (["model"], "written_at"), "profiles": (["target", "batch"], "written_at")}

# The one definition of the model_versions view, shared with `esteira sql` (registry.RegistryViews): read
# from the repository, so a notebook needs no jar.
MODEL_VERSIONS_SQL = (ROOT / "jobs" / "src" / "main" / "resources" / "dev" / "esteira" / "registry"
                      / "model_versions.sql").read_text(encoding="utf-8")


def lakehouse_path(given=None):
    """The lakehouse: the notebook's parameter, else $ESTEIRA_LAKEHOUSE, else the demo's ./lakehouse."""
    path = given or os.environ.get("ESTEIRA_LAKEHOUSE") or str(ROOT / "lakehouse")
    path = str(Path(path).expanduser().resolve()) if "://" not in path else path
    if "://" not in path and not any(Path(path, t, "_delta_log").is_dir() for t in ("models", "profiles")):
        raise FileNotFoundError(f"{path}: no Esteira lakehouse there (no models or profiles table); "
                         "run `bin/esteira demo` or set ESTEIRA_LAKEHOUSE")
    return path


def _delta_jars():
    """Delta's jars from the Maven build's classpath (no download); None when the project is not built."""
    cp = ROOT / "jobs" / "target" / "classpath.txt"
    if not cp.exists():
        return None
    jars = [j for j in cp.read_text().strip().split(":")
            if "/io/delta/delta-spark_2.12/" in j or "/io/delta/delta-storage/" in j]
    return ",".join(jars) if len(jars) == 2 and all(Path(j).exists() for j in jars) else None


def spark_session():
    """A small local session: one or two cores, no UI, few shuffle partitions, Delta's extensions."""
    from pyspark.sql import SparkSession
    builder = (SparkSession.builder.master(os.environ.get("ESTEIRA_NOTEBOOK_MASTER", "local[1]"))
               .appName("esteira-notebook")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               # As bin/esteira: a metadata table's Delta log is small; 50 partitions to rebuild it cost more.
               .config("spark.databricks.delta.snapshotPartitions", "2")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
    # JVM flags for the session's driver, e.g. -XX:TieredStopAtLevel=1 (C1 only: less CPU for a short session
    # on small tables; the e2e tests set it).
    if os.environ.get("ESTEIRA_NOTEBOOK_JAVA_OPTS"):
        builder = builder.config("spark.driver.extraJavaOptions", os.environ["ESTEIRA_NOTEBOOK_JAVA_OPTS"])
    jars = _delta_jars()
    if jars:
        builder = builder.config("spark.jars", jars)
    else:
        # Not built: delta-spark's helper fetches the matching jars from Maven Central once (Ivy cache).
        from delta import configure_spark_with_delta_pip
        builder = configure_spark_with_delta_pip(builder)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def open_lakehouse(given=None, tables=None):
    """(spark, lakehouse path, names of the tables found), each table registered as a view of its name.

    tables: the tables the notebook reads (default all); opening a Delta table reads its log, so a
    notebook names only what it needs. model_versions needs models and model_transitions.
    """
    lake = lakehouse_path(given)
    spark = spark_session()
    found = []
    for name in (TABLES if tables is None else tables):
        path = f"{lake}/{name}"
        if "://" in path or Path(path, "_delta_log").exists():
            try:
                newest(name, spark.read.format("delta").load(path)).createOrReplaceTempView(name)
                found.append(name)
            except Exception:  # a table missing on a remote file system
                pass
    if "models" in found and "model_transitions" in found:
        spark.sql(MODEL_VERSIONS_SQL).createOrReplaceTempView("model_versions")
    print(f"lakehouse {lake}: tables {', '.join(found)}")
    return spark, lake, found


def newest(name, frame):
    """The current rows of a table written by appends (the newest of each key, or of each partition the rows
    of its newest write); other tables as they are."""
    from pyspark.sql import Window, functions as F
    if name in NEWEST_WRITE_BY:
        partition, stamp = NEWEST_WRITE_BY[name]
        newest_write = F.max(stamp).over(Window.partitionBy(*partition))
        return frame.withColumn("_newest", newest_write).where(F.col(stamp).eqNullSafe(F.col("_newest"))).drop("_newest")
    if name not in NEWEST_BY:
        return frame
    keys, stamp = NEWEST_BY[name]
    by_key = Window.partitionBy(*keys).orderBy(F.col(stamp).desc_nulls_last())
    return frame.withColumn("_newest", F.row_number().over(by_key)).where("_newest = 1").drop("_newest")


def check(key, value):
    """Prints a figure as `check: KEY = VALUE`; tests/e2e/notebooks.sh compares these lines with SQL."""
    if isinstance(value, float):
        value = f"{value:.4f}"
    print(f"check: {key} = {value}")
