package dev.esteira.data;

import dev.esteira.config.ConfigException;
import dev.esteira.config.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A dataset and its contract, as declared in {@code conf/datasets/NAME.yaml}: the columns a batch must
 * have (type, nullability, range or allowed values), and the expectations checked on each accepted
 * version.
 */
public record DatasetSpec(
    String name,
    String description,
    String format,
    String key,
    Boolean dropExtraColumns,
    List<Column> columns,
    List<Expectation> expectations) {

  public static final Set<String> TYPES = Set.of("string", "integer", "long", "double", "boolean", "date", "timestamp");
  public static final Set<String> ROLES = Set.of("feature", "id", "label", "attribute");

  /**
   * One column of the contract. {@code required: false} lets a batch omit it (stored as null). A
   * {@code double} column refuses NaN and ±Infinity (also a literal such as {@code 1e400} that parses to
   * Infinity) unless it says {@code allow_nan: true} or {@code allow_infinity: true}.
   */
  public record Column(
      String name,
      String type,
      Boolean nullable,
      Boolean required,
      String role,
      Double min,
      Double max,
      List<String> allowed,
      Boolean allowNan,
      Boolean allowInfinity) {
    /** A column that refuses NaN and infinities, as written before the two flags existed. */
    public Column(String name, String type, Boolean nullable, Boolean required, String role, Double min, Double max,
        List<String> allowed) {
      this(name, type, nullable, required, role, min, max, allowed, null, null);
    }

    public Column {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a column has no name");
      }
      type = type == null ? "string" : type.toLowerCase(Locale.ROOT);
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "column '" + name + "': unknown type '" + type + "' (expected one of " + sorted(TYPES) + ")");
      }
      role = role == null ? "feature" : role.toLowerCase(Locale.ROOT);
      if (!ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "column '" + name + "': unknown role '" + role + "' (expected one of " + sorted(ROLES) + ")");
      }
      nullable = nullable == null ? Boolean.TRUE : nullable;
      required = required == null ? Boolean.TRUE : required;
      allowNan = allowNan != null && allowNan;
      allowInfinity = allowInfinity != null && allowInfinity;
      // Bounds that no value can meet mean a typo, not a contract.
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException(
            "columns." + name + ": min " + min + " is greater than max " + max + " (no value could pass)");
      }
      if ((allowNan || allowInfinity) && !type.equals("double")) {
        throw new IllegalArgumentException(
            "columns." + name + ": allow_nan and allow_infinity apply to double columns, not to type " + type);
      }
    }

    public boolean numeric() {
      return type.equals("integer") || type.equals("long") || type.equals("double");
    }
  }

  /** A data-quality check run on an accepted version, its result stored with the version. */
  public record Expectation(String check, String column, Double min, Double max) {
    public static final Set<String> CHECKS = Set.of("row_count", "unique", "completeness", "mean");

    public Expectation {
      if (check == null || !CHECKS.contains(check)) {
        throw new IllegalArgumentException(
            "unknown check '" + check + "' (expected one of " + sorted(CHECKS) + ")");
      }
      if (!check.equals("row_count") && (column == null || column.isBlank())) {
        throw new IllegalArgumentException("check '" + check + "' needs a column");
      }
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException(
            "expectations: " + check + (column == null ? "" : "(" + column + ")") + " has min " + min
                + " greater than max " + max);
      }
    }

    public String describe() {
      String range =
          (min != null ? " >= " + min : "") + (min != null && max != null ? " and" : "")
              + (max != null ? " <= " + max : "");
      return check + (column == null ? "" : "(" + column + ")") + range;
    }
  }

  public DatasetSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("missing required key 'name'");
    }
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "name '" + name + "' must be lower case letters, digits and underscores");
    }
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("missing required key 'columns'");
    }
    Set<String> seen = new HashSet<>();
    for (Column c : columns) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("column '" + c.name() + "' is declared twice");
      }
    }
    if (key != null && !seen.contains(key)) {
      throw new IllegalArgumentException("key '" + key + "' is not a declared column");
    }
    expectations = expectations == null ? List.of() : List.copyOf(expectations);
    for (Expectation e : expectations) {
      if (e.column() != null && !seen.contains(e.column())) {
        throw new IllegalArgumentException(
            "expectation " + e.check() + " names unknown column '" + e.column() + "'");
      }
    }
    format = format == null ? "csv" : format.toLowerCase(Locale.ROOT);
    dropExtraColumns = dropExtraColumns != null && dropExtraColumns;
  }

  public Optional<Column> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  /** Feature columns: what profiles and drift look at. */
  public List<Column> features() {
    return columns.stream().filter(c -> c.role().equals("feature")).toList();
  }

  /** Loads {@code DIR/NAME.yaml}; the file's {@code name} must match. */
  public static DatasetSpec load(Path datasetsDir, String name) {
    Path file = datasetsDir.resolve(name + ".yaml");
    if (!Files.exists(file)) {
      throw new ConfigException("unknown dataset '" + name + "': no contract " + file);
    }
    DatasetSpec spec = Yaml.read(file, DatasetSpec.class);
    if (!spec.name().equals(name)) {
      throw new ConfigException(file + ": name '" + spec.name() + "' does not match the file name");
    }
    return spec;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
