package dev.esteira.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads {@code conf/esteira.yaml} and overlays {@code conf/env/ENV.yaml}. Each file is bound on its own
 * first, so an unknown key is reported against the file that holds it.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static EsteiraConfig load(Path confDir, String env) {
    Path base = confDir.resolve("esteira.yaml");
    JsonNode tree = Yaml.readTree(base);
    Yaml.bind(tree, EsteiraConfig.class, base.toString());
    String source = base.toString();
    if (env != null && !env.isBlank()) {
      Path overlay = confDir.resolve("env").resolve(env + ".yaml");
      if (!Files.exists(overlay)) {
        throw new ConfigException(
            "unknown environment '" + env + "': no file " + overlay + " (try dev, staging or prod)");
      }
      JsonNode overlayTree = Yaml.readTree(overlay);
      Yaml.bind(overlayTree, EsteiraConfig.class, overlay.toString());
      tree = Yaml.merge(tree, overlayTree);
      source = base + " + " + overlay;
    }
    return Yaml.bind(tree, EsteiraConfig.class, source).validate(source);
  }

  /** Applies command-line overrides such as the lakehouse root or the Spark master. */
  public static EsteiraConfig withOverrides(EsteiraConfig config, String lakehouseRoot, String master) {
    ObjectNode tree = Yaml.mapper().valueToTree(config);
    if (lakehouseRoot != null) {
      ((ObjectNode) tree.get("lakehouse")).put("root", lakehouseRoot);
    }
    if (master != null) {
      EsteiraConfig.checkMaster(master, "--master");
      ((ObjectNode) tree.get("spark")).put("master", master);
    }
    return Yaml.bind(tree, EsteiraConfig.class, "command-line overrides");
  }
}
