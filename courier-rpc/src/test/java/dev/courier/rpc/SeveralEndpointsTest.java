package dev.courier.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.io.Eventually;
import dev.courier.io.ManualClock;
import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A channel factory given several endpoints: how it is configured, and what a call does when one goes. */
class SeveralEndpointsTest {
  @ServiceContract(name = "Named")
  public interface Named {
    String name();
  }

  @ServiceContract(name = "Disagreeing")
  public interface Disagreeing {
    @Operation(idempotent = true)
    String read();

    @Operation(idempotent = false)
    java.util.concurrent.CompletableFuture<String> readAsync();
  }

  @ServiceContract(name = "Lookup")
  public interface Lookup {
    @Operation(idempotent = true)
    CompletableFuture<String> findAsync(String key);

    CompletableFuture<String> storeAsync(String key);
  }

  @ServiceContract(name = "Notes")
  public interface Notes {
    @Operation(oneWay = true)
    void note(String text);

    String lastNote();
  }

  /** A Lookup host that answers at once ({@code answers}) or never, recording the calls it saw cancelled. */
  private final class LookupHost implements Lookup {
    final String name;
    final boolean answers;
    final AtomicInteger calls = new AtomicInteger();
    final ConcurrentLinkedQueue<String> cancelled = new ConcurrentLinkedQueue<>();
    final String address;

    LookupHost(String name, boolean answers) {
      this.name = name;
      this.answers = answers;
      this.address = "inproc://lookup-" + name + "-" + System.nanoTime();
      hosts.add(ServiceHost.builder(this).endpoint(Lookup.class, binding, address).build().open());
    }

    @Override
    public CompletableFuture<String> findAsync(String key) {
      return answer(key);
    }

    @Override
    public CompletableFuture<String> storeAsync(String key) {
      return answer(key);
    }

    private CompletableFuture<String> answer(String key) {
      calls.incrementAndGet();
      OperationContext.current().onCancel(() -> cancelled.add(key));
      return answers ? CompletableFuture.completedFuture(name + ":" + key) : new CompletableFuture<>();
    }
  }

  private final InProcessBinding binding = InProcessBinding.create();
  private final ManualClock clock = new ManualClock();
  private final List<ServiceHost> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(ServiceHost::abort);
  }

  private String host(String name) {
    String address = "inproc://several-" + name + "-" + System.nanoTime();
    Named service = () -> name;
    hosts.add(ServiceHost.builder(service).endpoint(Named.class, binding, address).build().open());
    return address;
  }

  @Test
  void aFactoryGivenBothOneAddressAndSeveralEndpointsIsRefusedNamingBoth() {
    assertThatThrownBy(() -> ChannelFactory.builder(Named.class).binding(binding).address("inproc://one")
        .addresses("inproc://two", "inproc://three").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inproc://one").hasMessageContaining("inproc://two")
        .hasMessageContaining("expected: one address, or several");
  }

  @Test
  void aFactoryGivenNoAddressIsRefusedSayingWhatItNeeds() {
    assertThatThrownBy(() -> ChannelFactory.builder(Named.class).binding(binding).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".addresses(...) or .endpoints(...)");
  }

  @Test
  void anEndpointOfAnotherSchemeThanTheBindingsIsRefusedWhenTheChannelIsCreated() {
    ChannelFactory<Named> factory = ChannelFactory.builder(Named.class).binding(binding)
        .addresses(host("a"), "courier.tcp://127.0.0.1:1/named").build();

    assertThatThrownBy(factory::createChannel).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("courier.tcp://127.0.0.1:1/named").hasMessageContaining("the scheme inproc");
  }

  @Test
  void shapesOfOneOperationThatDisagreeOnIdempotentAreRefused() {
    assertThatThrownBy(() -> ContractDescription.of(Disagreeing.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("disagree").hasMessageContaining("idempotent");
  }

  @Test
  void aResolverOfNoAddressIsRefused() {
    assertThatThrownBy(() -> EndpointResolver.of(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void aDnsResolverGivesAnAddressPerRecordWithTheSameSchemePortAndPath() {
    List<EndpointAddress> resolved = EndpointResolver.dns("courier.tcp://localhost:8808/calculator").resolve();

    assertThat(resolved).isNotEmpty().allSatisfy(a -> {
      assertThat(a.scheme()).isEqualTo("courier.tcp");
      assertThat(a.uri().getPort()).isEqualTo(8808);
      assertThat(a.uri().getPath()).isEqualTo("/calculator");
      assertThat(java.net.InetAddress.getByName(a.uri().getHost()).isLoopbackAddress()).isTrue();
    });
  }

  @Test
  void callsGoOnToTheOtherEndpointsWhenOneCloses() {
    Named named = ChannelFactory.builder(Named.class).binding(binding)
        .addresses(host("a"), host("b"), host("c")).build().createChannel();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      before.add(named.name());
    }
    hosts.get(1).close(Duration.ofSeconds(5));
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      after.add(named.name());
    }

    assertThat(before).containsExactly("a", "b", "c", "a", "b", "c");
    assertThat(after).hasSize(6).containsOnly("a", "c");
    ClientChannel.of(named).close();
  }

  private Lookup hedgedLookup(LookupHost... endpoints) {
    String[] addresses = java.util.Arrays.stream(endpoints).map(h -> h.address).toArray(String[]::new);
    return ChannelFactory.builder(Lookup.class).binding(binding).addresses(addresses).clock(clock)
        .operationTimeout(Duration.ofSeconds(1)).healthInterval(null).hedging(Duration.ofMillis(50), 2)
        .build().createChannel();
  }

  @Test
  void aHedgedCallThatGetsNoAnswerWithinTheDelayGoesAlsoToASecondEndpointWhoseAnswerWinsAndTheFirstIsCancelled()
      throws Exception {
    LookupHost slow = new LookupHost("slow", false);
    LookupHost fast = new LookupHost("fast", true);
    Lookup lookup = hedgedLookup(slow, fast);

    CompletableFuture<String> found = lookup.findAsync("k");
    assertThat(found).isNotDone();
    assertThat(fast.calls).hasValue(0);
    clock.advance(Duration.ofMillis(50));

    assertThat(found.get(5, TimeUnit.SECONDS)).isEqualTo("fast:k");
    Eventually.until(() -> slow.cancelled.contains("k"), "the slow endpoint's service sees its copy cancelled");
    assertThat(slow.calls).hasValue(1);
    assertThat(fast.calls).hasValue(1);
    ClientChannel.of(lookup).close();
  }

  @Test
  void anOperationNotDeclaredIdempotentIsNeverHedged() {
    LookupHost slow = new LookupHost("slow", false);
    LookupHost fast = new LookupHost("fast", true);
    Lookup lookup = hedgedLookup(slow, fast);

    CompletableFuture<String> stored = lookup.storeAsync("k");
    clock.advance(Duration.ofMillis(500));

    assertThat(stored).isNotDone();
    assertThat(slow.calls).hasValue(1);
    assertThat(fast.calls).hasValue(0);
    ClientChannel.of(lookup).abort();
  }

  @Test
  void aHedgedCallThatNoEndpointAnswersEndsAtItsDeadlineAndEveryCopyIsCancelled() throws Exception {
    LookupHost first = new LookupHost("first", false);
    LookupHost second = new LookupHost("second", false);
    Lookup lookup = hedgedLookup(first, second);

    CompletableFuture<String> found = lookup.findAsync("k");
    clock.advance(Duration.ofMillis(50));
    assertThat(second.calls).hasValue(1);
    clock.advance(Duration.ofSeconds(1));

    assertThat(Eventually.failureOf(found)).isInstanceOf(CallTimeoutException.class);
    Eventually.until(() -> first.cancelled.contains("k") && second.cancelled.contains("k"),
        "both endpoints' services see their copies cancelled");
    ClientChannel.of(lookup).close();
  }

  @Test
  void hedgingIsRefusedWithFewerThanTwoCopiesOrANegativeDelay() {
    assertThatThrownBy(() -> ChannelFactory.builder(Lookup.class).hedging(Duration.ofMillis(5), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hedging copies: 1")
        .hasMessageContaining("expected: 2 to 64");
    assertThatThrownBy(() -> ChannelFactory.builder(Lookup.class).hedging(Duration.ofMillis(-5), 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hedging delay: PT-0.005S");
  }

  /** Each Notes host's address and the notes it received. */
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();

  /** Hosts a Notes service at a new address; its notes go to {@link #received}. */
  private String notesHost(String name) {
    String address = "inproc://notes-" + name + "-" + System.nanoTime();
    List<String> mine = java.util.Collections.synchronizedList(new ArrayList<>());
    received.put(address, mine);
    Notes service = new Notes() {
      @Override
      public void note(String text) {
        mine.add(text);
      }

      @Override
      public String lastNote() {
        return mine.isEmpty() ? null : mine.getLast();
      }
    };
    hosts.add(ServiceHost.builder(service).endpoint(Notes.class, binding, address).build().open());
    return address;
  }

  /** A channel over a Notes host at each of {@code addresses}. */
  private Notes notes(String... addresses) {
    return ChannelFactory.builder(Notes.class).binding(binding).addresses(addresses).healthInterval(null).build()
        .createChannel();
  }

  @Test
  void aBroadcastSendsEachOneWayCallToEveryEndpointOnceAndReportsThatEachAcceptedIt() throws Exception {
    String a = notesHost("a");
    String b = notesHost("b");
    String c = notesHost("c");
    Notes notes = notes(a, b, c);

    BroadcastReport report = ClientChannel.broadcast(notes, n -> {
      n.note("one");
      n.note("two");
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(report.accepted()).extracting(EndpointAddress::toString).containsExactly(a, b, c);
    assertThat(report.allAccepted()).isTrue();
    Eventually.until(() -> received.values().stream().allMatch(l -> l.size() == 2), "every host has both notes");
    assertThat(received.values()).allSatisfy(l -> assertThat(l).containsExactly("one", "two"));
    notes.note("three");
    Eventually.until(() -> received.values().stream().mapToInt(List::size).sum() == 7, "the plain call is taken");
    assertThat(received.values()).filteredOn(l -> l.contains("three")).hasSize(1);
    ClientChannel.of(notes).close();
  }

  @Test
  void aBroadcastReportsAnEndpointThatIsGoneAsRefusedAndTheOthersAsAccepted() throws Exception {
    String a = notesHost("a");
    String b = notesHost("b");
    String c = notesHost("c");
    Notes notes = notes(a, b, c);
    hosts.get(1).abort();

    BroadcastReport report = ClientChannel.broadcast(notes, n -> n.note("one")).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(report.accepted()).extracting(EndpointAddress::toString).containsExactly(a, c);
    assertThat(report.refused()).containsOnlyKeys(EndpointAddress.of(b));
    assertThat(report.allAccepted()).isFalse();
    ClientChannel.of(notes).close();
  }

  @Test
  void aRequestReplyCallInABroadcastFailsNamingTheOperation() {
    Notes notes = notes(notesHost("a"), notesHost("b"));

    CompletableFuture<BroadcastReport> report = ClientChannel.broadcast(notes, Notes::lastNote).toCompletableFuture();

    assertThatThrownBy(report::join).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation lastNote is request/reply").hasMessageContaining("only one-way operations");
    ClientChannel.of(notes).close();
  }

  @Test
  void aBroadcastOverAChannelToOneAddressIsRefused() {
    Notes notes = ChannelFactory.builder(Notes.class).binding(binding).address(notesHost("a")).build().createChannel();

    assertThatThrownBy(() -> ClientChannel.broadcast(notes, n -> n.note("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a channel to several endpoints");
    ClientChannel.of(notes).close();
  }

  @Test
  void endpointsTheResolverNamesLaterGetCallsAndThoseItNoLongerNamesGetNone() {
    String a = host("a");
    String b = host("b");
    AtomicReference<List<EndpointAddress>> names = new AtomicReference<>(List.of(EndpointAddress.of(a)));
    Named named = ChannelFactory.builder(Named.class).binding(binding).endpoints(names::get).clock(clock)
        .healthInterval(null).resolveInterval(Duration.ofSeconds(10)).build().createChannel();
    assertThat(named.name()).isEqualTo("a");

    names.set(List.of(EndpointAddress.of(b)));
    clock.advance(Duration.ofSeconds(10));

    Eventually.until(() -> named.name().equals("b"), "calls reach the endpoint the resolver names now");
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      after.add(named.name());
    }
    assertThat(after).containsOnly("b");
    ClientChannel.of(named).close();
  }

  @Test
  void aDnsNameResolvesToEveryAddressOfItsHostWithTheBindingsScheme() {
    List<EndpointAddress> resolved = EndpointResolver.named("dns://localhost:8808/calculator", "courier.tcp").resolve();

    assertThat(resolved).isNotEmpty().allSatisfy(a -> {
      assertThat(a.toString()).startsWith("courier.tcp://").endsWith(":8808/calculator");
      assertThat(java.net.InetAddress.getByName(a.uri().getHost()).isLoopbackAddress()).isTrue();
    });
  }

  @Test
  void aNameOfASchemeNoFactoryResolvesIsRefusedNamingTheSchemesThatAre() {
    assertThatThrownBy(() -> EndpointResolver.named("nowhere://calculator", "inproc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere://calculator")
        .hasMessageContaining("expected: the scheme dns, testregistry, or another");
  }

  @Test
  void aChannelFactoryGivenARegistrysNameCallsTheEndpointsTheRegistryNames() {
    TestRegistry.register("named", List.of(host("a"), host("b")));
    Named named = ChannelFactory.builder(Named.class).binding(binding).endpoints("testregistry://named")
        .healthInterval(null).build().createChannel();

    assertThat(List.of(named.name(), named.name(), named.name(), named.name())).containsExactly("a", "b", "a", "b");
    ClientChannel.of(named).close();
  }
}
