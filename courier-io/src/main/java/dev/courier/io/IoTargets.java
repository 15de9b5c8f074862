package dev.courier.io;

import dev.courier.io.spi.IoDriver;
import java.util.Objects;

/**
 * Factories for targets over a driver of your own.
 *
 * <pre>{@code
 * IoTarget target = IoTargets.create("echo", request -> request.complete(IoStatus.SUCCESS), IoClock.system());
 * }</pre>
 */
public final class IoTargets {
  private IoTargets() {}

  /** A started target that delivers requests to {@code driver}, with timeouts on {@code clock}. */
  public static IoTarget create(String name, IoDriver driver, IoClock clock) {
    return new RealIoTarget(
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(driver, "driver"),
        Objects.requireNonNull(clock, "clock"));
  }
}
