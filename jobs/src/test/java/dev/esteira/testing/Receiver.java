package dev.esteira.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on loopback (the JDK's server) that records every request it gets and answers
 * each with the next of a script of answers (the last one repeats): a status, a body, and a delay.
 */
public final class Receiver implements AutoCloseable {
  /** One request as the receiver saw it. */
  public record Request(Map<String, List<String>> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** An answer: after {@code delayMillis}, {@code status} with {@code body} ({@code $SECRET} echoes the secret header). */
  public record Answer(int status, String body, long delayMillis) {}

  private final HttpServer server;
  public final List<Request> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private volatile Answer last = new Answer(200, "ok", 0);

  public Receiver(String secretHeader, Answer... answers) {
    script.addAll(List.of(answers));
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/hook", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), new String(in, StandardCharsets.UTF_8)));
      Answer a = script.poll();
      if (a == null) {
        a = last;
      } else {
        last = a;
      }
      try {
        Thread.sleep(a.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String secret = exchange.getRequestHeaders().getFirst(secretHeader);
      byte[] out = a.body().replace("$SECRET", String.valueOf(secret)).getBytes(StandardCharsets.UTF_8);
      try {
        exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
          exchange.getResponseBody().write(out);
        }
      } catch (IOException e) {
        // The client gave up waiting (a timeout): nothing to answer.
      }
      exchange.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public List<String> keys() {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> out.add(r.header("Idempotency-Key")));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
