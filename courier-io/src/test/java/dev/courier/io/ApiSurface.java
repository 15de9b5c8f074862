package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public API of one module, one line per type and member, compared with the committed
 * {@code api/<module>.txt} by each published module's {@code ApiSurfaceTest} (shared through courier-io's
 * test-jar).
 *
 * <p>The surface is every public or protected type outside {@code .internal} packages, with its
 * supertypes, and every public or protected constructor, method and field it declares, in their generic
 * forms (parameter names are not part of it). An intended change is recorded by running the tests with
 * {@code -Dcourier.api.update}, which writes the file instead of comparing:
 *
 * <pre>
 * mvn -q test -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false -Dcourier.api.update
 * </pre>
 */
public record ApiSurface(String module, List<String> lines) {
  /** The command that rewrites every module's file when a change of the API is intended. */
  public static final String UPDATE_COMMAND =
      "mvn -q test -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false -Dcourier.api.update";

  /** Copies {@code lines}. */
  public ApiSurface {
    lines = List.copyOf(lines);
  }

  /** The surface of the class folder (or jar's folder) that holds {@code anyClass}, named {@code module}. */
  public static ApiSurface of(String module, Class<?> anyClass) {
    Path root;
    try {
      root = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("anyClass: " + anyClass + " (expected: loaded from a class folder)", e);
    }
    List<String> typeNames;
    try (Stream<Path> files = Files.walk(root)) {
      typeNames = files.map(root::relativize).map(Path::toString)
          .filter(f -> f.endsWith(".class") && !f.endsWith("package-info.class") && !f.endsWith("module-info.class"))
          .map(f -> f.substring(0, f.length() - ".class".length()).replace(root.getFileSystem().getSeparator(), "."))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> lines = new ArrayList<>();
    for (String name : typeNames) {
      Class<?> type;
      try {
        type = Class.forName(name, false, anyClass.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("class file without its class: " + name, e);
      }
      if (isApi(type)) {
        lines.addAll(describe(type));
      }
    }
    return new ApiSurface(module, lines);
  }

  /**
   * Compares this surface with {@code <project root>/api/<module>.txt}, or writes it there when the
   * system property {@code courier.api.update} is set (to anything but {@code false}).
   */
  public void assertCommitted() throws IOException {
    Path file = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
        .resolve("api").resolve(module + ".txt");
    String update = System.getProperty("courier.api.update");
    if (update != null && !update.equals("false")) {
      Files.createDirectories(file.getParent());
      Files.write(file, lines);
      return;
    }
    List<String> committed = Files.exists(file) ? Files.readAllLines(file) : List.of();
    Set<String> removed = qualified(committed);
    removed.removeAll(qualified(lines));
    Set<String> added = qualified(lines);
    added.removeAll(qualified(committed));
    StringBuilder diff = new StringBuilder();
    removed.forEach(l -> diff.append("\n- ").append(l));
    added.forEach(l -> diff.append("\n+ ").append(l));
    assertThat(diff.toString())
        .as("the public API of %s differs from %s; if the change is intended, run%n  %s%nand commit the file",
            module, file, UPDATE_COMMAND)
        .isEmpty();
  }

  /** Each line, a member's prefixed with its type's line: members of different types that read alike differ. */
  private static Set<String> qualified(List<String> lines) {
    Set<String> qualified = new LinkedHashSet<>();
    String type = "";
    for (String line : lines) {
      if (line.startsWith(" ")) {
        qualified.add(type + " {" + line.strip() + "}");
      } else {
        type = line;
        qualified.add(line);
      }
    }
    return qualified;
  }

  private static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()
        || type.getPackageName().contains(".internal")) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!isVisible(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVisible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static List<String> describe(Class<?> type) {
    StringBuilder header = new StringBuilder(type.toGenericString());
    if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class
        && !type.isEnum() && !type.isRecord()) {
      header.append(" extends ").append(type.getGenericSuperclass().getTypeName());
    }
    var interfaces = type.getGenericInterfaces();
    for (int i = 0; i < interfaces.length; i++) {
      header.append(i > 0 ? ", " : type.isInterface() ? " extends " : " implements ")
          .append(interfaces[i].getTypeName());
    }
    List<String> members = new ArrayList<>();
    Stream.of(type.getDeclaredConstructors()).filter(ApiSurface::isVisibleMember)
        .forEach(c -> members.add(c.toGenericString()));
    String owner = " " + type.getTypeName() + ".";                      // members are listed under their type
    Stream.of(type.getDeclaredMethods()).filter(m -> !m.isBridge() && isVisibleMember(m))
        .forEach(m -> members.add(m.toGenericString().replace(owner + m.getName() + "(", " " + m.getName() + "(")));
    Stream.of(type.getDeclaredFields()).filter(ApiSurface::isVisibleMember)
        .forEach(f -> members.add(f.toGenericString().replace(owner + f.getName(), " " + f.getName())));
    members.sort(null);
    List<String> lines = new ArrayList<>();
    lines.add(header.toString());
    members.forEach(m -> lines.add("  " + m));
    return lines;
  }

  private static boolean isVisibleMember(Member member) {
    return !member.isSynthetic() && isVisible(member.getModifiers());
  }
}
