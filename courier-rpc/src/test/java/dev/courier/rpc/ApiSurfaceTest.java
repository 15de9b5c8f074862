package dev.courier.rpc;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-rpc is the one committed in {@code api/courier-rpc.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-rpc", ServiceHost.class).assertCommitted();
  }
}
