package dev.courier.io;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the tests run in a JVM of its own (shared through courier-io's test-jar), for the tests that kill
 * a server or a host with {@code kill -9}: its standard output is read line by line, its standard error kept in a
 * file, and the test waits for the lines it prints, never for a fixed time.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(MyServer.class, List.of(), "0")) {
 *   child.awaitLine("LISTENING ", Duration.ofSeconds(30));
 *   child.kill();
 * }
 * }</pre>
 *
 * <p>The child gets the test's class path and a small heap, and the test JVM's {@code java.util.logging} configuration
 * when it has one. A child should exit when its standard input closes, so that it cannot outlive the test JVM.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final File errors;

  private ChildJvm(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    errors = File.createTempFile("child-jvm-", ".err");
    errors.deleteOnExit();
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx128m"));
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      command.add("-Djava.util.logging.config.file=" + logging);
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectError(errors).start();
    Thread.ofVirtual().name("child-jvm-stdout").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    });
  }

  /** Starts {@code main} with {@code args}, with {@code jvmOptions} after the usual ones. */
  public static ChildJvm start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
    return new ChildJvm(main, jvmOptions, args);
  }

  /** The child's process. */
  public Process process() {
    return process;
  }

  /** What the child printed on its standard error so far. */
  public String errors() throws IOException {
    return Files.readString(errors.toPath());
  }

  /** The next line starting with {@code prefix}, waiting at most {@code limit}; fails with the child's errors. */
  public String awaitLine(String prefix, Duration limit) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("child printed no \"" + prefix + "\" within " + limit + " (alive: " + process.isAlive()
            + "); stderr:\n" + errors());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Kills the child as {@code kill -9} does, and waits until it is dead. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the child did not die within 10 s of kill -9");
    }
  }

  /** Kills the child if it still runs, and deletes its errors' file. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    errors.delete();
  }
}
