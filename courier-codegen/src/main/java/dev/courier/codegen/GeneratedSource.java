package dev.courier.codegen;

import java.util.Objects;

/**
 * One generated Java source file.
 *
 * <pre>{@code
 * for (GeneratedSource s : generator.generate(metadata)) {
 *   Files.writeString(out.resolve(s.path()), s.source());
 * }
 * }</pre>
 *
 * @param qualifiedName the top-level type's fully qualified name
 * @param source the file's text
 */
public record GeneratedSource(String qualifiedName, String source) {
  /** Checks the values. */
  public GeneratedSource {
    Objects.requireNonNull(qualifiedName, "qualifiedName");
    Objects.requireNonNull(source, "source");
  }

  /** The file's path under a source root: the package's directories and the type's name. */
  public String path() {
    return qualifiedName.replace('.', '/') + ".java";
  }
}
