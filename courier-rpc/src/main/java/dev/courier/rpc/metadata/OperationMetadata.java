package dev.courier.rpc.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation as metadata shows it: one per action, however many Java shapes declare it on either side.
 *
 * <pre>{@code
 * OperationMetadata add = metadata.contracts().getFirst().operation("add");
 * add.pattern();                       // REQUEST_REPLY
 * add.request().elements();            // a: xs:int, b: xs:int
 * add.reply().orElseThrow().elements() // addResult: xs:int
 * }</pre>
 *
 * @param name the operation's name
 * @param pattern who sends the first message, and whether a reply follows
 * @param request the message that starts the exchange (from the client, or from the service for a callback)
 * @param reply the reply, absent for a one-way exchange
 * @param faults the declared faults, which only a reply may carry
 * @param documentation the operation's {@code wsdl:documentation} in its port type, empty when it has none
 */
public record OperationMetadata(String name, Pattern pattern, MessageMetadata request, Optional<MessageMetadata> reply,
    List<FaultMetadata> faults, String documentation) {

  /** The message exchange of an operation, as WSDL 1.1 tells it from the order of input and output. */
  public enum Pattern {
    /** The client sends, the service replies: {@code wsdl:input} then {@code wsdl:output}. */
    REQUEST_REPLY,
    /** The client sends, nothing comes back: {@code wsdl:input} only. */
    ONE_WAY,
    /** A callback of a duplex contract: the service sends, nothing comes back; {@code wsdl:output} only. */
    CALLBACK_ONE_WAY,
    /** A callback of a duplex contract answered by the client: {@code wsdl:output} then {@code wsdl:input}. */
    CALLBACK_REQUEST_REPLY;

    /** Whether a reply follows the request. */
    public boolean hasReply() {
      return this == REQUEST_REPLY || this == CALLBACK_REQUEST_REPLY;
    }

    /** Whether the service sends the request (a callback of a duplex contract). */
    public boolean isCallback() {
      return this == CALLBACK_ONE_WAY || this == CALLBACK_REQUEST_REPLY;
    }
  }

  /** Checks that the reply is there exactly when the pattern has one, and that only replies carry faults. */
  public OperationMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reply, "reply");
    faults = List.copyOf(faults);
    Objects.requireNonNull(documentation, "documentation");
    if (reply.isPresent() != pattern.hasReply()) {
      throw new IllegalArgumentException("operation " + name + ": " + pattern + (reply.isPresent()
          ? " with a reply (expected: none)" : " without a reply (expected: one)"));
    }
    if (!faults.isEmpty() && !pattern.hasReply()) {
      throw new IllegalArgumentException("operation " + name + ": " + pattern + " declares faults " + faults.stream()
          .map(FaultMetadata::name).toList() + " (expected: faults only where a reply can carry them)");
    }
  }

  /** The same without documentation. */
  public OperationMetadata(String name, Pattern pattern, MessageMetadata request, Optional<MessageMetadata> reply,
      List<FaultMetadata> faults) {
    this(name, pattern, request, reply, faults, "");
  }
}
