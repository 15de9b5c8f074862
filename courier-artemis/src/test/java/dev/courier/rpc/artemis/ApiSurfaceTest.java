package dev.courier.rpc.artemis;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-artemis is the one committed in {@code api/courier-artemis.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-artemis", ArtemisBinding.class).assertCommitted();
  }
}
