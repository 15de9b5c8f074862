// The build failed in courier:generate, saying that the generator needs a JDK 25 toolchain.
def log = new File(basedir, 'build.log').text
assert log.contains(':generate (default) on project no-toolchain: Courier\'s generator runs on Java 25 or newer, '
    + 'and Maven runs on Java ')
assert log.contains('with no JDK toolchain selected (expected: maven-toolchains-plugin\'s select-jdk-toolchain')
return true
