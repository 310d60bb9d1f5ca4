import { test, expect, hydrated, mailedLink, signUp, uniqueEmail, PASSWORD } from "./fixtures";

test("sign up, sign in, create a user and an access key, sign out", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = uniqueEmail("owner");

  // Sign up: the address is mailed a link; confirming it lands the new admin on the
  // Overview, signed in.
  await signUp(page, "Acme Mail", email);
  await expect(page.getByTestId("account-id")).toHaveText(/^\d{12}$/);
  await expect(page.getByTestId("signed-in-as")).toContainText(email);

  // Sign out, then back in; a wrong password is reported next to the password field.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("Incorrect email or password.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);

  // Invite a user: the invitation waits until its link is opened and a password chosen.
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  const userEmail = uniqueEmail("sender");
  await page.getByLabel("Name", { exact: true }).fill("sam");
  await page.getByLabel("Email").fill(userEmail);
  await page.getByLabel("Role").selectOption("sender");
  await page.getByRole("button", { name: "Invite user" }).click();
  await expect(page.getByTestId("invited")).toBeVisible();
  await expect(page.getByRole("row", { name: /sam/ })).toContainText("Waiting");

  // Sam opens the link in a browser of their own (loaded directly, and reloaded) and joins.
  const sam = await context.browser()!.newContext();
  const samPage = await sam.newPage();
  await samPage.goto(mailedLink(userEmail, "/invitation/"));
  await samPage.reload();
  await hydrated(samPage);
  await expect(samPage.getByText("You are invited to Acme Mail as the user sam")).toBeVisible();
  await samPage.getByLabel("Password").fill(PASSWORD);
  await samPage.getByRole("button", { name: "Join" }).click();
  await expect(samPage).toHaveURL(/\/overview$/);
  await expect(samPage.getByTestId("signed-in-as")).toContainText(userEmail);
  await sam.close();

  await page.reload();
  await hydrated(page);
  const row = page.getByRole("row", { name: /sam/ });
  await expect(row).toContainText(/arn:aws:iam::\d{12}:user\/sam/);
  await expect(row).toContainText("sender");
  await expect(page.getByTestId("no-invitations")).toBeVisible();

  // A bad name is reported next to its field, and nothing is sent.
  await page.getByLabel("Name", { exact: true }).fill("has space");
  await page.getByLabel("Email").fill(uniqueEmail("bad"));
  await page.getByRole("button", { name: "Invite user" }).click();
  await expect(page.locator("#field-name-error")).toContainText("Use 1 to 64");
  await expect(page.getByRole("row")).toHaveCount(3); // header, admin, sam
  await expect(page.getByTestId("no-invitations")).toBeVisible();

  // Create an access key: the secret and SMTP password are shown once, with copy buttons.
  await page.getByRole("link", { name: "Access keys" }).click();
  // The button stays disabled until the region options have loaded (they load after a
  // client-side navigation); Playwright waits for it to be enabled, as a person would.
  await page.getByRole("button", { name: "Create access key" }).click();
  const keyId = await page.getByTestId("new-access-key-id").textContent();
  expect(keyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
  await expect(page.getByTestId("new-secret")).toHaveText(/^[A-Za-z0-9+/]{40}$/);
  await expect(page.getByTestId("new-smtp-password")).toHaveText(/^B[A-Za-z0-9+/]{43}$/);
  await page.getByRole("button", { name: "Copy Secret access key" }).click();
  await expect(page.getByRole("button", { name: "Copy Secret access key" })).toHaveText("Copied");
  const secret = await page.getByTestId("new-secret").textContent();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expect(page.getByRole("row", { name: new RegExp(keyId!) })).toContainText("Active");

  // Shown exactly once: after a reload only the id remains.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("row", { name: new RegExp(keyId!) })).toBeVisible();
  await expect(page.getByTestId("new-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret!);

  // Sign out: the account pages ask to sign in again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await page.goto("/account");
  await expect(page.getByText("to see this page")).toBeVisible();
});

test("forms work before hydration too (server-rendered, plain POST)", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail("noscript");
  await page.goto("/sign-up");
  await page.getByLabel("Account name").fill("No Script Ltd");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/sign-up\?mailed$/);
  await expect(page.getByTestId("sign-up-mailed")).toBeVisible();
  await page.goto(mailedLink(email, "/sign-up/confirm/"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId("account-id")).toHaveText(/^\d{12}$/);
  await context.close();
});
