package dev.courier.interop;

import com.sun.tools.ws.wscompile.WsimportTool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.cxf.tools.common.ToolContext;
import org.apache.cxf.tools.wsdlto.WSDLToJava;

/** A SOAP stack's client generator, run in the test JVM as its command line would run it. */
enum Peer {
  /** Metro's {@code wsimport}, the JAX-WS reference implementation's tool (jaxws-maven-plugin runs the same class). */
  METRO {
    @Override
    void generate(Path wsdl, Path sourceDir, String packageName) throws Exception {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      boolean ok = new WsimportTool(log).run(new String[] {"-Xnocompile", "-keep", "-s", sourceDir.toString(),
          "-d", sourceDir.toString(), "-p", packageName, wsdl.toString()});
      if (!ok) {
        throw new AssertionError("wsimport refused " + wsdl + ":\n" + log.toString(StandardCharsets.UTF_8));
      }
    }
  },
  /** Apache CXF's {@code wsdl2java} (cxf-codegen-plugin runs the same class). */
  CXF {
    @Override
    void generate(Path wsdl, Path sourceDir, String packageName) throws Exception {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      try {
        new WSDLToJava(new String[] {"-d", sourceDir.toString(), "-p", packageName, wsdl.toString()})
            .run(new ToolContext(), log);
      } catch (Exception e) {
        throw new AssertionError("wsdl2java refused " + wsdl + ": " + e + "\n" + log.toString(StandardCharsets.UTF_8), e);
      }
    }
  };

  /** Generates Java sources for the WSDL at {@code wsdl} into {@code sourceDir}, in {@code packageName}. */
  abstract void generate(Path wsdl, Path sourceDir, String packageName) throws Exception;
}
