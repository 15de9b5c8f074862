package dev.courier.rpc.artemis;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An Artemis broker for one test class, started before its first test and stopped after its last one: persistent
 * (an NIO journal in a temporary directory), security off, one TCP acceptor on a free port of 127.0.0.1, so that a
 * host in a child JVM reaches it too. Its queues are read through the broker itself (counts) or a plain JMS client
 * (messages).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedBroker broker = new EmbeddedBroker();
 * }</pre>
 */
final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedActiveMQ server;
  private int port;
  private ActiveMQConnectionFactory factory;
  private Path dir;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("courier-artemis-broker-");
    port = freePort();
    server = start(dir, port);
    factory = new ActiveMQConnectionFactory(url());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    factory.close();
    server.stop();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static EmbeddedActiveMQ start(Path dir, int port) throws Exception {
    Configuration config = new ConfigurationImpl();
    config.setPersistenceEnabled(true)
        .setJournalType(JournalType.NIO)
        // the journal is written, not forced to the disk at each commit: what the tests kill is a host, never the
        // broker, and a forced write costs each of 10,000 messages a disk's round trip on a build machine
        .setJournalSyncTransactional(false)
        .setJournalSyncNonTransactional(false)
        .setJournalDirectory(dir.resolve("journal").toString())
        .setBindingsDirectory(dir.resolve("bindings").toString())
        .setPagingDirectory(dir.resolve("paging").toString())
        .setLargeMessagesDirectory(dir.resolve("large").toString())
        .setSecurityEnabled(false)
        // the broker's own dead-letter and expiry addresses, which the binding never uses (its dead-letter queue
        // is its own), set so that the broker does not warn of their absence for each queue
        .addAddressSetting("#", new AddressSettings().setDeadLetterAddress(SimpleString.of("broker.DLA"))
            .setExpiryAddress(SimpleString.of("broker.expired")))
        .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
    EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
    server.start();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The broker's URL for a JMS client. */
  String url() {
    return "tcp://127.0.0.1:" + port;
  }

  /** The queued binding's address of {@code queue} on this broker. */
  String address(String queue) {
    return "courier.artemis://127.0.0.1:" + port + "/" + queue;
  }

  /** The messages in {@code queue} (0 when it does not exist), those being delivered included. */
  long messageCount(String queue) {
    Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
    return q == null ? 0 : q.getMessageCount();
  }

  /** The consumers of {@code queue} (0 when it does not exist). */
  int consumerCount(String queue) {
    Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
    return q == null ? 0 : q.getConsumerCount();
  }

  /** Takes {@code count} messages from {@code queue}, in order, waiting for each at most {@code limit}. */
  List<Message> take(String queue, int count, java.time.Duration limit) throws JMSException {
    List<Message> messages = new ArrayList<>();
    try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
      c.start();
      while (messages.size() < count) {
        Message m = consumer.receive(limit.toMillis());
        if (m == null) {
          throw new AssertionError(messages.size() + " messages in " + queue + " within " + limit + " (expected: " + count + ")");
        }
        messages.add(m);
      }
    }
    return messages;
  }

  /** Sends a text message with {@code properties} to {@code queue}, as a sender other than Courier would. */
  void send(String queue, String body, java.util.Map<String, Object> properties) throws JMSException {
    try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(queue))) {
      Message m = s.createTextMessage(body);
      for (var e : properties.entrySet()) {
        m.setObjectProperty(e.getKey(), e.getValue());
      }
      p.send(m);
    }
  }
}
