package dev.courier.rpc.soap;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The connections of one binding to one {@code host:port}: HTTP/1.1 carries one exchange at a time on a
 * connection, so an exchange takes an idle connection or opens one, and gives it back when its response has
 * arrived (and the server keeps it alive).
 *
 * <p>Threading: exchanges start on the caller's thread; responses arrive on Netty's event loop, where the call's
 * request is completed (its completion runs where the binding's connection says: never user code here).
 */
final class SoapClient {
  private final EventLoopGroup group;
  private final URI server;
  private final int maxMessageSize;
  private final ConcurrentLinkedDeque<Channel> idle = new ConcurrentLinkedDeque<>();
  private final String hostHeader;                   // of every request: computed once
  private final String path;

  SoapClient(EventLoopGroup group, URI server, int maxMessageSize) {
    this.group = group;
    this.server = server;
    this.maxMessageSize = maxMessageSize;
    this.hostHeader = server.getPort() < 0 ? server.getHost() : server.getHost() + ":" + server.getPort();
    this.path = pathOf(server);
  }

  /** One request and the response it waits for. */
  abstract static class Exchange {
    /** The response arrived. Runs on the event loop. */
    abstract void answered(FullHttpResponse response);

    /** No response will come: the connection failed or closed first. */
    abstract void failed(String why);
  }

  /** Sends {@code http} and hands its response to {@code exchange}; returns the connection it went on. */
  CompletableFuture<Channel> send(FullHttpRequest http, Exchange exchange) {
    CompletableFuture<Channel> sent = new CompletableFuture<>();
    Channel ch;
    while ((ch = idle.pollFirst()) != null && !ch.isActive()) {
      // closed while idle: dropped
    }
    if (ch != null) {
      write(ch, http, exchange, sent);
      return sent;
    }
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxMessageSize), new Responses());
          }
        });
    ChannelFuture connected = b.connect(server.getHost(), server.getPort() < 0 ? 80 : server.getPort());
    connected.addListener(f -> {
      if (f.isSuccess()) {
        write(connected.channel(), http, exchange, sent);
      } else {
        http.release();
        sent.completeExceptionally(f.cause());
        exchange.failed("cannot connect to " + server.getHost() + ":" + server.getPort() + ": " + f.cause().getMessage());
      }
    });
    return sent;
  }

  private void write(Channel ch, FullHttpRequest http, Exchange exchange, CompletableFuture<Channel> sent) {
    ch.pipeline().get(Responses.class).exchange = exchange;
    ch.writeAndFlush(http).addListener(f -> {
      if (!f.isSuccess()) {
        exchange.failed("the request could not be written: " + f.cause());
        ch.close();
      }
    });
    sent.complete(ch);
  }

  /** Reads the response of the connection's one exchange, then gives the connection back. */
  private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
    volatile Exchange exchange;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Exchange e = exchange;
      exchange = null;
      boolean keepAlive = HttpUtil.isKeepAlive(response);
      if (keepAlive) {
        idle.addFirst(ctx.channel());                 // before the call completes: its next call may take it
      } else {
        ctx.close();
      }
      if (e != null) {
        e.answered(response);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      idle.remove(ctx.channel());
      Exchange e = exchange;
      exchange = null;
      if (e != null) {
        e.failed("the connection to " + server.getHost() + ":" + server.getPort() + " closed before the response");
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Closes the idle connections. */
  void close() {
    Channel ch;
    while ((ch = idle.pollFirst()) != null) {
      ch.close();
    }
  }

  // ---- a call as an exchange ----------------------------------------------------------------------------

  /** Sends the call that {@code request} carries, completing the request with its answer. */
  void call(SoapCodec codec, SoapVersion version, IoRequest request) {
    if (!(request.attachment() instanceof Invocation inv) || inv.operation() == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    OperationDescription op = inv.operation();
    ByteBuf body = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer();
    try {
      codec.writeRequest(new ByteBufOutputStream(body), version, op, inv.arguments(), inv.timeoutNanos());
    } catch (RuntimeException e) {
      body.release();
      inv.failureReason("the arguments of " + op.name() + " cannot be encoded: " + e.getMessage());
      request.complete(IoStatus.INVALID_PARAMETER);
      return;
    }
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body);
    http.headers().set(HttpHeaderNames.HOST, hostHeader);
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, version.contentType(op.action()));
    if (version == SoapVersion.SOAP_11) {
      http.headers().set("SOAPAction", "\"" + op.action() + "\"");
    }
    http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    HttpUtil.setContentLength(http, body.readableBytes());
    Call call = new Call(codec, op, inv, request);
    if (request.markCancelable(r -> call.cancel()).equals(IoStatus.CANCELLED)) {
      http.release();
      request.complete(IoStatus.CANCELLED);
      return;
    }
    send(http, call).thenAccept(ch -> call.channel = ch);
  }

  private static String pathOf(URI uri) {
    String p = uri.getRawPath();
    String q = uri.getRawQuery();
    return (p == null || p.isEmpty() ? "/" : p) + (q == null ? "" : "?" + q);
  }

  /** One call's exchange: its response becomes the call's reply or fault. */
  private final class Call extends Exchange {
    private final SoapCodec codec;
    private final OperationDescription op;
    private final Invocation inv;
    private final IoRequest request;
    volatile Channel channel;

    Call(SoapCodec codec, OperationDescription op, Invocation inv, IoRequest request) {
      this.codec = codec;
      this.op = op;
      this.inv = inv;
      this.request = request;
    }

    /** The caller gave up: its exchange cannot be taken back, so its connection goes. */
    void cancel() {
      Channel ch = channel;
      if (ch != null) {
        ch.close();
      }
      request.complete(IoStatus.CANCELLED);
    }

    @Override
    void answered(FullHttpResponse response) {
      if (request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        return;
      }
      HttpResponseStatus status = response.status();
      if (op.isOneWay() && (status.code() == 202 || status.code() == 200)) {
        request.complete(IoStatus.SUCCESS);
        return;
      }
      String contentType = String.valueOf(response.headers().get(HttpHeaderNames.CONTENT_TYPE));
      boolean xml = contentType.contains("xml");
      if (!xml || (status.code() != 200 && status.code() != 500 && status.code() != 400)) {
        inv.failureReason("HTTP " + status + " from " + server + ": "
            + abbreviated(response.content().toString(StandardCharsets.UTF_8)));
        request.complete(RpcStatus.REPLY_UNREADABLE);
        return;
      }
      SoapCodec.Reply reply;
      try {
        reply = codec.readReply(new ByteBufInputStream(response.content()), op, new XmlForm.Limits(64, maxMessageSize / 2));
      } catch (RuntimeException e) {
        inv.failureReason("the answer to " + op.name() + " cannot be read: " + e.getMessage());
        request.complete(RpcStatus.REPLY_UNREADABLE);
        return;
      }
      if (reply.fault() != null) {
        inv.fault(reply.fault());
        request.complete(RpcStatus.FAULT);
      } else {
        inv.reply(reply.value());
        request.complete(IoStatus.SUCCESS);
      }
    }

    @Override
    void failed(String why) {
      if (request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        return;
      }
      inv.failureReason(why);
      request.complete(channel == null ? IoStatus.DEVICE_REMOVED_NOT_SENT : RpcStatus.CONNECTION_LOST);
    }
  }

  private static String abbreviated(String s) {
    String t = s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** Fetches the server address's {@code ?wsdl}. */
  CompletableFuture<String> fetchWsdl() {
    URI address = server;
    CompletableFuture<String> result = new CompletableFuture<>();
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path + "?wsdl");
    http.headers().set(HttpHeaderNames.HOST, hostHeader);
    HttpUtil.setContentLength(http, 0);
    send(http, new Exchange() {
      @Override
      void answered(FullHttpResponse response) {
        String text = response.content().toString(StandardCharsets.UTF_8);
        if (response.status().code() == 200) {
          result.complete(text);
        } else {
          result.completeExceptionally(new CommunicationException("HTTP " + response.status() + " from " + address
              + "?wsdl: " + abbreviated(text), false));
        }
      }

      @Override
      void failed(String why) {
        result.completeExceptionally(new CommunicationException(why, false));
      }
    });
    return result;
  }
}
