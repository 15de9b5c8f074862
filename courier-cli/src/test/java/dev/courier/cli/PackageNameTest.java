package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.cli.internal.PackageName;
import org.junit.jupiter.api.Test;

class PackageNameTest {
  @Test
  void anHttpNamespaceGivesItsHostReversedThenItsPath() {
    assertThat(PackageName.of("http://example.com/orders")).contains("com.example.orders");
    assertThat(PackageName.of("https://www.example.com/orders/")).contains("com.example.orders");
  }

  @Test
  void aUrnGivesItsPartsAfterUrn() {
    assertThat(PackageName.of("urn:acme:orders")).contains("acme.orders");
  }

  @Test
  void partsThatAreNoJavaIdentifiersAreMadeOnes() {
    assertThat(PackageName.of("http://schemas.example.com/my-shop/2026/class"))
        .contains("com.example.schemas.my_shop._2026._class");
  }

  @Test
  void wcfsDefaultNamespaceGivesOrgTempuri() {
    assertThat(PackageName.of("http://tempuri.org/")).contains("org.tempuri");
  }

  @Test
  void aNamespaceWithNothingToNameAPackageGivesNone() {
    assertThat(PackageName.of("urn:")).isEmpty();
  }
}
