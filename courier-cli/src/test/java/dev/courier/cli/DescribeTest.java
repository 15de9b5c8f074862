package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeTest {
  @TempDir Path dir;

  /** The callbacks of {@link Chat}. */
  public interface ChatEvents {
    @Operation(oneWay = true)
    void said(String who, String text);

    boolean stillThere(int seconds);
  }

  /** A duplex contract. */
  @ServiceContract(namespace = "urn:chat", callback = ChatEvents.class)
  public interface Chat {
    void join(String name);
  }

  @Test
  void describeShowsEachOperationsPatternSignatureAndFaultsThenTheTypesThenTheEndpoints() throws Exception {
    Run run = Run.courier("describe", ShopWsdl.write(dir).toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("""
        service ShopService (http://example.com/shop)

        contract Shop
          request/reply  GetOrder(id: string) -> Order
                           faults: NoSuchOrder
          request/reply  count(speed: Speed, atLeast?: int) -> int
          one-way        forget(id: string)
          request/reply  place(order: Order) -> Order
          request/reply  reserve(sku: string, quantity: int) -> (reserveResult: boolean, reserved: int, warehouse: string)

        types
          Order        { id: string, speed: Speed, lines: Line[], stock: map<string, int>, label: base64Binary, \
        grade: unsignedShort }
          Speed        enum { SLOW, FAST }
          Line         { sku: string, quantity: int, note?: string }
          NoSuchOrder  { id: string, tried: int }

        endpoints
          courier.tcp://shop.example.com:8808/shop  Shop  Courier courier.tcp  CourierTcpBinding_Shop
          http://shop.example.com/shop              Shop  SOAP 1.1             BasicHttpBinding_Shop
        """);
  }

  @Test
  void theDocumentationOfAContractAndItsOperationsIsPrintedUnderThem() throws Exception {
    ServiceMetadata shop = Wsdl.read(Files.readString(ShopWsdl.write(dir)));
    ContractMetadata c = shop.contracts().getFirst();
    ContractMetadata documented = new ContractMetadata(c.name(), c.operations().stream()
        .map(o -> !o.name().equals("forget") ? o : new OperationMetadata(o.name(), o.pattern(), o.request(), o.reply(),
            o.faults(), "Forgets an order,\n   at once."))
        .toList(), "Takes and finds orders.");
    Path file = Files.writeString(dir.resolve("documented.wsdl"), Wsdl.write(new ServiceMetadata(shop.name(),
        shop.targetNamespace(), List.of(documented), shop.types(), shop.endpoints())));

    Run run = Run.courier("describe", file.toString());

    assertThat(run.out()).contains("""
        contract Shop
          Takes and finds orders.

          request/reply  GetOrder(id: string) -> Order
        """, """
          one-way        forget(id: string)
                           Forgets an order, at once.
          request/reply  place(order: Order) -> Order
        """);
  }

  /** A contract in JAX-WS's form, whose lists are their items alone. */
  @ServiceContract(namespace = "urn:basket", qualifiedElements = false, wrappedLists = false)
  public interface Basket {
    /** A record with a list among its components. */
    record Line(String sku, List<String> tags) {}

    List<Line> fill(List<String> skus, int each);
  }

  @Test
  void aListSentAsItsItemsAloneShowsAsAnArrayToo() throws Exception {
    Path file = Files.writeString(dir.resolve("basket.wsdl"), Wsdl.write(ServiceMetadata.builder("BasketService")
        .contract(ContractDescription.of(Basket.class)).build()));

    Run run = Run.courier("describe", file.toString());

    assertThat(run.out()).contains("request/reply  fill(skus: string[], each: int) -> Line[]",
        "Line  { sku: string, tags: string[] }");
  }

  @Test
  void theCallbacksOfADuplexContractAreMarkedAsSuch() throws Exception {
    ServiceMetadata chat = ServiceMetadata.builder("ChatService")
        .endpoint(ContractDescription.of(Chat.class), EndpointAddress.of("courier.tcp://chat.example.com:8808/chat"))
        .build();
    Path file = Files.writeString(dir.resolve("chat.wsdl"), Wsdl.write(chat));

    Run run = Run.courier("describe", file.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("""
        contract Chat
          request/reply            join(name: string) -> void
          callback, one-way        said(who: string, text: string)
          callback, request/reply  stillThere(seconds: int) -> boolean
        """);
  }

  @Test
  void aDocumentThatIsNoWsdlIsRefusedWithTheReasonAndExitsWith4() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.wsdl"), "<notes/>");

    Run run = Run.courier("describe", file.toString());

    assertThat(run.status()).isEqualTo(4);
    assertThat(run.err()).startsWith("courier describe: the metadata of " + file + " cannot be read: ");
  }
}
