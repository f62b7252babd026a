# A real Spark standalone cluster on loopback for the e2e scripts and bin/bench (sourced, never run): one
# Master and two Workers (or as many as asked) of the project's own pyspark (SPARK_HOME must be set),
# each Worker with one core, so that executors (and a cluster-mode driver) run in JVMs of their own. Every process leads its own process
# group (setsid) and stop_cluster kills the groups, executors and drivers included.
# Sets CLUSTER_MASTER (spark://127.0.0.1:PORT) and CLUSTER_DIR (logs and the workers' work folders).

# free_port: a TCP port nothing listens on now (Python asks the kernel).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

CLUSTER_PIDS=()

# start_cluster DIR [WORKERS]: starts the Master and WORKERS Workers (default 2) and waits until every
# Worker is ALIVE.
start_cluster() {
  CLUSTER_DIR="$1"
  local workers="${2:-2}"
  mkdir -p "$CLUSTER_DIR"
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$CLUSTER_DIR/logs"
  local port ui
  port="$(free_port)"
  ui="$(free_port)"
  CLUSTER_MASTER="spark://127.0.0.1:$port"
  CLUSTER_UI="http://127.0.0.1:$ui"
  setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$ui" >"$CLUSTER_DIR/master.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  local i
  for ((i = 1; i <= workers; i++)); do
    # 2.5 GB: room for a 1 GB executor beside a 1 GB cluster-mode driver.
    setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores 1 --memory 2500m --webui-port "$(free_port)" \
      --work-dir "$CLUSTER_DIR/work$i" "$CLUSTER_MASTER" >"$CLUSTER_DIR/worker$i.log" 2>&1 &
    CLUSTER_PIDS+=($!)
  done
  local deadline=$((SECONDS + 120)) alive=0
  while (( SECONDS < deadline )); do
    alive="$(curl -s "$CLUSTER_UI/json/" 2>/dev/null | grep -c '"state" : "ALIVE"' || true)"
    [[ "$alive" -ge "$workers" ]] && return 0
    sleep 2
  done
  echo "# cluster: $alive of $workers workers alive after 120 s" >&2
  return 1
}

# cluster_json: the Master's state as JSON (workers, applications, drivers).
cluster_json() { curl -s "$CLUSTER_UI/json/"; }

# stop_cluster: SIGTERM to every process group started here, then SIGKILL to what is left.
stop_cluster() {
  local pid
  for pid in "${CLUSTER_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 3
  for pid in "${CLUSTER_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  CLUSTER_PIDS=()
}

# cluster_processes: how many JVMs of a standalone cluster (Master, Worker, driver, executor) still run.
cluster_processes() {
  pgrep -fc 'deploy\.master\.Master|deploy\.worker\.Worker|deploy\.worker\.DriverWrapper|CoarseGrainedExecutorBackend' || true
}
