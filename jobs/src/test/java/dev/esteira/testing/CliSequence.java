package dev.esteira.testing;

import dev.esteira.cli.Main;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of {@link CliProcess#runEach}: several {@code esteira} command lines, one after the other in
 * this one JVM, as {@code Main} runs each (a command that starts Spark keeps it only for itself). Arguments:
 * the folder for the outputs, then one argument per command line, its words separated by tabs. Writes
 * {@code N.out}, {@code N.err} and {@code N.exit} per command (N from 0).
 */
public final class CliSequence {
  private CliSequence() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    PrintStream out = System.out;
    PrintStream err = System.err;
    for (int i = 1; i < args.length; i++) {
      int code;
      try (PrintStream o = new PrintStream(Files.newOutputStream(dir.resolve((i - 1) + ".out")), true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(Files.newOutputStream(dir.resolve((i - 1) + ".err")), true, StandardCharsets.UTF_8)) {
        System.setOut(o);
        System.setErr(e);
        code = Main.execute(args[i].split("\t"));
      } finally {
        System.setOut(out);
        System.setErr(err);
      }
      Files.writeString(dir.resolve((i - 1) + ".exit"), Integer.toString(code));
    }
    System.exit(0);
  }
}
