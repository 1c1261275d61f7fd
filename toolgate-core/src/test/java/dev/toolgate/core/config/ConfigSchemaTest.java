package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schema of toolgate.yaml is a valid draft 2020-12 schema, ships in the jar as the docs'
 * file, and knows exactly the keys the loader accepts: every mapping the loader reads with a fixed
 * key list is a closed object in the schema ({@code additionalProperties: false}) with those
 * properties, and every closed object of the schema is one of them. A key added to a reader and not
 * to the schema (or the other way round), or a new section, fails here until both say the same.
 */
class ConfigSchemaTest {
  private static final JsonNode SCHEMA = new JsonMapper().readTree(ConfigSchema.text());

  /**
   * Each key list of the readers, at the schema object it governs: a path of property names from
   * the root ({@code []} for "each item" of a list, {@code {}} for "each entry" of an open mapping
   * such as platforms).
   */
  private static Map<String, List<String>> keyLists() {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    lists.put("", ConfigReader.ROOT_KEYS);
    lists.put("server", ServerReader.KEYS);
    lists.put("server.decisions", ProxySettingsReader.DECISIONS_KEYS);
    lists.put("server.tls", TlsReader.SERVER_TLS_KEYS);
    lists.put("store", StoreReader.KEYS);
    lists.put("audit", AuditReader.KEYS);
    lists.put("authorization_server", AuthorizationServerReader.KEYS);
    lists.put("authorization_server.customer_token", AuthorizationServerReader.CUSTOMER_TOKEN_KEYS);
    lists.put("authorization_server.password_hash", AuthorizationServerReader.PASSWORD_HASH_KEYS);
    lists.put("authorization_server.login_throttle", LimitsReader.LOGIN_THROTTLE_KEYS);
    lists.put("authorization_server.authorization_code", CodeFlowReader.AUTHORIZATION_CODE_KEYS);
    lists.put("authorization_server.client_metadata_documents", CodeFlowReader.CLIENT_METADATA_KEYS);
    lists.put("authorization_server.registration", CodeFlowReader.REGISTRATION_KEYS);
    lists.put("trusted_issuers.{}", TrustedIssuersReader.KEYS);
    lists.put("failed_auth_limit", LimitsReader.FAILED_AUTH_LIMIT_KEYS);
    lists.put("redis", RedisReader.REDIS_KEYS);
    lists.put("redis.sentinel", RedisReader.SENTINEL_KEYS);
    lists.put("redis.cluster", RedisReader.CLUSTER_KEYS);
    lists.put("redis.when_unavailable", RedisReader.WHEN_UNAVAILABLE_KEYS);
    lists.put("management", ManagementReader.KEYS);
    lists.put("access_log", AccessLogReader.KEYS);
    lists.put("tracing", TracingReader.KEYS);
    lists.put("platforms.{}", PlatformsReader.KEYS);
    lists.put("platforms.{}.user", UserBindingReader.KEYS);
    lists.put("platforms.{}.client_certificates", TlsReader.CLIENT_CERTIFICATES_KEYS);
    lists.put("tools.[]", ToolsReader.KEYS);
    lists.put("tools.[].policy", PolicyReader.KEYS);
    lists.put("tools.[].policy.client_token", PolicyReader.CLIENT_TOKEN_KEYS);
    lists.put("tools.[].policy.user_token", PolicyReader.USER_TOKEN_KEYS);
    lists.put("tools.[].policy.external_jwt", PolicyReader.EXTERNAL_JWT_KEYS);
    lists.put("tools.[].policy.mtls", TlsReader.MTLS_KEYS);
    lists.put("tools.[].user", UserBindingReader.KEYS);
    lists.put("tools.[].user.platform_user_id", UserBindingReader.LOCATION_KEYS);
    lists.put("tools.[].owner", UserBindingReader.OWNER_KEYS);
    lists.put("tools.[].rate_limits.[]", LimitsReader.RATE_LIMIT_KEYS);
    lists.put("tools.[].mcp", McpReader.KEYS);
    lists.put("tools.[].mcp.stream", McpReader.STREAM_KEYS);
    lists.put("tools.[].mcp.tools.{}", McpReader.RULE_KEYS);
    return lists;
  }

  @Test
  void itIsAValidDraft202012Schema() {
    Schema meta = SchemaCheck.REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    assertThat(meta.validate(SCHEMA)).isEmpty();
    assertThat(SCHEMA.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }

  @Test
  void theJarShipsTheDocsFile() throws Exception {
    Path docs = Path.of("..", "docs", ConfigSchema.FILE_NAME);
    assertThat(docs).exists();
    assertThat(ConfigSchema.text()).isEqualTo(Files.readString(docs));
  }

  @Test
  void everyKeyListOfTheLoaderIsAClosedObjectWithThoseProperties() {
    keyLists().forEach((path, keys) -> {
      JsonNode object = at(path);
      assertThat(object.get("additionalProperties")).as("%s: additionalProperties", path).isNotNull();
      assertThat(object.get("additionalProperties").isBoolean() && !object.get("additionalProperties").asBoolean())
          .as("%s refuses unknown keys, like the loader", path).isTrue();
      assertThat(object.get("properties").propertyNames()).as("%s: the keys the loader accepts", path)
          .containsExactlyInAnyOrderElementsOf(keys);
    });
  }

  @Test
  void everyClosedObjectOfTheSchemaIsAKeyListOfTheLoader() {
    Set<JsonNode> covered = Collections.newSetFromMap(new IdentityHashMap<>());
    keyLists().keySet().forEach(path -> covered.add(at(path)));
    covered.add(resolve(at("tools.[].user.opaque_id"))); // the same place as platform_user_id
    List<String> uncovered = new ArrayList<>();
    closedObjects(SCHEMA, "#", uncovered, covered);
    assertThat(uncovered).as("closed objects of the schema that no key list of the loader governs").isEmpty();
  }

  @Test
  void everyKeyHasADescriptionForEditorsToShow() {
    keyLists().forEach((path, keys) -> {
      JsonNode properties = at(path).get("properties");
      for (String key : keys) {
        JsonNode property = properties.get(key);
        boolean described = property.has("description") || resolve(property).has("description");
        assertThat(described).as("%s.%s has a description", path, key).isTrue();
      }
    });
  }

  /** The schema object at a path of {@link #keyLists()}, $refs followed; of an anyOf, the alternative that is an object. */
  private static JsonNode at(String path) {
    JsonNode node = SCHEMA;
    for (String step : path.isEmpty() ? new String[0] : path.split("\\.")) {
      node = objectOf(resolve(node));
      node = switch (step) {
        case "[]" -> node.get("items");
        case "{}" -> node.get("additionalProperties");
        default -> node.get("properties").get(step);
      };
      assertThat(node).as("schema has %s", path).isNotNull();
    }
    return objectOf(resolve(node));
  }

  private static JsonNode objectOf(JsonNode node) {
    if (node.has("properties") || !node.has("anyOf")) {
      return node;
    }
    for (JsonNode alternative : node.get("anyOf")) {
      if (alternative.has("properties")) {
        return alternative;
      }
    }
    return node;
  }

  private static JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asString();
      assertThat(ref).startsWith("#/$defs/");
      node = SCHEMA.get("$defs").get(ref.substring("#/$defs/".length()));
    }
    return node;
  }

  /** Every object with {@code additionalProperties: false} and properties, by its location in the schema. */
  private static void closedObjects(JsonNode node, String where, List<String> uncovered, Set<JsonNode> covered) {
    if (node.isObject()) {
      JsonNode additional = node.get("additionalProperties");
      if (node.has("properties") && additional != null && additional.isBoolean() && !additional.asBoolean() && !covered.contains(node)) {
        uncovered.add(where);
      }
      for (String name : node.propertyNames()) {
        closedObjects(node.get(name), where + "/" + name, uncovered, covered);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        closedObjects(node.get(i), where + "/" + i, uncovered, covered);
      }
    }
  }
}
