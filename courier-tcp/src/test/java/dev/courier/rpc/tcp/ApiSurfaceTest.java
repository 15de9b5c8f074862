package dev.courier.rpc.tcp;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-tcp is the one committed in {@code api/courier-tcp.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-tcp", TcpBinding.class).assertCommitted();
  }
}
