package dev.courier.rpc.spi;

import dev.courier.rpc.ServiceHost;

/**
 * Something that runs beside a {@link ServiceHost}: opened once the host's endpoints listen, closed before they
 * stop. A developer's test page is one.
 *
 * <pre>{@code
 * ServiceHost.builder(new CalculatorService())
 *     .endpoint(Calculator.class, tcp, "courier.tcp://127.0.0.1:0/calc")
 *     .extension(host -> () -> IO.println("closing " + host))
 *     .build().open();
 * }</pre>
 *
 * <p>An extension must not block its host's I/O threads or run user code on them.
 */
public interface HostExtension extends AutoCloseable {

  /** Stops the extension; its host is closing. */
  @Override
  void close();

  /** Opens an extension for a host. */
  @FunctionalInterface
  interface Factory {

    /**
     * Opens the extension for {@code host}, whose endpoints listen at their bound addresses
     * ({@link ServiceHost#endpoints()}). An exception fails the host's {@code open()}.
     */
    HostExtension open(ServiceHost host);
  }
}
