package dev.esteira.config;

import dev.esteira.EsteiraException;

/** A configuration or spec file that cannot be used: unknown key, wrong type, missing value. */
public class ConfigException extends EsteiraException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
