package dev.esteira;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering the README states, checked on the source: which package may use which (by its imports
 * and fully qualified names), and the seams that must stay typed (no SQL condition assembled from text
 * outside {@code lake}, no Spark row read by position outside a table's store). A new edge or a new
 * positional read fails here with the file that made it.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/esteira");

  /**
   * What each package may use. The order is the layering: {@code cli} → {@code workflow} → {@code jobs}
   * → capability packages → {@code lake}, {@code config}; a capability package uses only those below it.
   * "" is the root package (exceptions, progress, messages), usable by all.
   */
  private static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
      Map.entry("config", Set.of()),
      Map.entry("lake", Set.of("config")),
      Map.entry("alerts", Set.of("config", "lake")),
      Map.entry("demo", Set.of()),
      Map.entry("airflow", Set.of("config")),
      Map.entry("data", Set.of("config", "lake")),
      Map.entry("ml", Set.of("config", "lake", "data")),
      Map.entry("registry", Set.of("config", "lake", "data", "ml")),
      Map.entry("monitor", Set.of("config", "lake", "data", "ml", "registry")),
      Map.entry("scoring", Set.of("config", "lake", "data", "ml", "registry", "monitor")),
      Map.entry("explain", Set.of("config", "lake", "data", "ml", "registry", "monitor")),
      Map.entry("ct", Set.of("config", "lake", "data", "ml", "registry", "monitor", "scoring")),
      Map.entry("report", Set.of("config", "lake", "data", "ml", "registry", "monitor", "scoring", "explain")),
      Map.entry("jobs", Set.of("config", "lake", "data", "ml", "registry", "monitor", "scoring", "ct", "report", "alerts",
          "explain")),
      Map.entry("workflow", Set.of("config", "lake", "jobs", "alerts")),
      Map.entry("cli", Set.of("config", "lake", "data", "ml", "registry", "monitor", "scoring", "ct", "report",
          "jobs", "workflow", "airflow", "demo", "alerts", "explain"))));

  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.esteira\\.([a-z]+)\\.");

  @Test
  void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> packages = new TreeSet<>();
    for (Path file : javaFiles()) {
      String pkg = packageOf(file);
      packages.add(pkg);
      if (pkg.isEmpty()) {
        continue;
      }
      Set<String> allowed = ALLOWED.get(pkg);
      if (allowed == null) {
        violations.add(file + ": package '" + pkg + "' has no place in the layering (add it to ArchitectureTest and the README)");
        continue;
      }
      Matcher m = REFERENCE.matcher(Files.readString(file));
      Set<String> used = new TreeSet<>();
      while (m.find()) {
        used.add(m.group(1));
      }
      for (String u : used) {
        if (!u.equals(pkg) && !allowed.contains(u) && ALLOWED.containsKey(u)) {
          violations.add(file + ": " + pkg + " uses " + u);
        }
      }
    }
    assertTrue(packages.size() > 10, "read the sources: " + packages);
    assertEquals(List.of(), violations);
  }

  @Test
  void theAllowedEdgesHaveNoCycle() {
    for (String start : ALLOWED.keySet()) {
      Set<String> seen = new TreeSet<>();
      List<String> todo = new ArrayList<>(ALLOWED.get(start));
      while (!todo.isEmpty()) {
        String next = todo.remove(todo.size() - 1);
        assertNotEquals(start, next, start + " reaches itself");
        if (seen.add(next)) {
          todo.addAll(ALLOWED.getOrDefault(next, Set.of()));
        }
      }
    }
  }

  /** A replaceWhere, where or expr condition glued from a quote and a value, e.g. {@code "model = " + x}. */
  private static final Pattern GLUED_CONDITION = Pattern.compile(
      "\"[^\"]*[a-z_`]+ +(=|IN|LIKE|<|>|<=|>=|<>|!=) +'?\\(?\" *\\+|replaceWhere\", *[a-zA-Z\"]|\\.(where|filter|expr)\\(\"[^\"]*\" *\\+");

  @Test
  void noSqlConditionIsAssembledFromTextOutsideLake() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles()) {
      if (packageOf(file).equals("lake")) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (GLUED_CONDITION.matcher(lines.get(i)).find() && !lines.get(i).contains("Exception(")) {
          found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  /**
   * Spark row getters by position: {@code r.getString(0)}, {@code row.getAs(3)}, {@code isNullAt(2)}, and
   * running offsets such as {@code r.getDouble(3 + i)} or {@code r.getLong(i + 5)}.
   */
  private static final Pattern POSITIONAL_READ = Pattern.compile(
      "\\.(getString|getLong|getInt|getDouble|getBoolean|getTimestamp|getList|getMap|getStruct|getAs|isNullAt|getSeq|getFloat|getShort|getDecimal)\\(\\s*(\\d+|\\d+\\s*\\+[^)]*|\\w+\\s*\\+\\s*\\d+)\\s*\\)");

  @Test
  void noSparkRowIsReadByPositionOutsideTheStores() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : javaFiles()) {
      String name = file.getFileName().toString();
      if (packageOf(file).equals("lake") || name.endsWith("Store.java")) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (POSITIONAL_READ.matcher(lines.get(i)).find()) {
          found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  private static List<Path> javaFiles() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String packageOf(Path file) {
    Path rel = MAIN.relativize(file.getParent());
    return rel.toString().isEmpty() ? "" : rel.getName(0).toString();
  }
}
