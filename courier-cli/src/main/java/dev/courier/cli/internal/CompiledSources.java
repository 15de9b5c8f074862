package dev.courier.cli.internal;

import dev.courier.codegen.GeneratedSource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Generated sources compiled in memory with the JDK's compiler ({@code -parameters}, against the class path this
 * program runs on) and loaded by a class loader of their own.
 *
 * <pre>{@code
 * ClassLoader loader = CompiledSources.compile(ClientGenerator.builder("p").build().generate(metadata));
 * Class<?> contract = loader.loadClass("p.OrderDesk");
 * }</pre>
 */
public final class CompiledSources {
  private CompiledSources() {
  }

  /**
   * A class loader of the compiled {@code sources}, whose parent loads this program's classes.
   *
   * @throws Failure cannot, when the JDK has no compiler (a JRE) or the sources do not compile
   */
  public static ClassLoader compile(List<GeneratedSource> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw Failure.cannot("courier call compiles a client and needs a JDK, but " + System.getProperty("java.home")
          + " has no Java compiler (javax.tools; a JRE?): run it with a JDK 25 or newer (JAVA_HOME)", null);
    }
    Map<String, ByteArrayOutputStream> classes = new ConcurrentHashMap<>();
    List<JavaFileObject> units = new ArrayList<>();
    for (GeneratedSource s : sources) {
      units.add(new SimpleJavaFileObject(URI.create("string:///" + s.path()), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return s.source();
        }
      });
    }
    StringWriter messages = new StringWriter();
    try (StandardJavaFileManager standard = javac.getStandardFileManager(null, null, null);
         JavaFileManager memory = new ForwardingJavaFileManager<>(standard) {
           @Override
           public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
               FileObject sibling) {
             return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
               @Override
               public OutputStream openOutputStream() {
                 return classes.computeIfAbsent(className, n -> new ByteArrayOutputStream());
               }
             };
           }
         }) {
      List<String> options = List.of("-parameters", "-proc:none", "-nowarn", "-g:none",
          "-classpath", System.getProperty("java.class.path"));
      boolean ok = javac.getTask(messages, memory, null, options, null, units).call();
      if (!ok) {
        throw Failure.cannot("the client generated from the metadata does not compile:\n" + messages, null);
      }
    } catch (java.io.IOException e) {
      throw Failure.cannot("compiling the generated client failed: " + e, e);
    }
    return new ClassLoader("courier-call", CompiledSources.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        ByteArrayOutputStream bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] b = bytes.toByteArray();
        return defineClass(name, b, 0, b.length);
      }
    };
  }
}
