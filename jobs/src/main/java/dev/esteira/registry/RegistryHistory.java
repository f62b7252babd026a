package dev.esteira.registry;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who served when: the periods of a model's life during which the same version was in production and
 * the same versions held its aliases. Each period starts at the commit of the log that changed one of
 * them; its state is {@link RegistryState#replay} of the log up to and including that commit, the same
 * replay that gives the current state, so the last period is the state {@code registry show} reports.
 */
public record RegistryHistory(String model, List<Period> periods) {

  /**
   * From {@code from} (the instant of the commit {@code seq}) until the next period: the version in
   * production (null: none), every alias and its holder, the other versions' stages, and the accepted
   * rows of the commit that opened the period.
   */
  public record Period(Instant from, long seq, Integer production, Map<String, Integer> aliases,
      Map<Integer, Stage> stages, List<Transition> changes) {
    public Period {
      aliases = Map.copyOf(aliases);
      stages = Map.copyOf(stages);
      changes = List.copyOf(changes);
    }
  }

  public RegistryHistory {
    periods = List.copyOf(periods);
  }

  /** The periods of a model's log (rows of other models must not be in it). */
  public static RegistryHistory of(String model, List<Transition> log) {
    List<Transition> ordered = new ArrayList<>(log);
    ordered.sort(Comparator.comparingLong(Transition::seq).thenComparingInt(Transition::ordinal));
    List<Period> periods = new ArrayList<>();
    Integer production = null;
    Map<String, Integer> aliases = Map.of();
    for (int i = 0; i < ordered.size(); ) {
      long seq = ordered.get(i).seq();
      int end = i;
      while (end < ordered.size() && ordered.get(end).seq() == seq) {
        end++;
      }
      RegistryState state = RegistryState.replay(ordered.subList(0, end));
      Integer nowInProduction = state.inProduction().isEmpty() ? null : state.inProduction().get(0);
      Map<String, Integer> nowAliases = state.aliases();
      if (!Objects.equals(nowInProduction, production) || !nowAliases.equals(aliases)) {
        List<Transition> changes = ordered.subList(i, end).stream()
            .filter(t -> t.accepted() && (t.kind() == Transition.Kind.STAGE || t.kind() == Transition.Kind.ALIAS
                || t.kind() == Transition.Kind.ALIAS_REMOVED))
            .toList();
        periods.add(new Period(ordered.get(i).at().toInstant(), seq, nowInProduction, nowAliases, state.stages(),
            changes));
        production = nowInProduction;
        aliases = nowAliases;
      }
      i = end;
    }
    return new RegistryHistory(model, periods);
  }

  /** The period in force at {@code time}; empty before the first one (nothing was in production yet). */
  public Optional<Period> at(Instant time) {
    Period found = null;
    for (Period p : periods) {
      if (!p.from().isAfter(time)) {
        found = p;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The log's state at {@code time}: the replay of the rows written at or before that instant (a
   * commit's rows share one instant, so no commit is cut in half).
   */
  static RegistryState stateAt(List<Transition> log, Instant time) {
    Timestamp by = Timestamp.from(time);
    return RegistryState.replay(log.stream().filter(t -> !t.at().after(by)).toList());
  }

  /** Versions by stage, for a listing: {@code {production=[2], staging=[3]}} (none left out). */
  public static Map<String, List<Integer>> byStage(Map<Integer, Stage> stages) {
    Map<String, List<Integer>> out = new TreeMap<>();
    stages.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .filter(e -> e.getValue() != Stage.NONE)
        .forEach(e -> out.computeIfAbsent(e.getValue().label(), k -> new ArrayList<>()).add(e.getKey()));
    return out;
  }
}
