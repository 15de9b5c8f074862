package dev.courier.testpage.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.courier.rpc.ServiceHost;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The page's HTTP server: one Netty event-loop thread serves the page's files and its catalog, and hands each call to
 * a virtual thread, which answers when the call is over.
 *
 * <pre>{@code
 * PageServer server = PageServer.open(host, new InetSocketAddress("127.0.0.1", 0));
 * server.url();            // http://127.0.0.1:41234/
 * server.close();
 * }</pre>
 *
 * <p>Routes: {@code GET /} (the page), {@code /app.js}, {@code /app.css}, {@code /api/contracts} (the
 * {@link Catalog}) and {@code POST /api/invoke} ({@link Invoker}), whose body is at most {@link #MAX_REQUEST_BYTES}
 * of {@code application/json}.
 */
public final class PageServer implements AutoCloseable {
  /** The largest request body the server reads. */
  public static final int MAX_REQUEST_BYTES = 1024 * 1024;
  private static final String JSON = "application/json; charset=utf-8";
  private static final Map<String, String> FILES = Map.of(
      "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");
  private static final Map<String, String> TYPES = Map.of(
      "index.html", "text/html; charset=utf-8", "app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8");

  private final ObjectMapper mapper;
  private final Map<String, byte[]> files;
  private final byte[] catalog;
  private final Invoker invoker;
  private final EventLoopGroup group;
  private final ExecutorService calls;
  private final boolean loopback;
  private volatile Channel channel;
  private volatile URI url;

  private PageServer(ServiceHost host, InetSocketAddress at) {
    this.loopback = at.getAddress() != null && at.getAddress().isLoopbackAddress();
    this.mapper = new ObjectMapper().registerModule(new Jdk8Module())
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    this.files = Map.of("index.html", resource("index.html"), "app.js", resource("app.js"), "app.css", resource("app.css"));
    try {
      this.catalog = mapper.writeValueAsBytes(Catalog.of(host, mapper).json());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("test page: cannot write the catalog of " + host + ": " + e.getOriginalMessage(), e);
    }
    this.invoker = new Invoker(host.endpoints(), mapper);
    this.calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("courier-testpage-call-", 0).factory());
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("courier-testpage", true),
        NioIoHandler.newFactory());
  }

  /** Serves the page of {@code host} at {@code at}. */
  public static PageServer open(ServiceHost host, InetSocketAddress at) {
    PageServer server = new PageServer(host, at);
    server.listen(at);
    return server;
  }

  private void listen(InetSocketAddress at) {
    try {
      channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler());
            }
          })
          .bind(at).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      stop();
      throw new IllegalStateException("test page: cannot listen at " + at + ": " + e.getMessage()
          + " (expected: a free port on a local address)", e);
    }
    InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
    String hostName = bound.getAddress().getHostAddress();
    url = URI.create("http://" + (hostName.contains(":") ? "[" + hostName + "]" : hostName) + ":" + bound.getPort() + "/");
  }

  /** The page's address, with the port bound. */
  public URI url() {
    return url;
  }

  /** Stops serving; calls in flight finish on their own. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    stop();
  }

  private void stop() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    calls.shutdown();
    invoker.close();
  }

  /**
   * Whether a request that names {@code host} in its {@code Host} header is answered: by a page on loopback, only
   * when it names an address or {@code localhost}, so that a site whose DNS name turns into 127.0.0.1 cannot read the
   * page or make calls through it.
   */
  private boolean acceptsHost(String host) {
    if (!loopback) {
      return true;
    }
    String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
        : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return name.equalsIgnoreCase("localhost") || name.contains(":") || name.matches("[0-9.]+");
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test page: resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("test page: cannot read resource " + name + ": " + e, e);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      String path = URI.create(request.uri()).getPath();
      String host = request.headers().get(HttpHeaderNames.HOST, "");
      if (!acceptsHost(host)) {
        InetSocketAddress self = (InetSocketAddress) ctx.channel().localAddress();
        error(ctx, false, HttpResponseStatus.FORBIDDEN, "host " + host + " (expected: the page's own address, such as "
            + self.getAddress().getHostAddress() + ":" + self.getPort()
            + "; a page on loopback answers no DNS name but localhost, against DNS rebinding)");
        return;
      }
      if (path.equals("/api/invoke")) {
        if (!request.method().equals(HttpMethod.POST)) {
          error(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + path + " (expected: POST)");
          return;
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.startsWith("application/json")) {     // a page of another site cannot send this type without asking
          error(ctx, keepAlive, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
              "content type " + (type.isEmpty() ? "(none)" : type) + " (expected: application/json)");
          return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        calls.execute(() -> invoke(ctx, keepAlive, body));
        return;
      }
      if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        error(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + path + " (expected: GET)");
        return;
      }
      if (path.equals("/api/contracts")) {
        respond(ctx, keepAlive, HttpResponseStatus.OK, JSON, catalog);
        return;
      }
      String file = FILES.get(path);
      if (file == null) {
        error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no page at " + path
            + " (expected: /, /app.js, /app.css, /api/contracts or /api/invoke)");
        return;
      }
      respond(ctx, keepAlive, HttpResponseStatus.OK, TYPES.get(file), files.get(file));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();                                      // a broken connection: the browser opens another one
    }
  }

  /** Runs on a virtual thread: parses the call, makes it, and answers. */
  private void invoke(ChannelHandlerContext ctx, boolean keepAlive, byte[] body) {
    JsonNode request;
    try {
      request = mapper.readTree(body);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      error(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "request body is not JSON: " + why
          + " (expected: {\"contract\": ..., \"operation\": ..., \"arguments\": {...}})");
      return;
    }
    try {
      ObjectNode outcome = invoker.invoke(request);
      respond(ctx, keepAlive, HttpResponseStatus.OK, JSON, mapper.writeValueAsBytes(outcome));
    } catch (Invoker.BadRequest e) {
      error(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "the test page is closing");
    } catch (RuntimeException | JsonProcessingException e) {
      error(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, "the test page failed: " + e);
    }
  }

  private void error(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String message) {
    ObjectNode error = mapper.createObjectNode();
    error.put("error", message);
    respond(ctx, keepAlive, status, JSON, error.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
      byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set("X-Content-Type-Options", "nosniff");
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
