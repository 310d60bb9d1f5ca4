import { test, expect, hydrated, signUp } from "./fixtures";

test("verify a domain, send from it, follow the delivery, read it in the mailbox, see the quota", async ({ page }) => {
  await signUp(page, "Sender Co");

  await page.getByRole("link", { name: "Identities" }).click();
  const domain = `s${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByRole("button", { name: "Publish to dev zone" }).click();
  await expect(page.getByRole("button", { name: "Remove from dev zone" })).toBeVisible();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("status")).toHaveText("Success");

  // An address the verified domain does not cover is refused in SES's words.
  await page.getByRole("link", { name: "Send test email" }).click();
  await page.getByLabel("From", { exact: true }).fill("shop@elsewhere.example");
  await page.getByLabel("To", { exact: true }).fill("success@simulator.amazonses.com");
  await page.getByLabel("Subject").fill("Hello");
  await page.getByLabel("Text").fill("A test from the console");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("alert")).toContainText("Email address is not verified. The following identities failed the check in region US-EAST-1: shop@elsewhere.example");
  // After SES's words, the console says which rule applied and what to do.
  await expect(page.getByRole("alert")).toContainText("None of your verified identities in us-east-1 covers shop@elsewhere.example.");

  // The identity is picked, not typed; the simulator's scenarios are offered for To.
  await expect(page.locator("#simulator-scenarios option")).toHaveCount(5);
  await page.getByLabel("Send as").selectOption({ label: `${domain} (us-east-1)` });
  await page.getByLabel("From", { exact: true }).fill(`Shop <shop@${domain}>`);
  await page.getByRole("button", { name: "Send" }).click();
  const id = (await page.getByTestId("message-id").textContent())!;
  expect(id).toMatch(/-000000$/);

  await page.getByRole("status").getByRole("link", { name: "Messages" }).click();
  await expect(page.getByTestId("message").first()).toContainText(id);
  await expect(page.getByTestId("message-subject").first()).toHaveText("Hello");
  await expect(page.getByTestId("message").first()).toContainText(`shop@${domain}`);
  await expect(page.getByTestId("message").first()).toContainText(/success@simulator.amazonses.com: (Queued|Delivered)/);
  await expect(page.getByTestId("message-status").first()).toHaveText(/Queued|Sending|Delivered/);
  // The list filters by status (a GET form: the address can be bookmarked).
  await page.getByLabel("Status").selectOption("Failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/messages\?status=Failed$/);
  await expect(page.getByTestId("no-messages")).toBeVisible();
  await page.goBack();
  await hydrated(page);

  // The message's page: the simulator delivered it (the worker may need a moment).
  await page.getByTestId("message").first().getByRole("link", { name: "Hello" }).click();
  await expect(page).toHaveURL(new RegExp(`/messages/${id}$`));
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("message-status")).toHaveText("Delivered", { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await expect(page.getByTestId("attempt")).toContainText("simulator");
  await expect(page.getByTestId("attempt")).toContainText("250 2.0.0 Ok: simulated delivery");
  await expect(page.getByTestId("event")).toHaveText([/Send/, /Delivery/]);
  await expect(page.getByTestId("raw")).toContainText(`From: "Shop" <shop@${domain}>`);

  // Mail to an address of the verified domain (allowed from the sandbox) is "delivered"
  // into Sesame's mailbox (sink mode), DKIM-signed for the domain. A new account sends at
  // most one message a second (MaxSendRate 1): the first send must be a second old.
  await page.getByRole("link", { name: "Send test email" }).click();
  await page.waitForTimeout(1100);
  await page.getByLabel("From", { exact: true }).fill(`Shop <shop@${domain}>`);
  await page.getByLabel("To", { exact: true }).fill(`reader@${domain}`);
  await page.getByLabel("Subject").fill("Into the mailbox");
  await page.getByLabel("Text").fill("Signed and stored");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("message-id")).toHaveText(/-000000$/);
  await page.getByRole("link", { name: "Mailbox" }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("link", { name: "Into the mailbox" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await page.getByRole("link", { name: "Into the mailbox" }).click();
  await expect(page.getByTestId("body")).toContainText("Signed and stored");
  await expect(page.getByTestId("header").filter({ hasText: "DKIM-Signature" })).toContainText(`d=${domain}`);
  await expect(page.getByTestId("raw")).toContainText("DKIM-Signature: v=1; a=rsa-sha256;");
  await expect(page.getByTestId("raw")).toContainText(`d=${domain}`);

  // The quota counts the mailbox's recipient, not the simulator's; the admin asks to leave
  // the sandbox on the Quota page, saying what the account sends.
  // The Overview counts the recipient against today's quota; Account settings shows it too.
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("today-us-east-1")).toContainText("1 of 200 recipients in 24 hours");
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const quota = page.getByTestId("quota-us-east-1");
  await expect(quota).toContainText("Sandbox");
  await expect(quota.locator("td").nth(2)).toHaveText("1");
  await quota.getByRole("link", { name: "Request production access" }).click();
  await expect(page).toHaveURL(/\/quota$/);
  const region = page.getByTestId("quota-us-east-1");
  await expect(region.getByTestId("sent-24-hours")).toHaveText("1");
  await expect(region.getByTestId("remaining")).toHaveText("199");
  await expect(region.getByTestId("quota-status")).toHaveText("Healthy");
  await region.getByLabel(/What you send/).fill("Order confirmations to our shop's customers; bounces are removed at once.");
  await region.getByRole("button", { name: "Request production access" }).click();
  await expect(region.getByTestId("request-status")).toContainText("Production access requested");
  await expect(region).toContainText("Order confirmations to our shop's customers");
});
