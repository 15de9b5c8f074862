package dev.courier.interop;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.net.spi.URLStreamHandlerProvider;

/**
 * {@code classpath:} URLs for this test JVM. CXF's code generator ships a catalog whose entries point at
 * {@code classpath:/schemas/...}; here the generator and CXF's client runtime share one class path (an
 * application would not carry the generator), and the runtime's catalog reader refuses a protocol the JDK does not
 * know. Registered in {@code META-INF/services}.
 */
public final class ClasspathUrls extends URLStreamHandlerProvider {
  @Override
  public URLStreamHandler createURLStreamHandler(String protocol) {
    if (!protocol.equals("classpath")) {
      return null;
    }
    return new URLStreamHandler() {
      @Override
      protected URLConnection openConnection(URL url) throws IOException {
        String path = url.getPath().startsWith("/") ? url.getPath().substring(1) : url.getPath();
        URL resource = ClassLoader.getSystemResource(path);
        if (resource == null) {
          throw new IOException("no resource " + path + " on the class path");
        }
        return resource.openConnection();
      }
    };
  }
}
