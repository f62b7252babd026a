package dev.esteira.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of one model's versions, derived by replaying its log ({@code model_transitions}) in commit
 * order: the last accepted stage change of each version gives its stage, the last accepted alias change
 * of each alias gives its holder, and likewise for tags and descriptions. Refused rows change nothing.
 * Plain Java, so the invariants (at most one version in production, one holder per alias) are checked
 * on any prefix of the log by tests.
 */
public final class RegistryState {
  private final long lastSeq;
  private final Map<Integer, Stage> stages = new HashMap<>();
  private final Map<String, Integer> aliases = new TreeMap<>();
  private final Map<Integer, Map<String, String>> tags = new HashMap<>();
  private final Map<Integer, String> descriptions = new HashMap<>();

  private RegistryState(List<Transition> log) {
    List<Transition> ordered = new ArrayList<>(log);
    ordered.sort(Comparator.comparingLong(Transition::seq).thenComparingInt(Transition::ordinal));
    long last = 0;
    for (Transition t : ordered) {
      last = Math.max(last, t.seq());
      if (!t.accepted()) {
        continue;
      }
      switch (t.kind()) {
        case STAGE -> stages.put(t.version(), t.toStage());
        case ALIAS -> aliases.put(t.name(), t.version());
        case ALIAS_REMOVED -> aliases.remove(t.name(), t.version());
        case TAG -> tags.computeIfAbsent(t.version(), k -> new TreeMap<>()).put(t.name(), t.value());
        case TAG_REMOVED -> tags.getOrDefault(t.version(), new HashMap<>()).remove(t.name());
        case DESCRIPTION -> descriptions.put(t.version(), t.value());
      }
    }
    this.lastSeq = last;
  }

  public static RegistryState replay(List<Transition> log) {
    return new RegistryState(log);
  }

  /** The sequence number of the model's last commit to the log (0 for none); the next commit takes +1. */
  public long lastSeq() {
    return lastSeq;
  }

  public Stage stage(int version) {
    return stages.getOrDefault(version, Stage.NONE);
  }

  /** Every version whose stage the log set, and that stage, by version. */
  public Map<Integer, Stage> stages() {
    return new TreeMap<>(stages);
  }

  /** Versions in production: at most one when the log was written by {@link Registry}. */
  public List<Integer> inProduction() {
    return stages.entrySet().stream()
        .filter(e -> e.getValue() == Stage.PRODUCTION)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  public Optional<Integer> holder(String alias) {
    return Optional.ofNullable(aliases.get(alias));
  }

  /** Every alias and the version it points at. */
  public Map<String, Integer> aliases() {
    return new LinkedHashMap<>(aliases);
  }

  public List<String> aliasesOf(int version) {
    return aliases.entrySet().stream().filter(e -> e.getValue() == version).map(Map.Entry::getKey).toList();
  }

  /** The version's tags (empty when it has none). */
  public Map<String, String> tags(int version) {
    return new TreeMap<>(tags.getOrDefault(version, Map.of()));
  }

  /** The version's description, if one was set. */
  public Optional<String> description(int version) {
    return Optional.ofNullable(descriptions.get(version));
  }

  /** A registered version with its state applied. */
  ModelVersion apply(ModelVersion registered) {
    int v = registered.version();
    return registered.withState(
        stage(v), aliasesOf(v), tags.getOrDefault(v, Map.of()), descriptions.get(v));
  }
}
