package dev.courier.examples;

import dev.courier.io.FileTarget;
import dev.courier.io.IoBuffer;
import dev.courier.io.IoMemory;
import dev.courier.io.IoRequest;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The README's quick start, compiled and run: a contract, a host, a client and one call over TCP, then one
 * read request sent to a file target.
 *
 * <pre>
 * mvn -q -Pdemo -DskipTests verify -Ddemo.main=dev.courier.examples.QuickStart
 * </pre>
 */
public final class QuickStart {
  private QuickStart() {}

  /** The contract: an interface, its operations request/reply unless marked one-way. */
  @ServiceContract(name = "Greeter")
  public interface Greeter {
    String greet(String name);
  }

  /** The service: an implementation of the contract (a synchronous operation runs on a virtual thread). */
  static final class GreeterService implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello, " + name;
    }
  }

  public static void main(String[] args) throws Exception {
    callAService();
    readAFile();
  }

  static void callAService() {
    try (TcpBinding tcp = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(new GreeterService())
          .endpoint(Greeter.class, tcp, "courier.tcp://127.0.0.1:0/greeter")   // port 0: a free port
          .build().open();
      Greeter greeter = ChannelFactory.builder(Greeter.class)
          .binding(tcp).address(host.listenAddresses().getFirst())
          .build().createChannel();
      IO.println(greeter.greet("world"));                                      // Hello, world
      ClientChannel.of(greeter).close();
      host.close(Duration.ofSeconds(5));
    }
  }

  static void readAFile() throws Exception {
    Path path = Files.createTempFile("courier-quick-start", ".txt");
    try {
      Files.writeString(path, "Hello, file");
      IoMemory page = IoMemory.allocate(4096);
      CountDownLatch completed = new CountDownLatch(1);
      try (IoTarget file = FileTarget.open(path, StandardOpenOption.READ)) {
        IoRequest request = IoRequest.create();
        request.formatRead(file, IoBuffer.of(page), 0);                      // read up to 4 KiB at offset 0
        request.setCompletionRoutine((req, target, params, context) -> {
          IO.println(params.status().name() + ": " + params.length() + " bytes");
          completed.countDown();
        }, null);
        if (request.send(file, SendOptions.withTimeout(Duration.ofSeconds(1)))) {
          completed.await();                                                 // the routine runs exactly once
        } else {
          IO.println("refused: " + request.status());                       // the routine is not called
        }
      }
    } finally {
      Files.delete(path);
    }
  }
}
