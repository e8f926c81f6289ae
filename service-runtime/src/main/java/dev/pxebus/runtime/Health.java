package dev.pxebus.runtime;

import java.util.Map;

/** The answer of one health check: UP or DOWN, plus details shown on /health. */
public record Health(boolean up, Map<String, Object> details) {
  public Health {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static Health up(Map<String, Object> details) {
    return new Health(true, details);
  }

  public static Health down(Map<String, Object> details) {
    return new Health(false, details);
  }
}
