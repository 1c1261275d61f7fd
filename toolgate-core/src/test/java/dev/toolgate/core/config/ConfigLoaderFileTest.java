package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderFileTest {

  @Test
  void missingFile(@TempDir Path dir) {
    Path file = dir.resolve("toolgate.yaml");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.line()).isZero();
    assertThat(e.field()).isEqualTo("(file)");
    assertThat(e.getMessage()).isEqualTo(file + ":0: (file): no such file (`toolgate init` writes a commented starter configuration)");
  }

  @Test
  void directoryInsteadOfFile(@TempDir Path dir) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));
    assertThat(e.field()).isEqualTo("(file)");
    assertThat(e.getMessage()).contains("cannot read the file");
  }

  @Test
  void notUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.getMessage()).endsWith("(file): not UTF-8 text");
  }

  @Test
  void tooLarge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, "#" + "x".repeat(SafeYaml.MAX_CHARS + 1));
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.line()).isZero();
    assertThat(e.getMessage()).contains("larger than 1024 KiB");
  }

  @Test
  void errorsNameTheFileAsGiven(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "tools: []\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.getMessage()).isEqualTo(file + ":1: tools: must list at least one tool (name, method, path, upstream, policy)");
  }
}
