package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The shipped proxy examples agree with what Toolgate refuses: every header that could describe
 * another call is set or cleared before it reaches Toolgate. The nginx example also runs for real
 * (DecisionApiNginxTest); the Envoy one cannot here (no Envoy on the test machines), so this is
 * all that checks it.
 */
class DecisionExamplesTest {
  static final Path NGINX = Path.of("..", "docs", "examples", "nginx-auth-request.conf");
  static final Path ENVOY = Path.of("..", "docs", "examples", "envoy-ext-authz.yaml");

  @Test
  void nginxSetsOrClearsEveryDescribingHeaderInTheSubrequest() throws Exception {
    String conf = Files.readString(NGINX);
    String subrequest = conf.substring(conf.indexOf("location = /_toolgate"), conf.indexOf("location @toolgate_refused"));
    List<String> handled = new ArrayList<>();
    Matcher m = Pattern.compile("proxy_set_header\\s+(\\S+)").matcher(subrequest);
    while (m.find()) {
      handled.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    assertThat(handled).containsAll(DecisionTarget.DESCRIBING_HEADERS).contains("x-forwarded-for", "forwarded", "x-real-ip");
    assertThat(subrequest).contains("proxy_set_header X-Forwarded-For    $remote_addr;").contains("proxy_pass http://toolgate/decisions;");
  }

  @Test
  @SuppressWarnings("unchecked")
  void envoySendsNoDescribingHeaderAndDropsTheClientsIdentityHeaders() throws Exception {
    String yaml = Files.readString(ENVOY);
    Map<String, Object> root = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    Map<String, Object> listener = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) root.get("static_resources")).get("listeners")).get(0);
    Map<String, Object> chain = (Map<String, Object>) ((List<Object>) listener.get("filter_chains")).get(0);
    Map<String, Object> hcm = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) chain.get("filters")).get(0)).get("typed_config");
    assertThat(hcm.get("use_remote_address")).isEqualTo(true);
    List<Map<String, Object>> filters = (List<Map<String, Object>>) hcm.get("http_filters");
    assertThat(filters).extracting(f -> f.get("name"))
        .containsExactly("envoy.filters.http.header_mutation", "envoy.filters.http.ext_authz", "envoy.filters.http.router");
    Map<String, Object> mutation = (Map<String, Object>) filters.get(0).get("typed_config");
    List<Map<String, Object>> removed = (List<Map<String, Object>>) ((Map<String, Object>) mutation.get("mutations")).get("request_mutations");
    assertThat(removed).extracting(r -> r.get("remove")).containsExactlyInAnyOrder("x-toolgate-client", "x-toolgate-user", "x-toolgate-tool");

    Map<String, Object> authz = (Map<String, Object>) filters.get(1).get("typed_config");
    Map<String, Object> service = (Map<String, Object>) authz.get("http_service");
    assertThat(service.get("path_prefix")).isEqualTo(DecisionTarget.PREFIX);
    List<Map<String, Object>> allowed = (List<Map<String, Object>>) ((Map<String, Object>) authz.get("allowed_headers")).get("patterns");
    List<Object> names = allowed.stream().map(p -> p.get("exact")).toList();
    assertThat(names).contains("x-forwarded-for").doesNotContainAnyElementsOf(DecisionTarget.DESCRIBING_HEADERS)
        .doesNotContain("forwarded", "x-real-ip");
    assertThat(allowed).allSatisfy(p -> assertThat(p).containsOnlyKeys("exact"));
    assertThat(yaml).contains("decisions: { source: path }");
  }
}
