package dev.esteira.lake;

/**
 * Test hook for crash tests: a multi-step operation names the points between its commits, and a process
 * started with {@code ESTEIRA_TEST_CRASH_AT=name} halts at that point the way {@code kill -9} would (no
 * shutdown hooks, no cleanup). Unset, as in every normal run, a point costs one map lookup.
 */
public final class CrashPoints {
  private static final String TARGET = System.getenv("ESTEIRA_TEST_CRASH_AT");

  private CrashPoints() {}

  public static void reach(String point) {
    if (TARGET != null && TARGET.equals(point)) {
      System.err.println("esteira: test crash at " + point);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
