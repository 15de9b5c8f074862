package dev.courier.rpc.artemis.internal;

import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.Peer;
import dev.courier.rpc.artemis.DeadLetterReason;
import dev.courier.rpc.artemis.MessageProperties;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.Listener;
import dev.courier.rpc.spi.Session;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint listening on a queue: competing consumers, each on its own virtual thread with its own transacted
 * JMS session, receive a message, present it to the endpoint as a one-way call and wait for the service's
 * outcome ({@link Invocation#serviceFailure()}): a call that ends well commits the receive, one that fails rolls
 * it back (the broker delivers it again), and on its last allowed delivery it goes to the dead-letter queue with
 * its failure, in the same transaction. A message whose deadline passed, or that does not read by the contract,
 * goes to the dead-letter queue without running.
 *
 * <pre>{@code
 * Listener l = QueueConsumers.start(broker, address, "orders", endpoint, options);
 * l.close();            // stops receiving, lets the calls in progress commit, then closes
 * }</pre>
 *
 * <p>Threading: each consumer's thread blocks in {@code receive} and while its call runs; the service runs
 * where its host runs it. {@link #close()} may be called from any thread and waits for the consumers.
 */
public final class QueueConsumers implements Listener {
  private static final System.Logger LOG = System.getLogger(QueueConsumers.class.getName());
  private static final IoControlCode CALL = IoControlCode.of(0x8C11, 1, IoControlCode.TransferMethod.NEITHER, 0);

  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int STOPPED = 2;

  private final EndpointAddress address;
  private final String queue;
  private final String deadLetterQueue;
  private final Endpoint endpoint;
  private final HostOptions options;
  private final JsonEncoding encoding;
  private final Broker.OwnConnection connection;
  private final List<Consumer> consumers = new ArrayList<>();
  private final AtomicBoolean closing = new AtomicBoolean();

  private QueueConsumers(EndpointAddress address, String queue, Endpoint endpoint, HostOptions options,
      Broker.OwnConnection connection) {
    this.address = address;
    this.queue = queue;
    this.deadLetterQueue = options.deadLetterQueueOf(queue);
    this.endpoint = endpoint;
    this.options = options;
    this.encoding = JsonEncoding.of(endpoint.contract());
    this.connection = connection;
  }

  /**
   * Starts {@code options.consumers()} consumers of {@code queue} on {@code broker} for {@code endpoint}.
   *
   * @throws CommunicationException when the broker cannot be reached
   */
  public static QueueConsumers start(Broker broker, EndpointAddress address, String queue, Endpoint endpoint,
      HostOptions options) {
    Broker.OwnConnection connection = broker.newConnection(options.consumerWindowSize());
    QueueConsumers listener = new QueueConsumers(address, queue, endpoint, options, connection);
    try {
      connection.connection().setExceptionListener(e -> listener.failed(e));
      for (int i = 0; i < options.consumers(); i++) {
        listener.consumers.add(listener.new Consumer(i));
      }
      connection.connection().start();
    } catch (JMSException | RuntimeException e) {
      listener.consumers.forEach(Consumer::closeSession);
      connection.close();
      throw new CommunicationException("cannot consume queue " + queue + " at " + broker.url() + ": " + e.getMessage(),
          false, e);
    }
    listener.consumers.forEach(Consumer::start);
    return listener;
  }

  @Override
  public EndpointAddress address() {
    return address;
  }

  /**
   * Drains: stops receiving, lets the calls in progress finish and commit (up to the drain timeout; then what is
   * left rolls back and will be delivered again), then closes the connection.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    for (Consumer c : consumers) {
      c.stopIfIdle();
    }
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    for (Consumer c : consumers) {
      if (c.thread == Thread.currentThread()) {
        continue;                    // closed by its own call (a service closing its host): it ends after the call
      }
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !c.thread.join(java.time.Duration.ofNanos(left))) {
          LOG.log(System.Logger.Level.WARNING, "a call from queue " + queue + " still runs after the drain timeout ("
              + options.drainTimeout() + "); its message rolls back and will be delivered again");
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    connection.close();
    for (Consumer c : consumers) {
      if (c.courierSession != null) {
        c.courierSession.close();
      }
    }
  }

  private void failed(JMSException e) {
    if (!closing.get()) {
      LOG.log(System.Logger.Level.WARNING, "the connection consuming queue " + queue + " failed", e);
    }
  }

  /** What becomes of a message: commit its receive, roll it back, or move it to the dead-letter queue. */
  private record Disposition(DeadLetterReason deadLetter, Throwable failure, String reason) {
    static final Disposition COMMIT = new Disposition(null, null, "commit");
    static final Disposition ROLL_BACK = new Disposition(null, null, "roll back");
  }

  /** One competing consumer: a thread, a transacted session and the Courier session its calls go to. */
  private final class Consumer implements Runnable {
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final jakarta.jms.Session session;
    private final MessageConsumer consumer;
    private volatile Session courierSession;    // opened by the consumer's thread, once the host is open
    private final IoTarget local;
    private MessageProducer deadLetters;
    private volatile Thread thread;

    private final int index;

    Consumer(int index) throws JMSException {
      this.index = index;
      session = connection.connection().createSession(true, jakarta.jms.Session.SESSION_TRANSACTED);
      consumer = session.createConsumer(session.createQueue(queue));
      IoQueue presenter = IoQueue.parallel().onDefault((q, r) -> courierSession.dispatch(r)).build();
      local = IoDevice.builder("courier.artemis " + queue + " consumer " + index).defaultQueue(presenter).build()
          .openTarget();
    }

    void start() {
      thread = Thread.ofVirtual().name("courier.artemis " + queue + " consumer " + index).start(this);
    }

    /** Stops the consumer now if it waits for a message (its receive returns nothing). */
    void stopIfIdle() {
      if (state.compareAndSet(IDLE, STOPPED)) {
        Broker.closeQuietly(consumer);
      }
    }

    void closeSession() {
      Broker.closeQuietly(session);
    }

    /**
     * Opens the consumer's session with the endpoint: a host refuses sessions until it has opened all its
     * endpoints, so the consumer tries again, a little later each time, until it is open or closing.
     */
    private boolean openSession() {
      long pause = 1_000_000;
      long warnAt = System.nanoTime() + 10_000_000_000L;
      while (!closing.get()) {
        try {
          courierSession = endpoint.openSession(null, Peer.at(address.toString()));
          return true;
        } catch (CommunicationException e) {
          if (warnAt != 0 && System.nanoTime() > warnAt) {
            LOG.log(System.Logger.Level.WARNING, "the endpoint at " + address + " still refuses a session; its"
                + " consumer tries again", e);
            warnAt = 0;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(pause);
          pause = Math.min(pause * 2, 200_000_000);
        }
      }
      return false;
    }

    @Override
    public void run() {
      try {
        if (!openSession()) {
          return;
        }
        while (true) {
          Message m = consumer.receive();
          if (m == null || !state.compareAndSet(IDLE, BUSY)) {
            if (m != null) {
              session.rollback();        // received as it stopped: it goes back to the queue
            }
            return;
          }
          handle(m);
          state.set(IDLE);
          if (closing.get()) {
            stopIfIdle();
            return;
          }
        }
      } catch (JMSException | RuntimeException e) {
        if (!closing.get()) {
          LOG.log(System.Logger.Level.WARNING, "a consumer of queue " + queue + " stopped", e);
        }
      } finally {
        local.close();
        closeSession();
      }
    }

    private void handle(Message m) throws JMSException {
      Disposition d = dispose(m);
      if (d == Disposition.COMMIT) {
        session.commit();
      } else if (d == Disposition.ROLL_BACK) {
        session.rollback();
      } else {
        deadLetter(m, d);
        session.commit();
      }
    }

    private Disposition dispose(Message m) throws JMSException {
      int deliveries = m.propertyExists("JMSXDeliveryCount") ? m.getIntProperty("JMSXDeliveryCount") : 1;
      String action = m.getStringProperty(MessageProperties.ACTION);
      OperationDescription op = action == null ? null : endpoint.contract().operationByAction(action).orElse(null);
      if (op == null) {
        return new Disposition(DeadLetterReason.UNREADABLE, null, action == null ? "the message has no "
            + MessageProperties.ACTION + " property (expected: a call sent by the courier.artemis binding)"
            : "no operation with action " + action + " in contract " + endpoint.contract().name());
      }
      long now = System.currentTimeMillis();
      long timeoutNanos = Invocation.NO_DEADLINE;
      if (m.propertyExists(MessageProperties.DEADLINE)) {
        long deadline = m.getLongProperty(MessageProperties.DEADLINE);
        if (deadline <= now) {
          return new Disposition(DeadLetterReason.EXPIRED, null, "its deadline, "
              + java.time.Instant.ofEpochMilli(deadline) + ", passed while it waited in queue " + queue);
        }
        timeoutNanos = (deadline - now) * 1_000_000;
      }
      Object[] args;
      try {
        if (!(m instanceof TextMessage text) || text.getText() == null) {
          throw new JsonEncoding.UnreadableBodyException("the message is not a text message with a JSON body");
        }
        args = encoding.arguments(text.getText(), op);
      } catch (JsonEncoding.UnreadableBodyException e) {
        return new Disposition(DeadLetterReason.UNREADABLE, e, e.getMessage());
      }
      Throwable failure = run(op, args, headers(m), timeoutNanos);
      if (failure == null) {
        return Disposition.COMMIT;
      }
      if (deliveries >= options.maxDeliveries()) {
        return new Disposition(DeadLetterReason.FAILED, failure, String.valueOf(failure.getMessage()));
      }
      LOG.log(System.Logger.Level.DEBUG, "delivery " + deliveries + " of " + options.maxDeliveries() + " of message "
          + m.getJMSMessageID() + " of queue " + queue + " failed; it rolls back", failure);
      return Disposition.ROLL_BACK;
    }

    /** Presents the call to the endpoint's session and waits for the service's outcome: its failure, or null. */
    private Throwable run(OperationDescription op, Object[] args, Map<String, String> headers, long timeoutNanos) {
      Invocation inv = new Invocation(op, args, headers, timeoutNanos);
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      inv.handleServiceFailure();
      inv.onServiceFinished(() -> outcome.complete(inv.serviceFailure()));
      IoRequest r = IoRequest.create();
      r.formatDeviceControl(local, CALL, null, null);
      r.context(Invocation.KEY, inv);
      r.setCompletionRoutine((request, target, params, context) -> {
        if (!params.status().equals(IoStatus.SUCCESS)) {
          outcome.complete(notRun(op, params.status(), inv));
        }
      }, null);
      if (!r.send(local, SendOptions.defaults())) {
        outcome.complete(notRun(op, r.status(), inv));
      }
      return outcome.join();
    }

    private Throwable notRun(OperationDescription op, IoStatus status, Invocation inv) {
      Throwable failure = inv.serviceFailure();
      return failure != null ? failure : new CommunicationException("the host did not run " + op.name() + " ("
          + status + ")", false);
    }

    private void deadLetter(Message m, Disposition d) throws JMSException {
      if (deadLetters == null) {
        deadLetters = session.createProducer(session.createQueue(deadLetterQueue));
        deadLetters.setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
      }
      Message copy = m instanceof TextMessage text ? session.createTextMessage(text.getText()) : session.createMessage();
      for (String name : propertyNames(m)) {
        if (!name.startsWith("JMS") && !name.startsWith("_")) {
          copy.setObjectProperty(name, m.getObjectProperty(name));
        }
      }
      copy.setStringProperty(MessageProperties.DEAD_LETTER_REASON, d.deadLetter().name());
      if (d.failure() != null) {
        copy.setStringProperty(MessageProperties.FAILURE_CLASS, d.failure().getClass().getName());
      }
      copy.setStringProperty(MessageProperties.FAILURE_MESSAGE, d.reason());
      copy.setIntProperty(MessageProperties.DELIVERY_COUNT,
          m.propertyExists("JMSXDeliveryCount") ? m.getIntProperty("JMSXDeliveryCount") : 1);
      copy.setStringProperty(MessageProperties.ORIGINAL_QUEUE, queue);
      if (m.getJMSMessageID() != null) {
        copy.setStringProperty(MessageProperties.ORIGINAL_MESSAGE_ID, m.getJMSMessageID());
      }
      deadLetters.send(copy);
      LOG.log(System.Logger.Level.DEBUG, "message " + m.getJMSMessageID() + " of queue " + queue + " went to "
          + deadLetterQueue + " (" + d.deadLetter() + ": " + d.reason() + ")");
    }

    private static List<String> propertyNames(Message m) throws JMSException {
      java.util.Enumeration<?> names = m.getPropertyNames();
      List<String> list = new ArrayList<>();
      while (names.hasMoreElements()) {
        list.add(String.valueOf(names.nextElement()));
      }
      return list;
    }

    private Map<String, String> headers(Message m) throws JMSException {
      Map<String, String> headers = new HashMap<>();
      for (String name : propertyNames(m)) {
        String header = MessageProperties.headerName(name);
        if (header != null) {
          headers.put(header, m.getStringProperty(name));
        }
      }
      return Map.copyOf(headers);
    }
  }
}
