package dev.courier.rpc.artemis;

import dev.courier.rpc.artemis.internal.AmbientTransaction;

/**
 * The one-way calls a thread sends while it is open, delivered together or not at all, as WCF's
 * {@code TransactionScope} around queued calls: {@link #commit()} puts every message on its queue at once, and
 * {@link #close()} without a commit delivers none.
 *
 * <pre>{@code
 * try (QueuedTransaction tx = binding.beginTransaction()) {
 *   orders.place(a);
 *   orders.place(b);
 *   tx.commit();
 * }
 * }</pre>
 *
 * <p>A call joins the transaction open on the thread that sends it through a channel of the same binding (the
 * caller's thread, for a proxy's calls; a client filter that forwards a call from another thread takes it out of
 * the transaction). In a transaction a call returns once its message is in the transaction, not yet durable: the
 * commit makes it so. One transaction sends to queues of one broker.
 *
 * <p>Threading: confined to the thread that began it; {@link #commit()} blocks until the broker has committed.
 */
public final class QueuedTransaction implements AutoCloseable {
  private final AmbientTransaction tx;

  QueuedTransaction(AmbientTransaction tx) {
    this.tx = tx;
  }

  /**
   * Delivers every message sent in the transaction: each is on its queue, durably, when this returns.
   *
   * @throws dev.courier.rpc.CommunicationException when the broker did not commit (none was delivered)
   * @throws IllegalStateException when the transaction is closed or committed, or this is not its thread
   */
  public void commit() {
    tx.commit();
  }

  /** Whether {@link #commit()} was called. */
  public boolean committed() {
    return tx.committed();
  }

  /** Ends the transaction: what was sent is dropped unless it was committed. Closing twice does nothing. */
  @Override
  public void close() {
    tx.close();
  }
}
