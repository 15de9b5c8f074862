package dev.courier.opentelemetry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.CallTimeoutException;
import dev.courier.rpc.FaultException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a call's address becomes server.* or network.peer.* attributes, and its failure error.type. */
class RpcAttributesTest {
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  public record Overdrawn(long balance) {}

  @ParameterizedTest(name = "the address {0} is server {1}, port {2}")
  @CsvSource({
      "courier.tcp://127.0.0.1:4567/calc, 127.0.0.1, 4567",
      "courier.tcp://calc.example:8808/calc, calc.example, 8808",
      "courier.tcp://[::1]:4567/calc, ::1, 4567",
      "http://calc.example/calc, calc.example, 80",
      "https://calc.example/calc, calc.example, 443",
      "http://127.0.0.1:8080/calc, 127.0.0.1, 8080",
      "inproc://calculator-7, calculator-7, -1",
      "inproc://my_calculator, my_calculator, -1"})
  void aClientsAddressNamesTheServer(String address, String host, long port) {
    Attributes a = RpcAttributes.server(address);

    assertThat(a.get(SERVER_ADDRESS)).isEqualTo(host);
    assertThat(a.get(SERVER_PORT)).isEqualTo(port < 0 ? null : port);
  }

  @Test
  void aCallersAddressIsThePeersHostAndPortAndNothingForOneThatIsNotOnANetwork() {
    assertThat(RpcAttributes.peer("courier.tcp://127.0.0.1:54321")).isEqualTo(Attributes.of(
        AttributeKey.stringKey("network.peer.address"), "127.0.0.1", AttributeKey.longKey("network.peer.port"), 54321L));
    assertThat(RpcAttributes.peer("http://[::1]:54321").get(AttributeKey.stringKey("network.peer.address"))).isEqualTo("::1");
    assertThat(RpcAttributes.peer("inproc:client-7")).isEqualTo(Attributes.empty());
    assertThat(RpcAttributes.peer("unknown")).isEqualTo(Attributes.empty());
    assertThat(RpcAttributes.peer("not an address")).isEqualTo(Attributes.empty());
  }

  @Test
  void theErrorTypeIsADeclaredFaultsDetailTypeAnotherFaultsCodeOrTheExceptionsClass() {
    assertThat(RpcAttributes.errorType(new FaultException("overdrawn", new Overdrawn(3)))).isEqualTo(Overdrawn.class.getName());
    assertThat(RpcAttributes.errorType(new FaultException("Bank.Closed", "closed", null))).isEqualTo("Bank.Closed");
    assertThat(RpcAttributes.errorType(new CallTimeoutException("late"))).isEqualTo(CallTimeoutException.class.getName());
    assertThat(RpcAttributes.unwrap(new CompletionException(new IllegalStateException("x"))))
        .isExactlyInstanceOf(IllegalStateException.class);
  }
}
