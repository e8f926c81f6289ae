package dev.pxebus.catalog.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects every error of one document or change, then throws them together. Not thread-safe; one per call. */
final class Errors {
  private final List<ValidationError> errors = new ArrayList<>();
  private int omitted;

  void add(String field, ErrorCode code, String message) {
    add(ValidationError.of(field, code, message));
  }

  void add(ValidationError error) {
    if (errors.size() >= Limits.ERRORS_MAX) omitted++;
    else errors.add(error);
  }

  void required(String field) {
    add(field, ErrorCode.REQUIRED, Text.name(field) + " is required");
  }

  /** The errors of a nested document, seen from here. */
  void addAll(String prefix, ValidationException e) {
    for (ValidationError error : e.errors()) add(error.under(prefix));
    omitted += e.omitted();
  }

  boolean isEmpty() {
    return errors.isEmpty() && omitted == 0;
  }

  /** Some error is already reported at {@code path}, inside it, or at a field that encloses it. */
  boolean covers(String path) {
    for (ValidationError error : errors) {
      if (FieldPath.within(error.field(), path) || FieldPath.within(path, error.field())) return true;
    }
    return false;
  }

  List<ValidationError> list() {
    return List.copyOf(errors);
  }

  void throwIfAny() {
    if (!isEmpty()) throw new ValidationException(errors, omitted);
  }

  /**
   * Builds a record whose constructor validates, after a parser collected the JSON-shape errors: the constructor's
   * own errors join those, except where a field already has one (a field of the wrong type reached the constructor
   * as null and must not be reported "required" as well).
   */
  <T> T build(Supplier<T> constructor) {
    T built;
    try {
      built = constructor.get();
    } catch (ValidationException e) {
      List<ValidationError> fresh = e.errors().stream().filter(error -> !covers(error.field())).toList();
      fresh.forEach(this::add);
      omitted += e.omitted();
      throwIfAny();
      throw e; // unreachable: the constructor reported at least one error
    }
    throwIfAny();
    return built;
  }
}
