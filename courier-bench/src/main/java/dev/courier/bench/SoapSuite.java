package dev.courier.bench;

import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import dev.courier.bench.LoadDriver.Message;
import dev.courier.bench.SoapEchoTarget.Kind;
import dev.courier.bench.SoapEchoTarget.Parcel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The SOAP suite of {@link BenchRunner} ({@code --suite soap}): Courier SOAP, CXF and Metro under the
 * {@link LoadDriver}, SOAP 1.1 over loopback HTTP/1.1, in interleaved rounds (in each round, each cell runs
 * Courier, CXF, Metro in turn), each run in a JVM of its own; writes {@code courier-soap.md}.
 *
 * <p>The cells: echo of a 16-byte string at 1 and 64 calls in flight, echo of a 4 KiB record ({@link Parcel})
 * at 1 and 64; then, once every round of those has run, the 16-byte echo in an open loop at half of CXF's peak
 * (the highest median calls/s of CXF's 16-byte cells), for as many rounds. Issue 10's goals: Courier makes at
 * least 3 times CXF's calls/s at 64 in flight with at most half its CPU per call, and its p99 at half of CXF's
 * peak is no worse than CXF's or Metro's. Quick mode runs every cell in this JVM for a few hundred
 * milliseconds: it keeps the harness working, its figures mean nothing.
 */
final class SoapSuite extends LoadSuite {
  static final int TEXT_BYTES = 16;
  static final int RECORD_BYTES = 4096;
  static final String HEADLINE = "string-16-64";
  static final String HALF_LOAD = "open-16-half";

  static final List<Cell> CELLS = List.of(
      new Cell("string-16-1", "echo string, 16 B, 1 in flight", text(1)),
      new Cell(HEADLINE, "echo string, 16 B, 64 in flight", text(64)),
      new Cell("record-4k-1", "echo record, 4 KiB, 1 in flight", record(1)),
      new Cell("record-4k-64", "echo record, 4 KiB, 64 in flight", record(64)));

  private double halfLoadRate = Double.NaN;

  SoapSuite(int rounds, boolean quick) {
    super("soap", rounds, quick, Arrays.stream(Kind.values()).filter(Kind::available).toList());
  }

  private static LoadSpec text(int inFlight) {
    return LoadSpec.unary(Kind.CXF, inFlight, TEXT_BYTES).withMessage(Message.TEXT);
  }

  private static LoadSpec record(int inFlight) {
    return LoadSpec.unary(Kind.CXF, inFlight, RECORD_BYTES).withMessage(Message.RECORD);
  }

  /** Runs every round and writes {@code <out>/courier-soap.md}; returns its path. */
  Path run(Path out) throws IOException {
    runRounds(CELLS);
    double peak = peak(CELLS, Kind.CXF, c -> c.spec().message() == Message.TEXT);
    halfLoadRate = Math.max(1, Math.round(peak / 2));
    String title = String.format(Locale.ROOT, "echo string, 16 B, open loop at %,.0f calls/s (half of CXF's peak)",
        halfLoadRate);
    runOpenRounds(HALF_LOAD, title,
        kind -> LoadSpec.openLoop(kind, halfLoadRate, TEXT_BYTES).withMessage(Message.TEXT));
    return write(out, "courier-soap.md", report());
  }

  // ---- the report -----------------------------------------------------------------------------------

  String report() {
    StringBuilder s = new StringBuilder();
    heading(s, "courier-soap", "--suite soap --rounds 3");
    BenchRunner.facts(s, roundsFact(),
        "JVM arguments", "`" + String.join(" ", JVM_ARGS) + "`, and for CXF `"
            + String.join(" ", Kind.CXF.jvmArgs()) + "`, for Metro `" + String.join(" ", Kind.METRO.jvmArgs())
            + "`" + (quick ? " (quick mode: set in the runner's JVM before each stack starts)" : ""),
        "I/O threads", "Courier SOAP: 1 Netty event loop on each side (SoapBinding's fixed number); CXF: 1 Jetty "
            + "selector (no acceptor thread) + the JDK HttpClient's 1 selector; Metro: the JDK HTTP server's 1 "
            + "dispatcher; its client has none (each call in flight blocks a thread of Metro's executor in "
            + "HttpURLConnection)",
        "network", "loopback, 127.0.0.1, SOAP 1.1 over HTTP/1.1 with keep-alive: a connection per call in flight "
            + "(HTTP/1.1 carries one exchange at a time)");
    s.append("Each run starts the service and its client in one JVM, each stack calling its own service: a closed ")
        .append("loop keeps N calls in flight, each reply issuing the next call from the thread that completed it. ")
        .append("Latency is from the call to its reply (HdrHistogram); CPU is the whole process's CPU time over the ")
        .append("measured seconds (client, server, JIT and GC) per million calls. The first reply of a run must equal ")
        .append("what was sent (the string, or every field of the record); every other one must be as long (the ")
        .append("string) or the same parcel with a body as long (the record); a failed call fails the run.\n\n");
    Parcel parcel = Parcel.of(RECORD_BYTES);
    s.append("The messages: the 16 B string is ").append(TEXT_BYTES).append(" ASCII letters and digits; the 4 KiB ")
        .append("record is `Parcel(long id, String name, List<String> tags, String body)` with ")
        .append(parcel.tags().size()).append(" tags and a body of ").append(String.format(Locale.ROOT, "%,d",
            parcel.body().length()))
        .append(" ASCII characters: about 4 KiB of XML in each stack's envelope. Every stack writes the same ")
        .append("document/literal wrapped elements (`echo`/`echoResponse`, `echoParcel`/`echoParcelResponse`, ")
        .append("qualified in `urn:courier-bench/`, the tags as `string` items of WCF's array namespace); the ")
        .append("JAX-WS stacks' endpoint interfaces and JAXB beans are written to Courier's contract's names.\n\n");

    s.append("## Goals (issue 10): Courier / CXF, median of the per-pair ratios\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    s.append(goalRow("calls/s, echo string 16 B, 64 in flight",
        ratios(HEADLINE, Kind.COURIER, Kind.CXF, LoadResult::callsPerSecond), ">= 3", true, 3, false));
    s.append(goalRow("CPU per call, echo string 16 B, 64 in flight",
        ratios(HEADLINE, Kind.COURIER, Kind.CXF, LoadResult::cpuSecondsPerMillion), "<= 0.5", false, 0.5, false));
    String halfTitle = String.format(Locale.ROOT, "half of CXF's peak (open loop, %,.0f calls/s)", halfLoadRate);
    s.append(goalRow("p99 latency at " + halfTitle,
        ratios(HALF_LOAD, Kind.COURIER, Kind.CXF, LoadResult::p99Micros), "<= 1", false, 1, false));
    s.append(goalRow("p99 latency at " + halfTitle + ", Courier / Metro",
        ratios(HALF_LOAD, Kind.COURIER, Kind.METRO, LoadResult::p99Micros), "<= 1", false, 1, false));
    s.append('\n');

    s.append("## Courier / CXF per cell: median of the per-pair ratios (range)\n\n");
    s.append("Calls/s higher is better; latency and CPU lower is better.\n\n");
    ratioTable(s, Kind.COURIER, Kind.CXF);
    s.append('\n');

    ratioSection(s, "## Courier / Metro per cell: median of the per-pair ratios (range)", Kind.COURIER, Kind.METRO);

    s.append("## Figures: median over the rounds (range)\n\n");
    figuresTable(s);
    s.append('\n');

    whatRan(s);
    s.append("- CXF's peak: the highest median calls/s of its 16 B string cells in this run.\n");
    return s.toString();
  }
}
