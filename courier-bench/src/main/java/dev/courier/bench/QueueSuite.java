package dev.courier.bench;

import dev.courier.bench.QueueDriver.QueueResult;
import dev.courier.bench.QueueDriver.QueueSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The queued binding's suite of {@link BenchRunner} ({@code --suite queue}): durable one-way messages through an
 * Artemis broker embedded in the run's JVM, Courier's {@code ArtemisBinding} against the same broker driven with
 * Artemis's own Jakarta Messaging client, under the {@link QueueDriver}, in interleaved rounds (in each round one
 * run of each target, each run in a JVM of its own, or in this JVM for a few hundred milliseconds in quick mode);
 * writes {@code courier-queue.md}.
 */
final class QueueSuite {
  static final int IN_FLIGHT = 64;
  static final int PAYLOAD = 16;
  /** The targets, in the order each round runs them. */
  static final List<QueueTarget> TARGETS = List.of(QueueTarget.COURIER, QueueTarget.JMS, QueueTarget.JMS_PREFETCH);
  /** The arguments of every run's JVM: the load suites', and Unsafe allowed (JCTools in the broker reads through it). */
  static final List<String> JVM_ARGS = concat(LoadSuite.JVM_ARGS, "--sun-misc-unsafe-memory-access=allow");
  private static final String DOCS = "https://activemq.apache.org/components/artemis/documentation/latest/";

  private final int rounds;
  private final boolean quick;
  private final Map<QueueTarget, List<QueueResult>> results = new EnumMap<>(QueueTarget.class);

  QueueSuite(int rounds, boolean quick) {
    this.rounds = rounds;
    this.quick = quick;
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> all = new ArrayList<>(a);
    all.add(b);
    return List.copyOf(all);
  }

  /** Runs every round and writes {@code <out>/courier-queue.md}; returns its path. */
  Path run(Path out) throws IOException {
    QueueSpec spec = QueueSpec.of(QueueTarget.COURIER, IN_FLIGHT, PAYLOAD);
    spec = quick ? spec.withTiming(LoadSuite.QUICK_WARMUP, LoadSuite.QUICK_MEASURED)
        : spec.withTiming(LoadSuite.WARMUP, LoadSuite.MEASURED);
    for (int round = 1; round <= rounds; round++) {
      for (QueueTarget target : TARGETS) {
        measure(round, spec.withTarget(target));
      }
    }
    return LoadSuite.write(out, "courier-queue.md", report());
  }

  private void measure(int round, QueueSpec spec) {
    System.out.printf("== queue round %d of %d: %s%n", round, rounds, spec);
    QueueResult r;
    try {
      r = quick ? QueueDriver.run(spec) : fork(spec);
    } catch (Exception e) {
      throw new IllegalStateException("queue round " + round + ": " + spec + " failed: " + e.getMessage(), e);
    }
    System.out.println("   " + r);
    results.computeIfAbsent(spec.target(), k -> new ArrayList<>()).add(r);
  }

  /** Runs one spec in a JVM of its own (this JVM's java and class path, {@link #JVM_ARGS}); bounded. */
  static QueueResult fork(QueueSpec spec) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(LoadSuite.java()));
    cmd.addAll(JVM_ARGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), QueueDriver.class.getName()));
    cmd.addAll(spec.args());
    return QueueResult.parse(spec, LoadSuite.resultLine(cmd, spec.warmup().plus(spec.duration()).plusMinutes(1)));
  }

  // ---- the report -----------------------------------------------------------------------------------

  private List<Double> values(QueueTarget target, ToDoubleFunction<QueueResult> f) {
    return results.getOrDefault(target, List.of()).stream().map(r -> f.applyAsDouble(r)).toList();
  }

  /** {@code numerator} / {@code denominator} of one figure, per round. */
  private List<Double> ratios(QueueTarget numerator, QueueTarget denominator, ToDoubleFunction<QueueResult> f) {
    List<Double> a = values(numerator, f);
    List<Double> b = values(denominator, f);
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      r.add(a.get(i) / b.get(i));
    }
    return r;
  }

  /** The journals the runs used, each once, as in {@code NIO journal on ext4}. */
  private String journals() {
    TreeSet<String> seen = new TreeSet<>();
    results.values().forEach(l -> l.forEach(r -> seen.add(r.journalType() + " journal on " + r.fileSystem())));
    return seen.isEmpty() ? "n/a" : String.join(", ", seen);
  }

  /** A count's median over the rounds, with its range when there are several, in whole numbers. */
  private static String whole(List<Double> values) {
    if (values.isEmpty()) {
      return "n/a";
    }
    String median = String.format(Locale.ROOT, "%.0f", BenchRunner.median(values));
    return values.size() == 1 ? median : median + String.format(Locale.ROOT, " (%.0f to %.0f)",
        values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
        values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
  }

  String report() {
    StringBuilder s = new StringBuilder();
    s.append("# courier-queue benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify -Dbench.args=\"--suite queue\"` ")
        .append("(`dev.courier.bench.BenchRunner`, `dev.courier.bench.QueueDriver`)")
        .append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
    String order = String.join(", ", TARGETS.stream().map(QueueTarget::label).toList());
    BenchRunner.facts(s, rounds + " interleaved (" + order + " in turn); "
            + (quick ? "each run in the runner's JVM, " + LoadSuite.QUICK_WARMUP.toMillis() + " ms warm-up, "
                + LoadSuite.QUICK_MEASURED.toMillis() + " ms measured"
                : "each run a JVM of its own, " + LoadSuite.WARMUP.toSeconds() + " s warm-up, "
                    + LoadSuite.MEASURED.toSeconds() + " s measured, -Xmx1g"),
        "broker", "Apache Artemis " + org.apache.activemq.artemis.utils.VersionLoader.getVersion().getFullVersion()
            + ", embedded in each run's JVM: persistent, " + journals() + " (AIO where libaio works, NIO otherwise) "
            + "in a fresh temporary directory deleted after the run, journal syncing on (Artemis's default: a "
            + "message is on disk when the broker confirms it, a commit when it returns), security off",
        "network", "loopback, 127.0.0.1 (the broker's acceptor at a free port)",
        "load", IN_FLIGHT + " messages in flight end to end, one sender thread, a " + PAYLOAD + " B string per "
            + "message, " + QueueTarget.CONSUMERS + " consumers");
    s.append("Each run sends durable one-way messages to a queue of the broker in its JVM and consumes them there ")
        .append("with competing consumers, each message received, processed (counted) and committed in a ")
        .append("transaction of its own. The loop is gated end to end: a message's slot is freed when a consumer ")
        .append("has processed it, so at most ").append(IN_FLIGHT).append(" messages are sent and not yet processed, ")
        .append("the queue's backlog stays bounded and the run reaches a steady state. Messages processed per ")
        .append("second is the figure of the goal; the sends the broker confirmed per second follow it. CPU is ")
        .append("the process's CPU time over the measured seconds per message processed: the broker's work is ")
        .append("in it, the same for every target.\n\n");

    s.append("## Goal: courier-queue / artemis-jms, median of the per-round ratios\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    s.append(LoadSuite.goalRow("messages processed/s, " + IN_FLIGHT + " in flight, " + PAYLOAD + " B",
        ratios(QueueTarget.COURIER, QueueTarget.JMS, QueueResult::processedPerSecond), ">= 0.8", true, 0.8, false));
    List<Double> cpu = ratios(QueueTarget.COURIER, QueueTarget.JMS, QueueResult::cpuSecondsPerMillion);
    s.append("| CPU per message processed (beside it; lower is better) | ").append(BenchRunner.fmt(BenchRunner.median(cpu)))
        .append(" | ").append(BenchRunner.spread(cpu)).append(" | | |\n\n");

    s.append("## courier-queue / each reference: median of the per-round ratios (range)\n\n");
    s.append("Messages and sends per second higher is better; CPU lower is better. The prefetch reference is ")
        .append("information only: its consumers take up to 1 MiB ahead, which the queued binding does not do by ")
        .append("default (docs/queued.md, Prefetch).\n\n");
    s.append("| ratio | processed/s | confirmed/s | CPU per message |\n|---|---|---|---|\n");
    for (QueueTarget reference : List.of(QueueTarget.JMS, QueueTarget.JMS_PREFETCH)) {
      s.append("| ").append(QueueTarget.COURIER.label()).append(" / ").append(reference.label()).append(" | ")
          .append(LoadSuite.cell(ratios(QueueTarget.COURIER, reference, QueueResult::processedPerSecond))).append(" | ")
          .append(LoadSuite.cell(ratios(QueueTarget.COURIER, reference, QueueResult::confirmedPerSecond))).append(" | ")
          .append(LoadSuite.cell(ratios(QueueTarget.COURIER, reference, QueueResult::cpuSecondsPerMillion)))
          .append(" |\n");
    }
    s.append('\n');

    s.append("## Figures: median over the rounds (range)\n\n");
    s.append("| target | processed/s | confirmed/s | CPU s per 1M messages | in flight at the end |\n")
        .append("|---|---|---|---|---|\n");
    for (QueueTarget target : TARGETS) {
      s.append("| ").append(target.label()).append(" | ")
          .append(LoadSuite.cell(values(target, QueueResult::processedPerSecond))).append(" | ")
          .append(LoadSuite.cell(values(target, QueueResult::confirmedPerSecond))).append(" | ")
          .append(LoadSuite.cell(values(target, QueueResult::cpuSecondsPerMillion))).append(" | ")
          .append(whole(values(target, r -> r.inFlightAtEnd()))).append(" |\n");
    }
    s.append('\n');
    whatRan(s);
    return s.toString();
  }

  private void whatRan(StringBuilder s) {
    s.append("## What ran\n\n");
    for (QueueTarget target : TARGETS) {
      List<QueueResult> r = results.getOrDefault(target, List.of());
      if (!r.isEmpty()) {
        s.append("- ").append(r.getFirst().description()).append(".\n");
      }
    }
    s.append("- The loop: one sender thread takes the free slots (").append(IN_FLIGHT).append(" at first) and ")
        .append("sends a message for each without waiting for the broker; a consumer frees a slot when it has ")
        .append("processed a message. A message counts as processed when the consumer's operation (Courier's ")
        .append("service, the reference's listener) has run, in the receive's transaction; each consumer commits ")
        .append("before it takes its next message, so the commits trail that count by at most ")
        .append(QueueTarget.CONSUMERS).append(". \"In flight at the end\" is what was sent and not yet processed ")
        .append("when the measured seconds ended: the backlog, bounded by the gate. A run first sends one message ")
        .append("and waits until it is confirmed and processed; after the measured seconds it stops sending and ")
        .append("waits until every message sent is confirmed and processed; any failure fails the run.\n");
    s.append("- What the Artemis documentation recommends, and how the reference follows it: durable sends block ")
        .append("for a round trip by default (`blockOnDurableSend`, [send guarantees](").append(DOCS)
        .append("send-guarantees.html)); its remedy is asynchronous send acknowledgements, which need a ")
        .append("confirmation window: the reference sends with JMS 2.0's `CompletionListener` and the confirmation ")
        .append("window of Courier's senders (1 byte), since without one Artemis's client calls the listener before ")
        .append("the broker has the message (as courier-artemis's `Broker` notes; ARTEMIS-3610). [Performance tuning](").append(DOCS)
        .append("perf-tuning.html), Tuning JMS: message ids and timestamps disabled; no `ObjectMessage` (text ")
        .append("messages); no `AUTO_ACKNOWLEDGE` (transacted consumers); connections, sessions, producers and ")
        .append("consumers made once and reused (one sending thread: one session and one producer, where several ")
        .append("sending threads would take them from a pool, as Courier's senders do). Not followed: batching ")
        .append("acknowledgements into one transaction, which would be another guarantee than one transaction per ")
        .append("message. [Flow control](").append(DOCS).append("flow-control.html): the consumer window ")
        .append("(`consumerWindowSize`, 1 MiB by default) is set to 0, Courier's default, so that both sides take ")
        .append("one message at a time; the prefetch row keeps Artemis's default.\n");
    s.append("- Not equalised: Courier's message carries its argument as a JSON array, its action as a property, ")
        .append("and a message id and timestamp; its send completes a future whose dependent stage runs on a ")
        .append("virtual thread; its consumers receive on virtual threads of their own where the reference's ")
        .append("listeners run on Artemis's client threads.\n");
  }
}
