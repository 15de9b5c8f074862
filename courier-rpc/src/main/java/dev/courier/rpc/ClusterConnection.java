package dev.courier.rpc;

import dev.courier.io.IoClock;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.io.SendOptions;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel's connection to several endpoints of one service. Each call goes to the endpoint the
 * {@link LoadBalancing} picks among those that can take it ({@link ClusterAttempts}: on to the next when it
 * provably reached none, or when its connection was lost and its operation is idempotent); an idempotent call may
 * be hedged ({@link HedgedCall}); a one-way call of a broadcast goes to every endpoint ({@link BroadcastCall}).
 * An asynchronous call that is neither goes straight from its channel to the endpoints ({@link DirectAttempts});
 * the others are sent to this connection's target, whose driver sends them on.
 *
 * <p>The endpoints are the resolver's: asked when the channel is created, every resolve interval, and when a call
 * finds no endpoint left (at most once a second). A new endpoint is connected in the background; one no longer
 * named is retired: it takes no new call and closes after its last. A call keeps the endpoints it started with.
 * With a health interval, each endpoint's host is asked for its health once connected and then that often, over
 * the connection to it where the binding can ({@link Connection#health}), and one that says DRAINING or
 * NOT_SERVING gets new calls only when no other can take them.
 *
 * <p>Threading: calls are sent from any thread and never block on a connect; connects, health requests and
 * resolutions run on virtual threads; a health answer over a connection is taken where it arrives (an I/O thread),
 * where it only sets the endpoint's flag.
 */
final class ClusterConnection implements Connection {
  private static final System.Logger LOG = System.getLogger(ChannelFactory.class.getName());
  private static final long MIN_RESOLVE_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final int MAX_ENDPOINTS = 64;

  private final Binding binding;
  private final EndpointResolver resolver;
  private final ContractDescription contract;
  private final Endpoint callbacks;
  private final IoClock clock;
  private final ClusterPolicy policy;
  private final IoTarget target;
  private final AtomicInteger turn = new AtomicInteger();
  private final AtomicBoolean resolving = new AtomicBoolean();
  private final java.util.Set<ClusterMember.Link> openLinks = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile ClusterMember[] members;
  private volatile long lastResolvedNanos;
  private volatile boolean closed;
  private final AtomicInteger directCalls = new AtomicInteger();   // calls sent straight to the endpoints, not ended
  private volatile boolean draining;             // the channel closes: the last direct call to end says so

  private ClusterConnection(Binding binding, EndpointResolver resolver, ContractDescription contract,
      Endpoint callbacks, IoClock clock, ClusterPolicy policy) {
    this.binding = binding;
    this.resolver = resolver;
    this.contract = contract;
    this.callbacks = callbacks;
    this.clock = clock;
    this.policy = policy;
    this.target = IoTargets.create("courier cluster " + resolver, this::dispatch, clock);
  }

  /**
   * Connects to every endpoint {@code resolver} names; those that cannot be reached now are ejected and tried
   * again later.
   *
   * @throws CommunicationException when none can be reached
   */
  static ClusterConnection connect(Binding binding, EndpointResolver resolver, ContractDescription contract,
      Endpoint callbacks, IoClock clock, ClusterPolicy policy) {
    ClusterConnection cluster = new ClusterConnection(binding, resolver, contract, callbacks, clock, policy);
    List<EndpointAddress> addresses = cluster.resolve();
    cluster.members = addresses.stream().map(a -> new ClusterMember(cluster, a)).toArray(ClusterMember[]::new);
    List<Thread> connecting = new ArrayList<>();
    AtomicInteger connected = new AtomicInteger();
    for (ClusterMember m : cluster.members) {
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
        throw new CommunicationException("interrupted while connecting to " + resolver, false, e);
      }
    }
    if (connected.get() == 0) {
      cluster.close();
      throw new CommunicationException("no endpoint of " + resolver + " could be reached", false);
    }
    if (policy.healthInterval() != null) {
      // Asked right away, so that a host already draining does not get calls for a whole interval; then every interval.
      Thread.ofVirtual().name("courier-cluster-health").start(cluster::lookAtHealth);
    }
    cluster.every(policy.healthInterval(), "courier-cluster-health", cluster::lookAtHealth);
    cluster.every(policy.resolveInterval(), "courier-cluster-resolve", cluster::resolveAgain);
    return cluster;
  }

  /** The resolver's endpoints now, checked. */
  private List<EndpointAddress> resolve() {
    lastResolvedNanos = clock.nanoTime();
    List<EndpointAddress> addresses = resolver.resolve();
    if (addresses == null || addresses.isEmpty() || addresses.size() > MAX_ENDPOINTS) {
      throw new IllegalArgumentException("endpoints: " + (addresses == null ? "null" : addresses.size()) + " from "
          + resolver + " (expected: 1 to " + MAX_ENDPOINTS + ")");
    }
    for (EndpointAddress a : addresses) {
      if (!a.scheme().equals(binding.scheme())) {
        throw new IllegalArgumentException("endpoint address: " + a + " from " + resolver + " (expected: the scheme "
            + binding.scheme() + " of the binding)");
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(addresses));
  }

  /** Asks the resolver again: new endpoints are connected in the background, those gone are retired. */
  private void resolveAgain() {
    if (closed || !resolving.compareAndSet(false, true)) {
      return;
    }
    try {
      List<EndpointAddress> addresses;
      try {
        addresses = resolve();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "endpoints of " + resolver + " not resolved: " + e.getMessage());
        return;                                 // the endpoints known go on serving
      }
      Map<EndpointAddress, ClusterMember> known = new HashMap<>();
      for (ClusterMember m : members) {
        known.put(m.address, m);
      }
      ClusterMember[] next = new ClusterMember[addresses.size()];
      List<ClusterMember> added = new ArrayList<>();
      for (int i = 0; i < next.length; i++) {
        next[i] = known.remove(addresses.get(i));
        if (next[i] == null) {
          next[i] = new ClusterMember(this, addresses.get(i));
          added.add(next[i]);
        }
      }
      if (added.isEmpty() && known.isEmpty()) {
        return;
      }
      added.forEach(ClusterMember::connect);    // before they are in the snapshot: a call finds them ready
      members = next;
      known.values().forEach(ClusterMember::retire);
    } finally {
      resolving.set(false);
    }
  }

  /** A call found no endpoint to take it: the resolver is asked again, at most once a second. */
  void noEndpointLeft() {
    if (!closed && policy.resolveInterval() != null && !resolving.get()
        && clock.nanoTime() - lastResolvedNanos >= MIN_RESOLVE_GAP_NANOS) {
      Thread.ofVirtual().name("courier-cluster-resolve").start(this::resolveAgain);
    }
  }

  /**
   * Asks every connected endpoint's host for its health: over the connection to it where the binding can (no
   * connection opened and closed every few seconds, and no thread waits), on one of the binding's own otherwise.
   * No answer leaves the endpoint as it was: the calls themselves find out whether it is there.
   */
  private void lookAtHealth() {
    for (ClusterMember m : members) {
      if (closed) {
        return;
      }
      ClusterMember.Link link = m.link();
      if (link == null) {
        continue;
      }
      try {
        java.util.concurrent.CompletionStage<HealthState> asked = link.connection.health(policy.healthInterval());
        if (asked != null) {
          asked.whenComplete((state, failure) -> {
            if (failure == null) {
              m.unhealthy = state != HealthState.SERVING;
            }
          });
        } else {
          m.unhealthy = binding.fetchHealth(m.address, policy.healthInterval()) != HealthState.SERVING;
        }
      } catch (RuntimeException e) {
        // no answer
      }
    }
  }

  /** Runs {@code task} on a virtual thread after {@code interval}, and again after each run, until closed. */
  private void every(java.time.Duration interval, String name, Runnable task) {
    if (interval == null || closed) {
      return;
    }
    clock.schedule(() -> Thread.ofVirtual().name(name).start(() -> {
      task.run();
      every(interval, name, task);
    }), interval.toNanos());
  }

  Connection connectTo(EndpointAddress address) {
    return binding.connect(address, contract, callbacks, clock);
  }

  IoClock clock() {
    return clock;
  }

  /** The links of every endpoint, past and present, not closed yet: closing the channel closes them. */
  java.util.Set<ClusterMember.Link> openLinks() {
    return openLinks;
  }

  boolean isClosed() {
    return closed;
  }

  /** The endpoints now. */
  ClusterMember[] members() {
    return members;
  }

  @Override
  public IoTarget target() {
    return target;
  }

  @Override
  public Executor completionExecutor() {
    for (ClusterMember m : members) {
      ClusterMember.Link l = m.link();
      if (l != null) {
        return l.connection.completionExecutor();         // a binding's executor serves any of its connections' completions
      }
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    target.close();
    for (ClusterMember.Link l : openLinks) {
      l.close();                                // ejected and retired endpoints' links too
    }
  }

  // =============================================================================================
  // Calls
  // =============================================================================================

  /** A call delivered to the cluster's target. */
  private void dispatch(IoRequest request) {
    request.formatUsingCurrentType();
    ClusterMember[] now = members;
    Invocation inv = request.context(Invocation.KEY);
    Broadcast broadcast = request.context(Broadcast.KEY);
    if (broadcast != null && inv != null) {
      new BroadcastCall(request, broadcast).start(this, now);
      return;
    }
    OperationDescription op = inv == null ? null : inv.operation();
    boolean idempotent = op != null && op.isIdempotent();
    if (idempotent && policy.hedging() != null && now.length > 1 && !op.isOneWay()) {
      new HedgedCall(this, now, request, inv, policy.hedging()).start();
      return;
    }
    long deadline = ClusterAttempts.deadline(clock, inv == null ? Invocation.NO_DEADLINE : inv.timeoutNanos());
    new ForwardedAttempts(this, now, request, idempotent, deadline, inv).next(IoStatus.DEVICE_REMOVED_NOT_SENT);
  }

  /** How a call its channel sends straight to the endpoints ({@link #sendDirectly}) goes on and ends. */
  interface Caller {
    /** The options of an attempt after the first, with {@code timeoutNanos} left (or {@link Invocation#NO_DEADLINE}). */
    SendOptions options(long timeoutNanos);

    /** Whether the caller has cancelled the call (set before its cancel reaches the request). */
    boolean cancelled();

    /** The call ended with {@code status}: called once, where the last attempt completed or was refused. */
    void ended(IoStatus status);
  }

  /**
   * Whether an asynchronous call of {@code op} may skip this cluster's target ({@link #sendDirectly}): every call
   * but a hedged one, whose copies this cluster's target sends.
   */
  boolean sendsDirectly(OperationDescription op) {
    return !(op.isIdempotent() && policy.hedging() != null && !op.isOneWay() && members.length > 1);
  }

  /**
   * Sends an asynchronous call, its request formatted for this cluster's target with its invocation, straight to
   * the endpoints, one after another as {@link ClusterAttempts} decide; {@code caller} hears the end once, possibly
   * before this returns. The first attempt goes with {@code options}, later ones with what is left of
   * {@code timeoutNanos}.
   */
  void sendDirectly(IoRequest request, OperationDescription op, SendOptions options, long timeoutNanos,
      Caller caller) {
    long deadline = ClusterAttempts.deadline(clock, timeoutNanos);
    directCalls.incrementAndGet();
    // Counted before the check: a close that began meanwhile either sees this call and waits, or is seen here.
    new DirectAttempts(this, members, request, op.isIdempotent(), options, deadline, caller)
        .start(draining || closed ? IoStatus.DEVICE_REMOVED_NOT_SENT : null);
  }

  /** A call sent straight to the endpoints has ended. */
  void directCallEnded() {
    if (directCalls.decrementAndGet() == 0 && draining) {
      synchronized (directCalls) {
        directCalls.notifyAll();
      }
    }
  }

  /**
   * Waits until the calls sent straight to the endpoints have ended, as its target's stop waits for the calls
   * sent through it: the channel's graceful close. A call sent from now on is refused as not sent. An interrupt
   * does not cut the wait short; the thread's interrupt status is set again after it.
   */
  void awaitDirectCalls() {
    draining = true;
    boolean interrupted = false;
    synchronized (directCalls) {
      while (directCalls.get() > 0) {
        try {
          directCalls.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A copy of {@code call}, formatted for this cluster's target with an invocation of its own that has
   * {@code timeoutNanos} left; null when the target has closed.
   */
  IoRequest copyOf(IoRequest call, Invocation invocation, long timeoutNanos) {
    IoRequest copy = IoRequest.create();
    if (!copy.formatDeviceControl(target, call.ioControlCode(), null, null).isSuccess()) {
      return null;
    }
    copy.context(Invocation.KEY, ClusterAttempts.withTimeLeft(invocation, timeoutNanos));
    return copy;
  }

  /**
   * The place in {@code members} of the endpoint the policy picks among those that can take a call and are not in
   * {@code tried} (a bit per place), those whose host reports it is serving first; -1 if none.
   */
  int pick(ClusterMember[] members, long tried) {
    int i = pick(members, tried, false);
    return i >= 0 ? i : pick(members, tried, true);
  }

  private int pick(ClusterMember[] members, long tried, boolean unhealthyToo) {
    int n = members.length;
    int start = Math.floorMod(turn.getAndIncrement(), n);
    int best = -1;
    for (int k = 0, i = start; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      ClusterMember m = members[i];
      if ((tried & (1L << i)) != 0 || !m.available() || (m.unhealthy && !unhealthyToo)) {
        continue;
      }
      if (policy.balancing() == LoadBalancing.ROUND_ROBIN) {
        return i;
      }
      if (best < 0 || m.pending() < members[best].pending()) {
        best = i;
      }
    }
    return best;
  }
}
