package dev.courier.rpc;

import dev.courier.rpc.spi.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint of a {@link ClusterConnection}: its link (a connection and the calls on it) while it has one. An
 * endpoint whose connection fails is ejected for a while (half a second, doubling with each failure in a row up
 * to 30 s) and connected again in the background; one the resolver no longer names is retired. A link that failed
 * or was retired takes no new call and closes once the calls it has end, so that a host that drains answers them.
 *
 * <p>Threading: any thread reads it; a connect runs on a virtual thread (or the thread creating the channel), and
 * a connection is never closed on a thread that completes one of its calls.
 */
final class ClusterMember {
  private static final System.Logger LOG = System.getLogger(ChannelFactory.class.getName());
  private static final long FIRST_EJECTION_NANOS = Duration.ofMillis(500).toNanos();
  private static final long MAX_EJECTION_NANOS = Duration.ofSeconds(30).toNanos();

  /** A connection of the endpoint and the calls on it now. */
  static final class Link {
    final Connection connection;
    final AtomicInteger pending = new AtomicInteger();
    private volatile boolean done;              // failed or retired: closes when its last call ends
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.Set<Link> open;     // the channel's links not closed yet, this one among them

    Link(Connection connection, java.util.Set<Link> open) {
      this.connection = connection;
      this.open = open;
      open.add(this);
    }

    /** A call on it has ended. */
    void callEnded() {
      if (pending.decrementAndGet() == 0 && done) {
        closeSoon();
      }
    }

    /** It takes no new call, and closes once the calls it has end. */
    void finish() {
      done = true;
      if (pending.get() == 0) {
        closeSoon();
      }
    }

    /** Closes it now, with the calls it has (the channel closes). */
    void close() {
      if (closed.compareAndSet(false, true)) {
        open.remove(this);
        connection.close();
      }
    }

    private void closeSoon() {
      if (!closed.get()) {
        Thread.ofVirtual().name("courier-cluster-close").start(this::close);   // never on a completing thread
      }
    }
  }

  final EndpointAddress address;
  private final ClusterConnection cluster;
  private volatile Link link;                   // null until connected, and while ejected
  private volatile boolean ejected;
  private volatile boolean retired;
  volatile boolean unhealthy;                   // its host said DRAINING or NOT_SERVING at the last look
  private int failuresInARow;                   // guarded by this

  ClusterMember(ClusterConnection cluster, EndpointAddress address) {
    this.cluster = cluster;
    this.address = address;
  }

  /** Its link, or null when it has none to take a call now (not connected yet, ejected, retired). */
  Link link() {
    return ejected || retired ? null : link;
  }

  /** Whether it may take a call now: connected, neither ejected nor retired. */
  boolean available() {
    return link() != null;
  }

  /** The calls on its link now. */
  int pending() {
    Link l = link;
    return l == null ? 0 : l.pending.get();
  }

  /** The link failed or was lost: no call goes here until it is connected again, later. */
  void eject(Link failed, String why) {
    long delay;
    synchronized (this) {
      if (failed != null && link != failed) {
        return;                                 // an older link, replaced already
      }
      if (ejected || retired) {
        return;
      }
      ejected = true;
      link = null;
      failuresInARow++;
      delay = Math.min(MAX_EJECTION_NANOS, FIRST_EJECTION_NANOS << Math.min(20, failuresInARow - 1));
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "endpoint " + address + " ejected: " + why);
    // The failed link is finished when the endpoint is tried again, not now: a call that took the link just before
    // the ejection may be on its way into it, and closing would cancel it.
    cluster.clock().schedule(() -> Thread.ofVirtual().name("courier-cluster-connect").start(() -> {
      if (failed != null) {
        failed.finish();
      }
      connect();
    }), delay);
  }

  /** Connects, on the calling thread; a failure ejects the endpoint again. Returns whether it connected. */
  boolean connect() {
    if (cluster.isClosed() || retired) {
      return false;
    }
    Link l;
    try {
      l = new Link(cluster.connectTo(address), cluster.openLinks());
    } catch (RuntimeException e) {
      synchronized (this) {
        ejected = false;                        // so that eject counts this failure and schedules the next try
      }
      eject(null, String.valueOf(e.getMessage()));
      return false;
    }
    synchronized (this) {
      link = l;
      ejected = false;
      failuresInARow = 0;
    }
    l.connection.lost().thenAccept(why -> eject(l, why));
    if (cluster.isClosed() || retired) {
      l.finish();
      return false;
    }
    return true;
  }

  /** The resolver no longer names it: it takes no new call, and closes once the calls it has end. */
  void retire() {
    retired = true;
    Link l = link;
    if (l != null) {
      cluster.clock().schedule(l::finish, FIRST_EJECTION_NANOS);   // as an ejected link: no call on its way in
    }
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
