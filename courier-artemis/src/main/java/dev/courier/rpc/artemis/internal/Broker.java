package dev.courier.rpc.artemis.internal;

import dev.courier.rpc.CommunicationException;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * One broker (or cluster) a binding talks to: its URL, the connection its senders share and a pool of
 * sessions to send on. A JMS session is not thread safe: a sender takes one from the pool, sends, and gives
 * it back, so each session has one owner at a time and no lock is held.
 *
 * <pre>{@code
 * Broker broker = Broker.of("tcp://localhost:61616", null, null);
 * Broker.Producer p = broker.take();
 * try { p.producer("orders").send(message, listener); } finally { broker.give(p); }
 * }</pre>
 *
 * <p>Threading: thread safe. Listeners do not use the shared connection: each has its own
 * ({@link #newConnection(int)}), so that closing one ends its sessions alone.
 */
public final class Broker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Broker.class.getName());

  /** The bytes of sends the broker confirms at once: 1, every send as soon as it is stored. */
  private static final int CONFIRMATION_WINDOW = 1;

  private final String url;
  private final String user;
  private final String password;
  private final Object lock = new Object();
  private final ConcurrentLinkedQueue<Producer> idle = new ConcurrentLinkedQueue<>();
  private Connection shared;                 // guarded by lock
  private ActiveMQConnectionFactory sharedFactory;   // guarded by lock
  private volatile boolean closed;

  /**
   * A session a sender owns while it sends, with a producer bound to each queue it has sent to: the queue is
   * looked up once per session, not once per send.
   *
   * <p>Threading: one owner at a time; the pool hands it from one owner to the next.
   */
  public static final class Producer {
    private final Session session;
    private final java.util.Map<String, MessageProducer> byQueue = new java.util.HashMap<>();

    private Producer(Session session) {
      this.session = session;
    }

    /** The session, to make messages with. */
    public Session session() {
      return session;
    }

    /** The persistent producer of this session for {@code queue}, made on first use. */
    public MessageProducer producer(String queue) throws JMSException {
      MessageProducer p = byQueue.get(queue);
      if (p == null) {
        p = session.createProducer(session.createQueue(queue));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        byQueue.put(queue, p);
      }
      return p;
    }
  }

  private Broker(String url, String user, String password) {
    this.url = Objects.requireNonNull(url, "url");
    this.user = user;
    this.password = password;
  }

  /** The broker at {@code url} (an Artemis core URL), reached as {@code user} ({@code null}: no credentials). */
  public static Broker of(String url, String user, String password) {
    return new Broker(url, user, password);
  }

  /** The broker's URL. */
  public String url() {
    return url;
  }

  /**
   * A new connection, not started, whose consumers prefetch {@code consumerWindowSize} bytes (0: none; -1: no
   * limit), owned by the caller: closing it closes its factory too.
   *
   * @throws CommunicationException when the broker cannot be reached
   */
  public OwnConnection newConnection(int consumerWindowSize) {
    ActiveMQConnectionFactory factory = factory();
    factory.setConsumerWindowSize(consumerWindowSize);
    try {
      return new OwnConnection(user == null ? factory.createConnection() : factory.createConnection(user, password),
          factory);
    } catch (JMSException e) {
      factory.close();
      throw unreachable(e);
    }
  }

  /**
   * A connection of one owner, with the factory that made it (closing the factory would close the connection).
   *
   * @param connection the connection
   * @param factory its factory
   */
  public record OwnConnection(Connection connection, ActiveMQConnectionFactory factory) implements AutoCloseable {
    /** Closes the connection (rolling back what its transacted sessions did not commit), then its factory. */
    @Override
    public void close() {
      closeQuietly(connection);
      factory.close();
    }
  }

  /**
   * The connection the senders share, connected now if it is not yet.
   *
   * @throws CommunicationException when the broker cannot be reached
   */
  public Connection connection() {
    synchronized (lock) {
      if (closed) {
        throw new CommunicationException("the binding is closed; the broker at " + url + " is not reachable through it",
            false);
      }
      if (shared == null) {
        if (sharedFactory == null) {
          sharedFactory = factory();
          // without a confirmation window Artemis completes an asynchronous send at once, before the broker has
          // the message; with one, each send completes on the broker's confirmation that it stored it
          sharedFactory.setConfirmationWindowSize(CONFIRMATION_WINDOW);
        }
        try {
          Connection c = user == null ? sharedFactory.createConnection() : sharedFactory.createConnection(user, password);
          c.setExceptionListener(e -> lost(c, e));
          shared = c;
        } catch (JMSException e) {
          throw unreachable(e);
        }
      }
      return shared;
    }
  }

  /**
   * A session to send on, owned by the caller until {@link #give} or {@link #discard}.
   *
   * @throws JMSException when no session can be made
   */
  public Producer take() throws JMSException {
    Producer p = idle.poll();
    if (p != null) {
      return p;
    }
    return new Producer(connection().createSession(false, Session.AUTO_ACKNOWLEDGE));
  }

  /** Gives back a session whose send is under way or done: another sender may use it now. */
  public void give(Producer p) {
    idle.offer(p);
    if (closed && idle.remove(p)) {
      closeQuietly(p.session());
    }
  }

  /** Drops a session a send failed on. */
  public void discard(Producer p) {
    closeQuietly(p.session());
  }

  /** The shared connection failed: the next send connects afresh. */
  private void lost(Connection c, JMSException e) {
    synchronized (lock) {
      if (shared != c) {
        return;
      }
      shared = null;
    }
    LOG.log(System.Logger.Level.WARNING, "the connection to the broker at " + url + " failed; the next send reconnects", e);
    drainIdle();
    closeQuietly(c);
  }

  /** Closes the shared connection and the idle sessions. */
  @Override
  public void close() {
    Connection c;
    ActiveMQConnectionFactory f;
    synchronized (lock) {
      closed = true;
      c = shared;
      shared = null;
      f = sharedFactory;
      sharedFactory = null;
    }
    drainIdle();
    if (c != null) {
      closeQuietly(c);
    }
    if (f != null) {
      f.close();
    }
  }

  private void drainIdle() {
    for (Producer p = idle.poll(); p != null; p = idle.poll()) {
      closeQuietly(p.session());
    }
  }

  private ActiveMQConnectionFactory factory() {
    try {
      return new ActiveMQConnectionFactory(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("broker URL: " + url + " (expected: an Artemis URL such as tcp://host:61616, or"
          + " a list of them such as (tcp://a:61616,tcp://b:61616)?ha=true): " + e.getMessage(), e);
    }
  }

  private CommunicationException unreachable(JMSException e) {
    return new CommunicationException("cannot reach the broker at " + url + ": " + e.getMessage(), false, e);
  }

  /** Closes a session or a connection, ignoring what a broken one throws. */
  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + c + " failed", e);
    }
  }
}
