package dev.courier.rpc.tcp;

import io.netty.buffer.ByteBuf;

/**
 * What the binary encoding reads from: the rest of one frame and the budget of the objects it may build
 * ({@link WireCodec.Budget}).
 *
 * <p>Not thread safe: one per connection, on its event loop, taking each frame in turn.
 */
final class WireInput {
  private final WireCodec.Budget budget;
  private ByteBuf frame;

  WireInput(int maxMessageSize) {
    this.budget = WireCodec.Budget.forFrame(maxMessageSize);
  }

  /** This input, on {@code frame} with its budget spent on nothing. */
  WireInput of(ByteBuf frame) {
    this.frame = frame;
    budget.renewed();
    return this;
  }

  ByteBuf frame() {
    return frame;
  }

  WireCodec.Budget budget() {
    return budget;
  }
}
