package dev.courier.bench;

import dev.courier.bench.LoadDriver.Calls;
import dev.courier.bench.LoadDriver.LoadSpec;
import dev.courier.bench.LoadDriver.Message;
import dev.courier.bench.LoadDriver.Mode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A kind of target that the {@link LoadDriver} drives: one of the TCP suite's echoes ({@link EchoTarget.Kind},
 * byte arrays) or one of the SOAP suite's ({@link SoapEchoTarget.Kind}, a string or a record).
 */
public sealed interface LoadTarget permits EchoTarget.Kind, SoapEchoTarget.Kind {

  /** The name on the command line, unique among every kind. */
  String id();

  /** The name in reports. */
  String label();

  /** Whether this build can open the target. */
  boolean available();

  /** The messages it echoes, its default first. */
  List<Message> messages();

  /** Whether it takes one-way messages as well as calls. */
  boolean oneWay();

  /** Whether it can run a load of {@code mode} with {@code message}. */
  default boolean supports(Mode mode, Message message) {
    return messages().contains(message) && (mode == Mode.UNARY || oneWay());
  }

  /**
   * What a JVM of its own for one run of this target starts with besides the suite's arguments: the system
   * properties that must be set before its libraries start (none for most targets).
   */
  default List<String> jvmArgs() {
    return List.of();
  }

  /**
   * Starts the server and connects the client for one run of {@code spec}; the server runs
   * {@code onDelivery} for each one-way message its service receives.
   */
  Calls<?> open(LoadSpec spec, Runnable onDelivery);

  /** The kind named {@code id} on a command line. */
  static LoadTarget of(String id) {
    String name = id.toLowerCase(Locale.ROOT);
    return Stream.<LoadTarget>concat(Stream.of(EchoTarget.Kind.values()), Stream.of(SoapEchoTarget.Kind.values()))
        .filter(k -> k.id().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("target: " + id
            + " (expected: courier, grpc or raw for TCP; courier-soap, cxf or metro for SOAP)"));
  }
}
