package dev.courier.bench;

import dev.courier.bench.LoadDriver.Calls;
import dev.courier.bench.LoadDriver.LoadSpec;
import dev.courier.bench.LoadDriver.Message;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * One SOAP 1.1 echo service and one client of it over loopback HTTP/1.1 with keep-alive, in this JVM: what the
 * {@link SoapSuite} measures with the {@link LoadDriver}. The service echoes a string ({@code echo}) and a
 * {@link Parcel} record ({@code echoParcel}), document/literal wrapped, with the same element names in every
 * stack ({@code urn:courier-bench/}); each stack's client sends its own calls to its own service.
 *
 * <pre>{@code
 * try (SoapEchoTarget target = SoapEchoTarget.Kind.CXF.open(new SoapEchoTarget.Options(1))) {
 *   String reply = target.echo("0123456789abcdef").get(5, TimeUnit.SECONDS);
 * }
 * }</pre>
 */
public interface SoapEchoTarget extends AutoCloseable {
  /** The namespace of the service, its operations and its record, in every stack (Courier appends the slash). */
  String NAMESPACE = "urn:courier-bench/";
  /** The namespace of a list's items in Courier's (WCF's) form, which the JAX-WS stacks are told to write too. */
  String ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

  /** The library, its version, the server, the client and their threads: one line for the report. */
  String description();

  /**
   * Sends {@code text} and completes with the service's reply, the same string. Callable from any thread,
   * including the thread that completes an earlier call; returns without waiting for the reply.
   */
  CompletableFuture<String> echo(String text);

  /** Sends {@code parcel} and completes with the service's reply, an equal record; as {@link #echo(String)}. */
  CompletableFuture<Parcel> echo(Parcel parcel);

  /** Closes the client, then the server, and stops their threads; bounded. */
  @Override
  void close();

  /**
   * The record of the 4 KiB cell, the same shape in every stack: Courier's contract takes it as is, the JAX-WS
   * stacks as a JAXB bean of the same fields and element names.
   *
   * @param id a number beyond an int
   * @param name a short string
   * @param tags a few short strings
   * @param body most of the record's size
   */
  record Parcel(long id, String name, List<String> tags, String body) {
    /** How many tags a parcel of {@link #of} carries. */
    public static final int TAGS = 8;
    /** What a parcel of {@link #of} spends on its other fields and their XML, besides its body. */
    public static final int OVERHEAD = 512;

    /** A parcel of about {@code bytes} of XML: {@link #TAGS} tags and a body of {@code bytes - 512} letters. */
    public static Parcel of(int bytes) {
      return new Parcel(4_242_424_242L, "parcel-" + bytes,
          IntStream.range(0, TAGS).mapToObj(i -> "tag-" + i).toList(), text(Math.max(0, bytes - OVERHEAD)));
    }
  }

  /**
   * How a target is set up.
   *
   * @param eventLoopThreads I/O threads on each side, where a stack lets them be set
   */
  record Options(int eventLoopThreads) {
    public Options {
      if (eventLoopThreads < 1) {
        throw new IllegalArgumentException("eventLoopThreads: " + eventLoopThreads + " (expected: >= 1)");
      }
    }
  }

  /** {@code length} ASCII letters and digits, the same for a length in every run (seeded). */
  static String text(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** The implementations, in the order the runner alternates them. */
  enum Kind implements LoadTarget {
    /** Courier's SOAP binding: a {@code ServiceHost} and a channel of the {@code Echo} contract. */
    COURIER("courier-soap", "Courier SOAP"),
    /** Apache CXF's JAX-WS front end on Jetty, and its client with JAX-WS asynchronous calls. */
    CXF("cxf", "CXF"),
    /** Metro (the JAX-WS reference implementation) on the JDK's HTTP server, and its client. */
    METRO("metro", "Metro");

    /** The system property that names the JVM's JAX-WS implementation. */
    static final String PROVIDER = "jakarta.xml.ws.spi.Provider";

    private final String id;
    private final String label;

    Kind(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** The name on the command line: {@code courier-soap}, {@code cxf} or {@code metro}. */
    @Override
    public String id() {
      return id;
    }

    /** The name in reports. */
    @Override
    public String label() {
      return label;
    }

    /** Every stack is in courier-bench's dependencies. */
    @Override
    public boolean available() {
      return true;
    }

    /** A string, or a {@link Parcel}. */
    @Override
    public List<Message> messages() {
      return List.of(Message.TEXT, Message.RECORD);
    }

    /** Calls only: the suite has no one-way cell. */
    @Override
    public boolean oneWay() {
      return false;
    }

    /** The system properties of the stack's JVM: its JAX-WS implementation, and Metro's HTTP settings. */
    @Override
    public List<String> jvmArgs() {
      return systemProperties().stream().map(p -> "-D" + p[0] + "=" + p[1]).toList();
    }

    /** Name and value of each system property this stack's JVM runs with. */
    List<String[]> systemProperties() {
      return switch (this) {
        case COURIER -> List.of();
        case CXF -> List.<String[]>of(new String[] {PROVIDER, CxfEchoTarget.PROVIDER});
        case METRO -> MetroEchoTarget.systemProperties();
      };
    }

    /** Starts the server and connects the client. */
    public SoapEchoTarget open(Options options) {
      Quiet.libraries();
      return switch (this) {
        case COURIER -> CourierSoapEchoTarget.open(options);
        case CXF -> CxfEchoTarget.open(options);
        case METRO -> MetroEchoTarget.open(options);
      };
    }

    /** Opens the target with the spec's event loops; every call sends the same string or parcel. */
    @Override
    public Calls<?> open(LoadSpec spec, Runnable onDelivery) {
      SoapEchoTarget target = open(new Options(spec.eventLoopThreads()));
      return switch (spec.message()) {
        case TEXT -> calls(target, text(spec.payloadBytes()), target::echo,
            r -> r.length() == spec.payloadBytes() ? null
                : "a reply of " + r.length() + " characters to a request of " + spec.payloadBytes());
        case RECORD -> {
          Parcel sent = Parcel.of(spec.payloadBytes());
          yield calls(target, sent, target::echo,
              r -> r.id() == sent.id() && r.body() != null && r.body().length() == sent.body().length() ? null
                  : "a reply of another parcel (id " + r.id() + ") to a request of parcel " + sent.id());
        }
        case BYTES -> throw new IllegalArgumentException(label + " echoes a string or a record, not bytes");
      };
    }

    private static <T> Calls<T> calls(SoapEchoTarget target, T request, Function<T, CompletableFuture<T>> echo,
        Function<T, String> mismatch) {
      return new Calls<>() {
        @Override
        public String description() {
          return target.description();
        }

        @Override
        public CompletableFuture<T> call() {
          return echo.apply(request);
        }

        @Override
        public boolean echoes(T reply) {
          return Objects.equals(reply, request);
        }

        @Override
        public String mismatch(T reply) {
          return reply == null ? "a null reply" : mismatch.apply(reply);
        }

        @Override
        public void oneWay() {
          throw new UnsupportedOperationException("the SOAP targets take calls only");
        }

        @Override
        public void close() {
          target.close();
        }
      };
    }
  }

  /** Keeps CXF's and Metro's own logging (java.util.logging) to errors, so that a run prints only its figures. */
  final class Quiet {
    /** Held, so that the levels stay set (the log manager keeps its loggers weakly). */
    private static final List<Logger> LOGGERS = List.of(Logger.getLogger("org.apache.cxf"),
        Logger.getLogger("com.sun.xml.ws"), Logger.getLogger("jakarta.xml.ws"), Logger.getLogger("org.eclipse.jetty"));

    private Quiet() {}

    /** Sets the levels; idempotent. */
    static void libraries() {
      for (Logger logger : LOGGERS) {
        logger.setLevel(Level.SEVERE);
      }
    }
  }
}
