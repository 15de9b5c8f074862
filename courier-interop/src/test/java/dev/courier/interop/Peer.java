package dev.courier.interop;

import com.sun.tools.ws.wscompile.WsimportTool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.cxf.tools.common.ToolContext;
import org.apache.cxf.tools.wsdlto.WSDLToJava;

/** A SOAP stack's client generator, run in the test JVM as its command line would run it. */
enum Peer {
  /**
   * Metro's {@code wsimport}, the JAX-WS reference implementation's tool (jaxws-maven-plugin runs the same class).
   * It skips SOAP 1.2 ports unless told {@code -extension}.
   */
  METRO {
    @Override
    void generate(String wsdl, Path sourceDir, String packageName, boolean soap12) throws Exception {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-Xnocompile", "-keep", "-s",
          sourceDir.toString(), "-d", sourceDir.toString(), "-p", packageName, wsdl));
      if (soap12) {
        args.addFirst("-extension");
      }
      boolean ok = new WsimportTool(log).run(args.toArray(String[]::new));
      if (ok) {
        return;
      }
      throw new AssertionError("wsimport refused " + wsdl + ":\n" + log.toString(StandardCharsets.UTF_8));
    }
  },
  /** Apache CXF's {@code wsdl2java} (cxf-codegen-plugin runs the same class). */
  CXF {
    @Override
    void generate(String wsdl, Path sourceDir, String packageName, boolean soap12) throws Exception {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      try {
        new WSDLToJava(new String[] {"-d", sourceDir.toString(), "-p", packageName, wsdl})
            .run(new ToolContext(), log);
      } catch (Exception e) {
        throw new AssertionError("wsdl2java refused " + wsdl + ": " + e + "\n" + log.toString(StandardCharsets.UTF_8), e);
      }
    }
  };

  /**
   * Generates Java sources for the WSDL at {@code wsdl} (a path or a URL) into {@code sourceDir}, in
   * {@code packageName}; {@code soap12} says the document's port is SOAP 1.2 (Metro needs {@code -extension}).
   */
  abstract void generate(String wsdl, Path sourceDir, String packageName, boolean soap12) throws Exception;

  /** Generates Java sources for the WSDL file {@code wsdl}. */
  void generate(Path wsdl, Path sourceDir, String packageName) throws Exception {
    generate(wsdl.toString(), sourceDir, packageName, false);
  }

  /** The class name of this stack's JAX-WS implementation: generated clients built while it is chosen use it. */
  String provider() {
    return this == METRO ? "com.sun.xml.ws.spi.ProviderImpl" : "org.apache.cxf.jaxws.spi.ProviderImpl";
  }

  private static final String PROVIDER = "jakarta.xml.ws.spi.Provider";

  /**
   * Makes this stack the JAX-WS implementation of the JVM (both are on the test class path) until the returned
   * handle is closed, which restores the previous choice.
   */
  AutoCloseable choose() {
    String previous = System.getProperty(PROVIDER);
    System.setProperty(PROVIDER, provider());
    return () -> {
      if (previous == null) {
        System.clearProperty(PROVIDER);
      } else {
        System.setProperty(PROVIDER, previous);
      }
    };
  }
}
