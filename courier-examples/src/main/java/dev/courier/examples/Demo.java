package dev.courier.examples;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.FileTarget;
import dev.courier.io.IoBuffer;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoFormat;
import dev.courier.io.IoMemory;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoResult;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.io.StopAction;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The demo: Courier's I/O request layer at work, printing what happens.
 *
 * <ol>
 *   <li>one request mirrored to two file targets, one after the other, from its completion routine;
 *   <li>a request queued on a stopped target, then cancelled;
 *   <li>a request that times out at a device that never answers;
 *   <li>a device-control request to an in-process device;
 *   <li>a calculator service called in all four client shapes, each against a differently shaped
 *       service operation, with a one-way operation and duplex notifications;
 *   <li>the same calculator over TCP, its service in a child JVM: calls, duplex notifications and a fault
 *       across processes, then the server stopped;
 *   <li>a calculator over SOAP 1.1: the first lines of its {@code ?wsdl}, calls, a fault and a one-way call;
 *   <li>the calculator on three hosts in child JVMs, one killed during a burst of calls that all complete, and a
 *       one-way call broadcast to every host;
 *   <li>an order queue on Apache Artemis: orders placed while no host runs, drained by two hosts in child JVMs, one
 *       killed, every order processed.
 * </ol>
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    IO.println("Courier demo on Java " + Runtime.version() + "\n");
    Path dir = Files.createTempDirectory("courier-demo");
    try {
      mirroredWrite(dir);
      queuedThenCancelled();
      timeout();
      deviceControl();
      IO.println();
      CalculatorDemo.run();
      IO.println();
      CalculatorOverTcp.run();
      IO.println();
      CalculatorOverSoap.run();
      IO.println();
      CalculatorOnThreeHosts.run();
      IO.println();
      OrderQueueDemo.run();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    IO.println("\nDone.");
  }

  /** One write request sent to file A, then moved to file B and sent again from its completion routine. */
  static void mirroredWrite(Path dir) throws IOException, InterruptedException {
    IO.println("1. Mirrored write: one request, two file targets, one after the other");
    Path a = dir.resolve("primary.log");
    Path b = dir.resolve("mirror.log");
    byte[] record = "2026-11-21 courier: hello from one request\n".getBytes(StandardCharsets.UTF_8);
    try (IoTarget primary = FileTarget.open(a, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         IoTarget mirror = FileTarget.open(b, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      IoRequest request = IoRequest.create();
      request.formatWrite(primary, IoBuffer.of(IoMemory.wrap(record)), 0);
      CompletableFuture<IoStatus> done = new CompletableFuture<>();
      CompletionRoutine<IoTarget> routine = new CompletionRoutine<>() {
        @Override
        public void onCompletion(IoRequest req, IoTarget target, IoCompletionParams params, IoTarget next) {
          IO.println("   " + target.name().substring(target.name().lastIndexOf('/') + 1) + ": wrote "
              + params.length() + " bytes, " + params.status().name());
          if (!params.status().isSuccess() || next == null) {
            done.complete(params.status());
            return;
          }
          IoStatus moved = req.changeTarget(next);          // can the same request go to the mirror?
          if (!moved.isSuccess()) {
            done.complete(moved);
            return;
          }
          req.setCompletionRoutine(this, null);              // a completion consumes the registration
          if (!req.send(next)) {
            done.complete(req.status());
          }
        }
      };
      request.setCompletionRoutine(routine, mirror);
      if (!request.send(primary)) {
        done.complete(request.status());
      }
      IoStatus status = done.join();
      boolean same = Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
      IO.println("   final status " + status.name() + "; both files hold the same " + record.length
          + " bytes: " + same + "\n");
    }
  }

  /** A request sent to a stopped target waits in its queue; a cancel completes it at once. */
  static void queuedThenCancelled() {
    IO.println("2. Queued on a stopped target, then cancelled");
    IoDevice device = IoDevice.builder("printer")
        .defaultQueue(IoQueue.parallel().onWrite((q, r) -> r.complete(IoStatus.SUCCESS, r.length())).build())
        .build();
    IoTarget printer = device.openTarget();
    printer.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest job = IoRequest.create();
    job.formatWrite(printer, IoBuffer.of(IoMemory.wrap("page 1".getBytes(StandardCharsets.UTF_8))), 0);
    job.setCompletionRoutine((r, t, params, ctx) ->
        IO.println("   routine ran on the cancelling thread: " + params.status().name()
            + ", information " + params.information()), null);
    boolean accepted = job.send(printer);
    IO.println("   target " + printer.state() + "; send accepted " + accepted + "; request " + job.state()
        + ", " + printer.queuedCount() + " queued");
    boolean reached = job.cancelSentRequest();
    IO.println("   cancelSentRequest returned " + reached + "; request " + job.state() + ", status "
        + job.status().name() + ", " + printer.queuedCount() + " queued");
    boolean again = job.send(printer);
    IO.println("   resend without reuse: accepted " + again + ", status " + job.status().name()
        + " (the cancel is sticky until reuse)\n");
    printer.close();
  }

  /** A device that never answers: the send's timeout cancels the request, which reports IO_TIMEOUT. */
  static void timeout() throws InterruptedException {
    IO.println("3. Timeout at a device that holds requests until they are cancelled");
    IoDevice device = IoDevice.builder("slow-disk")
        .defaultQueue(IoQueue.parallel().onRead((q, r) -> {
          if (r.markCancelable(held -> held.complete(IoStatus.CANCELLED)).equals(IoStatus.CANCELLED)) {
            r.complete(IoStatus.CANCELLED);
          }
        }).build())
        .build();
    IoTarget disk = device.openTarget();
    IoRequest read = IoRequest.create();
    read.formatRead(disk, IoBuffer.of(IoMemory.allocate(512)), 0);
    long start = System.nanoTime();
    IoResult result = read.sendAsync(disk, SendOptions.withTimeout(Duration.ofMillis(50))).join();
    long ms = (System.nanoTime() - start) / 1_000_000;
    IO.println("   completed after about " + ms + " ms with " + result.status() + "\n");
    disk.close();
  }

  /** A device-control request whose output the device fills; only the reported bytes come back. */
  static void deviceControl() {
    IO.println("4. Device control to an in-process device");
    IoControlCode readTemperature =
        IoControlCode.of(0x8001, 0x801, IoControlCode.TransferMethod.BUFFERED, 0);
    IoDevice thermometer = IoDevice.builder("thermometer")
        .defaultQueue(IoQueue.sequential().onDeviceControl((queue, request) -> {
          if (!readTemperature.equals(request.ioControlCode())) {
            request.complete(IoStatus.NOT_SUPPORTED);
          } else if (request.outputLength() < Integer.BYTES) {
            request.complete(IoStatus.BUFFER_TOO_SMALL);
          } else {
            request.outputBuffer().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 215);   // 21.5 degrees, in tenths
            request.complete(IoStatus.SUCCESS, Integer.BYTES);
          }
        }).build())
        .build();
    IoTarget target = thermometer.openTarget();
    IoMemory out = IoMemory.allocate(16);
    IoResult result = target.sendSynchronously(
        IoFormat.deviceControl(readTemperature, null, IoBuffer.of(out)), SendOptions.synchronously());
    int tenths = out.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    IO.println("   " + readTemperature + " -> " + result.status().name() + ", " + result.information()
        + " bytes: " + (tenths / 10.0) + " degrees");
    IoResult unknown = target.sendSynchronously(IoFormat.deviceControl(
        IoControlCode.of(0x8001, 0x8FF, IoControlCode.TransferMethod.BUFFERED, 0), null, IoBuffer.of(out)),
        SendOptions.synchronously());
    IO.println("   an unknown control code -> " + unknown.status());
    target.close();
  }
}
