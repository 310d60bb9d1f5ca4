import { test, expect, hydrated, mailedLink, signIn, signUp, uniqueEmail, PASSWORD } from "./fixtures";

// The Security page: where the user is signed in, ending a session elsewhere, and a
// password change that signs out every other session.
test("see where you are signed in, end a session elsewhere, change the password", async ({ page, browser }) => {
  const email = uniqueEmail("careful");
  await signUp(page, "Careful Co", email);
  const other = await browser.newContext({ userAgent: "Sesame test phone" });
  const phone = await other.newPage();
  await signIn(phone, email);

  await page.goto("/account/security");
  await hydrated(page);
  await page.reload();
  await hydrated(page);
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(2);
  await expect(page.locator("[data-testid=session][data-current=true]")).toContainText("This session");
  const phoneRow = sessions.filter({ hasText: "Sesame test phone" });
  await expect(phoneRow).toContainText("127.0.0.1");

  // End asks first, then the phone is signed out at its next page.
  await phoneRow.getByText("End", { exact: true }).click();
  await phoneRow.getByRole("button", { name: "Yes, end it" }).click();
  await expect(sessions).toHaveCount(1);
  await phone.goto("/account");
  await expect(phone.getByText("Please sign in to see this page.")).toBeVisible();

  // A wrong current password is refused by name; the right one changes it and signs the
  // phone (signed in again) out, while this session stays.
  await signIn(phone, email);
  await page.reload();
  await hydrated(page);
  await expect(sessions).toHaveCount(2);
  const newPassword = "violet-harbour-gravel-17";
  await page.getByLabel("Current password").fill("not-the-password-1");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Incorrect password.")).toBeVisible();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other session has been signed out.")).toBeVisible();
  await expect(sessions).toHaveCount(1);
  await phone.goto("/account");
  await expect(phone.getByText("Please sign in to see this page.")).toBeVisible();
  await signIn(phone, email, newPassword);
  await other.close();
});

// Changing the sign-in address: asked with the password, made by the link mailed to the
// new address (opened directly, reloaded, then confirmed).
test("change the sign-in address through the link mailed to the new one", async ({ page, browser }) => {
  const email = uniqueEmail("mover");
  await signUp(page, "Mover Co", email);
  await page.goto("/account/security");
  await hydrated(page);
  await expect(page.getByTestId("sign-in-address")).toHaveText(email);
  const newEmail = uniqueEmail("moved");
  await page.getByLabel("New email").fill(newEmail);
  await page.getByLabel("Password", { exact: true }).fill("not-my-password-1");
  await page.getByRole("button", { name: "Change address" }).click();
  await expect(page.locator("#field-email_password-error")).toHaveText("Incorrect password.");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Change address" }).click();
  await expect(page.getByText("Check the new address's inbox")).toBeVisible();

  const inbox = await (await browser.newContext()).newPage();
  await inbox.goto(mailedLink(newEmail, "/confirm-email/"));
  await inbox.reload();
  await hydrated(inbox);
  await expect(inbox.getByText(`Sign in to Sesame with ${newEmail} from now on?`)).toBeVisible();
  await inbox.getByRole("button", { name: "Confirm address" }).click();
  await expect(inbox.getByTestId("email-changed")).toContainText(newEmail);

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("sign-in-address")).toHaveText(newEmail);
  const fresh = await (await browser.newContext()).newPage();
  await signIn(fresh, newEmail);
});
