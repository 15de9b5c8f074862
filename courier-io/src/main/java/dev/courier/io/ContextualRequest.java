package dev.courier.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * The layer of {@link RealIoRequest} that carries its typed context, KMDF's request context: a value per
 * {@link IoContextKey}, the attachment being the context of a key of its own. Most requests carry one value at
 * most, in two fields; several are keys and values in pairs, in an array under a key of their own. A presented
 * request reports its sender's context of a key unless it has its own.
 *
 * <p>Threading: owner-confined, like a format: set while the request is not in flight.
 */
abstract class ContextualRequest extends StatefulRequest {
  /** The untyped context: what {@link #attach} sets. */
  private static final IoContextKey<Object> ATTACHMENT = IoContextKey.of("attachment", Object.class);
  /** The key under which a request holding several contexts keeps them, in pairs. */
  private static final IoContextKey<Object[]> SEVERAL = IoContextKey.of("several", Object[].class);

  private IoContextKey<?> contextKey;
  private Object contextValue;

  ContextualRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  @Override
  public void attach(Object attachment) {
    setContext("attach", ATTACHMENT, attachment);
  }

  @Override
  public Object attachment() {
    return context(ATTACHMENT);
  }

  @Override
  public <T> void context(IoContextKey<T> key, T value) {
    setContext("context", Objects.requireNonNull(key, "key"), value == null ? null : key.cast(value));
  }

  @Override
  public <T> T context(IoContextKey<T> key) {
    for (ContextualRequest r = this; r != null; r = r.source) {
      Object v = r.ownContext(key);
      if (v != null) {
        return key.cast(v);
      }
    }
    return null;
  }

  /** Drops every context of this request (a new presentation, a reuse). */
  final void clearContext() {
    contextKey = null;
    contextValue = null;
  }

  private Object ownContext(IoContextKey<?> key) {
    IoContextKey<?> k = contextKey;
    if (k == key) {
      return contextValue;
    }
    if (k == SEVERAL) {
      Object[] pairs = (Object[]) contextValue;
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i] == key) {
          return pairs[i + 1];
        }
      }
    }
    return null;
  }

  private void setContext(String what, IoContextKey<?> key, Object value) {
    checkOwned();
    if (isInFlight()) {
      throw new IllegalStateException(what + ": request is " + state + " (expected: not in flight)");
    }
    IoContextKey<?> k = contextKey;
    if (k == null || k == key) {
      contextKey = value == null ? null : key;
      contextValue = value;
    } else if (k == SEVERAL) {
      Object[] pairs = (Object[]) contextValue;
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i] == key) {
          pairs[i + 1] = value;
          return;
        }
      }
      if (value != null) {
        Object[] more = Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = key;
        more[pairs.length + 1] = value;
        contextValue = more;
      }
    } else if (value != null) {
      contextValue = new Object[] {k, contextValue, key, value};
      contextKey = SEVERAL;
    }
  }
}
