package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A server in a JVM of its own, on this test's class path, that prints {@code LISTENING <address>} once it serves
 * and then a line per event the test waits for; a test kills it as a crash would ({@link #kill()}: SIGKILL).
 */
@SuppressWarnings("try") // close() waits for the process, so it may throw InterruptedException
final class ChildJvm implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(30);

  final Process process;
  final String address;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final File errors;

  private ChildJvm(Class<?> main, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    errors = File.createTempFile("tcp-child-", ".err");
    errors.deleteOnExit();
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx128m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectError(errors).start();
    Thread.ofVirtual().name("tcp-child-stdout").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    });
    address = awaitLine("LISTENING ", START).substring("LISTENING ".length());
  }

  /** Starts {@code main} with {@code jvmOptions} after the usual ones, and {@code args}; returns once it listens. */
  static ChildJvm start(Class<?> main, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    return new ChildJvm(main, jvmOptions, args);
  }

  /** What the child printed on its standard error so far. */
  String errors() throws IOException {
    return Files.readString(errors.toPath());
  }

  /** The next line starting with {@code prefix}, waiting at most {@code limit}. */
  String awaitLine(String prefix, Duration limit) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("child printed no \"" + prefix + "\" within " + limit + " (alive: " + process.isAlive()
            + "); stderr:\n" + Files.readString(errors.toPath()));
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Kills the child with SIGKILL, as a crash would, and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the child died").isTrue();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    errors.delete();
  }
}
