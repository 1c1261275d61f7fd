package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the JSON body as checks read it ({@link JsonBody#at}) and as the gateway forwards it
 * without a user token ({@link JsonBody#without}). Whatever the bytes: no exception; a token that
 * {@code at} finds is one {@code without} removes (else it would go upstream); what
 * {@code without} returns is the same JSON object minus that member, read the same way again.
 * The input is the body; the pointers are the ones a configuration may name. See docs/fuzzing.md.
 */
class JsonBodyFuzzTest {
  private static final List<String> POINTERS = List.of("/jwt", "/context/jwt", "/a/b/c", "/messages/0/jwt", "/list/1", "/", "/a~1b", "/m~0n");

  @FuzzTest
  void readAndStrip(byte[] body) {
    for (String pointer : POINTERS) {
      JsonBody json = new JsonBody(body);
      JsonBody.Lookup found = json.at(pointer);
      byte[] stripped = json.without(pointer);
      if (!found.bodyIsJson()) {
        assertThat(stripped).as("a body that is no JSON object is not rewritten").isNull();
        continue;
      }
      if (found.ambiguous()) {
        continue; // refused before anything is forwarded
      }
      boolean isMember = isObjectMember(body, pointer);
      if (found.value() != null && isMember) {
        assertThat(stripped).as("%s was read from the body, so it must be removable (else it is forwarded)", pointer).isNotNull();
      }
      if (stripped == null) {
        continue;
      }
      assertThat(isMember).as("only a member that is there is removed").isTrue();
      JsonBody after = new JsonBody(stripped);
      assertThat(after.at(pointer).bodyIsJson()).as("the stripped body is still one JSON object, without duplicates").isTrue();
      assertThat(after.at(pointer).value()).as("%s is gone", pointer).isNull();
      assertThat(parse(stripped)).as("everything else is kept").isEqualTo(withoutMember(parse(body), JsonPointer.tokens(pointer)));
    }
  }

  /** Whether the pointer names a member of an object (not an array element), reading the body as {@link JsonBody} does. */
  private static boolean isObjectMember(byte[] body, String pointer) {
    Object parent = parse(body);
    List<String> tokens = JsonPointer.tokens(pointer);
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, token);
    }
    return parent instanceof Map<?, ?> map && map.containsKey(tokens.get(tokens.size() - 1));
  }

  private static Object child(Object parent, String token) {
    if (parent instanceof Map<?, ?> map) {
      return map.get(token);
    }
    if (parent instanceof List<?> list && token.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(token) < list.size()) {
      return list.get(Integer.parseInt(token));
    }
    return null;
  }

  /** A deep copy of {@code root} without the member at {@code tokens}. */
  @SuppressWarnings("unchecked")
  private static Object withoutMember(Object node, List<String> tokens) {
    if (tokens.isEmpty()) {
      return node;
    }
    String token = tokens.get(0);
    List<String> rest = tokens.subList(1, tokens.size());
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
      if (rest.isEmpty()) {
        copy.remove(token);
      } else if (copy.containsKey(token)) {
        copy.put(token, withoutMember(copy.get(token), rest));
      }
      return copy;
    }
    if (node instanceof List<?> list && token.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(token) < list.size() && !rest.isEmpty()) {
      List<Object> copy = new ArrayList<>(list);
      copy.set(Integer.parseInt(token), withoutMember(list.get(Integer.parseInt(token)), rest));
      return copy;
    }
    return node;
  }

  private static Map<String, Object> parse(byte[] body) {
    try {
      return JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new AssertionError("the body parsed before: " + e.getMessage(), e);
    }
  }
}
