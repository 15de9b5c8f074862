package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.CommunicationState;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two versions of one contract, one side upgraded before the other (docs/metadata.md, versioning): what is
 * compatible works both ways, and what is not fails the call that uses it with the difference named, while
 * the other calls on the connection go on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpContractVersionsTest {
  private static final TcpBinding TCP = TcpBinding.create();

  /** The first version. */
  static final class V1 {
    public record Item(String name, int count) {}

    public enum Unit { PIECE, BOX }

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface Inventory {
      Item get(String name);

      void put(Item item);

      List<Item> all();

      Unit unit(String name);

      @Operation(oneWay = true)
      void log(Item item);

      String ping(String text);
    }
  }

  /** The second: components added at the end of Item, a constant added to Unit, an operation added. */
  static final class V2 {
    public record Item(String name, int count, Optional<String> note, List<String> tags, Item replaces) {}

    public enum Unit { PIECE, BOX, PALLET }

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface Inventory {
      Item get(String name);

      void put(Item item);

      List<Item> all();

      Unit unit(String name);

      @Operation(oneWay = true)
      void log(Item item);

      String ping(String text);

      int total();
    }
  }

  /** Incompatible changes of the first version. */
  static final class Broken {
    public record Item(String name, long count) {}

    public record Swapped(int count, String name) {}

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface RetypedItem {
      Item get(String name);

      String ping(String text);
    }

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface ReorderedItem {
      @Operation(name = "get")
      Swapped get(String name);

      void put(Swapped item);

      String ping(String text);
    }
  }

  /** The first version with an array of sizes added to Item. */
  static final class Sized {
    public record Item(String name, int count, int[] sizes) {}

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface Inventory {
      Item get(String name);

      void put(Item item);
    }
  }

  /** A later version: the sizes as a list, and a note added. */
  static final class SizedAndNoted {
    public record Item(String name, int count, List<Integer> sizes, String note) {}

    @ServiceContract(name = "Inventory", namespace = "urn:inventory")
    public interface Inventory {
      Item get(String name);

      void put(Item item);
    }
  }

  static final class SizedAndNotedService implements SizedAndNoted.Inventory {
    final List<SizedAndNoted.Item> put = new CopyOnWriteArrayList<>();

    @Override public SizedAndNoted.Item get(String name) { return new SizedAndNoted.Item(name, 2, List.of(3, 4), "new"); }
    @Override public void put(SizedAndNoted.Item item) { put.add(item); }
  }

  static final class V1Service implements V1.Inventory {
    final List<V1.Item> put = new CopyOnWriteArrayList<>();

    @Override public V1.Item get(String name) { return new V1.Item(name, 1); }
    @Override public void put(V1.Item item) { put.add(item); }
    @Override public List<V1.Item> all() { return List.of(new V1.Item("a", 1), new V1.Item("b", 2)); }
    @Override public V1.Unit unit(String name) { return V1.Unit.BOX; }
    @Override public void log(V1.Item item) { put.add(item); }
    @Override public String ping(String text) { return text; }
  }

  static final class V2Service implements V2.Inventory {
    final List<V2.Item> put = new CopyOnWriteArrayList<>();

    @Override public V2.Item get(String name) {
      return new V2.Item(name, 2, Optional.of("new"), List.of("x", "y"), new V2.Item("old", 1, Optional.empty(), List.of(), null));
    }
    @Override public void put(V2.Item item) { put.add(item); }
    @Override public List<V2.Item> all() { return List.of(get("a"), get("b")); }
    @Override public V2.Unit unit(String name) { return name.equals("pallet") ? V2.Unit.PALLET : V2.Unit.PIECE; }
    @Override public void log(V2.Item item) { put.add(item); }
    @Override public String ping(String text) { return text; }
    @Override public int total() { return 7; }
  }

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private String host(Object service, Class<?> contract) {
    ServiceHost host = ServiceHost.builder(service).endpoint(contract, TCP, newAddress("inventory")).build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    return host.listenAddresses().getFirst();
  }

  private <T> T channel(Class<T> contract, String address) {
    T c = ChannelFactory.builder(contract).binding(TCP).address(address).operationTimeout(Duration.ofSeconds(30))
        .build().createChannel();
    resources.push(ClientChannel.of(c)::abort);
    return c;
  }

  // ---- compatible -------------------------------------------------------------------------------------

  @Test
  void anOldClientReadsANewServicesRecordsWithoutTheComponentsItDoesNotKnow() {
    String address = host(new V2Service(), V2.Inventory.class);
    V1.Inventory client = channel(V1.Inventory.class, address);

    assertThat(client.get("tea")).isEqualTo(new V1.Item("tea", 2));
    assertThat(client.all()).containsExactly(new V1.Item("a", 2), new V1.Item("b", 2));
    assertThat(client.unit("tea")).isEqualTo(V1.Unit.PIECE);
  }

  @Test
  void aNewServiceGivesTheComponentsAnOldClientDoesNotSendTheirDefaults() {
    V2Service service = new V2Service();
    String address = host(service, V2.Inventory.class);
    V1.Inventory client = channel(V1.Inventory.class, address);

    client.put(new V1.Item("tea", 3));

    assertThat(service.put).containsExactly(new V2.Item("tea", 3, Optional.empty(), List.of(), null));
  }

  @Test
  void aNewClientReadsAnOldServicesRecordsWithDefaultsForTheComponentsItAdded() {
    String address = host(new V1Service(), V1.Inventory.class);
    V2.Inventory client = channel(V2.Inventory.class, address);

    assertThat(client.get("tea")).isEqualTo(new V2.Item("tea", 1, Optional.empty(), List.of(), null));
    assertThat(client.all()).extracting(V2.Item::name).containsExactly("a", "b");
    assertThat(client.unit("tea")).isEqualTo(V2.Unit.BOX);
  }

  @Test
  void anOldServiceSkipsTheComponentsANewClientAddsOneWayCallsIncluded() throws Exception {
    V1Service service = new V1Service();
    String address = host(service, V1.Inventory.class);
    V2.Inventory client = channel(V2.Inventory.class, address);
    V2.Item item = new V2.Item("tea", 3, Optional.of("green"), List.of("leaf"), new V2.Item("old", 1, Optional.empty(),
        List.of(), null));

    client.put(item);
    client.log(item);
    assertThat(client.ping("after")).isEqualTo("after");

    dev.courier.io.Eventually.until(() -> service.put.size() == 2, "both items arrive");
    assertThat(service.put).containsExactly(new V1.Item("tea", 3), new V1.Item("tea", 3));
  }

  @Test
  void anOperationANewClientAddsFailsOnAnOldServiceWithActionNotSupportedAndTheOthersGoOn() {
    String address = host(new V1Service(), V1.Inventory.class);
    V2.Inventory client = channel(V2.Inventory.class, address);

    Throwable t = catchThrowable(client::total);

    assertThat(t).isInstanceOf(FaultException.class);
    assertThat(((FaultException) t).code()).isEqualTo("ActionNotSupported");
    assertThat(client.ping("still")).isEqualTo("still");
  }

  @Test
  void anEnumConstantTheOtherSideDoesNotKnowFailsTheOneCallThatCarriesItNamingTheConstant() {
    String address = host(new V2Service(), V2.Inventory.class);
    V1.Inventory client = channel(V1.Inventory.class, address);
    V1.Inventory bystander = channel(V1.Inventory.class, address);

    Throwable t = catchThrowable(() -> client.unit("pallet"));

    assertThat(t).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("call to unit at " + address)
        .hasMessageContaining("unknown Unit constant PALLET");
    assertThat(client.unit("tea")).isEqualTo(V1.Unit.PIECE);
    assertThat(bystander.ping("still")).isEqualTo("still");
    assertThat(ClientChannel.of(client).state()).isEqualTo(CommunicationState.OPENED);
  }

  @Test
  void aNewClientGivesAnArrayComponentAnOldServiceLacksAnEmptyArray() {
    String address = host(new V1Service(), V1.Inventory.class);
    Sized.Inventory client = channel(Sized.Inventory.class, address);

    Sized.Item item = client.get("tea");

    assertThat(item.name()).isEqualTo("tea");
    assertThat(item.sizes()).isEmpty();
  }

  @Test
  void anArrayComponentReadsTheListOfANewerVersionOfItsRecordBothWays() {
    SizedAndNotedService service = new SizedAndNotedService();
    String address = host(service, SizedAndNoted.Inventory.class);
    Sized.Inventory client = channel(Sized.Inventory.class, address);

    assertThat(client.get("tea").sizes()).containsExactly(3, 4);
    client.put(new Sized.Item("tea", 1, new int[] {5}));

    assertThat(service.put).containsExactly(new SizedAndNoted.Item("tea", 1, List.of(5), null));
  }

  // ---- incompatible -----------------------------------------------------------------------------------

  @Test
  void aComponentWhoseTypeChangedFailsTheCallsThatCarryItNamingTheComponentAndTheOthersGoOn() {
    String address = host(new V1Service(), V1.Inventory.class);
    Broken.RetypedItem client = channel(Broken.RetypedItem.class, address);
    V1.Inventory bystander = channel(V1.Inventory.class, address);

    Throwable t = catchThrowable(() -> client.get("tea"));

    assertThat(t).isInstanceOf(FaultException.class).hasMessage("operation get: service returns Item, client expects"
        + " Item (component Item.count: service has int, client has long); the call was not sent");
    assertThat(client.ping("mine")).isEqualTo("mine");
    assertThat(bystander.get("tea")).isEqualTo(new V1.Item("tea", 1));
    assertThat(TCP.openConnections()).as("the connection the channels share").isGreaterThanOrEqualTo(1);
  }

  @Test
  void reorderedComponentsFailTheCallsThatCarryThemInBothDirections() {
    V1Service service = new V1Service();
    String address = host(service, V1.Inventory.class);
    Broken.ReorderedItem client = channel(Broken.ReorderedItem.class, address);

    Throwable get = catchThrowable(() -> client.get("tea"));
    Throwable put = catchThrowable(() -> client.put(new Broken.Swapped(3, "tea")));

    assertThat(get).isInstanceOf(FaultException.class).hasMessage("operation get: service returns Item, client expects"
        + " Swapped (component 1 of Item is name on the service, count on the client (components are added at the end,"
        + " never reordered, renamed or removed)); the call was not sent");
    assertThat(put).isInstanceOf(FaultException.class).hasMessageStartingWith(
        "operation put: client sends (item: Swapped), service expects (item: Item) (component 1 of Swapped is count");
    assertThat(service.put).isEmpty();
    assertThat(client.ping("mine")).isEqualTo("mine");
  }
}
