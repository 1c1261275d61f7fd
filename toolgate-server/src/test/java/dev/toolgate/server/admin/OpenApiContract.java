package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code docs/openapi.json} as the tests hold real answers against it, read from where the build
 * puts it in the jar ({@value OpenApiEndpoint#RESOURCE}).
 *
 * <p>{@link #check(HttpResponse)} finds the documented operation of the request (method and path,
 * a literal segment preferred over a template), and asserts that the status is documented for it,
 * the content type is one it documents (no body where it documents none), the body validates
 * against the schema given for that status and type (OpenAPI 3.1 dialect, formats asserted), and
 * every header it marks required is there and matches its schema. Adding a case is one line:
 * {@code contract.check(api.call("GET", "/admin/users/" + id, null))}.
 */
public final class OpenApiContract {
  /** The id the document is known by to the validator ({@code $ref}s resolve against it). */
  static final String BASE = "https://toolgate.dev/openapi.json";
  private static final JsonMapper JSON = new JsonMapper();
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  /** Path items whose last parameter takes the rest of the path, slashes included. */
  static final String REST_OF_PATH = "x-toolgate-rest-of-path";
  /** On a JSON-lines media type: the schema of each line. */
  static final String LINE_SCHEMA = "x-toolgate-line-schema";
  private static final OpenApiContract DOCUMENT = new OpenApiContract(text());

  /** One operation: {@code method} upper case, {@code path} the template as documented. */
  public record Operation(String method, String path, JsonNode node) {
    public String pointer() {
      return "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private final String text;
  private final JsonNode root;
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OpenApiContract(String text) {
    this.text = text;
    this.root = JSON.readTree(text);
    this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b
        .schemas(Map.of(BASE, text))
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  public static OpenApiContract document() {
    return DOCUMENT;
  }

  /** The document's bytes as shipped in the jar. */
  public static String text() {
    try (InputStream in = OpenApiContract.class.getResourceAsStream(OpenApiEndpoint.RESOURCE)) {
      assertThat(in).as("the build copies docs/openapi.json to " + OpenApiEndpoint.RESOURCE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode root() {
    return root;
  }

  public String rawText() {
    return text;
  }

  public List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : root.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          out.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
        }
      }
    }
    return out;
  }

  public boolean restOfPath(String template) {
    return root.get("paths").get(template).path(REST_OF_PATH).asBoolean(false);
  }

  /** The operation a real request ({@code /admin/users/usr_1?x=1}) is an instance of. */
  public Optional<Operation> find(String method, String rawPath) {
    String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
    Operation best = null;
    int bestLiterals = -1;
    for (Operation op : operations()) {
      if (!op.method().equals(method)) {
        continue;
      }
      int literals = literalsMatched(op.path(), path, restOfPath(op.path()));
      if (literals > bestLiterals) {
        best = op;
        bestLiterals = literals;
      }
    }
    return Optional.ofNullable(best);
  }

  /** How many literal segments of {@code template} match {@code path}, or -1 when it does not match. */
  private static int literalsMatched(String template, String path, boolean restOfPath) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (restOfPath ? p.length < t.length : p.length != t.length) {
      return -1;
    }
    int literals = 0;
    for (int i = 0; i < t.length; i++) {
      boolean param = t[i].startsWith("{") && t[i].endsWith("}");
      if (param) {
        if (p[i].isEmpty()) {
          return -1;
        }
      } else if (t[i].equals(p[i])) {
        literals++;
      } else {
        return -1;
      }
    }
    return literals;
  }

  /** Checks a real answer against the document (see the class comment); returns it for chaining. */
  public HttpResponse<String> check(HttpResponse<String> r) {
    String method = r.request().method();
    String path = r.request().uri().getRawPath();
    Operation op = find(method, path).orElseThrow(() -> new AssertionError("no documented operation for " + method + " " + path));
    return check(op, r);
  }

  public HttpResponse<String> check(Operation op, HttpResponse<String> r) {
    String where = op + " → " + r.statusCode();
    String status = Integer.toString(r.statusCode());
    JsonNode responses = op.node().get("responses");
    String pointer = op.pointer() + "/responses/" + status;
    JsonNode response = responses.get(status);
    assertThat(response).as(where + ": status not documented (body: " + r.body() + ")").isNotNull();
    Resolved resolved = resolve(response, pointer);
    checkHeaders(where, resolved, r);
    JsonNode content = resolved.node().get("content");
    String type = r.headers().firstValue("content-type").map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT)).orElse(null);
    if (content == null) {
      assertThat(r.body()).as(where + ": documented without a body").isEmpty();
      return r;
    }
    assertThat(type).as(where + ": content type").isNotNull();
    assertThat(content.has(type)).as(where + ": content type " + type + " is not documented (" + names(content) + ")").isTrue();
    if (type.equals("application/json") || type.endsWith("+json")) {
      JsonNode body;
      try {
        body = JSON.readTree(r.body());
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": the body is not JSON: " + r.body(), e);
      }
      assertValid(where, resolved.pointer() + "/content/" + escape(type) + "/schema", body, r.body());
    } else if (content.get(type).has(LINE_SCHEMA)) {
      // JSON lines: each line is one instance of the schema the extension gives.
      String[] lines = r.body().split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isEmpty()) {
          assertValid(where + " line " + (i + 1), resolved.pointer() + "/content/" + escape(type) + "/" + LINE_SCHEMA, JSON.readTree(lines[i]), lines[i]);
        }
      }
    }
    return r;
  }

  private void checkHeaders(String where, Resolved response, HttpResponse<String> r) {
    JsonNode documented = response.node().get("headers");
    if (documented == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> header : documented.properties()) {
      Resolved h = resolve(header.getValue(), response.pointer() + "/headers/" + escape(header.getKey()));
      Optional<String> value = r.headers().firstValue(header.getKey());
      if (h.node().path("required").asBoolean(false)) {
        assertThat(value).as(where + ": required header " + header.getKey()).isPresent();
      }
      if (value.isPresent() && h.node().has("schema")) {
        assertValid(where + " header " + header.getKey(), h.pointer() + "/schema", JsonNodeFactory.instance.stringNode(value.get()), value.get());
      }
    }
  }

  /** Validates {@code instance} against the schema at {@code pointer} (a JSON pointer into the document). */
  public void assertValid(String where, String pointer, JsonNode instance, String shown) {
    List<Error> errors = schema(pointer).validate(instance, c -> c.executionConfig(e -> e.formatAssertionsEnabled(true)));
    assertThat(errors).as(where + ": " + shown + "\n  against #" + pointer).isEmpty();
  }

  /** The validator's schema at a JSON pointer into the document. */
  public Schema schema(String pointer) {
    return schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
  }

  /** A node and where it is, after following local {@code $ref}s. */
  public record Resolved(JsonNode node, String pointer) {}

  public Resolved resolve(JsonNode node, String pointer) {
    int hops = 0;
    while (node.has("$ref")) {
      String target = node.get("$ref").asString();
      assertThat(target).as("only local references").startsWith("#/");
      pointer = target.substring(1);
      node = root.at(pointer);
      assertThat(node.isMissingNode()).as("$ref " + target + " resolves").isFalse();
      assertThat(++hops).as("$ref chain at " + target).isLessThan(10);
    }
    return new Resolved(node, pointer);
  }

  static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  private static Set<String> names(JsonNode object) {
    return new LinkedHashSet<>(object.propertyNames());
  }
}
