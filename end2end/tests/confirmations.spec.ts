import { test, expect, hydrated, signUp } from "./fixtures";

// A destructive action asks first, naming what will go; the first click changes nothing.

test("deleting a configuration set asks first, and only the confirmation deletes it", async ({ page }) => {
  await signUp(page, "Careful Owner");
  await page.goto("/configuration-sets");
  await hydrated(page);
  const name = `careful-${Date.now()}`;
  await page.getByLabel("Name").first().fill(name);
  await page.getByRole("button", { name: "Create configuration set" }).click();
  const set = page.getByTestId("configuration-set").filter({ hasText: name });
  await expect(set).toBeVisible();

  await set.getByRole("button", { name: "Delete configuration set" }).click();
  await expect(set).toContainText(`Delete the configuration set ${name} and its destinations?`);
  // Nothing happened yet: a reload still lists it.
  await page.reload();
  await hydrated(page);
  await expect(set).toBeVisible();

  await set.getByRole("button", { name: "Delete configuration set" }).click();
  await set.getByRole("button", { name: `Yes, delete ${name}` }).click();
  await expect(set).toHaveCount(0);
});

test("deleting an identity asks first, without JavaScript too", async ({ browser, page }) => {
  await signUp(page, "Careful Domain Owner");
  const domain = `careful${Date.now()}.example`;
  await page.goto("/identities");
  await hydrated(page);
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  const url = page.url();

  const context = await browser.newContext({
    baseURL: process.env.BASE_URL,
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const plain = await context.newPage();
  await plain.goto(url);
  await plain.getByRole("button", { name: "Delete identity" }).click();
  await expect(plain.getByText(`Delete ${domain}? Its policies, DKIM keys and destinations go with it`)).toBeVisible();
  await plain.getByRole("button", { name: "Yes, delete this identity" }).click();
  await plain.goto("/identities");
  await expect(plain.getByRole("heading", { level: 1, name: "Identities" })).toBeVisible();
  await expect(plain.getByRole("link", { name: domain })).toHaveCount(0);
  await context.close();
});
