package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.MessageMetadata;
import dev.courier.rpc.metadata.Metadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import dev.courier.rpc.soap.SoapBinding;
import jakarta.xml.ws.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WSDL written by hand in the shape WCF gives a {@code basicHttpBinding} service ({@code wcf/OrderService.wsdl}:
 * {@code tempuri.org}, port type {@code IOrderService}, binding and port {@code BasicHttpBinding_IOrderService},
 * data contracts in {@code schemas.datacontract.org} with every member {@code minOccurs="0"} and references
 * nillable, {@code ArrayOf} lists, a declared fault, a one-way operation, and {@code GetOrder}, which WCF writes once
 * for its Begin/End pair). CXF's {@code wsdl2java} generates the service's interface from it, a small
 * implementation is compiled against that, and CXF publishes it on Jetty from the document; a Courier contract
 * written for the document calls it in every client shape.
 */
class WcfShapedWsdlTest {
  static final String TEMPURI = "http://tempuri.org/";
  static final String DATA = "http://schemas.datacontract.org/2004/07/Contoso.Orders";
  private static final String PACKAGE = "generated.wcf";
  /** CXF logs each service it builds at INFO; held here so that the level stays set. */
  private static final Logger CXF_LOG = Logger.getLogger("org.apache.cxf");
  private static final SoapBinding SOAP = SoapBinding.create();

  static {
    CXF_LOG.setLevel(Level.WARNING);
  }

  // ---- the Courier contract, written for the WSDL ----------------------------------------------------------

  /**
   * WCF's {@code Order}: members named and ordered as WCF writes them (alphabetically). Every one is
   * {@code minOccurs="0"} and nillable there; {@code Note}, which the service may leave out or send nil, is an
   * {@code Optional}, the others are plain references (nil reads as null).
   */
  @DataContract(namespace = DATA)
  public record Order(String Customer, List<OrderLine> Lines, Optional<String> Note, List<String> Tags) {}

  /** WCF's {@code OrderLine}; its {@code int? Discount} is an {@code Optional<Integer>}. */
  @DataContract(namespace = DATA)
  public record OrderLine(Optional<Integer> Discount, int Quantity, String Sku) {}

  /** WCF's {@code Receipt}. */
  @DataContract(namespace = DATA)
  public record Receipt(String OrderId, OrderStatus Status, List<String> Warnings) {}

  /** WCF's {@code OrderStatus}: the constants are the schema's values. */
  @DataContract(namespace = DATA)
  public enum OrderStatus { Placed, Shipped, Cancelled }

  /** The detail of {@code PlaceOrder}'s declared fault. */
  @DataContract(namespace = DATA)
  public record OrderRejected(String Reason, String Sku) {}

  /** {@code IOrderService}, with GetOrder, one operation, in the synchronous, task and Begin/End shapes. */
  @ServiceContract(namespace = TEMPURI, name = "IOrderService")
  public interface IOrderService {
    @Operation(name = "PlaceOrder")
    @FaultContract(OrderRejected.class)
    Receipt placeOrder(Order order);

    @Operation(name = "GetOrder")
    Optional<Order> getOrder(String orderId);

    @Operation(name = "GetOrder")
    CompletableFuture<Optional<Order>> getOrderAsync(String orderId);

    @Operation(name = "GetOrder")
    AsyncResult beginGetOrder(String orderId, AsyncCallback callback, Object state);

    @Operation(name = "GetOrder")
    Optional<Order> endGetOrder(AsyncResult result);

    @Operation(name = "CancelOrder", oneWay = true)
    void cancelOrder(String orderId);
  }

  // ---- the CXF service, generated from the WSDL ------------------------------------------------------------

  /**
   * The implementation of the interface {@code wsdl2java} generates, as a JAX-WS user writes it for a WCF
   * document: every member a {@code JAXBElement} that is absent (null), nil or a value. It records what it
   * receives, absent and nil told apart, and answers fixed values.
   */
  private static final String SERVICE = """
      package generated.wcf;

      import jakarta.jws.WebService;
      import jakarta.xml.bind.JAXBElement;
      import java.util.ArrayList;
      import java.util.List;
      import java.util.concurrent.BlockingQueue;

      @WebService(serviceName = "OrderService", portName = "BasicHttpBinding_IOrderService",
          targetNamespace = "http://tempuri.org/", endpointInterface = "generated.wcf.IOrderService",
          wsdlLocation = "%s")
      public class OrderServiceImpl implements IOrderService {
        private final ObjectFactory factory = new ObjectFactory();
        private final BlockingQueue<String> received;

        public OrderServiceImpl(BlockingQueue<String> received) {
          this.received = received;
        }

        @Override
        public Receipt placeOrder(Order order) throws IOrderServicePlaceOrderOrderRejectedFaultFaultMessage {
          received.add("PlaceOrder " + describe(order));
          ArrayOfstring warnings = factory.createArrayOfstring();
          for (OrderLine line : order.getLines().getValue().getOrderLine()) {
            if (line.getQuantity() < 1) {
              OrderRejected rejected = factory.createOrderRejected();
              rejected.setReason(factory.createOrderRejectedReason("quantity must be positive"));
              rejected.setSku(factory.createOrderRejectedSku(line.getSku().getValue()));
              throw new IOrderServicePlaceOrderOrderRejectedFaultFaultMessage("order rejected", rejected);
            }
            if (line.getDiscount() == null || line.getDiscount().isNil()) {
              warnings.getString().add("no discount on " + line.getSku().getValue());
            }
          }
          Receipt receipt = factory.createReceipt();
          receipt.setOrderId(factory.createReceiptOrderId(order.getCustomer().isNil() ? null
              : "SO-" + order.getCustomer().getValue()));
          receipt.setStatus(OrderStatus.PLACED);
          receipt.setWarnings(factory.createReceiptWarnings(warnings));
          return receipt;
        }

        @Override
        public Order getOrder(String orderId) {
          received.add("GetOrder " + orderId);
          Order order = factory.createOrder();
          ArrayOfOrderLine lines = factory.createArrayOfOrderLine();
          switch (orderId) {
            case "SO-Ada" -> {
              order.setCustomer(factory.createOrderCustomer("Ada"));
              lines.getOrderLine().add(line("A-1", 2, factory.createOrderLineDiscount(5)));
              lines.getOrderLine().add(line("B-2", 1, factory.createOrderLineDiscount(null)));
              lines.getOrderLine().add(line("C-3", 3, null));
              ArrayOfstring tags = factory.createArrayOfstring();
              tags.getString().add("rush");
              order.setTags(factory.createOrderTags(tags));
              // Note left out: absent
            }
            case "SO-Grace" -> {
              order.setCustomer(factory.createOrderCustomer("Grace"));
              order.setNote(factory.createOrderNote(null));
              order.setTags(factory.createOrderTags(null));
            }
            case "SO-Unnamed" -> order.setTags(factory.createOrderTags(factory.createArrayOfstring()));
            default -> {
              return null;
            }
          }
          order.setLines(factory.createOrderLines(lines));
          return order;
        }

        @Override
        public void cancelOrder(String orderId) {
          received.add("CancelOrder " + orderId);
        }

        private OrderLine line(String sku, int quantity, JAXBElement<Integer> discount) {
          OrderLine line = factory.createOrderLine();
          line.setSku(factory.createOrderLineSku(sku));
          line.setQuantity(quantity);
          line.setDiscount(discount);
          return line;
        }

        private static String describe(Order order) {
          String lines = describe(order.getLines(), a -> {
            List<String> each = new ArrayList<>();
            for (OrderLine l : a.getOrderLine()) {
              each.add(describe(l.getSku(), s -> s) + " x" + l.getQuantity() + " discount=" + describe(l.getDiscount(), d -> d));
            }
            return each;
          });
          String tags = describe(order.getTags(), a -> a.getString().stream().map(t -> t == null ? "nil" : t).toList());
          return "customer=" + describe(order.getCustomer(), c -> c) + " lines=" + lines
              + " note=" + describe(order.getNote(), n -> n) + " tags=" + tags;
        }

        private static <T> String describe(JAXBElement<T> element, java.util.function.Function<T, Object> value) {
          return element == null ? "absent" : element.isNil() ? "nil" : String.valueOf(value.apply(element.getValue()));
        }
      }
      """;

  @TempDir
  static Path dir;
  private static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();
  private static URLClassLoader loader;
  private static AutoCloseable provider;
  private static Endpoint published;
  private static String address;
  private static IOrderService orders;

  @BeforeAll
  static void publishTheServiceGeneratedFromTheWsdl() throws Exception {
    Path wsdl = dir.resolve("OrderService.wsdl");
    try (InputStream in = document()) {
      Files.copy(in, wsdl);
    }
    Path sources = Files.createDirectories(dir.resolve("src"));
    Peer.CXF.generate(wsdl, sources, PACKAGE);
    Files.writeString(sources.resolve(PACKAGE.replace('.', '/')).resolve("OrderServiceImpl.java"),
        SERVICE.formatted(wsdl.toUri()), StandardCharsets.UTF_8);
    loader = GeneratedSources.under(sources).compile(Files.createDirectories(dir.resolve("classes")));
    Object service = loader.loadClass(PACKAGE + ".OrderServiceImpl").getConstructor(BlockingQueue.class)
        .newInstance(RECEIVED);
    try (ServerSocket free = new ServerSocket(0)) {
      address = "http://127.0.0.1:" + free.getLocalPort() + "/orders";
    }
    provider = Peer.CXF.choose();
    published = Endpoint.publish(address, service);
    orders = ChannelFactory.builder(IOrderService.class).binding(SOAP).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
  }

  @AfterAll
  static void stop() throws Exception {
    if (orders != null) {
      ((ClientChannel) orders).abort();
    }
    if (published != null) {
      published.stop();
    }
    if (provider != null) {
      provider.close();
    }
    if (loader != null) {
      loader.close();
    }
    SOAP.close();
  }

  private static InputStream document() {
    return WcfShapedWsdlTest.class.getResourceAsStream("wcf/OrderService.wsdl");
  }

  private static ServiceMetadata handWritten() throws IOException {
    try (InputStream in = document()) {
      return Wsdl.read(in, null);
    }
  }

  private static String received() throws InterruptedException {
    String call = RECEIVED.poll(10, TimeUnit.SECONDS);
    assertThat(call).as("a call that reached the service").isNotNull();
    return call;
  }

  // ---- the contract and the document agree -----------------------------------------------------------------

  @Test
  void theCourierContractDescribesTheOperationsMessagesFaultAndDataContractsOfTheWcfDocument() throws Exception {
    ServiceMetadata wcf = handWritten();
    ServiceMetadata courier = ServiceMetadata.builder("OrderService")
        .contract(ContractDescription.of(IOrderService.class)).build();
    ContractMetadata theirs = wcf.contract("IOrderService");
    ContractMetadata ours = courier.contract("IOrderService");
    assertThat(ours.name()).isEqualTo(theirs.name()).isEqualTo(new QName(TEMPURI, "IOrderService"));
    // four Java methods declare GetOrder: one operation, as WCF writes its Begin/End pair
    assertThat(ours.operations()).extracting(OperationMetadata::name)
        .containsExactlyInAnyOrder("PlaceOrder", "GetOrder", "CancelOrder")
        .containsExactlyInAnyOrderElementsOf(theirs.operations().stream().map(OperationMetadata::name).toList());
    for (OperationMetadata op : ours.operations()) {
      OperationMetadata wcfOp = theirs.operation(op.name());
      assertThat(op.pattern()).as("the pattern of %s", op.name()).isEqualTo(wcfOp.pattern());
      assertAgree(op.request(), wcfOp.request());
      assertThat(op.reply().isPresent()).isEqualTo(wcfOp.reply().isPresent());
      op.reply().ifPresent(reply -> assertAgree(reply, wcfOp.reply().orElseThrow()));
      assertThat(op.faults()).as("the faults of %s", op.name()).isEqualTo(wcfOp.faults());
    }
    assertThat(ours.operation("CancelOrder").pattern()).isEqualTo(OperationMetadata.Pattern.ONE_WAY);
    assertThat(ours.operation("PlaceOrder").faults()).singleElement()
        .satisfies(f -> assertThat(f.action()).isEqualTo(TEMPURI + "IOrderService/PlaceOrderOrderRejectedFault"));

    // every type the contract uses is WCF's, of the same name and namespace: records, ArrayOf lists, the enum
    assertThat(courier.types()).extracting(t -> t.name().getLocalPart()).containsExactlyInAnyOrder("Order",
        "ArrayOfOrderLine", "OrderLine", "ArrayOfstring", "Receipt", "OrderStatus", "OrderRejected");
    for (SchemaType type : courier.types()) {
      SchemaType wcfType = wcf.type(type.name()).orElseThrow(() -> new AssertionError("no " + type.name()));
      switch (type) {
        case ComplexType c -> assertAgree(type.name().toString(), c.elements(), ((ComplexType) wcfType).elements());
        case EnumType e -> assertThat(e).isEqualTo(wcfType);
      }
    }
  }

  private static void assertAgree(MessageMetadata ours, MessageMetadata theirs) {
    assertThat(ours.action()).isEqualTo(theirs.action());
    assertThat(ours.wrapper()).as("the wrapper of %s", ours.action()).isEqualTo(theirs.wrapper());
    assertAgree(ours.wrapper().toString(), ours.elements(), theirs.elements());
  }

  /**
   * The elements have the same names and types in the same order; what Courier leaves out WCF's schema lets it
   * leave out, and where WCF's schema allows nil, Courier reads nil (as null, or as an empty {@code Optional}).
   */
  private static void assertAgree(String where, List<SchemaElement> ours, List<SchemaElement> theirs) {
    assertThat(ours).as("the elements of %s", where).extracting(SchemaElement::name, SchemaElement::type,
        SchemaElement::repeated).containsExactlyElementsOf(theirs.stream()
            .map(e -> tuple(e.name(), e.type(), e.repeated())).toList());
    for (int i = 0; i < ours.size(); i++) {
      SchemaElement o = ours.get(i);
      SchemaElement t = theirs.get(i);
      if (o.optional()) {
        assertThat(t.optional()).as("%s in %s may be left out", t.name(), where).isTrue();
      }
      if (t.nillable()) {
        assertThat(o.nillable() || o.optional()).as("Courier reads a nil %s in %s", o.name(), where).isTrue();
      }
    }
  }

  @Test
  void cxfServesTheHandWrittenWsdlAndCourierReadsItAsTheSameContractAtTheServicesAddress() throws Exception {
    Metadata served = Metadata.fetch(SOAP, address);
    ServiceMetadata wcf = handWritten();
    assertThat(served.service().contracts()).isEqualTo(wcf.contracts());
    assertThat(served.service().types()).isEqualTo(wcf.types());
    assertThat(served.service().endpoints()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("BasicHttpBinding_IOrderService");
      assertThat(e.protocol()).isEqualTo(EndpointMetadata.Protocol.SOAP_11);
      assertThat(e.address()).isEqualTo(URI.create(address));
    });
  }

  // ---- calls ------------------------------------------------------------------------------------------------

  @Test
  void anOrderWithListsOptionalAndNilMembersReachesTheServiceAndItsReceiptComesBack() throws Exception {
    Order order = new Order("Ada", List.of(new OrderLine(Optional.of(5), 2, "A-1"),
        new OrderLine(Optional.empty(), 1, "B-2")), Optional.empty(), Arrays.asList("rush", null));
    assertThat(orders.placeOrder(order))
        .isEqualTo(new Receipt("SO-Ada", OrderStatus.Placed, List.of("no discount on B-2")));
    // an empty Optional is left out; a null item of a list is nil
    assertThat(received()).isEqualTo("PlaceOrder customer=Ada lines=[A-1 x2 discount=5, B-2 x1 discount=absent] "
        + "note=absent tags=[rush, nil]");

    Order nils = new Order(null, List.of(), Optional.of("leave at the door"), null);
    // the service answers a nil OrderId: null
    assertThat(orders.placeOrder(nils)).isEqualTo(new Receipt(null, OrderStatus.Placed, List.of()));
    assertThat(received()).isEqualTo("PlaceOrder customer=nil lines=[] note=leave at the door tags=nil");
  }

  @Test
  void theDeclaredFaultArrivesAsAFaultExceptionWithItsDetail() throws Exception {
    Order order = new Order("Ada", List.of(new OrderLine(Optional.empty(), 0, "Z-9")), Optional.empty(), List.of());
    Throwable fault = catchThrowable(() -> orders.placeOrder(order));
    assertThat(fault).isInstanceOf(FaultException.class).hasMessage("order rejected");
    assertThat(((FaultException) fault).detail()).isEqualTo(new OrderRejected("quantity must be positive", "Z-9"));
    assertThat(received()).isEqualTo("PlaceOrder customer=Ada lines=[Z-9 x0 discount=absent] note=absent tags=[]");
  }

  @Test
  void getOrderAnswersTheSynchronousTaskAndBeginEndShapesWithAbsentNilAndNoOrder() throws Exception {
    // Note left out and a nil Discount both read as empty Optionals; a Discount left out too
    Order ada = new Order("Ada", List.of(new OrderLine(Optional.of(5), 2, "A-1"),
        new OrderLine(Optional.empty(), 1, "B-2"), new OrderLine(Optional.empty(), 3, "C-3")), Optional.empty(),
        List.of("rush"));
    assertThat(orders.getOrder("SO-Ada")).contains(ada);
    assertThat(received()).isEqualTo("GetOrder SO-Ada");

    // a nil Note is an empty Optional, a nil list is null
    assertThat(orders.getOrderAsync("SO-Grace").get(10, TimeUnit.SECONDS))
        .contains(new Order("Grace", List.of(), Optional.empty(), null));
    assertThat(received()).isEqualTo("GetOrder SO-Grace");

    // the service returns null: no order
    CompletableFuture<AsyncResult> completed = new CompletableFuture<>();
    AsyncResult pending = orders.beginGetOrder("SO-Nobody", completed::complete, "state");
    AsyncResult done = completed.get(10, TimeUnit.SECONDS);
    assertThat(done).isSameAs(pending);
    assertThat(done.asyncState()).isEqualTo("state");
    assertThat(orders.endGetOrder(done)).isEmpty();
    assertThat(received()).isEqualTo("GetOrder SO-Nobody");
  }

  @Test
  void aMemberThePeerLeavesOutThatTheCourierContractRequiresFailsTheCallNamingIt() throws Exception {
    // WCF's schema lets Customer be left out (minOccurs="0"); the contract declares a String, not an Optional
    assertThat(catchThrowable(() -> orders.getOrder("SO-Unnamed"))).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("element Customer is missing");
    assertThat(received()).isEqualTo("GetOrder SO-Unnamed");
    // that call failed, the channel goes on
    assertThat(orders.getOrder("SO-Nobody")).isEmpty();
    assertThat(received()).isEqualTo("GetOrder SO-Nobody");
  }

  @Test
  void aOneWayCancelReachesTheService() throws Exception {
    orders.cancelOrder("SO-Ada");
    assertThat(received()).isEqualTo("CancelOrder SO-Ada");
  }
}
