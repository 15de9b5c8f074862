package dev.courier.maven;

import dev.courier.maven.internal.ForkedGeneration;
import dev.courier.maven.internal.Generation;
import dev.courier.maven.internal.GenerationException;
import dev.courier.maven.internal.InProcessGeneration;
import dev.courier.maven.internal.Options;
import dev.courier.maven.internal.WsdlSource;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * The goal {@code courier:generate}: writes a Courier client (contract interface, data contracts, faults and a
 * class that connects a client) from each WSDL, as svcutil does for WCF and cxf-codegen-plugin's
 * {@code wsdl2java} for CXF, and adds the output to the sources the project compiles.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.courier</groupId>
 *   <artifactId>courier-maven-plugin</artifactId>
 *   <executions>
 *     <execution>
 *       <goals><goal>generate</goal></goals>
 *       <configuration>
 *         <packageName>com.example.orders</packageName>
 *         <sources>
 *           <source>src/main/wsdl/orders.wsdl</source>
 *         </sources>
 *         <async>true</async>
 *       </configuration>
 *     </execution>
 *   </executions>
 * </plugin>
 * }</pre>
 *
 * <p>A build regenerates only when a WSDL file is newer than the last generation, the configuration or the
 * plugin changed, or a generated file is missing; a URL is read again in every build. The generator needs
 * Java 25: when Maven itself runs on an older JDK, the goal runs it in a JVM of the JDK 25 toolchain that
 * {@code maven-toolchains-plugin} selected for the build.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
  private static final int GENERATOR_JAVA = 25;

  /**
   * The WSDLs to generate from, one {@code <source>} each: a file relative to the project's directory
   * ({@code src/main/wsdl/orders.wsdl}) or a URL ({@code https://orders.example.com/desk?wsdl}, {@code file:}).
   * Relative imports in a WSDL are resolved against its location.
   */
  @Parameter(required = true)
  private List<String> sources;

  /** The Java package of the generated types, such as {@code com.example.orders}. */
  @Parameter(property = "courier.packageName", required = true)
  private String packageName;

  /** Also the task-based shape and the Begin/End pair of each operation (svcutil's {@code /async}). */
  @Parameter(property = "courier.async", defaultValue = "false")
  private boolean async;

  /** Also the event-based shape (svcutil's {@code /tcv:Version35}). */
  @Parameter(property = "courier.eventBased", defaultValue = "false")
  private boolean eventBased;

  /** Only the synchronous shape, whatever else is asked (svcutil's {@code /syncOnly}). */
  @Parameter(property = "courier.syncOnly", defaultValue = "false")
  private boolean syncOnly;

  /**
   * Requests and replies as records of the messages' parts, {@code PlaceOrderResponse placeOrder(PlaceOrderRequest
   * request)} (svcutil's {@code /messageContract}).
   */
  @Parameter(property = "courier.messageContract", defaultValue = "false")
  private boolean messageContract;

  /**
   * The Java form of a repeated type, WCF's {@code ArrayOfX} (svcutil's {@code /collectionType}): {@code list},
   * {@code List<Line>}, or {@code array}, {@code Line[]}. Lists are the default, as a record's {@code equals}
   * compares lists by their items and arrays by reference.
   */
  @Parameter(property = "courier.collectionType", defaultValue = "list")
  private String collectionType;

  /**
   * Schema or WSDL namespaces whose types and contracts go in a package of their own, each as {@code NS=PACKAGE}
   * (svcutil's {@code /namespace:ns,Name}, cxf-codegen-plugin's {@code -p ns=package}); the others go in
   * {@code packageName}.
   */
  @Parameter
  private List<String> namespaces;

  /** The source root written, added to the project's compile sources. */
  @Parameter(property = "courier.outputDirectory",
      defaultValue = "${project.build.directory}/generated-sources/courier", required = true)
  private File outputDirectory;

  /** Skips the goal: nothing is generated, and no source root added. */
  @Parameter(property = "courier.generate.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  private MavenSession session;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  private MojoExecution mojoExecution;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  private PluginDescriptor plugin;

  // @Component is deprecated for Maven 4's API; Maven 3.8 and 3.9, which this plugin supports, inject with it
  @SuppressWarnings("deprecation")
  @Component
  private ToolchainManager toolchainManager;

  /** Created by Maven, which sets the parameters. */
  public GenerateMojo() {}

  @Override
  public void execute() throws MojoExecutionException {
    if (skip) {
      getLog().info("Skipping Courier's client generation (courier.generate.skip)");
      return;
    }
    Path basedir = project.getBasedir().toPath();
    Path out = outputDirectory.toPath().toAbsolutePath().normalize();
    Path stampFile = Path.of(project.getBuild().getDirectory(), "courier-maven-plugin",
        mojoExecution.getExecutionId() + ".stamp");
    try {
      Options options = Options.of(packageName, async, eventBased, syncOnly, messageContract, namespaces,
          collectionType);
      Generation generation = Generation.of(basedir, sources, options, out, stampFile, plugin.getVersion());
      Generation.Result result = generation.run(Runtime.version().feature() >= GENERATOR_JAVA
          ? InProcessGeneration::generate
          : (wsdls, o, dir) -> ForkedGeneration.generate(toolchainJava(), pluginClassPath(), basedir,
              wsdls.stream().map(WsdlSource::configured).toList(), o, dir));
      if (result.upToDate()) {
        getLog().info("Courier clients are up to date in " + out);
      } else {
        getLog().info("Generated " + result.files().size() + " Courier sources from "
            + String.join(", ", sources) + " into " + out);
      }
    } catch (GenerationException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    project.addCompileSourceRoot(out.toString());
  }

  private Path toolchainJava() throws GenerationException {
    Toolchain jdk = toolchainManager.getToolchainFromBuildContext("jdk", session);
    String java = jdk == null ? null : jdk.findTool("java");
    if (java == null) {
      throw new GenerationException("Courier's generator runs on Java " + GENERATOR_JAVA + " or newer, and "
          + "Maven runs on Java " + Runtime.version().feature() + " with no JDK toolchain selected (expected: "
          + "maven-toolchains-plugin's select-jdk-toolchain with <version>[25,)</version> before this goal, or "
          + "Maven run on a JDK 25)");
    }
    return Path.of(java);
  }

  private List<Path> pluginClassPath() {
    Set<Path> jars = new LinkedHashSet<>();
    jars.add(plugin.getPluginArtifact().getFile().toPath());
    for (Artifact a : plugin.getArtifacts()) {
      if (a.getFile() != null) {
        jars.add(a.getFile().toPath());
      }
    }
    return new ArrayList<>(jars);
  }
}
