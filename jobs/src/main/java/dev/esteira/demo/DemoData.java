package dev.esteira.demo;

import dev.esteira.EsteiraException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The built-in demo data: loan applications with a default label. Deterministic for its seed: each file
 * has its own random stream, so a day's batch is the same whatever number of days is generated.
 *
 * <p>From day {@code driftFromDay} on, two columns drift on purpose: {@code income} falls by 40% (a
 * numeric shift) and {@code purpose} moves towards business loans (a change in a categorical mix). No
 * other feature's distribution ever changes: that is the oracle the drift tests check against. Labels of
 * day d arrive {@code labelDelayDays} later, as a separate file.
 */
public final class DemoData {
  public static final List<String> DRIFTING = List.of("income", "purpose");
  public static final List<String> STABLE =
      List.of("age", "loan_amount", "credit_score", "employment_years", "home_ownership", "region");

  static final String[] HOME = {"MORTGAGE", "OWN", "RENT"};
  static final double[] HOME_P = {0.4, 0.2, 0.4};
  static final String[] PURPOSE = {"business", "car", "debt_consolidation", "education", "home"};
  static final double[] PURPOSE_P = {0.10, 0.25, 0.30, 0.15, 0.20};
  static final double[] PURPOSE_P_DRIFTED = {0.35, 0.15, 0.30, 0.10, 0.10};
  static final String[] REGION = {"east", "north", "south", "west"};
  static final double INCOME_FACTOR_DRIFTED = 0.6;

  /** What to generate. */
  public record Options(long seed, int days, int driftFromDay, int referenceRows, int dailyRows, int labelDelayDays) {
    public static Options defaults() {
      return new Options(7L, 13, 6, 6000, 2000, 3);
    }

    public Options {
      if (days < 1) {
        throw new EsteiraException("--days must be at least 1, got " + days);
      }
      if (driftFromDay < 1) {
        throw new EsteiraException("--drift-from-day must be at least 1, got " + driftFromDay);
      }
      if (referenceRows < 100 || dailyRows < 100) {
        throw new EsteiraException("the demo needs at least 100 rows per batch");
      }
    }
  }

  private DemoData() {}

  public static String day(int d) {
    return String.format(Locale.ROOT, "%02d", d);
  }

  /** Writes reference.csv, daily/day-NN.csv and labels/arrived-day-NN.csv under {@code dir}. */
  public static void generate(Path dir, Options o) {
    try {
      Files.createDirectories(dir.resolve("daily"));
      Files.createDirectories(dir.resolve("labels"));
      write(dir.resolve("reference.csv"), rows("ref", o.seed(), o.referenceRows(), false), true);
      for (int d = 1; d <= o.days(); d++) {
        List<Applicant> batch = rows("d" + day(d), o.seed() + d, o.dailyRows(), d >= o.driftFromDay());
        write(dir.resolve("daily").resolve("day-" + day(d) + ".csv"), batch, false);
        int labelled = d - o.labelDelayDays();
        List<Applicant> arrived =
            labelled >= 1
                ? rows("d" + day(labelled), o.seed() + labelled, o.dailyRows(), labelled >= o.driftFromDay())
                : List.of();
        writeLabels(dir.resolve("labels").resolve("arrived-day-" + day(d) + ".csv"), arrived);
      }
    } catch (IOException e) {
      throw new EsteiraException("cannot write demo data under " + dir + ": " + e.getMessage(), e);
    }
  }

  record Applicant(
      String id, int age, double income, double loanAmount, int creditScore, double employmentYears,
      String homeOwnership, String purpose, String region, int defaulted) {}

  static List<Applicant> rows(String prefix, long seed, int n, boolean drifted) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Applicant> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      int age = (int) clamp(Math.round(41 + 11 * gaussian(r)), 18, 85);
      double income = Math.exp(10.8 + 0.45 * gaussian(r)) * (drifted ? INCOME_FACTOR_DRIFTED : 1.0);
      double loan = Math.exp(9.6 + 0.5 * gaussian(r));
      int score = (int) clamp(Math.round(680 + 60 * gaussian(r)), 300, 850);
      double years = Math.min(40, Math.round(-6 * Math.log(1 - r.nextDouble()) * 10) / 10.0);
      String home = pick(r, HOME, HOME_P);
      String purpose = pick(r, PURPOSE, drifted ? PURPOSE_P_DRIFTED : PURPOSE_P);
      String region = REGION[r.nextInt(REGION.length)];
      double z =
          -1.6 + 4.0 * (loan / income) - 0.012 * (score - 680) - 0.02 * (age - 40) - 0.06 * years
              + (purpose.equals("business") ? 0.7 : 0) + (home.equals("RENT") ? 0.3 : 0);
      int defaulted = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      out.add(new Applicant(
          prefix + "-" + String.format(Locale.ROOT, "%06d", i), age, round2(income), round2(loan), score,
          years, home, purpose, region, defaulted));
    }
    return out;
  }

  private static void write(Path file, List<Applicant> rows, boolean withLabel) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("application_id,age,income,loan_amount,credit_score,employment_years,home_ownership,purpose,region"
          + (withLabel ? ",defaulted" : ""));
      w.newLine();
      for (Applicant a : rows) {
        w.write(String.join(",", a.id(), Integer.toString(a.age()), num(a.income()), num(a.loanAmount()),
            Integer.toString(a.creditScore()), num(a.employmentYears()), a.homeOwnership(), a.purpose(),
            a.region()) + (withLabel ? "," + a.defaulted() : ""));
        w.newLine();
      }
    }
  }

  private static void writeLabels(Path file, List<Applicant> rows) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("application_id,defaulted");
      w.newLine();
      for (Applicant a : rows) {
        w.write(a.id() + "," + a.defaulted());
        w.newLine();
      }
    }
  }

  private static double gaussian(SplittableRandom r) {
    // Box–Muller: SplittableRandom has no nextGaussian in Java 17.
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static String pick(SplittableRandom r, String[] values, double[] p) {
    double x = r.nextDouble();
    double acc = 0;
    for (int i = 0; i < values.length; i++) {
      acc += p[i];
      if (x < acc) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
