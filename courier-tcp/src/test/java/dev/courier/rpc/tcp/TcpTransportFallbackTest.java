package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Netty's native epoll library is an optional dependency of courier-tcp: without it on the class path, a
 * binding uses NIO and works the same. Runs {@link TransportProbe} in a JVM whose class path lacks it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpTransportFallbackTest {
  private static final String NATIVE_EPOLL = "netty-transport-native-epoll";

  @Test
  void withoutNettysNativeEpollLibraryTheBindingUsesNioAndItsCallsGoThrough() throws Exception {
    String classPath = System.getProperty("java.class.path");
    assertThat(classPath).as("this module's test class path").contains(NATIVE_EPOLL);
    String withoutNative = Stream.of(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.contains(NATIVE_EPOLL)).collect(Collectors.joining(File.pathSeparator));
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process probe = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx128m",
        "--enable-native-access=ALL-UNNAMED", "-cp", withoutNative, TransportProbe.class.getName())
        .redirectErrorStream(true).start();
    probe.getOutputStream().close();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);   // until it exits

    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).as("the probe exited; its output:%n%s", output).isTrue();
    assertThat(probe.exitValue()).as("the probe's exit code; its output:%n%s", output).isZero();
    assertThat(output).contains("native transport: false").contains("echo: hello");
  }
}
