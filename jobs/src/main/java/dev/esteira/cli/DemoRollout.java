package dev.esteira.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.esteira.ct.Rollouts;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.Stage;
import dev.esteira.registry.Transition;
import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a night's rollout look did, in the demo's loop column: the move as the registry's log holds it
 * (a widening's tag, a promotion's or rollback's stage change, with the bound that decided among its gate
 * results) or, when it waited or held, the challenge step's own output. Every number is read from those,
 * none recomputed. Plain Java, so the wording is tested without Spark.
 */
final class DemoRollout {
  private DemoRollout() {}

  /**
   * The night's rollout in a few words, or empty when the challenge step was no rollout look.
   *
   * @param output the challenge step's output (JSON, from {@code workflow_runs})
   * @param log the model's transitions
   * @param from when the challenge step started
   * @param to when it ended
   */
  static Optional<String> describe(JsonNode output, List<Transition> log, Timestamp from, Timestamp to) {
    if (output == null || !output.hasNonNull("experiment")) {
      return Optional.empty();
    }
    String state = output.path("state").asText();
    int challenger = output.path("challenger").asInt();
    String share = percent(output.path("share").asDouble());
    String v = "v" + challenger;
    Optional<Transition> move = log.stream()
        .filter(t -> t.accepted() || t.kind() == Transition.Kind.STAGE)
        .filter(t -> t.version() == challenger && Rollouts.ACTOR.equals(t.actor()))
        .filter(t -> t.kind() == Transition.Kind.TAG || t.kind() == Transition.Kind.STAGE)
        .filter(t -> !t.at().before(from) && !t.at().after(to))
        .findFirst();
    switch (state) {
      case "waiting" -> {
        return Optional.of(v + " canary at " + share + ": waiting, " + output.path("labelled").asLong() + " labelled rows");
      }
      case "held" -> {
        return Optional.of(String.format(Locale.ROOT, "%s canary at %s: held, [%+.4f, %+.4f] on %d rows", v, share,
            output.path("lower").asDouble(), output.path("upper").asDouble(), output.path("labelled").asLong()));
      }
      default -> { }
    }
    if (move.isEmpty()) {
      return Optional.of(v + " canary at " + share + ": " + state);
    }
    Transition t = move.get();
    GateResult bound = t.gates().stream().filter(g -> g.check().startsWith("rollout ") && g.threshold() != null)
        .filter(g -> g.check().contains("bound")).findFirst().orElse(null);
    long rows = t.gates().stream().filter(g -> g.check().equals(Rollouts.LABELLED_ROWS))
        .mapToLong(g -> Math.round(g.value())).findFirst().orElse(-1);
    String evidence = bound == null ? "" : String.format(Locale.ROOT, ": %s %+.4f %s %s on %d rows",
        bound.check().contains("upper") ? "upper" : "lower", bound.value(),
        bound.check().contains("upper") ? "<" : ">", number(bound.threshold()), rows);
    if (t.kind() == Transition.Kind.TAG) {
      return Optional.of(v + " canary " + share + " -> " + t.value() + "%" + evidence);
    }
    if (t.toStage() == Stage.PRODUCTION) {
      return Optional.of(t.accepted() ? v + " promoted by the canary at " + share + evidence
          : v + " refused by the production gates at " + share);
    }
    return Optional.of(v + " rolled back at " + share + evidence);
  }

  static String percent(double share) {
    return (share == Math.rint(share) ? String.valueOf((long) share) : String.format(Locale.ROOT, "%.2f", share)) + "%";
  }

  private static String number(double d) {
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%s", d);
  }
}
