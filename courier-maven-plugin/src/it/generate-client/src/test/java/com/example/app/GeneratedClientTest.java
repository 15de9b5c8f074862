package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.inventory.Inventory;
import com.example.inventory.InventoryClient;
import com.example.inventory.Stock;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client generated from src/main/wsdl/inventory.wsdl calls a service in its shapes. */
class GeneratedClientTest {
  /** The service's view of the contract, with the generated data contract. */
  @ServiceContract(namespace = "urn:example:inventory", name = "Inventory")
  interface InventoryService {
    Stock stock(String sku);

    int reserve(String sku, int quantity);
  }

  static final class Warehouse implements InventoryService {
    @Override
    public Stock stock(String sku) {
      return new Stock(sku, 10, List.of("north"));
    }

    @Override
    public int reserve(String sku, int quantity) {
      return 10 - quantity;
    }
  }

  @Test
  void theGeneratedClientCallsTheServiceSynchronouslyAndWithAFuture() throws Exception {
    InProcessBinding binding = InProcessBinding.create();
    ServiceHost host = ServiceHost.builder(new Warehouse())
        .endpoint(InventoryService.class, binding, "inproc://inventory").build().open();
    Inventory inventory = InventoryClient.connect(binding, "inproc://inventory");
    try {
      assertTrue(new StockCheck(inventory).inStock("sku-1"));
      assertEquals(7, inventory.reserveAsync("sku-1", 3).get(30, TimeUnit.SECONDS));
    } finally {
      ClientChannel.of(inventory).close();
      host.close(Duration.ofSeconds(5));
    }
  }
}
