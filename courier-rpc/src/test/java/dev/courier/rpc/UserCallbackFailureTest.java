package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.io.CallbackFailures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client's or a service's callback throws reaches the {@link dev.courier.io.CallbackFailureHandler},
 * naming the callback, and the call and the channel go on as if it had returned.
 */
class UserCallbackFailureTest {

  @ServiceContract(name = "Adder")
  public interface Adder {
    CompletionStage<Integer> addAsync(int a, int b);
  }

  @ServiceContract(name = "Adder")
  public interface AdderClient {
    int add(int a, int b);

    CompletableFuture<Integer> addAsync(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);

    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<Integer> listener);
  }

  /** Adds; a negative {@code a} holds the call with a cancellation listener that throws. */
  static final class HoldingAdder implements Adder {
    final CompletableFuture<Void> listening = new CompletableFuture<>();
    final CompletableFuture<Integer> held = new CompletableFuture<>();

    @Override
    public CompletionStage<Integer> addAsync(int a, int b) {
      if (a >= 0) {
        return CompletableFuture.completedFuture(a + b);
      }
      OperationContext.current().onCancel(() -> {
        throw new IllegalStateException("cancellation listener bug");
      });
      listening.complete(null);
      return held;
    }
  }

  final HoldingAdder service = new HoldingAdder();
  ServiceHost host;
  AdderClient client;

  UserCallbackFailureTest() {
    String address = address("callbacks");
    host = ServiceHost.builder(service).endpoint(Adder.class, INPROC, address).build().open();
    client = ChannelFactory.builder(AdderClient.class).binding(INPROC).address(address).build().createChannel();
  }

  @AfterEach
  void tearDown() {
    ClientChannel.of(client).abort();
    host.abort();
  }

  @Test
  void aCompletedListenerThatThrowsReachesTheHandlerNamingItsOperationAndTheChannelWorksOn() throws Exception {
    CompletableFuture<CompletedEvent<Integer>> seen = new CompletableFuture<>();
    client.onAddCompleted(e -> {
      seen.complete(e);
      throw new IllegalStateException("listener bug");
    });

    client.addAsync(1, 2, "row");

    assertThat(await(seen).result()).isEqualTo(3);
    assertThat(CallbackFailures.take(1)).singleElement().satisfies(f -> {
      assertThat(f.callback()).isEqualTo("completed listener of addAsync");
      assertThat(f.failure()).hasMessage("listener bug");
    });
    assertThat(client.add(2, 2)).isEqualTo(4);
  }

  @Test
  void anAsyncCallbackThatThrowsReachesTheHandlerAndTheCallCanStillBeEnded() throws Exception {
    CompletableFuture<AsyncResult> called = new CompletableFuture<>();

    AsyncResult ar = client.beginAdd(3, 4, r -> {
      called.complete(r);
      throw new IllegalStateException("callback bug");
    }, "state");

    assertThat(await(called)).isSameAs(ar);
    assertThat(CallbackFailures.take(1)).singleElement().satisfies(f -> {
      assertThat(f.callback()).isEqualTo("AsyncCallback of beginAdd");
      assertThat(f.failure()).hasMessage("callback bug");
    });
    assertThat(client.endAdd(ar)).isEqualTo(7);
    assertThat(client.add(2, 2)).isEqualTo(4);
  }

  @Test
  void aCancellationListenerThatThrowsReachesTheHandlerAndTheCallIsStillCancelled() throws Exception {
    CompletableFuture<Integer> call = client.addAsync(-1, 0);
    await(service.listening);

    call.cancel(true);

    assertThat(CallbackFailures.take(1)).singleElement().satisfies(f -> {
      assertThat(f.callback()).startsWith("cancellation listener ");
      assertThat(f.failure()).hasMessage("cancellation listener bug");
    });
    assertThat(call).isCancelled();
    assertThat(client.add(2, 2)).isEqualTo(4);
    service.held.complete(0);                                     // the service's call ends
    dev.courier.io.Eventually.until(() -> host.callsInFlight() == 0, "the cancelled call to end");
  }
}
