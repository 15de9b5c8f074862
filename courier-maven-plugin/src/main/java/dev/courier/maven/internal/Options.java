package dev.courier.maven.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.SourceVersion;

/**
 * The generator's options, as the goal's parameters give them.
 *
 * @param packageName the Java package of the generated types
 * @param async also the task-based and Begin/End shapes (svcutil's {@code /async})
 * @param eventBased also the event-based shape (svcutil's {@code /tcv:Version35})
 * @param syncOnly only the synchronous shape (svcutil's {@code /syncOnly})
 * @param messageContract requests and replies as records of the messages' parts (svcutil's {@code /messageContract})
 * @param namespacePackages the package of each schema or WSDL namespace mapped to one of its own (svcutil's
 *     {@code /namespace:ns,Name}), in the order given
 * @param collectionType {@value #LIST} or {@value #ARRAY}: the Java form of a repeated type (svcutil's
 *     {@code /collectionType})
 */
public record Options(String packageName, boolean async, boolean eventBased, boolean syncOnly,
    boolean messageContract, Map<String, String> namespacePackages, String collectionType) {
  /** The collection type of {@code List<T>}, the default. */
  public static final String LIST = "list";
  /** The collection type of {@code T[]}. */
  public static final String ARRAY = "array";

  /** The options, the map copied. */
  public Options {
    namespacePackages = Collections.unmodifiableMap(new LinkedHashMap<>(namespacePackages));
  }

  /**
   * The options, with no message contracts and no namespace of a package of its own.
   *
   * @throws GenerationException when {@code packageName} is missing or no Java package name
   */
  public static Options of(String packageName, boolean async, boolean eventBased, boolean syncOnly)
      throws GenerationException {
    return of(packageName, async, eventBased, syncOnly, false, List.of());
  }

  /**
   * The options, with lists for repeated types.
   *
   * @throws GenerationException as {@link #of(String, boolean, boolean, boolean, boolean, List, String)}
   */
  public static Options of(String packageName, boolean async, boolean eventBased, boolean syncOnly,
      boolean messageContract, List<String> namespaces) throws GenerationException {
    return of(packageName, async, eventBased, syncOnly, messageContract, namespaces, LIST);
  }

  /**
   * The options, with a package name that is one, each namespace mapping ({@code NS=PACKAGE}, as
   * cxf-codegen-plugin's {@code -p} takes it) and the collection type ({@code list} when null, in any case)
   * checked.
   *
   * @throws GenerationException when {@code packageName} is missing or no Java package name, a mapping is
   *     none, names no Java package or maps a namespace twice, or the collection type is neither list nor array
   */
  public static Options of(String packageName, boolean async, boolean eventBased, boolean syncOnly,
      boolean messageContract, List<String> namespaces, String collectionType) throws GenerationException {
    String collections = collectionType == null ? LIST : collectionType.strip().toLowerCase(java.util.Locale.ROOT);
    if (!collections.equals(LIST) && !collections.equals(ARRAY)) {
      throw new GenerationException("<collectionType>" + collectionType + "</collectionType> (expected: list or "
          + "array)");
    }
    if (packageName == null || packageName.isBlank()) {
      throw new GenerationException("<packageName> is not set (expected: the Java package of the generated "
          + "types, such as com.example.orders)");
    }
    if (!SourceVersion.isName(packageName)) {
      throw new GenerationException("<packageName> " + packageName + " is no Java package name (expected: "
          + "dot-separated Java identifiers that are not keywords, such as com.example.orders)");
    }
    Map<String, String> packages = new LinkedHashMap<>();
    for (String mapping : namespaces == null ? List.<String>of() : namespaces) {
      String m = mapping == null ? "" : mapping.strip();
      int at = m.lastIndexOf('=');
      if (at <= 0 || at == m.length() - 1) {
        throw new GenerationException("<namespace>" + m + "</namespace> is no mapping (expected: NS=PACKAGE, "
            + "such as http://example.com/orders/data=com.example.orders.data)");
      }
      String namespace = m.substring(0, at).strip();
      String pkg = m.substring(at + 1).strip();
      if (!SourceVersion.isName(pkg)) {
        throw new GenerationException("<namespace>" + m + "</namespace>: " + pkg + " is no Java package name "
            + "(expected one such as com.example.orders.data)");
      }
      if (packages.putIfAbsent(namespace, pkg) != null) {
        throw new GenerationException("<namespace>" + m + "</namespace>: the namespace " + namespace
            + " is mapped twice (expected: one package per namespace)");
      }
    }
    return new Options(packageName, async, eventBased, syncOnly, messageContract, packages, collections);
  }

  /** The arguments {@link ForkedGeneration#main} reads them from. */
  List<String> arguments() {
    List<String> args = new ArrayList<>(List.of("--package", packageName));
    if (async) {
      args.add("--async");
    }
    if (eventBased) {
      args.add("--event-based");
    }
    if (syncOnly) {
      args.add("--sync-only");
    }
    if (messageContract) {
      args.add("--message-contract");
    }
    namespacePackages.forEach((namespace, pkg) -> {
      args.add("--namespace");
      args.add(namespace + "=" + pkg);
    });
    if (!collectionType.equals(LIST)) {
      args.add("--collection-type");
      args.add(collectionType);
    }
    return args;
  }

  /** What makes the output differ: a stamp made with other options is stale. */
  public String fingerprint() {
    return String.join(" ", arguments());
  }
}
