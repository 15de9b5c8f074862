package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code courier call} in the test JVM: how JSON arguments that do not fit the operation are named, and the
 * values that JSON carries. (CourierIT runs the jar as a user does.)
 */
class CallTest {
  @RegisterExtension static final ShopHosts hosts = new ShopHosts();

  @Test
  void anUnknownParameterIsNamedWithTheOperationsJsonForm() {
    Run run = Run.courier("call", hosts.tcpAddress(), "count", "--json", "{\"speed\": \"FAST\", \"most\": 3}");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("operation count has no parameter most (expected: {\"speed\": Speed, "
        + "\"atLeast\": int (may be left out)})");
  }

  @Test
  void aMissingParameterIsNamed() {
    Run run = Run.courier("call", hosts.tcpAddress(), "GetOrder");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("operation GetOrder needs the parameter id (expected: {\"id\": string})");
  }

  @Test
  void aValueOfTheWrongTypeIsNamedByItsPathInsideTheArgument() {
    Run run = Run.courier("call", hosts.soapAddress(), "place", "--json",
        "{\"order\": {\"id\": \"o-1\", \"lines\": [{\"sku\": \"a\", \"quantity\": \"many\"}]}}");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("parameter order at .lines[0].quantity: ", "\"many\"");
  }

  @Test
  void anEnumValueThatIsNoConstantIsRefusedWithTheConstants() {
    Run run = Run.courier("call", hosts.soapAddress(), "count", "--json", "{\"speed\": \"WARP\"}");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("parameter speed: ", "\"WARP\"", "[SLOW, FAST]");
  }

  @Test
  void anOptionalParameterMayBeLeftOutAndAnOptionalComponentIsNullWhenEmpty() {
    Run count = Run.courier("call", hosts.tcpAddress(), "count", "--json", "{\"speed\": \"SLOW\"}");
    Run order = Run.courier("call", hosts.tcpAddress(), "Shop.GetOrder", "--json", "{\"id\": \"o-1\"}");

    assertThat(count.out()).isEqualTo("10\n");
    assertThat(order.err()).isEmpty();
    assertThat(order.out().replaceAll("\\s+", "")).isEqualTo("""
        {"id":"o-1","speed":"FAST","lines":[{"sku":"sku-1","quantity":2,"note":"gift"},\
        {"sku":"sku-2","quantity":1,"note":null}],"stock":{"sku-1":10},"label":"AQID","grade":"A"}""");
  }

  @Test
  void severalReturnValuesArePrintedAsOneObjectOfThem() {
    Run run = Run.courier("call", hosts.soapAddress(), "reserve", "--json", "{\"sku\": \"a\", \"quantity\": 5}");

    assertThat(run.err()).isEmpty();
    assertThat(run.out().replaceAll("\\s+", "")).isEqualTo("{\"reserveResult\":false,\"reserved\":2,\"warehouse\":\"north\"}");
  }
}
