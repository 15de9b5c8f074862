package dev.courier.rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The filters of one operation, in the order they were added, and how a call runs through them to the step
 * below them (the binding on a client, the service on a host). Built once per operation; an operation no
 * filter wants has none, so its calls take the unfiltered path.
 */
final class FilterChain {
  private final OperationDescription operation;
  private final CallFilter[] filters;

  private FilterChain(OperationDescription operation, CallFilter[] filters) {
    this.operation = operation;
    this.filters = filters;
  }

  /**
   * The chain of every operation of {@code contract} that some factory gives a filter, by action (a contract that
   * extends it, such as a callback proxy's, finds them too); {@code null} when none does.
   */
  static Map<String, FilterChain> of(List<CallFilter.Factory> factories, ContractDescription contract,
      CallFilter.Side side) {
    if (factories.isEmpty()) {
      return null;
    }
    Map<String, FilterChain> chains = new HashMap<>();
    for (OperationDescription op : contract.operations()) {
      List<CallFilter> filters = new ArrayList<>();
      for (CallFilter.Factory factory : factories) {
        CallFilter f = factory.create(op, side);
        if (f != null) {
          filters.add(f);
        }
      }
      if (!filters.isEmpty()) {
        chains.put(op.action(), new FilterChain(op, filters.toArray(CallFilter[]::new)));
      }
    }
    return chains.isEmpty() ? null : chains;
  }

  /** A factory that gives {@code filter} to every operation. */
  static CallFilter.Factory everyOperation(CallFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return op -> filter;
  }

  /**
   * Runs {@code call} through the filters and then {@code below}; the stage completes with the call's outcome.
   * Never throws: what a filter throws fails the stage.
   */
  CompletionStage<Object> run(CallFilter.Call call, Function<CallFilter.Call, CompletionStage<Object>> below) {
    return new Link(0, below).proceed(call);
  }

  /** The rest of the chain from one filter down. */
  private final class Link implements CallFilter.Next {
    private final int index;
    private final Function<CallFilter.Call, CompletionStage<Object>> below;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Link(int index, Function<CallFilter.Call, CompletionStage<Object>> below) {
      this.index = index;
      this.below = below;
    }

    @Override
    public CompletionStage<Object> proceed(CallFilter.Call call) {
      Objects.requireNonNull(call, "call");
      if (!proceeded.compareAndSet(false, true)) {
        return CompletableFuture.failedFuture(new IllegalStateException("filter " + filters[index - 1]
            + " proceeded twice with a call of " + operation.name() + " (expected: at most once per call)"));
      }
      try {
        if (index == filters.length) {
          return below.apply(call);
        }
        CompletionStage<Object> outcome = filters[index].filter(call, new Link(index + 1, below));
        if (outcome == null) {
          return CompletableFuture.failedFuture(new NullPointerException("filter " + filters[index] + " returned null for "
              + operation.name() + " (expected: a CompletionStage of the call's outcome)"));
        }
        CompletableFuture<Object> unwrapped = new CompletableFuture<>();   // the filter above sees the failure itself
        outcome.whenComplete((result, failure) -> {
          if (failure != null) {
            unwrapped.completeExceptionally(StageAsyncResult.unwrap(failure));
          } else {
            unwrapped.complete(result);
          }
        });
        return unwrapped;
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  /**
   * The exception a caller gets for a filtered call that failed with {@code failure}: the exception itself, out
   * of the wrappers a stage adds; a checked one or an error as a {@link CommunicationException} that may have reached the
   * service (a filter may fail after the call ran).
   */
  static RuntimeException callerError(Throwable failure, OperationDescription op) {
    Throwable t = StageAsyncResult.unwrap(failure);
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new CommunicationException("call to " + op.name() + " failed in a filter: " + t, true, t);
  }
}
