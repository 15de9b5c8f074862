package dev.courier.testpage.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.OperationShape;
import dev.courier.rpc.ServiceEndpoint;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Calls one operation of one endpoint for the page, through a real Courier client: a channel of the endpoint's
 * contract on the endpoint's binding, connected through the endpoint's {@link WireTap} so that the bytes of the call
 * are kept.
 *
 * <pre>{@code
 * ObjectNode outcome = invoker.invoke(mapper.readTree("""
 *     {"endpoint": 0, "operation": "add", "arguments": {"a": 1, "b": 2}}"""));
 * // {"outcome": "result", "result": 3, "elapsedMicros": 812, "wire": "hex", "request": "...", "response": "..."}
 * }</pre>
 *
 * <p>Calls to one endpoint run one at a time, so that what the tap keeps belongs to one call. Threading: thread safe;
 * {@link #invoke} blocks and never runs on an I/O thread.
 */
public final class Invoker implements AutoCloseable {
  /** How long one call may take before the page reports a timeout. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ONE_WAY_WAIT = Duration.ofSeconds(2);

  private final ObjectMapper mapper;
  private final List<Target> targets = new ArrayList<>();

  /** A client for every endpoint of {@code endpoints}, each behind a tap when it has a host and port. */
  public Invoker(List<ServiceEndpoint> endpoints, ObjectMapper mapper) {
    this.mapper = mapper;
    try {
      for (ServiceEndpoint e : endpoints) {
        Optional<WireTap> tap = WireTap.open(e.address());
        targets.add(new Target(e, tap.orElse(null)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A request the page sent that cannot be called, with what is wrong and what was expected. */
  public static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    /** A bad request saying {@code message}. */
    public BadRequest(String message) {
      super(message);
    }
  }

  /**
   * Calls what {@code request} asks for ({@code endpoint} index or {@code contract} name, {@code operation},
   * {@code arguments} by parameter name) and describes the outcome.
   *
   * @throws BadRequest when the request names no endpoint or operation of the host, or an argument is not of its type
   */
  public ObjectNode invoke(JsonNode request) throws BadRequest, InterruptedException {
    if (request == null || !request.isObject()) {
      throw new BadRequest("request: " + (request == null ? "empty" : request.getNodeType().toString().toLowerCase())
          + " (expected: a JSON object {\"contract\", \"operation\", \"arguments\"})");
    }
    Target target = target(request);
    ContractDescription contract = target.endpoint.contract();
    JsonNode operationName = request.path("operation");
    if (!operationName.isTextual()) {
      throw new BadRequest("operation: " + operationName + " (expected: the name of an operation of " + contract.name() + ")");
    }
    OperationDescription operation = contract.operations().stream()
        .filter(o -> o.name().equals(operationName.asText())).findFirst()
        .orElseThrow(() -> new BadRequest("operation: " + operationName.asText() + " (expected one of "
            + contract.operations().stream().map(OperationDescription::name).toList() + " of contract " + contract.name() + ")"));
    if (contract.isDuplex()) {
      throw new BadRequest("contract " + contract.name() + " is duplex (expected: a contract without callbacks; the page "
          + "has no callback object to give the service)");
    }
    Object[] arguments = arguments(operation, request.path("arguments"));
    return target.call(operation, arguments);
  }

  private Target target(JsonNode request) throws BadRequest {
    JsonNode index = request.path("endpoint");
    if (index.isInt()) {
      if (index.asInt() < 0 || index.asInt() >= targets.size()) {
        throw new BadRequest("endpoint: " + index.asInt() + " (expected: 0 to " + (targets.size() - 1) + ")");
      }
      return targets.get(index.asInt());
    }
    JsonNode contract = request.path("contract");
    if (!contract.isTextual()) {
      throw new BadRequest("contract: " + contract + " (expected: the name of a contract the host serves, one of "
          + contractNames() + ")");
    }
    return targets.stream().filter(t -> t.endpoint.contract().name().equals(contract.asText())).findFirst()
        .orElseThrow(() -> new BadRequest("contract: " + contract.asText() + " (expected one of " + contractNames() + ")"));
  }

  private List<String> contractNames() {
    return targets.stream().map(t -> t.endpoint.contract().name()).distinct().toList();
  }

  private Object[] arguments(OperationDescription operation, JsonNode given) throws BadRequest {
    List<String> names = operation.parameterNames();
    if (!given.isMissingNode() && !given.isObject()) {
      throw new BadRequest("arguments: " + given.getNodeType().toString().toLowerCase()
          + " (expected: an object with the parameters of " + operation.name() + " by name, " + names + ")");
    }
    for (Iterator<String> it = given.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new BadRequest("argument " + name + " (expected: a parameter of " + operation.name() + ", one of " + names + ")");
      }
    }
    Object[] out = new Object[names.size()];
    for (int i = 0; i < out.length; i++) {
      JavaType type = mapper.constructType(operation.parameterTypes().get(i));
      JsonNode node = given.path(names.get(i));
      if (node.isMissingNode() || node.isNull()) {
        if (type.isPrimitive()) {
          throw new BadRequest("argument " + names.get(i) + " of " + operation.name() + ": null (expected: a "
              + type.getRawClass().getName() + ")");
        }
        out[i] = type.getRawClass() == Optional.class ? Optional.empty() : null;
        continue;
      }
      try {
        out[i] = mapper.treeToValue(node, type);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        throw new BadRequest("argument " + names.get(i) + " of " + operation.name() + ": " + node + " (expected: "
            + type.toCanonical() + "): " + why.lines().findFirst().orElse(""));
      }
    }
    return out;
  }

  /** Closes the taps. */
  @Override
  public void close() {
    targets.forEach(Target::close);
  }

  /** One endpoint: its client, its tap, and the lock that keeps its calls one at a time. */
  private final class Target {
    private final ServiceEndpoint endpoint;
    private final WireTap tap;
    private final ChannelFactory<?> factory;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    Target(ServiceEndpoint endpoint, WireTap tap) {
      this.endpoint = endpoint;
      this.tap = tap;
      ChannelFactory<?> f = null;
      if (!endpoint.contract().isDuplex()) {
        f = ChannelFactory.builder(endpoint.contract().type()).binding(endpoint.binding())
            .address(tap != null ? tap.address() : endpoint.address())
            .operationTimeout(CALL_TIMEOUT).build();
      }
      this.factory = f;
    }

    ObjectNode call(OperationDescription operation, Object[] arguments) throws InterruptedException {
      ObjectNode out = mapper.createObjectNode();
      out.put("contract", endpoint.contract().name());
      out.put("operation", operation.name());
      out.put("address", endpoint.address().toString());
      oneAtATime.lockInterruptibly();
      try {
        Object channel = null;
        long elapsed = 0;
        try {
          channel = factory.createChannel();
          if (tap != null) {
            tap.clear();                       // what opening the channel sent (a handshake, a session) is not the call
          }
          long sentBefore = tap != null ? tap.sentTotal() : 0;
          long start = System.nanoTime();
          try {
            Object result = callIn(channel, operation, arguments);
            elapsed = System.nanoTime() - start;
            if (operation.isOneWay()) {
              out.put("outcome", "sent");
              if (tap != null) {
                tap.awaitSentBeyond(sentBefore, ONE_WAY_WAIT);   // a one-way call returns once its binding has it
              }
            } else {
              out.put("outcome", "result");
              out.set("result", mapper.valueToTree(result));
            }
          } catch (FaultException f) {
            elapsed = System.nanoTime() - start;
            out.put("outcome", "fault");
            ObjectNode fault = out.putObject("fault");
            fault.put("code", f.code());
            fault.put("reason", f.reason());
            fault.set("detail", mapper.valueToTree(f.detail()));
            if (f.detail() != null) {
              fault.put("detailType", f.detail().getClass().getSimpleName());
            }
          }
        } catch (RuntimeException e) {
          out.put("outcome", "failure");
          ObjectNode failure = out.putObject("failure");
          failure.put("type", e.getClass().getSimpleName());
          failure.put("message", String.valueOf(e.getMessage()));
        } finally {
          if (channel != null) {
            ClientChannel.of(channel).close();
          }
        }
        out.put("elapsedMicros", elapsed / 1_000);
        if (tap == null) {
          out.put("wire", "none");
          out.put("request", "(" + endpoint.address().scheme() + ": the call does not cross a network)");
          out.put("response", "");
        } else if (WireTap.showsText(endpoint.address())) {
          out.put("wire", "text");
          out.put("request", tap.sent().text());
          out.put("response", tap.received().text());
        } else {
          out.put("wire", "hex");
          out.put("request", tap.sent().hex());
          out.put("response", tap.received().hex());
        }
        return out;
      } finally {
        oneAtATime.unlock();
      }
    }

    void close() {
      if (tap != null) {
        tap.close();
      }
    }
  }

  /** Calls {@code operation} on {@code channel} in the first shape its contract declares: SYNC, TASK, BEGIN_END. */
  private static Object callIn(Object channel, OperationDescription operation, Object[] arguments)
      throws InterruptedException {
    try {
      Optional<Method> sync = operation.method(OperationShape.SYNC);
      if (sync.isPresent()) {
        return reflect(sync.get(), channel, arguments);
      }
      Optional<Method> task = operation.method(OperationShape.TASK);
      if (task.isPresent()) {
        CompletionStage<?> stage = (CompletionStage<?>) reflect(task.get(), channel, arguments);
        try {
          return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
          throw unchecked(e.getCause());
        }
      }
      Method begin = operation.method(OperationShape.BEGIN_END).orElseThrow(() -> new IllegalStateException(
          "operation " + operation.name() + " has no shape the page calls (expected: SYNC, TASK or BEGIN_END)"));
      Object[] withCallback = java.util.Arrays.copyOf(arguments, arguments.length + 2);
      AsyncResult pending = (AsyncResult) reflect(begin, channel, withCallback);
      return reflect(operation.endMethod().orElseThrow(), channel, new Object[] {pending});
    } catch (InvocationTargetException e) {
      throw unchecked(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + operation.name() + " (expected: a public contract interface): " + e, e);
    }
  }

  private static Object reflect(Method method, Object target, Object[] arguments)
      throws InvocationTargetException, IllegalAccessException {
    method.trySetAccessible();
    return method.invoke(target, arguments);
  }

  private static RuntimeException unchecked(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }
}
