package dev.courier.opentelemetry;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-opentelemetry is the one committed in {@code api/courier-opentelemetry.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-opentelemetry", CourierTelemetry.class).assertCommitted();
  }
}
