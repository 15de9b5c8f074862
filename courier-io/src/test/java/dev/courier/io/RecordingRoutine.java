package dev.courier.io;

import java.util.ArrayList;
import java.util.List;

/**
 * A completion routine that records every call (a copy of the completion parameters, which are a view the
 * next format or completion rewrites; the thread; the context) and can run a follow-up inside the routine.
 * What the follow-up throws is kept in {@link #errors()}: the framework only logs what a routine throws,
 * so tests assert on it outside.
 */
final class RecordingRoutine implements CompletionRoutine<Object> {

  /** What the routine does after recording a call; it runs inside the completion routine. */
  @FunctionalInterface
  interface Then {
    void run(RecordingRoutine self, IoRequest request, IoTarget target, IoCompletionParams params) throws Exception;
  }

  /** A copy of one call: the arguments and the parameters as they were during the call. */
  record Call(IoRequest request, IoTarget target, Object context, Thread thread,
      IoRequestType type, IoStatus status, long information, long length, IoMemory buffer, long bufferOffset,
      IoControlCode ioControlCode, IoMemory input, IoMemory output, long outputLength,
      IoMemory argument1, IoMemory argument2, long argument3, IoMemory argument4,
      IoStatus requestStatus) {}

  private final Then then;
  private final List<Call> calls = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();

  RecordingRoutine() {
    this(null);
  }

  RecordingRoutine(Then then) {
    this.then = then;
  }

  /**
   * A routine for a presented request forwarded below: it records each call, then completes the presented
   * request with the status and information it was completed with.
   */
  static RecordingRoutine completingThePresentedRequest() {
    return new RecordingRoutine((self, q, target, params) -> q.complete(params.status(), params.information()));
  }

  @Override
  public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Object context) {
    Call call = new Call(request, target, context, Thread.currentThread(),
        params.type(), params.status(), params.information(), params.length(), params.buffer(),
        params.bufferOffset(), params.ioControlCode(), params.input(), params.output(), params.outputLength(),
        params.argument1(), params.argument2(), params.argument3(), params.argument4(),
        request.status());
    synchronized (this) {
      calls.add(call);
    }
    if (then != null) {
      try {
        then.run(this, request, target, params);
      } catch (Throwable e) {
        synchronized (this) {
          errors.add(e);
        }
      }
    }
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized int count() {
    return calls.size();
  }

  /** The one call; fails when there were none or several. */
  synchronized Call only() {
    if (calls.size() != 1) {
      throw new AssertionError("expected exactly one routine call, got " + calls.size() + ": " + calls);
    }
    return calls.get(0);
  }

  synchronized List<Throwable> errors() {
    return List.copyOf(errors);
  }
}
