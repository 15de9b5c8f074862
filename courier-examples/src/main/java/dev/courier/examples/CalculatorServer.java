package dev.courier.examples;

import dev.courier.examples.CalculatorDemo.Calculator;
import dev.courier.examples.CalculatorDemo.CalculatorService;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpBinding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo's calculator service in a process of its own, over TCP. It prints the address it listens at
 * (the port is chosen by the system) as its first line, serves until its standard input says
 * {@code stop} or ends, closes its host (letting calls in flight finish) and prints one last line.
 *
 * <pre>{@code
 * java -cp <classpath> dev.courier.examples.CalculatorServer [courier.tcp://127.0.0.1:0/calculator]
 * }</pre>
 */
public final class CalculatorServer {
  private CalculatorServer() {}

  public static void main(String[] args) throws IOException {
    String address = args.length > 0 ? args[0] : "courier.tcp://127.0.0.1:0/calculator";
    ServiceHost host = ServiceHost.builder(new Calculator())
        .endpoint(CalculatorService.class, TcpBinding.create(), address)
        .build().open();
    System.out.println(host.listenAddresses().getFirst());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    do {
      line = in.readLine();
    } while (line != null && !line.strip().equals("stop"));
    host.close(Duration.ofSeconds(5));
    System.out.println("host " + host.state() + (line == null ? " (standard input ended)" : ""));
    System.out.flush();
  }
}
