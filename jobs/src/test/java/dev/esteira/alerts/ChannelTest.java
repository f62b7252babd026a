package dev.esteira.alerts;

import static org.junit.jupiter.api.Assertions.*;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.config.Json;
import dev.esteira.testing.Receiver;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channels and their retries, without Spark, against a real HTTP receiver and a real SMTP server
 * (GreenMail) on loopback: a receiver that fails then answers, one too slow, one down, one that refuses;
 * mail with a login, and a refused login. Every try's row is what {@link Alerts} would record.
 */
class ChannelTest {
  static final String SECRET = "s3cr3t-token-0f-the-channel-test";
  static final String MAIL_PASSWORD = "mail-pa55word-of-the-channel-test";
  static final Map<String, String> ENV = Map.of("TEST_HOOK_SECRET", SECRET, "TEST_MAIL_USER", "esteira",
      "TEST_MAIL_PASSWORD", MAIL_PASSWORD, "WRONG_PASSWORD", "not-the-pa55word");

  final List<String> progress = new ArrayList<>();
  final Secrets secrets = new Secrets(ENV::get);
  final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  Receiver receiver(Receiver.Answer... answers) {
    Receiver r = new Receiver("X-Esteira-Token", answers);
    servers.add(r);
    return r;
  }

  static EsteiraConfig.Channel webhook(String url, double timeout, int retries) {
    return new EsteiraConfig.Channel("webhook", null, url, "X-Esteira-Token", "TEST_HOOK_SECRET", timeout, retries, 0.05,
        null, null, null, null, null, null, null);
  }

  static final AlertEvent EVENT =
      AlertEvent.drift("loan_default", "loans", "dataset:loans", "day-04", "drift in dataset:loans.income batch day-04: psi=0.41");

  List<Deliveries.Delivery> deliver(String name, EsteiraConfig.Channel c, int triedBefore, int allowed) {
    Channel channel = "mail".equals(c.type()) ? new MailChannel(name, c, secrets) : new WebhookChannel(name, c, secrets);
    Deliveries.Delivery pending = Deliveries.Delivery.pending(EVENT, name, Timestamp.from(Instant.now()));
    return Alerts.attempts(channel, c, pending, triedBefore, allowed, secrets, progress::add);
  }

  static List<String> statuses(List<Deliveries.Delivery> rows) {
    return rows.stream().map(d -> d.attempt() + "=" + d.status()).toList();
  }

  @Test
  void theReceiverGetsTheEventAsChatTextAndFactsWithTheSecretAndTheIdempotencyKey() {
    Receiver hook = receiver();
    List<Deliveries.Delivery> rows = deliver("chat", webhook(hook.url(), 5, 0), 0, 10);
    assertEquals(List.of("1=sent"), statuses(rows));
    assertEquals("HTTP 200: ok", rows.get(0).response());
    Receiver.Request r = hook.requests.get(0);
    assertEquals(EVENT.id(), r.header("Idempotency-Key"));
    assertEquals(SECRET, r.header("X-Esteira-Token"));
    assertTrue(r.header("Content-Type").startsWith("application/json"));
    @SuppressWarnings("unchecked")
    Map<String, Object> body = Json.read(r.body(), Map.class);
    assertEquals("[esteira warning] drift: dataset:loans batch day-04\n" + EVENT.summary(), body.get("text"));
    assertEquals(EVENT.facts().get("batch"), ((Map<?, ?>) body.get("event")).get("batch"));
    assertEquals(EVENT.id(), ((Map<?, ?>) body.get("event")).get("id"));
  }

  @Test
  void aReceiverThatFailsThenAnswersSeesTheSameKeyTwiceAndItsEchoOfTheSecretIsNotKept() {
    Receiver hook = receiver(new Receiver.Answer(500, "upstream broken, got token $SECRET", 0),
        new Receiver.Answer(503, "", 0), new Receiver.Answer(200, "ok", 0));
    List<Deliveries.Delivery> rows = deliver("chat", webhook(hook.url(), 5, 2), 0, 10);
    assertEquals(List.of("1=error", "2=error", "3=sent"), statuses(rows));
    assertEquals(List.of(EVENT.id(), EVENT.id(), EVENT.id()), hook.keys());
    assertEquals("HTTP 500: upstream broken, got token ***", rows.get(0).response());
    assertEquals("HTTP 503", rows.get(1).response());
    assertNoSecret(rows);
  }

  @Test
  void aSlowReceiverIsCutAtTheTimeoutAndTheDeliveryStaysPending() {
    Receiver hook = receiver(new Receiver.Answer(200, "late", 3000));
    long start = System.nanoTime();
    List<Deliveries.Delivery> rows = deliver("chat", webhook(hook.url(), 0.4, 1), 0, 10);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 2.0, "two tries of 0.4 s and a pause of 0.05 s took " + seconds + " s");
    assertEquals(List.of("1=error", "2=error"), statuses(rows));
    assertEquals("no answer within 0.4 s", rows.get(1).response());
    assertTrue(progress.get(1).contains("stays pending"), progress.toString());
  }

  @Test
  void aReceiverThatIsDownIsAnErrorAndTheLastAllowedAttemptIsFailed() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<Deliveries.Delivery> rows = deliver("chat", webhook("http://127.0.0.1:" + closedPort + "/hook", 2, 2), 7, 9);
    // Attempts 8 and 9 of 9 allowed: the ninth gives up, and no third try is made.
    assertEquals(List.of("8=error", "9=failed"), statuses(rows));
    assertTrue(rows.get(0).response().startsWith("cannot connect to 127.0.0.1:" + closedPort), rows.get(0).response());
  }

  @Test
  void aRefusalIsFailedAtOnceAndAMissingSecretIsAnErrorThatNamesOnlyTheVariable() {
    Receiver hook = receiver(new Receiver.Answer(400, "bad request", 0));
    assertEquals(List.of("1=failed"), statuses(deliver("chat", webhook(hook.url(), 5, 3), 0, 10)));
    assertEquals(1, hook.requests.size());
    EsteiraConfig.Channel unset = new EsteiraConfig.Channel("webhook", null, hook.url(), "X-Esteira-Token", "UNSET_VARIABLE",
        5.0, 0, 0.0, null, null, null, null, null, null, null);
    List<Deliveries.Delivery> rows = deliver("chat", unset, 0, 10);
    assertEquals(List.of("1=error"), statuses(rows));
    assertEquals("not sent: environment variable UNSET_VARIABLE (the value of X-Esteira-Token) is not set",
        rows.get(0).response());
    assertEquals(1, hook.requests.size(), "nothing sent without its secret");
  }

  @Test
  void mailGoesThroughARealSmtpServerWithTheLoginAndTheEventIdAsMessageId() throws Exception {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("esteira", MAIL_PASSWORD));
    smtp.start();
    servers.add(smtp::stop);
    int port = smtp.getSmtp().getPort();
    EsteiraConfig.Channel mail = new EsteiraConfig.Channel("mail", null, null, null, null, 5.0, 0, null, "127.0.0.1", port,
        false, "TEST_MAIL_USER", "TEST_MAIL_PASSWORD", "esteira@example.org", List.of("oncall@example.org", "ml@example.org"));
    assertEquals(List.of("1=sent"), statuses(deliver("ops-mail", mail, 0, 10)));
    assertTrue(smtp.waitForIncomingEmail(5000, 2));
    MimeMessage[] got = smtp.getReceivedMessages();
    assertEquals(2, got.length, "one message, two recipients");
    assertEquals("<" + EVENT.id() + "@esteira>", got[0].getMessageID());
    assertEquals(EVENT.id(), got[0].getHeader("Idempotency-Key")[0]);
    assertEquals("[esteira warning] drift: dataset:loans batch day-04", got[0].getSubject());
    assertTrue(String.valueOf(got[0].getContent()).startsWith(EVENT.summary()));

    EsteiraConfig.Channel wrong = new EsteiraConfig.Channel("mail", null, null, null, null, 5.0, 0, null, "127.0.0.1", port,
        false, "TEST_MAIL_USER", "WRONG_PASSWORD", "esteira@example.org", List.of("oncall@example.org"));
    List<Deliveries.Delivery> refused = deliver("ops-mail", wrong, 0, 10);
    assertEquals(List.of("1=error"), statuses(refused));
    assertEquals("SMTP login refused by 127.0.0.1:" + port, refused.get(0).response());
    assertEquals(2, smtp.getReceivedMessages().length);
    assertNoSecret(refused);
  }

  void assertNoSecret(List<Deliveries.Delivery> rows) {
    List<String> texts = new ArrayList<>(progress);
    rows.forEach(r -> texts.add(r.toString()));
    for (String t : texts) {
      for (String secret : ENV.values()) {
        if (secret.length() > 8) {
          assertFalse(t.contains(secret), t);
        }
      }
    }
  }
}
