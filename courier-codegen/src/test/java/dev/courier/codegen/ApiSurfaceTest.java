package dev.courier.codegen;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-codegen is the one committed in {@code api/courier-codegen.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-codegen", ClientGenerator.class).assertCommitted();
  }
}
