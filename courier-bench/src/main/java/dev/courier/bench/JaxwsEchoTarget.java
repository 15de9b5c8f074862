package dev.courier.bench;

import dev.courier.bench.jaxws.EchoClientPort;
import dev.courier.bench.jaxws.ParcelBean;
import jakarta.xml.ws.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * What the JAX-WS targets (CXF, Metro) share: calls through the client endpoint interface's JAX-WS asynchronous
 * mapping ({@code Future<?> echoAsync(String, AsyncHandler<EchoResponse>)}), whose handler completes the call's
 * future with the response's value on the thread that delivers it.
 */
abstract class JaxwsEchoTarget implements SoapEchoTarget {
  private final EchoClientPort port;

  JaxwsEchoTarget(EchoClientPort port) {
    this.port = port;
  }

  @Override
  public CompletableFuture<String> echo(String text) {
    CompletableFuture<String> reply = new CompletableFuture<>();
    port.echoAsync(text, response -> complete(reply, response, r -> r.echoResult));
    return reply;
  }

  @Override
  public CompletableFuture<Parcel> echo(Parcel parcel) {
    CompletableFuture<Parcel> reply = new CompletableFuture<>();
    port.echoParcelAsync(ParcelBean.of(parcel), response -> complete(reply, response,
        r -> r.echoParcelResult == null ? null : r.echoParcelResult.toParcel()));
    return reply;
  }

  /** Completes {@code reply} with what a done {@code response} carries, or with its failure. */
  private static <W, T> void complete(CompletableFuture<T> reply, Response<W> response, Function<W, T> value) {
    try {
      reply.complete(value.apply(response.get()));
    } catch (ExecutionException e) {
      reply.completeExceptionally(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.completeExceptionally(e);
    } catch (RuntimeException e) {
      reply.completeExceptionally(e);
    }
  }

  /** A port of 127.0.0.1 free now, for a server that cannot listen on port 0 and say which it took. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
