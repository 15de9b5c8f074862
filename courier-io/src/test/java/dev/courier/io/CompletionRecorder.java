package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A completion routine that records every call: its arguments, a copy of the completion parameters
 * (which are a view the next format or completion rewrites), and the thread it ran on.
 */
final class CompletionRecorder implements CompletionRoutine<Object> {

  /** One call of the routine. */
  record Call(IoRequest request, IoTarget target, Object context, Thread thread,
      IoRequestType type, IoStatus status, long information,
      IoMemory buffer, long bufferOffset, long length,
      IoControlCode ioControlCode, IoMemory input, long inputOffset, IoMemory output, long outputOffset,
      long outputLength, IoMemory argument1, IoMemory argument2, long argument3, IoMemory argument4,
      IoStatus requestStatus, IoRequest.State requestState) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Runs inside the routine after the call is recorded; null for nothing. */
  volatile CompletionRoutine<Object> then;

  @Override
  public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams p, Object context) {
    calls.add(new Call(request, target, context, Thread.currentThread(),
        p.type(), p.status(), p.information(),
        p.buffer(), p.bufferOffset(), p.length(),
        p.ioControlCode(), p.input(), p.inputOffset(), p.output(), p.outputOffset(),
        p.outputLength(), p.argument1(), p.argument2(), p.argument3(), p.argument4(),
        request.status(), request.state()));
    CompletionRoutine<Object> next = then;
    if (next != null) {
      next.onCompletion(request, target, p, context);
    }
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  int count() {
    return calls.size();
  }

  /** The one call so far; fails unless the routine ran exactly once. */
  Call only() {
    assertThat(calls).as("completion routine calls").hasSize(1);
    return calls.get(0);
  }
}
