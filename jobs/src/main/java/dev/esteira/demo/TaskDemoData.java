package dev.esteira.demo;

import dev.esteira.EsteiraException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Small built-in data sets for the regression and clustering demos, deterministic for their seed (one
 * random stream per file, as in {@link DemoData}).
 *
 * <ul>
 *   <li>{@code houses} (regression): house prices in thousands, linear in area, rooms, age, distance to
 *       the centre and neighbourhood, plus Gaussian noise of standard deviation 25: a linear model should
 *       reach an RMSE near 25 and an R² near 0.9.
 *   <li>{@code customers} (clustering): shoppers drawn from three segments (bargain, regular, premium)
 *       that differ in spend, visits, basket and tenure; the segment is not written, it is what the
 *       clustering should find.
 * </ul>
 */
public final class TaskDemoData {
  /** The data set of each task's demo: its dataset name, model name and folder under the landing area. */
  public record Demo(String task, String dataset, String model) {}

  public static final List<Demo> DEMOS = List.of(
      new Demo("regression", "houses", "house_price"),
      new Demo("clustering", "customers", "customer_segments"));

  static final String[] NEIGHBOURHOOD = {"central", "suburb", "rural"};
  static final double[] NEIGHBOURHOOD_P = {0.3, 0.5, 0.2};
  static final double[] NEIGHBOURHOOD_PREMIUM = {60, 20, 0};
  static final String[] REGION = {"east", "north", "south", "west"};
  static final String[] CHANNEL = {"mixed", "online", "store"};

  private TaskDemoData() {}

  public static Demo demo(String task) {
    return DEMOS.stream().filter(d -> d.task().equals(task)).findFirst().orElseThrow(() -> new EsteiraException(
        "--task: unknown task '" + task + "' (expected one of: classification, regression, clustering)"));
  }

  /** Writes {@code reference.csv} and {@code daily/day-NN.csv} of the task's data set under {@code dir}. */
  public static void generate(Path dir, String task, long seed, int referenceRows, int dailyRows, int days) {
    Demo demo = demo(task);
    try {
      Files.createDirectories(dir.resolve("daily"));
      write(dir.resolve("reference.csv"), demo, "ref", seed, referenceRows);
      for (int d = 1; d <= days; d++) {
        write(dir.resolve("daily").resolve("day-" + DemoData.day(d) + ".csv"), demo, "d" + DemoData.day(d),
            seed + d, dailyRows);
      }
    } catch (IOException e) {
      throw new EsteiraException("cannot write demo data under " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, Demo demo, String prefix, long seed, int n) throws IOException {
    SplittableRandom r = new SplittableRandom(seed * 31 + demo.dataset().hashCode());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (demo.dataset().equals("houses")) {
        w.write("house_id,area_m2,rooms,age_years,distance_km,neighbourhood,region,price");
        w.newLine();
        for (int i = 1; i <= n; i++) {
          double area = clamp(110 + 35 * gaussian(r), 30, 400);
          int rooms = (int) clamp(Math.round(area / 30 + 0.7 * gaussian(r)), 1, 10);
          int age = r.nextInt(81);
          double distance = clamp(Math.exp(1.8 + 0.6 * gaussian(r)), 0.2, 80);
          int hood = pick(r, NEIGHBOURHOOD_P);
          String region = REGION[r.nextInt(REGION.length)];
          double price = 40 + 2.1 * area + 8 * rooms - 0.6 * age - 2.5 * distance + NEIGHBOURHOOD_PREMIUM[hood]
              + 25 * gaussian(r);
          w.write(String.join(",", id(prefix, i), num(area), Integer.toString(rooms), Integer.toString(age),
              num(distance), NEIGHBOURHOOD[hood], region, num(price)));
          w.newLine();
        }
      } else {
        w.write("customer_id,annual_spend,visits_per_month,avg_basket,tenure_years,channel");
        w.newLine();
        double[][] centre = {{800, 6, 12, 2}, {3000, 10, 28, 5}, {9000, 4, 180, 8}};
        double[][] channelP = {{0.2, 0.6, 0.2}, {0.4, 0.2, 0.4}, {0.3, 0.3, 0.4}};
        double[] segmentP = {0.4, 0.4, 0.2};
        for (int i = 1; i <= n; i++) {
          int s = pick(r, segmentP);
          double[] c = centre[s];
          double spend = Math.max(50, c[0] * (1 + 0.15 * gaussian(r)));
          double visits = Math.max(0.5, c[1] * (1 + 0.15 * gaussian(r)));
          double basket = Math.max(1, c[2] * (1 + 0.15 * gaussian(r)));
          double tenure = Math.max(0, c[3] * (1 + 0.25 * gaussian(r)));
          String channel = CHANNEL[pick(r, channelP[s])];
          w.write(String.join(",", id(prefix, i), num(spend), num(visits), num(basket), num(tenure), channel));
          w.newLine();
        }
      }
    }
  }

  private static String id(String prefix, int i) {
    return prefix + "-" + String.format(Locale.ROOT, "%06d", i);
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static int pick(SplittableRandom r, double[] p) {
    double x = r.nextDouble();
    double acc = 0;
    for (int i = 0; i < p.length; i++) {
      acc += p[i];
      if (x < acc) {
        return i;
      }
    }
    return p.length - 1;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
