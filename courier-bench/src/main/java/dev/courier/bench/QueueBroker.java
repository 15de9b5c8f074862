package dev.courier.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * The queue suite's Apache Artemis broker, embedded in the run's JVM: persistent, its journal in a fresh temporary
 * directory (deleted on close), the AIO journal where libaio works on that directory and NIO otherwise, journal
 * syncing as Artemis ships it (on: a message is on disk when the broker confirms it), security off, one acceptor on
 * a free port of 127.0.0.1.
 *
 * <pre>{@code
 * try (QueueBroker broker = QueueBroker.start()) {
 *   new ActiveMQConnectionFactory(broker.url());
 * }
 * }</pre>
 */
final class QueueBroker implements AutoCloseable {
  /** Where the broker listens: {@code 127.0.0.1:port}. */
  private final String hostPort;
  private final Path dir;
  private final JournalType journal;
  private final EmbeddedActiveMQ server;

  private QueueBroker(String hostPort, Path dir, JournalType journal, EmbeddedActiveMQ server) {
    this.hostPort = hostPort;
    this.dir = dir;
    this.journal = journal;
    this.server = server;
  }

  /** Starts a broker with an empty journal; throws if it does not start. */
  static QueueBroker start() throws Exception {
    Path dir = Files.createTempDirectory("courier-bench-broker-");
    try {
      String hostPort;
      try (ServerSocket free = new ServerSocket(0)) {
        hostPort = "127.0.0.1:" + free.getLocalPort();
      }
      JournalType journal = AIOSequentialFileFactory.isSupported(dir.toFile()) ? JournalType.ASYNCIO : JournalType.NIO;
      Configuration config = new ConfigurationImpl()
          .setPersistenceEnabled(true)
          .setJournalType(journal)
          .setJournalDirectory(dir.resolve("journal").toString())
          .setBindingsDirectory(dir.resolve("bindings").toString())
          .setPagingDirectory(dir.resolve("paging").toString())
          .setLargeMessagesDirectory(dir.resolve("large").toString())
          .setSecurityEnabled(false)
          .addAcceptorConfiguration("tcp", "tcp://" + hostPort);
      EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
      server.start();
      return new QueueBroker(hostPort, dir, journal, server);
    } catch (Exception | Error e) {
      delete(dir);
      throw e;
    }
  }

  /** The broker's URL for an Artemis client. */
  String url() {
    return "tcp://" + hostPort;
  }

  /** The queued binding's address of {@code queue} on this broker. */
  String address(String queue) {
    return "courier.artemis://" + hostPort + "/" + queue;
  }

  /** The journal's type: {@code AIO} or {@code NIO}. */
  String journalType() {
    return journal == JournalType.ASYNCIO ? "AIO" : "NIO";
  }

  /** The type of the file system the journal is on, as in {@code ext4}. */
  String fileSystem() {
    try {
      return Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Stops the broker and deletes its journal. */
  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("the broker did not stop: " + e.getMessage(), e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
