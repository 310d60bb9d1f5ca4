import { test, expect, hydrated } from "./fixtures";

test("the landing page is rendered on the server and says how to start here", async ({ browser }) => {
  // No JavaScript at all: whatever shows is server-side rendered.
  const context = await browser.newContext({ baseURL: process.env.BASE_URL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Sesame" })).toBeVisible();
  await expect(page.getByTestId("regions")).toHaveText("us-east-1");
  await expect(page.getByTestId("api-endpoint")).toHaveText(new URL(page.url()).origin);
  // Nothing about the machinery behind it.
  await expect(page.locator("body")).not.toContainText(/postgres/i);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();
  await context.close();
});

test("after hydration the start links navigate in the page", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("link", { name: "sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("unknown paths answer 404 with a page", async ({ browser }) => {
  // A fresh page: Chromium logs the 404 document itself as a console error.
  const page = await browser.newPage();
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
