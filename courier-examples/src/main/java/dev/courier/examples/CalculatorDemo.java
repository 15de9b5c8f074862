package dev.courier.examples;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The service model at work: a calculator whose client calls each operation in a different shape from
 * the one the service implements it in, a one-way operation, and duplex notifications.
 */
final class CalculatorDemo {
  private CalculatorDemo() {}

  /** A declared fault. */
  record DivideByZero(double dividend) {}

  /** The callback contract: what the service tells its callers. */
  interface CalculatorEvents {
    @Operation(oneWay = true)
    void memoryChanged(double memory);
  }

  /** The contract as the service implements it: task, Begin/End and synchronous shapes. */
  @ServiceContract(name = "Calculator", callback = CalculatorEvents.class)
  interface CalculatorService {
    CompletionStage<Double> addAsync(double a, double b);

    AsyncResult beginSubtract(double a, double b, AsyncCallback callback, Object state);

    double endSubtract(AsyncResult result);

    double multiply(double a, double b);

    @FaultContract(DivideByZero.class)
    CompletionStage<Double> divideAsync(double a, double b);

    @Operation(oneWay = true)
    void clear();

    /** Pure: it may run twice, so that a client over several hosts may send it again after a lost connection. */
    @Operation(idempotent = true)
    double hypotenuse(double a, double b);
  }

  /** The same contract as the client calls it: each operation in another shape. */
  @ServiceContract(name = "Calculator", callback = CalculatorEvents.class)
  interface CalculatorClient {
    double add(double a, double b);                                         // sync      -> task service

    CompletableFuture<Double> subtractAsync(double a, double b);            // task      -> Begin/End service

    AsyncResult beginMultiply(double a, double b, AsyncCallback callback, Object state);   // Begin/End -> sync service

    double endMultiply(AsyncResult result);

    @FaultContract(DivideByZero.class)
    void divideAsync(double a, double b, Object userState);               // event-based -> task service

    void onDivideCompleted(CompletedListener<Double> listener);

    boolean isBusy();

    @Operation(oneWay = true)
    void clear();                                                         // one-way

    @Operation(idempotent = true)
    CompletableFuture<Double> hypotenuseAsync(double a, double b);        // task      -> sync service
  }

  /** The service: keeps a memory of the last result and tells its caller when it changes. */
  static final class Calculator implements CalculatorService {
    private double memory;

    private void remember(double value) {
      memory = value;
      OperationContext.current().callback(CalculatorEvents.class).memoryChanged(value);   // duplex notification
    }

    @Override
    public CompletionStage<Double> addAsync(double a, double b) {
      remember(a + b);
      return CompletableFuture.completedFuture(a + b);
    }

    @Override
    public AsyncResult beginSubtract(double a, double b, AsyncCallback callback, Object state) {
      remember(a - b);
      return AsyncResult.of(CompletableFuture.supplyAsync(() -> a - b), callback, state);
    }

    @Override
    public double endSubtract(AsyncResult result) {
      return (Double) result.join();
    }

    @Override
    public double multiply(double a, double b) {
      remember(a * b);
      return a * b;
    }

    @Override
    public CompletionStage<Double> divideAsync(double a, double b) {
      if (b == 0) {
        return CompletableFuture.failedFuture(new FaultException("cannot divide by zero", new DivideByZero(a)));
      }
      remember(a / b);
      return CompletableFuture.completedFuture(a / b);
    }

    @Override
    public void clear() {
      remember(0);
    }

    @Override
    public double hypotenuse(double a, double b) {
      return Math.hypot(a, b);
    }
  }

  static void run() throws Exception {
    IO.println("5. A calculator service: each client shape calls a differently shaped operation");
    ServiceHost host = ServiceHost.builder(new Calculator())
        .endpoint(CalculatorService.class, InProcessBinding.create(), "inproc://demo-calculator")
        .build().open();
    ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "ui-thread"));
    CountDownLatch cleared = new CountDownLatch(1);
    CalculatorEvents events = memory -> {
      IO.println("   [callback] memory is now " + memory);
      if (memory == 0) {
        cleared.countDown();
      }
    };
    CalculatorClient calc = ChannelFactory.builder(CalculatorClient.class)
        .binding(InProcessBinding.create()).address("inproc://demo-calculator")
        .callback(events).eventExecutor(ui).operationTimeout(Duration.ofSeconds(5))
        .build().createChannel();
    try {
      IO.println("   add (sync client, task service): 2 + 3 = " + calc.add(2, 3));
      IO.println("   subtract (task client, Begin/End service): 10 - 4 = " + calc.subtractAsync(10, 4).get(5, TimeUnit.SECONDS));
      CompletableFuture<String> multiplied = new CompletableFuture<>();
      calc.beginMultiply(6, 7, ar -> multiplied.complete(calc.endMultiply(ar) + " (state " + ar.asyncState() + ")"), "m1");
      IO.println("   multiply (Begin/End client, sync service): 6 * 7 = " + multiplied.get(5, TimeUnit.SECONDS));
      CountDownLatch divided = new CountDownLatch(2);
      calc.onDivideCompleted(e -> {
        String outcome = e.error() == null ? "= " + e.result()
            : "fault: " + e.error().getMessage() + " " + ((FaultException) e.error()).detail();
        IO.println("   divide (event client, task service) " + e.userState() + " " + outcome
            + " [raised on " + Thread.currentThread().getName() + "]");
        divided.countDown();
      });
      calc.divideAsync(1, 4, "1 / 4");
      calc.divideAsync(1, 0, "1 / 0");
      divided.await(5, TimeUnit.SECONDS);
      calc.clear();
      IO.println("   clear (one-way) returned; busy: " + calc.isBusy());
      cleared.await(5, TimeUnit.SECONDS);
    } finally {
      ClientChannel.of(calc).close();
      host.close(Duration.ofSeconds(5));
      ui.shutdown();
    }
    IO.println("   channel " + ClientChannel.of(calc).state() + ", host " + host.state());
  }
}
