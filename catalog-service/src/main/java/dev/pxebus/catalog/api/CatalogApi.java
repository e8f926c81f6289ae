package dev.pxebus.catalog.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pxebus.catalog.blob.BlobRoutes;
import dev.pxebus.catalog.blob.BlobStore;
import dev.pxebus.catalog.spec.ArtifactSpec;
import dev.pxebus.catalog.spec.CatalogSpec;
import dev.pxebus.catalog.spec.Change;
import dev.pxebus.catalog.spec.EntityKind;
import dev.pxebus.catalog.spec.ErrorCode;
import dev.pxebus.catalog.spec.ImageSpec;
import dev.pxebus.catalog.spec.ValidationError;
import dev.pxebus.catalog.spec.ValidationException;
import dev.pxebus.catalog.store.CatalogStore;
import dev.pxebus.catalog.store.Entry;
import dev.pxebus.catalog.store.Precondition;
import dev.pxebus.catalog.store.Snapshot;
import dev.pxebus.catalog.store.WriteRefused;
import dev.pxebus.events.Mac;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's REST API: routes made from the OpenAPI contract ({@value #CONTRACT}, served at
 * {@code /openapi.yaml}) with request validation by vertx-web-openapi-router, in this order:
 *
 * <ol>
 *   <li>{@link BearerAuth} (everything but {@code /openapi.yaml});
 *   <li>the blob routes ({@link BlobRoutes}: streamed, so before any body handler);
 *   <li>the contract's routes: a {@link BodyHandler} capped at the body limit (413 beyond), a strict JSON parse
 *       (duplicate keys and malformed JSON → 400), the contract's validation (→ 400 with each schema error), then
 *       the handlers here, which parse documents into specs (→ 400 with each field error), check artifacts
 *       against the blob store (→ 422 {@code unknown-blob}) and write through {@link CatalogStore};
 *   <li>problem+json answers for 404, 405 and 500 (no stack trace leaves the service).
 * </ol>
 *
 * Response documents are the entity's document (what a client writes) plus {@code revision} and {@code updated},
 * read-only fields the API ignores in request bodies, so that GET → edit → PUT round-trips. {@code ETag} is
 * {@code "<revision>"}.
 */
public final class CatalogApi {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogApi.class);
  public static final String CONTRACT = "openapi/catalog.yaml";
  /** Fields of response documents that requests may carry and that are ignored. */
  static final Set<String> READ_ONLY_FIELDS = Set.of("revision", "updated", "status");
  private static final String JSON_KEY = "pxebus.json";

  /** Limits of the API. */
  public record Options(long maxBodyBytes, long maxUploadBytes, Duration collectGrace) {}

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  static {
    STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
  }

  private final Vertx vertx;
  private final CatalogStore store;
  private final BlobStore blobs;
  private final MachineView machines;
  private final Options options;

  private CatalogApi(Vertx vertx, CatalogStore store, BlobStore blobs, MachineView machines, Options options) {
    this.vertx = vertx;
    this.store = store;
    this.blobs = blobs;
    this.machines = machines;
    this.options = options;
  }

  /** The API's router. */
  public static Future<Router> router(Vertx vertx, CatalogStore store, BlobStore blobs, MachineView machines,
      BearerAuth auth, Options options) {
    String yaml;
    try (InputStream in = CatalogApi.class.getClassLoader().getResourceAsStream(CONTRACT)) {
      if (in == null) return Future.failedFuture(new IllegalStateException(CONTRACT + " is not on the class path"));
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    CatalogApi api = new CatalogApi(vertx, store, blobs, machines, options);
    JsonObject forRouter;
    try {
      forRouter = routerCopy(yaml);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalStateException(CONTRACT + " is not valid YAML: " + e.getMessage(), e));
    }
    return OpenAPIContract.from(vertx, forRouter).map(contract -> api.build(contract, auth, yaml));
  }

  /**
   * The contract as the router is given it. vertx-openapi 5.0.10 refuses a contract naming a media type outside
   * its fixed list, and the list lacks {@code application/problem+json} (RFC 9457) and {@code application/yaml}
   * (RFC 9512). Only requests are validated, never responses, so the router's copy names them as the JSON and
   * text types it knows; clients read the real contract, served as written.
   */
  static JsonObject routerCopy(String yaml) {
    Object tree = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
        new org.yaml.snakeyaml.LoaderOptions())).load(yaml);
    @SuppressWarnings("unchecked")
    JsonObject json = new JsonObject((Map<String, Object>) tree);
    return (JsonObject) renameMediaTypes(new JsonObject(json.encode()));
  }

  private static Object renameMediaTypes(Object node) {
    if (node instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (String k : o.fieldNames()) {
        Object v = renameMediaTypes(o.getValue(k));
        String key = switch (k) {
          case Problems.MEDIA_TYPE -> "application/json";
          case "application/yaml" -> "text/plain";
          default -> k;
        };
        out.put(key, v);
      }
      return out;
    }
    if (node instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(renameMediaTypes(v)));
      return out;
    }
    return node;
  }

  private Router build(OpenAPIContract contract, BearerAuth auth, String yaml) {
    Router root = Router.router(vertx);
    root.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8").end(yaml));
    root.route().handler(auth);
    new BlobRoutes(vertx, blobs, options.maxUploadBytes()).mount(root, BlobRoutes.OPEN);

    RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    rb.rootHandler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    rb.rootHandler(CatalogApi::strictJson);
    for (EntityKind kind : EntityKind.values()) {
      String one = capital(kind.noun());
      on(rb, "list" + one + "s", ctx -> list(ctx, kind));
      on(rb, "create" + one, ctx -> write(ctx, kind, null));
      on(rb, "get" + one, ctx -> get(ctx, kind));
      on(rb, "put" + one, ctx -> write(ctx, kind, key(ctx, kind)));
      on(rb, "delete" + one, ctx -> delete(ctx, kind));
    }
    on(rb, "getTimeline", this::timeline);
    on(rb, "listBlobs", this::listBlobs);
    on(rb, "collectBlobs", this::collect);
    // Served above, before any body handler: the contract documents them, these routes are never reached.
    for (String op : List.of("getContract", "uploadBlob", "getBlob", "headBlob", "putBlob")) {
      rb.getRoute(op).setDoValidation(false).addHandler(ctx -> ctx.fail(500,
          new IllegalStateException(op + " reached the contract router")));
    }
    // Authorisation is BearerAuth's, in front of the blob routes too; the contract's security scheme documents it.
    rb.getRoutes().forEach(r -> r.setDoSecurity(false));
    Router api = rb.createRouter();
    root.route("/*").subRouter(api);
    root.route().failureHandler(CatalogApi::failure);
    root.errorHandler(404, ctx -> Problems.send(ctx.response(), 404, "no-route", "Not Found",
        "no endpoint " + ctx.request().path() + ": see /openapi.yaml"));
    root.errorHandler(405, ctx -> Problems.send(ctx.response(), 405, "method-not-allowed", "Method Not Allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    root.errorHandler(500, CatalogApi::failure);
    return root;
  }

  private static void on(RouterBuilder rb, String operationId, Handler<RoutingContext> handler) {
    OpenAPIRoute r = rb.getRoute(operationId);
    if (r == null) throw new IllegalStateException("the contract has no operation " + operationId);
    r.addHandler(ctx -> {
      try {
        handler.handle(ctx);
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    });
    r.addFailureHandler(CatalogApi::failure);
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  // ------------------------------------------------------------------------------------------------ reads

  private boolean loaded(RoutingContext ctx) {
    if (store.isReady()) return true;
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    Problems.send(ctx.response(), 503, "unavailable", "Service Unavailable",
        "the catalog is still being read from Kafka: try again shortly");
    return false;
  }

  private void list(RoutingContext ctx, EntityKind kind) {
    if (!loaded(ctx)) return;
    Map<String, List<String>> q = new LinkedHashMap<>();
    for (String name : ctx.queryParams().names()) q.put(name, ctx.queryParams().getAll(name));
    Listing.Page page = Listing.page(kind, store.snapshot().list(kind), q);
    JsonArray items = new JsonArray();
    page.items().forEach(e -> items.add(document(e)));
    json(ctx.response(), 200, new JsonObject().put("items", items).put("count", page.items().size())
        .put("total", page.total()).put("next", page.next()));
  }

  private void get(RoutingContext ctx, EntityKind kind) {
    if (!loaded(ctx)) return;
    String key = key(ctx, kind);
    Optional<Entry> e = store.snapshot().get(kind, key);
    if (e.isEmpty()) {
      String seen = kind == EntityKind.HOST ? machines.status(key)
          .map(s -> "; the machine was last seen " + s.getString("lastSeen") + ", see /hosts/" + key + "/timeline")
          .orElse("") : "";
      Problems.send(ctx.response(), 404, "not-found", "Not Found", "no " + kind.noun() + " " + key + seen);
      return;
    }
    String inm = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (inm != null && (inm.trim().equals("*") || List.of(inm.split(",")).stream().map(String::trim)
        .map(t -> t.startsWith("W/") ? t.substring(2) : t).anyMatch(e.get().etag()::equals))) {
      ctx.response().setStatusCode(304).putHeader(HttpHeaders.ETAG, e.get().etag()).end();
      return;
    }
    JsonObject doc = document(e.get());
    if (kind == EntityKind.HOST) doc.put("status", machines.status(key).orElse(null));
    ctx.response().putHeader(HttpHeaders.ETAG, e.get().etag());
    json(ctx.response(), 200, doc);
  }

  private void timeline(RoutingContext ctx) {
    String mac = key(ctx, EntityKind.HOST);
    String l = ctx.queryParams().get("limit");
    int limit = l == null ? 10 : Integer.parseInt(l);
    json(ctx.response(), 200, machines.timeline(mac, limit)
        .orElseGet(() -> new JsonObject().put("mac", mac).put("attempts", new JsonArray())));
  }

  static JsonObject document(Entry e) {
    JsonObject o = new JsonObject(e.spec().toJson().toString());
    o.put("revision", e.revision());
    o.put("updated", e.updated().toString());
    return o;
  }

  // ------------------------------------------------------------------------------------------------ writes

  /** The path's key as the catalog holds it; a host's must be a MAC. */
  private static String key(RoutingContext ctx, EntityKind kind) {
    String raw = ctx.pathParam(kind.keyField());
    if (kind == EntityKind.HOST && !Mac.isValid(raw)) {
      throw new ValidationException(List.of(ValidationError.of("mac", ErrorCode.INVALID_MAC,
          "'" + raw + "' is not a MAC address such as 52:54:00:12:34:56")));
    }
    return kind.normaliseKey(raw);
  }

  private void write(RoutingContext ctx, EntityKind kind, String pathKey) {
    if (!loaded(ctx)) return;
    Precondition pre = pathKey == null ? Precondition.CREATE
        : Precondition.of(ctx.request().getHeader(HttpHeaders.IF_MATCH), ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH));
    JsonNode body = ctx.get(JSON_KEY);
    if (!(body instanceof ObjectNode doc)) {
      throw new ValidationException(List.of(ValidationError.of("", ErrorCode.WRONG_TYPE,
          "the body must be a JSON object (a " + kind.noun() + " document)")));
    }
    ObjectNode clean = doc.deepCopy();
    READ_ONLY_FIELDS.forEach(clean::remove);
    CatalogSpec spec = kind.parse(clean);
    if (pathKey != null && !spec.key().equals(pathKey)) {
      throw new ValidationException(List.of(new ValidationError(kind.keyField(), "path-mismatch", "the document's "
          + kind.keyField() + " " + spec.key() + " is not the " + kind.noun() + " of the path, " + pathKey)));
    }
    Future<Void> checked = spec instanceof ImageSpec image ? checkArtifacts(image) : Future.succeededFuture();
    checked.compose(v -> store.write(Change.put(spec), pre)).onSuccess(r -> {
      HttpServerResponse res = ctx.response();
      res.putHeader(HttpHeaders.ETAG, r.entry().etag());
      if (r.created()) res.putHeader(HttpHeaders.LOCATION, "/" + kind.noun() + "s/" + spec.key());
      json(res, r.created() ? 201 : 200, document(r.entry()));
    }).onFailure(e -> fail(ctx, e));
  }

  private Future<Void> checkArtifacts(ImageSpec image) {
    List<ArtifactSpec> files = new ArrayList<>();
    files.add(image.kernel());
    files.addAll(image.initrds());
    return vertx.executeBlocking(() -> {
      List<ValidationError> errors = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        ArtifactSpec a = files.get(i);
        String field = i == 0 ? "kernel" : "initrds[" + (i - 1) + "]";
        if (!blobs.exists(a.sha256())) {
          errors.add(ValidationError.of(field + ".sha256", ErrorCode.UNKNOWN_BLOB, "no blob " + a.sha256()
              + " is stored for " + a.name() + ": upload it first (POST /blobs)"));
        } else if (blobs.size(a.sha256()) != a.size()) {
          errors.add(ValidationError.of(field + ".size", ErrorCode.UNKNOWN_BLOB, "blob " + a.sha256() + " has "
              + blobs.size(a.sha256()) + " bytes, not " + a.size()));
        }
      }
      if (!errors.isEmpty()) {
        throw new WriteRefused(WriteRefused.Reason.UNPROCESSABLE, errors.size() == 1 ? errors.get(0).message()
            : errors.size() + " artifacts are not in the blob store", errors);
      }
      return null;
    });
  }

  private void delete(RoutingContext ctx, EntityKind kind) {
    if (!loaded(ctx)) return;
    String key = key(ctx, kind);
    Precondition pre = Precondition.of(ctx.request().getHeader(HttpHeaders.IF_MATCH), null);
    store.write(Change.delete(kind, key), pre)
        .onSuccess(r -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> fail(ctx, e));
  }

  // ------------------------------------------------------------------------------------------------ blobs

  private static Set<String> referenced(Snapshot s) {
    Set<String> refs = new HashSet<>();
    for (ImageSpec i : s.state().images().values()) {
      refs.add(i.kernel().sha256());
      i.initrds().forEach(a -> refs.add(a.sha256()));
    }
    return refs;
  }

  private void listBlobs(RoutingContext ctx) {
    if (!loaded(ctx)) return;
    Set<String> refs = referenced(store.snapshot());
    vertx.executeBlocking(() -> {
      List<dev.pxebus.catalog.blob.Blob> l = new ArrayList<>(blobs.list());
      l.sort(java.util.Comparator.comparing(dev.pxebus.catalog.blob.Blob::sha256)); // like every list: by key
      return l;
    }).onSuccess(list -> {
      JsonArray items = new JsonArray();
      long bytes = 0;
      for (var b : list) {
        items.add(new JsonObject().put("sha256", b.sha256()).put("size", b.size()).put("referenced",
            refs.contains(b.sha256())));
        bytes += b.size();
      }
      json(ctx.response(), 200, new JsonObject().put("items", items).put("count", list.size()).put("bytes", bytes));
    }).onFailure(e -> fail(ctx, e));
  }

  private void collect(RoutingContext ctx) {
    if (!loaded(ctx)) return;
    collect(vertx, store, blobs, options.collectGrace()).onSuccess(c -> json(ctx.response(), 200,
        new JsonObject().put("blobs", c.blobs().size()).put("bytes", c.bytes()).put("staleTemps", c.staleTemps())))
        .onFailure(e -> fail(ctx, e));
  }

  /**
   * Removes blobs no image of the loaded catalog references (older than {@code grace}). Never before the catalog is
   * loaded: a partial catalog would make referenced blobs look unreferenced.
   */
  public static Future<dev.pxebus.catalog.blob.Collected> collect(Vertx vertx, CatalogStore store, BlobStore blobs,
      Duration grace) {
    if (!store.isReady()) return Future.failedFuture(new WriteRefused(WriteRefused.Reason.UNAVAILABLE,
        "the catalog is not loaded yet: blobs are collected only against the whole catalog"));
    Set<String> refs = referenced(store.snapshot());
    return vertx.executeBlocking(() -> blobs.collect(refs, grace));
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private static void json(HttpServerResponse res, int status, JsonObject body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(body.encode());
  }

  /** Root handler: the body, when there is one, parsed strictly; kept for the handlers. */
  private static void strictJson(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b == null || b.length() == 0) {
      ctx.next();
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      Problems.send(ctx.response(), 415, "unsupported-media-type", "Unsupported Media Type",
          "the body must be application/json, not " + (type == null ? "untyped" : type));
      return;
    }
    try {
      ctx.put(JSON_KEY, STRICT.readTree(b.getBytes()));
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      Problems.send(ctx.response(), 400, "malformed-json", "Malformed JSON", e.getOriginalMessage()
          + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
      return;
    } catch (IOException e) {
      Problems.send(ctx.response(), 400, "malformed-json", "Malformed JSON", e.getMessage());
      return;
    }
    ctx.next();
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof WriteRefused w) {
      if (w.reason().status() == 503) ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      Problems.send(ctx.response(), w.reason().status(), w.reason().code(), title(w.reason().status()),
          w.getMessage(), w.errors());
    } else if (e instanceof ValidationException v) {
      Problems.send(ctx.response(), 400, "invalid", "Invalid Request",
          v.errors().size() == 1 ? v.errors().get(0).message() : v.errors().size() + " errors: "
              + v.errors().get(0).message() + "; …", v.errors());
    } else if (e instanceof IllegalArgumentException) {
      Problems.send(ctx.response(), 400, "invalid", "Invalid Request", e.getMessage());
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
      Problems.send(ctx.response(), 500, "internal", "Internal Server Error",
          "the request failed inside catalog-service (" + e.getClass().getSimpleName() + "); see its log");
    }
  }

  private static void failure(RoutingContext ctx) {
    Throwable e = ctx.failure();
    int status = ctx.statusCode();
    if (e instanceof io.vertx.ext.web.handler.HttpException h) {
      status = h.getStatusCode();
      e = h.getCause();
    }
    if (e instanceof SchemaValidationException s) {
      List<ValidationError> errors = schemaErrors(s.getOutputUnit());
      Problems.send(ctx.response(), 400, "invalid", "Invalid Request", errors.isEmpty() ? s.getMessage()
          : errors.size() == 1 ? errors.get(0).message() : errors.size() + " errors: " + errors.get(0).message()
          + "; …", errors);
    } else if (e instanceof ValidatorException v) {
      boolean media = v.getMessage() != null && v.getMessage().toLowerCase(Locale.ROOT).contains("content type");
      Problems.send(ctx.response(), media ? 415 : 400, media ? "unsupported-media-type" : "invalid",
          media ? "Unsupported Media Type" : "Invalid Request", v.getMessage());
    } else if (status == 413) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      Problems.send(ctx.response(), 413, "too-large", "Content Too Large", "the body is larger than the "
          + "limit for JSON documents (catalog.max-body-kib); artifacts go to /blobs");
    } else if (e != null && !(status >= 400 && status < 500)) {
      fail(ctx, e);
    } else if (status >= 400 && status < 500) {
      Problems.send(ctx.response(), status, status == 400 ? "invalid" : "http-" + status, title(status),
          e == null ? null : e.getMessage());
    } else {
      Problems.send(ctx.response(), 500, "internal", "Internal Server Error", "see the catalog-service log");
    }
  }

  /**
   * The contract's schema errors as field errors ({@code /kernel/sha256} → {@code kernel.sha256}), only the ones
   * that say something: the validator also reports every enclosing {@code properties}/{@code $ref} as failing, and
   * a known property that fails its schema once more as not matching {@code additionalProperties}.
   */
  static List<ValidationError> schemaErrors(OutputUnit unit) {
    List<ValidationError> leaves = new ArrayList<>();
    collectErrors(unit, leaves);
    List<ValidationError> out = new ArrayList<>();
    for (ValidationError e : leaves) {
      if (e.code().equals("schema-properties") || e.code().equals("schema-$ref") || e.code().equals("schema-items")
          || e.code().startsWith("schema-allOf") || e.code().startsWith("schema-anyOf")) {
        continue;
      }
      if (e.code().equals(ErrorCode.UNKNOWN_FIELD.code()) && leaves.stream().anyMatch(o -> o != e
          && !o.code().equals(ErrorCode.UNKNOWN_FIELD.code()) && !o.code().startsWith("schema-")
          && (o.field().equals(e.field()) || o.field().startsWith(e.field() + ".") || o.field().startsWith(e.field() + "[")))) {
        continue;
      }
      if (e.code().equals(ErrorCode.UNKNOWN_FIELD.code()) && leaves.stream().anyMatch(o -> o != e
          && o.code().equals(ErrorCode.UNKNOWN_FIELD.code()) && o.field().startsWith(e.field() + "."))) {
        continue; // the real unknown field is deeper
      }
      if (out.stream().noneMatch(o -> o.field().equals(e.field()) && o.code().equals(e.code()))) out.add(e);
    }
    return out.isEmpty() ? leaves : out;
  }

  private static final java.util.regex.Pattern REQUIRED = java.util.regex.Pattern.compile("required property \"([^\"]+)\"");

  private static void collectErrors(OutputUnit u, List<ValidationError> out) {
    if (u == null || out.size() >= 50) return;
    if (u.getErrors() != null && !u.getErrors().isEmpty()) {
      for (OutputUnit c : u.getErrors()) collectErrors(c, out);
      return;
    }
    if (u.getError() == null) return;
    String field = field(u.getInstanceLocation());
    String code = code(u.getKeywordLocation());
    if (code.equals(ErrorCode.REQUIRED.code())) {
      var m = REQUIRED.matcher(u.getError());
      if (m.find()) field = field.isEmpty() ? m.group(1) : field + "." + m.group(1);
    }
    out.add(new ValidationError(field, code, u.getError()));
  }

  private static String field(String pointer) {
    if (pointer == null) return "";
    String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    StringBuilder sb = new StringBuilder();
    for (String part : p.split("/")) {
      if (part.isEmpty()) continue;
      String seg = part.replace("~1", "/").replace("~0", "~");
      if (seg.chars().allMatch(Character::isDigit)) sb.append('[').append(seg).append(']');
      else sb.append(sb.length() == 0 ? "" : ".").append(seg);
    }
    return sb.toString();
  }

  private static String code(String keywordLocation) {
    String k = keywordLocation == null ? "" : keywordLocation.substring(keywordLocation.lastIndexOf('/') + 1);
    return switch (k) {
      case "required" -> ErrorCode.REQUIRED.code();
      case "type" -> ErrorCode.WRONG_TYPE.code();
      case "additionalProperties", "unevaluatedProperties", "false" -> ErrorCode.UNKNOWN_FIELD.code();
      case "maxLength" -> ErrorCode.TOO_LONG.code();
      case "maxItems", "maxProperties" -> ErrorCode.TOO_MANY.code();
      default -> "schema-" + (k.isEmpty() ? "invalid" : k);
    };
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Invalid Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 503 -> "Service Unavailable";
      default -> "HTTP " + status;
    };
  }
}
