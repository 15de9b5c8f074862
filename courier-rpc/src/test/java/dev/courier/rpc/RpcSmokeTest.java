package dev.courier.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.inprocess.InProcessBinding;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcSmokeTest {
  record DivideByZero(int dividend) {}

  @ServiceContract(name = "Calculator")
  public interface CalculatorService {
    int add(int a, int b);

    @FaultContract(DivideByZero.class)
    int divide(int a, int b);
  }

  @ServiceContract(name = "Calculator")
  public interface CalculatorClient {
    int add(int a, int b);

    CompletableFuture<Integer> addAsync(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);

    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<Integer> listener);

    @FaultContract(DivideByZero.class)
    CompletionStage<Integer> divideAsync(int a, int b);

    boolean isBusy();
  }

  @ServiceContract(name = "Calculator")
  public interface AsyncCalculatorService {
    CompletionStage<Integer> addAsync(int a, int b);

    @FaultContract(DivideByZero.class)
    AsyncResult beginDivide(int a, int b, AsyncCallback callback, Object state);

    int endDivide(AsyncResult result);
  }

  static final class SyncCalc implements CalculatorService {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public int divide(int a, int b) {
      if (b == 0) {
        throw new FaultException("cannot divide by zero", new DivideByZero(a));
      }
      return a / b;
    }
  }

  static final class AsyncCalc implements AsyncCalculatorService {
    @Override
    public CompletionStage<Integer> addAsync(int a, int b) {
      return CompletableFuture.completedFuture(a + b);
    }

    @Override
    public AsyncResult beginDivide(int a, int b, AsyncCallback callback, Object state) {
      CompletableFuture<Integer> f = new CompletableFuture<>();
      if (b == 0) {
        f.completeExceptionally(new FaultException("cannot divide by zero", new DivideByZero(a)));
      } else {
        f.complete(a / b);
      }
      return AsyncResult.of(f, callback, state);
    }

    @Override
    public int endDivide(AsyncResult result) {
      return (Integer) result.join();
    }
  }

  ServiceHost host;

  @AfterEach
  void tearDown() {
    if (host != null) {
      host.abort();
    }
  }

  private CalculatorClient client(Object service, Class<?> contract, String address) {
    host = ServiceHost.builder(service).endpoint(contract, InProcessBinding.create(), address).build().open();
    return ChannelFactory.builder(CalculatorClient.class).binding(InProcessBinding.create()).address(address)
        .build().createChannel();
  }

  @Test
  void everyClientShapeCallsASynchronousService() throws Exception {
    CalculatorClient calc = client(new SyncCalc(), CalculatorService.class, "inproc://smoke-sync");
    assertThat(calc.add(1, 2)).isEqualTo(3);
    assertThat(calc.addAsync(2, 3).get(5, TimeUnit.SECONDS)).isEqualTo(5);
    AsyncResult ar = calc.beginAdd(3, 4, null, "s");
    assertThat(calc.endAdd(ar)).isEqualTo(7);
    assertThat(ar.asyncState()).isEqualTo("s");
    List<CompletedEvent<Integer>> events = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> got = new CompletableFuture<>();
    calc.onAddCompleted(e -> { events.add(e); got.complete(null); });
    calc.addAsync(4, 5, "row");
    got.get(5, TimeUnit.SECONDS);
    assertThat(events.get(0).result()).isEqualTo(9);
    assertThat(events.get(0).userState()).isEqualTo("row");
    assertThatThrownBy(() -> calc.divideAsync(1, 0).toCompletableFuture().join())
        .hasCauseInstanceOf(FaultException.class);
    ClientChannel.of(calc).close();
    assertThat(ClientChannel.of(calc).state()).isEqualTo(CommunicationState.CLOSED);
  }

  @Test
  void everyClientShapeCallsAnAsynchronousService() throws Exception {
    CalculatorClient calc = client(new AsyncCalc(), AsyncCalculatorService.class, "inproc://smoke-async");
    assertThat(calc.add(1, 2)).isEqualTo(3);
    assertThat(calc.addAsync(2, 3).get(5, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(calc.endAdd(calc.beginAdd(3, 4, null, null))).isEqualTo(7);
    FaultException f = (FaultException) org.assertj.core.api.Assertions.catchThrowable(
        () -> calc.divideAsync(1, 0).toCompletableFuture().join()).getCause();
    assertThat(f.detail()).isEqualTo(new DivideByZero(1));
  }
}
