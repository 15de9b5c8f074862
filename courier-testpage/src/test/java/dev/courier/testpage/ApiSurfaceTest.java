package dev.courier.testpage;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of courier-testpage is the one committed in {@code api/courier-testpage.txt} (see {@link ApiSurface}). */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-testpage", TestPage.class).assertCommitted();
  }
}
