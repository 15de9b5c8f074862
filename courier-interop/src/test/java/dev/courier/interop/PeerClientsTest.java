package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.FaultException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.MetadataContracts.Color;
import dev.courier.rpc.metadata.MetadataContracts.Drawing;
import dev.courier.rpc.metadata.MetadataContracts.Node;
import dev.courier.rpc.metadata.MetadataContracts.NotFound;
import dev.courier.rpc.metadata.MetadataContracts.Point;
import dev.courier.rpc.metadata.MetadataContracts.Shape;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.soap.SoapVersion;
import dev.courier.rpc.suite.RepeatedLists;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metro's and CXF's own clients, generated at test time from a live Courier SOAP endpoint's {@code ?wsdl},
 * call it through their own JAX-WS runtimes: records, lists, maps, enums, optional values, bytes, a declared
 * fault with its detail, and a one-way call; the values that come back are checked, not only that calls return.
 */
class PeerClientsTest {
  /** CXF logs each client it builds at INFO; held here so that the level stays set. */
  private static final Logger CXF_LOG = Logger.getLogger("org.apache.cxf");
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final SoapBinding SOAP12 = SoapBinding.builder().version(SoapVersion.SOAP_12).build();

  static {
    CXF_LOG.setLevel(Level.WARNING);
  }

  static final Shape SQUARE = new Shape("square", Color.GREEN, List.of(new Point(0, 0), new Point(2, 2)),
      Map.of("edges", 4), Optional.of("a note"), new byte[] {1, 2, (byte) 0xFF}, new Point(-1, 1), null, true, 'x',
      List.of(List.of(1, 2), List.of()));

  /** The service the peers call: its answers are fixed, what reaches it is recorded. */
  static final class DrawingService implements Drawing {
    final LinkedBlockingQueue<Shape> drawn = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Optional<Color>> colorsAsked = new LinkedBlockingQueue<>();

    @Override
    public Shape find(String name, Optional<Color> color) {
      colorsAsked.add(color);
      if (!name.equals("square")) {
        throw new FaultException("no shape " + name, new NotFound(name));
      }
      return SQUARE;
    }

    @Override
    public List<Shape> all() {
      return List.of(SQUARE, SQUARE);
    }

    @Override
    public Map<Color, List<Point>> byColor(Map<String, Color> hints) {
      return Map.of(Color.RED, List.of(new Point(hints.size(), 0)));
    }

    @Override
    public Node tree(Node root, byte[] data, Optional<Integer> depth) {
      return new Node(root.label() + "/" + data.length + "/" + depth.orElse(-1), root.children());
    }

    @Override
    public void draw(Shape shape) {
      drawn.add(shape);
    }

    @Override
    public void clear() {}
  }

  private ServiceHost host;
  private AutoCloseable provider;

  @AfterEach
  void closeHost() throws Exception {
    if (host != null) {
      host.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @AfterAll
  static void closeBinding() {
    SOAP.close();
    SOAP12.close();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> peersAndVersions() {
    return java.util.stream.Stream.of(Peer.values()).flatMap(p -> java.util.stream.Stream.of(SoapVersion.values())
        .map(v -> org.junit.jupiter.params.provider.Arguments.of(p, v)));
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("peersAndVersions")
  void aClientGeneratedFromTheLiveWsdlCallsEveryKindOfOperationAndGetsTheRightValues(Peer peer, SoapVersion version,
      @TempDir Path dir) throws Exception {
    DrawingService service = new DrawingService();
    host = ServiceHost.builder(service)
        .endpoint(Drawing.class, version == SoapVersion.SOAP_11 ? SOAP : SOAP12, "http://127.0.0.1:0/drawing")
        .publishMetadata(true).build().open();
    String address = host.listenAddresses().getFirst();
    String pkg = "live." + peer.name().toLowerCase() + "." + version.name().toLowerCase();
    Path sources = Files.createDirectories(dir.resolve("src"));
    peer.generate(address + "?wsdl", sources, pkg, version == SoapVersion.SOAP_12);
    try (URLClassLoader loader = GeneratedSources.under(sources).compile(Files.createDirectories(dir.resolve("classes")))) {
      provider = peer.choose();
      Class<?> serviceClass = loader.loadClass(pkg + ".DrawingService");
      Object jaxws = serviceClass.getConstructor(java.net.URL.class).newInstance(URI.create(address + "?wsdl").toURL());
      Object port = serviceClass.getMethod(version == SoapVersion.SOAP_11 ? "getBasicHttpBindingDrawing"
          : "getSoap12BindingDrawing").invoke(jaxws);
      assertThat(java.lang.reflect.Proxy.getInvocationHandler(port).getClass().getName())
          .as("the client is the runtime of %s", peer).startsWith(peer == Peer.METRO ? "com.sun.xml.ws" : "org.apache.cxf");

      // request/reply with an enum argument and a record of every kind back
      Class<?> color = loader.loadClass(pkg + ".Color");
      Object shape = call(port, "find", "square", enumConstant(color, "RED"));
      assertThat(service.colorsAsked.poll(10, TimeUnit.SECONDS)).isEqualTo(Optional.of(Color.RED));
      assertThat(get(shape, "getName")).isEqualTo("square");
      assertThat(((Enum<?>) get(shape, "getColor")).name()).isEqualTo("GREEN");
      List<?> points = (List<?>) get(get(shape, "getPoints"), "getPoint");
      assertThat(points).extracting(p -> get(p, "getX") + "," + get(p, "getY")).containsExactly("0,0", "2,2");
      List<?> tags = (List<?>) get(get(shape, "getTags"), "getKeyValueOfstringint");
      assertThat(tags).extracting(t -> get(t, "getKey") + "=" + get(t, "getValue")).containsExactly("edges=4");
      assertThat(get(shape, "getNote")).isEqualTo("a note");
      assertThat((byte[]) get(shape, "getThumbnail")).containsExactly(1, 2, 0xFF);
      assertThat(get(get(shape, "getOrigin"), "getX")).isEqualTo(-1);
      assertThat(get(shape, "getId")).as("a null Long").isNull();
      assertThat(get(shape, "isClosed")).isEqualTo(true);
      assertThat(get(shape, "getMark")).isEqualTo((int) 'x');
      List<?> grid = (List<?>) get(get(shape, "getGrid"), "getArrayOfint");
      assertThat(grid).extracting(row -> get(row, "getInt")).containsExactly(List.of(1, 2), List.of());

      // an absent optional argument arrives empty; a list comes back
      call(port, "find", "square", null);
      assertThat(service.colorsAsked.poll(10, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
      assertThat((List<?>) get(call(port, "all"), "getShape")).hasSize(2);

      // a declared fault: the peer's fault exception, with the record as its detail
      Throwable fault = catchThrowable(() -> call(port, "find", "circle", null));
      assertThat(fault.getClass().getSimpleName()).isEqualTo("DrawingFindNotFoundFaultFaultMessage");
      assertThat(fault.getMessage()).isEqualTo("no shape circle");
      assertThat(get(get(fault, "getFaultInfo"), "getName")).isEqualTo("circle");

      // one-way: the call returns, and the shape reaches the service
      call(port, "draw", shape);
      Shape drawn = service.drawn.poll(10, TimeUnit.SECONDS);
      assertThat(drawn).usingRecursiveComparison().isEqualTo(SQUARE);
    }
  }

  /** A Courier service in JAX-WS's form: its lists are their items alone. */
  static final class BasketService implements RepeatedLists.Basket {
    @Override
    public List<RepeatedLists.Item> fill(List<String> skus, int each, List<Integer> counts) {
      return skus.stream().map(s -> new RepeatedLists.Item(s, List.of("x", s), each + counts.size(), List.of()))
          .toList();
    }

    @Override
    public RepeatedLists.Split split(List<RepeatedLists.Item> items, Optional<String> why) {
      return new RepeatedLists.Split(items, items.size(), List.of());
    }

    @Override
    public String[] tags(int[] counts, String[] prefixes) {
      return new String[0];
    }
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Peer.class)
  void aPeersClientSendsAndReadsTheListsOfAContractOfUnwrappedListsAsItsOwn(Peer peer, @TempDir Path dir)
      throws Exception {
    host = ServiceHost.builder(new BasketService())
        .endpoint(RepeatedLists.Basket.class, SOAP, "http://127.0.0.1:0/basket").publishMetadata(true).build().open();
    String address = host.listenAddresses().getFirst();
    String pkg = "lists." + peer.name().toLowerCase();
    Path sources = Files.createDirectories(dir.resolve("src"));
    peer.generate(address + "?wsdl", sources, pkg, false);
    try (URLClassLoader loader = GeneratedSources.under(sources).compile(Files.createDirectories(dir.resolve("classes")))) {
      provider = peer.choose();
      Class<?> serviceClass = loader.loadClass(pkg + ".BasketService");
      Object jaxws = serviceClass.getConstructor(java.net.URL.class).newInstance(URI.create(address + "?wsdl").toURL());
      Object port = serviceClass.getMethod("getBasicHttpBindingBasket").invoke(jaxws);

      List<?> items = (List<?>) call(port, "fill", List.of("a", "b"), 2, List.of(7, 8, 9));

      assertThat(items).hasSize(2);
      assertThat(get(items.get(1), "getSku")).isEqualTo("b");
      assertThat(get(items.get(1), "getTags")).isEqualTo(List.of("x", "b"));
      assertThat(get(items.get(1), "getCount")).isEqualTo(5);
      assertThat((List<?>) get(items.get(1), "getParts")).isEmpty();
    }
  }

  private static Object call(Object port, String operation, Object... args) throws Exception {
    for (Method m : port.getClass().getMethods()) {
      if (m.getName().equals(operation) && m.getParameterCount() == args.length) {
        try {
          return m.invoke(port, args);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof Exception ex) {
            throw ex;
          }
          throw new AssertionError(e.getCause());
        }
      }
    }
    throw new AssertionError("no method " + operation + " with " + args.length + " parameters on " + port.getClass());
  }

  private static Object get(Object bean, String getter) {
    try {
      return bean.getClass().getMethod(getter).invoke(bean);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(getter + " on " + bean.getClass(), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumConstant(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }
}
