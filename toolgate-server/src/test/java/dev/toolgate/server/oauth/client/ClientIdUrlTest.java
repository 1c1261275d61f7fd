package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ClientIdUrlTest {
  static final ClientMetadataSettings ANY = ClientMetadataSettings.defaults();

  static ClientIdUrl.Decision check(String url) {
    return ClientIdUrl.check(url, ANY);
  }

  @Test
  void aPlainHttpsUrlWithAPathIsAccepted() {
    ClientIdUrl.Decision d = check("https://app.example.com/oauth/client.json");
    assertThat(d.ok()).as(d.problem()).isTrue();
    assertThat(d.host()).isEqualTo("app.example.com");
    assertThat(d.port()).isEqualTo(443);
    assertThat(d.requestTarget()).isEqualTo("/oauth/client.json");
  }

  @Test
  void aPortIsKeptAndTheUrlIsNeverNormalised() {
    ClientIdUrl.Decision d = check("https://App.Example.com:8443/a/%7Euser/client");
    assertThat(d.ok()).isTrue();
    assertThat(d.host()).isEqualTo("app.example.com");
    assertThat(d.port()).isEqualTo(8443);
    assertThat(d.requestTarget()).isEqualTo("/a/%7Euser/client");
    assertThat(d.clientId()).isEqualTo("https://App.Example.com:8443/a/%7Euser/client");
  }

  @Test
  void anIpv6LiteralHostIsAWellFormedUrl() {
    ClientIdUrl.Decision d = check("https://[2001:db8::1]/client");
    assertThat(d.ok()).isTrue();
    assertThat(d.host()).isEqualTo("[2001:db8::1]");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://app.example.com/client                 | must use the https scheme",
      "ftp://app.example.com/client                  | must use the https scheme",
      "HTTPS:app.example.com/client                  | must have a host",
      "https:///client                               | must have a",
      "https://app.example.com                       | must have a path",
      "https://app.example.com/                      | must have a path",
      "https://user@app.example.com/client           | user name or password",
      "https://user:pw@app.example.com/client        | user name or password",
      "https://app.example.com/client#x              | fragment",
      "https://app.example.com/client#               | fragment",
      "https://app.example.com/client?x=1            | query",
      "https://app.example.com/client?               | query",
      "https://app.example.com/./client              | . or .. segments",
      "https://app.example.com/a/../client           | . or .. segments",
      "https://app.example.com/a/..                  | . or .. segments",
      "https://app.example.com/a/%2e%2e/client       | . or .. segments",
      "https://app.example.com/a/%2E./client         | . or .. segments",
      "https://app.example.com/a/.%2E/client         | . or .. segments",
      "https://app.example.com/a/%2e/client          | . or .. segments",
      "https://app.example.com/a%2F..%2Fadmin        | encoded slash",
      "https://app.example.com/a%5c..%5cadmin        | encoded slash",
      "https://app.example.com./client               | must not end with a dot",
      "https://app.example.com:0/client              | invalid port",
      "https://app.example.com:/client               | invalid port",
      "https://app.example.com:99999/client          | invalid port",
      "https://exa_mple.com/client                   | valid host name",
      "https://app.example.com/cli ent               | printable ASCII",
      "https://app.example.com/clïent                | printable ASCII",
      "https://app.example.com/client%               | not a valid URL",
      "https://app.example.com/<script>              | not a valid URL",
      "not a url                                     | printable ASCII",
  })
  void aHostileOrMalformedUrlIsRefusedWithTheReason(String url, String reason) {
    ClientIdUrl.Decision d = check(url);
    assertThat(d.ok()).as(url).isFalse();
    assertThat(d.problem()).as(url).contains(reason);
    assertThat(d.byPolicy()).isFalse();
    assertThat(d.problem()).doesNotContain("\"").doesNotContain("\\");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example.com/cli\u0000ent", "https://app.example.com/client\r\nX-Evil: 1", "\thttps://a.example/c"})
  void controlCharactersAreRefusedAndNeverEchoed(String url) {
    ClientIdUrl.Decision d = check(url);
    assertThat(d.ok()).isFalse();
    assertThat(d.problem()).contains("printable ASCII").doesNotContain("X-Evil");
  }

  @Test
  void emptyNullAndOverlongAreRefused() {
    assertThat(check("").problem()).contains("empty");
    assertThat(check(null).problem()).contains("empty");
    String longUrl = "https://app.example.com/" + "a".repeat(ClientIdUrl.MAX_LENGTH);
    assertThat(check(longUrl).problem()).contains("longer than " + ClientIdUrl.MAX_LENGTH);
    assertThat(check(longUrl).problem()).doesNotContain("aaaa");
  }

  @Test
  void aListedDomainCoversItselfAndItsSubdomainsOnly() {
    ClientMetadataSettings s = ANY.withDomains(List.of("Example.COM"), List.of());
    assertThat(ClientIdUrl.check("https://example.com/c", s).ok()).isTrue();
    assertThat(ClientIdUrl.check("https://app.example.com/c", s).ok()).isTrue();
    assertThat(ClientIdUrl.check("https://a.b.EXAMPLE.com/c", s).ok()).isTrue();
    ClientIdUrl.Decision other = ClientIdUrl.check("https://badexample.com/c", s);
    assertThat(other.ok()).isFalse();
    assertThat(other.byPolicy()).isTrue();
    assertThat(other.problem()).contains("not in this server's allow_domains");
    assertThat(ClientIdUrl.check("https://example.com.evil.net/c", s).ok()).isFalse();
    assertThat(ClientIdUrl.check("https://[2001:db8::1]/c", s).ok()).isFalse();
  }

  @Test
  void denyWinsOverAllow() {
    ClientMetadataSettings s = ANY.withDomains(List.of("example.com"), List.of("*.evil.example.com"));
    assertThat(ClientIdUrl.check("https://app.example.com/c", s).ok()).isTrue();
    ClientIdUrl.Decision d = ClientIdUrl.check("https://x.evil.example.com/c", s);
    assertThat(d.ok()).isFalse();
    assertThat(d.byPolicy()).isTrue();
    assertThat(d.problem()).contains("deny_domains");
    assertThat(ClientIdUrl.check("https://evil.example.com/c", s).ok()).isFalse();
  }

  @Test
  void aDeniedDomainCannotBeReachedThroughCaseOrATrailingDot() {
    ClientMetadataSettings s = ANY.withDomains(List.of(), List.of("evil.net"));
    assertThat(ClientIdUrl.check("https://EVIL.net/c", s).ok()).isFalse();
    assertThat(ClientIdUrl.check("https://evil.net./c", s).ok()).isFalse();
    assertThat(ClientIdUrl.check("https://a.evil.net/c", s).ok()).isFalse();
    assertThat(ClientIdUrl.check("https://notevil.net/c", s).ok()).isTrue();
  }

  @Test
  void aDomainListEntryMustBeADomain() {
    assertThatThrownBy(() -> ANY.withDomains(List.of("https://example.com/"), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allow_domains");
    assertThatThrownBy(() -> ANY.withDomains(List.of(), List.of(""))).hasMessageContaining("deny_domains");
  }

  @Test
  void isUrlRecognisesHttpsClientIdsOnly() {
    assertThat(ClientIdUrl.isUrl("https://a.example/c")).isTrue();
    assertThat(ClientIdUrl.isUrl("HTTPS://a.example/c")).isTrue();
    assertThat(ClientIdUrl.isUrl("orders-service")).isFalse();
    assertThat(ClientIdUrl.isUrl("http://a.example/c")).isFalse();
    assertThat(ClientIdUrl.isUrl(null)).isFalse();
  }
}
