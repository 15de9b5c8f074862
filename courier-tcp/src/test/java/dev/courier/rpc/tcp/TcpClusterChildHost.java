package dev.courier.rpc.tcp;

import dev.courier.rpc.ServiceHost;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A host of {@link TcpClusterTest}'s Where service in its own JVM, on 127.0.0.1 at any port: it prints
 * {@code LISTENING <address>}, answers {@code where} at once with its name, and holds every other call (never
 * answered) after printing {@code ENTERED <tag>}, until the test kills it. Exits when its standard input closes,
 * so that it cannot outlive the test JVM.
 */
public final class TcpClusterChildHost {
  private TcpClusterChildHost() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    TcpClusterTest.WhereService service = new TcpClusterTest.WhereService() {
      @Override
      public CompletionStage<String> whereAsync(String tag) {
        return CompletableFuture.completedFuture("child");
      }

      @Override
      public CompletionStage<String> crashAsync(String tag) {
        return hold(tag);
      }

      @Override
      public CompletionStage<String> crashAgainAsync(String tag) {
        return hold(tag);
      }

      @Override
      public CompletionStage<String> stallAsync(String tag) {
        return hold(tag);
      }

      @Override
      public void mark(String tag) {
        // recorded nowhere: no test counts a child's marks
      }

      private CompletionStage<String> hold(String tag) {
        out.println("ENTERED " + tag);
        return new CompletableFuture<>();
      }
    };
    ServiceHost host = ServiceHost.builder(service).endpoint(TcpClusterTest.WhereService.class, TcpBinding.create(),
        "courier.tcp://127.0.0.1:0/where").build().open();
    out.println("LISTENING " + host.listenAddresses().get(0));
    while (System.in.read() != -1) {
      // wait for the parent to go away
    }
    host.abort();
    System.exit(0);
  }
}
