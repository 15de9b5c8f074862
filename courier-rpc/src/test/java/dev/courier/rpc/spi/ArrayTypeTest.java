package dev.courier.rpc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayTypeTest {
  /** A component of a generic array type. */
  record Groups(List<String>[] groups) {}

  @Test
  void anArrayIsTheTypeOfItsItemsButByteArraysStayBinary() throws Exception {
    var generic = Groups.class.getRecordComponents()[0].getGenericType();

    assertThat(ArrayType.of(int[][].class).map(ArrayType::itemType)).contains(int[].class);
    assertThat(ArrayType.of(byte[][].class).map(ArrayType::itemType)).contains(byte[].class);
    assertThat(ArrayType.of(generic).map(ArrayType::itemType).map(Object::toString))
        .contains("java.util.List<java.lang.String>");
    assertThat(ArrayType.of(byte[].class)).isEmpty();
    assertThat(ArrayType.of(String.class)).isEmpty();
  }

  @Test
  void itemsAreReadThroughAndAnArrayIsBuiltOfTheItemsClass() {
    ArrayType counts = ArrayType.of(int[].class).orElseThrow();
    ArrayType groups = ArrayType.of(Groups.class.getRecordComponents()[0].getGenericType()).orElseThrow();

    assertThat(counts.items(new int[] {1, 2})).isEqualTo(List.of(1, 2));
    assertThat((int[]) counts.array(List.of(3, 4))).containsExactly(3, 4);
    assertThat(groups.array(Arrays.asList(List.of("a"), null))).isInstanceOf(List[].class);
    assertThat(groups.itemsMayBeNull()).isTrue();
    assertThat(counts.itemsMayBeNull()).isFalse();
  }

  @Test
  void aNullItemOfAPrimitiveArrayIsRefusedNamingItsIndex() {
    ArrayType counts = ArrayType.of(int[].class).orElseThrow();

    assertThatThrownBy(() -> counts.array(Arrays.asList(1, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item 1 of int[] is null (expected: a value: int[] holds no null)");
  }
}
