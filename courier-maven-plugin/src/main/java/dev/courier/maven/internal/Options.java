package dev.courier.maven.internal;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * The generator's options, as the goal's parameters give them.
 *
 * @param packageName the Java package of the generated types
 * @param async also the task-based and Begin/End shapes (svcutil's {@code /async})
 * @param eventBased also the event-based shape (svcutil's {@code /tcv:Version35})
 * @param syncOnly only the synchronous shape (svcutil's {@code /syncOnly})
 */
public record Options(String packageName, boolean async, boolean eventBased, boolean syncOnly) {
  /**
   * The options, with a package name that is one.
   *
   * @throws GenerationException when {@code packageName} is missing or no Java package name
   */
  public static Options of(String packageName, boolean async, boolean eventBased, boolean syncOnly)
      throws GenerationException {
    if (packageName == null || packageName.isBlank()) {
      throw new GenerationException("<packageName> is not set (expected: the Java package of the generated "
          + "types, such as com.example.orders)");
    }
    if (!SourceVersion.isName(packageName)) {
      throw new GenerationException("<packageName> " + packageName + " is no Java package name (expected: "
          + "dot-separated Java identifiers that are not keywords, such as com.example.orders)");
    }
    return new Options(packageName, async, eventBased, syncOnly);
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
    return args;
  }

  /** What makes the output differ: a stamp made with other options is stale. */
  public String fingerprint() {
    return String.join(" ", arguments());
  }
}
