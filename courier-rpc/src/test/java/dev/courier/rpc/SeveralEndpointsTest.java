package dev.courier.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A channel factory given several endpoints: how it is configured, and what a call does when one goes. */
class SeveralEndpointsTest {
  @ServiceContract(name = "Named")
  public interface Named {
    String name();
  }

  @ServiceContract(name = "Disagreeing")
  public interface Disagreeing {
    @Operation(idempotent = true)
    String read();

    @Operation(idempotent = false)
    java.util.concurrent.CompletableFuture<String> readAsync();
  }

  private final InProcessBinding binding = InProcessBinding.create();
  private final List<ServiceHost> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(ServiceHost::abort);
  }

  private String host(String name) {
    String address = "inproc://several-" + name + "-" + System.nanoTime();
    Named service = () -> name;
    hosts.add(ServiceHost.builder(service).endpoint(Named.class, binding, address).build().open());
    return address;
  }

  @Test
  void aFactoryGivenBothOneAddressAndSeveralEndpointsIsRefusedNamingBoth() {
    assertThatThrownBy(() -> ChannelFactory.builder(Named.class).binding(binding).address("inproc://one")
        .addresses("inproc://two", "inproc://three").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inproc://one").hasMessageContaining("inproc://two")
        .hasMessageContaining("expected: one address, or several");
  }

  @Test
  void aFactoryGivenNoAddressIsRefusedSayingWhatItNeeds() {
    assertThatThrownBy(() -> ChannelFactory.builder(Named.class).binding(binding).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".addresses(...) or .endpoints(...)");
  }

  @Test
  void anEndpointOfAnotherSchemeThanTheBindingsIsRefusedWhenTheChannelIsCreated() {
    ChannelFactory<Named> factory = ChannelFactory.builder(Named.class).binding(binding)
        .addresses(host("a"), "courier.tcp://127.0.0.1:1/named").build();

    assertThatThrownBy(factory::createChannel).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("courier.tcp://127.0.0.1:1/named").hasMessageContaining("the scheme inproc");
  }

  @Test
  void shapesOfOneOperationThatDisagreeOnIdempotentAreRefused() {
    assertThatThrownBy(() -> ContractDescription.of(Disagreeing.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("disagree").hasMessageContaining("idempotent");
  }

  @Test
  void aResolverOfNoAddressIsRefused() {
    assertThatThrownBy(() -> EndpointResolver.of(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void aDnsResolverGivesAnAddressPerRecordWithTheSameSchemePortAndPath() {
    List<EndpointAddress> resolved = EndpointResolver.dns("courier.tcp://localhost:8808/calculator").resolve();

    assertThat(resolved).isNotEmpty().allSatisfy(a -> {
      assertThat(a.scheme()).isEqualTo("courier.tcp");
      assertThat(a.uri().getPort()).isEqualTo(8808);
      assertThat(a.uri().getPath()).isEqualTo("/calculator");
      assertThat(java.net.InetAddress.getByName(a.uri().getHost()).isLoopbackAddress()).isTrue();
    });
  }

  @Test
  void callsGoOnToTheOtherEndpointsWhenOneCloses() {
    Named named = ChannelFactory.builder(Named.class).binding(binding)
        .addresses(host("a"), host("b"), host("c")).build().createChannel();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      before.add(named.name());
    }
    hosts.get(1).close(Duration.ofSeconds(5));
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      after.add(named.name());
    }

    assertThat(before).containsExactly("a", "b", "c", "a", "b", "c");
    assertThat(after).hasSize(6).containsOnly("a", "c");
    ClientChannel.of(named).close();
  }
}
