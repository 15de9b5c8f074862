package dev.courier.rpc.suite;

import dev.courier.rpc.CallFilter;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A filter that writes down what passes it, in one list shared by several: {@code "name>op SIDE"} when a call
 * goes down, {@code "name<op ok"} or {@code "name<op ExceptionType"} when its outcome comes back.
 */
public final class RecordingFilter implements CallFilter {
  private final String name;
  private final List<String> events;

  public RecordingFilter(String name, List<String> events) {
    this.name = name;
    this.events = events;
  }

  @Override
  public CompletionStage<Object> filter(Call call, Next next) {
    String op = call.operation().name();
    events.add(name + ">" + op + " " + call.side());
    return next.proceed(call).whenComplete((result, error) -> events.add(name + "<" + op + " " + outcome(error)));
  }

  private static String outcome(Throwable error) {
    if (error == null) {
      return "ok";
    }
    return error.getClass().getSimpleName();          // unwrapped: what the caller gets
  }

  @Override
  public String toString() {
    return "RecordingFilter[" + name + "]";
  }
}
