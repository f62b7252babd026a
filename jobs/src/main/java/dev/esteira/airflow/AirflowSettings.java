package dev.esteira.airflow;

import dev.esteira.config.ConfigException;
import dev.esteira.config.EsteiraConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where Airflow is and who logs in. The password is read when the client first needs a token, from the
 * variable or file the configuration names, and is never part of {@link #toString()} or any message.
 */
public final class AirflowSettings {
  private final URI url;
  private final String username;
  private final String passwordSource;
  private final PasswordReader password;
  private final Duration connectTimeout;
  private final Duration requestTimeout;

  /** Reads the password when it is needed (it may be rotated while a long wait runs). */
  @FunctionalInterface
  public interface PasswordReader {
    String read();
  }

  public AirflowSettings(URI url, String username, String passwordSource, PasswordReader password,
      Duration connectTimeout, Duration requestTimeout) {
    this.url = stripSlash(url);
    this.username = username;
    this.passwordSource = passwordSource;
    this.password = password;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Settings from the {@code airflow:} section of the configuration. {@code env} looks up environment
   * variables (tests pass a map); {@code base} resolves a relative {@code password_file}; {@code urlOverride}
   * (the command line's or {@code ESTEIRA_AIRFLOW_URL}) wins over the configured URL when not null.
   */
  public static AirflowSettings from(EsteiraConfig.Airflow c, Function<String, String> env, Path base, String urlOverride) {
    if (c == null) {
      throw new ConfigException("the configuration has no 'airflow' section (url, username_env, password_env)");
    }
    String rawUrl = urlOverride != null && !urlOverride.isBlank() ? urlOverride : c.url();
    if (rawUrl == null || rawUrl.isBlank()) {
      throw new ConfigException("missing required key 'airflow.url' (or set ESTEIRA_AIRFLOW_URL)");
    }
    URI url;
    try {
      url = new URI(rawUrl.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException("airflow.url '" + rawUrl + "' is not a URL: " + e.getReason());
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new ConfigException("airflow.url '" + rawUrl + "' must be an http:// or https:// URL with a host");
    }
    String user = null;
    if (c.usernameEnv() != null) {
      user = env.apply(c.usernameEnv());
    }
    if (user == null || user.isBlank()) {
      user = c.username();
    }
    if (user == null || user.isBlank()) {
      throw new ConfigException(
          "no Airflow user: set " + (c.usernameEnv() == null ? "airflow.username_env" : "$" + c.usernameEnv())
              + " or airflow.username in the configuration");
    }
    String passwordEnv = c.passwordEnv();
    String fromEnv = passwordEnv == null ? null : env.apply(passwordEnv);
    String source;
    PasswordReader reader;
    if (fromEnv != null && !fromEnv.isEmpty()) {
      source = "$" + passwordEnv;
      reader = () -> {
        String v = env.apply(passwordEnv);
        return v == null ? "" : v;
      };
    } else if (c.passwordFile() != null) {
      Path file = base.resolve(c.passwordFile());
      source = "file " + file;
      reader = () -> readFile(file, passwordEnv);
    } else {
      throw new ConfigException(
          "no Airflow password: set " + (passwordEnv == null ? "airflow.password_env" : "$" + passwordEnv)
              + " or airflow.password_file in the configuration");
    }
    return new AirflowSettings(url, user.trim(), source, reader,
        seconds(c.connectTimeoutSeconds(), 10, "connect_timeout_seconds"),
        seconds(c.requestTimeoutSeconds(), 60, "request_timeout_seconds"));
  }

  private static String readFile(Path file, String passwordEnv) {
    try {
      String s = Files.readString(file).strip();
      if (s.isEmpty()) {
        throw new ConfigException("the Airflow password file " + file + " is empty");
      }
      return s;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(
          "the Airflow password file " + file + " does not exist (bin/airflow-local up writes it"
              + (passwordEnv == null ? "" : "; or set $" + passwordEnv) + ")");
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the Airflow password file " + file + " (airflow.password_file"
              + (passwordEnv == null ? "" : ", or set $" + passwordEnv) + "): " + e.getClass().getSimpleName());
    }
  }

  private static Duration seconds(Double value, double fallback, String key) {
    double v = value == null ? fallback : value;
    if (!(v > 0)) {
      throw new ConfigException("airflow." + key + " must be positive, got " + v);
    }
    return Duration.ofMillis((long) (v * 1000));
  }

  private static URI stripSlash(URI u) {
    String s = u.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : u;
  }

  public URI url() {
    return url;
  }

  public String username() {
    return username;
  }

  /** Where the password comes from ("$VAR" or "file PATH"), for messages; never the password. */
  public String passwordSource() {
    return passwordSource;
  }

  String password() {
    return password.read();
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public String toString() {
    return "Airflow " + url + " as " + username + " (password from " + passwordSource + ")";
  }
}
