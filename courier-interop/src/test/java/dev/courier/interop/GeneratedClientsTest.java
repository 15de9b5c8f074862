package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.MetadataContracts;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import jakarta.jws.Oneway;
import jakarta.jws.WebMethod;
import jakarta.jws.WebService;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.annotation.XmlType;
import jakarta.xml.ws.WebServiceClient;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metro's wsimport and CXF's wsdl2java, the generators Java users run, read the WSDL Courier writes, and the
 * code they generate compiles and has the contract's shape: one method per operation, one-way operations
 * annotated so, a fault exception per declared fault carrying the fault record, a class per data contract.
 */
class GeneratedClientsTest {

  static Stream<Arguments> requestReplyContractsAndPeers() {
    return Stream.of(MetadataContracts.Calculator.class, MetadataContracts.Drawing.class,
            MetadataContracts.Orders.class)
        .flatMap(c -> Stream.of(Peer.values()).map(p -> Arguments.of(c.getSimpleName(), p, c)));
  }

  /** The metadata of a host serving {@code contract} over TCP and, unless it is duplex, over SOAP 1.1 and 1.2. */
  static ServiceMetadata served(Class<?> contract) {
    ContractDescription d = ContractDescription.of(contract);
    ServiceMetadata.Builder b = ServiceMetadata.builder(d.name() + "Service")
        .endpoint(d, EndpointAddress.of("courier.tcp://localhost:8808/" + d.name()));
    if (!d.isDuplex()) {
      b.endpoint(d, EndpointAddress.of("http://localhost:8080/" + d.name()), EndpointMetadata.Protocol.SOAP_11);
      b.endpoint(d, EndpointAddress.of("http://localhost:8080/" + d.name() + "/soap12"),
          EndpointMetadata.Protocol.SOAP_12);
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("requestReplyContractsAndPeers")
  void aPeersGeneratorReadsTheWsdlAndGeneratesAClientOfTheContractsShapeThatCompiles(String name, Peer peer,
      Class<?> contract, @TempDir Path dir) throws Exception {
    ServiceMetadata metadata = served(contract);
    String pkg = "generated." + name.toLowerCase();
    GeneratedSources sources = generate(peer, metadata, pkg, dir);
    try (URLClassLoader loader = sources.compile(Files.createDirectories(dir.resolve("classes")))) {
      ContractMetadata described = metadata.contracts().getFirst();
      Class<?> sei = loader.loadClass(pkg + "." + described.name().getLocalPart());
      assertThat(sei.isInterface()).isTrue();
      assertThat(sei.getAnnotation(WebService.class).targetNamespace()).isEqualTo(metadata.targetNamespace());
      assertThat(Arrays.stream(sei.getDeclaredMethods()).map(Method::getName))
          .containsExactlyInAnyOrderElementsOf(described.operations().stream().map(OperationMetadata::name).toList());
      for (OperationMetadata op : described.operations()) {
        Method method = method(sei, op.name());
        assertThat(method.getAnnotation(WebMethod.class).action()).isEqualTo(op.request().action());
        assertThat(method.isAnnotationPresent(Oneway.class)).as("@Oneway on %s", op.name())
            .isEqualTo(op.pattern() == OperationMetadata.Pattern.ONE_WAY);
        assertThat(Arrays.stream(method.getExceptionTypes()).map(e -> faultInfo(e).getSimpleName()))
            .as("the fault details of %s", op.name())
            .containsExactlyInAnyOrderElementsOf(op.faults().stream()
                .map(f -> javaName(f.detailType().getLocalPart())).toList());
      }
      for (SchemaType type : metadata.types()) {
        Class<?> generated = loader.loadClass(pkg + "." + javaName(type.name().getLocalPart()));
        switch (type) {
          case ComplexType c -> assertThat(generated.getAnnotation(XmlType.class).propOrder())
              .as("the elements of %s", c.name()).containsExactlyElementsOf(
                  c.elements().stream().map(SchemaElement::name).map(n -> propertyName(n.getLocalPart())).toList());
          case EnumType e -> assertThat(Arrays.stream(generated.getEnumConstants()).map(v -> ((Enum<?>) v).name()))
              .as("the values of %s", e.name()).containsExactlyElementsOf(e.values());
        }
      }
      // minOccurs="0" and nillable="true" are never both on one element: no value is a JAXBElement
      for (String className : sources.classNames()) {
        assertThat(Arrays.stream(loader.loadClass(className).getDeclaredFields()).map(Field::getType))
            .as("the fields of %s", className).doesNotContain(JAXBElement.class);
      }
      Class<?> service = loader.loadClass(pkg + "." + metadata.name());
      assertThat(service.getAnnotation(WebServiceClient.class).targetNamespace())
          .isEqualTo(metadata.targetNamespace());
      assertThat(Arrays.stream(service.getDeclaredMethods()).map(Method::getReturnType)).contains(sei);
    }
  }

  @Test
  void wsimportReadsADuplexContractsWsdlAndItsCodeCompiles(@TempDir Path dir) throws Exception {
    ServiceMetadata metadata = served(MetadataContracts.Chat.class);
    try (URLClassLoader loader = generate(Peer.METRO, metadata, "generated.chat", dir)
        .compile(Files.createDirectories(dir.resolve("classes")))) {
      // JAX-WS has no duplex: with no SOAP port there is no SEI, but every message of the contract, the
      // callbacks' included, is a class a Java client can use.
      for (OperationMetadata op : metadata.contracts().getFirst().operations()) {
        assertThat(loader.loadClass("generated.chat." + javaName(op.request().wrapper().getLocalPart())))
            .as("the request of %s", op.name()).isNotNull();
      }
    }
  }

  @Test
  void cxfRefusesADuplexContractsWsdlNamingTheCallbackOperationAsItRefusesWcfs(@TempDir Path dir) throws Exception {
    // WCF's duplex form puts the callbacks in the port type as output-only operations; CXF's WSDL validator
    // takes only request-response and one-way operations (WS-I Basic Profile's rule), whoever wrote the document.
    Path wsdl = dir.resolve("Chat.wsdl");
    Files.writeString(wsdl, Wsdl.write(served(MetadataContracts.Chat.class)), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Peer.CXF.generate(wsdl, Files.createDirectories(dir.resolve("src")), "generated.chat"))
        .hasMessageContaining("Operation posted in PortType {http://example.com/chat}Chat not request-response "
            + "or one-way");
  }

  private static GeneratedSources generate(Peer peer, ServiceMetadata metadata, String pkg, Path dir) throws Exception {
    Path wsdl = dir.resolve(metadata.name() + ".wsdl");
    Files.writeString(wsdl, Wsdl.write(metadata), StandardCharsets.UTF_8);
    Path sources = Files.createDirectories(dir.resolve("src"));
    peer.generate(wsdl, sources, pkg);
    return GeneratedSources.under(sources);
  }

  private static Method method(Class<?> type, String name) {
    List<Method> found = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toList();
    assertThat(found).as("methods named %s", name).hasSize(1);
    return found.getFirst();
  }

  /** The type of the fault record a generated fault exception carries. */
  private static Class<?> faultInfo(Class<?> exception) {
    try {
      return exception.getMethod("getFaultInfo").getReturnType();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(exception + " has no getFaultInfo(): not a JAX-WS fault exception", e);
    }
  }

  /**
   * JAXB's property name for an element's name: WCF's array items are capitalized ({@code Point} is {@code point})
   * and a Java keyword gets an underscore ({@code int} is {@code _int}).
   */
  private static String propertyName(String xmlName) {
    String name = Character.toLowerCase(xmlName.charAt(0)) + xmlName.substring(1);
    return SourceVersion.isKeyword(name) ? "_" + name : name;
  }

  /** JAXB's class name for a schema type's name: the same name, capitalized. */
  private static String javaName(String xmlName) {
    return Character.toUpperCase(xmlName.charAt(0)) + xmlName.substring(1);
  }
}
