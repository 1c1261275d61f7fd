package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A secret typed where a name or option belongs is never printed back. */
class SecretsTest {
  @Test
  void secretsMistypedAsArgumentsOrVariableNamesAreNotEchoed() {
    for (String[] args : new String[][] {
        {"sign", "tgs_SUPERSECRETvalue123"},
        {"sign", "--secret-env", "tgs_SUPERSECRETvalue123", "--body", "x"},
        {"sign", "--secret-env", "not a name tgt_SUPERSECRETvalue123", "--body", "x"}}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      var cli = ToolgateCli.commandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit = cli.execute(args);
      assertThat(exit).isNotZero();
      assertThat(out.toString() + err).doesNotContain("SUPERSECRET");
    }
  }
}
