import { test, expect, hydrated, newOperator, operatorSignIn } from "./fixtures";
import { code, turnOn } from "./totp";

// An operator turns two-factor sign-in on from their own Security page, then signs in with
// the app's code; the platform's log shows both. Requiring it of every operator takes one
// who has it.
test("an operator signs in with two-factor authentication and can require it of every operator", async ({ page, browser }) => {
  const email = await newOperator(page);

  const { key } = await turnOn(page, "/operator/security");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10 unused recovery codes left.");

  // Another browser: the password leads to the second step, the app's code to the console.
  const laptop = await (await browser.newContext()).newPage();
  await operatorSignIn(laptop, email);
  await expect(laptop).toHaveURL(/\/sign-in\/two-factor$/);
  await laptop.reload();
  await hydrated(laptop);
  await laptop.getByLabel("Code", { exact: true }).fill(await code(key));
  await laptop.getByRole("button", { name: "Verify" }).click();
  await expect(laptop).toHaveURL(/\/operator$/);
  await expect(laptop.getByRole("heading", { name: "Operator console" })).toBeVisible();

  // The platform's log, loaded directly: the sign-ins and the change, by this operator.
  await laptop.goto("/operator/activity");
  await hydrated(laptop);
  const entries = (kind: string) =>
    laptop.locator(`[data-testid=activity-entry][data-kind="${kind}"]`).filter({ hasText: email });
  await expect(entries("security.two_factor_enabled")).toHaveCount(1);
  await expect(entries("sign_in.succeeded")).toHaveCount(2);

  // Requiring it of every operator, then (so other tests' operators are not held to it)
  // no longer.
  await page.goto("/operator/security");
  await hydrated(page);
  await page.getByRole("button", { name: "Require it of every operator" }).click();
  await expect(page.getByTestId("two-factor-policy")).toContainText("Required");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("two-factor-policy")).toContainText("Required");
  await page.getByRole("button", { name: "Stop requiring it" }).click();
  await expect(page.getByTestId("two-factor-policy")).toContainText("Not required");
});
