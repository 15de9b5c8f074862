package com.example.app;

import com.example.inventory.Inventory;
import com.example.inventory.Stock;

/** Code of the sample's own that uses the generated client: it compiles only once the client is generated. */
public final class StockCheck {
  private final Inventory inventory;

  /** A check that asks {@code inventory}. */
  public StockCheck(Inventory inventory) {
    this.inventory = inventory;
  }

  /** Whether {@code sku} has any stock. */
  public boolean inStock(String sku) {
    Stock stock = inventory.stock(sku);
    return stock.onHand() > 0;
  }
}
