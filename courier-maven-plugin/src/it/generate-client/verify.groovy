// After the sample's builds (mvn test, then mvn compile): the first generated the client, compiled the sample's
// code that uses it and ran its test, which called it; the second generated nothing.
def generated = new File(basedir, 'target/generated-sources/courier/com/example/inventory')
['Inventory', 'InventoryClient', 'Stock', 'UnknownSku'].each {
  assert new File(generated, it + '.java').isFile() : "courier:generate wrote no ${it}.java in ${generated}"
}
assert new File(generated, 'Inventory.java').text.contains('void onStockCompleted(') : 'no event-based shape'
assert new File(basedir, 'target/classes/com/example/app/StockCheck.class').isFile()
assert new File(basedir, 'target/classes/com/example/inventory/InventoryClient.class').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('Generated 4 Courier sources from src/main/wsdl/inventory.wsdl')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
assert log.contains('Courier clients are up to date in ')
return true
