package dev.courier.examples;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A calculator over SOAP 1.1, as WCF's basicHttpBinding carries it: the WSDL at {@code ?wsdl}, request/reply in
 * two client shapes, a declared fault, and a one-way call.
 */
final class CalculatorOverSoap {
  private CalculatorOverSoap() {}

  /** The detail of a division by zero. */
  record DivideByZero(double dividend) {}

  /** The service's contract, in the shape it implements. */
  @ServiceContract(namespace = "http://tempuri.org/", name = "ICalculator")
  interface CalculatorService {
    double add(double a, double b);

    @FaultContract(DivideByZero.class)
    double divide(double a, double b);

    @Operation(oneWay = true)
    void clear();
  }

  /** The same contract as a client calls it: synchronously and as a task. */
  @ServiceContract(namespace = "http://tempuri.org/", name = "ICalculator")
  interface CalculatorClient {
    double add(double a, double b);

    CompletableFuture<Double> addAsync(double a, double b);

    @FaultContract(DivideByZero.class)
    double divide(double a, double b);

    @Operation(oneWay = true)
    void clear();
  }

  static final class Calculator implements CalculatorService {
    final AtomicInteger clears = new AtomicInteger();

    @Override
    public double add(double a, double b) {
      return a + b;
    }

    @Override
    public double divide(double a, double b) {
      if (b == 0) {
        throw new FaultException("cannot divide by zero", new DivideByZero(a));
      }
      return a / b;
    }

    @Override
    public void clear() {
      clears.incrementAndGet();
    }
  }

  static void run() throws Exception {
    IO.println("7. The calculator over SOAP 1.1 (WCF's basicHttpBinding shape), with its WSDL");
    try (SoapBinding soap = SoapBinding.create()) {
      Calculator service = new Calculator();
      ServiceHost host = ServiceHost.builder(service)
          .endpoint(CalculatorService.class, soap, "http://127.0.0.1:0/calculator")
          .publishMetadata(true).build().open();
      try {
        String address = host.listenAddresses().getFirst();
        HttpResponse<String> wsdl = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(address + "?wsdl")).build(), HttpResponse.BodyHandlers.ofString());
        IO.println("   GET " + address + "?wsdl -> " + wsdl.statusCode() + ", its first lines:");
        wsdl.body().lines().limit(6).forEach(line -> IO.println("     " + line));
        CalculatorClient calc = ChannelFactory.builder(CalculatorClient.class).binding(soap).address(address)
            .build().createChannel();
        IO.println("   add (sync): 2 + 3 = " + calc.add(2, 3));
        IO.println("   add (task): 40 + 2 = " + calc.addAsync(40, 2).join());
        try {
          calc.divide(1, 0);
        } catch (FaultException f) {
          IO.println("   divide 1 / 0: fault " + f.code() + ": " + f.reason() + " " + f.detail());
        }
        calc.clear();
        IO.println("   clear (one-way): returned once the host accepted it (HTTP 202)");
        ((ClientChannel) calc).close();
      } finally {
        host.close();
      }
    }
  }
}
