package dev.toolgate.server.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JSON sealed with AES-256-GCM under the master key, as text fit for a hidden form field or a
 * cookie: {@code <master key id>.<base64url(nonce || ciphertext || tag)>}. What the browser carries
 * between the pages is state no instance has to remember (any instance of a cluster opens it) and
 * that no one without the master key can read or alter.
 *
 * <p>Each kind of state is sealed for its own purpose (the AES-GCM associated data): a session cookie
 * does not open as an authorization request, nor the reverse. While the master key is rotated, state
 * sealed under the previous key still opens.
 */
public final class SealedState {
  /** Sealed text longer than this is not ours (a request is a few kilobytes at most). */
  public static final int MAX_CHARS = 24 * 1024;
  private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{1,64})\\.([A-Za-z0-9_-]+)");

  private final SecretBox box;

  public SealedState(SecretBox box) {
    this.box = box;
  }

  public String seal(String purpose, JsonObject value) {
    SecretBox.Sealed sealed = box.seal(purpose, value.encode().getBytes(StandardCharsets.UTF_8));
    byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
    return sealed.keyId() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** The value sealed for {@code purpose}; empty when the text is malformed, altered, sealed for another purpose or under an unknown key. */
  public Optional<JsonObject> open(String purpose, String text) {
    if (text == null || text.length() > MAX_CHARS) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(m.group(2));
      byte[] plain = box.open(purpose, purpose, new SecretBox.Sealed(m.group(1), Base64.getEncoder().encodeToString(raw)));
      return Optional.of(new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException | MasterKeyException | DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }
}
