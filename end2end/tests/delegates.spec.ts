import { execFileSync } from "node:child_process";
import { dirname } from "node:path";
import { test, expect, admin, hydrated, signUp } from "./fixtures";

// The real AWS CLI (installed by `./dev test` in the SDK tests' virtualenv).
const AWS = process.env.AWS_CLI ?? "aws";

/** `aws ses send-email` as the delegate; returns the exit status and what it printed. */
function cliSend(key: { id: string; secret: string }, from: string, arn: string) {
  const args = [
    "ses", "send-email", "--endpoint-url", process.env.BASE_URL!, "--region", "us-east-1", "--output", "json",
    "--from", from, "--source-arn", arn,
    "--destination", "ToAddresses=success@simulator.amazonses.com",
    "--message", "Subject={Data=News},Body={Text={Data=This week}}",
  ];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  try {
    return { ok: true, output: execFileSync(AWS, args, { env, encoding: "utf8", stdio: "pipe" }) };
  } catch (e: any) {
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

test("an owner sees a delegate's sends, revokes it, and the delegate's next API send is denied", async ({ page, browser }) => {
  const delegateContext = await browser.newContext();
  const delegatePage = await delegateContext.newPage();
  const delegate = await signUp(delegatePage, "Delegate Sender");
  // The test sends five times within a few seconds, faster than a person copies examples:
  // the sandbox's 1 message per second would throttle it (a rule tested on its own).
  admin("set-quota", "--account", delegate, "--max-24-hour-send", "200", "--max-send-rate", "20");
  await delegatePage.getByRole("link", { name: "Access keys" }).click();
  await delegatePage.getByRole("button", { name: "Create access key" }).click();
  const key = {
    id: (await delegatePage.getByTestId("new-access-key-id").textContent())!.trim(),
    secret: (await delegatePage.getByTestId("new-secret").textContent())!.trim(),
  };

  const owner = await signUp(page, "Granting Owner");
  await page.getByRole("link", { name: "Identities" }).click();
  const domain = `r${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByRole("button", { name: "Publish to dev zone" }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("status")).toHaveText("Success");
  await page.getByRole("tab", { name: "Authorization" }).click();
  await page.getByLabel("Delegates", { exact: true }).fill(delegate);
  await page.getByLabel("From addresses", { exact: true }).fill(`news@${domain}`);
  await page.getByRole("button", { name: "Write policy into the editor" }).click();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Policy saved.")).toBeVisible();

  // Named in a policy but not yet sent: the owner sees the id only. Naming any 12-digit id
  // in a policy must not be a way to look up that account's name.
  await page.getByRole("tab", { name: "Delegate activity" }).click();
  const named = page.locator(`[data-testid=delegate-activity][data-account="${delegate}"]`);
  await expect(named.getByTestId("account-ref")).toHaveText(new RegExp(`^${delegate}`));
  await expect(named).not.toContainText("Delegate Sender");
  await page.getByRole("tab", { name: "Authorization" }).click();

  const arn = `arn:aws:ses:us-east-1:${owner}:identity/${domain}`;
  // The delegate's SMTP examples, as the shared identity: they carry its ARN header.
  await delegatePage.goto("/smtp");
  await hydrated(delegatePage);
  await delegatePage.getByLabel("Send as").selectOption({ label: `${domain} (us-east-1) — shared by Granting Owner` });
  await expect(delegatePage.getByTestId("smtp-example-swaks")).toContainText(`--from 'news@${domain}'`);
  await expect(delegatePage.getByTestId("smtp-example-swaks")).toContainText(`--header 'X-SES-SOURCE-ARN: ${arn}'`);
  await expect(delegatePage.getByTestId("smtp-example-python")).toContainText(`message["X-SES-SOURCE-ARN"] = "${arn}"`);

  const sent = cliSend(key, `news@${domain}`, arn);
  expect(sent.ok, sent.output).toBe(true);
  expect(JSON.parse(sent.output).MessageId).toMatch(/-000000$/);

  // The API examples on the Access keys page, run exactly as copied: with a key just
  // created and the shared identity picked, the AWS CLI line and the boto3 script send.
  await delegatePage.goto("/account/access-keys");
  await hydrated(delegatePage);
  await delegatePage.getByRole("button", { name: "Create access key" }).click();
  await expect(delegatePage.getByTestId("new-secret")).toBeVisible();
  await delegatePage.getByLabel("Send as").selectOption({ label: `${domain} (us-east-1) — shared by Granting Owner` });
  const cli = (await delegatePage.getByTestId("api-example-cli").textContent())!;
  expect(cli).toContain(`--from-email-address-identity-arn '${arn}'`);
  const tools = dirname(AWS);
  const clean = { ...process.env, PATH: `${tools}:${process.env.PATH}`, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const copiedCli = execFileSync("bash", ["-c", cli], { env: clean, encoding: "utf8", stdio: "pipe" });
  expect(JSON.parse(copiedCli).MessageId).toMatch(/-000000$/);
  const script = (await delegatePage.getByTestId("api-example-boto3").textContent())!;
  const copiedPython = execFileSync(`${tools}/python`, ["-c", script], { env: clean, encoding: "utf8", stdio: "pipe" });
  expect(copiedPython.trim()).toMatch(/-000000$/);

  // The owner's Delegate activity tab: the delegate's three sends, and Revoke.
  await page.getByRole("tab", { name: "Delegate activity" }).click();
  const row = page.locator(`[data-testid=delegate-activity][data-account="${delegate}"]`);
  await expect(row.locator("td").nth(1)).toHaveText("3");
  // A new send shows on the open tab by itself.
  const another = cliSend(key, `news@${domain}`, arn);
  expect(another.ok, another.output).toBe(true);
  await expect(row.locator("td").nth(1)).toHaveText("4", { timeout: 15_000 });
  // Once it has sent, the delegate is shown by its name too; Revoke asks first, naming it.
  await expect(row.getByTestId("account-ref")).toContainText("Delegate Sender");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText(`Stop Delegate Sender (${delegate}) sending as this identity?`);
  await row.getByRole("button", { name: `Yes, revoke ${delegate}` }).click();
  await expect(row).toContainText("not granted");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Authorization" }).click();
  await expect(page.getByText("No policies: only this account can send as this identity.")).toBeVisible();

  const denied = cliSend(key, `news@${domain}`, arn);
  expect(denied.ok).toBe(false);
  expect(denied.output).toContain("AccessDenied");
  expect(denied.output).toContain(`on resource \`${arn}'`);
  // The delegate is told, on its Shared with me page loaded directly.
  await delegatePage.goto("/shared");
  await hydrated(delegatePage);
  const withdrawn = delegatePage.getByTestId("withdrawn-grants").locator("tbody tr");
  await expect(withdrawn).toHaveCount(1);
  await expect(withdrawn).toContainText(arn);
  await expect(withdrawn).toContainText("The policy was deleted.");
  await expect(delegatePage.getByTestId(`shared-${domain}`)).toHaveCount(0);
  await delegateContext.close();
});

test("reputation, statistics, quota and billing pages show the account's own sending", async ({ page }) => {
  await signUp(page, "Portal Co");
  await page.getByRole("link", { name: "Reputation" }).click();
  const region = page.getByTestId("reputation-us-east-1");
  await expect(region.getByTestId("enforcement-status")).toHaveText("Healthy");
  await expect(region.getByTestId("bounce-rate")).toContainText("0.0 %");
  await expect(region.locator("svg")).toHaveCount(2);
  await page.getByRole("link", { name: "Statistics" }).click();
  const stats = page.getByTestId("statistics-us-east-1");
  await expect(stats.getByTestId("total-sends")).toHaveText("0");
  await expect(stats.locator("polyline")).toHaveCount(5);
  // The last 24 hours per hour by default; 7 days per 6 hours a link away (bookmarkable).
  await expect(stats.locator("polyline").first()).toHaveAttribute("points", /^(\S+ ){23}\S+$/);
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/statistics\?window=7d$/);
  await expect(page.getByRole("link", { name: "Last 7 days" })).toHaveAttribute("aria-current", "page");
  await expect(stats.locator("polyline").first()).toHaveAttribute("points", /^(\S+ ){27}\S+$/);
  // Counts are ruled in whole numbers.
  expect((await stats.locator("text.tick").allTextContents()).filter((t) => /^\d+\.\d+$/.test(t))).toEqual([]);
  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByTestId("statement-amount")).toHaveText("0.00");
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", /^data:text\/csv;base64,/);
});
