package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.spi.CallShape;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A calling shape from outside the core: {@code Flow.Publisher<R> opPublisher(args)}, registered as this module's
 * tests register it (META-INF/services), calls an operation like any built-in shape.
 */
class CallShapeTest {
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();

  /** Methods returning a {@code Flow.Publisher} declare the operation named without "Publisher". */
  public static final class PublisherShapes implements CallShape.Factory {
    @Override
    public CallShape create(Method m) {
      if (m.getReturnType() != Flow.Publisher.class) {
        return null;
      }
      Type item = ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[0];
      String name = m.getName().endsWith("Publisher") ? m.getName().substring(0, m.getName().length() - 9) : m.getName();
      return CallShape.of(name, List.of(m.getGenericParameterTypes()), item == Void.class ? void.class : item,
          (args, call) -> new OneShot<>(() -> call.start(args)));
    }
  }

  /** Starts its call when its one item is requested; cancelling the subscription cancels the call. */
  static final class OneShot<T> implements Flow.Publisher<T> {
    private final Supplier<CompletableFuture<Object>> start;

    OneShot(Supplier<CompletableFuture<Object>> start) {
      this.start = start;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      AtomicReference<CompletableFuture<Object>> call = new AtomicReference<>();
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          if (n > 0 && call.get() == null && call.compareAndSet(null, start.get())) {
            call.get().whenComplete((result, error) -> {
              if (error != null) {
                subscriber.onError(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
              } else {
                subscriber.onNext((T) result);
                subscriber.onComplete();
              }
            });
          }
        }

        @Override
        public void cancel() {
          CompletableFuture<Object> c = call.get();
          if (c != null) {
            c.cancel(true);
          }
        }
      });
    }
  }

  @ServiceContract(name = "Meter")
  public interface Meter {
    @FaultContract(Overflow.class)
    int add(int a, int b);

    String hold(String tag);
  }

  public record Overflow(int limit) {}

  @ServiceContract(name = "Meter")
  public interface MeterClient {
    Flow.Publisher<Integer> addPublisher(int a, int b);

    Flow.Publisher<String> holdPublisher(String tag);
  }

  @ServiceContract(name = "Meter")
  public interface Disagreeing {
    int add(int a, int b);

    Flow.Publisher<Integer> addPublisher(long a, long b);
  }

  static final class MeterService implements Meter {
    final CompletableFuture<OperationContext> held = new CompletableFuture<>();
    final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public int add(int a, int b) {
      if (a + b > 100) {
        throw new FaultException("over 100", new Overflow(100));
      }
      return a + b;
    }

    @Override
    public String hold(String tag) {
      OperationContext ctx = OperationContext.current();
      ctx.onCancel(cancelled::countDown);
      held.complete(ctx);
      try {
        cancelled.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return tag;
    }
  }

  /** Collects what a publisher sends. */
  static final class Collector<T> implements Flow.Subscriber<T> {
    final List<T> items = new ArrayList<>();
    final CompletableFuture<Throwable> done = new CompletableFuture<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(T item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable t) {
      done.complete(t);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }

  @AfterEach
  void tearDown() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private MeterClient client(MeterService service) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Meter.class, INPROC, address("meter")).build().open();
    hosts.add(host);
    MeterClient client = ChannelFactory.builder(MeterClient.class).binding(INPROC)
        .address(host.listenAddresses().getFirst()).build().createChannel();
    channels.add(client);
    return client;
  }

  @Test
  void aShapeFromAFactoryCallsTheOperationOfTheSameNameOnceSubscribed() throws Exception {
    MeterClient meter = client(new MeterService());
    Collector<Integer> sum = new Collector<>();
    Collector<Integer> fault = new Collector<>();

    meter.addPublisher(20, 22).subscribe(sum);
    meter.addPublisher(99, 2).subscribe(fault);
    sum.subscription.request(1);
    fault.subscription.request(1);

    assertThat(sum.done.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(sum.items).containsExactly(42);
    assertThat(fault.done.get(5, TimeUnit.SECONDS)).isInstanceOf(FaultException.class)
        .satisfies(e -> assertThat(((FaultException) e).detail()).isEqualTo(new Overflow(100)));
    assertThat(ContractDescription.of(MeterClient.class).operation("add").parameterTypes())
        .containsExactly(int.class, int.class);
  }

  @Test
  void cancellingTheSubscriptionCancelsTheCallAndTheServiceSeesIt() throws Exception {
    MeterService service = new MeterService();
    MeterClient meter = client(service);
    Collector<String> held = new Collector<>();

    meter.holdPublisher("t").subscribe(held);
    held.subscription.request(1);
    service.held.get(5, TimeUnit.SECONDS);
    held.subscription.cancel();

    assertThat(service.cancelled.await(5, TimeUnit.SECONDS)).as("the service saw the cancellation").isTrue();
  }

  @Test
  void aShapeIsCheckedAgainstTheOperationsOtherShapesAndServicesKeepTheBuiltInOnes() {
    assertThatThrownBy(() -> ContractDescription.of(Disagreeing.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shapes of operation add disagree on parameters");
    assertThatThrownBy(() -> ServiceHost.builder(new Object()).endpoint(MeterClient.class, INPROC, address("client-only")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServiceHost.builder(MeterClient.class, () -> null, InstanceMode.SINGLE)
        .endpoint(MeterClient.class, INPROC, address("client-only")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has only a client shape of a CallShape.Factory");
  }
}
