import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { test, expect, hydrated, newOperator, signUp } from "./fixtures";
import { OPERATOR_PAGES, PAGES, PUBLIC_PAGES } from "./pages";

// axe-core checks every page against WCAG 2.1 A and AA; a serious or critical violation
// (missing labels, unreadable contrast, unnamed buttons…) fails the test, naming where.

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, what).toEqual([]);
}

async function checkEach(page: Page, pages: [string, string][]) {
  for (const [path, heading] of pages) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page, path);
  }
}

test("the public pages have no serious accessibility violations", async ({ page }) => {
  await checkEach(page, PUBLIC_PAGES);
});

test("an account's pages have no serious accessibility violations, wide and on a phone", async ({ page }) => {
  await signUp(page, "Accessible Co");
  await checkEach(page, PAGES);
  await page.setViewportSize({ width: 390, height: 844 });
  await checkEach(page, [["/overview", "Overview"], ["/messages", "Messages"]]);
});

test("the operator console's pages have no serious accessibility violations", async ({ page }) => {
  await newOperator(page);
  await checkEach(page, OPERATOR_PAGES);
});

test("an identity's tabs have no serious accessibility violations", async ({ page }) => {
  await signUp(page, "Accessible Owner");
  await page.goto("/identities");
  await hydrated(page);
  const domain = `axe${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  for (const tab of await page.getByRole("tab").allTextContents()) {
    await page.getByRole("tab", { name: tab, exact: true }).click();
    await expectAccessible(page, `${domain}: ${tab}`);
  }
  // On a phone, a long domain in the heading and a partner link wrap: nothing is wider
  // than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("tab", { name: "Authorization" }).click();
  await page.getByRole("button", { name: "Make a partner link" }).click();
  await expect(page.getByTestId("partner-link")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
