package dev.toolgate.core.credential;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Reads JSON test vectors from the classpath (JSON is YAML 1.2, so snakeyaml-engine parses it). */
public final class TestVectors {
  private TestVectors() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> load(String resource) {
    try (InputStream in = TestVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " is missing");
      }
      return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Map<String, Object> map, String key) {
    return (List<Map<String, Object>>) map.get(key);
  }
}
