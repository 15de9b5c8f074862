package dev.courier.rpc.tcp;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A server in its own JVM for {@link TcpFailureTest}: hosts {@link Limits} on 127.0.0.1 (the port from
 * the first argument, 0 for any) and prints {@code LISTENING <address>}, then {@code ENTERED <tag>} for each
 * hold call as it enters (hold calls never complete). Exits when its standard input closes, so it cannot
 * outlive the test JVM.
 */
public final class TcpChildServer {
  private TcpChildServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    Limits service = new Limits() {
      @Override
      public byte[] echo(byte[] data) {
        return data;
      }

      @Override
      public byte[] blob(int size) {
        return new byte[size];
      }

      @Override
      public CompletionStage<String> holdAsync(String tag) {
        out.println("ENTERED " + tag);
        return new CompletableFuture<>();
      }

      @Override
      public CompletionStage<String> pauseAsync(long millis) {
        return CompletableFuture.completedFuture("paused " + millis);
      }

      @Override
      public void post(byte[] data) {
        // dropped: no test posts to the child
      }
    };
    ServiceHost host = ServiceHost.builder(service)
        .endpoint(Limits.class, TcpBinding.create(), "courier.tcp://127.0.0.1:" + port + "/child").build().open();
    out.println("LISTENING " + host.listenAddresses().get(0));
    while (System.in.read() != -1) {
      // wait for the parent to go away
    }
    host.abort();
    System.exit(0);
  }
}
