import { test, expect } from "./fixtures";

test("the landing page is rendered on the server, with data from Postgres", async ({ browser }) => {
  // No JavaScript at all: whatever shows is server-side rendered.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Sesame" })).toBeVisible();
  await expect(page.getByTestId("database")).toHaveText("Reachable");
  await expect(page.getByTestId("regions")).toHaveText("us-east-1");
  await context.close();
});

test("the page hydrates and calls a server function from the browser", async ({ page }) => {
  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/platform/status")) calls.push(r.method());
  });
  await page.goto("/");
  await expect(page.getByTestId("checks")).toHaveText("Checked 1 time(s)");
  // The button only works once the wasm bundle has hydrated the page; keep clicking until
  // it does, then the click triggers a server-function round trip.
  await expect(async () => {
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(page.getByTestId("checks")).not.toHaveText("Checked 1 time(s)", { timeout: 500 });
  }).toPass();
  await expect.poll(() => calls.length).toBeGreaterThan(0);
  expect(calls.every((m) => m === "POST")).toBe(true);
  await expect(page.getByTestId("database")).toHaveText("Reachable");
});

test("unknown paths answer 404 with a page", async ({ browser }) => {
  // A fresh page: Chromium logs the 404 document itself as a console error.
  const page = await browser.newPage();
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
