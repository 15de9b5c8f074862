package dev.courier.opentelemetry;

import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.ServiceContract;
import io.opentelemetry.api.trace.SpanContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The contracts and services of the telemetry tests: {@code Front} (service A) relays to {@code Back} (service B)
 * through a channel of its own; {@code Back} echoes, refuses with a declared fault, fails, or holds a call until the
 * caller cancels it.
 */
final class Hops {
  private Hops() {}

  /** The detail of {@code Back}'s declared fault. */
  public record Refusal(String text) {}

  /** Service A's contract as it implements it. */
  @ServiceContract(name = "Front")
  public interface Front {
    /** Calls {@code Back.echo} and returns its answer. */
    String relay(String text);

    /** Calls {@code Back.echo} twice, the second from a stage on the OperationContext's executor. */
    CompletionStage<String> relayTwiceAsync(String text);

    @Operation(oneWay = true)
    void post(String text);
  }

  /** Service A's contract as its clients call it. */
  @ServiceContract(name = "Front")
  public interface FrontClient {
    String relay(String text);

    String relayTwice(String text);

    @Operation(oneWay = true)
    void post(String text);
  }

  /** Service B's contract as it implements it. */
  @ServiceContract(name = "Back")
  public interface Back {
    String echo(String text);

    @FaultContract(Refusal.class)
    String refuse(String text);

    String fail(String text);

    /** Completes when the caller cancels the call (its timeout), with that cancellation. */
    CompletionStage<String> holdAsync(String text);

    /** The value of the call's header {@code name}, as the service reads it. */
    String header(String name);
  }

  /** Service B's contract as its clients call it. */
  @ServiceContract(name = "Back")
  public interface BackClient {
    String echo(String text);

    CompletableFuture<String> echoAsync(String text);

    @FaultContract(Refusal.class)
    String refuse(String text);

    String fail(String text);

    String hold(String text);

    String header(String name);
  }

  /** Service A: relays to B, and shows the tests the span it reached through its OperationContext. */
  static final class FrontService implements Front {
    private final BackClient back;
    final CompletableFuture<SpanContext> reached = new CompletableFuture<>();
    final CompletableFuture<String> posted = new CompletableFuture<>();

    FrontService(BackClient back) {
      this.back = back;
    }

    @Override
    public String relay(String text) {
      reached.complete(CourierTelemetry.span(OperationContext.current()).getSpanContext());
      return back.echo(text);
    }

    @Override
    public CompletionStage<String> relayTwiceAsync(String text) {
      OperationContext call = OperationContext.current();
      return back.echoAsync(text).thenComposeAsync(first -> back.echoAsync(first + " again"), call.executor());
    }

    @Override
    public void post(String text) {
      posted.complete(text);
    }
  }

  /** Service B. */
  static final class BackService implements Back {
    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public String refuse(String text) {
      throw new FaultException("refused " + text, new Refusal(text));
    }

    @Override
    public String fail(String text) {
      throw new IllegalStateException("failed " + text);
    }

    @Override
    public CompletionStage<String> holdAsync(String text) {
      CompletableFuture<String> held = new CompletableFuture<>();
      OperationContext.current().onCancel(() -> held.completeExceptionally(new CancellationException("caller gave up on " + text)));
      return held;
    }

    @Override
    public String header(String name) {
      return OperationContext.current().headers().get(name);
    }
  }

  /** The callback contract of {@code Greeter}: what its caller's callback object implements. */
  @ServiceContract(name = "Decorator")
  public interface Decorator {
    String decorate(String text);
  }

  /** A duplex contract: {@code greet} calls its caller back during the call. */
  @ServiceContract(name = "Greeter", callback = Decorator.class)
  public interface Greeter {
    String greet(String name);
  }

  /** The greeter: has its caller decorate the greeting. */
  static final class GreeterService implements Greeter {
    @Override
    public String greet(String name) {
      return OperationContext.current().callback(Decorator.class).decorate("Hello, " + name);
    }
  }
}
