package dev.courier.cli;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link Shop}'s WSDL document as a file, served at two addresses of shop.example.com. */
final class ShopWsdl {
  private ShopWsdl() {
  }

  static Path write(Path dir) throws IOException {
    ServiceMetadata metadata = ServiceMetadata.builder("ShopService")
        .endpoint(ContractDescription.of(Shop.class), EndpointAddress.of("courier.tcp://shop.example.com:8808/shop"))
        .endpoint(ContractDescription.of(Shop.class), EndpointAddress.of("http://shop.example.com/shop"))
        .build();
    return Files.writeString(dir.resolve("shop.wsdl"), Wsdl.write(metadata));
  }
}
