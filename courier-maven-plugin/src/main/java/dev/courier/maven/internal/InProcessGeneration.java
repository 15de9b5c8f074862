package dev.courier.maven.internal;

import dev.courier.codegen.ClientGenerator;
import dev.courier.codegen.CollectionType;
import dev.courier.codegen.GeneratedSource;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Courier's {@link ClientGenerator} in this JVM, which must be Java 25 or newer (Courier's classes are):
 * the goal calls it when Maven runs on one, and {@link ForkedGeneration} calls it in a JVM of the build's
 * JDK 25 toolchain otherwise.
 */
public final class InProcessGeneration {
  private InProcessGeneration() {}

  /**
   * Reads every WSDL, generates its client and writes the sources under {@code outputDirectory}; returns the
   * written files' paths relative to it. Nothing is written unless every WSDL reads and generates.
   *
   * @throws GenerationException naming the WSDL that cannot be read, is invalid, or holds what the generator
   *     cannot write, or two WSDLs that give one type different sources
   */
  public static List<String> generate(List<WsdlSource> sources, Options options, Path outputDirectory)
      throws GenerationException {
    ClientGenerator.Builder builder = ClientGenerator.builder(options.packageName()).async(options.async())
        .eventBased(options.eventBased()).syncOnly(options.syncOnly()).messageContract(options.messageContract())
        .collectionType(options.collectionType().equals(Options.ARRAY) ? CollectionType.ARRAY : CollectionType.LIST);
    options.namespacePackages().forEach(builder::namespacePackage);
    ClientGenerator generator = builder.build();
    Map<String, GeneratedSource> files = new LinkedHashMap<>();
    Map<String, WsdlSource> origins = new LinkedHashMap<>();
    for (WsdlSource source : sources) {
      for (GeneratedSource generated : generate(generator, source)) {
        GeneratedSource earlier = files.putIfAbsent(generated.path(), generated);
        if (earlier != null && !earlier.source().equals(generated.source())) {
          throw new GenerationException(source.describe() + " and " + origins.get(generated.path()).describe()
              + " both define " + generated.qualifiedName() + ", differently (expected: WSDLs whose types "
              + "agree, or separate executions with different <packageName>s)");
        }
        origins.putIfAbsent(generated.path(), source);
      }
    }
    List<String> written = new ArrayList<>();
    for (GeneratedSource generated : files.values()) {
      Path file = outputDirectory.resolve(generated.path());
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, generated.source());
      } catch (IOException e) {
        throw new GenerationException("writing " + file + " failed: " + e, e);
      }
      written.add(generated.path());
    }
    return List.copyOf(written);
  }

  private static List<GeneratedSource> generate(ClientGenerator generator, WsdlSource source)
      throws GenerationException {
    ServiceMetadata metadata;
    try (InputStream in = source.open()) {
      metadata = Wsdl.read(in, source.location());
    } catch (IOException e) {
      throw new GenerationException("reading " + source.describe() + " failed: " + e, e);
    } catch (UncheckedIOException e) {
      throw new GenerationException("reading " + source.describe() + " failed: " + e.getCause(), e);
    } catch (IllegalArgumentException e) {
      throw new GenerationException(source.describe() + " is no valid WSDL: " + e.getMessage(), e);
    }
    try {
      return generator.generate(metadata);
    } catch (IllegalArgumentException e) {
      throw new GenerationException("cannot generate a client from " + source.describe() + ": " + e.getMessage(),
          e);
    }
  }
}
