package dev.courier.io;

import org.junit.jupiter.api.Test;

/** The public API of courier-io is the one committed in {@code api/courier-io.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-io", IoRequest.class).assertCommitted();
  }
}
