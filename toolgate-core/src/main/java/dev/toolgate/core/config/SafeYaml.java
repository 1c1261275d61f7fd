package dev.toolgate.core.config;

import java.io.StringReader;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Composes one YAML document into a node tree with start marks, and nothing more: no objects are
 * constructed (so no custom tags run), aliases to collections are limited, the size of the input
 * and the nesting depth are bounded. Duplicate keys are checked later by {@link YamlMap}, which
 * knows the line of the duplicate.
 */
final class SafeYaml {
  /** Largest accepted document, in characters. A real toolgate.yaml is a few KiB. */
  static final int MAX_CHARS = 1 << 20;
  /** Most aliases ({@code *name}) to lists or mappings in one document. */
  static final int MAX_COLLECTION_ALIASES = 50;
  /** Deepest nesting of lists and mappings; the config itself needs 6 (tools[].policy.user_token.scopes). */
  static final int MAX_DEPTH = 32;

  /** A document that cannot be read as YAML at all; line 0 when unknown. */
  static final class YamlSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;

    YamlSyntaxException(int line, String message) {
      super(message, null, false, false);
      this.line = line;
    }
  }

  private SafeYaml() {}

  static LoadSettings settings() {
    return LoadSettings.builder()
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
        .setCodePointLimit(MAX_CHARS)
        .setUseMarks(true)
        .setParseComments(false)
        .build();
  }

  /** The single document's root node; empty for an empty document (or one holding only comments). */
  static Optional<Node> compose(String yaml) {
    if (yaml.length() > MAX_CHARS) {
      throw new YamlSyntaxException(0, "the file is larger than " + (MAX_CHARS >> 10) + " KiB; a configuration is a few KiB");
    }
    LoadSettings settings = settings();
    DepthLimitedParser parser = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, new StringReader(yaml))));
    try {
      return new Composer(settings, parser).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      int line = mark.map(m -> m.getLine() + 1).orElse(parser.lastLine);
      throw new YamlSyntaxException(line, describe(e));
    } catch (YamlEngineException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("Number of aliases")) {
        message = "too many aliases to lists or mappings (at most " + MAX_COLLECTION_ALIASES + ")";
      } else if (message.contains("exceeds the limit")) {
        message = "the file is larger than " + (MAX_CHARS >> 10) + " KiB; a configuration is a few KiB";
      }
      throw new YamlSyntaxException(parser.lastLine, "invalid YAML: " + message);
    }
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    if (problem.contains("but found another document")) {
      return "the file holds more than one YAML document ('---'); put the whole configuration in one";
    }
    String context = e.getContext() == null ? "" : e.getContext();
    if (context.contains("while scanning an alias")) {
      return "invalid YAML: a value starting with '*' is read as an alias (*name); write \"*\" in quotes, e.g. method: \"*\"";
    }
    String text = context.isEmpty() ? problem : context + ": " + problem;
    return "invalid YAML: " + text.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** Passes events through, refusing nesting deeper than {@link #MAX_DEPTH} before the composer recurses into it. */
  private static final class DepthLimitedParser implements Parser {
    private final Parser delegate;
    private int depth;
    int lastLine;

    DepthLimitedParser(Parser delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return delegate.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return delegate.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return delegate.hasNext();
    }

    @Override
    public Event next() {
      Event event = delegate.next();
      event.getStartMark().ifPresent(m -> lastLine = m.getLine() + 1);
      switch (event.getEventId()) {
        case SequenceStart, MappingStart -> {
          if (++depth > MAX_DEPTH) {
            throw new YamlSyntaxException(lastLine, "lists and mappings are nested more than " + MAX_DEPTH + " deep");
          }
        }
        case SequenceEnd, MappingEnd -> depth--;
        default -> { }
      }
      return event;
    }
  }
}
