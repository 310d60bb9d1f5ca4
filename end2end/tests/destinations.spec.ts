import { createServer, IncomingMessage } from "node:http";
import { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { test, expect, signUp } from "./fixtures";

/** A webhook receiver on loopback that keeps what it gets. */
async function receiver() {
  const calls: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      calls.push({ headers: request.headers, body });
      response.writeHead(200).end("thanks");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { calls, url: `http://127.0.0.1:${port}/hook`, close: () => server.close() };
}

test("configuration set with a signed webhook: add it, send a test event, read the answer", async ({ page }) => {
  const hook = await receiver();
  await signUp(page, "Hooks Co");

  await page.getByRole("link", { name: "Configuration sets" }).click();
  await page.getByLabel("Name", { exact: true }).fill("orders");
  await page.getByRole("button", { name: "Create configuration set" }).click();
  await expect(page.getByTestId("configuration-set")).toContainText("orders");

  // An internal address is refused by the SSRF guard, with the reason next to the field.
  await page.getByText("Add a destination").click();
  await page.getByLabel("Destination name").fill("hook");
  await page.getByLabel("Webhook URL").fill("http://169.254.169.254/latest/meta-data");
  await page.getByRole("button", { name: "Add destination" }).click();
  await expect(page.getByText("an address webhooks may not reach")).toBeVisible();

  await page.getByLabel("Webhook URL").fill(hook.url);
  await page.getByRole("button", { name: "Add destination" }).click();
  const key = await page.getByTestId("new-signing-key").textContent();
  expect(key).toMatch(/^whsec_/);
  await expect(page.getByTestId("destination")).toContainText(hook.url);

  await page.getByRole("link", { name: "Open the destination" }).click();
  await expect(page.getByTestId("destination-state")).toHaveText("Enabled");
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByTestId("test-result")).toContainText("HTTP 200");
  await expect(page.getByTestId("test-result")).toContainText("thanks");

  // The receiver got a Delivery event, signed with the key shown once.
  expect(hook.calls).toHaveLength(1);
  const call = hook.calls[0];
  expect(JSON.parse(call.body).eventType).toBe("Delivery");
  const signature = createHmac("sha256", key!).update(`${call.headers["x-sesame-timestamp"]}.${call.body}`).digest("hex");
  expect(call.headers["x-sesame-signature"]).toBe(`v1=${signature}`);

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId("destination-state")).toHaveText("Disabled");
  await expect(page.getByTestId("disabled-notice")).toContainText("Disabled by a user");
  hook.close();
});
