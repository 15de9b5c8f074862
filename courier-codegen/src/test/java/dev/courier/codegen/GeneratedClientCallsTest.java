package dev.courier.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.codegen.OrderDesk.Line;
import dev.courier.codegen.OrderDesk.NoSuchOrder;
import dev.courier.codegen.OrderDesk.Order;
import dev.courier.codegen.OrderDesk.Size;
import dev.courier.codegen.OrderDesk.Speed;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CompletedEvent;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.spi.Binding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client generated from {@link OrderDesk}'s published metadata, compiled, calls a live Courier host in
 * every shape it was generated in, with the generated data types: over SOAP here, over TCP in the subclass.
 * (The in-process binding hands objects across as they are, so it cannot carry a generated client's types.)
 */
class GeneratedClientCallsTest {
  static final Order ORDER = new Order("o-1", 1_700_000_000_000L, 12.5, true, 'A', Speed.FAST,
      List.of(new Line("sku-1", 2, Optional.of(new Size(3, 4))), new Line("sku-2", 1, Optional.empty())),
      Map.of("sku-1", 10), Optional.of("ring twice"), new byte[] {1, -2, 3}, new Size(30, 40));

  @TempDir Path dir;
  final BlockingQueue<String> forgotten = new LinkedBlockingQueue<>();
  Binding binding;
  ServiceHost host;
  Compiled compiled;
  Object client;
  Class<?> desk;

  /** The service, written by hand against the contract the metadata came from. */
  final class Desk implements OrderDesk {
    @Override
    public Order place(Order order) {
      return new Order(order.id() + "-placed", order.placedAt(), order.total(), order.paid(), order.grade(),
          order.speed(), order.lines(), order.stock(), order.note(), order.label(), order.box());
    }

    @Override
    public Order getOrder(String id) {
      if (!id.equals(ORDER.id())) {
        throw new FaultException(FaultException.SENDER, "no order " + id, new NoSuchOrder(id, 3));
      }
      return ORDER;
    }

    @Override
    public int count(Speed speed, Optional<Integer> atLeast) {
      return (speed == Speed.FAST ? 100 : 10) + atLeast.orElse(0);
    }

    @Override
    public void forget(String id) {
      forgotten.add(id);
    }
  }

  /** The binding the host and the generated client use. */
  Binding binding() {
    return SoapBinding.create();
  }

  /** The address the host listens at. */
  String listenAt() {
    return "http://127.0.0.1:0/orders";
  }

  @BeforeEach
  void hostAndGenerate() throws Exception {
    binding = binding();
    host = ServiceHost.builder(new Desk()).endpoint(OrderDesk.class, binding, listenAt()).build().open();
    String address = host.listenAddresses().getFirst().toString();
    List<GeneratedSource> sources = ClientGenerator.builder(GeneratedClientsTest.PACKAGE).async(true)
        .eventBased(true).build().generate(GeneratedClientsTest.orderDesk());
    compiled = Compiled.of(sources, dir);
    desk = compiled.type(GeneratedClientsTest.PACKAGE + ".OrderDesk");
    client = compiled.type(GeneratedClientsTest.PACKAGE + ".OrderDeskClient")
        .getMethod("connect", Binding.class, String.class).invoke(null, binding, address);
  }

  @AfterEach
  void close() throws Exception {
    ClientChannel.of(client).close();
    host.close(Duration.ofSeconds(5));
    ((AutoCloseable) binding).close();
    compiled.close();
  }

  private Object call(String method, Object... args) throws Throwable {
    for (Method m : desk.getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        Object[] carried = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
          carried[i] = args[i] instanceof Proxy || args[i] instanceof AsyncResult || args[i] == null
              || args[i] instanceof CompletedListener<?> ? args[i] : Compiled.carry(args[i], m.getGenericParameterTypes()[i]);
        }
        try {
          return m.invoke(client, carried);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new AssertionError("no generated method " + method + " with " + args.length + " parameters");
  }

  private static Order order(Object generated) throws ReflectiveOperationException {
    return (Order) Compiled.carry(generated, Order.class);
  }

  @Test
  void theSynchronousShapeCarriesEveryKindOfValueBothWays() throws Throwable {
    Order placed = order(call("place", ORDER));

    assertThat(placed).usingRecursiveComparison().isEqualTo(new Desk().place(ORDER));
  }

  @Test
  void theTaskShapeCompletesItsFutureWithTheResult() throws Throwable {
    CompletableFuture<?> future = (CompletableFuture<?>) call("placeAsync", ORDER);

    assertThat(order(future.get(10, TimeUnit.SECONDS)).id()).isEqualTo("o-1-placed");
  }

  @Test
  void theBeginEndPairOfARenamedOperationReturnsItsResult() throws Throwable {
    AsyncResult begun = (AsyncResult) call("beginGetOrder", "o-1", null, "state");

    assertThat(begun.asyncState()).isEqualTo("state");
    assertThat(order(call("endGetOrder", begun))).usingRecursiveComparison().isEqualTo(ORDER);
  }

  @Test
  void aDeclaredFaultArrivesWithItsDetailAsTheGeneratedRecord() {
    assertThatThrownBy(() -> call("getOrder", "o-9"))
        .isInstanceOfSatisfying(FaultException.class, f -> {
          assertThat(f.reason()).isEqualTo("no order o-9");
          assertThat(f.detail().getClass().getName()).isEqualTo(GeneratedClientsTest.PACKAGE + ".NoSuchOrder");
          try {
            assertThat(Compiled.carry(f.detail(), NoSuchOrder.class)).isEqualTo(new NoSuchOrder("o-9", 3));
          } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void theEventBasedShapeRaisesTheCompletedEventWithTheResultAndUserState() throws Throwable {
    CompletableFuture<CompletedEvent<?>> raised = new CompletableFuture<>();
    CompletedListener<Object> listener = raised::complete;
    call("onCountCompleted", listener);

    call("countAsync", Speed.FAST, Optional.of(5), "mine");

    CompletedEvent<?> event = raised.get(10, TimeUnit.SECONDS);
    assertThat(event.error()).isNull();
    assertThat(event.result()).isEqualTo(105);
    assertThat(event.userState()).isEqualTo("mine");
    assertThat(call("isBusy")).isEqualTo(false);
  }

  @Test
  void aOneWayCallReachesTheService() throws Throwable {
    call("forget", "o-7");

    assertThat(forgotten.poll(10, TimeUnit.SECONDS)).isEqualTo("o-7");
  }
}
