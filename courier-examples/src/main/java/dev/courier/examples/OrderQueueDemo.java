package dev.courier.examples;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.artemis.ArtemisBinding;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An order queue drained by two hosts: orders are placed as durable one-way calls through an Artemis broker (in
 * this JVM, as a stand-in for the broker an application points at) while no host runs, two hosts in child JVMs
 * ({@link OrderHost}) drain the queue, one is killed with SIGKILL in the middle, and the other processes every
 * order left, those the dead host had taken without committing included: delivery is at least once.
 */
final class OrderQueueDemo {
  private static final int ORDERS = 200;
  private static final long WAIT_SECONDS = 60;

  private OrderQueueDemo() {}

  static void run() throws Exception {
    IO.println("9. An order queue on Apache Artemis, drained by two hosts, one killed");
    OrderHost.ARTEMIS_LOG.setLevel(Level.SEVERE);   // the kill is deliberate: no warnings of the connections it cuts
    Path dir = Files.createTempDirectory("courier-demo-broker");
    int port = freePort();
    System.setProperty("demo.broker.dir", dir.toString());
    System.setProperty("demo.broker.port", Integer.toString(port));
    EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfigResourcePath("demo-broker.xml");
    broker.start();
    String address = "courier.artemis://127.0.0.1:" + port + "/orders";
    List<Process> hosts = new ArrayList<>();
    try (ArtemisBinding binding = ArtemisBinding.create()) {
      OrderDesk desk = ChannelFactory.builder(OrderDesk.class).binding(binding).address(address)
          .operationTimeout(null).build().createChannel();
      for (int i = 1; i <= ORDERS; i++) {
        desk.place("order-" + i, i % 5 + 1);
      }
      ClientChannel.of(desk).close();
      IO.println("   " + ORDERS + " orders placed while no host runs: each call returned once the broker stored it");

      Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
      AtomicInteger[] byHost = {new AtomicInteger(), new AtomicInteger()};
      List<BlockingQueue<String>> outputs = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
      for (int h = 0; h < 2; h++) {
        hosts.add(startHost(address, outputs.get(h)));      // both JVMs start at once, so both take orders
      }
      for (int h = 0; h < 2; h++) {
        awaitReady(hosts.get(h), h, address, outputs.get(h), processed, byHost[h]);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (byHost[1].get() < ORDERS / 10 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Process victim = hosts.get(1);
      victim.destroyForcibly();
      victim.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      int atKill = processed.size();
      IO.println("   host 2 (pid " + victim.pid() + ") killed with SIGKILL after " + atKill + " orders were processed");
      while (processed.size() < ORDERS && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long twice = processed.values().stream().filter(n -> n.get() > 1).count();
      IO.println("   processed: " + processed.size() + " of " + ORDERS + " orders (host 1: " + byHost[0] + ", host 2: "
          + byHost[1] + "); processed twice: " + twice);
      IO.println("   the orders host 2 was working on when it died went back to the queue and host 1 processed them; an "
          + "order it had finished but not yet committed would run twice: delivery is at least once");
    } finally {
      for (Process host : hosts) {
        host.getOutputStream().close();        // its standard input ends: the host closes, then its JVM exits
        if (!host.waitFor(10, TimeUnit.SECONDS)) {
          host.destroyForcibly();
        }
      }
      broker.stop();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** An {@link OrderHost} in a child JVM, its output going to {@code lines}. */
  private static Process startHost(String address, BlockingQueue<String> lines) throws IOException {
    Optional<String> command = ProcessHandle.current().info().command();
    String java = command.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process host = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), OrderHost.class.getName(), address)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread.ofVirtual().name("order-host-output").start(() -> CalculatorOverTcp.readLines(host, lines));
    return host;
  }

  /** Waits for a host to be ready, then counts the orders it prints as processed. */
  private static void awaitReady(Process host, int index, String address, BlockingQueue<String> lines,
      Map<String, AtomicInteger> processed, AtomicInteger count) throws InterruptedException {
    String first = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (!"READY".equals(first)) {
      throw new IllegalStateException("order host " + (index + 1) + " did not start: " + first);
    }
    IO.println("   host " + (index + 1) + ": pid " + host.pid() + ", draining " + address);
    Thread.ofVirtual().name("order-host-processed").start(() -> {
      try {
        for (String line = lines.take(); !line.equals(CalculatorOverTcp.END); line = lines.take()) {
          if (line.startsWith("PROCESSED ")) {
            processed.computeIfAbsent(line.substring("PROCESSED ".length()), k -> new AtomicInteger()).incrementAndGet();
            count.incrementAndGet();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}
