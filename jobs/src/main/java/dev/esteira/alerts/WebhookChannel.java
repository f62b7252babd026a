package dev.esteira.alerts;

import dev.esteira.config.EsteiraConfig;
import dev.esteira.config.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts an event as JSON: {@code text} (what Slack, Mattermost, Rocket.Chat and Google Chat incoming
 * webhooks display) and {@code event}, the structured facts for programs. The event id goes in the
 * {@code Idempotency-Key} header, so a receiver that sees a delivery twice (sent, then the process died
 * before it recorded so) can drop the second. The secret header's value is read from the environment
 * variable the configuration names, at each try, and never written anywhere.
 */
final class WebhookChannel implements Channel {
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  static final String EVENT_HEADER = "X-Esteira-Event";

  private final String name;
  private final EsteiraConfig.Channel config;
  private final Secrets secrets;
  private final HttpClient client;

  WebhookChannel(String name, EsteiraConfig.Channel config, Secrets secrets) {
    this.name = name;
    this.config = config;
    this.secrets = secrets;
    this.client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(timeoutMillis()))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private long timeoutMillis() {
    return (long) (config.timeout() * 1000);
  }

  /** The body: chat tools show {@code text}; {@code event} carries the facts. */
  static String body(AlertEvent e) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("text", e.title() + "\n" + e.summary());
    doc.put("event", e.facts());
    return Json.write(doc);
  }

  @Override
  public Try deliver(AlertEvent event) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.url()))
        .timeout(Duration.ofMillis(timeoutMillis()))
        .header("Content-Type", "application/json; charset=utf-8")
        .header(IDEMPOTENCY_HEADER, event.id())
        .header(EVENT_HEADER, event.id())
        .POST(HttpRequest.BodyPublishers.ofString(body(event), StandardCharsets.UTF_8));
    if (config.secretHeader() != null) {
      String secret = secrets.get(config.secretEnv());
      if (secret == null) {
        return Try.error("not sent: environment variable " + config.secretEnv() + " (the value of "
            + config.secretHeader() + ") is not set");
      }
      request.header(config.secretHeader(), secret);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      String said = "HTTP " + status + (response.body() == null || response.body().isBlank() ? "" : ": " + response.body());
      if (status >= 200 && status < 300) {
        return Try.sent(said);
      }
      // Timeouts, throttling and server errors may pass; any other refusal will be the same next time.
      boolean transientStatus = status == 408 || status == 425 || status == 429 || status >= 500;
      return transientStatus ? Try.error(said) : Try.refused(said);
    } catch (HttpTimeoutException e) {
      return Try.error("no answer within " + config.timeout() + " s");
    } catch (ConnectException e) {
      return Try.error("cannot connect to " + hostOf() + " (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")");
    } catch (IOException e) {
      return Try.error(e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Try.error("interrupted");
    }
  }

  private String hostOf() {
    URI u = URI.create(config.url());
    return u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }

  @Override
  public String toString() {
    return name;
  }
}
