import { Page } from "@playwright/test";
import { test, expect, hydrated, newOperator, signUp } from "./fixtures";
import { OPERATOR_PAGES, PAGES, PUBLIC_PAGES } from "./pages";

// People reach pages from bookmarks, shared links and reloads, not only through the menu:
// each page is loaded directly here, and again after a reload.

/** Loads each page directly, then reloads it: its heading shows both times. */
async function loadEach(page: Page, pages: [string, string][]) {
  for (const [path, heading] of pages) {
    for (const [load, when] of [[() => page.goto(path), "loaded"], [() => page.reload(), "reloaded"]] as const) {
      await load();
      await hydrated(page);
      await expect(page.getByRole("heading", { level: 1, name: heading }), `${path} ${when}`).toBeVisible();
    }
  }
}

test("the public pages load directly and again after a reload", async ({ page }) => {
  await loadEach(page, PUBLIC_PAGES);
});

test("every page of an account loads directly and again after a reload", async ({ page }) => {
  await signUp(page, "Direct Loader");
  await loadEach(page, PAGES);
});

test("every page of the operator console loads directly and again after a reload", async ({ page }) => {
  await newOperator(page);
  await loadEach(page, OPERATOR_PAGES);
});

test("the forms that choose a region work on a page loaded directly and reloaded", async ({ page }) => {
  await signUp(page, "Direct Submitter");
  const stamp = Date.now();
  const forms = [
    {
      path: "/identities",
      button: "Add domain",
      fill: () => page.getByLabel("Domain", { exact: true }).fill(`direct${stamp}.example`),
      done: () => page.getByRole("heading", { level: 1, name: `direct${stamp}.example` }),
    },
    {
      path: "/identities",
      button: "Add email address",
      fill: () => page.getByLabel("Email address", { exact: true }).fill(`direct-${stamp}@mail.example`),
      done: () => page.getByRole("heading", { level: 1, name: `direct-${stamp}@mail.example` }),
    },
    {
      path: "/account/access-keys",
      button: "Create access key",
      fill: async () => {},
      done: () => page.getByRole("button", { name: "Copy Secret access key" }),
    },
    {
      path: "/smtp",
      button: "Create SMTP credentials",
      fill: async () => {},
      done: () => page.getByTestId("smtp-new-password"),
    },
    {
      path: "/configuration-sets",
      button: "Create configuration set",
      fill: () => page.getByLabel("Name").first().fill(`direct-${stamp}`),
      done: () => page.getByRole("heading", { name: `direct-${stamp}` }),
    },
    {
      path: "/send",
      button: "Send",
      fill: async () => {
        await page.getByLabel("From").fill(`nobody@direct${stamp}.example`);
        await page.getByLabel("To").fill("success@simulator.amazonses.com");
        await page.getByLabel("Subject").fill("Loaded directly");
      },
      // The domain above is not verified yet: the server answers with SES's refusal.
      done: () => page.getByText(/Email address is not verified/),
    },
  ];
  for (const form of forms) {
    await page.goto(form.path);
    await hydrated(page);
    await page.reload();
    await hydrated(page);
    const button = page.getByRole("button", { name: form.button, exact: true });
    await expect(button, `${form.path}: ${form.button}`).toBeEnabled();
    await form.fill();
    await button.click();
    await expect(form.done(), `${form.path}: ${form.button}`).toBeVisible();
  }
});

test("the forms that choose a region work without JavaScript", async ({ browser, page }) => {
  await signUp(page, "No Script");
  const context = await browser.newContext({
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const plain = await context.newPage();
  await plain.goto("/configuration-sets");
  const button = plain.getByRole("button", { name: "Create configuration set" });
  await expect(button).toBeEnabled();
  await expect(plain.locator("#field-set-region option")).not.toHaveCount(0);
  const name = `noscript-${Date.now()}`;
  await plain.getByLabel("Name").first().fill(name);
  await button.click();
  // The plain form post is answered with a redirect back to the page, now listing the set.
  await expect(plain.getByRole("heading", { name })).toBeVisible();
  await context.close();
});
