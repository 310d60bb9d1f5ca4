import { test, expect, signUp } from "./fixtures";

test("suppression list: add an address, find it, remove it", async ({ page }) => {
  await signUp(page, "Feedback Co");

  await page.getByRole("link", { name: "Suppression list" }).click();
  await expect(page.getByTestId("suppression-empty")).toBeVisible();
  for (const [address, reason] of [["Gone@Example.com", "Bounce"], ["angry@example.org", "Complaint"]]) {
    await page.getByLabel("Email address").fill(address);
    await page.getByLabel("Reason", { exact: true }).selectOption({ label: reason });
    await page.getByRole("button", { name: "Suppress" }).click();
    await expect(page.getByRole("row", { name: new RegExp(address.toLowerCase()) })).toBeVisible();
  }
  await expect(page.getByTestId("suppressed")).toHaveCount(2);
  await expect(page.getByRole("row", { name: /angry@example.org/ })).toContainText("COMPLAINT");

  await page.getByPlaceholder("address or domain").fill("example.com");
  await expect(page.getByTestId("suppressed")).toHaveCount(1);
  const gone = page.getByRole("row", { name: /gone@example.com/ });
  await gone.getByRole("button", { name: "Remove" }).click();
  await gone.getByRole("button", { name: "Yes, remove gone@example.com" }).click();
  await expect(page.getByTestId("suppression-empty")).toBeVisible();
  await page.getByPlaceholder("address or domain").fill("");
  await expect(page.getByTestId("suppressed")).toHaveCount(1);
});
