package dev.courier.rpc.soap;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-soap is the one committed in {@code api/courier-soap.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-soap", SoapVersion.class).assertCommitted();
  }
}
