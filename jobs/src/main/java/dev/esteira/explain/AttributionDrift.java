package dev.esteira.explain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a model leans on its features differently on recent labelled data than on its holdout. A
 * column's share is its permutation importance (negative values as 0) over the sum of all columns'; the
 * columns watched are the top {@code top} of either side. Drift when a watched column's rank moves by more
 * than {@code maxRankShift} places or its share by more than {@code maxShareChange} (absolute).
 */
public final class AttributionDrift {
  private AttributionDrift() {}

  /** One watched column: its rank and share on each side. */
  public record Move(String column, int referenceRank, int recentRank, double referenceShare, double recentShare,
      boolean beyond) {
    public String evidence() {
      return String.format(Locale.ROOT, "%s rank %d→%d, share %.2f→%.2f", column, referenceRank, recentRank,
          referenceShare, recentShare);
    }
  }

  public record Verdict(boolean drift, List<Move> moves) {
    /** The watched columns that moved beyond a bound, in words. */
    public String evidence() {
      return moves.stream().filter(Move::beyond).map(Move::evidence).collect(Collectors.joining("; "));
    }
  }

  /** A column's importance and rank, whatever they were stored as. */
  public record Ranked(String column, double importance, int rank) {}

  public static Verdict compare(List<Ranked> reference, List<Ranked> recent, int top, int maxRankShift,
      double maxShareChange) {
    Map<String, Ranked> ref = byColumn(reference);
    Map<String, Ranked> now = byColumn(recent);
    Map<String, Double> refShare = shares(reference);
    Map<String, Double> nowShare = shares(recent);
    Set<String> watched = new LinkedHashSet<>();
    reference.stream().filter(r -> r.rank() <= top).forEach(r -> watched.add(r.column()));
    recent.stream().filter(r -> r.rank() <= top).forEach(r -> watched.add(r.column()));
    List<Move> moves = new ArrayList<>();
    boolean drift = false;
    for (String c : watched) {
      int a = ref.containsKey(c) ? ref.get(c).rank() : reference.size() + 1;
      int b = now.containsKey(c) ? now.get(c).rank() : recent.size() + 1;
      double sa = refShare.getOrDefault(c, 0.0);
      double sb = nowShare.getOrDefault(c, 0.0);
      boolean beyond = Math.abs(a - b) > maxRankShift || Math.abs(sa - sb) > maxShareChange;
      drift |= beyond;
      moves.add(new Move(c, a, b, sa, sb, beyond));
    }
    return new Verdict(drift, moves);
  }

  private static Map<String, Ranked> byColumn(List<Ranked> rs) {
    return rs.stream().collect(Collectors.toMap(Ranked::column, Function.identity(), (x, y) -> x));
  }

  static Map<String, Double> shares(List<Ranked> rs) {
    double total = rs.stream().mapToDouble(r -> Math.max(0, r.importance())).sum();
    return rs.stream().collect(Collectors.toMap(Ranked::column,
        r -> total > 0 ? Math.max(0, r.importance()) / total : 0.0, (x, y) -> x));
  }
}
