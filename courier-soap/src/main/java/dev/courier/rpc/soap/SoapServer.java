package dev.courier.rpc.soap;

import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.Peer;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The server side of one HTTP connection: each POST is a call presented to the session of the endpoint at its
 * path, answered with the reply (200), a fault (500) or, for a one-way call, 202 once the host accepted it;
 * {@code GET ?wsdl} answers the endpoint's metadata. One request at a time: the next is read once the answer to
 * this one is written, so answers keep the order of requests (HTTP/1.1).
 *
 * <p>Threading: Netty's event loop reads, decodes and writes, and hands each call to its session there
 * ({@code Session.dispatchFromEventLoop}), which runs the service on its host's executor (never on the event
 * loop); the answer is written from whichever thread completes the call. {@code calls} closes the sessions of
 * a connection that ended (closing waits for their calls: not on the event loop).
 */
final class SoapServer extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final IoControlCode CALL = IoControlCode.of(0x8C12, 1, IoControlCode.TransferMethod.NEITHER, 0);

  /** The endpoints of one port, by path. */
  interface Routes {
    /** The endpoint at {@code path}, or {@code null}. */
    Endpoint endpoint(String path);

    /** The paths served, sorted. */
    SortedSet<String> paths();
  }

  private final Routes routes;
  private final Executor calls;
  private final int maxMessageSize;
  private final int maxTextLength;
  private final Map<Endpoint, SessionTarget> sessions = new HashMap<>();       // event loop only
  /** The call this connection is waiting on, if any: cancelled when the client goes (its cancel or deadline). */
  private volatile IoRequest current;
  private static final Map<dev.courier.rpc.ContractDescription, SoapCodec> CODECS = new ConcurrentHashMap<>();

  private record SessionTarget(Session session, IoTarget target) {}

  SoapServer(Routes routes, Executor calls, int maxMessageSize, int maxTextLength) {
    this.routes = routes;
    this.calls = calls;
    this.maxMessageSize = maxMessageSize;
    this.maxTextLength = maxTextLength;
  }

  static SoapCodec codec(dev.courier.rpc.ContractDescription contract) {
    return CODECS.computeIfAbsent(contract, SoapCodec::of);
  }

  /** Requests a client pipelined behind the one being answered (event loop only); answered in order. */
  private final java.util.ArrayDeque<FullHttpRequest> pipelined = new java.util.ArrayDeque<>();
  private boolean busy;                               // event loop only: a request is being answered
  private volatile boolean draining;                  // the endpoint stopped listening: close after this answer

  /** A user event the binding fires when the endpoint stops listening: the connection ends once it has answered. */
  static final Object DRAIN = new Object();
  private static final int MAX_PIPELINED = 16;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
    if (busy) {
      if (pipelined.size() >= MAX_PIPELINED) {
        ctx.close();                                  // a client that pipelines without bound: it alone goes
        return;
      }
      pipelined.add(http.retain());
      return;
    }
    busy = true;
    handle(ctx, http);
  }

  /** The answer to the current request is written: the next pipelined one, if any, goes. Event loop. */
  private void next(ChannelHandlerContext ctx) {
    FullHttpRequest http = pipelined.poll();
    if (http == null) {
      busy = false;
      return;
    }
    try {
      handle(ctx, http);
    } finally {
      http.release();
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest http) {
    if (http.decoderResult().isFailure()) {
      // A request line or headers beyond the limits, or no HTTP at all: this connection goes, no one else's.
      Throwable why = http.decoderResult().cause();
      HttpResponseStatus status = why instanceof io.netty.handler.codec.http.TooLongHttpHeaderException
          ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
          : why instanceof io.netty.handler.codec.http.TooLongHttpLineException
              ? HttpResponseStatus.REQUEST_URI_TOO_LONG : HttpResponseStatus.BAD_REQUEST;
      text(ctx, false, status, "the request cannot be read: " + why.getMessage());
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(http);
    QueryStringDecoder uri = new QueryStringDecoder(http.uri());
    String path = uri.path().length() > 1 && uri.path().endsWith("/")
        ? uri.path().substring(0, uri.path().length() - 1) : uri.path();
    Endpoint endpoint = routes.endpoint(path);
    if (endpoint == null) {
      text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no endpoint at path " + path + " (expected one of "
          + routes.paths() + ")");
      return;
    }
    if (http.method().equals(HttpMethod.GET)) {
      String query = http.uri().contains("?") ? http.uri().substring(http.uri().indexOf('?') + 1) : "";
      if (query.equalsIgnoreCase("wsdl") || query.equalsIgnoreCase("singleWsdl")) {
        metadata(ctx, keepAlive, endpoint, http.headers().get(HttpHeaderNames.HOST));
      } else if (query.equalsIgnoreCase("health")) {
        dev.courier.rpc.HealthState health = endpoint.health();        // a balancer's probe: 200 only when serving
        text(ctx, keepAlive, health == dev.courier.rpc.HealthState.SERVING ? HttpResponseStatus.OK
            : HttpResponseStatus.SERVICE_UNAVAILABLE, health.name());
      } else {
        text(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "a SOAP endpoint takes POST (GET answers "
            + path + "?wsdl and " + path + "?health only)");
      }
      return;
    }
    if (!http.method().equals(HttpMethod.POST)) {
      text(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, http.method() + " " + path
          + " (expected: POST, or GET ?wsdl)");
      return;
    }
    String contentType = String.valueOf(http.headers().get(HttpHeaderNames.CONTENT_TYPE));
    SoapVersion version;
    String action;
    if (contentType.regionMatches(true, 0, "text/xml", 0, 8)) {
      version = SoapVersion.SOAP_11;
      action = unquoted(http.headers().get("SOAPAction"));
    } else if (contentType.regionMatches(true, 0, "application/soap+xml", 0, 20)) {
      version = SoapVersion.SOAP_12;
      action = parameter(contentType, "action");
    } else {
      text(ctx, keepAlive, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "content type " + contentType
          + " (expected: text/xml for SOAP 1.1 or application/soap+xml for SOAP 1.2)");
      return;
    }
    SoapCodec codec = codec(endpoint.contract());
    SoapCodec.Call call;
    try {
      call = codec.readRequest(new ByteBufInputStream(http.content()), action, XmlForm.Limits.of(maxMessageSize, maxTextLength));
    } catch (FaultException f) {
      fault(ctx, keepAlive, version, codec, null, f);
      return;
    }
    if (call.version() != version) {
      fault(ctx, keepAlive, version, codec, null, new FaultException(FaultException.SENDER, "a " + call.version()
          + " envelope sent as " + contentType + " (expected: the content type of its version)", null));
      return;
    }
    present(ctx, keepAlive, endpoint, codec, call);
  }

  private void present(ChannelHandlerContext ctx, boolean keepAlive, Endpoint endpoint, SoapCodec codec,
      SoapCodec.Call call) {
    SessionTarget st;
    try {
      st = session(ctx, endpoint);
    } catch (RuntimeException e) {
      fault(ctx, keepAlive, call.version(), codec, null, new FaultException("ServerTooBusy",
          String.valueOf(e.getMessage()), null));
      return;
    }
    OperationDescription op = call.operation();
    long timeout = call.timeoutNanos();
    Invocation inv = new Invocation(op, call.arguments(), call.headers(), timeout);
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(st.target(), CALL, null, null);
    r.context(Invocation.KEY, inv);
    current = r;
    r.setCompletionRoutine((request, target, params, i) -> {
      current = null;
      answer(ctx, keepAlive, call.version(), codec, op, params.status(), i);
    }, inv);
    SendOptions options = timeout == Invocation.NO_DEADLINE ? SendOptions.defaults()
        : SendOptions.withTimeout(java.time.Duration.ofNanos(Math.max(1, timeout)));
    if (!r.send(st.target(), options)) {
      current = null;
      answer(ctx, keepAlive, call.version(), codec, op, r.status(), inv);
    }
  }

  private void answer(ChannelHandlerContext ctx, boolean keepAlive, SoapVersion version, SoapCodec codec,
      OperationDescription op, IoStatus status, Invocation inv) {
    if (op.isOneWay() && status.equals(IoStatus.SUCCESS)) {
      respond(ctx, keepAlive, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED));
      return;
    }
    if (status.equals(IoStatus.SUCCESS)) {
      ByteBuf body = ctx.alloc().buffer();
      try {
        codec.writeReply(new ByteBufOutputStream(body), version, op, inv.reply());
      } catch (RuntimeException e) {
        body.release();
        fault(ctx, keepAlive, version, codec, op, new FaultException(FaultException.INTERNAL,
            "the result of " + op.name() + " cannot be encoded: " + e.getMessage(), null));
        return;
      }
      xml(ctx, keepAlive, HttpResponseStatus.OK, version, op.action() + "Response", body);
    } else if (status.equals(RpcStatus.FAULT)) {
      fault(ctx, keepAlive, version, codec, op, inv.fault());
    } else if (status.equals(RpcStatus.SERVER_TOO_BUSY)) {
      fault(ctx, keepAlive, version, codec, op, new FaultException("ServerTooBusy", "the service is too busy to take "
          + "the call of " + op.name(), null));
    } else {
      fault(ctx, keepAlive, version, codec, op, new FaultException(FaultException.INTERNAL, "the call of " + op.name()
          + " ended with " + status, null));
    }
  }

  private void fault(ChannelHandlerContext ctx, boolean keepAlive, SoapVersion version, SoapCodec codec,
      OperationDescription op, FaultException fault) {
    ByteBuf body = ctx.alloc().buffer();
    codec.writeFault(new ByteBufOutputStream(body), version, op, fault);
    HttpResponseStatus status = fault.code().equals(FaultException.SENDER) && fault.detail() == null
        && op == null ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.INTERNAL_SERVER_ERROR;
    // SOAP over HTTP answers every fault 500; a body that could not be read at all is the client's 400 in 1.2 only
    xml(ctx, keepAlive, version == SoapVersion.SOAP_12 ? status : HttpResponseStatus.INTERNAL_SERVER_ERROR, version,
        "http://www.w3.org/2005/08/addressing/soap/fault", body);
  }

  private void metadata(ChannelHandlerContext ctx, boolean keepAlive, Endpoint endpoint, String host) {
    java.util.Optional<String> document = endpoint.metadata();
    if (document.isEmpty()) {
      text(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "this host publishes no metadata (expected: "
          + "ServiceHost.Builder.publishMetadata(true))");
      return;
    }
    String wsdl = document.get();
    java.net.URI reached = null;
    try {
      reached = host == null ? null : new java.net.URI("http://" + host.strip() + "/");
    } catch (java.net.URISyntaxException e) {
      // a Host header that names no host: the document as the host describes itself
    }
    if (reached != null && reached.getHost() != null && ctx.channel().localAddress() instanceof InetSocketAddress local) {
      ServiceMetadata described = Wsdl.read(wsdl);
      ServiceMetadata seen = described.reachedAt(reached, local.getPort());
      wsdl = seen == described ? wsdl : Wsdl.write(seen);
    }
    ByteBuf body = Unpooled.copiedBuffer(wsdl, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8");
    respond(ctx, keepAlive, response);
  }

  private SessionTarget session(ChannelHandlerContext ctx, Endpoint endpoint) {
    SessionTarget st = sessions.get(endpoint);
    if (st == null) {
      Session session = endpoint.openSession(null, peer(ctx));
      // The session takes each call on the event loop and moves its service code to its host's executor.
      IoQueue queue = IoQueue.parallel().onDefault((q, r) -> session.dispatchFromEventLoop(r)).build();
      IoTarget target = IoDevice.builder("courier.soap session").defaultQueue(queue).build().openTarget();
      st = new SessionTarget(session, target);
      sessions.put(endpoint, st);
    }
    return st;
  }

  private static Peer peer(ChannelHandlerContext ctx) {
    io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    String address = ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? (tls == null ? "http://" : "https://") + a.getHostString() + ":" + a.getPort()
        : String.valueOf(ctx.channel().remoteAddress());
    return tls == null ? Peer.at(address) : Peer.authenticated(address, tls.engine().getSession());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    pipelined.forEach(FullHttpRequest::release);
    pipelined.clear();
    IoRequest call = current;
    if (call != null) {
      call.cancelSentRequest();                      // the client gave up (cancel, deadline) or went: the service hears it
    }
    java.util.List<SessionTarget> ended = java.util.List.copyOf(sessions.values());
    sessions.clear();
    calls.execute(() -> {                            // closing a target waits for its calls: not on the event loop
      for (SessionTarget st : ended) {
        st.target().close();
        st.session().close();
      }
    });
    super.channelInactive(ctx);
  }

  /**
   * A connection that sends nothing for the binding's idle timeout while no call of its own runs is closed: a
   * client that dribbles its headers or body, or holds an idle connection, holds no thread and not for long.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof io.netty.handler.timeout.IdleStateEvent && !busy) {
      ctx.close();
      return;
    }
    if (event == DRAIN) {
      draining = true;                                // a call in flight is answered first: a graceful close waits for it
      if (!busy) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();                                     // a broken or hostile connection: it alone goes
  }

  private void text(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String message) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    respond(ctx, keepAlive, response);
  }

  private void xml(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, SoapVersion version,
      String action, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, version.contentType(action));
    respond(ctx, keepAlive, response);
  }

  private void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive && !draining) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
      try {
        ctx.executor().execute(() -> next(ctx));      // answers keep the order of requests
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the binding closed while the call ran: its connection is gone, and nothing is left to answer
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String unquoted(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
  }

  /** The value of parameter {@code name} of a content type, unquoted, or empty. */
  static String parameter(String contentType, String name) {
    for (String part : contentType.split(";")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
        return unquoted(p.substring(eq + 1));
      }
    }
    return "";
  }
}
