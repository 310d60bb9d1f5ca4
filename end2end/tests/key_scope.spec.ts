import { test, expect, hydrated, signUp } from "./fixtures";

// A key limited when it is made: the Access keys page, loaded directly and reloaded, takes
// the limits (refusing a bad one by its field) and shows them in the key's row.
test("create an access key limited to an office network, two actions and a lifetime", async ({ page }) => {
  await signUp(page, "Limited Co");
  await page.goto("/account/access-keys");
  await hydrated(page);
  await page.reload();
  await hydrated(page);
  await page.getByText("Limit this key (optional)").click();
  await page.getByLabel("Allowed source addresses", { exact: true }).fill("203.0.113.0/33");
  await page.getByRole("button", { name: "Create access key" }).click();
  await expect(page.getByText("`203.0.113.0/33` is not an IP address or CIDR block.")).toBeVisible();
  await expect(page.getByTestId("access-key")).toHaveCount(0);

  await page.getByLabel("Allowed source addresses", { exact: true }).fill("203.0.113.0/24");
  await page.getByLabel("Allowed actions", { exact: true }).fill("SendEmail, SendRawEmail");
  await page.getByLabel("Expires after (days)", { exact: true }).fill("30");
  await page.getByRole("button", { name: "Create access key" }).click();
  const row = page.getByTestId("access-key");
  await expect(row).toHaveCount(1);
  const scope = row.getByTestId("key-scope");
  await expect(scope).toContainText("From: 203.0.113.0/24");
  await expect(scope).toContainText("Actions: SendEmail, SendRawEmail");
  await expect(scope).toContainText(/Expires \d{4}-\d{2}-\d{2}/);
  await expect(row.getByTestId("key-last-used")).toHaveText("Never");

  // The limits are the key's, on the page loaded afresh.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("key-scope")).toContainText("From: 203.0.113.0/24");
});
