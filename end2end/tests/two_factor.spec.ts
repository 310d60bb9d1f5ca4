import { Page } from "@playwright/test";
import { test, expect, hydrated, mailedLink, signUp, uniqueEmail, PASSWORD } from "./fixtures";
import { code, scanQrCode, turnOn } from "./totp";

/** Signs in with the password only, landing on the second step. */
async function passwordStep(page: Page, email: string) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await hydrated(page);
}

// Two-factor sign-in: set up with the QR code's key, then sign in with the app's code and,
// with the phone lost, with a recovery code; finally turned off with the password.
test("turn on two-factor sign-in, sign in with a code and with a recovery code", async ({ page, browser }) => {
  const email = uniqueEmail("twofactor");
  await signUp(page, "Two Factor Co", email);
  const { key, codes } = await turnOn(page);
  // Shown once: a reload still says it is on, without the codes.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("recovery-codes-left")).toBeVisible();
  await expect(page.getByTestId("recovery-codes")).toHaveCount(0);

  // Another browser: the password leads to the second step, a wrong code is refused, the
  // app's code signs in.
  const laptop = await (await browser.newContext()).newPage();
  await passwordStep(laptop, email);
  await laptop.getByLabel("Code", { exact: true }).fill(await code(key, 4));
  await laptop.getByRole("button", { name: "Verify" }).click();
  await expect(laptop.getByText("Incorrect code.")).toBeVisible();
  await laptop.getByLabel("Code", { exact: true }).fill(await code(key));
  await laptop.getByRole("button", { name: "Verify" }).click();
  await expect(laptop).toHaveURL(/\/overview$/);

  // With the phone lost: a recovery code, on the second step reloaded first.
  const lost = await (await browser.newContext()).newPage();
  await passwordStep(lost, email);
  await lost.reload();
  await hydrated(lost);
  await lost.getByLabel("Code", { exact: true }).fill(codes[0]);
  await lost.getByRole("button", { name: "Verify" }).click();
  await expect(lost).toHaveURL(/\/overview$/);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("9 unused recovery codes left.");

  // Turning it off asks for the password, then confirmation.
  await page.getByLabel("Your password").fill(PASSWORD);
  await page.getByText("Turn off two-factor authentication", { exact: true }).click();
  await page.getByRole("button", { name: "Yes, turn it off" }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor authentication" })).toBeVisible();
});

// An admin requires two-factor sign-in of every user: someone invited then sets up an
// authenticator before the console opens to them.
test("an account that requires two-factor sign-in has a new user set it up first", async ({ page, browser }) => {
  await signUp(page, "Strict Co");
  await page.goto("/account/users");
  await hydrated(page);
  // Admins first.
  await page.getByRole("button", { name: "Require it of every user" }).click();
  await expect(page.getByText("Turn on two-factor authentication for yourself first")).toBeVisible();
  await turnOn(page);
  await page.goto("/account/users");
  await hydrated(page);
  await page.getByRole("button", { name: "Require it of every user" }).click();
  await expect(page.getByTestId("two-factor-policy")).toContainText("Required");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("two-factor-policy")).toContainText("Required");

  const email = uniqueEmail("dana");
  await page.getByLabel("Name", { exact: true }).fill("dana");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Invite user" }).click();
  await expect(page.getByTestId("invited")).toBeVisible();

  const dana = await (await browser.newContext()).newPage();
  await dana.goto(mailedLink(email, "/invitation/"));
  await hydrated(dana);
  await dana.getByLabel("Password").fill(PASSWORD);
  await dana.getByRole("button", { name: "Join" }).click();
  await expect(dana).toHaveURL(/\/sign-in\/two-factor$/);
  await dana.reload();
  await hydrated(dana);
  await expect(dana.getByText("Two-factor authentication is required of you.")).toBeVisible();
  const key = await scanQrCode(dana, "Set up two-factor authentication");
  await dana.getByLabel("Code from your app").fill(await code(key));
  await dana.getByRole("button", { name: "Turn on and sign in" }).click();
  await expect(dana.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await dana.getByRole("link", { name: "Continue" }).click();
  await expect(dana).toHaveURL(/\/overview$/);
  await expect(dana.getByTestId("signed-in-as")).toContainText(email);

  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("row", { name: /dana/ })).toContainText("On");
});
