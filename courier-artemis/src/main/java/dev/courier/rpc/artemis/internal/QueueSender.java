package dev.courier.rpc.artemis.internal;

import dev.courier.io.IoClock;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.io.spi.IoDriver;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.artemis.MessageProperties;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A channel's connection to a queue: its target's driver writes each one-way call as a persistent message and
 * completes the call's request once the broker has it durably (the JMS 2.0 asynchronous send's
 * {@link CompletionListener}), or, in a transaction open on the sending thread, once it is in the transaction.
 *
 * <pre>{@code
 * Connection c = QueueSender.connect(broker, "orders", contract, transactions, clock);
 * }</pre>
 *
 * <p>Threading: the driver runs on the sending thread and does not wait for the broker; the broker's
 * confirmation completes the request on an Artemis client thread, and the channel moves what user code follows
 * to a virtual thread ({@link #completionExecutor()}).
 */
public final class QueueSender implements IoDriver, Connection {
  private static final Executor COMPLETIONS = command -> Thread.ofVirtual().name("courier.artemis completion").start(command);

  private final Broker broker;
  private final String queue;
  private final JsonEncoding encoding;
  private final AmbientTransaction.Scope transactions;
  private final IoTarget target;

  /** Writes a call's message on the session that sends it. */
  @FunctionalInterface
  interface MessageWriter {
    /** The message, made by {@code session}. */
    Message write(Session session) throws JMSException;
  }

  private QueueSender(Broker broker, String queue, JsonEncoding encoding, AmbientTransaction.Scope transactions,
      String name, IoClock clock) {
    this.broker = broker;
    this.queue = queue;
    this.encoding = encoding;
    this.transactions = transactions;
    this.target = IoTargets.create(name, this, clock);
  }

  /**
   * A connection whose calls go to {@code queue} on {@code broker}, connecting to the broker now.
   *
   * @throws dev.courier.rpc.CommunicationException when the broker cannot be reached
   */
  public static QueueSender connect(Broker broker, String queue, ContractDescription contract,
      AmbientTransaction.Scope transactions, String name, IoClock clock) {
    JsonEncoding encoding = JsonEncoding.of(contract);
    broker.connection();
    return new QueueSender(broker, queue, encoding, transactions, name, clock);
  }

  @Override
  public IoTarget target() {
    return target;
  }

  @Override
  public Executor completionExecutor() {
    return COMPLETIONS;
  }

  @Override
  public void close() {
    target.close();
  }

  @Override
  public void dispatch(IoRequest request) {
    Invocation inv = request.context(Invocation.KEY);
    if (inv == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    OperationDescription op = inv.operation();
    if (op == null || !op.isOneWay()) {
      inv.failureReason(op == null ? "the call of " + inv.action() + " names no operation of a contract (expected: a"
          + " call from a channel of a one-way contract)" : "operation " + op.name() + " is not one-way (expected:"
          + " only one-way operations can be queued)");
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    String body;
    try {
      body = encoding.arguments(op, inv.arguments());
    } catch (RuntimeException e) {
      inv.failureReason("its arguments do not write as JSON: " + e.getMessage());
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    MessageWriter writer = session -> message(session, inv, body);
    AmbientTransaction tx = transactions.current();
    if (tx != null) {
      try {
        tx.send(broker, queue, writer);
      } catch (JMSException | RuntimeException e) {
        inv.failureReason("it could not be sent in the queued transaction: " + e.getMessage());
        request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
        return;
      }
      request.complete(IoStatus.SUCCESS);
      return;
    }
    send(request, inv, writer);
  }

  private void send(IoRequest request, Invocation inv, MessageWriter writer) {
    Broker.Producer p;
    try {
      p = broker.take();
    } catch (JMSException | RuntimeException e) {
      inv.failureReason("no session to the broker at " + broker.url() + ": " + e.getMessage());
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    try {
      Message message = writer.write(p.session());
      p.producer(queue).send(message, new CompletionListener() {
        @Override
        public void onCompletion(Message m) {
          request.complete(IoStatus.SUCCESS);
        }

        @Override
        public void onException(Message m, Exception e) {
          inv.failureReason("the broker at " + broker.url() + " did not confirm the message: " + e.getMessage());
          request.complete(RpcStatus.CONNECTION_LOST);
        }
      });
    } catch (JMSException | RuntimeException e) {
      broker.discard(p);
      inv.failureReason("the message could not be sent to the broker at " + broker.url() + ": " + e.getMessage());
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    broker.give(p);
  }

  private static Message message(Session session, Invocation inv, String body) throws JMSException {
    TextMessage m = session.createTextMessage(body);
    m.setStringProperty(MessageProperties.ACTION, inv.action());
    if (inv.timeoutNanos() != Invocation.NO_DEADLINE) {
      m.setLongProperty(MessageProperties.DEADLINE, System.currentTimeMillis() + inv.timeoutNanos() / 1_000_000);
    }
    for (Map.Entry<String, String> h : inv.headers().entrySet()) {
      m.setStringProperty(MessageProperties.headerProperty(h.getKey()), h.getValue());
    }
    return m;
  }

  @Override
  public String toString() {
    return "QueueSender[" + broker.url() + ", " + queue + "]";
  }
}
