package dev.courier.examples;

import dev.courier.examples.CalculatorDemo.CalculatorClient;
import dev.courier.examples.CalculatorDemo.CalculatorEvents;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.tcp.TcpBinding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The calculator of {@link CalculatorDemo} over TCP, server and client in separate processes: the
 * service runs in a child JVM ({@link CalculatorServer}, started with this JVM's java binary and class
 * path), this process calls it, gets its duplex notifications back on the same connection and a declared
 * fault with its typed detail, then stops the child and sees the connection gone.
 */
final class CalculatorOverTcp {
  private static final long WAIT_SECONDS = 30;
  static final String END = "\u0000end of output";

  private CalculatorOverTcp() {}

  static void run() throws Exception {
    IO.println("6. The calculator over TCP, its service in another process");
    Process server = startServer();
    BlockingQueue<String> serverOutput = new LinkedBlockingQueue<>();
    Thread.ofVirtual().name("calculator-server-output").start(() -> readLines(server, serverOutput));
    ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "ui-thread"));
    CalculatorClient calc = null;
    try {
      String address = serverOutput.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (address == null || address.equals(END)) {
        throw new IllegalStateException("the calculator server did not say where it listens"
            + (server.isAlive() ? "" : " (it exited with code " + server.exitValue() + ")"));
      }
      IO.println("   server: pid " + server.pid() + ", a child JVM of this one (pid " + ProcessHandle.current().pid()
          + "), listening at " + address);

      BlockingQueue<Double> notifications = new LinkedBlockingQueue<>();
      CalculatorEvents events = notifications::add;        // called by the server, over the same connection
      calc = ChannelFactory.builder(CalculatorClient.class)
          .binding(TcpBinding.create()).address(address)
          .callback(events).eventExecutor(ui).operationTimeout(Duration.ofSeconds(5))
          .build().createChannel();

      double sum = calc.add(2, 3);
      IO.println("   add (sync): 2 + 3 = " + sum + "; the server's callback: memory is now " + next(notifications));
      double difference = calc.subtractAsync(10, 4).get(WAIT_SECONDS, TimeUnit.SECONDS);
      IO.println("   subtract (task): 10 - 4 = " + difference + "; the server's callback: memory is now "
          + next(notifications));
      CompletableFuture<String> divided = new CompletableFuture<>();
      calc.onDivideCompleted(e -> divided.complete(e.error() instanceof FaultException f
          ? "fault \"" + f.getMessage() + "\", detail " + f.detail()
          : e.error() != null ? e.error().toString() : "= " + e.result()));
      calc.divideAsync(1, 0, "1 / 0");
      IO.println("   divide (event-based): 1 / 0 -> " + divided.get(WAIT_SECONDS, TimeUnit.SECONDS));

      String stopped = stop(server, serverOutput);
      IO.println("   server stopped: " + stopped + ", exit code " + server.exitValue());
      try {
        calc.add(1, 1);
        IO.println("   add after the server stopped: answered?!");
      } catch (CommunicationException e) {
        // not sent, or sent into the closing connection (may have reached the service): a race with its close
        IO.println("   add after the server stopped -> CommunicationException");
      }
    } finally {
      if (calc != null) {
        ClientChannel.of(calc).abort();
      }
      ui.shutdown();
      if (server.isAlive()) {
        server.destroy();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /** A child JVM running {@link CalculatorServer}: this JVM's java binary and class path. */
  static Process startServer() throws IOException {
    Optional<String> command = ProcessHandle.current().info().command();
    String java = command.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> line = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), CalculatorServer.class.getName());
    return new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  static void readLines(Process process, BlockingQueue<String> lines) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(cannot read the server's output: " + e + ")");
    } finally {
      lines.add(END);
    }
  }

  private static double next(BlockingQueue<Double> notifications) throws InterruptedException {
    Double value = notifications.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (value == null) {
      throw new IllegalStateException("no notification from the server within " + WAIT_SECONDS + " s");
    }
    return value;
  }

  /** Asks the server to stop, waits for it to exit; returns its last line. */
  private static String stop(Process server, BlockingQueue<String> output) throws IOException, InterruptedException {
    try (Writer in = server.outputWriter(StandardCharsets.UTF_8)) {
      in.write("stop\n");
    }
    String last = null;
    for (String line = output.poll(WAIT_SECONDS, TimeUnit.SECONDS); line != null && !line.equals(END);
        line = output.poll(WAIT_SECONDS, TimeUnit.SECONDS)) {
      last = line;
    }
    if (!server.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the calculator server did not stop within " + WAIT_SECONDS + " s");
    }
    return last;
  }
}
