import { execFileSync } from "node:child_process";
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

/** Runs `sesame admin <args>` against the tests' Sesame ($SESAME_ADMIN, set by ./dev test). */
export function admin(...args: string[]): string {
  return adminWithInput("", ...args);
}

/** `admin`, with `input` on the command's stdin (where it reads a new password). */
export function adminWithInput(input: string, ...args: string[]): string {
  const [program, ...prefix] = (process.env.SESAME_ADMIN ?? "sesame admin").split(" ");
  return execFileSync(program, [...prefix, ...args], { encoding: "utf8", stdio: "pipe", input });
}

/**
 * The text of Sesame's latest mail to `to`, read with `sesame admin mail`: the tests' Sesame
 * keeps its mail on the machine (`sink`), and mail about no account yet (a sign-up's link,
 * an invitation) is in nobody's Mailbox.
 */
export function mailTo(to: string): string {
  return admin("mail", "--to", to);
}

/** The path of the link starting `prefix` (`/sign-up/confirm/`) in Sesame's latest mail to `to`. */
export function mailedLink(to: string, prefix: string): string {
  const text = mailTo(to);
  const link = text.match(new RegExp(`${prefix}[A-Za-z0-9]+`));
  expect(link, text).not.toBeNull();
  return link![0];
}

/**
 * Signs up a new account named `name` in `page`, as a person does: the form, then the link
 * mailed to the address, opened (directly) and the password chosen there. Returns the
 * account id.
 */
export async function signUp(page: Page, name: string, email = uniqueEmail(name.toLowerCase().replace(/ /g, "-"))) {
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Account name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("sign-up-mailed")).toBeVisible();
  await page.goto(mailedLink(email, "/sign-up/confirm/"));
  await hydrated(page);
  await expect(page.getByText(`Create a Sesame account with ${email}`)).toBeVisible();
  await expect(page.getByLabel("Account name")).toHaveValue(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  return (await page.getByTestId("account-id").textContent())!.trim();
}

/** Signs `email` in on the sign-in page (loaded directly) and lands on the overview. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/overview$/);
}

/** Fills in and sends the operator sign-in page (loaded directly) as operator `email`. */
export async function operatorSignIn(page: Page, email: string) {
  await page.goto("/operator/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** A new operator, made with `sesame admin create-operator`, signed in in `page` and on
 *  the operator console. Returns their address. */
export async function newOperator(page: Page) {
  const email = uniqueEmail("ops");
  adminWithInput(`${PASSWORD}\n`, "create-operator", "--email", email);
  await operatorSignIn(page, email);
  await expect(page).toHaveURL(/\/operator$/);
  return email;
}
