package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/console.md and the README say what the console does: its policy word for word, its picture present. */
class ConsoleDocsTest {
  private static final Path DOCS = Path.of("..", "docs");

  @Test
  void theDocumentedPolicyIsTheOneSent() throws Exception {
    String doc = Files.readString(DOCS.resolve("console.md"), StandardCharsets.UTF_8);
    String block = doc.substring(doc.indexOf("```\ndefault-src") + 4);
    block = block.substring(0, block.indexOf("```")).strip().replace("\n", " ");
    assertThat(block).isEqualTo(ConsoleEndpoint.CSP);
  }

  @Test
  void thePictureTheReadmeShowsIsThere() throws Exception {
    String readme = Files.readString(DOCS.resolveSibling("README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("](docs/images/console.png)").contains("## Web console");
    byte[] png = Files.readAllBytes(DOCS.resolve("images").resolve("console.png"));
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }
}
