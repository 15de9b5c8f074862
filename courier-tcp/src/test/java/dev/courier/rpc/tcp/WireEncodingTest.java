package dev.courier.rpc.tcp;

import dev.courier.rpc.spi.Encoding;
import dev.courier.rpc.suite.EncodingSuite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** courier-tcp's binary encoding, on a frame's bytes as TcpPeer hands them over. */
class WireEncodingTest extends EncodingSuite<ByteBuf, WireInput> {

  @Override
  protected Encoding.Factory<ByteBuf, WireInput> factory() {
    return SessionContract.ENCODING;
  }

  @Override
  protected ByteBuf output() {
    return Unpooled.buffer();
  }

  @Override
  protected WireInput input(ByteBuf written) {
    return new WireInput(1 << 20).of(written);
  }
}
