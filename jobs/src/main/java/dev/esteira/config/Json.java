package dev.esteira.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.esteira.EsteiraException;

/** JSON for what Esteira writes: JSON columns of metadata tables and {@code --format json} output. */
public final class Json {
  // Map keys sorted: what is written (and hashed, as a spec's config hash) must not depend on the
  // iteration order of an unordered map, which changes from one JVM to the next.
  private static final ObjectMapper COMPACT =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  // Output for people and programs keeps the order it was given (columns of a query, fields of a result),
  // and writes times as ISO-8601 text in UTC rather than epoch milliseconds.
  private static final ObjectMapper PRETTY =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setDateFormat(isoUtc());

  private static java.text.DateFormat isoUtc() {
    java.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSX", java.util.Locale.ROOT);
    f.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
    return f;
  }

  private Json() {}

  public static ObjectMapper mapper() {
    return COMPACT;
  }

  public static String write(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new EsteiraException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new EsteiraException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static <T> T read(String json, Class<T> type) {
    try {
      return COMPACT.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new EsteiraException("cannot read JSON: " + e.getOriginalMessage(), e);
    }
  }
}
