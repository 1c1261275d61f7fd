// Signs one message the way real senders do, for Toolgate's verifier tests (StandardWebhooksInteropTest).
// Input: one JSON argument {secrets: ["whsec_..."], msgId, timestamp (unix seconds), payload, stripeSecret}.
// Output: one JSON line:
//   webhookSignature  the webhook-signature header: one v1 per secret, from the npm standardwebhooks package,
//                     then one v1a (Ed25519) from node:crypto (the package signs v1 only)
//   whpk              the Ed25519 public key of that v1a, as whpk_<base64>
//   stripe            a Stripe-Signature header t=...,v1=<hex HMAC-SHA256 of "t.payload" keyed by the whole secret>, from node:crypto
//   selfCheck         the package's own verify() accepted its v1 signatures
import { Webhook } from "standardwebhooks";
import { createHmac, generateKeyPairSync, sign } from "node:crypto";

const input = JSON.parse(process.argv[2]);
const { secrets, msgId, timestamp, payload, stripeSecret } = input;
const when = new Date(Number(timestamp) * 1000);

const v1 = secrets.map((secret) => new Webhook(secret).sign(msgId, when, payload));

const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const rawPublicKey = publicKey.export({ format: "der", type: "spki" }).subarray(12); // after the 12-byte SPKI header
const v1a = "v1a," + sign(null, Buffer.from(`${msgId}.${timestamp}.${payload}`, "utf8"), privateKey).toString("base64");

const stripe = `t=${timestamp},v1=` + createHmac("sha256", stripeSecret).update(`${timestamp}.${payload}`, "utf8").digest("hex");

let selfCheck = false;
try {
  new Webhook(secrets[0]).verify(payload, { "webhook-id": msgId, "webhook-timestamp": String(timestamp), "webhook-signature": v1.join(" ") },
    { jsonParse: false });
  selfCheck = true;
} catch (e) {
  selfCheck = String(e);
}

console.log(JSON.stringify({ webhookSignature: [...v1, v1a].join(" "), whpk: "whpk_" + rawPublicKey.toString("base64"), stripe, selfCheck }));
