// After the sample's build (mvn test): the goal generated the client, the sample's code that uses it compiled,
// and its test called it.
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
return true
