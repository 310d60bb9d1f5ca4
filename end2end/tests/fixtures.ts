import { test as base, expect, Page } from "@playwright/test";

// Every test fails on an uncaught page error or a console error (a broken hydration shows
// up as one of these before it shows up anywhere else).
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(problems, "page errors and console errors").toEqual([]);
  },
});

export { expect };

