package dev.courier.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.codegen.OrderDesk.Line;
import dev.courier.codegen.OrderDesk.NoSuchOrder;
import dev.courier.codegen.OrderDesk.Order;
import dev.courier.codegen.OrderDesk.Reservation;
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

    @Override
    public Reservation reserve(String sku, int quantity) {
      if (sku.equals("none")) {
        throw new FaultException(FaultException.SENDER, "no stock of " + sku, null);
      }
      return new Reservation(quantity <= 5, Math.min(quantity, 5), quantity > 0 ? Optional.of("north") : Optional.empty());
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

  @Test
  void severalReturnValuesArriveAsTheGeneratedReplyRecordInEveryShape() throws Throwable {
    assertThat(Compiled.carry(call("reserve", "sku-1", 7), Reservation.class))
        .isEqualTo(new Reservation(false, 5, Optional.of("north")));
    CompletableFuture<?> future = (CompletableFuture<?>) call("reserveAsync", "sku-1", 0);
    assertThat(Compiled.carry(future.get(10, TimeUnit.SECONDS), Reservation.class))
        .isEqualTo(new Reservation(true, 0, Optional.empty()));
    AsyncResult begun = (AsyncResult) call("beginReserve", "sku-1", 2, null, null);
    assertThat(Compiled.carry(call("endReserve", begun), Reservation.class))
        .isEqualTo(new Reservation(true, 2, Optional.of("north")));
  }

  @Test
  void theCompletedEventOfSeveralValuesHasTheResultAndEachOutValueInOrder() throws Throwable {
    CompletableFuture<CompletedEvent<?>> raised = new CompletableFuture<>();
    CompletedListener<Object> listener = raised::complete;
    call("onReserveCompleted", listener);

    call("reserveAsync", "sku-1", 3, "row 4");

    Object done = completedEvent(raised.get(10, TimeUnit.SECONDS));
    assertThat(property(done, "result")).isEqualTo(true);
    assertThat(property(done, "reserved")).isEqualTo(3);
    assertThat(property(done, "warehouse")).isEqualTo(Optional.of("north"));
    assertThat(property(done, "userState")).isEqualTo("row 4");
    assertThat(property(done, "error")).isNull();
  }

  @Test
  void eachValueOfAFailedCallsCompletedEventThrowsTheCallsFault() throws Throwable {
    CompletableFuture<CompletedEvent<?>> raised = new CompletableFuture<>();
    CompletedListener<Object> listener = raised::complete;
    call("onReserveCompleted", listener);

    call("reserveAsync", "none", 1, null);

    Object done = completedEvent(raised.get(10, TimeUnit.SECONDS));
    assertThat(property(done, "error")).isInstanceOf(FaultException.class);
    for (String value : List.of("result", "reserved", "warehouse")) {
      assertThatThrownBy(() -> property(done, value)).isInstanceOf(FaultException.class)
          .hasMessageContaining("no stock of none");
    }
  }

  @Test
  void completedEventsAreRaisedOnTheExecutorTheCallerChose() throws Throwable {
    java.util.concurrent.ExecutorService ui = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> new Thread(r, "ui-thread"));
    Object uiClient = ((dev.courier.rpc.ChannelFactory.Builder<?>) compiled.type(GeneratedClientsTest.PACKAGE
        + ".OrderDeskClient").getMethod("builder").invoke(null)).binding(binding)
        .address(host.listenAddresses().getFirst().toString()).eventExecutor(ui).build().createChannel();
    try {
      CompletableFuture<String> raisedOn = new CompletableFuture<>();
      CompletedListener<Object> listener = e -> raisedOn.complete(Thread.currentThread().getName());
      desk.getMethod("onCountCompleted", CompletedListener.class).invoke(uiClient, listener);

      desk.getMethod("countAsync", compiled.type(GeneratedClientsTest.PACKAGE + ".Speed"), Optional.class, Object.class)
          .invoke(uiClient, Compiled.carry(Speed.SLOW, compiled.type(GeneratedClientsTest.PACKAGE + ".Speed")),
              Optional.empty(), null);

      assertThat(raisedOn.get(10, TimeUnit.SECONDS)).isEqualTo("ui-thread");
    } finally {
      ClientChannel.of(uiClient).close();
      ui.shutdown();
    }
  }

  /** The second contract's service. */
  static final class Dock implements Shipping {
    @Override
    public Parcel ship(Order order) {
      return new Parcel(order.id(), order.speed(), List.of(order.box(), new Size(1, 1)));
    }
  }

  @Test
  void theDocumentsSecondContractSharesTheGeneratedTypesAndCallsItsOwnHost() throws Throwable {
    ServiceHost dock = ServiceHost.builder(new Dock()).endpoint(Shipping.class, binding, listenAt()).build().open();
    Class<?> shipping = compiled.type(GeneratedClientsTest.PACKAGE + ".Shipping");
    Class<?> order = compiled.type(GeneratedClientsTest.PACKAGE + ".Order");
    Object shipper = compiled.type(GeneratedClientsTest.PACKAGE + ".ShippingClient")
        .getMethod("connect", Binding.class, String.class)
        .invoke(null, binding, dock.listenAddresses().getFirst().toString());
    try {
      Method ship = shipping.getMethod("ship", order);
      assertThat(ship.getParameterTypes()[0]).isSameAs(desk.getMethod("place", order).getParameterTypes()[0]);

      Object parcel = ship.invoke(shipper, Compiled.carry(ORDER, order));

      assertThat(Compiled.carry(parcel, Shipping.Parcel.class))
          .isEqualTo(new Shipping.Parcel("o-1", Speed.FAST, List.of(new Size(30, 40), new Size(1, 1))));
    } finally {
      ClientChannel.of(shipper).close();
      dock.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aClientGeneratedWithArraysCallsTheServiceDeclaredWithLists() throws Throwable {
    String pkg = GeneratedClientsTest.PACKAGE + ".arrays";
    List<GeneratedSource> sources = ClientGenerator.builder(pkg).collectionType(CollectionType.ARRAY).async(true)
        .build().generate(GeneratedClientsTest.orderDesk());
    try (Compiled arrays = Compiled.of(sources, dir.resolve("arrays"))) {
      Class<?> contract = arrays.type(pkg + ".OrderDesk");
      Class<?> order = arrays.type(pkg + ".Order");
      assertThat(order.getRecordComponents()[6].getType()).as("Order.lines").isEqualTo(arrays.type(pkg + ".Line").arrayType());
      Object ac = arrays.type(pkg + ".OrderDeskClient").getMethod("connect", Binding.class, String.class)
          .invoke(null, binding, host.listenAddresses().getFirst().toString());
      try {
        Object placed = invoke(contract, ac, "place", order, ORDER);
        assertThat(order(placed)).usingRecursiveComparison().isEqualTo(new Desk().place(ORDER));
        CompletableFuture<?> found = (CompletableFuture<?>) contract.getMethod("getOrderAsync", String.class)
            .invoke(ac, "o-1");
        assertThat(order(found.get(10, TimeUnit.SECONDS))).usingRecursiveComparison().isEqualTo(ORDER);
      } finally {
        ClientChannel.of(ac).close();
      }
    }
  }

  /** The request and reply records of the message-contract shape, as the test writes them. */
  record PlaceRequest(Order order) {}

  record GetOrderRequest(String id) {}

  record ReserveRequest(String sku, int quantity) {}

  record ForgetRequest(String id) {}

  @Test
  void aMessageContractClientSendsAndReceivesWholeMessagesToTheSameService() throws Throwable {
    String pkg = GeneratedClientsTest.PACKAGE + ".messages";
    List<GeneratedSource> sources = ClientGenerator.builder(pkg).messageContract(true).async(true).build()
        .generate(GeneratedClientsTest.orderDesk());
    try (Compiled messages = Compiled.of(sources, dir.resolve("messages"))) {
      Class<?> contract = messages.type(pkg + ".OrderDesk");
      Object mc = messages.type(pkg + ".OrderDeskClient").getMethod("connect", Binding.class, String.class)
          .invoke(null, binding, host.listenAddresses().getFirst().toString());
      try {
        Object placed = invoke(contract, mc, "place", messages.type(pkg + ".PlaceRequest"), new PlaceRequest(ORDER));
        assertThat(placed.getClass().getSimpleName()).isEqualTo("PlaceResponse");
        assertThat(order(placed.getClass().getMethod("placeResult").invoke(placed)).id()).isEqualTo("o-1-placed");

        Object reserved = invoke(contract, mc, "reserve", messages.type(pkg + ".ReserveRequest"),
            new ReserveRequest("sku-1", 4));
        assertThat(Compiled.carry(reserved, Reservation.class)).isEqualTo(new Reservation(true, 4, Optional.of("north")));

        assertThatThrownBy(() -> invoke(contract, mc, "getOrder", messages.type(pkg + ".GetOrderRequest"),
            new GetOrderRequest("o-9"))).isInstanceOfSatisfying(FaultException.class,
                f -> assertThat(f.detail().getClass().getName()).isEqualTo(pkg + ".NoSuchOrder"));

        assertThat(invoke(contract, mc, "forget", messages.type(pkg + ".ForgetRequest"), new ForgetRequest("o-8")))
            .isNull();
        assertThat(forgotten.poll(10, TimeUnit.SECONDS)).isEqualTo("o-8");
      } finally {
        ClientChannel.of(mc).close();
      }
    }
  }

  private static Object invoke(Class<?> contract, Object client, String method, Class<?> request, Object value)
      throws Throwable {
    try {
      return contract.getMethod(method, request).invoke(client, Compiled.carry(value, request));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object completedEvent(CompletedEvent<?> event) throws ReflectiveOperationException {
    return compiled.type(GeneratedClientsTest.PACKAGE + ".ReserveCompletedEvent")
        .getMethod("of", CompletedEvent.class).invoke(null, event);
  }

  private static Object property(Object event, String name) throws Throwable {
    try {
      return event.getClass().getMethod(name).invoke(event);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
