package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The receiving side: device queues, handlers per request kind, filters over a lower device. */
class IoQueueTest {
  static final IoControlCode PING = IoControlCode.of(0x8000, 0x800, IoControlCode.TransferMethod.NEITHER, 0);

  private static IoRequest send(IoTarget target, IoFormat format, List<IoResult> results) {
    IoRequest r = IoRequest.create();
    assertThat(r.format(target, format)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine((req, t, params, ctx) -> results.add(params.result()), null);
    assertThat(r.send(target)).isTrue();
    return r;
  }

  @Test
  void sequentialQueuePresentsTheNextRequestOnlyAfterTheCurrentOneIsCompleted() {
    List<IoRequest> presented = new ArrayList<>();
    IoDevice device = IoDevice.builder("seq")
        .defaultQueue(IoQueue.sequential().onWrite((q, r) -> presented.add(r)).build()).build();
    IoTarget target = device.openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();

    send(target, IoFormat.write(null, 0), results);
    send(target, IoFormat.write(null, 1), results);
    send(target, IoFormat.write(null, 2), results);
    assertThat(presented).hasSize(1);
    assertThat(presented.get(0).deviceOffset()).isZero();

    presented.get(0).complete(IoStatus.SUCCESS, 10);
    assertThat(presented).hasSize(2);
    assertThat(presented.get(1).deviceOffset()).isEqualTo(1);
    presented.get(1).complete(IoStatus.SUCCESS, 11);
    presented.get(2).complete(IoStatus.SUCCESS, 12);

    assertThat(results).extracting(IoResult::information).containsExactly(10L, 11L, 12L);
    assertThat(target.pendingCount()).isZero();
  }

  @Test
  void parallelQueuePresentsEveryRequestAsItArrives() {
    List<IoRequest> presented = new ArrayList<>();
    IoDevice device = IoDevice.builder("par")
        .defaultQueue(IoQueue.parallel().onRead((q, r) -> presented.add(r)).build()).build();
    IoTarget target = device.openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      send(target, IoFormat.read(null, i), results);
    }

    assertThat(presented).hasSize(3);
    presented.get(2).complete(IoStatus.SUCCESS, 2);
    presented.get(0).complete(IoStatus.SUCCESS, 0);
    presented.get(1).complete(IoStatus.END_OF_FILE, 0);
    assertThat(results).extracting(IoResult::status)
        .containsExactly(IoStatus.SUCCESS, IoStatus.SUCCESS, IoStatus.END_OF_FILE);
  }

  @Test
  void manualQueueHoldsRequestsUntilTheDriverRetrievesThem() {
    IoQueue queue = IoQueue.manual().build();
    IoTarget target = IoDevice.builder("manual").defaultQueue(queue).build().openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    send(target, IoFormat.write(null, 7), results);
    send(target, IoFormat.write(null, 8), results);
    assertThat(queue.size()).isEqualTo(2);
    assertThat(results).isEmpty();

    IoRequest first = queue.retrieveNextRequest();
    assertThat(first.deviceOffset()).isEqualTo(7);
    first.complete(IoStatus.SUCCESS, 1);
    IoRequest second = queue.retrieveNextRequest();
    assertThat(second.deviceOffset()).isEqualTo(8);
    assertThat(queue.retrieveNextRequest()).isNull();
    second.complete(IoStatus.SUCCESS, 2);

    assertThat(results).extracting(IoResult::information).containsExactly(1L, 2L);
  }

  @Test
  void retrieveNextRequestOnANonManualQueueNamesTheDispatchTypeExpected() {
    IoQueue queue = IoQueue.parallel().onDefault((q, r) -> r.complete(IoStatus.SUCCESS)).build();
    assertThatThrownBy(queue::retrieveNextRequest)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PARALLEL").hasMessageContaining("MANUAL");
  }

  @Test
  void requestWaitingInASequentialQueueIsCancelledThereAndNeverPresented() {
    List<IoRequest> presented = new ArrayList<>();
    IoDevice device = IoDevice.builder("seq")
        .defaultQueue(IoQueue.sequential().onWrite((q, r) -> presented.add(r)).build()).build();
    IoTarget target = device.openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    send(target, IoFormat.write(null, 0), results);
    IoRequest waiting = send(target, IoFormat.write(null, 1), results);
    send(target, IoFormat.write(null, 2), results);

    assertThat(waiting.cancelSentRequest()).isTrue();
    assertThat(results).extracting(IoResult::status).containsExactly(IoStatus.CANCELLED);

    presented.get(0).complete(IoStatus.SUCCESS);
    assertThat(presented).extracting(IoRequest::deviceOffset).containsExactly(0L, 2L);
    presented.get(1).complete(IoStatus.SUCCESS);
    assertThat(results).hasSize(3);
    assertThat(target.pendingCount()).isZero();
  }

  @Test
  void requestWaitingInAManualQueueIsCancelledThereAndNotRetrieved() {
    IoQueue queue = IoQueue.manual().build();
    IoTarget target = IoDevice.builder("manual").defaultQueue(queue).build().openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    IoRequest r = send(target, IoFormat.read(null, 0), results);

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(results).extracting(IoResult::status).containsExactly(IoStatus.CANCELLED);
    assertThat(queue.retrieveNextRequest()).isNull();
  }

  @Test
  void handlersAreChosenByRequestKindAndTheDefaultHandlerTakesTheRest() {
    List<String> calls = new ArrayList<>();
    IoDevice device = IoDevice.builder("kinds")
        .defaultQueue(IoQueue.parallel()
            .onRead((q, r) -> { calls.add("read"); r.complete(IoStatus.SUCCESS); })
            .onDeviceControl((q, r) -> { calls.add("ioctl " + r.ioControlCode().function()); r.complete(IoStatus.SUCCESS); })
            .onDefault((q, r) -> { calls.add("default " + r.type()); r.complete(IoStatus.SUCCESS); })
            .build())
        .build();
    IoTarget target = device.openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    send(target, IoFormat.read(null, 0), results);
    send(target, IoFormat.deviceControl(PING, null, null), results);
    send(target, IoFormat.write(null, 0), results);
    send(target, IoFormat.internalDeviceControlOthers(PING, null, null, null), results);

    assertThat(calls).containsExactly("read", "ioctl 2048", "default WRITE", "default OTHER");
  }

  @Test
  void aRequestKindWithNoQueueIsRefusedWhenFormatted() {
    IoDevice device = IoDevice.builder("reads-only")
        .queue(IoRequestType.READ, IoQueue.parallel().onRead((q, r) -> r.complete(IoStatus.SUCCESS)).build())
        .build();
    IoTarget target = device.openTarget();
    IoRequest r = IoRequest.create();

    assertThat(r.formatWrite(target, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(r.formatRead(target, null, 0)).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  void aQueuePerTypeTakesItsTypeAndTheDefaultQueueTheOthers() {
    List<String> calls = new ArrayList<>();
    IoDevice device = IoDevice.builder("split")
        .queue(IoRequestType.WRITE, IoQueue.sequential().onWrite((q, r) -> { calls.add("writes"); r.complete(IoStatus.SUCCESS); }).build())
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> { calls.add("default"); r.complete(IoStatus.SUCCESS); }).build())
        .build();
    IoTarget target = device.openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    send(target, IoFormat.write(null, 0), results);
    send(target, IoFormat.read(null, 0), results);

    assertThat(calls).containsExactly("writes", "default");
  }

  @Test
  void handlerCompletionCarriesStatusAndInformationBackToTheSender() {
    IoDevice device = IoDevice.builder("echo")
        .defaultQueue(IoQueue.parallel().onWrite((q, r) -> r.complete(IoStatus.SUCCESS, r.length())).build())
        .build();
    IoTarget target = device.openTarget();
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();
    r.formatWrite(target, IoBuffer.of(m, 10, 25), 0);
    AtomicReference<IoCompletionParams> seen = new AtomicReference<>();
    r.setCompletionRoutine((req, t, params, ctx) -> seen.set(params), null);

    assertThat(r.send(target)).isTrue();

    assertThat(seen.get().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(seen.get().length()).isEqualTo(25);
    assertThat(seen.get().bufferOffset()).isEqualTo(10);
    assertThat(r.information()).isEqualTo(25);
  }

  @Test
  void handlerSeesTheSendersBuffersAndWritesReadDataIntoThem() {
    IoDevice device = IoDevice.builder("zeros-and-ones")
        .defaultQueue(IoQueue.parallel().onRead((q, r) -> {
          r.outputBuffer().fill((byte) 1);
          r.complete(IoStatus.SUCCESS, r.length());
        }).build())
        .build();
    IoTarget target = device.openTarget();
    IoMemory m = IoMemory.allocate(8);
    IoRequest r = IoRequest.create();
    r.formatRead(target, IoBuffer.of(m, 2, 4), 0);

    assertThat(r.send(target, SendOptions.synchronously())).isTrue();

    assertThat(m.toByteArray()).containsExactly(0, 0, 1, 1, 1, 1, 0, 0);
  }

  /** A filter device that forwards every request, as presented, to a lower target. */
  private static IoDevice filterOver(IoTarget lower, AtomicInteger forwarded) {
    return IoDevice.builder("filter")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> {
          forwarded.incrementAndGet();
          ScriptedDevice.forwardAsIs(r, lower,
              (fwd, t, params, ctx) -> fwd.complete(params.status(), params.information()));
        }).build())
        .build();
  }

  @Test
  void filterForwardsARequestToTheLowerDeviceAndCompletesItWithTheLowerResult() {
    IoDevice lowerDevice = IoDevice.builder("disk")
        .defaultQueue(IoQueue.parallel().onRead((q, r) -> {
          r.outputBuffer().fill((byte) 7);
          r.complete(IoStatus.SUCCESS, r.length());
        }).build())
        .build();
    AtomicInteger forwarded = new AtomicInteger();
    IoTarget top = filterOver(lowerDevice.openTarget(), forwarded).openTarget();
    IoMemory m = IoMemory.allocate(16);
    IoRequest r = IoRequest.create();
    r.formatRead(top, IoBuffer.of(m, 0, 4), 4096);
    AtomicReference<IoCompletionParams> params = new AtomicReference<>();
    r.setCompletionRoutine((req, t, p, ctx) -> params.set(p), null);

    assertThat(r.send(top)).isTrue();

    assertThat(forwarded).hasValue(1);
    assertThat(params.get().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(params.get().length()).isEqualTo(4);
    assertThat(m.toByteArray(0, 6)).containsExactly(7, 7, 7, 7, 0, 0);
  }

  @Test
  void filterRefusedByAStoppedLowerTargetQueuesThereUntilItStarts() {
    ScriptedDevice lowerDevice = new ScriptedDevice("lower");
    IoTarget lower = lowerDevice.openTarget(IoClock.system());
    lower.stop(StopAction.LEAVE_SENT_IO_PENDING);
    AtomicInteger forwarded = new AtomicInteger();
    IoTarget top = filterOver(lower, forwarded).openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    send(top, IoFormat.write(null, 0), results);

    assertThat(forwarded).hasValue(1);
    assertThat(lower.queuedCount()).isEqualTo(1);
    assertThat(results).isEmpty();
    lower.start();
    assertThat(results).extracting(IoResult::status).containsExactly(IoStatus.SUCCESS);
  }

  @Test
  void sendersCancelReachesTheCancelRoutineOfTheDeviceBelowAFilter() throws Exception {
    ScriptedDevice lowerDevice = new ScriptedDevice("lower");
    lowerDevice.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    AtomicInteger forwarded = new AtomicInteger();
    IoTarget top = filterOver(lowerDevice.openTarget(IoClock.system()), forwarded).openTarget();
    List<IoResult> results = new CopyOnWriteArrayList<>();
    IoRequest r = send(top, IoFormat.read(null, 0), results);
    IoRequest held = lowerDevice.nextHeld();
    assertThat(held.isCanceled()).isFalse();

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(held.isCanceled()).isTrue();
    assertThat(results).extracting(IoResult::status).containsExactly(IoStatus.CANCELLED);
    assertThat(top.pendingCount()).isZero();
  }

  @Test
  void handlerHoldingARequestWithoutACancelRoutineMakesTheCancelReturnFalseAndCompletesLater() throws Exception {
    ScriptedDevice device = new ScriptedDevice("ignores-cancel");
    device.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget target = device.openTarget(IoClock.system());
    List<IoResult> results = new CopyOnWriteArrayList<>();
    IoRequest r = send(target, IoFormat.read(null, 0), results);
    IoRequest held = device.nextHeld();

    assertThat(r.cancelSentRequest()).isFalse();
    assertThat(held.isCanceled()).isTrue();
    assertThat(results).isEmpty();

    held.complete(IoStatus.SUCCESS, 3);
    assertThat(results).extracting(IoResult::status).containsExactly(IoStatus.SUCCESS);
  }

  @Test
  void queueExecutorRunsHandlersOffTheSendingThread() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "device-thread"));
    try {
      AtomicReference<String> handlerThread = new AtomicReference<>();
      IoDevice device = IoDevice.builder("threaded")
          .defaultQueue(IoQueue.sequential().executor(executor).onRead((q, r) -> {
            handlerThread.set(Thread.currentThread().getName());
            r.complete(IoStatus.SUCCESS, 1);
          }).build())
          .build();
      IoTarget target = device.openTarget();
      IoRequest r = IoRequest.create();
      r.formatRead(target, null, 0);

      assertThat(r.sendAsync(target, SendOptions.defaults()).get(5, TimeUnit.SECONDS).status())
          .isEqualTo(IoStatus.SUCCESS);
      assertThat(handlerThread.get()).isEqualTo("device-thread");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aHandlerThatThrowsAfterItsForwardedRequestCameBackStillCompletesItForTheSender() throws Exception {
    IoDevice lower = IoDevice.builder("lower")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> r.complete(IoStatus.SUCCESS)).build())
        .build();
    IoTarget lowerTarget = lower.openTarget();
    IoDevice filter = IoDevice.builder("filter")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> {
          r.formatUsingCurrentType();
          r.send(lowerTarget, SendOptions.synchronously());     // back, completed, and still the filter's
          throw new IllegalStateException("the filter fails after forwarding");
        }).build())
        .build();
    IoTarget top = filter.openTarget();
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(top, PING, null, null);
    java.util.concurrent.CompletableFuture<IoStatus> done = new java.util.concurrent.CompletableFuture<>();
    r.setCompletionRoutine((req, t, p, c) -> done.complete(p.status()), null);

    assertThat(r.send(top)).isTrue();

    assertThat(done.get(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(IoStatus.UNSUCCESSFUL);
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("the filter fails after forwarding");
  }

  @Test
  void attachmentTravelsToTheHandlerAndAFilterMayReplaceItForTheDeviceBelow() {
    AtomicReference<Object> seenBelow = new AtomicReference<>();
    IoDevice lower = IoDevice.builder("lower")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> { seenBelow.set(r.attachment()); r.complete(IoStatus.SUCCESS); }).build())
        .build();
    IoTarget lowerTarget = lower.openTarget();
    AtomicReference<Object> seenByFilter = new AtomicReference<>();
    IoDevice filter = IoDevice.builder("filter")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> {
          seenByFilter.set(r.attachment());
          r.formatUsingCurrentType();
          r.attach("from the filter");
          r.setCompletionRoutine((fwd, t, p, c) -> fwd.complete(p.status()), null);
          r.send(lowerTarget);
        }).build())
        .build();
    IoTarget top = filter.openTarget();
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(top, PING, null, null);
    r.attach("from the sender");

    assertThat(r.send(top, SendOptions.synchronously())).isTrue();

    assertThat(seenByFilter.get()).isEqualTo("from the sender");
    assertThat(seenBelow.get()).isEqualTo("from the filter");
    assertThat(r.attachment()).isEqualTo("from the sender");
    r.reuse();
    assertThat(r.attachment()).isNull();
  }

  private static final IoContextKey<String> TENANT = IoContextKey.of("tenant", String.class);
  private static final IoContextKey<Integer> HOPS = IoContextKey.of("hops", Integer.class);

  @Test
  void typedContextTravelsToTheHandlerEachKeyApartAndAFilterMayAddItsOwnForTheDeviceBelow() {
    AtomicReference<String> tenantBelow = new AtomicReference<>();
    AtomicReference<Integer> hopsBelow = new AtomicReference<>();
    IoDevice lower = IoDevice.builder("lower")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> {
          tenantBelow.set(r.context(TENANT));
          hopsBelow.set(r.context(HOPS));
          r.complete(IoStatus.SUCCESS);
        }).build())
        .build();
    IoTarget lowerTarget = lower.openTarget();
    IoDevice filter = IoDevice.builder("filter")
        .defaultQueue(IoQueue.parallel().onDefault((q, r) -> {
          r.formatUsingCurrentType();
          r.context(HOPS, r.context(HOPS) + 1);
          r.setCompletionRoutine((fwd, t, p, c) -> fwd.complete(p.status()), null);
          r.send(lowerTarget);
        }).build())
        .build();
    IoTarget top = filter.openTarget();
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(top, PING, null, null);
    r.attach("untyped");
    r.context(TENANT, "blue");
    r.context(HOPS, 1);

    assertThat(r.send(top, SendOptions.synchronously())).isTrue();

    assertThat(tenantBelow.get()).as("the sender's, through the filter").isEqualTo("blue");
    assertThat(hopsBelow.get()).as("the filter's own").isEqualTo(2);
    assertThat(r.context(HOPS)).isEqualTo(1);
    assertThat(r.attachment()).isEqualTo("untyped");
    r.context(TENANT, null);
    assertThat(r.context(TENANT)).isNull();
    assertThat(r.context(HOPS)).isEqualTo(1);
    r.reuse();
    assertThat(r.context(HOPS)).isNull();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aContextValueOfAnotherTypeIsRefusedNamingTheKey() {
    IoRequest r = IoRequest.create();
    IoContextKey raw = HOPS;

    assertThatThrownBy(() -> r.context(raw, "two")).isInstanceOf(ClassCastException.class);
    assertThat(r.context(HOPS)).isNull();
    assertThat(HOPS.toString()).contains("hops").contains("Integer");
  }

  @Test
  void aQueueWithNoHandlerIsRejectedWhenBuilt() {
    assertThatThrownBy(() -> IoQueue.parallel().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no handler");
    assertThatThrownBy(() -> IoDevice.builder("empty").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty").hasMessageContaining("no queue");
  }
}
