package dev.esteira.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.esteira.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Strict YAML binding: snake_case keys onto Java records, unknown keys and mistyped values refused with
 * the file and the dotted path of the offending key.
 */
public final class Yaml {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

  private Yaml() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Reads a YAML file as a tree; an empty file is an empty mapping. */
  public static JsonNode readTree(Path file) {
    try {
      JsonNode node = MAPPER.readTree(Files.readString(file));
      if (node == null || node.isMissingNode() || node.isNull()) {
        return MAPPER.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(file + ": expected a mapping at the top level");
      }
      return node;
    } catch (NoSuchFileException e) {
      throw new ConfigException("file not found: " + file);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          file + ": not valid YAML at line " + e.getLocation().getLineNr() + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads and binds a YAML file to {@code type}, naming the file and key path of any error. */
  public static <T> T read(Path file, Class<T> type) {
    return bind(readTree(file), type, file.toString());
  }

  /** Binds a tree to {@code type}; {@code source} names where the tree came from in errors. */
  public static <T> T bind(JsonNode tree, Class<T> type, String source) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (expected one of: "
                  + e.getKnownPropertyIds().stream()
                      .map(Object::toString)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + ")";
      throw new ConfigException(source + ": unknown key '" + path(e) + "'" + known);
    } catch (JsonMappingException e) {
      String why =
          e.getCause() instanceof IllegalArgumentException
              ? e.getCause().getMessage()
              : e.getOriginalMessage();
      // A record constructor checking the whole document names the dotted key itself: no "<root>" prefix.
      String at = path(e).equals("<root>") && e.getCause() instanceof IllegalArgumentException
          ? "" : "bad value at '" + path(e) + "': ";
      throw new ConfigException(source + ": " + at + Messages.firstLine(why));
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + Messages.firstLine(e.getOriginalMessage()));
    } catch (IllegalArgumentException e) {
      // Record constructors validate their own fields and throw this with a message naming the key.
      throw new ConfigException(source + ": " + Messages.rootMessage(e));
    }
  }

  /** Deep-merges {@code overlay} into a copy of {@code base}: mappings merge, anything else replaces. */
  public static ObjectNode merge(JsonNode base, JsonNode overlay) {
    ObjectNode result = base.deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = result.get(field.getKey());
      if (existing != null && existing.isObject() && field.getValue().isObject()) {
        result.set(field.getKey(), merge(existing, field.getValue()));
      } else {
        result.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return result;
  }

  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "<root>" : sb.toString();
  }
}
