package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvcutilTest {
  @TempDir Path dir;

  @Test
  void svcutilWritesTheClientInThePackageDerivedFromTheNamespaceAndPrintsTheFiles() throws Exception {
    Path out = dir.resolve("src");

    Run run = Run.courier("svcutil", ShopWsdl.write(dir).toString(), "--out", out.toString());

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEqualTo("package com.example.shop (from the namespace http://example.com/shop; "
        + "--package sets another)\n");
    Path pkg = out.resolve("com/example/shop");
    assertThat(run.out().lines().map(Path::of).toList()).containsExactlyInAnyOrder(pkg.resolve("Shop.java"),
        pkg.resolve("ShopClient.java"), pkg.resolve("Order.java"), pkg.resolve("Speed.java"),
        pkg.resolve("Line.java"), pkg.resolve("NoSuchOrder.java"), pkg.resolve("ReserveResponse.java"));
    assertThat(Files.readString(pkg.resolve("Shop.java")))
        .contains("package com.example.shop;", "Order place(Order order);")
        .doesNotContain("placeAsync");
  }

  @Test
  void theOptionsAskForTheShapesAndThePackage() throws Exception {
    Path wsdl = ShopWsdl.write(dir);

    Run run = Run.courier("svcutil", wsdl.toString(), "--async", "--tcv", "Version35", "-p", "shop.client",
        "-o", dir.toString());

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(Files.readString(dir.resolve("shop/client/Shop.java"))).contains("package shop.client;",
        "CompletableFuture<Order> placeAsync(Order order);", "AsyncResult beginPlace(Order order",
        "void placeAsync(Order order, Object userState);", "void onPlaceCompleted(");
  }

  @Test
  void syncOnlyWinsOverTheAsynchronousShapes() throws Exception {
    Run run = Run.courier("svcutil", ShopWsdl.write(dir).toString(), "--async", "--event-based", "--sync-only",
        "-p", "shop", "-o", dir.toString());

    assertThat(run.status()).isZero();
    assertThat(Files.readString(dir.resolve("shop/Shop.java"))).doesNotContain("Async", "begin");
  }

  /** A contract whose data contract lives in a schema namespace of its own, as WCF's do. */
  @ServiceContract(namespace = "http://example.com/billing", name = "Billing")
  public interface Billing {
    /** A data contract in another namespace. */
    @DataContract(namespace = "http://example.com/billing/data")
    record Invoice(String id, long cents) {}

    Invoice invoice(String id);
  }

  private Path billingWsdl() throws IOException {
    ServiceMetadata metadata = ServiceMetadata.builder("BillingService")
        .endpoint(ContractDescription.of(Billing.class), EndpointAddress.of("http://billing.example.com/billing"))
        .build();
    return Files.writeString(dir.resolve("billing.wsdl"), Wsdl.write(metadata));
  }

  @Test
  void aNamespaceMappingPutsThatSchemasTypesInAPackageOfTheirOwn() throws Exception {
    Run run = Run.courier("svcutil", billingWsdl().toString(), "-p", "com.example.billing",
        "--namespace", "http://example.com/billing/data=com.example.billing.data", "-o", dir.toString());

    assertThat(run.status()).isZero();
    assertThat(Files.readString(dir.resolve("com/example/billing/data/Invoice.java")))
        .contains("package com.example.billing.data;");
    assertThat(Files.readString(dir.resolve("com/example/billing/Billing.java")))
        .contains("package com.example.billing;", "import com.example.billing.data.Invoice;");
  }

  @Test
  void aStarMappingStandsForThePackageAndSvcutilsCommaIsAcceptedToo() throws Exception {
    Run run = Run.courier("svcutil", billingWsdl().toString(), "-n", "*,billing",
        "-n", "http://example.com/billing/data,billing.data", "-o", dir.toString());

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(dir.resolve("billing/Billing.java")).exists();
    assertThat(dir.resolve("billing/data/Invoice.java")).exists();
  }

  @Test
  void aMappingThatIsNoneIsAUsageErrorNamingIt() throws Exception {
    Path wsdl = billingWsdl();

    Run noPackage = Run.courier("svcutil", wsdl.toString(), "--namespace", "http://example.com/billing/data");
    Run badPackage = Run.courier("svcutil", wsdl.toString(), "--namespace", "http://example.com/billing/data=9x");
    Run twoStars = Run.courier("svcutil", wsdl.toString(), "-p", "a", "-n", "*=b");

    assertThat(noPackage.status()).isEqualTo(2);
    assertThat(noPackage.err()).contains("--namespace http://example.com/billing/data (expected: NS=PACKAGE");
    assertThat(badPackage.status()).isEqualTo(2);
    assertThat(badPackage.err()).contains("9x is no Java package name");
    assertThat(twoStars.status()).isEqualTo(2);
    assertThat(twoStars.err()).contains("--namespace *=b and --package a name two packages");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void messageContractTakesAndReturnsWholeMessagesAsRecords() throws Exception {
    Run run = Run.courier("svcutil", ShopWsdl.write(dir).toString(), "--message-contract", "-p", "shop",
        "-o", dir.toString());

    assertThat(run.status()).isZero();
    assertThat(Files.readString(dir.resolve("shop/Shop.java")))
        .contains("PlaceResponse place(PlaceRequest request);", "ReserveResponse reserve(ReserveRequest request);");
    assertThat(Files.readString(dir.resolve("shop/PlaceRequest.java"))).contains("@MessageContract");
  }

  @Test
  void collectionTypeArrayMakesRepeatedTypesArraysAndListIsTheDefault() throws Exception {
    Path wsdl = ShopWsdl.write(dir);

    Run arrays = Run.courier("svcutil", wsdl.toString(), "--collection-type", "array", "-p", "shop.arrays",
        "-o", dir.toString());
    Run lists = Run.courier("svcutil", wsdl.toString(), "--ct", "List", "-p", "shop.lists", "-o", dir.toString());

    assertThat(arrays.status()).isZero();
    assertThat(Files.readString(dir.resolve("shop/arrays/Order.java"))).contains("Line[] lines")
        .doesNotContain("List<");
    assertThat(lists.status()).isZero();
    assertThat(Files.readString(dir.resolve("shop/lists/Order.java"))).contains("List<Line> lines");
  }

  @Test
  void aCollectionTypeOtherThanListOrArrayIsAUsageErrorNamingIt() throws Exception {
    Run run = Run.courier("svcutil", ShopWsdl.write(dir).toString(), "--collection-type",
        "System.Collections.Generic.List`1",
        "-p", "shop", "-o", dir.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--collection-type System.Collections.Generic.List`1 (expected: list or array)");
    assertThat(dir.resolve("shop")).doesNotExist();
  }
}
