package dev.courier.rpc;

import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Unique in-process addresses and bounded waits for the courier-rpc tests. Nothing sleeps. */
final class RpcTestSupport {
  /** How long any wait waits at most. */
  static final Duration LIMIT = dev.courier.io.Eventually.LIMIT;
  static final InProcessBinding INPROC = InProcessBinding.create();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private RpcTestSupport() {}

  /** An {@code inproc://} address no other test uses. */
  static String address(String name) {
    return "inproc://" + name + "-" + COUNTER.incrementAndGet();
  }

  /** The future's value, waiting at most {@link #LIMIT}. */
  static <T> T await(Future<T> future) throws ExecutionException, InterruptedException, TimeoutException {
    return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
