package dev.courier.codegen;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Generated sources compiled in the test with the JDK's compiler ({@code -Xlint:all -Werror -parameters}) and
 * loaded, and values carried between the test's own types and the generated ones by their names.
 */
final class Compiled implements AutoCloseable {
  private final URLClassLoader loader;

  private Compiled(URLClassLoader loader) {
    this.loader = loader;
  }

  /** Compiles {@code sources} into {@code directory}, failing with the compiler's messages. */
  static Compiled of(List<GeneratedSource> sources, Path directory) throws IOException {
    Path src = directory.resolve("src");
    Path classes = Files.createDirectories(directory.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "-parameters", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path")));
    for (GeneratedSource s : sources) {
      Path file = src.resolve(s.path());
      Files.createDirectories(file.getParent());
      Files.writeString(file, s.source());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    int rc = javac.run(null, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
        new java.io.PrintStream(new java.io.OutputStream() {
          @Override
          public void write(int b) {
            messages.write(b);
          }
        }), args.toArray(String[]::new));
    if (rc != 0) {
      throw new AssertionError("the generated sources do not compile:\n" + messages);
    }
    return new Compiled(new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
        Compiled.class.getClassLoader()));
  }

  Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, true, loader);
  }

  /**
   * {@code value} as an instance of {@code target}: records by component, enums by name, lists and arrays item by
   * item, one into the other.
   */
  static Object carry(Object value, Type target) throws ReflectiveOperationException {
    if (value == null) {
      return null;
    }
    if (target instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        Optional<?> o = (Optional<?>) value;
        return o.isEmpty() ? Optional.empty() : Optional.of(carry(o.get(), args[0]));
      }
      if (raw == List.class) {
        List<Object> out = new ArrayList<>();
        for (Object item : items(value)) {
          out.add(carry(item, args[0]));
        }
        return out;
      }
      if (raw == Map.class) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          out.put(carry(e.getKey(), args[0]), carry(e.getValue(), args[1]));
        }
        return out;
      }
    }
    Class<?> c = (Class<?>) target;
    if (c.isEnum()) {
      for (Object constant : c.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(((Enum<?>) value).name())) {
          return constant;
        }
      }
      throw new IllegalArgumentException("no " + value + " in " + c);
    }
    if (c.isRecord()) {
      RecordComponent[] to = c.getRecordComponents();
      Object[] values = new Object[to.length];
      Class<?>[] types = new Class<?>[to.length];
      for (int i = 0; i < to.length; i++) {
        Object v = value.getClass().getMethod(to[i].getName()).invoke(value);
        values[i] = carry(v, to[i].getGenericType());
        types[i] = to[i].getType();
      }
      return c.getDeclaredConstructor(types).newInstance(values);
    }
    if (c.isArray() && c != byte[].class) {
      List<?> items = items(value);
      Object out = Array.newInstance(c.getComponentType(), items.size());
      for (int i = 0; i < items.size(); i++) {
        Array.set(out, i, carry(items.get(i), c.getComponentType()));
      }
      return out;
    }
    return value;
  }

  /** The items of a list or an array. */
  private static List<?> items(Object listOrArray) {
    if (listOrArray instanceof List<?> list) {
      return list;
    }
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < Array.getLength(listOrArray); i++) {
      items.add(Array.get(listOrArray, i));
    }
    return items;
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }
}
