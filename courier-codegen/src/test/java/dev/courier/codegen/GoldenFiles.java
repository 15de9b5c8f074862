package dev.courier.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.metadata.ServiceMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generator's committed expected output, as dotnet-svcutil keeps its baselines: one folder per document and
 * option set under a module's {@code src/test/resources/golden}. {@code -Dcourier.golden.update} rewrites them
 * from the generator's output, to be reviewed like any change.
 */
public final class GoldenFiles {
  private GoldenFiles() {}

  /** Asserts that {@code generator}'s sources for {@code metadata} are the files of the golden folder {@code set}. */
  public static void assertMatch(String set, ServiceMetadata metadata, ClientGenerator generator) throws IOException {
    List<GeneratedSource> sources = generator.generate(metadata);
    Path golden = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden").resolve(set);
    String update = System.getProperty("courier.golden.update");
    if (update != null && !update.equals("false")) {
      if (Files.exists(golden)) {
        try (Stream<Path> old = Files.walk(golden)) {
          old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      generator.writeTo(metadata, golden);
    }
    List<String> expectedFiles;
    try (Stream<Path> files = Files.walk(golden)) {
      expectedFiles = files.filter(Files::isRegularFile).map(p -> golden.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
    assertThat(sources.stream().map(GeneratedSource::path).sorted().toList())
        .as("the files of %s (update the golden files with -Dcourier.golden.update)", set)
        .isEqualTo(expectedFiles);
    for (GeneratedSource s : sources) {
      assertThat(s.source()).as("%s of %s (update the golden files with -Dcourier.golden.update)", s.path(), set)
          .isEqualTo(Files.readString(golden.resolve(s.path())));
    }
  }
}
