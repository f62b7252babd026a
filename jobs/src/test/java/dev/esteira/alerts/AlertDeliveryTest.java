package dev.esteira.alerts;

import static org.junit.jupiter.api.Assertions.*;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.config.Json;
import dev.esteira.testing.Receiver;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alert delivery against a real HTTP receiver and a real SMTP server (GreenMail), both on loopback, and
 * real Delta tables: one delivery per event, a rerun sending nothing, a receiver that fails then answers,
 * one that is too slow, one that is down, one that refuses; and the secret nowhere but in the request.
 */
class AlertDeliveryTest {
  static final String SECRET = "s3cr3t-token-0f-the-test";
  static final String MAIL_PASSWORD = "mail-pa55word-of-the-test";
  static final Map<String, String> ENV = Map.of("TEST_HOOK_SECRET", SECRET, "TEST_MAIL_USER", "esteira",
      "TEST_MAIL_PASSWORD", MAIL_PASSWORD);

  Lakehouse lake;
  final List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<Receiver> receivers = new ArrayList<>();
  GreenMail smtp;

  @BeforeEach
  void lakehouse() {
    lake = TestSpark.freshLakehouse("alerts");
  }

  @AfterEach
  void stop() {
    receivers.forEach(Receiver::close);
    if (smtp != null) {
      smtp.stop();
    }
  }

  Receiver receiver(Receiver.Answer... answers) {
    Receiver r = new Receiver("X-Esteira-Token", answers);
    receivers.add(r);
    return r;
  }

  Alerts alerts(Map<String, EsteiraConfig.Channel> channels, Integer maxAttempts) {
    EsteiraConfig.Alerts config = new EsteiraConfig.Alerts(channels,
        List.of(new EsteiraConfig.Route(null, null, null, null, List.copyOf(channels.keySet()))), maxAttempts);
    return new Alerts(lake, config, progress::add, ENV::get);
  }

  static List<AlertEvent> night(String batch) {
    return List.of(
        AlertEvent.drift(null, "loans", "dataset:loans", batch, "drift in dataset:loans.income batch " + batch + ": psi=0.41"),
        AlertEvent.decay("loan_default", 2, batch, true, "auc_roc", "realized decay of loan_default v2 on batch " + batch));
  }

  List<Deliveries.Delivery> rows() {
    return new Deliveries(lake).all().stream()
        .sorted(java.util.Comparator.comparing(Deliveries.Delivery::eventId).thenComparing(Deliveries.Delivery::channel)
            .thenComparingInt(Deliveries.Delivery::attempt))
        .toList();
  }

  @Test
  void eachEventIsDeliveredOnceByWebhookAndMailAndARerunSendsNothing() throws Exception {
    Receiver hook = receiver();
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("esteira", MAIL_PASSWORD));
    smtp.start();
    Map<String, EsteiraConfig.Channel> channels = new LinkedHashMap<>();
    channels.put("chat", ChannelTest.webhook(hook.url(), 5, 0));
    channels.put("ops-mail", new EsteiraConfig.Channel("mail", null, null, null, null, 5.0, 0, null, "127.0.0.1",
        smtp.getSmtp().getPort(), false, "TEST_MAIL_USER", "TEST_MAIL_PASSWORD", "esteira@example.org",
        List.of("oncall@example.org")));
    List<AlertEvent> events = night("day-07");

    Alerts.Report first = alerts(channels, null).raise(events);

    assertEquals(4, first.sent(), progress.toString());
    // The receiver saw each event once, keyed by its id, with the secret and a body chat tools show.
    assertEquals(events.stream().map(AlertEvent::id).sorted().toList(), hook.keys().stream().sorted().toList());
    for (Receiver.Request r : hook.requests) {
      assertEquals(SECRET, r.header("X-Esteira-Token"));
      assertEquals(r.header("Idempotency-Key"), r.header("X-Esteira-Event"));
      @SuppressWarnings("unchecked")
      Map<String, Object> body = Json.read(r.body(), Map.class);
      AlertEvent sent = events.stream().filter(e -> e.id().equals(r.header("Idempotency-Key"))).findFirst().orElseThrow();
      assertTrue(((String) body.get("text")).contains(sent.summary()), r.body());
      assertEquals(sent.kind().label(), ((Map<?, ?>) body.get("event")).get("kind"));
    }
    assertTrue(smtp.waitForIncomingEmail(5000, 2));
    MimeMessage[] mails = smtp.getReceivedMessages();
    assertEquals(2, mails.length);
    List<String> mailIds = new ArrayList<>();
    for (MimeMessage m : mails) {
      mailIds.add(m.getHeader("Idempotency-Key")[0]);
      assertEquals("<" + m.getHeader("Idempotency-Key")[0] + "@esteira>", m.getMessageID());
      assertEquals("oncall@example.org", m.getAllRecipients()[0].toString());
    }
    assertEquals(events.stream().map(AlertEvent::id).sorted().toList(), mailIds.stream().sorted().toList());
    // Every (event, channel): the pending record, then the sent attempt.
    List<String> statuses = rows().stream().map(d -> d.channel() + "#" + d.attempt() + "=" + d.status()).toList();
    assertEquals(List.of("chat#0=pending", "chat#1=sent", "ops-mail#0=pending", "ops-mail#1=sent",
        "chat#0=pending", "chat#1=sent", "ops-mail#0=pending", "ops-mail#1=sent"), statuses);

    // The same night again (a rerun decides the same things, at another moment): nothing new is sent.
    long tableVersion = lake.currentVersion(AlertTables.DELIVERIES);
    Alerts.Report again = alerts(channels, null).raise(night("day-07"));
    assertEquals(0, again.sent());
    assertEquals(2, hook.requests.size());
    assertEquals(2, smtp.getReceivedMessages().length);
    assertEquals(tableVersion, lake.currentVersion(AlertTables.DELIVERIES), "a rerun writes nothing");
    assertNoSecretAnywhere();
  }

  @Test
  void aDeliveryLeftPendingByADownReceiverIsSentByTheNextRunOnceAndARefusalIsFailed() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<AlertEvent> tonight = night("day-10");
    Map<String, EsteiraConfig.Channel> down = Map.of("chat", ChannelTest.webhook("http://127.0.0.1:" + closedPort + "/hook", 2, 1));

    Alerts.Report r = alerts(down, 3).raise(tonight);
    assertEquals(2, r.pending());
    assertEquals(List.of("pending", "pending"), new Alerts(lake, null, progress::add).states().stream()
        .map(Deliveries.State::state).toList());

    // The receiver is back (at another address, as after a fix of the configuration). The next night
    // raises its own event and delivers what the last one left pending: each once. One answer is a
    // 400, which is failed at once and left alone by later runs until `alerts retry --failed`.
    Receiver hook = receiver(new Receiver.Answer(400, "bad request for $SECRET", 0), new Receiver.Answer(200, "ok", 0));
    Map<String, EsteiraConfig.Channel> up = Map.of("chat", ChannelTest.webhook(hook.url(), 2, 1));
    AlertEvent tomorrow = night("day-11").get(0);
    Alerts.Report next = alerts(up, 3).raise(List.of(tomorrow));
    assertEquals(2, next.sent());
    assertEquals(1, next.failed());
    assertEquals(3, hook.requests.size());
    assertEquals(List.of(tonight.get(0).id(), tonight.get(1).id(), tomorrow.id()).stream().sorted().toList(),
        hook.keys().stream().sorted().toList());
    assertEquals(List.of("failed", "sent", "sent"),
        new Alerts(lake, null, progress::add).states().stream().map(Deliveries.State::state).sorted().toList());
    assertEquals(0, alerts(up, 3).retry(false).sent());
    assertEquals(1, alerts(up, 10).retry(true).sent());
    assertEquals(4, hook.requests.size());
    assertNoSecretAnywhere();
  }

  @Test
  void noRouteOrNoEnabledChannelRecordsAndSendsNothing() {
    Receiver hook = receiver();
    EsteiraConfig.Channel off = new EsteiraConfig.Channel("webhook", false, hook.url(), null, null, null, null, null,
        null, null, null, null, null, null, null);
    Alerts alerts = alerts(Map.of("chat", off), null);
    assertFalse(alerts.active());
    assertEquals(0, alerts.raise(night("day-11")).sent());
    assertEquals(0, hook.requests.size());
    assertFalse(lake.exists(AlertTables.DELIVERIES), "nothing recorded");
  }

  /** The secret is in no progress line, no cell of the deliveries table and no file of the lakehouse's log. */
  void assertNoSecretAnywhere() throws IOException {
    for (String line : progress) {
      assertFalse(line.contains(SECRET) || line.contains(MAIL_PASSWORD), line);
    }
    for (Row row : lake.read(AlertTables.DELIVERIES).collectAsList()) {
      for (int i = 0; i < row.length(); i++) {
        String cell = String.valueOf(row.get(i));
        assertFalse(cell.contains(SECRET) || cell.contains(MAIL_PASSWORD), cell);
      }
    }
    Path root = Path.of(lake.root().replaceFirst("^file:", ""));
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(SECRET) || text.contains(MAIL_PASSWORD), f.toString());
      }
    }
  }
}
