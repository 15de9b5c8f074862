package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.attribute.RuntimeVisibleAnnotationsAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Every contract-validation error fails when a {@link ChannelFactory} or a {@link ServiceHost} is built,
 * with a message naming the method and the rule; and what the description of a valid contract says.
 */
class ContractValidationTest {

  // ---- helpers ----------------------------------------------------------------------------------

  /** A service object implementing {@code contract}, so that only the contract itself can be at fault. */
  private static Object serviceOf(Class<?> contract) {
    return Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[] {contract}, (p, m, a) -> {
      throw new AssertionError("never called");
    });
  }

  /** The contract is rejected by ContractDescription.of, by ChannelFactory.build and by ServiceHost's builder. */
  private static void assertRejected(Class<?> contract, String method, String... rule) {
    String where = "for method " + method;
    assertThatThrownBy(() -> ContractDescription.of(contract))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(where)
        .hasMessageContainingAll(rule);
    assertThatThrownBy(() -> ChannelFactory.builder(contract).binding(INPROC).address(address("never")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(where)
        .hasMessageContainingAll(rule);
    Object service = serviceOf(contract);
    assertThatThrownBy(() -> ServiceHost.builder(service).endpoint(contract, INPROC, address("never")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(where)
        .hasMessageContainingAll(rule);
  }

  // ---- invalid contracts ------------------------------------------------------------------------

  record Hidden(int value) {}

  /** Public, so its proxy lives in another module and cannot cast to the package-private result. */
  public interface PublicContractWithHiddenResult {
    Hidden fetch();
  }

  @Test
  void aPublicContractWhoseSynchronousResultIsNotPublicIsRejected() {
    assertRejected(PublicContractWithHiddenResult.class, "PublicContractWithHiddenResult.fetch",
        "result type", "Hidden", "is not public");
  }

  public interface TaskView {
    CompletableFuture<Integer> addAsync(int a, Integer b);
  }

  public interface SyncView {
    int add(Integer a, int b);
  }

  @Test
  void primitivesAndTheirBoxesDescribeAlikeInEveryShape() {
    OperationDescription task = ContractDescription.of(TaskView.class).operation("add");
    OperationDescription sync = ContractDescription.of(SyncView.class).operation("add");

    assertThat(task.resultType()).isEqualTo(int.class);
    assertThat(task.parameterTypes()).containsExactly(int.class, int.class);
    assertThat(sync.resultType()).isEqualTo(task.resultType());
    assertThat(sync.parameterTypes()).isEqualTo(task.parameterTypes());
  }

  record Problem(String what) {}

  interface OneWayWithResult {
    @Operation(oneWay = true)
    int ping();
  }

  interface OneWayWithFault {
    @Operation(oneWay = true)
    @FaultContract(Problem.class)
    void log(String line);
  }

  interface OneWayTaskWithResult {
    @Operation(oneWay = true)
    CompletableFuture<String> pingAsync();
  }

  @Test
  void aOneWayOperationThatReturnsAValueIsRejected() {
    assertRejected(OneWayWithResult.class, "OneWayWithResult.ping", "one-way operation ping must return void", "(found: int)");
    assertRejected(OneWayTaskWithResult.class, "OneWayTaskWithResult.pingAsync",
        "one-way operation ping must return void", "(found: java.lang.String)");
  }

  @Test
  void aOneWayOperationThatDeclaresAFaultIsRejected() {
    assertRejected(OneWayWithFault.class, "OneWayWithFault.log", "one-way operation log cannot declare faults");
  }

  interface BeginWithoutEnd {
    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);
  }

  interface EndWithoutBegin {
    int add(int a, int b);

    int endAdd(AsyncResult result);
  }

  interface BeginWithoutCallbackAndState {
    AsyncResult beginAdd(int a, int b);

    int endAdd(AsyncResult result);
  }

  interface BeginWithStateAndCallbackSwapped {
    AsyncResult beginAdd(int a, int b, Object state, AsyncCallback callback);

    int endAdd(AsyncResult result);
  }

  @Test
  void aBeginMethodWithoutItsEndMethodIsRejected() {
    assertRejected(BeginWithoutEnd.class, "BeginWithoutEnd.beginAdd", "beginAdd has no matching endAdd(AsyncResult)",
        "expected: a Begin/End pair");
  }

  @Test
  void anEndMethodWithoutItsBeginMethodIsRejected() {
    assertRejected(EndWithoutBegin.class, "EndWithoutBegin.endAdd",
        "endAdd has no matching beginAdd(..., AsyncCallback, Object)", "expected: a Begin/End pair");
  }

  @Test
  void aBeginMethodThatDoesNotEndWithAsyncCallbackAndStateIsRejected() {
    assertRejected(BeginWithoutCallbackAndState.class, "BeginWithoutCallbackAndState.beginAdd",
        "begin method must end with (AsyncCallback callback, Object state)");
    assertRejected(BeginWithStateAndCallbackSwapped.class, "BeginWithStateAndCallbackSwapped.beginAdd",
        "begin method must end with (AsyncCallback callback, Object state)");
  }

  interface SyncAndTaskParametersDisagree {
    int add(int a, int b);

    CompletableFuture<Integer> addAsync(int a, long b);
  }

  interface SyncAndBeginParametersDisagree {
    int add(int a, int b);

    AsyncResult beginAdd(int a, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);
  }

  interface SyncAndEventParametersDisagree {
    int add(int a, int b);

    void addAsync(String a, String b, Object userState);
  }

  interface GenericParametersDisagree {
    int count(List<String> items);

    CompletableFuture<Integer> countAsync(List<Integer> items);
  }

  @Test
  void shapesOfOneOperationWhoseParametersDisagreeAreRejected() {
    assertRejected(SyncAndTaskParametersDisagree.class, "SyncAndTaskParametersDisagree.addAsync",
        "shapes of operation add disagree on parameters", "add(int, int) vs addAsync(int, long)");
    assertRejected(SyncAndBeginParametersDisagree.class, "SyncAndBeginParametersDisagree.beginAdd",
        "shapes of operation add disagree on parameters", "add(int, int) vs beginAdd(int)");
    assertRejected(SyncAndEventParametersDisagree.class, "SyncAndEventParametersDisagree.addAsync",
        "shapes of operation add disagree on parameters", "addAsync(java.lang.String, java.lang.String)");
    assertRejected(GenericParametersDisagree.class, "GenericParametersDisagree.countAsync",
        "shapes of operation count disagree on parameters", "java.util.List<java.lang.Integer>");
  }

  interface SyncAndTaskResultsDisagree {
    int add(int a, int b);

    CompletableFuture<String> addAsync(int a, int b);
  }

  interface BeginEndResultDisagrees {
    int add(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    long endAdd(AsyncResult result);
  }

  interface ListenerResultDisagrees {
    int add(int a, int b);

    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<String> listener);
  }

  @Test
  void shapesOfOneOperationWhoseResultsDisagreeAreRejected() {
    assertRejected(SyncAndTaskResultsDisagree.class, "SyncAndTaskResultsDisagree.addAsync",
        "shapes of operation add disagree on the result", "add returns int, addAsync returns java.lang.String");
    assertRejected(BeginEndResultDisagrees.class, "BeginEndResultDisagrees.endAdd",
        "shapes of operation add disagree on the result", "endAdd returns long");
    assertRejected(ListenerResultDisagrees.class, "ListenerResultDisagrees.onAddCompleted",
        "shapes of operation add disagree on the result", "onAddCompleted returns java.lang.String");
  }

  interface Overloads {
    int add(int a, int b);

    int add(int a, int b, int c);
  }

  interface TaskOverloads {
    CompletableFuture<Integer> addAsync(int a, int b);

    CompletableFuture<Integer> addAsync(long a, long b);
  }

  interface TwoMethodsNamedAlike {
    @Operation(name = "sum")
    int add(int a, int b);

    @Operation(name = "sum")
    int plus(int a, int b);
  }

  interface TwoOperationsWithOneAction {
    @Operation(action = "urn:calc/op")
    int add(int a, int b);

    @Operation(action = "urn:calc/op")
    int subtract(int a, int b);
  }

  @Test
  void twoOperationsWithOneNameAreRejected() {
    String rule = "(expected: one method per shape; overloads are not operations)";
    assertRejected(Overloads.class, "Overloads.add", "two operations named add in shape SYNC", rule);
    assertRejected(TaskOverloads.class, "TaskOverloads.addAsync", "two operations named add in shape TASK", rule);
    assertRejected(TwoMethodsNamedAlike.class, "TwoMethodsNamedAlike.plus", "two operations named sum in shape SYNC", rule);
  }

  @Test
  void twoOperationsWithOneActionAreRejectedNamingTheContract() {
    assertThatThrownBy(() -> ChannelFactory.builder(TwoOperationsWithOneAction.class).binding(INPROC)
        .address(address("never")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("two operations with action urn:calc/op", "for contract " + TwoOperationsWithOneAction.class.getName());
  }

  record Holder(StringBuilder text) {}

  record Outer(String name, List<Holder> holders) {}

  interface UnsupportedParameter {
    void schedule(Date when);
  }

  interface UnsupportedResult {
    Thread current();
  }

  interface UnsupportedTaskResult {
    CompletableFuture<Set<String>> tagsAsync();
  }

  interface UnsupportedRecordComponent {
    void store(String key, Holder holder);
  }

  interface UnsupportedNestedRecordComponent {
    Outer load(String key);
  }

  interface UnsupportedMapKey {
    void prices(Map<Double, String> byPrice);
  }

  interface UnsupportedArray {
    void put(StringBuilder[] values);
  }

  interface UnsupportedArrayOfLists {
    java.util.List<Thread>[] threads();
  }

  interface UnsupportedObject {
    void put(Object value);
  }

  @Test
  void anUnsupportedParameterTypeIsRejected() {
    assertRejected(UnsupportedParameter.class, "UnsupportedParameter.schedule",
        "parameter 0 has unsupported type java.util.Date", "(expected: a record, enum, primitive or its box");
    assertRejected(UnsupportedArray.class, "UnsupportedArray.put",
        "parameter 0 item has unsupported type java.lang.StringBuilder", "Optional or array of those)");
    assertRejected(UnsupportedObject.class, "UnsupportedObject.put", "parameter 0 has unsupported type java.lang.Object");
  }

  /** Arrays of data contracts, nested and generic ones too, are lists of their items. */
  interface ArrayShapes {
    record Crate(String[] labels, int[] counts, Integer[] maybe, Crate[] inner, int[][] grid,
        java.util.List<String>[] groups, byte[][] blobs) {}

    Crate[] pack(Crate crate, long[] ids);
  }

  @Test
  void arraysOfDataContractsNestedAndGenericOnesTooAreDataContracts() {
    assertThat(ContractDescription.of(ArrayShapes.class).operation("pack").resultType())
        .isEqualTo(ArrayShapes.Crate[].class);
  }

  @Test
  void anArrayOfWhatIsNoDataContractIsRejectedNamingItsItem() {
    assertRejected(UnsupportedArrayOfLists.class, "UnsupportedArrayOfLists.threads",
        "result item element has unsupported type java.lang.Thread");
  }

  @Test
  void anUnsupportedResultTypeIsRejected() {
    assertRejected(UnsupportedResult.class, "UnsupportedResult.current", "result has unsupported type java.lang.Thread");
    assertRejected(UnsupportedTaskResult.class, "UnsupportedTaskResult.tagsAsync",
        "result has unsupported type java.util.Set<java.lang.String>");
  }

  @Test
  void anUnsupportedRecordComponentTypeIsRejected() {
    assertRejected(UnsupportedRecordComponent.class, "UnsupportedRecordComponent.store",
        "parameter 1 component Holder.text has unsupported type java.lang.StringBuilder");
    assertRejected(UnsupportedNestedRecordComponent.class, "UnsupportedNestedRecordComponent.load",
        "result component Outer.holders element component Holder.text has unsupported type java.lang.StringBuilder");
  }

  @Test
  void anUnsupportedMapKeyTypeIsRejected() {
    assertRejected(UnsupportedMapKey.class, "UnsupportedMapKey.prices",
        "parameter 0 has unsupported map key type java.lang.Double", "(expected: String, Integer, Long or an enum)");
  }

  /**
   * {@code @FaultContract(String.class)} does not compile (the element is a {@code Class<? extends Record>}),
   * but a class file can say it: this interface is generated, with {@code int divide(int, int)} declaring
   * {@code @FaultContract(String.class)}.
   */
  private static final class NonRecordFault {
    static final Class<?> CONTRACT = define();

    private static Class<?> define() {
      ClassDesc self = ClassDesc.of(ContractValidationTest.class.getPackageName() + ".GeneratedNonRecordFault");
      byte[] bytes = ClassFile.of().build(self, cb -> cb
          .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_INTERFACE | ClassFile.ACC_ABSTRACT)
          .withSuperclass(ConstantDescs.CD_Object)
          .withMethod("divide", MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int),
              ClassFile.ACC_PUBLIC | ClassFile.ACC_ABSTRACT,
              mb -> mb.with(RuntimeVisibleAnnotationsAttribute.of(Annotation.of(ClassDesc.of(FaultContract.class.getName()),
                  AnnotationElement.ofClass("value", ConstantDescs.CD_String))))));
      try {
        return MethodHandles.lookup().defineClass(bytes);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void aFaultDetailThatIsNotARecordIsRejected() throws Exception {
    Method divide = NonRecordFault.CONTRACT.getMethod("divide", int.class, int.class);
    assertThat(divide.getAnnotation(FaultContract.class).value()).isEqualTo((Object) String.class);
    assertRejected(NonRecordFault.CONTRACT, "GeneratedNonRecordFault.divide",
        "fault detail java.lang.String (expected: a record)");
  }

  record Refused(int code) {}

  static final class Elsewhere {
    record Refused(String why) {}
  }

  interface TwoFaultsOfOneName {
    @FaultContract(Refused.class)
    @FaultContract(Elsewhere.Refused.class)
    int divide(int a, int b);
  }

  @Test
  void twoFaultsOfOneNameOnAnOperationAreRejectedSinceTheNameTellsThemApartOnTheWire() {
    assertRejected(TwoFaultsOfOneName.class, "TwoFaultsOfOneName.divide", "faults "
        + Refused.class.getName() + " and " + Elsewhere.Refused.class.getName() + " of operation divide have one"
        + " name, Refused (expected: fault records of distinct simple names: a fault travels by its name)");
  }

  interface ListenerWithoutEventCall {
    CompletableFuture<Integer> addAsync(int a, int b);

    void onAddCompleted(CompletedListener<Integer> listener);
  }

  @Test
  void aCompletedListenerWithoutAnEventBasedCallIsRejected() {
    assertRejected(ListenerWithoutEventCall.class, "ListenerWithoutEventCall.onAddCompleted",
        "onAddCompleted listens to an operation with no addAsync(..., Object userState) method");
  }

  interface FutureNotNamedAsync {
    CompletableFuture<Integer> add(int a, int b);
  }

  interface RawFuture {
    @SuppressWarnings("rawtypes")
    CompletableFuture addAsync(int a, int b);
  }

  @Test
  void aFutureReturningMethodMustBeNamedAsyncAndSayItsResultType() {
    assertRejected(FutureNotNamedAsync.class, "FutureNotNamedAsync.add",
        "a method returning CompletableFuture must be named opAsync (expected: addAsync)");
    assertRejected(RawFuture.class, "RawFuture.addAsync", "type java.util.concurrent.CompletableFuture needs its type argument");
  }

  interface DisagreeingOperationAnnotations {
    @Operation(oneWay = true)
    void reset();

    @Operation(oneWay = false)
    CompletableFuture<Void> resetAsync();
  }

  @Test
  void shapesOfOneOperationWhoseOperationAnnotationsDisagreeAreRejected() {
    assertRejected(DisagreeingOperationAnnotations.class, "DisagreeingOperationAnnotations.resetAsync",
        "@Operation of reset and resetAsync disagree", "(expected: the same oneWay, idempotent, action and resultName on every shape of operation reset)");
  }

  /** Not an interface. */
  abstract static class CalculatorClass {
    abstract int add(int a, int b);
  }

  static final class ConcreteCalculator extends CalculatorClass {
    @Override
    int add(int a, int b) {
      return a + b;
    }
  }

  @Test
  void aClassInsteadOfAnInterfaceIsRejected() {
    String rule = "contract: " + CalculatorClass.class.getName() + " (expected: an interface)";
    assertThatThrownBy(() -> ChannelFactory.builder(CalculatorClass.class).binding(INPROC).address(address("never")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
    assertThatThrownBy(() -> ServiceHost.builder(new ConcreteCalculator())
        .endpoint(CalculatorClass.class, INPROC, address("never")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(rule);
  }

  @ServiceContract(callback = ConcreteCalculator.class)
  interface CallbackIsAClass {
    void subscribe();
  }

  @Test
  void aCallbackContractThatIsAClassIsRejected() {
    assertThatThrownBy(() -> ChannelFactory.builder(CallbackIsAClass.class).binding(INPROC).address(address("never"))
        .callback(new ConcreteCalculator()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("callback contract: " + ConcreteCalculator.class.getName() + " (expected: an interface)",
            "for contract " + CallbackIsAClass.class.getName());
  }

  @ServiceContract(name = "Calculator")
  interface EventOnlyCalculator {
    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<Integer> listener);
  }

  @Test
  void anEventBasedOnlyOperationIsAValidClientContractButFailsTheHostBuild() {
    assertThat(ChannelFactory.builder(EventOnlyCalculator.class).binding(INPROC).address(address("never")).build()
        .contract().operation("add").shapes()).containsExactly(OperationShape.EVENT);
    ServiceHost.Builder builder = ServiceHost.builder(serviceOf(EventOnlyCalculator.class))
        .endpoint(EventOnlyCalculator.class, INPROC, address("never"));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("operation add has only the event-based shape, which is for clients",
            "for method EventOnlyCalculator.addAsync");
  }

  @ServiceContract(name = "Calculator")
  interface Calculator {
    int add(int a, int b);
  }

  @ServiceContract(name = "Calculator")
  interface CalculatorTaskClient {
    CompletableFuture<Integer> addAsync(int a, int b);
  }

  @ServiceContract(name = "Calculator")
  interface CalculatorBeginEndService {
    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);
  }

  interface Unrelated {
    int add(int a, int b);
  }

  @Test
  void aServiceThatDoesNotImplementTheEndpointsContractIsRejected() {
    Unrelated service = (a, b) -> a + b;
    assertThatThrownBy(() -> ServiceHost.builder(service).endpoint(Calculator.class, INPROC, address("never")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("does not implement contract " + Calculator.class.getName(),
            "(expected: a class implementing the contract interface)");
    assertThatThrownBy(() -> ServiceHost.builder(Unrelated.class, () -> service, InstanceMode.PER_CALL)
        .endpoint(Calculator.class, INPROC, address("never")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service " + Unrelated.class.getName() + " does not implement contract " + Calculator.class.getName());
  }

  interface Progress {
    void progress(int percent);
  }

  @ServiceContract(callback = Progress.class)
  interface Duplex {
    void start();
  }

  @Test
  void aDuplexContractWithoutACallbackObjectIsRejectedWhenTheFactoryIsBuilt() {
    assertThatThrownBy(() -> ChannelFactory.builder(Duplex.class).binding(INPROC).address(address("never")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("contract Duplex is duplex", "(expected: a callback object implementing "
            + Progress.class.getName() + ", given with .callback(...))");
  }

  @Test
  void aCallbackObjectThatDoesNotImplementTheCallbackContractIsRejected() {
    assertThatThrownBy(() -> ChannelFactory.builder(Duplex.class).binding(INPROC).address(address("never"))
        .callback(new Object()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not implement contract " + Progress.class.getName());
  }

  @Test
  void aCallbackObjectForAContractWithoutACallbackContractIsRejected() {
    Progress callback = percent -> { };
    assertThatThrownBy(() -> ChannelFactory.builder(Calculator.class).binding(INPROC).address(address("never"))
        .callback(callback).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callback: contract Calculator has no callback contract");
  }

  @Test
  void anAddressWhoseSchemeDoesNotMatchTheBindingIsRejected() {
    assertThatThrownBy(() -> ChannelFactory.builder(Calculator.class).binding(INPROC).address("courier.tcp://host:8808/calc").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address: courier.tcp://host:8808/calc (expected: a inproc:// address for this binding)");
    Calculator service = (a, b) -> a + b;
    assertThatThrownBy(() -> ServiceHost.builder(service).endpoint(Calculator.class, INPROC, "http://host/calc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address: http://host/calc (expected: a inproc:// address for this binding)");
    assertThatThrownBy(() -> ChannelFactory.builder(Calculator.class).binding(INPROC).address("calculator").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(expected: an absolute URI such as inproc://calculator)");
  }

  // ---- what valid contracts describe -------------------------------------------------------------

  record Entry(String text, long cents) {}

  record Receipt(String id, Optional<String> memo, Map<Kind, List<Entry>> byKind) {}

  record Overdrawn(long missingCents) {}

  record Frozen(String reason) {}

  enum Kind { DEBIT, CREDIT }

  interface LedgerEvents {
    void posted(Receipt receipt);
  }

  @ServiceContract(name = "Ledger", namespace = "urn:courier:test", callback = LedgerEvents.class)
  interface Ledger {
    long balance(String account);

    CompletableFuture<Long> balanceAsync(String account);

    AsyncResult beginBalance(String account, AsyncCallback callback, Object state);

    long endBalance(AsyncResult result);

    void balanceAsync(String account, Object userState);

    void onBalanceCompleted(CompletedListener<Long> listener);

    void cancelAsync(Object userState);

    boolean isBusy();

    @Operation(name = "Post", action = "urn:ledger/post")
    @FaultContract(Overdrawn.class)
    @FaultContract(Frozen.class)
    Receipt post(String account, List<Entry> entries, Map<String, Long> limits, Optional<String> memo, byte[] signature);

    @Operation(oneWay = true)
    void audit(Kind kind);

    CompletableFuture<Void> flushAsync();
  }

  private final ContractDescription ledger = ContractDescription.of(Ledger.class);

  @Test
  void theContractHasItsNameNamespaceAndCallbackContract() {
    assertThat(ledger.type()).isEqualTo(Ledger.class);
    assertThat(ledger.name()).isEqualTo("Ledger");
    assertThat(ledger.namespace()).isEqualTo("urn:courier:test");
    assertThat(ledger.isDuplex()).isTrue();
    assertThat(ledger.callbackContract()).map(ContractDescription::type).contains(LedgerEvents.class);
    assertThat(ContractDescription.of(Calculator.class).namespace()).isEqualTo(ServiceContract.DEFAULT_NAMESPACE);
    assertThat(ContractDescription.of(Unrelated.class).name()).isEqualTo("Unrelated");
    assertThat(ContractDescription.of(Unrelated.class).isDuplex()).isFalse();
    assertThat(ContractDescription.of(Ledger.class)).isSameAs(ledger);
  }

  @Test
  void operationsAreSortedByNameAndEachHasOneIdentity() {
    assertThat(ledger.operations()).extracting(OperationDescription::name)
        .containsExactly("Post", "audit", "balance", "flush");
    assertThat(ledger.operations()).extracting(OperationDescription::index).containsExactly(0, 1, 2, 3);
    assertThat(ledger.operation("balance").action()).isEqualTo("urn:courier:test/Ledger/balance");
    assertThat(ledger.operation("Post").action()).isEqualTo("urn:ledger/post");
    assertThat(ledger.operationByAction("urn:ledger/post")).containsSame(ledger.operation("Post"));
    assertThat(ledger.operationByAction("urn:courier:test/Ledger/flush")).containsSame(ledger.operation("flush"));
    assertThat(ledger.operationByAction("urn:courier:test/Ledger/post")).isEmpty();
    assertThatThrownBy(() -> ledger.operation("post"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("operation: post", "of contract Ledger");
  }

  @Test
  void anOperationDeclaredInEveryShapeAppearsOnceWithEachShapesMethods() throws Exception {
    assertThat(ledger.operations()).filteredOn(op -> op.name().equals("balance")).hasSize(1);
    OperationDescription balance = ledger.operation("balance");
    assertThat(balance.shapes()).isEqualTo(EnumSet.allOf(OperationShape.class));
    assertThat(balance.method(OperationShape.SYNC)).contains(Ledger.class.getMethod("balance", String.class));
    assertThat(balance.method(OperationShape.TASK)).contains(Ledger.class.getMethod("balanceAsync", String.class));
    assertThat(balance.method(OperationShape.BEGIN_END))
        .contains(Ledger.class.getMethod("beginBalance", String.class, AsyncCallback.class, Object.class));
    assertThat(balance.endMethod()).contains(Ledger.class.getMethod("endBalance", AsyncResult.class));
    assertThat(balance.method(OperationShape.EVENT)).contains(Ledger.class.getMethod("balanceAsync", String.class, Object.class));
    assertThat(balance.completedListenerMethod())
        .contains(Ledger.class.getMethod("onBalanceCompleted", CompletedListener.class));
    assertThat(ledger.cancelAsyncMethod()).contains(Ledger.class.getMethod("cancelAsync", Object.class));
    assertThat(ledger.isBusyMethod()).contains(Ledger.class.getMethod("isBusy"));
    assertThat(ledger.operation("flush").shapes()).containsExactly(OperationShape.TASK);
    assertThat(ledger.operation("flush").endMethod()).isEmpty();
    assertThat(ContractDescription.of(Calculator.class).cancelAsyncMethod()).isEmpty();
  }

  @Test
  void theLogicalParametersAndResultsLeaveOutTheShapesDecorations() {
    OperationDescription balance = ledger.operation("balance");
    assertThat(balance.parameterTypes()).containsExactly(String.class);
    assertThat(balance.parameterNames()).containsExactly("account");
    assertThat(balance.resultType()).isEqualTo(long.class);
    assertThat(balance.hasResult()).isTrue();

    OperationDescription post = ledger.operation("Post");
    assertThat(post.parameterTypes()).extracting(Type::getTypeName).containsExactly(
        "java.lang.String",
        "java.util.List<" + Entry.class.getName() + ">",
        "java.util.Map<java.lang.String, java.lang.Long>",
        "java.util.Optional<java.lang.String>",
        "byte[]");
    assertThat(post.parameterNames()).containsExactly("account", "entries", "limits", "memo", "signature");
    assertThat(post.resultType()).isEqualTo(Receipt.class);

    OperationDescription flush = ledger.operation("flush");
    assertThat(flush.parameterTypes()).isEmpty();
    assertThat(flush.resultType()).isEqualTo(void.class);
    assertThat(flush.hasResult()).isFalse();
  }

  @Test
  void patternsAndFaultsAreDescribed() {
    assertThat(ledger.operation("audit").pattern()).isEqualTo(MessageExchangePattern.ONE_WAY);
    assertThat(ledger.operation("audit").isOneWay()).isTrue();
    assertThat(ledger.operation("audit").resultType()).isEqualTo(void.class);
    assertThat(ledger.operation("balance").pattern()).isEqualTo(MessageExchangePattern.REQUEST_REPLY);
    assertThat(ledger.operation("flush").pattern()).isEqualTo(MessageExchangePattern.REQUEST_REPLY);
    assertThat(ledger.operation("Post").faults()).containsExactly(Overdrawn.class, Frozen.class);
    assertThat(ledger.operation("balance").faults()).isEmpty();
  }

  @Test
  void anOperationDeclaredInThreeShapesIsDescribedOnce() {
    ContractDescription calc = ContractDescription.of(ThreeShapes.class);
    assertThat(calc.operations()).hasSize(1);
    OperationDescription add = calc.operations().get(0);
    assertThat(add.name()).isEqualTo("add");
    assertThat(add.shapes()).containsExactlyInAnyOrder(OperationShape.SYNC, OperationShape.TASK, OperationShape.BEGIN_END);
    assertThat(add.parameterTypes()).containsExactly(int.class, int.class);
    assertThat(add.parameterNames()).containsExactly("a", "b");
    assertThat(add.action()).isEqualTo("http://tempuri.org/Calculator/add");
  }

  @Test
  void aClientAndAServiceInterfaceWithDifferentShapesDescribeTheSameOperation() throws Exception {
    OperationDescription client = ContractDescription.of(CalculatorTaskClient.class).operation("add");
    OperationDescription service = ContractDescription.of(CalculatorBeginEndService.class).operation("add");
    OperationDescription sync = ContractDescription.of(Calculator.class).operation("add");
    assertThat(client.shapes()).containsExactly(OperationShape.TASK);
    assertThat(service.shapes()).containsExactly(OperationShape.BEGIN_END);
    assertThat(client.action()).isEqualTo(service.action()).isEqualTo(sync.action())
        .isEqualTo("http://tempuri.org/Calculator/add");
    assertThat(client.parameterTypes()).isEqualTo(service.parameterTypes()).containsExactly(int.class, int.class);
    assertThat(client.pattern()).isEqualTo(service.pattern());

    // and the action is what joins them on a call
    String address = address("same-action");
    CalculatorBeginEndService impl = new CalculatorBeginEndService() {
      @Override
      public AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state) {
        return AsyncResult.of(CompletableFuture.completedFuture(a + b), callback, state);
      }

      @Override
      public int endAdd(AsyncResult result) {
        return (Integer) result.join();
      }
    };
    ServiceHost host = ServiceHost.builder(impl).endpoint(CalculatorBeginEndService.class, INPROC, address).build().open();
    try {
      CalculatorTaskClient calc = ChannelFactory.builder(CalculatorTaskClient.class).binding(INPROC).address(address)
          .build().createChannel();
      assertThat(await(calc.addAsync(20, 22))).isEqualTo(42);
      ClientChannel.of(calc).close();
    } finally {
      host.abort();
    }
  }

  @ServiceContract(name = "Calculator")
  interface ThreeShapes {
    int add(int a, int b);

    CompletionStage<Integer> addAsync(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);
  }

  @MessageContract
  record Pair(int a, int b) {}

  interface MessageAmongParameters {
    int add(Pair pair, int c);
  }

  interface NamedMessageResult {
    @Operation(resultName = "sum")
    Pair add(int a, int b);
  }

  @Test
  void aMessageContractAmongOtherParametersIsRefusedNamingIt() {
    assertThatThrownBy(() -> ContractDescription.of(MessageAmongParameters.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message contract Pair among 2 parameters")
        .hasMessageContaining("MessageAmongParameters.add");
  }

  @Test
  void aMessageContractResultWithAResultNameIsRefused() {
    assertThatThrownBy(() -> ContractDescription.of(NamedMessageResult.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returns the message contract Pair and names its result sum");
  }

  @Test
  void aMessageContractsComponentsAreTheRequestsAndReplysParts() {
    OperationDescription op = ContractDescription.of(dev.courier.rpc.suite.MessageContracts.Messages.class)
        .operation("add");

    assertThat(op.requestPartNames()).containsExactly("a", "b");
    assertThat(op.requestPartTypes()).containsExactly(int.class, int.class);
    assertThat(op.replyPartNames()).containsExactly("addResult");
    assertThat(op.requestParts(new Object[] {new dev.courier.rpc.suite.MessageContracts.AddRequest(1, 2)}))
        .containsExactly(1, 2);
    assertThat(op.result(new Object[] {3})).isEqualTo(new dev.courier.rpc.suite.MessageContracts.AddResponse(3));
  }
}
