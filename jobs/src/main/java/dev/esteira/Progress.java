package dev.esteira;

/** Where long work reports what it is doing; the CLI prints it to stderr, tests may ignore it. */
@FunctionalInterface
public interface Progress {
  Progress NONE = message -> {};

  void report(String message);
}
