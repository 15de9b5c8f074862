package dev.courier.bench;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.utils.VersionLoader;

/**
 * The queue suite's reference: the same broker driven directly with Artemis's Jakarta Messaging client, as its
 * documentation recommends for durable messages. The sender: persistent text messages sent with the JMS 2.0
 * asynchronous send (a {@link CompletionListener}; with a confirmation window the listener runs when the broker
 * has stored the message, and the send does not block), on one session and one producer bound to the queue, made
 * once and reused, message ids and timestamps off. The consumers: {@link QueueTarget#CONSUMERS}
 * {@code MessageListener}s, each on a transacted session of its own that commits each message once the listener
 * has counted it: the guarantee of Courier's consumers, each message processed in its own transaction.
 */
final class ArtemisJmsTarget implements QueueTarget.Messages {
  /** Artemis's default consumer window: 1 MiB of prefetch. */
  static final int DEFAULT_WINDOW = 1024 * 1024;
  /** The confirmation window of Courier's senders: each send confirmed as soon as it is stored. */
  private static final int CONFIRMATION_WINDOW = 1;
  private static final String QUEUE = "tally";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final int consumerWindow;
  private final String item;
  private final CompletionListener confirmations;
  private Session sending;
  private MessageProducer producer;

  private ArtemisJmsTarget(int consumerWindow, String item, QueueTarget.Outcomes outcomes) {
    this.consumerWindow = consumerWindow;
    this.item = item;
    this.confirmations = new CompletionListener() {
      @Override
      public void onCompletion(Message message) {
        outcomes.confirmed();
      }

      @Override
      public void onException(Message message, Exception e) {
        outcomes.failed(e);
      }
    };
  }

  /** Starts the consumers, with {@code consumerWindow} bytes of prefetch each, then connects the sender. */
  static ArtemisJmsTarget open(QueueBroker broker, String item, QueueTarget.Outcomes outcomes, int consumerWindow)
      throws JMSException {
    ArtemisJmsTarget t = new ArtemisJmsTarget(consumerWindow, item, outcomes);
    try {
      ActiveMQConnectionFactory consuming = t.keep(new ActiveMQConnectionFactory(broker.url()));
      consuming.setConsumerWindowSize(consumerWindow);
      Connection c = t.keep(consuming.createConnection());
      for (int i = 0; i < QueueTarget.CONSUMERS; i++) {
        Session s = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
        consumer.setMessageListener(m -> {
          try {
            if (((TextMessage) m).getText() == null) {
              throw new IllegalStateException("a message without its text");
            }
            outcomes.processed();
            s.commit();
          } catch (JMSException | RuntimeException e) {
            outcomes.failed(e);
          }
        });
      }
      c.start();
      ActiveMQConnectionFactory sendingFactory = t.keep(new ActiveMQConnectionFactory(broker.url()));
      sendingFactory.setConfirmationWindowSize(CONFIRMATION_WINDOW);
      Connection sender = t.keep(sendingFactory.createConnection());
      t.sending = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
      t.producer = t.sending.createProducer(t.sending.createQueue(QUEUE));
      t.producer.setDeliveryMode(DeliveryMode.PERSISTENT);
      t.producer.setDisableMessageID(true);
      t.producer.setDisableMessageTimestamp(true);
      return t;
    } catch (JMSException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public String description() {
    return (consumerWindow == 0 ? "artemis-jms" : "artemis-jms, prefetch") + " (Artemis "
        + VersionLoader.getVersion().getFullVersion() + ", Jakarta Messaging client): persistent text messages "
        + "sent with `MessageProducer.send(message, CompletionListener)` (JMS 2.0 asynchronous send, "
        + "confirmationWindowSize " + CONFIRMATION_WINDOW + " as Courier's senders: the listener runs when the broker "
        + "has stored the message) on one session and one producer made once, message ids and timestamps disabled; "
        + QueueTarget.CONSUMERS + " `MessageListener`s, each on a transacted session of its own committing each "
        + "message, consumerWindowSize " + consumerWindow + (consumerWindow == 0 ? "" : " (Artemis's default)");
  }

  @Override
  public void send() {
    try {
      producer.send(sending.createTextMessage(item), confirmations);
    } catch (JMSException | RuntimeException e) {
      confirmations.onException(null, e);
    }
  }

  /** Closes the sender's connection, then the consumers' (each waits for its listeners), then the factories. */
  @Override
  public void close() {
    for (AutoCloseable r : resources.reversed()) {
      try {
        r.close();
      } catch (Exception e) {
        // closing what a failed run leaves: the run's failure is what it reports
      }
    }
    resources.clear();
  }
}
