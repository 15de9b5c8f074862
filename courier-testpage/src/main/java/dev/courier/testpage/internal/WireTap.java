package dev.courier.testpage.internal;

import dev.courier.rpc.EndpointAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A relay on loopback between the page's client and one endpoint, which keeps the bytes that cross it: the page's
 * client connects to the relay, the relay to the endpoint, and what each side sends is what the page shows as the
 * request and the response, exactly as it crossed the network (HTTP with its SOAP envelope, or TCP frames).
 *
 * <pre>{@code
 * WireTap tap = WireTap.open(EndpointAddress.of("courier.tcp://0.0.0.0:8808/calc")).orElseThrow();
 * tap.address();                        // courier.tcp://127.0.0.1:<relay port>/calc
 * tap.clear(); ... tap.sent(); tap.received();
 * }</pre>
 *
 * <p>Each direction keeps up to {@link #KEPT_BYTES} bytes between two {@link #clear()}s; the page serialises the
 * calls to one endpoint, so what the tap holds belongs to one call. Threading: thread safe; one virtual thread
 * accepts, two per connection copy.
 */
public final class WireTap implements AutoCloseable {
  /** The most bytes kept of each direction between two clears. */
  public static final int KEPT_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final EndpointAddress address;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Direction toService = new Direction();
  private final Direction fromService = new Direction();

  private WireTap(ServerSocket server, InetSocketAddress target, EndpointAddress address) {
    this.server = server;
    this.target = target;
    this.address = address;
  }

  /** Whether the page shows what crosses {@code address} as text (HTTP) rather than as hex. */
  public static boolean showsText(EndpointAddress address) {
    return address.scheme().equals("http");
  }

  /** A tap in front of {@code endpoint}, or empty when its address names no host and port (in process). */
  public static Optional<WireTap> open(EndpointAddress endpoint) {
    URI uri = endpoint.uri();
    int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equals("http") ? 80 : -1;
    if (uri.getHost() == null || port == -1) {
      return Optional.empty();
    }
    String host = uri.getHost();
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    InetSocketAddress target = new InetSocketAddress(wildcard ? "127.0.0.1" : host, port);
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      URI relayed = new URI(uri.getScheme(), uri.getUserInfo(), "127.0.0.1", server.getLocalPort(), uri.getPath(),
          uri.getQuery(), uri.getFragment());
      WireTap tap = new WireTap(server, target, new EndpointAddress(relayed));
      Thread.ofVirtual().name("courier-testpage-tap-" + server.getLocalPort()).start(tap::accept);
      return Optional.of(tap);
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("test page: cannot open a relay on loopback for " + endpoint + ": " + e, e);
    }
  }

  /** The address a client reaches the endpoint at through this tap. */
  public EndpointAddress address() {
    return address;
  }

  /** Forgets what crossed so far. */
  public void clear() {
    toService.clear();
    fromService.clear();
  }

  /** How many bytes went to the service since the tap opened. */
  public long sentTotal() {
    return toService.total();
  }

  /** Waits up to {@code timeout} until more than {@code total} bytes went to the service. */
  public void awaitSentBeyond(long total, Duration timeout) throws InterruptedException {
    toService.awaitBeyond(total, timeout);
  }

  /** What went to the service since the last clear (at most {@link #KEPT_BYTES}), and whether more went. */
  public Bytes sent() {
    return toService.bytes();
  }

  /** What came back from the service since the last clear (at most {@link #KEPT_BYTES}), and whether more came. */
  public Bytes received() {
    return fromService.bytes();
  }

  /** Stops relaying and closes every connection. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
    sockets.forEach(WireTap::closeQuietly);
  }

  /**
   * Bytes kept by a tap.
   *
   * @param data the bytes kept
   * @param truncated whether more crossed than were kept
   */
  public record Bytes(byte[] data, boolean truncated) {

    /** The bytes as UTF-8 text. */
    public String text() {
      return new String(data, StandardCharsets.UTF_8) + (truncated ? "\n... (more than " + KEPT_BYTES + " bytes)" : "");
    }

    /** The bytes as a hex dump: offset, 16 bytes, and their printable ASCII. */
    public String hex() {
      StringBuilder out = new StringBuilder();
      for (int line = 0; line < data.length; line += 16) {
        out.append(String.format("%08x ", line));
        StringBuilder ascii = new StringBuilder();
        for (int i = line; i < line + 16; i++) {
          if (i < data.length) {
            out.append(String.format(" %02x", data[i] & 0xff));
            char c = (char) (data[i] & 0xff);
            ascii.append(c >= 0x20 && c < 0x7f ? c : '.');
          } else {
            out.append("   ");
          }
        }
        out.append("  |").append(ascii).append("|\n");
      }
      return out + (truncated ? "... (more than " + KEPT_BYTES + " bytes)\n" : "");
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;                                  // closed
      }
      Socket service = new Socket();
      sockets.add(client);
      sockets.add(service);
      try {
        service.connect(target, 10_000);
        client.setTcpNoDelay(true);
        service.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);                    // the client sees the connection refused, as without the tap
        closeQuietly(service);
        continue;
      }
      Thread.ofVirtual().start(() -> copy(client, service, toService));
      Thread.ofVirtual().start(() -> copy(service, client, fromService));
    }
  }

  private void copy(Socket from, Socket to, Direction kept) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        kept.add(buffer, n);                     // kept before it goes on: a reply is kept before its caller has it
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** One direction's bytes since the last clear, and its total since the tap opened. */
  private static final class Direction {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;
    private long total;

    synchronized void add(byte[] data, int length) {
      int room = KEPT_BYTES - kept.size();
      kept.write(data, 0, Math.min(room, length));
      truncated |= length > room;
      total += length;
      notifyAll();
    }

    synchronized void clear() {
      kept.reset();
      truncated = false;
    }

    synchronized long total() {
      return total;
    }

    synchronized void awaitBeyond(long before, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      long left;
      while (total <= before && (left = deadline - System.nanoTime()) > 0) {
        wait(Math.max(1, left / 1_000_000));
      }
    }

    synchronized Bytes bytes() {
      return new Bytes(kept.toByteArray(), truncated);
    }
  }
}
