package dev.esteira.registry;

/** One gate checked for a transition: what, the version's value, the threshold, and whether it passed. */
public record GateResult(String check, Double value, Double threshold, boolean passed) {
  String describe() {
    return check + " (value " + value + ", threshold " + threshold + ")";
  }
}
