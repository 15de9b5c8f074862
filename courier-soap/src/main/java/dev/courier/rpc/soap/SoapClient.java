package dev.courier.rpc.soap;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.HealthState;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.Tls;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The connections of one binding to one {@code host:port}: HTTP/1.1 carries one exchange at a time on a
 * connection, so an exchange takes an idle connection or opens one, and gives it back when its response has
 * arrived (and the server keeps it alive). At most {@code maxConnections} are open at once; an exchange beyond
 * them waits for the first connection given back, or for its call's deadline or cancel.
 *
 * <p>Threading: exchanges start on the caller's thread; responses arrive on Netty's event loop, where the call's
 * request is completed (its completion runs where the binding's connection says: never user code here). The pool's
 * bookkeeping is guarded by its monitor, held for queue operations only: connecting, writing and completing
 * happen outside it.
 */
final class SoapClient {
  private final EventLoopGroup group;
  private final String host;
  private final int port;
  private final Tls tls;                             // null: plain HTTP
  private final int maxMessageSize;
  private final int maxTextLength;
  private final int maxConnections;
  private final String hostHeader;                   // of every request: computed once
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();          // guarded by this
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();       // guarded by this
  private int open;                                                     // guarded by this: open or opening

  SoapClient(EventLoopGroup group, URI server, Tls tls, int maxMessageSize, int maxTextLength,
      int maxConnections) {
    this.group = group;
    this.host = server.getHost();
    this.tls = tls;
    this.port = server.getPort() >= 0 ? server.getPort() : tls == null ? 80 : 443;
    this.maxMessageSize = maxMessageSize;
    this.maxTextLength = maxTextLength;
    this.maxConnections = maxConnections;
    this.hostHeader = server.getPort() < 0 ? server.getHost() : server.getHost() + ":" + server.getPort();
  }

  /** One request and the response it waits for. */
  abstract static class Exchange {
    /** The connection it went on; null until written. */
    volatile Channel channel;
    /** Whether its request reached the connection's socket (after TLS's handshake, if any). */
    volatile boolean written;

    /** The response arrived. Runs on the event loop. */
    abstract void answered(FullHttpResponse response);

    /** No response will come: the connection failed or closed first. */
    abstract void failed(String why);
  }

  /** An exchange not yet written: the request it sends. */
  private record Pending(FullHttpRequest http, Exchange exchange) {}

  /** Sends {@code http} and hands its response to {@code exchange}, at once or when a connection is free. */
  void send(FullHttpRequest http, Exchange exchange) {
    Pending p = new Pending(http, exchange);
    Channel ch;
    synchronized (this) {
      while ((ch = idle.pollFirst()) != null && !ch.isActive()) {
        // closed while idle: its channelInactive counts it out
      }
      if (ch == null) {
        if (open >= maxConnections) {
          waiting.addLast(p);
          return;
        }
        open++;
      }
    }
    if (ch != null) {
      write(ch, p);
    } else {
      connect(p);
    }
  }

  /**
   * Withdraws {@code exchange} if it still waits for a connection: its request is released and it will not be
   * sent. Returns whether it was waiting.
   */
  boolean withdraw(Exchange exchange) {
    Pending found = null;
    synchronized (this) {
      for (Pending p : waiting) {
        if (p.exchange() == exchange) {
          found = p;
          break;
        }
      }
      if (found != null) {
        waiting.remove(found);
      }
    }
    if (found != null) {
      found.http().release();
    }
    return found != null;
  }

  private void connect(Pending p) {
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            if (tls != null) {
              c.pipeline().addLast("tls", new SslHandler(tls.clientEngine(host, port)));  // the name to verify
            }
            c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxMessageSize), new Responses());
          }
        });
    ChannelFuture connected = b.connect(host, port);
    connected.addListener(f -> {
      if (f.isSuccess()) {
        write(connected.channel(), p);
      } else {
        p.http().release();
        p.exchange().failed("cannot connect to " + host + ":" + port + ": " + f.cause().getMessage());
        closed(null);
      }
    });
  }

  private void write(Channel ch, Pending p) {
    Exchange exchange = p.exchange();
    ch.pipeline().get(Responses.class).exchange = exchange;
    exchange.channel = ch;
    ch.writeAndFlush(p.http()).addListener(f -> {
      if (f.isSuccess()) {
        exchange.written = true;
      } else {
        exchange.failed((f.cause() instanceof SSLException ? "TLS handshake failed: "
            : "the request could not be written: ") + message(f.cause()));
        ch.close();
      }
    });
  }

  /** {@code ch} is free again: the next waiting exchange takes it, or it waits for one. */
  private void release(Channel ch) {
    Pending next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        idle.addFirst(ch);
      }
    }
    if (next != null) {
      write(ch, next);
    }
  }

  /** A connection closed (or {@code null}: one could not be opened); a waiting exchange may open another. */
  private void closed(Channel ch) {
    Pending next = null;
    synchronized (this) {
      if (ch != null) {
        idle.remove(ch);
      }
      open--;
      if (!waiting.isEmpty()) {
        next = waiting.pollFirst();
        open++;
      }
    }
    if (next != null) {
      connect(next);
    }
  }

  /** Reads the response of the connection's one exchange, then gives the connection back. */
  private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
    volatile Exchange exchange;
    private String broken;                           // why the connection failed, if it did: event loop only

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Exchange e = exchange;
      exchange = null;
      if (HttpUtil.isKeepAlive(response)) {
        release(ctx.channel());                       // before the call completes: its next call may take it
      } else {
        ctx.close();
      }
      if (e != null) {
        e.answered(response);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Exchange e = exchange;
      exchange = null;
      closed(ctx.channel());
      if (e != null) {
        e.failed("the connection to " + host + ":" + port + " closed before the response"
            + (broken == null ? "" : ": " + broken));
      }
      super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && broken == null) {
        broken = "TLS handshake failed: " + message(done.cause());
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // TLS 1.3: a client learns that the server refused its certificate only after its own handshake is done
      Throwable tlsCause = cause.getCause() instanceof SSLException ? cause.getCause() : cause;
      if (broken == null) {
        broken = (tlsCause instanceof SSLException ? "TLS: " : "") + message(tlsCause);
      }
      ctx.close();
    }
  }

  /** Closes the idle connections; fails the exchanges waiting for one. */
  void close() {
    List<Channel> idleNow;
    List<Pending> waitingNow;
    synchronized (this) {
      idleNow = List.copyOf(idle);
      waitingNow = List.copyOf(waiting);
      waiting.clear();
    }
    idleNow.forEach(Channel::close);
    for (Pending p : waitingNow) {
      p.http().release();
      p.exchange().failed("the binding was closed before a connection to " + host + ":" + port + " was free");
    }
  }

  // ---- a call as an exchange ----------------------------------------------------------------------------

  /** Sends the call that {@code request} carries, completing the request with its answer. */
  void call(SoapCodec codec, SoapVersion version, String path, IoRequest request) {
    Invocation inv = request.context(Invocation.KEY);
    if (inv == null || inv.operation() == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    OperationDescription op = inv.operation();
    ByteBuf body = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer();
    try {
      codec.writeRequest(new ByteBufOutputStream(body), version, op, inv.arguments(), inv.timeoutNanos(), inv.headers());
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
    send(http, call);
  }

  /** The path and query of {@code uri}'s requests. */
  static String pathOf(URI uri) {
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

    Call(SoapCodec codec, OperationDescription op, Invocation inv, IoRequest request) {
      this.codec = codec;
      this.op = op;
      this.inv = inv;
      this.request = request;
    }

    /** The caller gave up: a waiting exchange is withdrawn; a sent one cannot be taken back, so its connection goes. */
    void cancel() {
      if (!withdraw(this)) {
        Channel ch = channel;
        if (ch != null) {
          ch.close();
        }
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
        inv.failureReason("HTTP " + status + " from " + hostHeader + ": "
            + abbreviated(response.content().toString(StandardCharsets.UTF_8)));
        request.complete(RpcStatus.REPLY_UNREADABLE);
        return;
      }
      SoapCodec.Reply reply;
      try {
        reply = codec.readReply(new ByteBufInputStream(response.content()), op, XmlForm.Limits.of(maxMessageSize, maxTextLength));
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
      request.complete(written ? RpcStatus.CONNECTION_LOST : IoStatus.DEVICE_REMOVED_NOT_SENT);
    }
  }

  private static String message(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  private static String abbreviated(String s) {
    String t = s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** Fetches {@code address}'s {@code ?wsdl}. */
  CompletableFuture<String> fetchWsdl(URI address) {
    return get(address, "wsdl", 200);
  }

  /**
   * Asks {@code address}'s {@code ?health}: the host's {@link HealthState}, which answers 200 when serving and 503
   * otherwise.
   */
  CompletableFuture<HealthState> fetchHealth(URI address) {
    return get(address, "health", 200, 503).thenApply(text -> {
      try {
        return HealthState.valueOf(text.strip());
      } catch (IllegalArgumentException e) {
        throw new CommunicationException(address + "?health answered " + abbreviated(text)
            + " (expected: one of SERVING, DRAINING, NOT_SERVING)", false);
      }
    });
  }

  /** Sends {@code GET address?query}; the answer's text when its status is one of {@code expected}. */
  private CompletableFuture<String> get(URI address, String query, int... expected) {
    CompletableFuture<String> result = new CompletableFuture<>();
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathOf(address) + "?" + query);
    http.headers().set(HttpHeaderNames.HOST, hostHeader);
    HttpUtil.setContentLength(http, 0);
    send(http, new Exchange() {
      @Override
      void answered(FullHttpResponse response) {
        String text = response.content().toString(StandardCharsets.UTF_8);
        if (java.util.Arrays.stream(expected).anyMatch(code -> code == response.status().code())) {
          result.complete(text);
        } else {
          result.completeExceptionally(new CommunicationException("HTTP " + response.status() + " from " + address
              + "?" + query + ": " + abbreviated(text), false));
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
