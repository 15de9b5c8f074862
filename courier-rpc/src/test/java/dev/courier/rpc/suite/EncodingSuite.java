package dev.courier.rpc.suite;

import static dev.courier.rpc.suite.ArrayContracts.SIZED;
import static dev.courier.rpc.suite.ArrayContracts.UNSIZED;
import static dev.courier.rpc.suite.ArrayContracts.arrayShelf;
import static dev.courier.rpc.suite.ArrayContracts.listShelf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.Encoding;
import dev.courier.rpc.suite.ArrayContracts.AsArrays;
import dev.courier.rpc.suite.ArrayContracts.AsLists;
import dev.courier.rpc.suite.MessageContracts.AddRequest;
import dev.courier.rpc.suite.MessageContracts.AddResponse;
import dev.courier.rpc.suite.MessageContracts.NoteRequest;
import dev.courier.rpc.suite.MessageContracts.TryReserveResponse;
import dev.courier.rpc.suite.RepeatedLists.Item;
import dev.courier.rpc.suite.RepeatedLists.Split;
import dev.courier.rpc.suite.SuiteData.DivideByZero;
import dev.courier.rpc.suite.SuiteData.Line;
import dev.courier.rpc.suite.SuiteData.Parcel;
import org.junit.jupiter.api.BeforeEach;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every encoding of a binding does with the suite's contract, through the {@link Encoding} interface
 * alone: the values it writes are the values it reads. A binding's test extends it with its carriers: where
 * the encoding writes and how what it wrote is read back.
 *
 * @param <W> what the encoding writes into
 * @param <R> what it reads from
 */
public abstract class EncodingSuite<W, R> {
  private static final ContractDescription SUITE = ContractDescription.of(SuiteContracts.SyncService.class);
  private static final ContractDescription PLAIN = ContractDescription.of(MessageContracts.Plain.class);
  private static final ContractDescription MESSAGES = ContractDescription.of(MessageContracts.Messages.class);
  private static final ContractDescription ARRAYS = ContractDescription.of(AsArrays.Shelves.class);
  private static final ContractDescription LISTS = ContractDescription.of(AsLists.Shelves.class);

  /** The factory of the encoding under test. */
  protected abstract Encoding.Factory<W, R> factory();

  /** A fresh place to write one message's values, as the binding's transport would hand it over. */
  protected abstract W output();

  /** What reads back all that was written to {@code written}, as the transport at the other end would. */
  protected abstract R input(W written);

  private Encoding<W, R> encoding;

  @BeforeEach
  void createTheEncoding() {
    encoding = factory().create(SUITE);
  }

  private static OperationDescription op(String name) {
    return SUITE.operations().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void argumentsOfEveryKindAreReadBackAsWritten() {
    Parcel full = SuiteData.fullParcel();
    W out = output();
    encoding.writeArguments(out, op("echo"), new Object[] {full});

    Object[] read = encoding.readArguments(input(out), op("echo"));

    assertThat(read).hasSize(1);
    assertThat(read[0]).usingRecursiveComparison().isEqualTo(full);
  }

  @Test
  void primitiveArgumentsKeepTheirOrder() {
    W out = output();
    encoding.writeArguments(out, op("divide"), new Object[] {-7, 2});

    assertThat(encoding.readArguments(input(out), op("divide"))).containsExactly(-7, 2);
  }

  @Test
  void aResultIsReadBackAsWritten() {
    Parcel full = SuiteData.fullParcel().withId("reply");
    W out = output();
    encoding.writeResult(out, op("echo"), full);

    assertThat(encoding.readResult(input(out), op("echo"))).usingRecursiveComparison().isEqualTo(full);
  }

  @Test
  void aDeclaredFaultDetailIsReadBackAsItsRecord() {
    W out = output();
    encoding.writeFaultDetail(out, op("divide"), new DivideByZero(42));

    assertThat(encoding.readFaultDetail(input(out), op("divide"))).isEqualTo(new DivideByZero(42));
  }

  @Test
  void aDetailOfAnotherOperationIsReadAsNoTypedDetail() {
    W out = output();
    encoding.writeFaultDetail(out, op("divide"), new DivideByZero(42));

    assertThat(encoding.readFaultDetail(input(out), op("explode"))).isNull();
  }

  @Test
  void writingADetailTheOperationDoesNotDeclareFailsNamingIt() {
    assertThatThrownBy(() -> encoding.writeFaultDetail(output(), op("explode"), new DivideByZero(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explode").hasMessageContaining(DivideByZero.class.getName());
  }

  @Test
  void aMessageRecordsRequestIsReadAsTheParametersItStandsForAndBack() {
    Encoding<W, R> plain = factory().create(PLAIN);
    Encoding<W, R> messages = factory().create(MESSAGES);
    W out = output();
    messages.writeArguments(out, MESSAGES.operation("add"), new Object[] {new AddRequest(2, 3)});
    assertThat(plain.readArguments(input(out), PLAIN.operation("add"))).containsExactly(2, 3);

    W back = output();
    plain.writeArguments(back, PLAIN.operation("note"), new Object[] {"sku-1", Optional.of("damaged")});
    assertThat(messages.readArguments(input(back), MESSAGES.operation("note")))
        .containsExactly(new NoteRequest("sku-1", Optional.of("damaged")));
  }

  @Test
  void aReplyRecordOfOnePartIsReadAsTheResultItStandsForAndBack() {
    Encoding<W, R> plain = factory().create(PLAIN);
    Encoding<W, R> messages = factory().create(MESSAGES);
    W out = output();
    messages.writeResult(out, MESSAGES.operation("add"), new AddResponse(5));
    assertThat(plain.readResult(input(out), PLAIN.operation("add"))).isEqualTo(5);

    W back = output();
    plain.writeResult(back, PLAIN.operation("add"), 7);
    assertThat(messages.readResult(input(back), MESSAGES.operation("add"))).isEqualTo(new AddResponse(7));
  }

  @Test
  void aReplyOfSeveralPartsIsReadBackAsItsRecord() {
    Encoding<W, R> messages = factory().create(MESSAGES);
    TryReserveResponse reply = new TryReserveResponse(true, 4, Optional.of("north"), List.of("split", "late"));
    TryReserveResponse empty = new TryReserveResponse(false, 0, Optional.empty(), List.of());
    for (TryReserveResponse r : List.of(reply, empty)) {
      W out = output();
      messages.writeResult(out, MESSAGES.operation("tryReserve"), r);
      assertThat(messages.readResult(input(out), MESSAGES.operation("tryReserve"))).isEqualTo(r);
    }
  }

  @Test
  void aNullMessageRecordIsRefusedNamingItsType() {
    Encoding<W, R> messages = factory().create(MESSAGES);
    assertThatThrownBy(() -> messages.writeArguments(output(), MESSAGES.operation("add"), new Object[] {null}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AddRequest");
  }

  private static final ContractDescription BASKET = ContractDescription.of(RepeatedLists.Basket.class);

  @Test
  void listsSentAsRepeatedElementsAreReadBackAsWrittenAmongOtherParts() {
    Encoding<W, R> basket = factory().create(BASKET);
    Item nested = new Item("sku-1", List.of("red", "big"), 2,
        List.of(new Item("sku-1a", List.of(), 1, List.of()), new Item("sku-1b", List.of("x"), 3, List.of())));
    Item bare = new Item("sku-2", List.of(), 0, List.of());
    W out = output();
    basket.writeArguments(out, BASKET.operation("fill"), new Object[] {List.of("a", "b", "c"), 3, List.of(1, 2)});
    assertThat(basket.readArguments(input(out), BASKET.operation("fill")))
        .containsExactly(List.of("a", "b", "c"), 3, List.of(1, 2));

    W empty = output();
    basket.writeArguments(empty, BASKET.operation("fill"), new Object[] {List.of(), 0, List.of()});
    assertThat(basket.readArguments(input(empty), BASKET.operation("fill"))).containsExactly(List.of(), 0, List.of());

    W result = output();
    basket.writeResult(result, BASKET.operation("fill"), List.of(nested, bare));
    assertThat(basket.readResult(input(result), BASKET.operation("fill"))).isEqualTo(List.of(nested, bare));

    Split split = new Split(List.of(bare, nested), 2, List.of("sku-9"));
    W reply = output();
    basket.writeResult(reply, BASKET.operation("split"), split);
    assertThat(basket.readResult(input(reply), BASKET.operation("split"))).isEqualTo(split);

    W arrays = output();
    basket.writeArguments(arrays, BASKET.operation("tags"), new Object[] {new int[] {4, 5}, new String[] {"a", null}});
    assertThat(basket.readArguments(input(arrays), BASKET.operation("tags"))).usingRecursiveComparison()
        .withStrictTypeChecking().isEqualTo(new Object[] {new int[] {4, 5}, new String[] {"a", null}});
    W noTags = output();
    basket.writeResult(noTags, BASKET.operation("tags"), new String[0]);
    assertThat((String[]) basket.readResult(input(noTags), BASKET.operation("tags"))).isEmpty();
  }

  @Test
  void arraysOfStringsNumbersRecordsAndArraysEmptyAndNullAreReadBackAsWritten() {
    Encoding<W, R> arrays = factory().create(ARRAYS);
    AsArrays.Shelf empty = new AsArrays.Shelf("empty", new String[0], new int[0], new Line[0], new int[0][]);
    AsArrays.Shelf nulls = new AsArrays.Shelf(null, null, null, null, new int[][] {null, {3}});
    for (AsArrays.Shelf shelf : List.of(arrayShelf(), empty, nulls)) {
      W out = output();
      arrays.writeArguments(out, ARRAYS.operation("echo"), new Object[] {shelf});

      Object read = arrays.readArguments(input(out), ARRAYS.operation("echo"))[0];

      assertThat(read).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(shelf);
    }
  }

  @Test
  void anArrayIsReadAsTheListOfItsItemsAndAListAsTheArray() {
    Encoding<W, R> arrays = factory().create(ARRAYS);
    Encoding<W, R> lists = factory().create(LISTS);
    W out = output();
    arrays.writeArguments(out, ARRAYS.operation("echo"), new Object[] {arrayShelf()});
    assertThat(lists.readArguments(input(out), LISTS.operation("echo"))).containsExactly(listShelf());

    W back = output();
    lists.writeResult(back, LISTS.operation("echo"), listShelf());
    assertThat(arrays.readResult(input(back), ARRAYS.operation("echo")))
        .usingRecursiveComparison().withStrictTypeChecking().isEqualTo(arrayShelf());

    W lines = output();
    lists.writeArguments(lines, LISTS.operation("skus"), new Object[] {List.of(SIZED, UNSIZED)});
    assertThat((Line[]) arrays.readArguments(input(lines), ARRAYS.operation("skus"))[0]).containsExactly(SIZED, UNSIZED);

    W skus = output();
    arrays.writeResult(skus, ARRAYS.operation("skus"), new String[] {"sku-1", null});
    assertThat(lists.readResult(input(skus), LISTS.operation("skus"))).isEqualTo(Arrays.asList("sku-1", null));
  }

  @Test
  void aNullItemThatAnArrayOfPrimitivesCannotHoldIsRefusedNamingItsPlace() {
    Encoding<W, R> arrays = factory().create(ARRAYS);
    Encoding<W, R> lists = factory().create(LISTS);
    W out = output();
    lists.writeArguments(out, LISTS.operation("echo"), new Object[] {
        new AsLists.Shelf("holes", List.of(), Arrays.asList(1, null), List.of(), List.of())});

    assertThatThrownBy(() -> arrays.readArguments(input(out), ARRAYS.operation("echo")))
        .hasMessageContaining("item 1 of int[] is null (expected: a value: int[] holds no null)");
  }
}
