import { test, expect, hydrated, signUp } from "./fixtures";

test("SMTP settings: host and ports, new credentials shown once, filled-in examples", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, "Smtp Co");

  await page.getByRole("link", { name: "SMTP settings" }).click();
  await expect(page.getByTestId("smtp-host")).toHaveText("127.0.0.1");
  await expect(page.getByTestId("smtp-starttls-ports")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("smtp-tls-ports")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("smtp-no-users")).toBeVisible();
  const port = await page.getByTestId("smtp-starttls-ports").textContent();
  await expect(page.getByTestId("smtp-example-swaks")).toContainText(`--server 127.0.0.1:${port} --tls`);
  await expect(page.getByTestId("smtp-example-python")).toContainText("smtp.starttls()");

  // New credentials: the password is shown once, and the examples use it.
  await page.getByRole("button", { name: "Create SMTP credentials" }).click();
  const user = await page.getByTestId("smtp-new-user").textContent();
  expect(user).toMatch(/^AKIA[A-Z0-9]{16}$/);
  await expect(page.getByTestId("smtp-new-password")).toHaveText(/^B[A-Za-z0-9+/]{43}$/);
  const password = await page.getByTestId("smtp-new-password").textContent();
  await expect(page.getByTestId("smtp-user-names")).toContainText(user!);
  await expect(page.getByTestId("smtp-example-python")).toContainText(`smtp.login("${user}", "${password}")`);
  await expect(page.getByTestId("smtp-example-swaks")).toContainText(`--auth-user '${user}' --auth-password '${password}'`);
  await page.getByRole("button", { name: "Copy swaks" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(password!);

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("smtp-user-names")).toContainText(user!);
  await expect(page.getByTestId("smtp-new-password")).toHaveCount(0);
  expect(await page.content()).not.toContain(password!);
});
