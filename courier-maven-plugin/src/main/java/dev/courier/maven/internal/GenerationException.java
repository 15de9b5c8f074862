package dev.courier.maven.internal;

/** A generation that cannot go on, with a message for the build's user that names the culprit. */
public final class GenerationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure with {@code message}, which names the WSDL or parameter at fault and what was expected. */
  public GenerationException(String message) {
    super(message);
  }

  /** A failure with {@code message}, caused by {@code cause}. */
  public GenerationException(String message, Throwable cause) {
    super(message, cause);
  }
}
