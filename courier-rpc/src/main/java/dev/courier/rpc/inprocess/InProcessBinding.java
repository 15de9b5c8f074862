package dev.courier.rpc.inprocess;

import dev.courier.io.IoClock;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoTarget;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.Peer;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Listener;
import dev.courier.rpc.spi.Session;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Calls inside one JVM, through the same request path as every binding: a channel is a target over an
 * in-process device whose queue presents each call to the host's session.
 *
 * <pre>{@code
 * ServiceHost.builder(new CalculatorService())
 *     .endpoint(Calculator.class, InProcessBinding.create(), "inproc://calculator").build().open();
 * }</pre>
 *
 * <p>Arguments and results are passed by reference, not copied: data contracts should be immutable
 * (records of immutable values). Calls are delivered on the caller's thread; the host decides where the
 * service runs. Addresses are {@code inproc://name}, unique in the JVM.
 *
 * <p>A channel whose host closes becomes {@link dev.courier.rpc.CommunicationState#FAULTED} once the host
 * has ended its session, as a TCP channel does when its connection closes.
 *
 * <p>A service sees its caller ({@link dev.courier.rpc.OperationContext#peer()}) as {@code inproc:client-N},
 * N counting the channels connected in this JVM; a duplex callback sees the service's address.
 */
public final class InProcessBinding implements Binding {
  private static final ConcurrentMap<String, Endpoint> ENDPOINTS = new ConcurrentHashMap<>();
  private static final InProcessBinding INSTANCE = new InProcessBinding();
  private static final AtomicLong CLIENTS = new AtomicLong();

  private InProcessBinding() {}

  /** The in-process binding. */
  public static InProcessBinding create() {
    return INSTANCE;
  }

  @Override
  public String scheme() {
    return "inproc";
  }

  @Override
  public Listener listen(EndpointAddress address, Endpoint endpoint) {
    String key = address.toString();
    if (ENDPOINTS.putIfAbsent(key, endpoint) != null) {
      throw new IllegalStateException("address " + key + " is in use by another endpoint (expected: a unique inproc:// address)");
    }
    return () -> ENDPOINTS.remove(key, endpoint);
  }

  @Override
  public String fetchMetadata(EndpointAddress address, java.time.Duration timeout) {
    Endpoint endpoint = ENDPOINTS.get(address.toString());
    if (endpoint == null) {
      throw new CommunicationException("no endpoint listens at " + address, false);
    }
    return endpoint.metadata().orElseThrow(() -> new CommunicationException("the host at " + address
        + " publishes no metadata (expected: ServiceHost.Builder.publishMetadata(true))", false));
  }

  @Override
  public dev.courier.rpc.HealthState fetchHealth(EndpointAddress address, java.time.Duration timeout) {
    Endpoint endpoint = ENDPOINTS.get(address.toString());
    if (endpoint == null) {
      throw new CommunicationException("no endpoint listens at " + address, false);
    }
    return endpoint.health();
  }

  @Override
  public Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock) {
    Endpoint endpoint = ENDPOINTS.get(address.toString());
    if (endpoint == null) {
      throw new CommunicationException("no endpoint listens at " + address, false);
    }
    Sessions sessions = new Sessions();
    IoTarget requests = device("inproc " + address, r -> sessions.server.dispatch(r)).openTarget(clock);
    IoTarget callbackTarget = null;
    try {
      if (callbacks != null) {
        callbackTarget = device("inproc callbacks " + address, r -> sessions.client.dispatch(r)).openTarget(clock);
        sessions.client = callbacks.openSession(requests, Peer.at(address.toString()));
      }
      sessions.server = endpoint.openSession(callbackTarget, Peer.at("inproc:client-" + CLIENTS.incrementAndGet()));
    } catch (RuntimeException e) {
      requests.close();
      if (callbackTarget != null) {
        callbackTarget.close();
      }
      if (sessions.client != null) {
        sessions.client.close();
      }
      throw e;
    }
    IoTarget callbackTargetFinal = callbackTarget;
    return new Connection() {
      @Override
      public IoTarget target() {
        return requests;
      }

      @Override
      public java.util.concurrent.CompletionStage<String> lost() {
        return sessions.server.closed().thenApply(v -> "its host closed");
      }

      @Override
      public void close() {
        requests.close();
        if (callbackTargetFinal != null) {
          callbackTargetFinal.close();
        }
        sessions.server.close();
        if (sessions.client != null) {
          sessions.client.close();
        }
      }
    };
  }

  private static final class Sessions {
    volatile Session server;
    volatile Session client;
  }

  private static IoDevice device(String name, Consumer<IoRequest> delivery) {
    return IoDevice.builder(name)
        .defaultQueue(IoQueue.parallel().onDefault((queue, request) -> delivery.accept(request)).build())
        .build();
  }
}
