package dev.pxebus.catalog;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking GETs against an admin server, for tests (never called on an event loop). */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Response(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** One check of a /health document. */
    JsonObject check(String name) {
      JsonObject c = json().getJsonObject("checks").getJsonObject(name);
      if (c == null) throw new AssertionError("no check '" + name + "' in " + body);
      return c;
    }
  }

  private Http() {}

  static Response get(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: GET " + url, e);
    }
  }
}
