package dev.courier.maven.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the generation in another JVM, of the build's JDK 25 toolchain, when Maven's own JVM is older than
 * Courier's classes: the goal starts {@code java -cp <plugin's jars> ForkedGeneration <arguments>}, which writes
 * one line {@code generated <path>} per file and exits with 0, or writes the failure's message and exits with
 * {@value #FAILED}.
 */
public final class ForkedGeneration {
  /** The exit status of a generation that failed with a {@link GenerationException}. */
  static final int FAILED = 2;
  private static final String GENERATED = "generated ";

  private ForkedGeneration() {}

  /**
   * Generates in a new JVM started with {@code java} and {@code classPath}; returns the written files'
   * paths relative to {@code outputDirectory}.
   *
   * @throws GenerationException with the forked generation's message, or saying that the JVM failed
   */
  public static List<String> generate(Path java, List<Path> classPath, Path basedir, List<String> sources,
      Options options, Path outputDirectory) throws GenerationException {
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp",
        String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()),
        ForkedGeneration.class.getName(), "--basedir", basedir.toString(), "--out", outputDirectory.toString()));
    command.addAll(options.arguments());
    command.add("--");
    command.addAll(sources);
    List<String> written = new ArrayList<>();
    List<String> output = new ArrayList<>();
    int status;
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith(GENERATED)) {
            written.add(line.substring(GENERATED.length()));
          } else {
            output.add(line);
          }
        }
      }
      status = process.waitFor();
    } catch (IOException e) {
      throw new GenerationException("starting the generator's JVM (" + java + ") failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenerationException("interrupted while the generator's JVM (" + java + ") ran", e);
    }
    String text = String.join(System.lineSeparator(), output).strip();
    if (status == FAILED) {
      throw new GenerationException(text);
    }
    if (status != 0) {
      throw new GenerationException("the generator's JVM (" + java + ", expected: Java 25 or newer) failed with "
          + "exit status " + status + (text.isEmpty() ? "" : ": " + text));
    }
    return List.copyOf(written);
  }

  /**
   * Generates as {@link #generate} asked: {@code --basedir DIR --out DIR --package NAME [--async]
   * [--event-based] [--sync-only] [--message-contract] [--namespace NS=PACKAGE]... [--collection-type array]
   * -- SOURCE...}.
   */
  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      Path basedir = null;
      Path outputDirectory = null;
      String packageName = null;
      boolean async = false;
      boolean eventBased = false;
      boolean syncOnly = false;
      boolean messageContract = false;
      List<String> namespaces = new ArrayList<>();
      String collectionType = Options.LIST;
      int i = 0;
      for (; i < args.length && !args[i].equals("--"); i++) {
        switch (args[i]) {
          case "--basedir" -> basedir = Path.of(args[++i]);
          case "--out" -> outputDirectory = Path.of(args[++i]);
          case "--package" -> packageName = args[++i];
          case "--async" -> async = true;
          case "--event-based" -> eventBased = true;
          case "--sync-only" -> syncOnly = true;
          case "--message-contract" -> messageContract = true;
          case "--namespace" -> namespaces.add(args[++i]);
          case "--collection-type" -> collectionType = args[++i];
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (basedir == null || outputDirectory == null) {
        throw new IllegalArgumentException("--basedir and --out are required");
      }
      Options options = Options.of(packageName, async, eventBased, syncOnly, messageContract, namespaces,
          collectionType);
      List<WsdlSource> sources = new ArrayList<>();
      for (i++; i < args.length; i++) {
        sources.add(WsdlSource.resolve(args[i], basedir));
      }
      for (String path : InProcessGeneration.generate(sources, options, outputDirectory)) {
        out.println(GENERATED + path);
      }
      out.flush();
    } catch (GenerationException e) {
      out.println(e.getMessage());
      out.flush();
      System.exit(FAILED);
    }
  }
}
