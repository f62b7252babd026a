package dev.esteira.workflow;

import dev.esteira.Progress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Progress for long steps: while a step runs, every {@value #PERIOD_SECONDS} seconds it reports how long
 * it has been running and how many Spark tasks it has finished, so a long step never looks hung.
 */
final class StepHeartbeat implements AutoCloseable {
  static final int PERIOD_SECONDS = 15;

  private final SparkSession spark;
  private final Listener listener = new Listener();
  private final Thread thread;
  private volatile boolean running = true;

  private static final class Listener extends SparkListener {
    final AtomicInteger tasks = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      tasks.incrementAndGet();
    }
  }

  private StepHeartbeat(SparkSession spark, String label, Progress progress) {
    this.spark = spark;
    spark.sparkContext().addSparkListener(listener);
    AtomicLong started = new AtomicLong(System.currentTimeMillis());
    this.thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(PERIOD_SECONDS * 1000L);
                } catch (InterruptedException e) {
                  return;
                }
                if (running) {
                  long s = (System.currentTimeMillis() - started.get()) / 1000;
                  progress.report(label + ": still running after " + s + "s, " + listener.tasks.get() + " Spark tasks done");
                }
              }
            },
            "esteira-heartbeat");
    thread.setDaemon(true);
    thread.start();
  }

  static StepHeartbeat start(SparkSession spark, String label, Progress progress) {
    return new StepHeartbeat(spark, label, progress);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    spark.sparkContext().removeSparkListener(listener);
  }
}
