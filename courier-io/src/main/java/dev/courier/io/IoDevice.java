package dev.courier.io;

import dev.courier.io.spi.IoDriver;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * An in-process device: queues that present the requests sent to it to handlers, per kind of request.
 *
 * <pre>{@code
 * IoDevice device = IoDevice.builder("thermometer")
 *     .defaultQueue(IoQueue.parallel().onDeviceControl(Thermometer::handle).build())
 *     .build();
 * IoTarget target = device.openTarget();
 * }</pre>
 *
 * <p>A request goes to the queue configured for its type, else to the default queue; a device with no
 * queue for a type refuses to format requests of it ({@link IoStatus#INVALID_DEVICE_REQUEST}). A filter
 * is a device whose handlers forward requests to a lower target. Each {@link #openTarget} returns a new
 * target with its own state over the same queues.
 */
public final class IoDevice {
  private final String name;
  private final IoQueue defaultQueue;
  private final Map<IoRequestType, IoQueue> queues;
  private final IoDriver driver = new IoDriver() {
    @Override
    public void dispatch(IoRequest request) {
      IoDevice.this.dispatch(request);
    }

    @Override
    public IoStatus accepts(IoRequestType type, IoControlCode code) {
      IoQueue queue = queueFor(type);
      return queue != null && queue.handles(type) ? IoStatus.SUCCESS : IoStatus.INVALID_DEVICE_REQUEST;
    }
  };

  private IoDevice(Builder b) {
    this.name = b.name;
    this.defaultQueue = b.defaultQueue;
    this.queues = new EnumMap<>(b.queues);
  }

  /** A builder for a device called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The device's name. */
  public String name() {
    return name;
  }

  /** A new started target for this device, with timeouts on the system clock. */
  public IoTarget openTarget() {
    return openTarget(IoClock.system());
  }

  /** A new started target for this device, with timeouts on {@code clock}. */
  public IoTarget openTarget(IoClock clock) {
    return IoTargets.create(name, driver, clock);
  }

  private IoQueue queueFor(IoRequestType type) {
    IoQueue queue = queues.get(type);
    return queue != null ? queue : defaultQueue;
  }

  private void dispatch(IoRequest request) {
    RealIoRequest presented = (RealIoRequest) request;
    IoQueue queue = queueFor(presented.type());
    if (queue == null) {
      presented.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    queue.present(presented);
  }

  @Override
  public String toString() {
    return "IoDevice[" + name + "]";
  }

  /** Builds an {@link IoDevice}. */
  public static final class Builder {
    private final String name;
    private IoQueue defaultQueue;
    private final Map<IoRequestType, IoQueue> queues = new EnumMap<>(IoRequestType.class);

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The queue for every request type that has no queue of its own. */
    public Builder defaultQueue(IoQueue queue) {
      this.defaultQueue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** The queue for requests of {@code type}. */
    public Builder queue(IoRequestType type, IoQueue queue) {
      Objects.requireNonNull(type, "type");
      if (type == IoRequestType.NO_FORMAT) {
        throw new IllegalArgumentException("type: NO_FORMAT (expected: a request type)");
      }
      queues.put(type, Objects.requireNonNull(queue, "queue"));
      return this;
    }

    /** The device. */
    public IoDevice build() {
      if (defaultQueue == null && queues.isEmpty()) {
        throw new IllegalStateException("device " + name + " has no queue (expected: a default queue or a queue per type)");
      }
      return new IoDevice(this);
    }
  }
}
