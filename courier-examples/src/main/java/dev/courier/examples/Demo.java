package dev.courier.examples;

public final class Demo {
  public static void main(String[] args) {
    IO.println("java " + Runtime.version());
  }
}
