import { test, expect, hydrated, signUp, uniqueEmail, PASSWORD } from "./fixtures";

// Nobody types 12 digits: the owner makes a partner link, the partner opens it (signed
// out, it signs in from the link and comes back to it) and accepts, and the owner picks
// the partner as a delegate in the policy generator.
test("a partner link fills in the delegate the partner is", async ({ page, browser }) => {
  const partnerContext = await browser.newContext();
  const partnerPage = await partnerContext.newPage();
  const partnerEmail = uniqueEmail("link-partner");
  const partner = await signUp(partnerPage, "Link Partner", partnerEmail);
  await partnerPage.getByRole("button", { name: "Sign out" }).click();
  await expect(partnerPage.getByRole("button", { name: "Sign out" })).toHaveCount(0);

  await signUp(page, "Link Owner");
  await page.goto("/identities");
  await hydrated(page);
  const domain = `link${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  await page.getByRole("tab", { name: "Authorization" }).click();
  await page.getByRole("button", { name: "Make a partner link" }).click();
  const link = (await page.getByTestId("partner-link").textContent())!.trim();
  expect(link).toMatch(/\/partners\/[A-Za-z0-9]{32}$/);
  await expect(page.getByTestId("partner-link-open")).toHaveCount(1);

  // The partner, signed out, opens the link: it asks to sign in, and comes back after.
  await partnerPage.goto(link);
  await hydrated(partnerPage);
  await partnerPage.getByRole("link", { name: "sign in", exact: true }).click();
  await hydrated(partnerPage);
  await partnerPage.getByLabel("Email").fill(partnerEmail);
  await partnerPage.getByLabel("Password").fill(PASSWORD);
  await partnerPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(partnerPage).toHaveURL(link);
  await expect(partnerPage.getByTestId("account-ref")).toContainText("Link Owner");
  await expect(partnerPage.getByText(`invites your account to send as ${domain}`)).toBeVisible();
  await partnerPage.getByRole("button", { name: "Accept" }).click();
  await expect(partnerPage.getByTestId("partner-accepted")).toBeVisible();
  await partnerPage.reload();
  await expect(partnerPage.getByTestId("partner-accepted")).toBeVisible();

  // The owner's list notices by itself; picking the partner fills in the delegate.
  const picked = page.getByTestId("partner");
  await expect(picked).toContainText("Link Partner", { timeout: 15_000 });
  await expect(picked).toContainText(partner);
  await expect(page.getByTestId("partner-link-open")).toHaveCount(0);
  await picked.getByRole("button", { name: "Add as delegate" }).click();
  await picked.getByRole("button", { name: "Add as delegate" }).click();
  await expect(page.getByLabel("Delegates", { exact: true })).toHaveValue(partner);
  await page.getByRole("button", { name: "Write policy into the editor" }).click();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Policy saved.")).toBeVisible();

  await partnerPage.goto("/shared");
  await expect(partnerPage.getByTestId(`shared-${domain}`)).toContainText("Link Owner");
  await partnerContext.close();
});
