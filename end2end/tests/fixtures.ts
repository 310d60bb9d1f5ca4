import { test as base, expect, Page } from "@playwright/test";

// Every test fails on an uncaught page error or a console error (a broken hydration shows
// up as one of these before it shows up anywhere else). Chromium also logs every 4xx
// response as a console error; those are answers the tests provoke on purpose (422 for a
// bad field, 401 when signed out) and are checked where they happen, so only they are let
// through — a 5xx still fails the test.
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      const expectedClientError = /status of 4\d\d/.test(m.text());
      if (m.type() === "error" && !expectedClientError) problems.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(problems, "page errors and console errors").toEqual([]);
  },
});

export { expect };

/** The password every test account signs up with. */
export const PASSWORD = "plum-ladder-sunrise-42";


/** Resolves once the wasm bundle has hydrated the page (App sets body[data-hydrated]). */
export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated=true]").waitFor({ state: "attached" });
}

/** An address no earlier run has used (the e2e database lives as long as the server). */
export function uniqueEmail(name: string) {
  return `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.example.com`;
}

/** Signs up a new account named `name` in `page` (with a unique email) and returns its account id. */
export async function signUp(page: Page, name: string) {
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Account name").fill(name);
  await page.getByLabel("Email").fill(uniqueEmail(name.toLowerCase().replace(/ /g, "-")));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  return (await page.getByTestId("account-id").textContent())!.trim();
}
