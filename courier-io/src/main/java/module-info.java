/**
 * Courier's I/O request layer: requests, targets, devices and queues, file targets.
 *
 * <p>Depends on the JDK alone. {@code dev.courier.io} is the API, {@code dev.courier.io.spi} is for
 * new kinds of target; {@code dev.courier.io.internal} is not exported.
 */
module dev.courier.io {
  exports dev.courier.io;
  exports dev.courier.io.spi;
}
