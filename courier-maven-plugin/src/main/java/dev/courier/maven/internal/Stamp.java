package dev.courier.maven.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What the last generation of one execution wrote, kept in a file of the build directory, so that a build
 * regenerates only when a WSDL changed: the generation's fingerprint (options, sources, output directory, the
 * plugin's version) and the files it wrote.
 *
 * @param fingerprint the generation's inputs other than the WSDLs' content
 * @param files the files it wrote, relative to the output directory
 */
public record Stamp(String fingerprint, List<String> files) {
  private static final String FINGERPRINT = "fingerprint ";
  private static final String FILE = "file ";

  /** Copies {@code files}. */
  public Stamp {
    if (fingerprint.contains("\n")) {
      throw new IllegalArgumentException("a fingerprint is one line: " + fingerprint);
    }
    files = List.copyOf(files);
  }

  /** The stamp in {@code stampFile}, or {@code null} when there is none or it cannot be read. */
  public static Stamp read(Path stampFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(stampFile);
    } catch (IOException e) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(0).startsWith(FINGERPRINT)) {
      return null;
    }
    List<String> files = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.startsWith(FILE)) {
        files.add(line.substring(FILE.length()));
      }
    }
    return new Stamp(lines.get(0).substring(FINGERPRINT.length()), files);
  }

  /** Writes this stamp to {@code stampFile}, creating its directory. */
  public void write(Path stampFile) throws GenerationException {
    List<String> lines = new ArrayList<>();
    lines.add(FINGERPRINT + fingerprint);
    files.forEach(f -> lines.add(FILE + f));
    try {
      Files.createDirectories(stampFile.getParent());
      Files.write(stampFile, lines);
    } catch (IOException e) {
      throw new GenerationException("writing the generation's stamp " + stampFile + " failed: " + e, e);
    }
  }

  /**
   * Whether the generation this stamp in {@code stampFile} records is still what {@code fingerprint} and
   * {@code sources} would write: the same fingerprint, no source a URL (which may change unseen) or a file
   * modified after the stamp, and every file it wrote still under {@code outputDirectory}.
   */
  public boolean isCurrent(Path stampFile, String fingerprint, List<WsdlSource> sources, Path outputDirectory) {
    if (!this.fingerprint.equals(fingerprint)) {
      return false;
    }
    try {
      FileTime stamped = Files.getLastModifiedTime(stampFile);
      for (WsdlSource source : sources) {
        if (source.file() == null || Files.getLastModifiedTime(source.file()).compareTo(stamped) > 0) {
          return false;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return files.stream().allMatch(f -> Files.isRegularFile(outputDirectory.resolve(f)));
  }

  /** Deletes the files this stamp records under {@code outputDirectory}, so that no stale type stays. */
  public void deleteFiles(Path outputDirectory) throws GenerationException {
    for (String f : files) {
      Path file = outputDirectory.resolve(f);
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new GenerationException("deleting the previously generated " + file + " failed: " + e, e);
      }
    }
  }
}
