package dev.courier.maven.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the goal, checked: its WSDL sources resolved, its options valid. {@link #run} regenerates only
 * when the last run's {@link Stamp} is no longer current.
 *
 * <pre>{@code
 * Generation g = Generation.of(basedir, List.of("src/main/wsdl/orders.wsdl"), Options.of("com.example.orders",
 *     true, false, false), out, stampFile, "0.1.0");
 * Generation.Result r = g.run(InProcessGeneration::generate);
 * }</pre>
 *
 * @param sources the WSDLs, resolved
 * @param options the generator's options
 * @param outputDirectory the source root written
 * @param stampFile where the last run's {@link Stamp} is kept
 * @param fingerprint what, beside the WSDLs' content, makes the output differ
 */
public record Generation(List<WsdlSource> sources, Options options, Path outputDirectory, Path stampFile,
    String fingerprint) {
  /** Copies {@code sources}. */
  public Generation {
    sources = List.copyOf(sources);
  }

  /**
   * The generation of {@code sources} (files relative to {@code basedir}, or URLs) with {@code options}.
   *
   * @throws GenerationException when there is no source, or one names no readable file or no valid URL
   */
  public static Generation of(Path basedir, List<String> sources, Options options, Path outputDirectory,
      Path stampFile, String pluginVersion) throws GenerationException {
    if (sources == null || sources.isEmpty()) {
      throw new GenerationException("<sources> names no WSDL (expected: at least one <source>, a WSDL file "
          + "relative to the project's directory or a URL, such as <source>src/main/wsdl/orders.wsdl</source>)");
    }
    List<WsdlSource> resolved = new ArrayList<>();
    for (String source : sources) {
      resolved.add(WsdlSource.resolve(source, basedir));
    }
    String fingerprint = "courier-maven-plugin " + pluginVersion + " " + options.fingerprint() + " --out "
        + outputDirectory + " -- " + String.join(" ", resolved.stream().map(s -> s.location().toString()).toList());
    return new Generation(resolved, options, outputDirectory, stampFile, fingerprint.replace('\n', ' '));
  }

  /** Writes the sources of a generation. */
  @FunctionalInterface
  public interface Runner {
    /** Generates {@code sources} into {@code outputDirectory}; returns the files written, relative to it. */
    List<String> generate(List<WsdlSource> sources, Options options, Path outputDirectory)
        throws GenerationException;
  }

  /**
   * What a run did.
   *
   * @param upToDate whether the last run's output was current, so nothing was generated
   * @param files the files generated, relative to the output directory
   */
  public record Result(boolean upToDate, List<String> files) {
    /** Copies {@code files}. */
    public Result {
      files = List.copyOf(files);
    }
  }

  /**
   * Generates with {@code runner} unless the last run's output is current; first deletes the files the last
   * run wrote, so that a type no WSDL defines any more does not stay.
   */
  public Result run(Runner runner) throws GenerationException {
    Stamp last = Stamp.read(stampFile);
    if (last != null && last.isCurrent(stampFile, fingerprint, sources, outputDirectory)) {
      return new Result(true, last.files());
    }
    if (last != null) {
      last.deleteFiles(outputDirectory);
    }
    List<String> files = runner.generate(sources, options, outputDirectory);
    new Stamp(fingerprint, files).write(stampFile);
    return new Result(false, files);
  }
}
