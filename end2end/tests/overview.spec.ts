import { test, expect, hydrated, signUp } from "./fixtures";

// The account's home and the navigation around every page.

test("a new account lands on its Overview, is told what to do first, and sees each step done", async ({ page }) => {
  await signUp(page, "Fresh Start");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const steps = page.getByTestId("step");
  await expect(steps).toHaveCount(3);
  for (const [i, step, state] of [[0, "Verify", "next"], [1, "AuthorizePartner", "todo"], [2, "Send", "todo"]] as const) {
    await expect(steps.nth(i)).toHaveAttribute("data-step", step);
    await expect(steps.nth(i)).toHaveAttribute("data-state", state);
  }
  await expect(page.getByTestId("owned")).toContainText("You own no identity yet.");
  await expect(page.getByTestId("today-us-east-1")).toContainText("0 of 200 recipients in 24 hours · sandbox");
  await expect(page.getByTestId("spend")).toHaveText("0.00 USD");

  // The first step's link leads to where it is done; once the domain verifies, the
  // Overview (reloaded) marks the step done and moves on to the next.
  await page.getByRole("link", { name: "Add a domain" }).click();
  const domain = `o${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByRole("button", { name: "Publish to dev zone" }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("status")).toHaveText("Success");
  await page.goto("/overview");
  await page.reload();
  await hydrated(page);
  await expect(steps.nth(0)).toHaveAttribute("data-state", "done");
  await expect(steps.nth(1)).toHaveAttribute("data-state", "next");
  await expect(page.getByTestId("owned").getByRole("listitem").filter({ hasText: domain })).toContainText("Success");
  // The partner step opens the verified identity, where policies are written.
  await page.getByRole("link", { name: "Write a policy" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
});

test("the sidebar groups the links by what the account does there", async ({ page }) => {
  await signUp(page, "Sidebar Co");
  const nav = page.getByRole("navigation", { name: "Main" });
  const groups: [string, string[]][] = [
    ["Identities", ["Identities", "Mailbox"]],
    ["Sending", ["Shared with me", "Send test email", "SMTP settings", "Messages", "Configuration sets", "Suppression list"]],
    ["Insights", ["Statistics", "Reputation", "Billing", "Quota"]],
    ["Account", ["Settings", "Users", "Activity", "Access keys", "Security"]],
  ];
  for (const [group, links] of groups) {
    const list = nav.getByRole("list", { name: group });
    await expect(list.getByRole("link"), group).toHaveText(links);
  }
  // The current page is marked.
  await nav.getByRole("link", { name: "Billing" }).click();
  await expect(nav.getByRole("link", { name: "Billing" })).toHaveAttribute("aria-current", "page");
  // Only the page itself: Settings (/account) is not marked on /account/access-keys.
  await nav.getByRole("link", { name: "Access keys" }).click();
  await expect(nav.locator("[aria-current=page]")).toHaveText(["Access keys"]);
});

test("on a phone the sidebar folds into a menu, with and without JavaScript", async ({ page, browser }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, "Phone Co");
  const nav = page.getByRole("navigation", { name: "Main" });
  const menu = page.getByRole("checkbox", { name: "Menu" });
  await expect(nav).toBeHidden();
  await menu.check();
  await expect(nav).toBeVisible();
  // Following a link closes the menu again.
  await nav.getByRole("link", { name: "Quota" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quota" })).toBeVisible();
  await expect(nav).toBeHidden();
  await expect(menu).not.toBeChecked();
  // Nothing is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // Without JavaScript the same switch opens it (the stylesheet follows the checkbox).
  const cookies = await page.context().cookies();
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  await plain.addCookies(cookies);
  const plainPage = await plain.newPage();
  await plainPage.goto("/overview");
  const plainNav = plainPage.getByRole("navigation", { name: "Main" });
  await expect(plainNav).toBeHidden();
  await plainPage.getByRole("checkbox", { name: "Menu" }).check();
  await expect(plainNav).toBeVisible();
  await plain.close();
});
