package dev.courier.examples;

import dev.courier.examples.CalculatorDemo.CalculatorClient;
import dev.courier.rpc.BroadcastReport;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.tcp.TcpBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The calculator served by three hosts, each a child JVM ({@link CalculatorServer}), and one client channel over
 * all three: a burst of calls of an idempotent operation spreads over the hosts, one host is killed (SIGKILL) in
 * the middle of it, and every call is still answered, those the dead host held by another host. Then a one-way
 * call is broadcast to every host, and the report names the dead one.
 */
final class CalculatorOnThreeHosts {
  private static final int CALLS = 3_000;
  private static final long WAIT_SECONDS = 30;

  private CalculatorOnThreeHosts() {}

  static void run() throws Exception {
    IO.println("8. The calculator on three hosts, one killed during a burst of calls");
    List<Process> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    CalculatorClient calc = null;
    BlockingQueue<Double> notifications = new LinkedBlockingQueue<>();
    try {
      for (int i = 0; i < 3; i++) {
        Process server = CalculatorOverTcp.startServer();
        servers.add(server);
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("calculator-host-output").start(() -> CalculatorOverTcp.readLines(server, output));
        String address = output.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (address == null || address.equals(CalculatorOverTcp.END)) {
          throw new IllegalStateException("calculator host " + i + " did not say where it listens");
        }
        addresses.add(address);
        IO.println("   host " + (i + 1) + ": pid " + server.pid() + " at " + address);
      }
      calc = ChannelFactory.builder(CalculatorClient.class).binding(TcpBinding.create())
          .addresses(addresses.toArray(String[]::new))
          .callback((CalculatorDemo.CalculatorEvents) notifications::add)
          .operationTimeout(Duration.ofSeconds(WAIT_SECONDS))
          .build().createChannel();

      CountDownLatch aThirdAnswered = new CountDownLatch(CALLS / 3);
      List<CompletableFuture<Double>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(calc.hypotenuseAsync(3 * i, 4 * i).whenComplete((r, e) -> aThirdAnswered.countDown()));
      }
      aThirdAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS);
      Process victim = servers.get(1);
      victim.destroyForcibly();
      victim.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      IO.println("   " + CALLS + " hypotenuse calls (@Operation(idempotent = true)) sent; host 2 killed with SIGKILL "
          + "after " + (CALLS / 3) + " answers");
      int right = 0;
      for (int i = 0; i < CALLS; i++) {
        if (calls.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS) == 5.0 * i) {
          right++;
        }
      }
      IO.println("   answered: " + right + " of " + CALLS + ", each checked; the calls host 2 held went to host 1 or 3");

      BroadcastReport report = ClientChannel.broadcast(calc, CalculatorClient::clear).toCompletableFuture()
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
      IO.println("   clear (one-way) broadcast to every host: accepted by " + report.accepted().size()
          + ", refused by " + report.refused().keySet() + " (" + String.join("; ", report.refused().values()) + ")");
      for (int i = 0; i < report.accepted().size(); i++) {
        notifications.poll(WAIT_SECONDS, TimeUnit.SECONDS);   // each host's callback: its memory is cleared
      }
    } finally {
      if (calc != null) {
        ClientChannel.of(calc).close();
      }
      for (Process server : servers) {
        server.destroy();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }
}
