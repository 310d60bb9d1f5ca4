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

/** Publishes the identity's records to the dev zone from elsewhere (as a colleague or a
 * script would), leaving the page under test untouched. */
async function publishElsewhere(page: import("@playwright/test").Page, identityId: string) {
  await page.evaluate(async (id) => {
    const response = await fetch("/api/identities/dev-zone", {
      method: "POST",
      body: new URLSearchParams({ identity_id: id, publish: "true" }),
    });
    if (!response.ok) throw new Error(await response.text());
  }, identityId);
}

test("verification status updates by itself, on the identity's page and in the list", async ({ page }) => {
  await signUp(page, "Live Status");
  await page.getByRole("link", { name: "Identities" }).click();
  const stamp = Date.now();
  const first = `la${stamp}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(first);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("Pending");
  await publishElsewhere(page, page.url().split("/").pop()!);
  // Nothing clicked, nothing reloaded: the worker verifies it and the page shows it.
  await expect(page.getByTestId("status")).toHaveText("Success", { timeout: 30_000 });
  await expect(page.getByTestId("record-verification")).toContainText("Found in DNS");

  const second = `lb${stamp}.example`;
  await page.getByRole("link", { name: "← Identities" }).click();
  await page.getByLabel("Domain", { exact: true }).fill(second);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: second })).toBeVisible();
  const secondId = page.url().split("/").pop()!;
  await page.getByRole("link", { name: "← Identities" }).click();
  const row = page.getByRole("row", { name: second });
  await expect(row.getByTestId("status")).toHaveText("Pending");
  await publishElsewhere(page, secondId);
  await expect(row.getByTestId("status")).toHaveText("Success", { timeout: 30_000 });
});

test("a deleted identity leaves the screen for the list, which says so", async ({ page }) => {
  await signUp(page, "Tidy Owner");
  await page.getByRole("link", { name: "Identities" }).click();
  const domain = `gone${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  await page.getByRole("button", { name: "Delete identity" }).click();
  await page.getByRole("button", { name: "Yes, delete this identity" }).click();
  await expect(page).toHaveURL(/\/identities\?deleted$/);
  await expect(page.getByTestId("identity-deleted")).toBeVisible();
  await expect(page.getByRole("link", { name: domain })).toHaveCount(0);
});
