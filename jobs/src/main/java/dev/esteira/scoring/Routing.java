package dev.esteira.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which version serves a row in a canary or A/B experiment: the row's place in [0, 1), a hash of the
 * experiment and the row id, against the challenger's share. The same row of the same experiment always
 * lands in the same place (across reruns, resumed nights and JVMs: SHA-256 of the UTF-8 text, no seed),
 * so it is served by the same version as long as the share does not change; and since a row goes to the
 * challenger when its place is below the share, raising the share moves only rows from the champion to
 * the challenger, those between the old share and the new one (monotone routing). A new experiment (a
 * new salt) draws the places anew, so one experiment's split is independent of the last one's.
 *
 * @param experiment the experiment's name, the salt of the hash
 * @param champion the version that serves the rest (the production version)
 * @param challenger the version on trial
 * @param share the challenger's share of the rows, in percent (0 to 100)
 * @param shadow whether each version also scores, in shadow, the rows the other serves
 */
public record Routing(String experiment, int champion, int challenger, double share, boolean shadow) {
  public static final String SERVED = "served";
  public static final String SHADOW = "shadow";

  public Routing {
    if (experiment == null || experiment.isBlank()) {
      throw new IllegalArgumentException("an experiment needs a name (its routing salt)");
    }
    if (!(share >= 0 && share <= 100)) {
      throw new IllegalArgumentException("a share is a percentage from 0 to 100, got " + share);
    }
    if (champion == challenger) {
      throw new IllegalArgumentException("champion and challenger are the same version v" + champion);
    }
  }

  /** The row's place in [0, 1) in this experiment: the first 53 bits of SHA-256(experiment NUL row id). */
  public static double place(String experiment, String rowId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    sha.update(experiment.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    byte[] d = sha.digest(rowId.getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (d[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** Whether the challenger serves this row. */
  public boolean toChallenger(String rowId) {
    return place(experiment, rowId) < share / 100.0;
  }

  /** The version that serves this row. */
  public int servedBy(String rowId) {
    return toChallenger(rowId) ? challenger : champion;
  }

  /** The same experiment with another share (a canary widened or stopped). */
  public Routing withShare(double newShare) {
    return new Routing(experiment, champion, challenger, newShare, shadow);
  }
}
