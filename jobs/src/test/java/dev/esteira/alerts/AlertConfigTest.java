package dev.esteira.alerts;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.config.ConfigException;
import dev.esteira.config.ConfigLoader;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.workflow.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts section as it loads (overlays, checks), events' ids and routes, and fail_on_alert: no Spark. */
class AlertConfigTest {
  static final Path CONF = Paths.get(System.getProperty("esteira.project.root", "..")).resolve("conf");

  @TempDir Path dir;

  Path conf(String alertsOfBase, String devOverlay) throws IOException {
    Files.createDirectories(dir.resolve("env"));
    String base = Files.readString(CONF.resolve("esteira.yaml"));
    base = base.substring(0, base.indexOf("alerts:")) + alertsOfBase;
    Files.writeString(dir.resolve("esteira.yaml"), base);
    Files.writeString(dir.resolve("env/dev.yaml"), devOverlay);
    return dir;
  }

  static final String CHANNELS = """
      alerts:
        channels:
          chat: {type: webhook, url: "http://127.0.0.1:9/hook", secret_header: X-Token, secret_env: HOOK_TOKEN}
          mail: {type: mail, host: 127.0.0.1, port: 25, from: a@example.org, to: [b@example.org]}
        routes:
          - {channels: [chat, mail]}
      """;

  static Alerts alerts(EsteiraConfig c) {
    return new Alerts(null, c.alerts(), m -> {}, name -> null);
  }

  @Test
  void theShippedEnvironmentsRouteNothingInDevChatInStagingAndMailOnlyForCriticalInProd() {
    AlertEvent drift = AlertEvent.drift(null, "loans", "dataset:loans", "day-01", "drift");
    AlertEvent decay = AlertEvent.decay("loan_default", 1, "day-01", true, "auc_roc", "decay");
    assertFalse(alerts(ConfigLoader.load(CONF, "dev")).active());
    assertFalse(alerts(ConfigLoader.load(CONF, null)).active());
    Alerts staging = alerts(ConfigLoader.load(CONF, "staging"));
    assertEquals(List.of(), staging.channelsFor(drift));
    assertEquals(List.of("ops-chat"), staging.channelsFor(decay));
    Alerts prod = alerts(ConfigLoader.load(CONF, "prod"));
    assertEquals(List.of("ops-chat"), prod.channelsFor(drift));
    assertEquals(List.of("ops-chat", "ops-mail"), prod.channelsFor(decay));
  }

  @Test
  void anOverlayDisablesAChannelByNameAndReplacesRoutesWhole() throws IOException {
    Path c = conf(CHANNELS, "alerts:\n  channels:\n    mail: {enabled: false}\n");
    AlertEvent e = AlertEvent.stepFailed("nightly", "nightly-abc", 1, "drift", "boom");
    assertEquals(List.of("chat", "mail"), alerts(ConfigLoader.load(c, null)).channelsFor(e));
    assertEquals(List.of("chat"), alerts(ConfigLoader.load(c, "dev")).channelsFor(e));
    Path r = conf(CHANNELS, "alerts:\n  routes:\n    - {kinds: [decay], channels: [mail]}\n");
    assertEquals(List.of(), alerts(ConfigLoader.load(r, "dev")).channelsFor(e));
  }

  @Test
  void routesFilterByKindSeverityModelAndDataset() throws IOException {
    Path c = conf("""
        alerts:
          channels:
            a: {type: webhook, url: "http://127.0.0.1:9/a"}
            b: {type: webhook, url: "http://127.0.0.1:9/b"}
            c: {type: webhook, url: "http://127.0.0.1:9/c"}
          routes:
            - {kinds: [drift], datasets: [loans], channels: [a]}
            - {min_severity: critical, channels: [b]}
            - {models: [loan_default], channels: [c, a]}
        """, "");
    Alerts a = alerts(ConfigLoader.load(c, null));
    assertEquals(List.of("a"), a.channelsFor(AlertEvent.drift(null, "loans", "dataset:loans", "d1", "x")));
    assertEquals(List.of(), a.channelsFor(AlertEvent.drift(null, "houses", "dataset:houses", "d1", "x")));
    assertEquals(List.of("a", "c"), a.channelsFor(AlertEvent.drift("loan_default", "loans", "model:loan_default:v1", "d1", "x")));
    assertEquals(List.of("b"), a.channelsFor(AlertEvent.decay("other", 3, "d1", true, "rmse", "x")));
    assertEquals(List.of(), a.channelsFor(AlertEvent.decay("other", 3, "d1", false, "rmse", "x")), "estimated: a warning");
    assertEquals(List.of("b", "c", "a"), a.channelsFor(AlertEvent.decay("loan_default", 3, "d1", true, "auc_roc", "x")));
  }

  @Test
  void badAlertKeysFailAsTheyLoadNamingFileAndKey() throws IOException {
    Map<String, String> cases = Map.of(
        "alerts:\n  routes:\n    - {kinds: [drfit], channels: [chat]}\n  channels:\n    chat: {type: webhook, url: \"http://h/x\"}\n",
        "alerts.routes[0].kinds: unknown kind 'drfit'",
        "alerts:\n  routes:\n    - {channels: [chatt]}\n  channels:\n    chat: {type: webhook, url: \"http://h/x\"}\n",
        "alerts.routes[0].channels: unknown channel 'chatt' (channels: chat)",
        "alerts:\n  channels:\n    m: {type: mail, port: 25, from: a@b.c, to: [d@e.f]}\n",
        "missing required key 'alerts.channels.m.host'",
        "alerts:\n  channels:\n    w: {type: webhook, url: \"http://h/x\", secret_header: X-T, secret_env: \"hunter2 is the token\"}\n",
        "alerts.channels.w.secret_env must name an environment variable",
        "alerts:\n  channels:\n    w: {type: webhook, url: \"ftp://h/x\"}\n",
        "alerts.channels.w.url must be an http:// or https:// URL",
        "alerts:\n  channels:\n    w: {type: webhook, url: \"http://h/x\", host: smtp}\n",
        "alerts.channels.w: host, port, starttls, username_env, password_env, from and to are for mail channels",
        "alerts:\n  channels:\n    w: {type: pager}\n",
        "alerts.channels.w.type must be webhook or mail, got 'pager'",
        "alerts:\n  channels:\n    w: {type: webhook, url: \"http://h/x\", timeout_seconds: 0}\n",
        "alerts.channels.w.timeout_seconds must be in (0, 600], got 0.0",
        "alerts:\n  max_attempts: 0\n",
        "alerts.max_attempts must be at least 1, got 0",
        "alerts:\n  channels:\n    w: {type: webhook, url: \"http://h/x\", secret: abc}\n",
        "unknown key 'alerts.channels.w.secret'");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path conf = conf("", c.getKey());
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, "dev"), c.getKey());
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
      assertTrue(e.getMessage().contains("dev.yaml"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void anEventsIdDependsOnWhatWasDecidedNeverOnWhen() throws InterruptedException {
    AlertEvent a = AlertEvent.drift(null, "loans", "dataset:loans", "day-01", "psi=0.3");
    Thread.sleep(5);
    AlertEvent again = AlertEvent.drift(null, "loans", "dataset:loans", "day-01", "psi=0.3 (rerun)");
    assertEquals(a.id(), again.id());
    assertNotEquals(a.decidedAt(), again.decidedAt());
    assertNotEquals(a.id(), AlertEvent.drift(null, "loans", "dataset:loans", "day-02", "x").id());
    assertNotEquals(a.id(), AlertEvent.drift(null, "loans", "model:loan_default:v1", "day-01", "x").id());
    // Parts are separated, so moving text from one part to the next makes another id.
    assertNotEquals(AlertEvent.stepFailed("w", "r 1", 1, "s", "e").id(), AlertEvent.stepFailed("w r", "1", 1, "s", "e").id());
    assertNotEquals(AlertEvent.stepFailed("w", "r", 1, "s", "e").id(), AlertEvent.stepFailed("w", "r", 2, "s", "e").id());
    assertEquals(AlertEvent.stepFailed("w", "r", 1, "s", "e").id(), AlertEvent.stepFailed("w", "r", 1, "s", "other error").id());
    assertNotEquals(AlertEvent.decay("m", 1, "b", true, "auc_roc", "x").id(), AlertEvent.decay("m", 1, "b", false, "auc_roc", "x").id());
    assertTrue(a.id().matches("drift-[0-9a-f]{24}"), a.id());
    assertEquals(a, AlertEvent.fromFacts(a.facts()));
  }

  @Test
  void theKindsTheConfigurationAcceptsAreTheEventKinds() {
    assertEquals(EsteiraConfig.Alerts.KINDS, Arrays.stream(AlertEvent.Kind.values()).map(AlertEvent.Kind::label).toList());
    assertEquals(EsteiraConfig.Alerts.SEVERITIES,
        Arrays.stream(AlertEvent.Severity.values()).map(AlertEvent.Severity::label).toList());
  }

  @Test
  void failOnAlertIsTrueOrAListOfKindsCheckedAsTheWorkflowLoads() throws IOException {
    Path wf = dir.resolve("w.yaml");
    Files.writeString(wf, """
        name: w
        steps:
          - {id: a, job: drift, fail_on_alert: true}
          - {id: b, job: drift, fail_on_alert: [decay, drift]}
          - {id: c, job: drift}
        """);
    List<WorkflowSpec.Step> steps = WorkflowSpec.load(wf).steps();
    assertEquals(EsteiraConfig.Alerts.KINDS, steps.get(0).failOnKinds());
    assertEquals(List.of("decay", "drift"), steps.get(1).failOnKinds());
    assertEquals(List.of(), steps.get(2).failOnKinds());
    Files.writeString(wf, "name: w\nsteps:\n  - {id: a, job: drift, fail_on_alert: [drfit]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> WorkflowSpec.load(wf));
    assertTrue(e.getMessage().contains("step 'a': fail_on_alert: unknown alert kind 'drfit'"), e.getMessage());
  }
}
