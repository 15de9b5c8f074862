package dev.courier.rpc.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.inprocess.InProcessBinding;
import dev.courier.rpc.metadata.MetadataContracts.Calculator;
import dev.courier.rpc.metadata.MetadataContracts.Drawing;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InProcessMetadataTest {
  private static final InProcessBinding INPROC = InProcessBinding.create();

  /** Serves two contracts of different namespaces: each gets its own document. */
  static final class Studio implements Calculator, Drawing {
    @Override public int add(int a, int b) { return a + b; }
    @Override public CompletableFuture<Integer> addAsync(int a, int b) { return CompletableFuture.completedFuture(a + b); }
    @Override public dev.courier.rpc.AsyncResult beginAdd(int a, int b, dev.courier.rpc.AsyncCallback c, Object s) {
      throw new UnsupportedOperationException();
    }
    @Override public int endAdd(dev.courier.rpc.AsyncResult r) { throw new UnsupportedOperationException(); }
    @Override public void addAsync(int a, int b, Object userState) {}
    @Override public void onAddCompleted(dev.courier.rpc.CompletedListener<Integer> l) {}
    @Override public double divide(double a, double b) { return a / b; }
    @Override public void reset() {}
    @Override public MetadataContracts.Shape find(String name, java.util.Optional<MetadataContracts.Color> c) { return null; }
    @Override public java.util.List<MetadataContracts.Shape> all() { return java.util.List.of(); }
    @Override public java.util.Map<MetadataContracts.Color, java.util.List<MetadataContracts.Point>> byColor(
        java.util.Map<String, MetadataContracts.Color> hints) { return java.util.Map.of(); }
    @Override public MetadataContracts.Node tree(MetadataContracts.Node root, byte[] data, java.util.Optional<Integer> d) {
      return root;
    }
    @Override public void draw(MetadataContracts.Shape shape) {}
    @Override public void clear() {}
  }

  @Test
  void eachEndpointPublishesTheDocumentOfItsContractWithEveryEndpointThatServesIt() {
    try (ServiceHost host = ServiceHost.builder(new Studio())
        .endpoint(Calculator.class, INPROC, "inproc://studio-calc-1")
        .endpoint(Calculator.class, INPROC, "inproc://studio-calc-2")
        .endpoint(Drawing.class, INPROC, "inproc://studio-drawing")
        .publishMetadata(true).build().open()) {
      Metadata calc = Metadata.fetch(INPROC, "inproc://studio-calc-2");
      assertThat(calc.service().contracts()).extracting(c -> c.name().getLocalPart()).containsExactly("Calculator");
      assertThat(calc.service().endpoints()).extracting(e -> e.address().toString())
          .containsExactly("inproc://studio-calc-1", "inproc://studio-calc-2");
      Metadata drawing = Metadata.fetch(INPROC, "inproc://studio-drawing");
      assertThat(drawing.service().targetNamespace()).isEqualTo("http://example.com/shapes/");
      assertThat(drawing.document()).isEqualTo(Wsdl.write(host.metadata(Drawing.class)));
    }
  }

  @Test
  void metadataIsOffByDefault() {
    try (ServiceHost host = ServiceHost.builder(new Studio()).endpoint(Calculator.class, INPROC, "inproc://studio-quiet")
        .build().open()) {
      assertThat(host.state()).isNotNull();
      assertThatThrownBy(() -> Metadata.fetch(INPROC, "inproc://studio-quiet"))
          .isInstanceOf(CommunicationException.class)
          .hasMessageContaining("publishes no metadata (expected: ServiceHost.Builder.publishMetadata(true))");
    }
  }

  @Test
  void askingAHostForTheMetadataOfAContractItDoesNotServeNamesWhatItServes() {
    try (ServiceHost host = ServiceHost.builder(new Studio()).endpoint(Calculator.class, INPROC, "inproc://studio-one")
        .build()) {
      assertThatThrownBy(() -> host.metadata(Drawing.class)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Drawing")
          .hasMessageContaining("MetadataContracts$Calculator");
    }
  }
}
