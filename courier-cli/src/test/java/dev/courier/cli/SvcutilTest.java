package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
