package dev.courier.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.spi.Binding;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which form of list the generator gives a contract, from the schema alone: a client generated from a service of
 * unwrapped lists (JAX-WS's form) calls it, nested lists, maps of lists and optional lists included, and so does
 * one generated for a bean whose only list is named after its items, as JAXB names them.
 */
class ListFormsTest {
  /** Unwrapped lists with lists inside them, which keep WCF's wrapper. */
  @ServiceContract(namespace = "urn:forms", qualifiedElements = false, wrappedLists = false)
  public interface Nest {
    List<List<String>> echo(List<List<String>> rows);

    Map<String, List<String>> group(Map<String, List<String>> groups, Optional<List<String>> extra);
  }

  /** A JAXB bean of one list field named after its items, unqualified, and nothing else that repeats. */
  @ServiceContract(namespace = "urn:forms", qualifiedElements = false, wrappedLists = false)
  public interface Shop {
    /** As JAXB names a class {@code Result} with one field {@code List<Item> item}. */
    @DataContract(name = "result")
    record Result(List<Item> item) {}

    /** An item. */
    @DataContract(name = "item")
    record Item(String sku) {}

    Result latest(String q);
  }

  /** The services. */
  public static final class Service implements Nest, Shop {
    @Override
    public List<List<String>> echo(List<List<String>> rows) {
      return rows;
    }

    @Override
    public Map<String, List<String>> group(Map<String, List<String>> groups, Optional<List<String>> extra) {
      return extra.map(e -> Map.of("extra", e)).orElse(groups);
    }

    @Override
    public Result latest(String q) {
      return new Result(List.of(new Item(q + "-1"), new Item(q + "-2")));
    }
  }

  @TempDir Path dir;
  private final SoapBinding soap = SoapBinding.create();
  private ServiceHost host;

  @AfterEach
  void close() {
    if (host != null) {
      host.close();
    }
    soap.close();
  }

  private Object clientOf(Class<?> contract, Compiled compiled, String pkg) throws Exception {
    host = ServiceHost.builder(new Service()).endpoint(contract, soap, "http://127.0.0.1:0/forms").build().open();
    return compiled.type(pkg + "." + contract.getSimpleName() + "Client").getMethod("connect", Binding.class,
        String.class).invoke(null, soap, host.listenAddresses().getFirst());
  }

  private static ServiceMetadata published(Class<?> contract) {
    return Wsdl.read(Wsdl.write(ServiceMetadata.builder("Forms").contract(ContractDescription.of(contract)).build()));
  }

  @Test
  void listsInsideUnwrappedListsAndMapsAndOptionalListsStayListsAndCallTheService() throws Exception {
    String pkg = "forms.nest";
    try (Compiled compiled = Compiled.of(ClientGenerator.builder(pkg).build().generate(published(Nest.class)),
        dir)) {
      Class<?> nest = compiled.type(pkg + ".Nest");
      Method echo = nest.getMethod("echo", List.class);
      assertThat(echo.getGenericReturnType().getTypeName()).isEqualTo("java.util.List<java.util.List<java.lang.String>>");
      Object client = clientOf(Nest.class, compiled, pkg);
      try {
        assertThat(echo.invoke(client, List.of(List.of("a", "b"), List.of()))).isEqualTo(List.of(List.of("a", "b"),
            List.of()));
        Method group = nest.getMethod("group", Map.class, Optional.class);
        assertThat(group.invoke(client, Map.of("k", List.of("v")), Optional.empty())).isEqualTo(Map.of("k", List.of("v")));
        assertThat(group.invoke(client, Map.of(), Optional.of(List.of()))).isEqualTo(Map.of("extra", List.of()));
      } finally {
        ClientChannel.of(client).close();
      }
    }
  }

  @Test
  void aBeanOfOneUnqualifiedListNamedAfterItsItemsIsARecordOfAContractOfUnwrappedLists() throws Exception {
    String pkg = "forms.shop";
    List<GeneratedSource> sources = ClientGenerator.builder(pkg).build().generate(published(Shop.class));
    assertThat(sources).filteredOn(g -> g.qualifiedName().equals(pkg + ".Shop")).singleElement()
        .extracting(GeneratedSource::source).asString().contains("wrappedLists = false", "Result latest(String q);");
    try (Compiled compiled = Compiled.of(sources, dir)) {
      Object client = clientOf(Shop.class, compiled, pkg);
      try {
        Object result = compiled.type(pkg + ".Shop").getMethod("latest", String.class).invoke(client, "q");
        assertThat(Compiled.carry(result, Shop.Result.class))
            .isEqualTo(new Shop.Result(List.of(new Shop.Item("q-1"), new Shop.Item("q-2"))));
      } finally {
        ClientChannel.of(client).close();
      }
    }
  }
}
