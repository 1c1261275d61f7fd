package dev.toolgate.server.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools of the sample MCP server, in the demo upstream's shop: look up an order, refund one, and
 * track a shipment (the one that reports progress). Every result also says what the server saw of
 * Toolgate's headers, so a newcomer can check that identity arrives and credentials do not.
 */
final class SampleShopTools {
  /** What a {@code tools/call} produced: the CallToolResult, and the progress steps to report first when asked. */
  record Outcome(JsonObject result, List<String> progress) {}

  private static final int MAX_ID_LENGTH = 64;
  private static final int MAX_STEPS = 10;
  private static final int DEFAULT_STEPS = 3;
  private static final List<String> CHECKPOINTS = List.of("Label created", "Picked up by DHL", "Arrived at sorting hub",
      "Departed sorting hub", "In transit", "Customs cleared", "Arrived at local depot", "Loaded on delivery van",
      "Out for delivery", "Delivered");

  private SampleShopTools() {}

  /** The {@code tools} array of a {@code tools/list} result. */
  static JsonArray list() {
    return new JsonArray()
        .add(tool("lookup_order", "Look up an order", "Status, carrier and expected delivery date of an order.", true,
            new JsonObject().put("order_id", idProperty("Order id, e.g. A-1001")), "order_id"))
        .add(tool("refund_order", "Refund an order", "Refund an amount of an order to the customer who placed it.", false,
            new JsonObject()
                .put("order_id", idProperty("Order id, e.g. A-1001"))
                .put("amount", new JsonObject().put("type", "number").put("exclusiveMinimum", 0).put("maximum", 10000)
                    .put("description", "Amount to refund, in EUR"))
                .put("customer_id", idProperty("The customer who placed the order")),
            "order_id", "amount", "customer_id"))
        .add(tool("track_shipment", "Track a shipment", "Follow an order's parcel checkpoint by checkpoint; reports each "
                + "checkpoint as progress when the call asks for progress.", true,
            new JsonObject()
                .put("order_id", idProperty("Order id, e.g. A-1001"))
                .put("steps", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", MAX_STEPS)
                    .put("default", DEFAULT_STEPS).put("description", "How many checkpoints to follow")),
            "order_id"));
  }

  /**
   * Runs a tool; null when there is no tool of that name (a protocol error, not a tool error). Bad
   * arguments are a tool error ({@code isError}), which the MCP spec lets the model read and correct.
   */
  static Outcome call(String name, JsonObject args, JsonObject saw) {
    return switch (name) {
      case "lookup_order" -> lookupOrder(args, saw);
      case "refund_order" -> refundOrder(args, saw);
      case "track_shipment" -> trackShipment(args, saw);
      default -> null;
    };
  }

  private static Outcome lookupOrder(JsonObject args, JsonObject saw) {
    String orderId = id(args, "order_id");
    if (orderId == null) {
      return failed("order_id must be a string of 1 to " + MAX_ID_LENGTH + " characters");
    }
    return done(new JsonObject().put("order_id", orderId).put("status", "shipped").put("carrier", "DHL").put("eta", "2026-11-24"), saw);
  }

  private static Outcome refundOrder(JsonObject args, JsonObject saw) {
    String orderId = id(args, "order_id");
    String customerId = id(args, "customer_id");
    Object amount = args.getValue("amount");
    if (orderId == null || customerId == null) {
      return failed("order_id and customer_id must be strings of 1 to " + MAX_ID_LENGTH + " characters");
    }
    if (!(amount instanceof Number n) || !validAmount(n)) {
      return failed("amount must be a number above 0 and at most 10000");
    }
    return done(new JsonObject().put("order_id", orderId).put("customer_id", customerId).put("amount", amount)
        .put("currency", "EUR").put("refund", "accepted"), saw);
  }

  private static Outcome trackShipment(JsonObject args, JsonObject saw) {
    String orderId = id(args, "order_id");
    if (orderId == null) {
      return failed("order_id must be a string of 1 to " + MAX_ID_LENGTH + " characters");
    }
    Object stepsValue = args.getValue("steps", DEFAULT_STEPS);
    Integer steps = stepsValue instanceof Number n ? wholeNumber(n) : null;
    if (steps == null || steps < 1 || steps > MAX_STEPS) {
      return failed("steps must be an integer from 1 to " + MAX_STEPS);
    }
    List<String> checkpoints = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      // Spread the checkpoints over the whole journey; the last one is always the delivery.
      int index = i == steps - 1 ? CHECKPOINTS.size() - 1 : i * (CHECKPOINTS.size() - 1) / steps;
      checkpoints.add(CHECKPOINTS.get(index));
    }
    JsonObject body = new JsonObject().put("order_id", orderId).put("carrier", "DHL").put("status", "delivered")
        .put("checkpoints", new JsonArray(new ArrayList<Object>(checkpoints)));
    return new Outcome(text(body.put("upstream_saw", saw).encode(), false), checkpoints);
  }

  private static JsonObject tool(String name, String title, String description, boolean readOnly, JsonObject properties, String... required) {
    return new JsonObject().put("name", name).put("title", title).put("description", description)
        .put("inputSchema", new JsonObject().put("type", "object").put("properties", properties)
            .put("required", new JsonArray(List.of((Object[]) required))).put("additionalProperties", false))
        .put("annotations", new JsonObject().put("readOnlyHint", readOnly).put("openWorldHint", false));
  }

  private static JsonObject idProperty(String description) {
    return new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", MAX_ID_LENGTH).put("description", description);
  }

  private static String id(JsonObject args, String key) {
    return args.getValue(key) instanceof String s && !s.isBlank() && s.length() <= MAX_ID_LENGTH ? s : null;
  }

  private static boolean validAmount(Number n) {
    try {
      BigDecimal amount = new BigDecimal(n.toString());
      return amount.signum() > 0 && amount.compareTo(BigDecimal.valueOf(10000)) <= 0;
    } catch (NumberFormatException e) {
      return false; // NaN or infinity
    }
  }

  /** The value as an int when it is a whole number (JSON Schema's integer includes 3.0), else null. */
  private static Integer wholeNumber(Number n) {
    try {
      return new BigDecimal(n.toString()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private static Outcome done(JsonObject body, JsonObject saw) {
    return new Outcome(text(body.put("upstream_saw", saw).encode(), false), List.of());
  }

  private static Outcome failed(String message) {
    return new Outcome(text(message, true), List.of());
  }

  private static JsonObject text(String text, boolean isError) {
    JsonObject result = new JsonObject().put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)));
    return isError ? result.put("isError", true) : result;
  }
}
