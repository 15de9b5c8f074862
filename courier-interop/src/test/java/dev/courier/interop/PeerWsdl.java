package dev.courier.interop;

import com.sun.tools.ws.wscompile.WsgenTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.wsdl.Definition;
import javax.wsdl.xml.WSDLWriter;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.wsdl.WSDLManager;
import org.apache.cxf.wsdl11.ServiceWSDLBuilder;

/** The WSDL that Metro and CXF write for a JAX-WS service class, as their {@code ?wsdl} serves it. */
final class PeerWsdl {
  /** CXF logs each service it builds at INFO; held here so the level stays set. */
  private static final Logger CXF_LOG = Logger.getLogger("org.apache.cxf");

  static {
    CXF_LOG.setLevel(Level.WARNING);
  }

  private PeerWsdl() {}

  /** Metro's {@code wsgen -wsdl}: the WSDL document, beside the schema document it imports. */
  static Path metro(Class<?> endpoint, Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("wsdl"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path sources = Files.createDirectories(dir.resolve("src"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    boolean ok = new WsgenTool(log).run(new String[] {"-wsdl", "-r", out.toString(), "-d", classes.toString(),
        "-s", sources.toString(), "-cp", System.getProperty("java.class.path"), endpoint.getName()});
    if (!ok) {
      throw new AssertionError("wsgen failed for " + endpoint + ":\n" + log.toString(StandardCharsets.UTF_8));
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(p -> p.toString().endsWith(".wsdl")).findFirst()
          .orElseThrow(() -> new AssertionError("wsgen wrote no WSDL into " + out));
    }
  }

  /** CXF's WSDL for a service class published at {@code address}: what its {@code ?wsdl} answers. */
  static String cxf(Class<?> endpoint, String address) {
    Bus bus = BusFactory.newInstance().createBus();
    try {
      Definitions factory = new Definitions();
      factory.setBus(bus);
      factory.setServiceClass(endpoint);
      factory.setAddress(address);
      Definition definition = new ServiceWSDLBuilder(bus, factory.endpoint().getService().getServiceInfos()).build();
      WSDLWriter writer = bus.getExtension(WSDLManager.class).getWSDLFactory().newWSDLWriter();
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      writer.writeWSDL(definition, text);
      return text.toString(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new AssertionError("CXF could not describe " + endpoint, e);
    } finally {
      bus.shutdown(true);
    }
  }

  /** CXF's server factory up to the endpoint it describes, without the HTTP transport that would serve it. */
  private static final class Definitions extends JaxWsServerFactoryBean {
    Endpoint endpoint() throws Exception {
      return createEndpoint();
    }
  }
}
