package dev.pxebus.catalog.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A catalog document or change was refused: every error found, not just the first (at most
 * {@link Limits#ERRORS_MAX}; {@link #omitted()} counts the rest). The one exception type the model throws for bad
 * input, whatever the input.
 */
public final class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<ValidationError> errors;
  private final int omitted;

  public ValidationException(List<ValidationError> errors) {
    this(errors, 0);
  }

  public ValidationException(List<ValidationError> errors, int omitted) {
    super(summary(errors, omitted), null, false, false);
    if (errors == null || errors.isEmpty()) throw new IllegalArgumentException("a ValidationException needs an error");
    this.errors = List.copyOf(errors);
    this.omitted = Math.max(0, omitted);
  }

  public static ValidationException of(String field, ErrorCode code, String message) {
    return new ValidationException(List.of(ValidationError.of(field, code, message)));
  }

  public List<ValidationError> errors() {
    return errors;
  }

  /** Errors found beyond the {@link Limits#ERRORS_MAX} reported. */
  public int omitted() {
    return omitted;
  }

  private static String summary(List<ValidationError> errors, int omitted) {
    if (errors == null || errors.isEmpty()) return "invalid";
    String head = errors.size() + omitted == 1 ? "1 error: " : (errors.size() + omitted) + " errors: ";
    return head + errors.stream().limit(5).map(ValidationError::toString).collect(Collectors.joining("; "))
        + (errors.size() > 5 || omitted > 0 ? "; …" : "");
  }
}
