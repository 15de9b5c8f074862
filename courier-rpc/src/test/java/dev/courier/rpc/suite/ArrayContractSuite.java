package dev.courier.rpc.suite;

import static dev.courier.rpc.suite.ArrayContracts.SIZED;
import static dev.courier.rpc.suite.ArrayContracts.UNSIZED;
import static dev.courier.rpc.suite.ArrayContracts.arrayShelf;
import static dev.courier.rpc.suite.ArrayContracts.listShelf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ArrayContracts.AsArrays;
import dev.courier.rpc.suite.ArrayContracts.AsLists;
import dev.courier.rpc.suite.SuiteData.Line;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client declared with arrays calls a service declared with lists, and the other way round: an array travels
 * as the list of its items on every binding that encodes (not the in-process one, which hands the objects
 * over as they are). A binding's test extends it and says how to reach an endpoint:
 *
 * <pre>{@code
 * class TcpArrayContractTest extends ArrayContractSuite {
 *   protected Binding binding() { return TCP; }
 *   protected String newAddress(String name) { return "courier.tcp://127.0.0.1:0/" + name; }
 * }
 * }</pre>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class ArrayContractSuite {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** The binding under test, for hosts and clients alike. */
  protected abstract Binding binding();

  /** A fresh address for an endpoint of the binding, unique in the run. */
  protected abstract String newAddress(String name);

  /** The service declared with lists: returns the shelf it is given, or one with a null count. */
  static final class ListShelves implements AsLists.Shelves {
    @Override
    public AsLists.Shelf echo(AsLists.Shelf shelf) {
      return shelf.name().equals("holes")
          ? new AsLists.Shelf("holes", List.of(), Arrays.asList(1, null), List.of(), List.of()) : shelf;
    }

    @Override
    public List<String> skus(List<Line> lines) {
      return lines.stream().map(Line::sku).toList();
    }
  }

  /** The service declared with arrays. */
  static final class ArrayShelves implements AsArrays.Shelves {
    @Override
    public AsArrays.Shelf echo(AsArrays.Shelf shelf) {
      return shelf;
    }

    @Override
    public String[] skus(Line[] lines) {
      return Arrays.stream(lines).map(Line::sku).toArray(String[]::new);
    }
  }

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T> T connect(Object service, Class<?> serviceContract, Class<T> clientContract) {
    ServiceHost host = ServiceHost.builder(service).endpoint(serviceContract, binding(), newAddress("shelves"))
        .build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    T client = ChannelFactory.builder(clientContract).binding(binding()).address(host.listenAddresses().getFirst())
        .operationTimeout(Duration.ofSeconds(20)).build().createChannel();
    resources.push(ClientChannel.of(client)::abort);
    return client;
  }

  @Test
  void aClientDeclaredWithArraysCallsAServiceDeclaredWithLists() {
    AsArrays.Shelves client = connect(new ListShelves(), AsLists.Shelves.class, AsArrays.Shelves.class);

    assertThat(client.echo(arrayShelf())).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(arrayShelf());
    assertThat(client.skus(new Line[] {SIZED, UNSIZED})).containsExactly("sku-1", "sku-2");
    assertThat(client.skus(new Line[0])).isEmpty();
  }

  @Test
  void aClientDeclaredWithListsCallsAServiceDeclaredWithArrays() {
    AsLists.Shelves client = connect(new ArrayShelves(), AsArrays.Shelves.class, AsLists.Shelves.class);

    assertThat(client.echo(listShelf())).isEqualTo(listShelf());
    assertThat(client.skus(List.of(UNSIZED, SIZED))).containsExactly("sku-2", "sku-1");
  }

  @Test
  void aNullItemThatTheClientsArrayOfPrimitivesCannotHoldFailsTheCallNamingIt() {
    AsArrays.Shelves client = connect(new ListShelves(), AsLists.Shelves.class, AsArrays.Shelves.class);

    assertThatThrownBy(() -> client.echo(new AsArrays.Shelf("holes", null, null, null, null)))
        .hasMessageContaining("item 1 of int[] is null");
    assertThat(client.skus(new Line[] {SIZED})).as("the next call").containsExactly("sku-1");
  }
}
