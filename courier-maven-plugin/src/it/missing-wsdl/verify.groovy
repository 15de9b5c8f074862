// The build failed in courier:generate, with a message that names the missing WSDL file.
def log = new File(basedir, 'build.log').text
assert log.contains(':generate (default) on project missing-wsdl: '
    + 'WSDL file src/main/wsdl/orders.wsdl does not exist (looked for ')
assert !new File(basedir, 'target/generated-sources/courier').exists()
return true
