package dev.esteira.lake;

import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Quiets the logging of executors that run in JVMs of their own (a standalone cluster, YARN, Kubernetes).
 *
 * <p>The driver reads {@code conf/log4j2.properties}; an executor is started by the cluster with Spark's
 * default configuration, which logs every task at INFO (5,000 to 6,500 lines a night on a two-worker
 * cluster). Spark loads executor plugins from the application jar as the executor starts, so this is
 * the one place that reaches every executor however the job was submitted. It leaves logging alone when
 * executors share the driver's JVM ({@code local[N]}) or when the executors were given a log
 * configuration of their own ({@code -Dlog4j2.configurationFile}): an operator's choice wins.
 */
public final class QuietExecutorLogs implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        if (SparkSessions.isLocal(ctx.conf().get("spark.master", "local"))
            || System.getProperty("log4j2.configurationFile") != null) {
          return;
        }
        quiet();
      }
    };
  }

  /** Warnings and errors only; Spark's task-failure lines stay (an executor's failure must be findable). */
  static void quiet() {
    Configurator.setRootLevel(Level.WARN);
    Configurator.setLevel("org.apache.hadoop", Level.ERROR);
    Configurator.setLevel("org.apache.spark.sql.delta", Level.ERROR);
  }
}
