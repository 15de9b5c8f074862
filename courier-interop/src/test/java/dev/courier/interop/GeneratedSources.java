package dev.courier.interop;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Java sources a peer's generator wrote, compiled with the JDK's compiler against the test class path. */
record GeneratedSources(Path sourceDir, List<Path> files) {

  /** The {@code .java} files under {@code sourceDir}. */
  static GeneratedSources under(Path sourceDir) throws IOException {
    try (Stream<Path> walk = Files.walk(sourceDir)) {
      return new GeneratedSources(sourceDir, walk.filter(p -> p.toString().endsWith(".java")).sorted().toList());
    }
  }

  /** The binary names of the top-level classes generated, {@code package-info} left out. */
  List<String> classNames() {
    return files.stream().filter(f -> !f.getFileName().toString().equals("package-info.java"))
        .map(f -> sourceDir.relativize(f).toString().replace(".java", "").replace(f.getFileSystem().getSeparator(), "."))
        .toList();
  }

  /**
   * Compiles the sources into {@code classDir} and loads them.
   *
   * @throws AssertionError naming each compiler error when they do not compile
   */
  URLClassLoader compile(Path classDir) throws IOException {
    return compile(classDir, List.of("-proc:none", "-nowarn"));
  }

  /**
   * Compiles the sources into {@code classDir} with the compiler options {@code options} and loads them.
   *
   * @throws AssertionError naming each compiler error (or warning, with {@code -Werror}) when they do not compile
   */
  URLClassLoader compile(Path classDir, List<String> options) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter out = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok = javac.getTask(out, files, diagnostics,
          java.util.stream.Stream.concat(options.stream(), Stream.of("-classpath",
              System.getProperty("java.class.path"), "-d", classDir.toString())).toList(),
          null, files.getJavaFileObjectsFromPaths(this.files)).call();
      if (!ok) {
        StringBuilder errors = new StringBuilder("generated sources in " + sourceDir + " do not compile:");
        diagnostics.getDiagnostics().forEach(d -> errors.append('\n').append(d));
        throw new AssertionError(errors.append(out));
      }
    }
    return new URLClassLoader(new URL[] {classDir.toUri().toURL()}, getClass().getClassLoader());
  }
}
