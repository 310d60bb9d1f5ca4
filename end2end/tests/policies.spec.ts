import { test, expect, signUp } from "./fixtures";

test("generate a policy for a delegate, save it, simulate it, and see it shared", async ({ page, browser }) => {
  // The delegate company has its own account, in its own browser.
  const delegateContext = await browser.newContext();
  const delegatePage = await delegateContext.newPage();
  const delegate = await signUp(delegatePage, "Delegate Co");

  const owner = await signUp(page, "Identity Owner");
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

  // From an address the grant does not cover: the Deny names the condition that failed.
  await page.getByLabel("From address", { exact: true }).fill(`ceo@${domain}`);
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByTestId("verdict")).toHaveText("Deny");
  await expect(page.getByTestId("explanation")).toContainText(
    `Statement \`AllowDelegate\` of policy \`AllowDelegate\` names the caller, but its condition StringLike ses:FromAddress: news@${domain} does not hold.`,
  );
  await page.getByLabel("From address", { exact: true }).fill(`news@${domain}`);

  await page.getByLabel("Principal", { exact: true }).fill("111122223333");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByTestId("verdict")).toHaveText("Deny");
  await expect(page.getByTestId("explanation")).toContainText("no statement");

  // The delegate sees the identity, the grant and the ARN to send with.
  await delegatePage.getByRole("link", { name: "Shared with me" }).click();
  const shared = delegatePage.getByTestId(`shared-${domain}`);
  await expect(shared).toContainText(`identity/${domain}`);
  await expect(shared).toContainText(`StringLike ses:FromAddress: news@${domain}`);
  // By sharing, the owner introduced itself: its name shows beside its id, copyable.
  await expect(shared.getByTestId("account-ref")).toContainText("Identity Owner");
  await expect(shared.getByTestId("account-ref")).toContainText(owner);
  await expect(shared.getByRole("button", { name: `Copy account id ${owner}` })).toBeVisible();

  // The delegate's Overview, loaded directly: the shared identity and whose it is, and the
  // delegate's way of getting started (shared, then send).
  await delegatePage.goto("/overview");
  const sharedCard = delegatePage.getByTestId("shared");
  await expect(sharedCard).toContainText(domain);
  await expect(sharedCard).toContainText("Identity Owner");
  const steps = delegatePage.getByTestId("step");
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toHaveAttribute("data-step", "GetShared");
  await expect(steps.nth(0)).toHaveAttribute("data-state", "done");
  await expect(steps.nth(1)).toHaveAttribute("data-step", "Send");
  await expect(steps.nth(1)).toHaveAttribute("data-state", "next");

  // The owner's Overview: the identity, still Pending, with its one partner.
  await page.goto("/overview");
  const owned = page.getByTestId("owned").getByRole("listitem").filter({ hasText: domain });
  await expect(owned).toContainText("Pending");
  await expect(owned).toContainText("1 partner");
  await delegateContext.close();
});
