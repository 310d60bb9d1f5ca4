import { test, expect, hydrated, signUp } from "./fixtures";

test("add a domain, publish its records to the dev zone, and watch it verify", async ({ page }) => {
  await signUp(page, "Domain Owner");

  await page.getByRole("link", { name: "Identities" }).click();
  const domain = `d${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain.toUpperCase());
  await page.getByRole("button", { name: "Add domain" }).click();

  // The new identity opens on its page, with both records, full and relative names.
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("Pending");
  const verification = page.getByTestId("record-verification");
  await expect(verification).toContainText(`_amazonses.${domain}`);
  await expect(verification).toContainText("Not found yet");
  await expect(page.getByTestId("record-dkim")).toContainText("v=DKIM1; k=rsa; p=");

  await page.getByRole("button", { name: "Publish to dev zone" }).click();
  await expect(page.getByRole("button", { name: "Remove from dev zone" })).toBeVisible();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("status")).toHaveText("Success");
  await expect(verification).toContainText("Found in DNS");

  // A bad domain is reported next to its field.
  await page.getByRole("link", { name: "← Identities" }).click();
  await expect(page.getByRole("link", { name: domain })).toBeVisible();
  await page.getByLabel("Domain", { exact: true }).fill("not a domain");
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.locator("#field-domain-error")).toContainText("not a valid domain name");
});

test("verify an email address through the link in the built-in mailbox", async ({ page }) => {
  await signUp(page, "Address Owner");

  await page.getByRole("link", { name: "Identities" }).click();
  const address = `sender-${Date.now()}@mail.example`;
  await page.getByLabel("Email address", { exact: true }).fill(address);
  await page.getByRole("button", { name: "Add email address" }).click();
  await expect(page.getByRole("heading", { level: 1, name: address })).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("Pending");

  // In sink mode the verification mail is delivered to the Mailbox of the account that
  // asked (within moments, by the system-mail workers), and the page says so after a
  // reload; its link verifies the address.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("verification-mail-status")).toHaveText("Delivered to your Mailbox", { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await page.getByRole("link", { name: "Mailbox" }).first().click();
  await page.getByRole("link", { name: /email address verification request/ }).first().click();
  await expect(page.getByTestId("body")).toContainText(address);
  // The link's page only offers to confirm; reloaded, it still does (nothing changed).
  await page.getByRole("link", { name: /\/verify-email\// }).click();
  const confirm = page.getByRole("button", { name: `Confirm ${address}` });
  await expect(confirm).toBeVisible();
  await page.reload();
  await hydrated(page);
  await confirm.click();
  await expect(page.getByTestId("verified")).toContainText(address);

  await page.goto("/identities");
  await expect(page.getByRole("row", { name: new RegExp(address) })).toContainText("Success");
});
