package dev.courier.rpc.artemis.internal;

import dev.courier.rpc.CommunicationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * The transaction open on one thread of one binding: the one-way calls that thread sends go into one transacted
 * JMS session, which {@link #commit()} commits and {@link #close()} rolls back when it was not committed. The
 * session is made at the first send, on the broker of that call's address.
 *
 * <pre>{@code
 * AmbientTransaction tx = transactions.begin();
 * ...                                  // sends on this thread: tx.send(broker, queue, writer)
 * tx.commit();
 * tx.close();
 * }</pre>
 *
 * <p>Threading: confined to the thread that began it, as a JMS session is.
 */
public final class AmbientTransaction implements AutoCloseable {
  private final ThreadLocal<AmbientTransaction> owner;
  private final Thread thread = Thread.currentThread();
  private Broker broker;
  private Session session;
  private MessageProducer producer;
  private boolean committed;
  private boolean closed;

  AmbientTransaction(ThreadLocal<AmbientTransaction> owner) {
    this.owner = owner;
  }

  /** Writes a message and sends it in the transaction: it reaches {@code queue} when the transaction commits. */
  void send(Broker to, String queue, QueueSender.MessageWriter writer) throws JMSException {
    checkOpen("send in");
    if (broker == null) {
      Session s = to.connection().createSession(true, Session.SESSION_TRANSACTED);
      producer = s.createProducer(null);
      producer.setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
      session = s;
      broker = to;
    } else if (broker != to) {
      throw new IllegalStateException("a queued transaction spans one broker: it sends to " + broker.url()
          + ", not to " + to.url() + " (expected: the calls of one transaction go to queues of one broker)");
    }
    Message message = writer.write(session);
    producer.send(session.createQueue(queue), message);
  }

  /**
   * Commits what was sent: every message is on its queue when this returns.
   *
   * @throws CommunicationException when the broker did not commit (nothing was delivered)
   */
  public void commit() {
    checkOpen("commit");
    committed = true;
    if (session != null) {
      try {
        session.commit();
      } catch (JMSException e) {
        throw new CommunicationException("the queued transaction did not commit at " + broker.url() + ": "
            + e.getMessage() + "; none of its messages was delivered", false, e);
      }
    }
  }

  /** Whether {@link #commit()} was called. */
  public boolean committed() {
    return committed;
  }

  /** Ends the transaction on this thread, rolling back what was sent unless it was committed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    checkThread("close");
    closed = true;
    owner.remove();
    if (session != null) {
      if (!committed) {
        try {
          session.rollback();
        } catch (JMSException e) {
          System.getLogger(AmbientTransaction.class.getName()).log(System.Logger.Level.DEBUG,
              "rolling back a queued transaction failed (the broker drops what was not committed)", e);
        }
      }
      Broker.closeQuietly(session);
    }
  }

  private void checkOpen(String what) {
    checkThread(what);
    if (closed) {
      throw new IllegalStateException("cannot " + what + " a queued transaction that is closed (expected: an open one)");
    }
    if (committed) {
      throw new IllegalStateException("cannot " + what + " a queued transaction that has committed"
          + " (expected: a new transaction for more calls)");
    }
  }

  private void checkThread(String what) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("cannot " + what + " a queued transaction from " + Thread.currentThread()
          + " (expected: the thread that began it, " + thread + ")");
    }
  }

  /**
   * The transactions of one binding, one per thread at most.
   *
   * <p>Threading: thread safe; each transaction is its thread's alone.
   */
  public static final class Scope {
    private final ThreadLocal<AmbientTransaction> current = new ThreadLocal<>();

    /** Begins a transaction on this thread. */
    public AmbientTransaction begin() {
      if (current.get() != null) {
        throw new IllegalStateException("a queued transaction is already open on " + Thread.currentThread()
            + " (expected: close it before beginning another)");
      }
      AmbientTransaction tx = new AmbientTransaction(current);
      current.set(tx);
      return tx;
    }

    /** The transaction open on this thread, or {@code null}. */
    AmbientTransaction current() {
      return current.get();
    }
  }
}
