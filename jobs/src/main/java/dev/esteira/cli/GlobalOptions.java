package dev.esteira.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes, before or after its name. */
final class GlobalOptions {
  enum Format { text, json }

  @Option(names = "--env", scope = ScopeType.INHERIT, paramLabel = "ENV",
      description = "Environment overlay: conf/env/ENV.yaml (dev, staging, prod).")
  String env;

  @Option(names = "--lakehouse", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Lakehouse root (default: lakehouse.root of the config, ./lakehouse).")
  String lakehouse;

  @Option(names = "--master", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "Spark master for embedded runs (default: spark.master of the config, local[2]).")
  String master;

  @Option(names = "--conf-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Configuration folder (default: $ESTEIRA_CONF or ./conf).")
  Path confDir;

  @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
      description = "Output: ${COMPLETION-CANDIDATES} (default: text).")
  Format format = Format.text;

  /** Set by `esteira submit` for a cluster-mode driver, whose exit code spark-submit does not pass on. */
  @Option(names = "--outcome-file", scope = ScopeType.INHERIT, paramLabel = "URI", hidden = true,
      description = "Write the exit code and error line to this file when the command ends (used by submit).")
  String outcomeFile;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "No progress messages on stderr.")
  boolean quiet;

  Path confDir() {
    if (confDir != null) {
      return confDir;
    }
    String env = System.getenv("ESTEIRA_CONF");
    return env != null && !env.isBlank() ? Paths.get(env) : Paths.get("conf");
  }

  String env() {
    return env;
  }

  String lakehouse() {
    return lakehouse;
  }

  String master() {
    return master;
  }

  boolean json() {
    return format == Format.json;
  }

  boolean quiet() {
    return quiet;
  }
}
