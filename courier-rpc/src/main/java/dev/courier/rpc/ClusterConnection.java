package dev.courier.rpc;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoClock;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel's connection to several endpoints of one service: each call is the same request sent to one
 * endpoint's connection after another, as KMDF sends one request to several targets, until one takes it.
 *
 * <p>A call goes to the endpoint the {@link LoadBalancing} picks among those not ejected. A call that provably
 * reached no service (refused, not connected, not sent) goes on to the next endpoint it has not tried; one that
 * may have reached a service (the connection was lost before the answer) goes on only when its operation is
 * {@linkplain Operation#idempotent() idempotent}; a fault, a cancel and a timeout end the call. The call's
 * deadline and cancel hold across the attempts, since they are one request's. An endpoint whose connection
 * fails is ejected for a while (half a second, doubling with each failure in a row up to 30 s) and
 * connected again in the background. With a health interval, each endpoint's host is asked for its health that
 * often, and one that says DRAINING or NOT_SERVING gets new calls only when no other can take them.
 *
 * <p>Threading: calls are sent from any thread and never block on a connect; an attempt's completion
 * decides, on the thread that completes it, whether the request goes on. Connects run on virtual threads.
 */
final class ClusterConnection implements Connection {
  private static final System.Logger LOG = System.getLogger(ChannelFactory.class.getName());
  private static final long FIRST_EJECTION_NANOS = Duration.ofMillis(500).toNanos();
  private static final long MAX_EJECTION_NANOS = Duration.ofSeconds(30).toNanos();
  static final int MAX_ENDPOINTS = 64;

  private final Binding binding;
  private final ContractDescription contract;
  private final Endpoint callbacks;
  private final IoClock clock;
  private final LoadBalancing balancing;
  private final Member[] members;
  private final IoTarget target;
  private final AtomicInteger turn = new AtomicInteger();
  private final String name;
  private final Duration healthInterval;        // null: health not looked at
  private volatile boolean closed;

  /** One endpoint: its connection, while it has one, and the calls of this channel waiting on it. */
  private final class Member {
    final EndpointAddress address;
    final int index;                            // its place among the members: its bit in an attempt's tried set
    final AtomicInteger pending = new AtomicInteger();
    volatile Connection connection;             // null until connected, and while ejected
    volatile boolean ejected;
    volatile boolean unhealthy;                 // its host said DRAINING or NOT_SERVING at the last look
    int failuresInARow;                         // guarded by this

    Member(EndpointAddress address, int index) {
      this.address = address;
      this.index = index;
    }

    /** The connection failed or was lost: no call goes here until it is connected again, later. */
    void eject(Connection failed, String why) {
      long delay;
      synchronized (this) {
        if (failed != null && connection != failed) {
          return;                               // an older connection, replaced already
        }
        if (ejected) {
          return;
        }
        ejected = true;
        connection = null;
        failuresInARow++;
        delay = Math.min(MAX_EJECTION_NANOS, FIRST_EJECTION_NANOS << Math.min(20, failuresInARow - 1));
      }
      LOG.log(System.Logger.Level.DEBUG, () -> "endpoint " + address + " ejected: " + why);
      // The failed connection closes when the endpoint is tried again, not here: this may be a call's completion,
      // which closing its connection would wait for, and closing would cancel the calls the binding still ends.
      clock.schedule(() -> Thread.ofVirtual().name("courier-cluster-connect").start(() -> {
        if (failed != null) {
          failed.close();
        }
        connect();
      }), delay);
    }

    /** Connects, on the calling thread; a failure ejects the endpoint again. Returns whether it connected. */
    boolean connect() {
      if (closed) {
        return false;
      }
      Connection c;
      try {
        c = binding.connect(address, contract, callbacks, clock);
      } catch (RuntimeException e) {
        synchronized (this) {
          ejected = false;                      // so that eject counts this failure and schedules the next try
        }
        eject(null, String.valueOf(e.getMessage()));
        return false;
      }
      synchronized (this) {
        connection = c;
        ejected = false;
        failuresInARow = 0;
      }
      c.lost().thenAccept(why -> eject(c, why));
      if (closed) {
        c.close();
        return false;
      }
      return true;
    }
  }

  private ClusterConnection(Binding binding, List<EndpointAddress> addresses, String name, ContractDescription contract,
      Endpoint callbacks, IoClock clock, LoadBalancing balancing, Duration healthInterval) {
    this.binding = binding;
    this.healthInterval = healthInterval;
    this.contract = contract;
    this.callbacks = callbacks;
    this.clock = clock;
    this.balancing = balancing;
    this.name = name;
    this.members = new Member[addresses.size()];
    for (int i = 0; i < members.length; i++) {
      members[i] = new Member(addresses.get(i), i);
    }
    this.target = IoTargets.create("courier cluster " + name, this::dispatch, clock);
  }

  /**
   * Connects to every endpoint {@code resolver} names; those that cannot be reached now are ejected and tried
   * again later.
   *
   * @throws CommunicationException when none can be reached
   */
  static ClusterConnection connect(Binding binding, EndpointResolver resolver, ContractDescription contract,
      Endpoint callbacks, IoClock clock, LoadBalancing balancing, Duration healthInterval) {
    List<EndpointAddress> addresses = resolver.resolve();
    if (addresses.isEmpty() || addresses.size() > MAX_ENDPOINTS) {
      throw new IllegalArgumentException("endpoints: " + addresses.size() + " from " + resolver + " (expected: 1 to "
          + MAX_ENDPOINTS + ")");
    }
    for (EndpointAddress a : addresses) {
      if (!a.scheme().equals(binding.scheme())) {
        throw new IllegalArgumentException("endpoint address: " + a + " (expected: the scheme " + binding.scheme()
            + " of the binding)");
      }
    }
    ClusterConnection cluster = new ClusterConnection(binding, addresses, resolver.toString(), contract, callbacks,
        clock, balancing, healthInterval);
    List<Thread> connecting = new ArrayList<>();
    AtomicInteger connected = new AtomicInteger();
    for (Member m : cluster.members) {
      connecting.add(Thread.ofVirtual().name("courier-cluster-connect").start(() -> {
        if (m.connect()) {
          connected.incrementAndGet();
        }
      }));
    }
    for (Thread t : connecting) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cluster.close();
        throw new CommunicationException("interrupted while connecting to " + cluster.name, false, e);
      }
    }
    if (connected.get() == 0) {
      cluster.close();
      throw new CommunicationException("no endpoint of " + cluster.name + " could be reached", false);
    }
    cluster.lookAtHealthLater();
    return cluster;
  }

  /** Asks every connected endpoint's host for its health after the interval, and again after each look. */
  private void lookAtHealthLater() {
    if (healthInterval == null || closed) {
      return;
    }
    clock.schedule(() -> Thread.ofVirtual().name("courier-cluster-health").start(() -> {
      for (Member m : members) {
        if (closed) {
          return;
        }
        if (m.connection == null) {
          continue;
        }
        try {
          m.unhealthy = binding.fetchHealth(m.address, healthInterval) != HealthState.SERVING;
        } catch (RuntimeException e) {
          // no answer: the calls themselves find out whether the endpoint is there
        }
      }
      lookAtHealthLater();
    }), healthInterval.toNanos());
  }

  /** The name of the endpoints, as the resolver gives it. */
  String name() {
    return name;
  }

  @Override
  public IoTarget target() {
    return target;
  }

  @Override
  public Executor completionExecutor() {
    for (Member m : members) {
      Connection c = m.connection;
      if (c != null) {
        return c.completionExecutor();         // a binding's executor serves any of its connections' completions
      }
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    target.close();
    for (Member m : members) {
      Connection c = m.connection;
      if (c != null) {
        c.close();
      }
    }
  }

  // =============================================================================================
  // Calls
  // =============================================================================================

  /** A call delivered to the cluster's target: it goes to its first endpoint. */
  private void dispatch(IoRequest request) {
    request.formatUsingCurrentType();
    Invocation inv = request.context(Invocation.KEY);
    boolean idempotent = inv != null && inv.operation() != null && inv.operation().isIdempotent();
    new Attempts(request, idempotent).next(IoStatus.DEVICE_REMOVED_NOT_SENT);
  }

  /** The attempts of one call: the endpoints tried, and the one that has it now. */
  private final class Attempts implements CompletionRoutine<Connection> {
    private final IoRequest request;
    private final boolean idempotent;
    private long tried;                         // a bit per member
    private Member member;                      // the endpoint that has the call now

    Attempts(IoRequest request, boolean idempotent) {
      this.request = request;
      this.idempotent = idempotent;
    }

    /** Sends the call to the next endpoint not tried, or completes it with {@code last} when none is left. */
    void next(IoStatus last) {
      for (;;) {
        Member m = pick(tried);
        if (m == null) {
          request.complete(last);
          return;
        }
        tried |= 1L << m.index;
        Connection c = m.connection;
        if (c == null) {
          continue;                             // ejected since it was picked
        }
        IoStatus moved = request.changeTarget(c.target());
        if (!moved.isSuccess()) {
          last = moved;
          continue;
        }
        request.setCompletionRoutine(this, c);
        member = m;
        m.pending.incrementAndGet();
        if (request.send(c.target())) {
          return;
        }
        m.pending.decrementAndGet();
        last = request.status();
        if (last.equals(IoStatus.CANCELLED)) {
          request.complete(last);
          return;
        }
        m.eject(c, "refused a call: " + last);
      }
    }

    @Override
    public void onCompletion(IoRequest r, IoTarget t, IoCompletionParams params, Connection c) {
      Member m = member;
      m.pending.decrementAndGet();
      IoStatus status = params.status();
      if (notSent(status)) {
        if (!status.equals(RpcStatus.SERVER_TOO_BUSY)) {
          m.eject(c, "a call was not sent: " + status);
        }
        next(status);
        return;
      }
      if (status.equals(RpcStatus.CONNECTION_LOST)) {
        m.eject(c, "the connection was lost during a call");
        if (idempotent) {
          next(status);                         // it may have run there: sent again only as the contract allows
          return;
        }
      }
      r.complete(status, params.information());
    }
  }

  /** Whether a call that ended with {@code status} provably reached no service. */
  static boolean notSent(IoStatus status) {
    return status.equals(IoStatus.DEVICE_REMOVED_NOT_SENT) || status.equals(IoStatus.INVALID_DEVICE_STATE)
        || status.equals(RpcStatus.SERVER_TOO_BUSY);
  }

  /**
   * The member the policy picks among those connected, not ejected and not in {@code tried}, those whose host
   * reports it is serving first; null if none.
   */
  private Member pick(long tried) {
    Member m = pick(tried, false);
    return m != null ? m : pick(tried, true);
  }

  private Member pick(long tried, boolean unhealthyToo) {
    int n = members.length;
    int start = Math.floorMod(turn.getAndIncrement(), n);
    Member best = null;
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      Member m = members[i];
      if ((tried & (1L << i)) != 0 || m.ejected || m.connection == null || (m.unhealthy && !unhealthyToo)) {
        continue;
      }
      if (balancing == LoadBalancing.ROUND_ROBIN) {
        return m;
      }
      if (best == null || m.pending.get() < best.pending.get()) {
        best = m;
      }
    }
    return best;
  }
}
