package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.LIMIT;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.CapturedLogs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults: a declared fault's typed detail, a fault without detail, undeclared exceptions as internal
 * faults with or without exception detail, and the same exception in every client shape.
 */
class FaultTest {
  static final String GENERIC = "The server was unable to process the request due to an internal error.";
  static final String SECRET = "secret ledger at /var/bank/ledger.db";

  public record Overdrawn(long balance, long requested) {}

  public record Undeclared(String note) {}

  /** What the service does when asked to withdraw. */
  public enum Failure {
    DECLARED, CUSTOM_CODE, UNDECLARED_DETAIL, RUNTIME;

    RuntimeException exception(long amount) {
      return switch (this) {
        case DECLARED -> new FaultException("insufficient funds", new Overdrawn(10, amount));
        case CUSTOM_CODE -> new FaultException("Bank.Closed", "the bank is closed", null);
        case UNDECLARED_DETAIL -> new FaultException("not declared", new Undeclared(SECRET));
        case RUNTIME -> new IllegalStateException(SECRET);
      };
    }
  }

  @ServiceContract(name = "Bank")
  public interface SyncBank {
    @FaultContract(Overdrawn.class)
    long withdraw(Failure failure, long amount);
  }

  @ServiceContract(name = "Bank")
  public interface TaskBank {
    @FaultContract(Overdrawn.class)
    CompletionStage<Long> withdrawAsync(Failure failure, long amount);
  }

  @ServiceContract(name = "Bank")
  public interface BeginEndBank {
    @FaultContract(Overdrawn.class)
    AsyncResult beginWithdraw(Failure failure, long amount, AsyncCallback callback, Object state);

    long endWithdraw(AsyncResult result);
  }

  @ServiceContract(name = "Bank")
  public interface Bank {
    long withdraw(Failure failure, long amount);

    CompletableFuture<Long> withdrawAsync(Failure failure, long amount);

    AsyncResult beginWithdraw(Failure failure, long amount, AsyncCallback callback, Object state);

    long endWithdraw(AsyncResult result);

    void withdrawAsync(Failure failure, long amount, Object userState);

    void onWithdrawCompleted(CompletedListener<Long> listener);
  }

  /**
   * The service in each shape. The task shape throws from its first part on odd amounts and fails its
   * stage (wrapped in a CompletionException) on even ones; the Begin/End shape fails in endWithdraw.
   */
  static final class Teller implements SyncBank, TaskBank, BeginEndBank {
    @Override
    public long withdraw(Failure failure, long amount) {
      throw failure.exception(amount);
    }

    @Override
    public CompletionStage<Long> withdrawAsync(Failure failure, long amount) {
      if (amount % 2 == 1) {
        throw failure.exception(amount);
      }
      return CompletableFuture.failedFuture(new CompletionException(failure.exception(amount)));
    }

    @Override
    public AsyncResult beginWithdraw(Failure failure, long amount, AsyncCallback callback, Object state) {
      return AsyncResult.of(CompletableFuture.failedFuture(failure.exception(amount)), callback, state);
    }

    @Override
    public long endWithdraw(AsyncResult result) {
      return (Long) result.join();
    }
  }

  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private Bank bank(OperationShape serviceShape, boolean includeExceptionDetail) {
    String address = address("bank-" + serviceShape);
    Class<?> contract = switch (serviceShape) {
      case SYNC -> SyncBank.class;
      case TASK -> TaskBank.class;
      case BEGIN_END -> BeginEndBank.class;
      case EVENT -> throw new IllegalArgumentException("no event-based services");
    };
    ServiceHost host = ServiceHost.builder(new Teller()).includeExceptionDetailInFaults(includeExceptionDetail)
        .endpoint(contract, INPROC, address).build();
    hosts.add(host);
    host.open();
    Bank bank = ChannelFactory.builder(Bank.class).binding(INPROC).address(address).build().createChannel();
    channels.add(bank);
    return bank;
  }

  /**
   * What each client shape reports for one failing withdrawal, by shape: thrown by the synchronous call,
   * thrown by endOp (in the AsyncCallback and after it), the cause of the failed future (get and join),
   * and the error of the completed event.
   */
  private static Map<String, Throwable> failuresInEveryShape(Bank bank, Failure failure, long amount) throws Exception {
    Map<String, Throwable> seen = new LinkedHashMap<>();
    seen.put("sync", catchThrowable(() -> bank.withdraw(failure, amount)));

    CompletableFuture<Throwable> inCallback = new CompletableFuture<>();
    AsyncResult ar = bank.beginWithdraw(failure, amount, r -> inCallback.complete(catchThrowable(() -> bank.endWithdraw(r))), "s");
    seen.put("endOp in callback", await(inCallback));
    seen.put("endOp", catchThrowable(() -> bank.endWithdraw(ar)));

    CompletableFuture<Long> future = bank.withdrawAsync(failure, amount);
    Throwable get = catchThrowable(() -> future.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(get).isInstanceOf(ExecutionException.class);
    seen.put("future.get cause", get.getCause());
    Throwable join = catchThrowable(future::join);
    assertThat(join).isInstanceOf(CompletionException.class);
    seen.put("future.join cause", join.getCause());

    CompletableFuture<CompletedEvent<Long>> event = new CompletableFuture<>();
    bank.onWithdrawCompleted(event::complete);
    bank.withdrawAsync(failure, amount, "row 1");
    CompletedEvent<Long> e = await(event);
    bank.onWithdrawCompleted(null);                 // the next round registers its own
    assertThat(e.cancelled()).isFalse();
    assertThat(e.userState()).isEqualTo("row 1");
    assertThat(catchThrowable(e::result)).isSameAs(e.error());
    seen.put("event error", e.error());
    return seen;
  }

  /** Every shape saw a FaultException with this code, reason and detail. */
  private static void assertSameFaultEverywhere(Map<String, Throwable> seen, String code, String reason, Object detail) {
    assertThat(seen).hasSize(6);
    seen.forEach((shape, t) -> {
      assertThat(t).as(shape).isExactlyInstanceOf(FaultException.class).hasNoCause();
      FaultException f = (FaultException) t;
      assertThat(f.code()).as(shape + " code").isEqualTo(code);
      assertThat(f.reason()).as(shape + " reason").isEqualTo(reason);
      assertThat(f.detail()).as(shape + " detail").isEqualTo(detail);
    });
  }

  @ParameterizedTest(name = "{0} service")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void aDeclaredFaultArrivesWithItsTypedDetailInEveryClientShape(OperationShape serviceShape) throws Exception {
    Bank bank = bank(serviceShape, false);
    for (long amount : new long[] {50, 51}) {
      Map<String, Throwable> seen = failuresInEveryShape(bank, Failure.DECLARED, amount);
      assertSameFaultEverywhere(seen, FaultException.SENDER, "insufficient funds", new Overdrawn(10, amount));
      FaultException fault = (FaultException) seen.get("sync");
      assertThat(fault.detail(Overdrawn.class)).isEqualTo(new Overdrawn(10, amount));
      assertThat(fault.detail(Undeclared.class)).isNull();
    }
  }

  @ParameterizedTest(name = "{0} service")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void aFaultWithoutDetailKeepsItsCodeAndReason(OperationShape serviceShape) throws Exception {
    Bank bank = bank(serviceShape, false);
    assertSameFaultEverywhere(failuresInEveryShape(bank, Failure.CUSTOM_CODE, 7), "Bank.Closed", "the bank is closed", null);
  }

  @ParameterizedTest(name = "{0} service")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void aFaultWithAnUndeclaredDetailBecomesAnInternalFaultWithoutDetail(OperationShape serviceShape) throws Exception {
    Bank bank = bank(serviceShape, false);
    assertSameFaultEverywhere(failuresInEveryShape(bank, Failure.UNDECLARED_DETAIL, 8), FaultException.INTERNAL, GENERIC, null);
    assertServiceLogged("operation withdraw raised a fault with undeclared detail " + Undeclared.class.getName() + "; the caller gets an internal fault", 4);
  }

  @ParameterizedTest(name = "{0} service")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void anyOtherExceptionBecomesAnInternalFaultWithoutTheServicesMessageOrStack(OperationShape serviceShape) throws Exception {
    Bank bank = bank(serviceShape, false);
    for (long amount : new long[] {8, 9}) {
      Map<String, Throwable> seen = failuresInEveryShape(bank, Failure.RUNTIME, amount);
      assertSameFaultEverywhere(seen, FaultException.INTERNAL, GENERIC, null);
      assertThat(seen.values()).allSatisfy(t -> {
        assertThat(t.toString()).doesNotContain(SECRET).doesNotContain("IllegalStateException");
        assertThat(t.getStackTrace()).as("no stack from the service").isEmpty();
      });
    }
    assertServiceLogged("operation withdraw failed", 8);
  }

  @ParameterizedTest(name = "{0} service")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void withExceptionDetailTheInternalFaultCarriesTheExceptionsTypeMessageAndStack(OperationShape serviceShape) throws Exception {
    Bank bank = bank(serviceShape, true);
    for (long amount : new long[] {8, 9}) {
      Map<String, Throwable> seen = failuresInEveryShape(bank, Failure.RUNTIME, amount);
      assertThat(seen.values()).allSatisfy(t -> {
        assertThat(t).isExactlyInstanceOf(FaultException.class);
        FaultException f = (FaultException) t;
        assertThat(f.code()).isEqualTo(FaultException.INTERNAL);
        ExceptionDetail detail = f.detail(ExceptionDetail.class);
        assertThat(detail).as("exception detail").isNotNull();
        assertThat(detail.type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(detail.message()).isEqualTo(SECRET);
        assertThat(detail.stackTrace())
            .startsWith(IllegalStateException.class.getName() + ": " + SECRET)
            .contains(Failure.class.getName() + ".exception(");
      });
    }
    // an undeclared detail is reported as the FaultException it was; a declared one is unchanged
    FaultException undeclared = (FaultException) catchThrowable(() -> bank.withdraw(Failure.UNDECLARED_DETAIL, 8));
    assertThat(undeclared.code()).isEqualTo(FaultException.INTERNAL);
    assertThat(undeclared.detail(ExceptionDetail.class).type()).isEqualTo(FaultException.class.getName());
    FaultException declared = (FaultException) catchThrowable(() -> bank.withdraw(Failure.DECLARED, 8));
    assertThat(declared.code()).isEqualTo(FaultException.SENDER);
    assertThat(declared.detail()).isEqualTo(new Overdrawn(10, 8));
    assertServiceLogged("operation withdraw failed", 8);
    assertServiceLogged("operation withdraw raised a fault with undeclared detail " + Undeclared.class.getName() + "; the caller gets an internal fault", 1);
  }

  /** The service logged {@code message} as a warning once for each of {@code calls} failed calls. */
  private static void assertServiceLogged(String message, int calls) {
    assertThat(CapturedLogs.take(message)).as("records logged as %s", message).hasSize(calls).allSatisfy(r -> {
      assertThat(r.getLevel()).isEqualTo(Level.WARNING);
      assertThat(r.getMessage()).isEqualTo(message);
    });
  }
}
