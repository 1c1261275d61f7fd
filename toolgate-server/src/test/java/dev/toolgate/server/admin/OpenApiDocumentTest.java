package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/openapi.json is a well-formed OpenAPI 3.1 document (the validator does not ship the OAS
 * schema, so its rules that matter here are checked one by one), the jar serves exactly that file,
 * and {@code GET /admin/openapi.json} answers as the document says it does.
 */
class OpenApiDocumentTest {
  static final OpenApiContract DOC = OpenApiContract.document();
  static final Set<String> ACCESS = Set.of("read", "operate", "mint_customer_token", "administer");
  static final JsonMapper JSON = new JsonMapper();
  static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");

  @Test
  void theJarCarriesTheRepositorysFile() throws Exception {
    // Tests run in toolgate-server/: the repository's docs/ is one level up.
    assertThat(DOC.rawText()).isEqualTo(Files.readString(Path.of("..", "docs", "openapi.json")));
  }

  @Test
  void itIsAnOpenApi31Document() {
    JsonNode root = DOC.root();
    assertThat(root.get("openapi").asString()).isEqualTo("3.1.0");
    assertThat(root.at("/info/title").asString()).isNotBlank();
    assertThat(root.at("/info/version").asString()).isNotBlank();
    assertThat(root.get("paths").size()).isPositive();
    Set<String> topLevel = new TreeSet<>(root.propertyNames());
    assertThat(topLevel).isSubsetOf("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags",
        "externalDocs");
    for (Map.Entry<String, JsonNode> path : root.get("paths").properties()) {
      assertThat(path.getKey()).as("paths start with /").startsWith("/");
    }
  }

  @Test
  void everyReferenceResolves() {
    List<String> broken = new ArrayList<>();
    walk(DOC.root(), "", (node, at) -> {
      if (node.has("$ref") && node.get("$ref").isString()) {
        String target = node.get("$ref").asString();
        if (!target.startsWith("#/") || DOC.root().at(target.substring(1)).isMissingNode()) {
          broken.add(at + " → " + target);
        }
      }
    });
    assertThat(broken).as("references that resolve to nothing").isEmpty();
  }

  @Test
  void everyOperationHasAUniqueIdASummaryAndResponses() {
    Map<String, String> ids = new HashMap<>();
    Set<String> tags = new LinkedHashSet<>();
    DOC.root().get("tags").forEach(t -> tags.add(t.get("name").asString()));
    for (OpenApiContract.Operation op : DOC.operations()) {
      String id = op.node().path("operationId").asString("");
      assertThat(id).as(op + " has an operationId").isNotBlank();
      assertThat(ids.put(id, op.toString())).as("operationId " + id + " is used once (" + op + ")").isNull();
      assertThat(op.node().path("summary").asString("")).as(op + " has a summary").isNotBlank();
      assertThat(op.node().path("responses").size()).as(op + " documents its answers").isPositive();
      op.node().get("responses").propertyNames().forEach(status ->
          assertThat(status).as(op + ": a status code").matches("[1-5][0-9][0-9]|[1-5]XX|default"));
      op.node().path("tags").forEach(t -> assertThat(tags).as(op + ": its tag is declared").contains(t.asString()));
    }
  }

  @Test
  void everyPathParameterIsDeclaredAndEveryDeclaredOneIsInThePath() {
    for (OpenApiContract.Operation op : DOC.operations()) {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(op.path());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      Set<String> declared = new TreeSet<>();
      List<JsonNode> parameters = new ArrayList<>();
      DOC.root().get("paths").get(op.path()).path("parameters").forEach(parameters::add);
      op.node().path("parameters").forEach(parameters::add);
      for (JsonNode p : parameters) {
        JsonNode parameter = DOC.resolve(p, "").node();
        assertThat(parameter.path("in").asString("")).as(op + ": a parameter's place").isIn("path", "query", "header", "cookie");
        assertThat(parameter.has("schema")).as(op + ": parameter " + parameter.path("name").asString() + " has a schema").isTrue();
        if (parameter.get("in").asString().equals("path")) {
          declared.add(parameter.get("name").asString());
          assertThat(parameter.path("required").asBoolean(false)).as(op + ": path parameters are required").isTrue();
        }
      }
      assertThat(declared).as(op + ": declared path parameters").isEqualTo(inTemplate);
    }
  }

  @Test
  void everySchemaIsAValidJsonSchema() {
    // The OpenAPI 3.1 dialect is JSON Schema 2020-12 with a few keywords added (discriminator, xml,
    // externalDocs, example), which the 2020-12 meta-schema lets through.
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    Schema meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    List<String> problems = new ArrayList<>();
    walk(DOC.root(), "", (node, at) -> {
      if (at.endsWith("/schema") || at.endsWith("/" + OpenApiContract.LINE_SCHEMA) || at.matches("/components/schemas/[^/]+")) {
        for (Error e : meta.validate(node)) {
          problems.add(at + e.getInstanceLocation() + ": " + e.getMessage());
        }
        DOC.schema(at); // and the validator can build it
      }
    });
    assertThat(problems).isEmpty();
  }

  private static final JsonNode PROBLEM_REF = tools.jackson.databind.json.JsonMapper.builder().build()
      .readTree("{\"$ref\": \"#/components/schemas/Problem\"}");

  @Test
  void everyAdminOperationNamesTheRoleItNeedsAndAnswersProblems() {
    for (OpenApiContract.Operation op : DOC.operations()) {
      boolean admin = op.path().startsWith("/admin/");
      assertThat(op.node().has("x-toolgate-access")).as(op + ": x-toolgate-access exactly on admin operations").isEqualTo(admin);
      if (!admin) {
        continue;
      }
      assertThat(op.node().get("x-toolgate-access").asString()).as(op.toString()).isIn(ACCESS);
      assertThat(op.node().at("/security/0").has("adminToken")).as(op + ": admin token").isTrue();
      assertThat(new TreeSet<>(op.node().at("/security/1").propertyNames())).as(op + ": or a console session with its CSRF token")
          .containsExactly("consoleCsrfToken", "consoleSession");
      assertThat(op.node().get("responses").has("401")).as(op + " documents 401").isTrue();
      assertThat(op.node().get("responses").has("403")).as(op + " documents 403").isTrue();
      for (Map.Entry<String, JsonNode> response : op.node().get("responses").properties()) {
        if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
          JsonNode resolved = DOC.resolve(response.getValue(), "").node();
          JsonNode schema = resolved.at("/content/application~1problem+json/schema");
          if (schema.has("$ref")) {
            // A problem with extension members (RFC 9457 §3.2) has a schema of its own: every member of a Problem, and more.
            JsonNode own = DOC.resolve(schema, "").node();
            assertThat(new TreeSet<>(own.get("properties").propertyNames())).as(op + " " + response.getKey() + " is a Problem and more")
                .containsAll(DOC.resolve(PROBLEM_REF, "").node().get("properties").propertyNames());
          } else {
            assertThat(schema.at("/allOf/0/$ref").asString(""))
                .as(op + " " + response.getKey() + " is a Problem").isEqualTo("#/components/schemas/Problem");
          }
          assertThat(resolved.at("/headers/X-Request-Id").isMissingNode()).as(op + " " + response.getKey() + " has X-Request-Id").isFalse();
        }
      }
    }
  }

  @Test
  void theContractRefusesWhatTheSchemasForbid() {
    // The checks below are only worth something if the validator holds answers to the schemas strictly.
    String pointer = "/components/schemas/User";
    JsonObject user = AdminResources.user(new User("usr_1", "ada", User.NO_PASSWORD, false, Instant.EPOCH, Instant.EPOCH));
    DOC.assertValid("a user", pointer, JSON.readTree(user.encode()), user.encode());
    for (JsonObject wrong : List.of(user.copy().put("extra", 1), user.copy().put("created_at", "yesterday"), user.copy().put("disabled", "no"),
        user.copy().putNull("password_changed_at"), withoutId(user))) {
      assertThatThrownBy(() -> DOC.assertValid("wrong", pointer, JSON.readTree(wrong.encode()), wrong.encode()))
          .as(wrong.encode()).isInstanceOf(AssertionError.class);
    }
    JsonObject problem = new JsonObject().put("type", "https://toolgate.dev/problems/not_found").put("title", "t").put("status", 404)
        .put("code", "not_found").put("detail", null).put("request_id", "r");
    DOC.assertValid("a problem", "/components/schemas/Problem", JSON.readTree(problem.encode()), problem.encode());
    JsonObject unknownCode = problem.copy().put("code", "nope");
    assertThatThrownBy(() -> DOC.assertValid("wrong", "/components/schemas/Problem", JSON.readTree(unknownCode.encode()), unknownCode.encode()))
        .isInstanceOf(AssertionError.class);
  }

  private static JsonObject withoutId(JsonObject user) {
    JsonObject copy = user.copy();
    copy.remove("id");
    return copy;
  }

  @Test
  void servedToEveryRoleThatReadsWithAnETag() {
    try (AdminApiHarness api = AdminApiHarness.start()) {
      HttpResponse<String> r = DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.token(AdminRole.READ_ONLY)));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(DOC.rawText());
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      String etag = r.headers().firstValue("etag").orElseThrow();
      assertThat(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null)).statusCode()).isEqualTo(200);
      assertThat(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.token(AdminRole.OPERATOR))).statusCode()).isEqualTo(200);

      HttpResponse<String> unchanged = DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.adminToken, "if-none-match", etag));
      assertThat(unchanged.statusCode()).isEqualTo(304);
      assertThat(unchanged.body()).isEmpty();
      assertThat(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.adminToken, "if-none-match", "W/\"other\", " + etag)).statusCode())
          .isEqualTo(304);
      assertThat(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.adminToken, "if-none-match", "\"other\"")).statusCode()).isEqualTo(200);

      AdminApiHarness.assertProblem(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, api.token(AdminRole.TOKEN_MINTER))), 403,
          "admin_role_forbidden");
      AdminApiHarness.assertProblem(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, null)), 401, "admin_token_invalid");
      AdminApiHarness.assertProblem(DOC.check(api.call("GET", OpenApiEndpoint.PATH, null, "tga_" + "A".repeat(43))), 401, "admin_token_invalid");
    }
  }

  interface Visitor {
    void visit(JsonNode node, String pointer);
  }

  static void walk(JsonNode node, String pointer, Visitor visitor) {
    if (node.isObject()) {
      visitor.visit(node, pointer);
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        walk(e.getValue(), pointer + "/" + OpenApiContract.escape(e.getKey()), visitor);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, visitor);
      }
    }
  }
}
