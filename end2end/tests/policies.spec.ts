import { test, expect, signUp } from "./fixtures";

test("generate a policy for a delegate, save it, simulate it, and see it shared", async ({ page, browser }) => {
  // The delegate company has its own account, in its own browser.
  const delegateContext = await browser.newContext();
  const delegatePage = await delegateContext.newPage();
  const delegate = await signUp(delegatePage, "Delegate Co");

  await signUp(page, "Identity Owner");
  await page.getByRole("link", { name: "Identities" }).click();
  const domain = `p${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  await page.getByRole("tab", { name: "Authorization" }).click();
  await expect(page.getByText("No policies: only this account can send as this identity.")).toBeVisible();

  // The editor validates as it is typed, in the browser.
  const editor = page.getByLabel("Policy document (JSON)");
  await editor.fill('{"Statement": []}');
  await expect(page.getByTestId("policy-validation")).toContainText("Invalid policy: Statement");

  // The generator writes the policy into the editor, where it validates.
  await page.getByLabel("Delegates", { exact: true }).fill(delegate);
  await page.getByLabel("From addresses", { exact: true }).fill(`news@${domain}`);
  await page.getByRole("button", { name: "Write policy into the editor" }).click();
  await expect(editor).toHaveValue(new RegExp(`"${delegate}"`));
  await expect(page.getByTestId("policy-validation")).toHaveText("Valid policy with 1 statement(s).");
  await expect(page.getByLabel("Policy name")).toHaveValue("AllowDelegate");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Policy saved.")).toBeVisible();
  await expect(page.getByTestId("policy-AllowDelegate")).toContainText(`news@${domain}`);

  // The simulator: the delegate may send from the granted address, nobody else may.
  await page.getByLabel("Principal", { exact: true }).fill(delegate);
  await page.getByLabel("From address", { exact: true }).fill(`news@${domain}`);
  await page.getByLabel("Recipients", { exact: true }).fill("someone@customer.example");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByTestId("verdict")).toHaveText("Allow");
  await expect(page.getByTestId("explanation")).toContainText("statement `AllowDelegate` of policy `AllowDelegate`");

  await page.getByLabel("Principal", { exact: true }).fill("111122223333");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByTestId("verdict")).toHaveText("Deny");
  await expect(page.getByTestId("explanation")).toContainText("no statement");

  // The delegate sees the identity, the grant and the ARN to send with.
  await delegatePage.getByRole("link", { name: "Shared with me" }).click();
  const shared = delegatePage.getByTestId(`shared-${domain}`);
  await expect(shared).toContainText(`identity/${domain}`);
  await expect(shared).toContainText(`StringLike ses:FromAddress: news@${domain}`);
  await delegateContext.close();
});
