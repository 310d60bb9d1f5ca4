import { test, expect, hydrated, mailedLink, signIn, signUp, uniqueEmail } from "./fixtures";

// A forgotten password is reset through the link mailed to the address; every session of
// the user from before ends, and the new password signs in.
test("reset a forgotten password through the mailed link", async ({ page, browser }) => {
  const email = uniqueEmail("forgetful");
  await signUp(page, "Forgetful Co", email);
  // Another browser signed in as the same user: it is signed out by the reset.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByTestId("reset-mailed")).toBeVisible();

  // The link's page, loaded directly and reloaded, then the new password.
  await page.goto(mailedLink(email, "/reset-password/"));
  await hydrated(page);
  await page.reload();
  await hydrated(page);
  const newPassword = "violet-harbour-gravel-17";
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset$/);
  await expect(page.getByTestId("password-reset")).toBeVisible();
  await signIn(page, email, newPassword);

  // The other browser's session ended with the reset; the spent link says so.
  await otherPage.goto("/account");
  await expect(otherPage.getByText("Please sign in to see this page.")).toBeVisible();
  await page.goto(mailedLink(email, "/reset-password/"));
  await expect(page.getByTestId("expired")).toBeVisible();
  await other.close();
});
