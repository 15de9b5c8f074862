package dev.courier.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goal as Maven runs it when its own JVM is Java 25 or newer (as this test's is): the generator runs in
 * Maven's JVM. ({@code src/it} runs it in real builds, where Maven may run on an older JDK.)
 */
class GenerateMojoTest {
  @TempDir
  Path basedir;
  final List<String> logged = new ArrayList<>();
  final MavenProject project = new MavenProject();
  GenerateMojo mojo;

  @BeforeEach
  void configure() throws Exception {
    GenerationTest.writeInventoryWsdl(basedir);
    project.setFile(basedir.resolve("pom.xml").toFile());
    project.getBuild().setDirectory(basedir.resolve("target").toString());
    PluginDescriptor plugin = new PluginDescriptor();
    plugin.setVersion("1.0");
    MojoDescriptor descriptor = new MojoDescriptor();
    descriptor.setPluginDescriptor(plugin);
    mojo = new GenerateMojo();
    set("sources", List.of(GenerationTest.INVENTORY));
    set("packageName", "com.example.inventory");
    set("outputDirectory", basedir.resolve("target/generated-sources/courier").toFile());
    set("project", project);
    set("mojoExecution", new MojoExecution(descriptor, "default"));
    set("plugin", plugin);
    mojo.setLog((Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class},
        (proxy, method, args) -> {
          if (method.getName().equals("info")) {
            logged.add(String.valueOf(args[0]));
          }
          return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
        }));
  }

  void set(String field, Object value) throws ReflectiveOperationException {
    Field f = GenerateMojo.class.getDeclaredField(field);
    f.setAccessible(true);
    f.set(mojo, value);
  }

  @Test
  void messageContractAndNamespacesReachTheGenerator() throws Exception {
    set("messageContract", true);
    set("namespaces", List.of("urn:example:inventory:data=com.example.inventory.data"));
    Path out = basedir.resolve("target/generated-sources/courier");

    mojo.execute();

    assertThat(out.resolve("com/example/inventory/data/Stock.java")).exists();
    assertThat(out.resolve("com/example/inventory/Inventory.java")).content()
        .contains("StockResponse stock(StockRequest request)");
  }

  @Test
  void theGoalGeneratesInMavensJvmAndAddsItsOutputToTheCompileSources() throws Exception {
    Path out = basedir.resolve("target/generated-sources/courier");

    mojo.execute();

    assertThat(out.resolve("com/example/inventory/InventoryClient.java")).exists();
    assertThat(project.getCompileSourceRoots()).contains(out.toString());
    assertThat(logged).containsExactly("Generated 4 Courier sources from " + GenerationTest.INVENTORY + " into "
        + out);
    assertThat(basedir.resolve("target/courier-maven-plugin/default.stamp")).exists();

    mojo.execute();

    assertThat(logged).endsWith("Courier clients are up to date in " + out);
  }

  @Test
  void skipGeneratesNothingAndAddsNoSourceRoot() throws Exception {
    set("skip", true);

    mojo.execute();

    assertThat(basedir.resolve("target")).doesNotExist();
    assertThat(project.getCompileSourceRoots()).isEmpty();
  }

  @Test
  void aBadConfigurationFailsTheGoalWithTheMessageThatNamesIt() throws Exception {
    set("packageName", "com.example.inventory-client");

    assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
        .hasMessageStartingWith("<packageName> com.example.inventory-client is no Java package name");
    assertThat(Files.exists(basedir.resolve("target"))).isFalse();
  }
}
