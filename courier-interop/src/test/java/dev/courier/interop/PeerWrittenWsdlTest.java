package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.interop.peer.InventoryEndpoint;
import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.OperationMetadata.Pattern;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Courier's reader takes the WSDL that the Java SOAP stacks write for a service of theirs: Metro's (wsgen: the
 * schema in a document of its own, imported by location; {@code wsam:Action}s) and CXF's (schema inline, empty
 * SOAP actions, lists as repeated elements, a binding named after the service).
 */
class PeerWrittenWsdlTest {
  private static final String NS = "http://example.com/inventory";

  @Test
  void theWsdlMetroWritesForAServiceReadsAsItsOperationsFaultTypesAndPort(@TempDir Path dir) throws Exception {
    Path wsdl = PeerWsdl.metro(InventoryEndpoint.class, dir);
    ServiceMetadata read;
    try (InputStream in = Files.newInputStream(wsdl)) {
      read = Wsdl.read(in, wsdl.toUri());
    }
    assertDescribesTheInventory(read);
    assertThat(read.contract("Inventory").operation("find").request().action()).isEqualTo(NS + "/Inventory/findRequest");
    assertThat(read.endpoints()).singleElement().satisfies(e -> {
      assertThat(e.protocol()).isEqualTo(EndpointMetadata.Protocol.SOAP_11);
      assertThat(e.name()).isEqualTo("InventoryPort");
    });
  }

  @Test
  void theWsdlCxfWritesForAServiceReadsAsItsOperationsFaultTypesAndPort() {
    ServiceMetadata read = Wsdl.read(PeerWsdl.cxf(InventoryEndpoint.class, "http://localhost:8080/inventory"));
    assertDescribesTheInventory(read);
    assertThat(read.endpoints()).singleElement().satisfies(e -> {
      assertThat(e.protocol()).isEqualTo(EndpointMetadata.Protocol.SOAP_11);
      assertThat(e.address().toString()).isEqualTo("http://localhost:8080/inventory");
    });
  }

  private static void assertDescribesTheInventory(ServiceMetadata read) {
    assertThat(read.name()).isEqualTo("InventoryService");
    ContractMetadata inventory = read.contract("Inventory");
    assertThat(inventory.operations()).extracting(OperationMetadata::name)
        .containsExactlyInAnyOrder("find", "all", "restock");

    OperationMetadata find = inventory.operation("find");
    assertThat(find.pattern()).isEqualTo(Pattern.REQUEST_REPLY);
    assertThat(names(find.request().elements())).containsExactly("sku");
    assertThat(find.reply().orElseThrow().elements()).singleElement().satisfies(r -> {
      assertThat(r.name().getLocalPart()).isEqualTo("return");
      assertThat(r.type()).isEqualTo(new QName(NS, "item"));
      assertThat(r.optional()).isTrue();
    });
    assertThat(find.faults()).singleElement().satisfies(f -> {
      assertThat(f.detailElement()).isEqualTo(new QName(NS, "OutOfStockDetail"));
      assertThat(f.detailType()).isEqualTo(new QName(NS, "outOfStockDetail"));
    });

    assertThat(inventory.operation("restock").pattern()).isEqualTo(Pattern.ONE_WAY);
    assertThat(names(inventory.operation("restock").request().elements())).containsExactly("sku", "count");
    assertThat(inventory.operation("all").reply().orElseThrow().elements()).singleElement()
        .satisfies(r -> assertThat(r.repeated()).isTrue());

    SchemaType item = read.type(new QName(NS, "item")).orElseThrow();
    assertThat(item).isInstanceOfSatisfying(ComplexType.class, c -> {
      assertThat(names(c.elements())).containsExactly("sku", "count", "price", "tags");
      assertThat(c.elements().get(1).type()).isEqualTo(new QName(SchemaType.XSD_NAMESPACE, "int"));
      assertThat(c.elements().get(1).optional()).isFalse();
      assertThat(c.elements().get(2).optional()).isTrue();
      assertThat(c.elements().get(3).repeated()).isTrue();
    });
  }

  private static List<String> names(List<SchemaElement> elements) {
    return elements.stream().map(e -> e.name().getLocalPart()).toList();
  }
}
