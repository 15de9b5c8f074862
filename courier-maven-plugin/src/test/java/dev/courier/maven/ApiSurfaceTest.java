package dev.courier.maven;

import dev.courier.io.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * The public API of courier-maven-plugin is the one committed in {@code api/courier-maven-plugin.txt} (see
 * {@link ApiSurface}): the goal's class; its parameters are its configuration, documented on it.
 */
class ApiSurfaceTest {
  @Test
  void thePublicApiIsTheOneCommittedInItsApiFile() throws Exception {
    ApiSurface.of("courier-maven-plugin", GenerateMojo.class).assertCommitted();
  }
}
