import { test, expect, hydrated, signUp } from "./fixtures";

// The audit log: a policy saved and changed on the Authorization tab shows on the Activity
// page (loaded directly, reloaded, filtered through its address) with who made it and the
// document's diff, on the identity's History tab, and in the CSV download.
test("see who changed a policy, and how, on the Activity page and the identity's History", async ({ page }) => {
  const owner = await signUp(page, "Audited Co");
  await page.goto("/identities");
  await hydrated(page);
  const domain = `a${Date.now()}.example`;
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByRole("heading", { level: 1, name: domain })).toBeVisible();
  const identityUrl = page.url();

  await page.getByRole("tab", { name: "Authorization" }).click();
  const editor = page.getByLabel("Policy document (JSON)");
  const document = (sid: string) =>
    JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: sid,
            Effect: "Allow",
            Principal: { AWS: "111122223333" },
            Action: "ses:SendEmail",
            Resource: `arn:aws:ses:us-east-1:${owner}:identity/${domain}`,
          },
        ],
      },
      null,
      2,
    );
  await editor.fill(document("FirstGrant"));
  await page.getByLabel("Policy name").fill("grant");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Policy saved.")).toBeVisible();
  await page.getByTestId("policy-grant").getByRole("button", { name: "Edit" }).click();
  await editor.fill(document("SecondGrant"));
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/policies/put") && r.ok());
  await page.getByRole("button", { name: "Save policy" }).click();
  await saved;

  // The Activity page, loaded directly and reloaded.
  await page.goto("/activity");
  await hydrated(page);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Activity" })).toBeVisible();
  const entries = page.getByTestId("activity-entry");
  await expect(entries.first()).toHaveAttribute("data-kind", "policy.updated");
  await expect(entries.first()).toContainText(`arn:aws:iam::${owner}:user/`);
  await expect(entries.first()).toContainText("console");
  await expect(entries.first()).toContainText(domain);

  // The filter is the page's address: a kind family, bookmarkable.
  await page.getByLabel("Kind").selectOption("policy");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/activity\?kind=policy/);
  await page.reload();
  await hydrated(page);
  await expect(entries).toHaveCount(2);
  await page.getByText("Changes to the document").first().click();
  const diff = page.getByTestId("policy-diff").first();
  await expect(diff.locator(".removed")).toContainText('"Sid": "FirstGrant"');
  await expect(diff.locator(".added")).toContainText('"Sid": "SecondGrant"');

  // The download holds the entries the filter matches.
  await page.getByRole("button", { name: "Prepare CSV" }).click();
  const download = page.getByRole("link", { name: "Download CSV" });
  await expect(download).toHaveAttribute("href", /^data:text\/csv;base64,/);
  const href = (await download.getAttribute("href")) ?? "";
  const csv = Buffer.from(href.split(",")[1], "base64").toString("utf8");
  expect(csv.split("\r\n").filter((r) => r.includes("policy."))).toHaveLength(2);

  // The identity's History tab, on its page loaded directly.
  await page.goto(identityUrl);
  await hydrated(page);
  await page.getByRole("tab", { name: "History" }).click();
  const history = page.getByTestId("activity-entry");
  await expect(history).toHaveCount(3);
  await expect(history.nth(2)).toHaveAttribute("data-kind", "identity.created");
});
